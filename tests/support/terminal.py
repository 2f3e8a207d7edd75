"""A child process on a real pseudo-terminal, for tests of what a person at a terminal sees.

``Terminal`` puts the chosen streams of ``python -m synthledger`` (or any
command) on the terminal side of a pty and reads the other side, so the child's
``isatty()`` is true exactly where a person's would be.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from support.archive import COLOUR_VARIABLES

TIMEOUT = 60.0


class Terminal:
    """``args`` running with stdin/stdout/stderr on a pty, except those named in ``piped``."""

    def __init__(
        self,
        args: Sequence[str],
        cwd: Path,
        env: Mapping[str, str] | None = None,
        *,
        piped: Sequence[str] = (),
    ) -> None:
        self.controller, terminal = os.openpty()
        base = {k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES}
        base.pop("PRE_COMMIT", None)
        streams = {
            name: (subprocess.PIPE if name in piped else terminal)
            for name in ("stdin", "stdout", "stderr")
        }
        self.process = subprocess.Popen(
            list(args),
            cwd=cwd,
            env={**base, "TERM": "xterm-256color", "COLUMNS": "100", **(env or {})},
            stdin=streams["stdin"],
            stdout=streams["stdout"],
            stderr=streams["stderr"],
        )
        os.close(terminal)
        self.shown = b""
        self._read_to = 0

    @classmethod
    def synthledger(
        cls,
        args: Sequence[str],
        cwd: Path,
        env: Mapping[str, str] | None = None,
        *,
        piped: Sequence[str] = (),
    ) -> Terminal:
        return cls([sys.executable, "-m", "synthledger", *args], cwd, env, piped=piped)

    def expect(self, text: str) -> str:
        """Wait until ``text`` appears after what was expected last; what came before it.

        Line ends are LF here, as in :attr:`text`.
        """
        deadline = time.monotonic() + TIMEOUT
        while (found := self.text.find(text, self._read_to)) < 0:
            if not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{text!r} never appeared; the terminal shows {self.text!r}")
        before = self.text[self._read_to : found]
        self._read_to = found + len(text)
        return before

    def type(self, answer: str) -> None:
        """Type ``answer`` and press Enter."""
        os.write(self.controller, answer.encode() + b"\r")

    def finish(self) -> tuple[int, str, str]:
        """Wait for the child to end: its exit status, the piped stdout, and the piped stderr."""
        deadline = time.monotonic() + TIMEOUT
        while self._read(deadline - time.monotonic()):
            pass
        out, err = self.process.communicate(timeout=TIMEOUT)
        os.close(self.controller)
        return (
            self.process.returncode,
            out.decode() if out is not None else "",
            err.decode() if err is not None else "",
        )

    @property
    def text(self) -> str:
        """Everything the terminal showed, with the terminal's CR LF line ends made LF."""
        return self.shown.decode(errors="replace").replace("\r\n", "\n")

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout`` seconds; False once the child's side is closed."""
        if timeout <= 0:
            return False
        ready, _, _ = select.select([self.controller], [], [], timeout)
        if not ready:
            return self.process.poll() is None
        try:
            chunk = os.read(self.controller, 65536)
        except OSError:  # EIO: every terminal side is closed and the output is drained
            return False
        self.shown += chunk
        return bool(chunk)
