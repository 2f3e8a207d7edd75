"""check --base reads what the range touches, and finds what a whole check finds.

Each archive below grows one commit at a time; at every step the range check
of the new commit is compared with whole checks before and after it: every
finding the step brings must be found, and nothing a whole check would not
report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import synthledger.check
import synthledger.ledger.snapshot
from support.archive import Archive, run_cli
from support.gitrepo import GitRepo
from support.pagerepo import SEED_000, SEED_003, commit, correct, seeds
from synthledger.check import check
from synthledger.config import load_config
from synthledger.deriving.stream import open_build
from synthledger.findings import Finding

Step = Callable[[GitRepo, Archive], object]


def _whole(repo: GitRepo, rev: str) -> set[Finding]:
    repo.git("checkout", "-q", "--detach", rev)  # validation reads the working tree
    try:
        return set(check(load_config(repo.path)).findings)
    finally:
        repo.git("checkout", "-q", "main")


def _ranged(repo: GitRepo, base: str) -> set[Finding]:
    return set(check(load_config(repo.path), base=base).findings)


def _archive_at(path: Path) -> tuple[GitRepo, Archive]:
    repo = seeds(path)
    archive = Archive.__new__(Archive)  # the seeds' repository already holds schemas/
    archive.root = repo.path
    return repo, archive


def _add_paper(paper: str, text: str | None = None) -> Step:
    def step(repo: GitRepo, archive: Archive) -> object:
        archive.add_synthesis(paper, text)
        return commit(repo, f"add {paper}")

    return step


def _add_correction(cid: str, paper: str, date: str | None = None, patch: str = "") -> Step:
    def step(repo: GitRepo, archive: Archive) -> object:
        text = archive.correction_text(cid, paper)
        if date is not None:
            text = text.replace('date: "2026-07-01"', f'date: "{date}"')
        if patch:
            text = text.split("patch:")[0] + f"patch: {patch}\n"
        archive.add_correction(cid, paper, text)
        return commit(repo, f"correct {paper} with {cid}")

    return step


def _add_verification(vid: str, paper: str) -> Step:
    def step(repo: GitRepo, archive: Archive) -> object:
        archive.add_verification(vid, paper)
        return commit(repo, f"verify {paper}")

    return step


def _edit_published(relative: str) -> Step:
    def step(repo: GitRepo, archive: Archive) -> object:
        archive.write(relative, archive.read(relative) + "# edited\n")
        return commit(repo, f"edit {relative}")

    return step


def _add_policy(repo: GitRepo, archive: Archive) -> object:
    archive.add_policy("2026-11-01-stricter")
    return commit(repo, "a new policy")


def _bad_patch_on_a_seed(repo: GitRepo, archive: Archive) -> object:
    return correct(
        repo, SEED_003, "k9", "correction", '[{"op": "replace", "path": "/nowhere", "value": 1}]'
    )


def _unrelated(repo: GitRepo, archive: Archive) -> object:
    return commit(repo, "notes", {"notes.txt": "not part of the archive\n"})


HISTORIES: dict[str, list[Step]] = {
    "papers, corrections and verifications": [
        _add_paper("p1"),
        _add_correction("k1", "p1"),
        _add_verification("v1", "p1"),
        # Issued before k1, and takes away what k1 amends: k1 is judged again.
        _add_correction(
            "k0", "p1", date="2026-06-01", patch='[{"op": "remove", "path": "/claims/items/1"}]'
        ),
        _unrelated,
    ],
    "records with findings": [
        _add_paper("p2", "contract: synthesis-v1\nid: p2\ntitle: 7\n"),
        _add_paper("p1"),
        _add_paper("P1"),  # differs from p1 only by case: both are reported
        _bad_patch_on_a_seed,
        _edit_published(f"records/papers/{SEED_003}/synthesis.yaml"),
    ],
    "a policy changes every manifest": [_add_paper("p1"), _add_policy],
}


@pytest.mark.parametrize("name", sorted(HISTORIES))
def test_a_range_check_finds_what_whole_checks_find(name: str, tmp_path: Path) -> None:
    repo, archive = _archive_at(tmp_path / "archive")
    for step in HISTORIES[name]:
        base = repo.head()
        step(repo, archive)
        before, after = _whole(repo, base), _whole(repo, "HEAD")
        ranged = _ranged(repo, base)
        assert after - before <= ranged, f"{step}: missed {sorted(after - before - ranged)}"
        assert ranged <= after, f"{step}: reported more: {sorted(ranged - after)}"


def _every_manifest(repo: GitRepo) -> dict[str, dict[str, Any]]:
    """Every paper's manifest, as a whole check builds them (and streams them out)."""
    with open_build(load_config(repo.path)) as build:
        return {p.id: p.manifest for p in build.papers() if p.manifest is not None}


