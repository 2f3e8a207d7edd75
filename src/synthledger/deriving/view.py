"""A paper as its corrections left it: the one home of the current view.

The current view is the synthesis with the JSON Patch of every correction still
in force applied in publication order (a reinstatement takes the one it cancels
out of force). History gives that order (manifests); where there is no history
yet (a correction being written, validated before its commit, or checked by
reproduce) the issue date, then the correction id, stands in for it. The same
module answers the questions every view needs: which claims a record lists, and
which policy is in force on a day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from synthledger.deriving.patching import PatchFailure, apply_patch
from synthledger.deriving.status import Notice, correction_status

IssueKey = tuple[str, str]  # (issue date, correction id)
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Amendment:
    """A correction as the view needs it."""

    id: str
    kind: str
    cancels: str | None
    patch: list[Any]

    @classmethod
    def of(cls, correction_id: str, data: dict[str, Any]) -> Amendment:
        cancels, patch = data.get("cancels"), data.get("patch")
        return cls(
            correction_id,
            str(data.get("kind")),
            cancels if isinstance(cancels, str) else None,
            patch if isinstance(patch, list) else [],
        )

    @property
    def notice(self) -> Notice:
        return Notice(self.id, self.kind, self.cancels)


@dataclass(frozen=True)
class View:
    """A record as its corrections left it."""

    data: dict[str, Any]
    origins: dict[str, str]  # JSON pointer -> the correction that last amended it
    skipped: tuple[tuple[str, PatchFailure], ...]  # corrections whose patch did not apply


def current_view(record: dict[str, Any], corrections: Sequence[Amendment]) -> View:
    """``record`` with the patches of ``corrections`` still in force applied in order.

    ``corrections`` come in publication order. A patch that does not apply is
    skipped and named: the view goes on without it, and the caller says so
    where it reports (SL402).
    """
    in_force = set(correction_status([c.notice for c in corrections]).in_force)
    return apply_in_order(record, [(c.id, c.patch) for c in corrections if c.id in in_force])


def apply_in_order(record: dict[str, Any], patches: Iterable[tuple[str, list[Any]]]) -> View:
    """``record`` with each (correction id, patch) applied in the order given."""
    view = record
    origins: dict[str, str] = {}
    skipped: list[tuple[str, PatchFailure]] = []
    for correction, operations in patches:
        try:
            view = apply_patch(view, operations)
        except PatchFailure as exc:
            skipped.append((correction, exc))
            continue
        for operation in operations:
            if operation["op"] != "test":  # a test checks a field, it does not amend it
                origins[operation["path"]] = correction
    return View(view, origins, tuple(skipped))


# --- corrections in a working tree ----------------------------------------------


class Issued(NamedTuple):
    key: IssueKey
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.key[1]

    @property
    def amendment(self) -> Amendment:
        return Amendment.of(self.id, self.data)


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


def view_in_tree(
    record: dict[str, Any],
    folder: Path,
    load: Callable[[Path], dict[str, Any] | None],
    *,
    before: IssueKey | None = None,
) -> View:
    """The current view of the synthesis ``record`` of the paper ``folder``, from the
    corrections a working tree holds (all, or those issued ``before`` a key)."""
    issued = corrections_in_issue_order(folder, load, before=before)
    return current_view(record, [correction.amendment for correction in issued])


# --- what every view is asked ------------------------------------------------------


def listed_claims(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims a record lists one by one (none where it gives only counts)."""
    claims = data.get("claims")
    if not isinstance(claims, dict) or claims.get("disclosure") != "listed":
        return []
    items = claims.get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def policy_in_force(policies: Iterable[tuple[str, P]], on: str) -> P | None:
    """Of (effective date, policy) pairs in publication order, the one in force on ``on``
    (an ISO date): the latest effective on or before it; of several effective the same
    day, the one published last."""
    chosen: P | None = None
    chosen_effective = ""
    for effective, policy in policies:
        if effective <= on and effective >= chosen_effective:
            chosen, chosen_effective = policy, effective
    return chosen
