"""`./dev.sh run` on a fresh checkout: it prints the review desk's first admin and a one-time
password, once; that password signs in at the desk it started and must be changed there; a
second `./dev.sh run` on the same database prints no password again.

The checkout is a temporary folder holding dev.sh, pyproject.toml and a .venv whose `orderdesk`
is this project's, told (by a one-line wrapper) to use a settings file with free ports: the
defaults (8080, 9108) may be taken on a shared test machine.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.fixtures.daemon_proc import command, free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0
ONE_TIME = re.compile(r"one-time password for admin \(shown only now[^)]*\): (\S+)")


def _checkout(tmp_path: Path) -> tuple[Path, int, int]:
    """A checkout whose set-up is done (its .venv stamped newer than pyproject.toml); returns it
    with the desk's and the health port."""
    root = tmp_path / "checkout"
    (root / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "dev.sh", root / "dev.sh")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    os.utime(root / "pyproject.toml", (0, 0))
    (root / ".venv" / ".installed").touch()
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (root / "examples").mkdir()
    (root / "examples" / "catalog").symlink_to(ROOT / "examples" / "catalog")
    desk, health = free_port(), free_port()
    (root / "orderdesk.toml").write_text(f"http_port = {health}\n\n[review]\nport = {desk}\n", encoding="utf-8")
    wrapper = root / ".venv" / "bin" / "orderdesk"
    real = " ".join(f"'{part}'" for part in command()[:-1])
    wrapper.write_text(f'#!/bin/sh\nexec {real} "$@" --config "{root / "orderdesk.toml"}"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return root, desk, health


class DevRun:
    """`./dev.sh run` in its own process group, its output collected as it comes."""

    def __init__(self, root: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("ORDERDESK_DB", "NOTIFY_SOCKET")}
        self.process = subprocess.Popen(["bash", str(root / "dev.sh"), "run"], cwd=root, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.output = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            self.output += raw.decode(errors="replace")

    def wait_for(self, check, what: str):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            if self.process.poll() is not None:
                raise AssertionError(f"./dev.sh run ended ({self.process.returncode}) before {what}:\n{self.output}")
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output}")

    def stop(self) -> int:
        """SIGTERM to the group, as Ctrl-C would end it; SIGKILL when it does not end in time."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            raise AssertionError(f"./dev.sh run did not stop:\n{self.output}")
        finally:
            self._reader.join(5)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _sign_in(port: int, password: str) -> httpx.Response:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        page = client.get("/signin").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return client.post("/signin", data={"name": "admin", "password": password, "csrf": csrf})


def test_dev_sh_run_prints_the_first_admins_one_time_password_once(tmp_path):
    root, desk, health = _checkout(tmp_path)
    run = DevRun(root)
    try:
        password = run.wait_for(lambda: (m := ONE_TIME.search(run.output)) and m.group(1), "the one-time password")
        run.wait_for(lambda: _answers(desk), "the review desk")
        signed_in = _sign_in(desk, password)
        assert signed_in.status_code == 303 and signed_in.headers["location"].endswith("/password")
        assert _sign_in(desk, password + "x").status_code != 303
    finally:
        assert run.stop() == 0, run.output
    assert run.output.count(password) == 1 and "the review desk's first user is 'admin' (admin)" in run.output

    again = DevRun(root)
    try:
        again.wait_for(lambda: _answers(health), "orderdesk to run again")
    finally:
        assert again.stop() == 0, again.output
    assert "one-time password" not in again.output and "first user" not in again.output
    assert "Review desk: http://127.0.0.1:8080/" in again.output
