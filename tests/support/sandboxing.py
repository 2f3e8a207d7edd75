"""Helpers for tests that run things in the sandbox: whether bubblewrap works here,
a server to connect to, a script that connects, and a look for processes left
behind."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from synthledger.verifying import sandbox


def _sandbox_problem() -> str | None:
    try:
        sandbox.bubblewrap()
    except sandbox.SandboxError as exc:
        return str(exc)
    finally:
        sandbox.bubblewrap.cache_clear()  # a test may change PATH and look again
    return None


PROBLEM = _sandbox_problem()
if PROBLEM is not None and os.environ.get("SYNTHLEDGER_REQUIRE_SANDBOX") == "1":
    raise RuntimeError(f"SYNTHLEDGER_REQUIRE_SANDBOX=1, but {PROBLEM}")
# CI sets SYNTHLEDGER_REQUIRE_SANDBOX=1: there a missing bubblewrap fails, never skips.
needs_sandbox = pytest.mark.skipif(PROBLEM is not None, reason=f"no sandbox here: {PROBLEM}")


class Server:
    """A TCP server on 127.0.0.1 in this process that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            connection.sendall(b"hello\n")
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


def connect_script(port: int) -> str:
    return (
        "import socket\n"
        f"with socket.create_connection(('127.0.0.1', {port}), timeout=3) as s:\n"
        "    print(s.recv(10).decode().strip())\n"
    )


def processes_mentioning(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if token.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found
