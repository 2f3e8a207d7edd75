"""Manifests from real repositories: determinism, the seeds' verdicts, merge order."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from synthledger.ledger.git import git_blob_hash
from synthledger.reading.contracts import Contracts, bundled_contracts_dir

REPO = Path(__file__).resolve().parent.parent
SEED_000 = "5291ede05b044497"
SEED_003 = "ff1b47c123e856ad"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env
    ).stdout


def synthledger(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "synthledger", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stdout


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A repository holding a copy of the bundled archive, in one commit."""
    root = tmp_path / "archive"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Ada Archivist")
    git(root, "config", "user.email", "ada@example.org")
    git(root, "config", "commit.gpgsign", "false")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "records", root / "records")
    (root / "pyproject.toml").write_text("[tool.synthledger]\n", encoding="utf-8")
    commit(root, "import the seeds", "2026-11-01T10:00:00+02:00")
    return root


def commit(root: Path, message: str, when: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, env=env)


def correction(root: Path, cid: str, kind: str, patch: str = "[]", extra: str = "") -> None:
    target = root / "records" / "papers" / SEED_003 / "synthesis.yaml"
    blob = git_blob_hash(target.read_bytes())
    folder = target.parent / "corrections"
    folder.mkdir(exist_ok=True)
    (folder / f"{cid}.yaml").write_text(
        f"""contract: correction-record-v1
id: {cid}
target:
  paper: {SEED_003}
  record: synthesis.yaml
  blob: {blob}
kind: {kind}
date: "2026-11-02"
issued_by:
  name: Ada Archivist
  role: archive-maintainer
reasons: [off-topic-content]
narrative: The abstract drifts away from the research question.
patch: {patch}
{extra}""",
        encoding="utf-8",
    )


def manifests(root: Path, out: str = "out", env: dict[str, str] | None = None) -> dict[str, str]:
    synthledger(root, "manifest", "--out", out, env=env)
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / out).iterdir())}


def test_same_history_gives_same_bytes_twice_and_on_a_fresh_clone(
    archive: Path, tmp_path: Path
) -> None:
    first = manifests(archive, "one")
    second = manifests(archive, "two")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(archive), str(clone))
    # Another time zone and locale must not show in the bytes.
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "LC_ALL": "C"}
    third = manifests(clone, "three", env=env)
    assert first == second == third
    assert sorted(first) == [
        "482203de28464b46.json",  # the reproduced example
        f"{SEED_000}.json",
        f"{SEED_003}.json",
        "index.json",
    ]


def test_contracts_come_from_the_commit_not_the_working_tree(archive: Path, tmp_path: Path) -> None:
    committed = manifests(archive, "committed")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(archive), str(bare))
    # A working-tree contract that refuses every record and every manifest.
    for contract in (archive / "schemas").glob("*.json"):
        schema = json.loads(contract.read_text(encoding="utf-8"))
        contract.write_text(json.dumps({**schema, "not": {}}), encoding="utf-8")

    assert manifests(archive, "edited-tree") == committed
    out = tmp_path / "from-bare"
    synthledger(tmp_path, "manifest", "--root", str(bare), "--out", str(out))
    assert {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())} == committed


def test_every_manifest_satisfies_its_contract(archive: Path) -> None:
    contracts = Contracts.from_dirs(bundled_contracts_dir())
    for name, text in manifests(archive).items():
        if name != "index.json":
            assert contracts.first_error(json.loads(text), "paper-manifest-v1.1") is None


def test_seed_000_reads_as_its_public_page(archive: Path) -> None:
    manifest = json.loads(manifests(archive)[f"{SEED_000}.json"])
    assert manifest["tier"]["name"] == "DOI grade"
    assert manifest["status"] == "CURRENT"
    assert manifest["correction_count"] == 0
    assert manifest["gate"]["status"] == "Unverified"
    assert manifest["gate"]["name"] == (
        "Gate 2 — Verification (formal proof or sandbox reproduction)"
    )
    assert manifest["gate"]["reason"] == (
        "Published before the Gate 2 verification pipeline was activated (2026-06-10). "
        "No formal proof or sandbox reproduction has been attempted for this record."
    )
    levels = {name: d["level"] for name, d in manifest["dimensions"].items()}
    assert levels == {
        "evidence_strength": "MEDIUM",
        "citation_grounding": "MEDIUM",
        "uncertainty_disclosure": "MEDIUM",
        "reproducibility": "HIGH",
    }
    assert manifest["claims"]["lineage"] == "7 aggregate source-grounded claims"
    assert manifest["verification_level"]["level"] == "L2"
    # The archiving commit, in UTC, beside the bound the page stated.
    assert manifest["published"]["date"] == "2026-11-01T08:00:00+00:00"
    assert manifest["published"]["stated_before"] == "2026-06-10"
    assert manifest["published"]["stated_after_archiving"] is False


