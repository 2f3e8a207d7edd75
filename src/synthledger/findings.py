"""What every check produces: a located finding with a stable rule id."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem in one place.

    ``path`` is POSIX-style and relative to the archive root, so that the same
    problem reads the same on every clone. ``line`` and ``column`` are 1-based;
    a finding about a whole file points at 1:1. ``commit`` is set by the
    history checks only.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    commit: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_row(self) -> list[object]:
        """The finding as a JSON list, for the caches that keep findings between builds."""
        return [
            self.path,
            self.line,
            self.column,
            self.rule,
            str(self.severity),
            self.message,
            self.commit,
        ]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Finding:
        """The finding ``as_row`` wrote; raises ValueError or TypeError for anything else."""
        path, line, column, rule, severity, message, commit = row
        return cls(path, line, column, rule, Severity(severity), message, commit)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
        }
        if self.commit is not None:
            data["commit"] = self.commit
        return data


def exit_status(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """0 when nothing fails, 1 otherwise; ``strict`` makes warnings fail too."""
    for finding in findings:
        if finding.is_error or strict:
            return 1
    return 0
