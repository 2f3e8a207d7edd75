"""A paper's corrections in the order they were issued, read from the working tree.

History gives the authoritative order (manifests use it). Where there is no
history yet, a correction being written, validated before its commit, or
checked by reproduce, the issue date, then the id, stands in for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

IssueKey = tuple[str, str]  # (issue date, correction id)


class Issued(NamedTuple):
    key: IssueKey
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.key[1]


def issue_key(data: dict[str, Any], correction_id: str) -> IssueKey:
    return (str(data.get("date")), correction_id)


def corrections_in_issue_order(
    folder: Path, load: Callable[[Path], dict[str, Any] | None], *, before: IssueKey | None = None
) -> list[Issued]:
    """The corrections in ``folder``/corrections that ``load`` can read, by (date, id).

    ``load`` gives a file's data, or None when it does not load (validate says
    why). With ``before``, only the corrections issued before that key.
    """
    directory = folder / "corrections"
    found = []
    for file in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        data = load(file)
        if data is None:
            continue
        key = issue_key(data, file.stem)
        if before is None or key < before:
            found.append(Issued(key, data))
    return sorted(found, key=lambda issued: issued.key)
