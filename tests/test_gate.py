"""Gate verdicts: each reason code with the sentence a reader sees, from the verdict
function and from the manifests of real repositories."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from support.archive import PAPER, REPRO_RESULTS, Archive, run_cli, sha256_hex
from support.gitrepo import GitRepo, isolate_git
from synthledger.deriving.gate import Attempt, verdict

GATE = {"id": "gate-2", "name": "Gate 2", "short_name": "Gate 2", "activated": "2026-06-10"}
WITH_REPRO = {"artifacts": [{"role": "repro-script"}, {"role": "repro-results"}]}
EVALUATED = "2026-07-02T00:00:00+00:00"
PREDATES_GATE = (
    "Unverified",
    "predates-gate",
    "Published before the Gate 2 verification pipeline was activated (2026-06-10). "
    "No formal proof or sandbox reproduction has been attempted for this record.",
)


def attempt(
    vid: str,
    outcome: str = "verified",
    reason: str | None = None,
    *,
    match: bool = True,
    method: str = "sandbox-reproduction",
    gate: str = "gate-2",
) -> Attempt:
    return Attempt(vid, gate, method, outcome, reason, match, f"2026-07-01T00:00:0{vid[-1]}+00:00")


@pytest.mark.parametrize(
    ("attempts", "before_gate", "view", "expected"),
    [
        (
            [],
            True,
            WITH_REPRO,
            PREDATES_GATE,
        ),
        (
            [],
            False,
            {"artifacts": [{"role": "report"}]},
            (
                "Unverified",
                "no-artifact",
                "No Lean 4 proof source, or repro script and results, is attached, so Gate 2 "
                "cannot be attempted for this record.",
            ),
        ),
        (
            [],
            False,
            WITH_REPRO,
            (
                "Unverified",
                "no-attempt",
                "Its artifacts are attached, but no formal proof or sandbox reproduction has "
                "been attempted for this record yet (Gate 2).",
            ),
        ),
        (
            [attempt("v1")],
            True,
            WITH_REPRO,
            (
                "Verified",
                "verified",
                "Gate 2 passed by sandbox reproduction (verification v1); its artifacts match "
                "their recorded hashes.",
            ),
        ),
        (
            [attempt("v1", match=False)],
            False,
            WITH_REPRO,
            (
                "Unverified",
                "artifact-changed",
                "Verification v1 passed, but its artifacts no longer match what the paper pins, "
                "or lack what its method needs, so it does not count.",
            ),
        ),
        (
            [attempt("v1"), attempt("v2", "failed", "output-mismatch")],
            False,
            WITH_REPRO,
            (
                "Failed",
                "output-mismatch",
                "The latest Gate 2 attempt (v2) failed: the reproduction's output differs from "
                "the recorded results. An earlier attempt (v1) had passed.",
            ),
        ),
        (
            [attempt("v1", "failed", "sorry-or-axiom", method="formal-proof")],
            False,
            {"artifacts": [{"role": "proof-source"}]},
            (
                "Failed",
                "sorry-or-axiom",
                "The latest Gate 2 attempt (v1) failed: the proof rests on sorry or on an axiom "
                "outside the standard ones.",
            ),
        ),
        (
            [attempt("v1", "failed", "rerun-failed"), attempt("v2")],
            False,
            WITH_REPRO,
            (
                "Verified",
                "verified",
                "Gate 2 passed by sandbox reproduction (verification v2); its artifacts match "
                "their recorded hashes.",
            ),
        ),
        (
            [attempt("v1", gate="gate-3")],  # another gate's attempt says nothing of this one
            True,
            WITH_REPRO,
            PREDATES_GATE,
        ),
    ],
)
def test_each_verdict_reads_as_documented(
    attempts: list[Attempt],
    before_gate: bool,
    view: dict[str, object],
    expected: tuple[str, str, str],
) -> None:
    given = verdict(
        GATE, view, published_before_gate=before_gate, attempts=attempts, evaluated=EVALUATED
    )

    assert (given.status, given.reason_code, given.reason) == expected
    counted = [a for a in attempts if a.gate == GATE["id"]]
    assert given.attempt == (counted[-1].id if counted else None)


# --- from history -----------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Archive, GitRepo]:
    isolate_git(monkeypatch, tmp_path / "home")
    repo = GitRepo.init(tmp_path / "archive")
    archive = Archive(repo.path)
    archive.write("pyproject.toml", "[tool.synthledger]\n")
    archive.add_policy("2025-06-10-gate-2")  # in force at the dates GitRepo gives commits
    archive.add_synthesis()
    repo.commit("publish p1")
    return archive, repo


def gate_of(archive: Archive) -> dict[str, str]:
    proc = run_cli(["manifest", PAPER, "--out", "-"], cwd=archive.root)
    assert proc.returncode in (0, 1), proc.stderr
    gate: dict[str, str] = json.loads(proc.stdout)["gate"]
    return gate


def test_a_matching_verified_attempt_makes_the_paper_verified(
    archive: tuple[Archive, GitRepo],
) -> None:
    records, repo = archive
    records.add_verification("v1")
    repo.commit("verify p1")

    gate = gate_of(records)
    assert (gate["status"], gate["reason_code"]) == ("Verified", "verified")


def without_results(text: str) -> str:
    """The record without its repro-results artifact, as if it skipped the hooks (SL505)."""
    cut = text.index("  - path: artifacts/results.json")
    return text[:cut] + text[text.index("outcome:") :]


def on_other_results(text: str) -> str:
    """The record pinning other results than the paper does."""
    return text.replace(sha256_hex(REPRO_RESULTS), "ab" * 32)


@pytest.mark.parametrize("altered", [without_results, on_other_results])
def test_a_verified_attempt_that_does_not_rest_on_what_the_paper_pins_does_not_count(
    archive: tuple[Archive, GitRepo], altered: Callable[[str], str]
) -> None:
    records, repo = archive
    records.add_verification("v1", text=altered(records.verification_text("v1")))
    repo.commit("verify p1")

    gate = gate_of(records)
    assert (gate["status"], gate["reason_code"]) == ("Unverified", "artifact-changed")


def test_a_later_failed_attempt_makes_the_paper_failed(archive: tuple[Archive, GitRepo]) -> None:
    records, repo = archive
    records.add_verification("v1")
    repo.commit("verify p1")
    failed = records.verification_text("v2").replace(
        "outcome: verified", "outcome: failed\nreason: output-mismatch"
    )
    records.add_verification("v2", text=failed)
    repo.commit("p1 no longer reproduces")

    gate = gate_of(records)
    assert (gate["status"], gate["reason_code"]) == ("Failed", "output-mismatch")
    assert gate["reason"].endswith("An earlier attempt (v1) had passed.")
