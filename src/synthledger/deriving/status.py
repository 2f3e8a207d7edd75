"""Correction status: the most severe correction still in force wins.

RETRACTED = WITHDRAWN > PARTIALLY-RETRACTED > UNDER-CONCERN > SUPERSEDED >
CORRECTED > CURRENT. Errata, clarifications and addenda leave the status
CURRENT and show as flags. A reinstatement cancels the one earlier correction
it names. Between two of equal severity, the later one names the status.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Status(enum.StrEnum):
    RETRACTED = "RETRACTED"
    WITHDRAWN = "WITHDRAWN"
    PARTIALLY_RETRACTED = "PARTIALLY-RETRACTED"
    UNDER_CONCERN = "UNDER-CONCERN"
    SUPERSEDED = "SUPERSEDED"
    CORRECTED = "CORRECTED"
    CURRENT = "CURRENT"


# kind -> (status it sets, severity); flags have no status of their own.
EFFECT: dict[str, tuple[Status, int]] = {
    "retraction": (Status.RETRACTED, 6),
    "withdrawal": (Status.WITHDRAWN, 6),
    "partial-retraction": (Status.PARTIALLY_RETRACTED, 5),
    "expression-of-concern": (Status.UNDER_CONCERN, 4),
    "new-version": (Status.SUPERSEDED, 3),
    "correction": (Status.CORRECTED, 2),
}
FLAG_KINDS = ("erratum", "clarification", "addendum")
REINSTATEMENT = "reinstatement"
KINDS = frozenset((*EFFECT, *FLAG_KINDS, REINSTATEMENT))


@dataclass(frozen=True, slots=True)
class Notice:
    """A correction as the status needs it, in first-parent (publication) order."""

    id: str
    kind: str
    cancels: str | None = None


@dataclass(frozen=True, slots=True)
class StatusVerdict:
    status: Status
    flags: tuple[str, ...]
    in_force: tuple[str, ...]  # ids of the corrections still in force
    cancelled: dict[str, str]  # cancelled id -> id of the reinstatement that cancelled it


def correction_status(notices: Sequence[Notice]) -> StatusVerdict:
    """The status of a paper whose corrections are ``notices``, oldest first.

    A kind outside the known ones fails closed: it cannot reach here because
    the contract refuses it, and ``KeyError`` would say so loudly if it did.
    """
    cancelled: dict[str, str] = {}
    seen: set[str] = set()
    for notice in notices:
        if notice.kind not in KINDS:
            raise KeyError(f"unknown correction kind {notice.kind!r}")
        # Only an earlier correction that is not itself a reinstatement, once.
        if (
            notice.kind == REINSTATEMENT
            and notice.cancels in seen
            and notice.cancels not in cancelled
        ):
            cancelled[notice.cancels] = notice.id
        if notice.kind != REINSTATEMENT:
            seen.add(notice.id)
    in_force = [n for n in notices if n.id not in cancelled and n.kind != REINSTATEMENT]
    status, best = Status.CURRENT, 0
    for notice in in_force:
        effect = EFFECT.get(notice.kind)
        if effect is not None and effect[1] >= best:
            status, best = effect
    flags = tuple(dict.fromkeys(n.kind for n in in_force if n.kind in FLAG_KINDS))
    return StatusVerdict(status, flags, tuple(n.id for n in in_force), cancelled)
