"""site --shard K/N, --merge and --jobs N: split builds give the bytes one build gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.archive import Archive, run_cli
from support.exporting import PUBLISHING
from support.gitrepo import GitRepo, isolate_git
from support.pagerepo import SEED_000, SEED_003, commit, correct, seeds

PAPERS = [f"paper-{n}" for n in range(7)]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds with the publishing settings (so that every export ships), corrections,
    and seven more papers, each in a commit of its own."""
    repo = seeds(tmp_path / "archive")
    commit(repo, "publishing settings", {"pyproject.toml": PUBLISHING})
    archive = Archive.__new__(Archive)  # the seeds' repository already holds schemas/
    archive.root = repo.path
    for paper in PAPERS:
        archive.add_synthesis(paper)
        commit(repo, f"add {paper}")
    correct(repo, SEED_003, "k1", "expression-of-concern")
    correct(repo, SEED_000, "k2", "new-version", extra="replacement: paper-1\n")
    return repo


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _site(repo: GitRepo, *args: str) -> str:
    done = run_cli(["site", *args], cwd=repo.path)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    return done.stderr


def test_shards_merged_hold_the_bytes_of_one_build(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "one"))
    for k in (1, 2, 3):
        said = _site(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/3")
        assert f"(shard {k}/3: merge the shards with --merge)" in said
    assert not (tmp_path / "split" / "index.html").exists()  # the merge writes it
    said = _site(repo, "--out", str(tmp_path / "split"), "--merge")
    assert said.startswith(f"{len(PAPERS) + 2} papers merged")
    one = _files(tmp_path / "one")
    assert "exports/crossref-deposit.xml" in one and "timeline.html" in one
    assert _files(tmp_path / "split") == one


def test_shards_built_on_runners_of_their_own_merge_too(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "one"))
    for k in (1, 2):
        _site(repo, "--out", str(tmp_path / f"runner-{k}"), "--shard", f"{k}/2")
        # What a CI job does with the artifacts of each runner: copy them into one folder.
        shutil.copytree(tmp_path / f"runner-{k}", tmp_path / "merged", dirs_exist_ok=True)
    _site(repo, "--out", str(tmp_path / "merged"), "--merge")
    assert _files(tmp_path / "merged") == _files(tmp_path / "one")


def test_jobs_hold_the_bytes_of_one_build(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "one"))
    said = _site(repo, "--out", str(tmp_path / "jobs"), "--jobs", "3")
    assert said.startswith(f"{len(PAPERS) + 2} paper pages")
    assert _files(tmp_path / "jobs") == _files(tmp_path / "one")


def test_jobs_within_shards_merge_too(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "one"))
    for k in (1, 2):
        _site(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/2", "--jobs", "2")
    assert sorted(p.name for p in (tmp_path / "split").glob("*.sqlite")) == [
        "site.shard-1-of-2.sqlite",
        "site.shard-2-of-2.sqlite",
    ]
    _site(repo, "--out", str(tmp_path / "split"), "--merge")
    assert _files(tmp_path / "split") == _files(tmp_path / "one")


def _merge_fails(repo: GitRepo, out: Path) -> str:
    done = run_cli(["site", "--out", str(out), "--merge"], cwd=repo.path)
    assert (done.returncode, done.stdout) == (2, "")
    assert not (out / "index.html").exists()
    return done.stderr


def test_a_merge_with_a_shard_missing_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    for k in (1, 3):
        _site(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/3")
    assert "shards 2 of 3 are missing: build them into it first" in _merge_fails(
        repo, tmp_path / "split"
    )


def test_a_merge_of_parts_of_two_splits_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    for shard in ("1/2", "2/2", "1/3"):
        _site(repo, "--out", str(tmp_path / "split"), "--shard", shard)
    said = _merge_fails(repo, tmp_path / "split")
    assert "the parts of one split site build are needed to merge" in said
    assert "site.shard-1-of-3.sqlite" in said


def test_a_merge_of_a_paper_built_twice_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "split"), "--shard", "1/2")
    _site(repo, "--out", str(tmp_path / "other"), "--shard", "1/2")
    # Shard 1's part a second time, in the place of shard 2's.
    (tmp_path / "other" / "site.shard-1-of-2.sqlite").rename(
        tmp_path / "split" / "site.shard-2-of-2.sqlite"
    )
    assert "a paper is in two parts" in _merge_fails(repo, tmp_path / "split")


def test_a_merge_of_shards_built_at_two_commits_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    _site(repo, "--out", str(tmp_path / "split"), "--shard", "1/2", "--rev", "HEAD~1")
    _site(repo, "--out", str(tmp_path / "split"), "--shard", "2/2")
    assert "build every shard at one rev" in _merge_fails(repo, tmp_path / "split")


@pytest.mark.parametrize("extra", [["--shard", "1/2"], ["--jobs", "2"]])
def test_merge_only_merges(repo: GitRepo, tmp_path: Path, extra: list[str]) -> None:
    done = run_cli(["site", "--out", str(tmp_path / "s"), "--merge", *extra], cwd=repo.path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "--merge only merges" in done.stderr


def test_a_rebuild_at_an_earlier_commit_leaves_nothing_of_later_records(
    repo: GitRepo, tmp_path: Path
) -> None:
    before = repo.head()
    archive = Archive.__new__(Archive)
    archive.root = repo.path
    archive.add_synthesis("paper-late")
    commit(repo, "a late paper")
    correct(repo, "paper-2", "k3", "retraction")
    out = tmp_path / "site"
    _site(repo, "--out", str(out))
    assert (out / "papers" / "paper-late").is_dir()
    assert (out / "papers" / "paper-2" / "corrections" / "k3.html").is_file()
    unchanged = out / "papers" / "paper-3" / "synthesis.yaml"
    os.utime(unchanged, (1_000_000_000, 1_000_000_000))
    _site(repo, "--out", str(out), "--rev", before)
    _site(repo, "--out", str(tmp_path / "fresh"), "--rev", before)
    assert _files(out) == _files(tmp_path / "fresh")
    assert unchanged.stat().st_mtime == 1_000_000_000  # the same bytes: not rewritten
