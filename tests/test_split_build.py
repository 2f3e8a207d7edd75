"""manifest --shard K/N, --merge and --jobs N: split builds give the bytes one build gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import Archive, run_cli
from support.gitrepo import GitRepo
from support.pagerepo import commit, seeds
from synthledger.deriving.shard import Shard, parse_shard
from synthledger.errors import SynthledgerError

PAPERS = [f"paper-{n}" for n in range(7)]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds, and seven more papers, each in a commit of its own."""
    repo = seeds(tmp_path / "archive")
    archive = Archive.__new__(Archive)  # the seeds' repository already holds schemas/
    archive.root = repo.path
    for paper in PAPERS:
        archive.add_synthesis(paper)
        commit(repo, f"add {paper}")
    return repo


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _manifest(repo: GitRepo, *args: str) -> None:
    done = run_cli(["manifest", *args], cwd=repo.path)
    assert done.returncode == 0, done.stderr


def test_shards_merged_hold_the_bytes_of_one_build(repo: GitRepo, tmp_path: Path) -> None:
    _manifest(repo, "--out", str(tmp_path / "one"))
    for k in (1, 2, 3):
        _manifest(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/3")
    _manifest(repo, "--out", str(tmp_path / "split"), "--merge")
    one = _files(tmp_path / "one")
    assert len(one) == len(PAPERS) + 2 + 1  # the seeds, the papers, index.json
    assert _files(tmp_path / "split") == one


def test_jobs_hold_the_bytes_of_one_build(repo: GitRepo, tmp_path: Path) -> None:
    _manifest(repo, "--out", str(tmp_path / "one"))
    _manifest(repo, "--out", str(tmp_path / "jobs"), "--jobs", "3")
    assert _files(tmp_path / "jobs") == _files(tmp_path / "one")


def test_jobs_within_shards_merge_too(repo: GitRepo, tmp_path: Path) -> None:
    _manifest(repo, "--out", str(tmp_path / "one"))
    for k in (1, 2):
        _manifest(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/2", "--jobs", "2")
    _manifest(repo, "--out", str(tmp_path / "split"), "--merge")
    assert _files(tmp_path / "split") == _files(tmp_path / "one")


def test_a_merge_with_a_shard_missing_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    for k in (1, 3):
        _manifest(repo, "--out", str(tmp_path / "split"), "--shard", f"{k}/3")
    done = run_cli(["manifest", "--out", str(tmp_path / "split"), "--merge"], cwd=repo.path)
    assert done.returncode == 2
    assert "shards 2 of 3 are missing" in done.stderr
    assert not (tmp_path / "split" / "index.json").exists()


def test_every_paper_is_in_exactly_one_shard() -> None:
    ids = [f"{n:016x}" for n in range(500)]
    for count in (1, 2, 3, 8):
        owners = [[k for k in range(1, count + 1) if Shard(k, count).holds(p)] for p in ids]
        assert all(len(found) == 1 for found in owners)
        split = Shard(count, count).split(3)  # --jobs 3 within the last shard
        assert [p for p in ids if Shard(count, count).holds(p)] == [
            p for p in ids if any(part.holds(p) for part in split)
        ]


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "2/0"])
def test_a_shard_is_k_of_n(text: str) -> None:
    with pytest.raises(SynthledgerError, match="K/N"):
        parse_shard(text)
