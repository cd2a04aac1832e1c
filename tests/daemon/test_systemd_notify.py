"""sd_notify never blocks the caller, even when nobody reads the notification socket."""
from __future__ import annotations

import socket
import threading

from daemon import systemd


def test_notify_does_not_block_on_a_full_socket(tmp_path):
    """Given a listener that never reads (its queue fills after a few datagrams), many
    notifications all return, the later ones as not delivered."""
    path = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    results: list[bool] = []
    sender = threading.Thread(target=lambda: results.extend(
        systemd.notify("WATCHDOG=1", {"NOTIFY_SOCKET": path}) for _ in range(2000)), daemon=True)
    try:
        sender.start()
        sender.join(20)
        assert not sender.is_alive(), "notify blocked on a full socket"
        assert results[0] is True and results[-1] is False
        assert listener.recv(100) == b"WATCHDOG=1"
    finally:
        listener.close()
