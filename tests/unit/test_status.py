from __future__ import annotations

from pathlib import Path

import pytest

from synthledger.deriving.status import Notice, Status, correction_status

GOLDEN = Path(__file__).parent / "golden" / "status_pairs.txt"


def _golden_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        pair, outcome = line.split(" -> ")
        first, second = pair.split(" then ")
        status, flags = outcome.split(" ", 1)
        rows.append((first, second, status, flags))
    return rows


def test_golden_covers_every_ordered_pair() -> None:
    pairs = {(first, second) for first, second, _, _ in _golden_rows()}
    assert len(pairs) == 100


@pytest.mark.parametrize(("first", "second", "status", "flags"), _golden_rows())
def test_every_pair_in_both_orders(first: str, second: str, status: str, flags: str) -> None:
    notices = [
        Notice("c1", first, "c0" if first == "reinstatement" else None),
        Notice("c2", second, "c1" if second == "reinstatement" else None),
    ]
    verdict = correction_status(notices)
    assert str(verdict.status) == status
    assert f"[{', '.join(verdict.flags)}]" == flags


def test_no_corrections_is_current() -> None:
    assert correction_status([]).status is Status.CURRENT


def test_reinstatement_cancels_only_the_correction_it_names() -> None:
    verdict = correction_status(
        [
            Notice("c1", "retraction"),
            Notice("c2", "expression-of-concern"),
            Notice("c3", "reinstatement", "c1"),
        ]
    )
    assert verdict.status is Status.UNDER_CONCERN
    assert verdict.cancelled == {"c1": "c3"}
    assert verdict.in_force == ("c2",)


def test_a_reinstatement_cannot_cancel_a_reinstatement() -> None:
    verdict = correction_status(
        [
            Notice("c1", "retraction"),
            Notice("c2", "reinstatement", "c1"),
            Notice("c3", "reinstatement", "c2"),
        ]
    )
    assert verdict.status is Status.CURRENT
    assert verdict.cancelled == {"c1": "c2"}


def test_unknown_kind_fails_closed() -> None:
    with pytest.raises(KeyError, match="unknown correction kind 'rebuttal'"):
        correction_status([Notice("c1", "rebuttal")])