def test_seed_003_is_below_doi_grade(archive: Path) -> None:
    manifest = json.loads(manifests(archive)[f"{SEED_003}.json"])
    assert manifest["tier"]["id"] == "below-doi-grade"
    assert manifest["tier"]["figures"] == {
        "review_score": 4.8,
        "verified_claims": 1,
        "extracted_claims": 8,
    }
    assert manifest["gate"]["reason_code"] == "predates-gate"
    assert manifest["published"]["stated"] == "2026-05-30"


def test_correction_changes_status_and_current_view(archive: Path) -> None:
    correction(
        archive,
        "c-2026-11-02-title",
        "correction",
        "[{op: test, path: /publisher, value: Assignee Research},"
        ' {op: replace, path: /title, value: "Deep ensembles: accuracy and privacy"}]',
    )
    commit(archive, "correct the title", "2026-11-02T09:00:00+00:00")
    manifest = json.loads(manifests(archive)[f"{SEED_003}.json"])
    assert manifest["status"] == "CORRECTED"
    assert manifest["title"] == "Deep ensembles: accuracy and privacy"
    # A test operation checks a field; it does not amend it.
    assert manifest["amended_fields"] == [{"pointer": "/title", "correction": "c-2026-11-02-title"}]


@pytest.mark.parametrize("first", ["concern", "erratum"])
def test_two_concurrent_corrections_both_count_in_merge_order(archive: Path, first: str) -> None:
    branches = {"concern": "expression-of-concern", "erratum": "erratum"}
    for name, kind in branches.items():
        git(archive, "checkout", "-q", "-b", name, "main")
        correction(archive, f"c-{name}", kind)
        commit(archive, f"add {kind}", "2026-11-03T09:00:00+00:00")
        git(archive, "checkout", "-q", "main")
    second = next(name for name in branches if name != first)
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-11-04T09:00:00+00:00"}
    for name in (first, second):
        git(archive, "merge", "-q", "--no-ff", "-m", f"merge {name}", name, env=env)
    manifest = json.loads(manifests(archive)[f"{SEED_003}.json"])
    assert manifest["correction_count"] == 2
    assert [c["id"] for c in manifest["corrections"]] == [f"c-{first}", f"c-{second}"]
    assert manifest["status"] == "UNDER-CONCERN"
    assert manifest["flags"] == ["erratum"]


def test_stated_date_after_archiving_is_flagged(archive: Path) -> None:
    record = archive / "records" / "papers" / SEED_003 / "synthesis.yaml"
    later = record.parent.parent / "later01"
    later.mkdir()
    text = record.read_text(encoding="utf-8").replace(SEED_003, "later01")
    text = text.replace('published: "2026-05-30"', 'published: "2027-01-01"')
    (later / "synthesis.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(record.parent / "artifacts", later / "artifacts")
    commit(archive, "add a paper dated in the future", "2026-11-05T09:00:00+00:00")
    manifest = json.loads(manifests(archive)["later01.json"])
    assert manifest["published"]["stated_after_archiving"] is True
    assert manifest["gate"]["reason_code"] == "no-artifact"


def test_a_rebuild_rewrites_only_what_changed(archive: Path) -> None:
    first = manifests(archive)
    out = archive / "out"
    unchanged, tampered = out / f"{SEED_000}.json", out / f"{SEED_003}.json"
    os.utime(unchanged, ns=(1_000_000_000, 1_000_000_000))
    tampered.write_text("{}\n", encoding="utf-8")

    second = manifests(archive)

    assert second == first  # the tampered manifest is written again
    assert unchanged.stat().st_mtime_ns == 1_000_000_000  # the unchanged one is left alone
