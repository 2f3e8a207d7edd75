"""synthledger audit and check on real repositories, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import GitRepo, bundled_archive, synthledger_cli

SEED = "records/papers/ff1b47c123e856ad/synthesis.yaml"


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def archive(tmp_path: Path) -> GitRepo:
    return bundled_archive(tmp_path / "archive")


def test_audit_of_a_clean_history_lists_each_paper_timeline(archive: GitRepo) -> None:
    result = synthledger_cli("audit", "--format", "json", cwd=archive.path)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == []
    timeline = report["papers"]["ff1b47c123e856ad"]["timeline"]
    assert [(e["record"], e["commit"], e["signature"]) for e in timeline] == [
        (SEED, archive.head(), "N")
    ]
    assert timeline[0]["signature_meaning"] == "unsigned"


def test_audit_under_an_anchor_says_plainly_that_history_was_rewritten(
    archive: GitRepo,
) -> None:
    anchor = archive.commit("an auditor writes this commit down", {"notes.txt": "x\n"})
    archive.git("reset", "-q", "--hard", "HEAD~1")
    archive.commit("a different history", {"notes.txt": "y\n"})

    result = synthledger_cli("audit", "--anchor", anchor, cwd=archive.path)

    assert result.returncode == 1
    assert f"anchor {anchor} is NOT an ancestor of HEAD" in result.stdout
    assert (
        f".:1:1: error[SL706] in commit {anchor[:12]}: history was rewritten: the anchor "
        f"{anchor[:12]} is no longer an ancestor of HEAD"
    ) in result.stdout


def test_audit_under_an_anchor_checks_only_what_came_since(archive: GitRepo) -> None:
    edited = (archive.path / SEED).read_text(encoding="utf-8") + "# an edit\n"
    archive.commit("an edit before the anchor", {SEED: edited})
    anchor = archive.commit("anchor", {"notes.txt": "x\n"})

    result = synthledger_cli("audit", "--anchor", anchor, "--format", "json", cwd=archive.path)

    report = json.loads(result.stdout)
    assert report["anchor_is_ancestor"] is True
    assert [f["rule"] for f in report["findings"]] == []


def test_audit_shows_which_correction_amended_which_field(archive: GitRepo) -> None:
    from synthledger.ledger.git import git_blob_hash

    blob = git_blob_hash((archive.path / SEED).read_bytes())
    correction = "records/papers/ff1b47c123e856ad/corrections/c1.yaml"
    archive.commit(
        "correct the title",
        {
            correction: f"""contract: correction-record-v1
id: c1
target: {{paper: ff1b47c123e856ad, record: synthesis.yaml, blob: {blob}}}
kind: correction
date: "2026-11-02"
issued_by: {{name: Ada Archivist, role: archive-maintainer}}
reasons: [error-in-text]
narrative: The title names the wrong model size.
patch:
  - {{op: replace, path: /title, value: A corrected title}}
"""
        },
    )

    result = synthledger_cli("audit", "ff1b47c123e856ad", cwd=archive.path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "field /title from correction c1" in result.stdout
    assert "5291ede05b044497" not in result.stdout


def test_check_refuses_what_a_no_verify_commit_slipped_past_the_hooks(
    archive: GitRepo,
) -> None:
    base = archive.head()
    edit = archive.commit("sneak an edit past pre-commit", {SEED: "edited: true\n"})

    result = synthledger_cli("check", "--base", base, "--format", "json", cwd=archive.path)

    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert {(f["rule"], f["path"], f.get("commit")) for f in findings} >= {("SL701", SEED, edit)}


def test_check_passes_the_bundled_archive_and_writes_manifests(
    archive: GitRepo, tmp_path: Path
) -> None:
    out = tmp_path / "manifests"

    result = synthledger_cli("check", "--out", str(out), cwd=archive.path)

    assert result.returncode == 0, result.stdout
    assert "0 errors, 8 warnings" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "482203de28464b46.json",
        "5291ede05b044497.json",
        "ff1b47c123e856ad.json",
        "index.json",
    ]
