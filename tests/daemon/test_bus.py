"""Doorbells over zmq: a ring wakes a waiter; silence times out; topics are kept apart."""
from __future__ import annotations

import threading
import time

import pytest
import zmq

from daemon.bus import BusProxy, Doorbell


@pytest.fixture
def bell():
    context = zmq.Context()
    endpoints = (f"inproc://in-{id(context)}", f"inproc://out-{id(context)}")
    proxy = BusProxy(endpoints, context=context).start()
    bell = Doorbell(endpoints=endpoints, context=context)
    yield bell
    bell.close()
    proxy.stop()
    context.term()


def _subscribed(bell: Doorbell, topic: str) -> None:
    """Subscribe, then ring until the subscription has reached the publisher (zmq slow joiner)."""
    for _ in range(50):
        bell.ring(topic)
        if bell.wait([topic], 0.05):
            return
    raise AssertionError("subscription never arrived")


def test_ring_from_another_thread_wakes_the_waiter(bell):
    _subscribed(bell, "document")
    def ring_later():
        time.sleep(0.2)
        bell.ring("document")
        bell.close()
    threading.Thread(target=ring_later).start()
    started = time.monotonic()
    assert bell.wait(["document"], 5.0)
    assert time.monotonic() - started < 2.0


def test_wait_times_out_without_a_ring(bell):
    _subscribed(bell, "document")
    started = time.monotonic()
    assert not bell.wait(["document"], 0.3)
    assert time.monotonic() - started >= 0.25


def test_other_topics_do_not_wake(bell):
    _subscribed(bell, "outbox")
    _subscribed(bell, "document")
    bell.ring("outbox")
    assert not bell.wait(["document"], 0.3)


def test_repeated_rings_are_drained_by_one_wait(bell):
    _subscribed(bell, "document")
    for _ in range(5):
        bell.ring("document")
    time.sleep(0.1)
    assert bell.wait(["document"], 1.0)
    assert not bell.wait(["document"], 0.2)


def test_ring_without_a_proxy_is_harmless():
    """No bus running: ringing neither blocks nor raises (the pollers find the work)."""
    context = zmq.Context()
    bell = Doorbell(endpoints=("inproc://nobody-in", "inproc://nobody-out"), context=context)
    bell.ring("document")
    bell.close()
    context.term()