def test_a_range_check_builds_only_the_manifests_it_touches(tmp_path: Path) -> None:
    repo, archive = _archive_at(tmp_path / "archive")
    base = repo.head()
    _add_paper("p1")(repo, archive)
    result = check(load_config(repo.path), base=base)
    assert sorted(result.manifests.manifests) == ["p1"]
    assert result.scope is not None and not result.scope.whole
    assert result.built == 1
    assert result.manifests.manifests["p1"] == _every_manifest(repo)["p1"]


def test_a_wide_range_reads_the_whole_history_and_builds_the_same_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, archive = _archive_at(tmp_path / "archive")
    base = repo.head()
    for paper in ("p1", "p2", "p3"):
        _add_paper(paper)(repo, archive)
    _add_correction("k1", "p2")(repo, archive)
    limited = check(load_config(repo.path), base=base)
    monkeypatch.setattr(synthledger.check, "LIMITED_READ_PAPERS", 2)
    wide = check(load_config(repo.path), base=base)
    assert sorted(wide.manifests.manifests) == ["p1", "p2", "p3"]
    assert wide.manifests.manifests == limited.manifests.manifests
    assert set(wide.findings) == set(limited.findings)


def test_a_range_that_adds_a_policy_builds_every_manifest(tmp_path: Path) -> None:
    repo, archive = _archive_at(tmp_path / "archive")
    base = repo.head()
    _add_policy(repo, archive)
    result = check(load_config(repo.path), base=base)
    assert result.scope is not None and result.scope.whole
    assert result.built == 2  # the two seeds
    assert check(load_config(repo.path)).built == 2


def test_the_cli_range_check_reports_the_new_record_only(tmp_path: Path) -> None:
    repo, archive = _archive_at(tmp_path / "archive")
    base = repo.head()
    _add_paper("p2", "contract: synthesis-v1\nid: p2\ntitle: 7\n")(repo, archive)
    done = run_cli(["check", "--base", base, "--format", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    paths = {finding["path"] for finding in json.loads(done.stdout)}
    assert paths == {"records/papers/p2/synthesis.yaml"}


@pytest.mark.parametrize("walks", ["one walk a place", "one walk for all"])
def test_papers_with_older_records_get_the_manifests_a_whole_check_builds(
    walks: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _ = _archive_at(tmp_path / "archive")
    base = repo.head()
    correct(repo, SEED_003, "k1", "erratum")
    correct(repo, SEED_000, "k1", "clarification")
    if walks == "one walk for all":
        monkeypatch.setattr(synthledger.ledger.snapshot, "SEPARATE_WALKS", 0)

    ranged = check(load_config(repo.path), base=base).manifests.manifests

    whole = _every_manifest(repo)
    assert sorted(ranged) == [SEED_000, SEED_003]
    assert ranged == {paper: whole[paper] for paper in ranged}


def test_check_out_writes_what_manifest_out_writes(tmp_path: Path) -> None:
    """A whole check streams every manifest into --out, index.json too, the bytes of
    ``manifest --out``; a range check writes the touched papers' only."""
    repo, archive = _archive_at(tmp_path / "archive")
    base = repo.head()
    _add_paper("p1")(repo, archive)
    checked, built, ranged = tmp_path / "checked", tmp_path / "built", tmp_path / "ranged"
    for args in (["check", "--out", str(checked)], ["manifest", "--out", str(built)]):
        done = run_cli(args, cwd=repo.path)
        assert done.returncode == 0, done.stderr
    done = run_cli(["check", "--base", base, "--out", str(ranged)], cwd=repo.path)
    assert done.returncode == 0, done.stderr

    def files(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    assert files(checked) == files(built)
    assert len(files(built)) == 4  # the two seeds, p1 and index.json
    assert files(ranged) == {"p1.json": files(built)["p1.json"]}
