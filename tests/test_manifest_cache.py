"""manifest --cache DIR: the same bytes with and without it, whatever the cache holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.archive import Archive, run_cli
from support.gitrepo import GitRepo
from support.pagerepo import SEED_003, commit, correct, seeds

PAPERS = ["p1", "p2", "p3"]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds, three more papers, and one record that breaks its contract."""
    repo = seeds(tmp_path / "archive")
    archive = Archive.__new__(Archive)  # the seeds' repository already holds schemas/
    archive.root = repo.path
    for paper in PAPERS:
        archive.add_synthesis(paper)
    archive.add_verification("v1", "p1")
    archive.write("records/papers/p2/corrections/k1.yaml", "contract: correction-record-v1\n")
    commit(repo, "add three papers")
    return repo


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _build(repo: GitRepo, out: Path, *cache: str) -> tuple[dict[str, bytes], str]:
    """``manifest --out OUT`` with ``--cache CACHE`` and what follows it, if given."""
    args = ["manifest", "--out", str(out), "--format", "json"]
    done = run_cli([*args, *(("--cache", *cache) if cache else ())], cwd=repo.path)
    assert done.returncode == 1, done.stderr  # the broken correction
    return _files(out), done.stderr


def _findings(stderr: str) -> set[str]:
    start = stderr.index("[")
    return {json.dumps(f, sort_keys=True) for f in json.loads(stderr[start:])}


def test_a_cached_build_writes_every_byte_of_an_uncached_one(repo: GitRepo, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    plain, plain_err = _build(repo, tmp_path / "plain")
    cold, cold_err = _build(repo, tmp_path / "cold", cache)
    warm, warm_err = _build(repo, tmp_path / "warm", cache)
    assert len(plain) == len(PAPERS) + 2 + 1
    assert cold == plain and warm == plain
    assert "0 from the cache" in cold_err and "5 computed" in cold_err
    assert "5 from the cache" in warm_err and "0 computed" in warm_err
    assert _findings(plain_err) == _findings(cold_err) == _findings(warm_err)


def test_after_a_correction_only_its_paper_is_computed_again(repo: GitRepo, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    _build(repo, tmp_path / "before", cache)
    correct(repo, SEED_003, "k7", "expression-of-concern")
    plain, _ = _build(repo, tmp_path / "plain")
    warm, warm_err = _build(repo, tmp_path / "warm", cache)
    assert warm == plain
    assert "4 from the cache" in warm_err and "1 computed" in warm_err
    assert b"UNDER-CONCERN" in warm[f"{SEED_003}.json"]


def test_a_damaged_cache_is_only_a_miss(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain, _ = _build(repo, tmp_path / "plain")
    _build(repo, tmp_path / "cold", str(cache))
    entries = sorted((cache / "manifests").rglob("*.json"))
    assert len(entries) == 5
    entries[0].write_bytes(b"not json")
    entries[1].write_text(json.dumps({"key": "another", "manifest": {}, "findings": []}))
    warm, warm_err = _build(repo, tmp_path / "warm", str(cache))
    assert warm == plain
    assert "3 from the cache" in warm_err and "2 computed" in warm_err


def test_shards_with_a_cache_merge_to_the_same_bytes(repo: GitRepo, tmp_path: Path) -> None:
    plain, _ = _build(repo, tmp_path / "plain")
    for attempt in ("cold", "warm"):
        out = tmp_path / attempt
        for k in (1, 2):
            run_cli(
                [
                    "manifest",
                    "--out",
                    str(out),
                    "--shard",
                    f"{k}/2",
                    "--cache",
                    str(tmp_path / "c"),
                ],
                cwd=repo.path,
            )
        done = run_cli(["manifest", "--out", str(out), "--merge"], cwd=repo.path)
        assert done.returncode == 0, done.stderr
        assert _files(out) == plain


def test_a_rebuild_into_the_last_builds_folder_builds_only_the_touched_papers(
    repo: GitRepo, tmp_path: Path
) -> None:
    """The same bytes and findings as a build without the cache, commit after commit."""
    cache, out = str(tmp_path / "cache"), tmp_path / "incremental"
    _build(repo, out, cache)
    archive = Archive.__new__(Archive)
    archive.root = repo.path
    archive.add_synthesis("p4")
    commit(repo, "a new paper")
    for step, computed in (("new paper", 1), ("correction", 1), ("withdrawn paper", 0)):
        # No cached manifest at all: the untouched papers are not even looked up.
        shutil.rmtree(tmp_path / "cache" / "manifests")
        warm, warm_err = _build(repo, out, cache)
        plain, plain_err = _build(repo, tmp_path / f"plain-{step}")
        assert warm == plain, step
        assert _findings(warm_err) == _findings(plain_err), step  # p2's broken record too
        assert f"{computed} computed" in warm_err, (step, warm_err)  # the others left alone
        if step == "new paper":
            correct(repo, SEED_003, "k7", "expression-of-concern")
        elif step == "correction":
            archive.write("records/papers/p3/synthesis.yaml", "contract: synthesis-v1\n")
            commit(repo, "p3 broken: its manifest is gone")
    assert "p3.json" not in warm


def test_an_index_that_is_not_the_one_written_means_a_whole_build(
    repo: GitRepo, tmp_path: Path
) -> None:
    cache, out = str(tmp_path / "cache"), tmp_path / "out"
    plain, _ = _build(repo, out, cache)
    (out / "p1.json").write_text("{}\n")
    index = out / "index.json"
    index.write_bytes(index.read_bytes().replace(b'"p1"', b'"p1"', 1) + b"\n")
    again, _ = _build(repo, out, cache)
    assert again == plain  # p1.json restored: every paper was looked at again


def test_a_rebuild_after_another_build_moved_the_kept_index_is_still_incremental(
    repo: GitRepo, tmp_path: Path
) -> None:
    """site and manifest share one cache, and its history index: a build compares with
    its own last one, whatever the index was brought up by since."""
    cache, out = str(tmp_path / "cache"), tmp_path / "incremental"
    _build(repo, out, cache)
    correct(repo, "p1", "k2", "erratum")
    done = run_cli(["site", "--out", str(tmp_path / "site"), "--cache", cache], cwd=repo.path)
    assert done.returncode == 1, done.stderr  # the kept index is now at the tip
    shutil.rmtree(tmp_path / "cache" / "manifests")
    warm, warm_err = _build(repo, out, cache)
    assert warm == _build(repo, tmp_path / "plain")[0]
    assert "1 computed" in warm_err, warm_err  # p1 only


def test_a_rebuild_with_jobs_into_the_last_builds_folder_builds_only_the_touched_papers(
    repo: GitRepo, tmp_path: Path
) -> None:
    """--jobs N and --cache together: the whole build in processes notes what it
    wrote, and the next one into the same folder builds only what changed."""
    cache, out = str(tmp_path / "cache"), tmp_path / "out"
    _build(repo, out, cache, "--jobs", "2")
    correct(repo, "p1", "k2", "erratum")
    shutil.rmtree(tmp_path / "cache" / "manifests")
    warm, warm_err = _build(repo, out, cache, "--jobs", "2")
    plain, plain_err = _build(repo, tmp_path / "plain")
    assert warm == plain
    assert _findings(warm_err) == _findings(plain_err)
    assert "1 computed" in warm_err, warm_err  # p1 only
