"""A record file as read: its data, and where each value and key starts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from synthledger.findings import Finding, Severity

MAX_BYTES = 1_048_576
MAX_DEPTH = 32

JsonPath = tuple[str | int, ...]


class Mark(NamedTuple):
    """A 1-based position in a record file."""

    line: int
    column: int


FILE_START = Mark(1, 1)


@dataclass(frozen=True, slots=True)
class Document:
    """A record file's top-level mapping, with where each value and key starts."""

    path: str
    data: dict[str, Any]
    marks: Mapping[JsonPath, Mark]
    key_marks: Mapping[JsonPath, Mark]

    def locate(self, json_path: Iterable[str | int]) -> Mark:
        """Where the value at ``json_path`` starts, or its nearest recorded ancestor."""
        path = tuple(json_path)
        while path:
            mark = self.marks.get(path)
            if mark is not None:
                return mark
            path = path[:-1]
        return self.marks.get((), FILE_START)

    def locate_key(self, json_path: Iterable[str | int]) -> Mark:
        """Where the key of the entry at ``json_path`` starts (for "unknown key" errors)."""
        path = tuple(json_path)
        mark = self.key_marks.get(path)
        return mark if mark is not None else self.locate(path)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What loading one file gives: a document only when there was no error."""

    document: Document | None
    findings: tuple[Finding, ...]


def finding_at(path: str, mark: Mark, rule: str, message: str) -> Finding:
    return Finding(path, mark.line, mark.column, rule, Severity.ERROR, message)


def failed_load(path: str, rule: str, message: str) -> Loaded:
    return Loaded(None, (finding_at(path, FILE_START, rule, message),))
