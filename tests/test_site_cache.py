"""site --cache DIR: the same bytes with and without it, whatever the cache holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.archive import Archive, run_cli
from support.exporting import PUBLISHING
from support.gitrepo import GitRepo, isolate_git
from support.pagerepo import SEED_003, commit, correct, seeds

PAPERS = ["p1", "p2", "p3"]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def _writer(repo: GitRepo) -> Archive:
    """An Archive writing into ``repo``, whose seeds already hold schemas/."""
    archive = Archive.__new__(Archive)
    archive.root = repo.path
    return archive


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds with every export's settings, three more papers and a correction."""
    repo = seeds(tmp_path / "archive")
    commit(repo, "publishing settings", {"pyproject.toml": PUBLISHING})
    archive = _writer(repo)
    for paper in PAPERS:
        archive.add_synthesis(paper)
    archive.add_verification("v1", "p1")
    commit(repo, "add three papers")
    correct(repo, "p2", "k1", "erratum")
    return repo


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _build(repo: GitRepo, out: Path, *args: str, code: int = 0) -> tuple[dict[str, bytes], str]:
    done = run_cli(["site", "--out", str(out), *args], cwd=repo.path)
    assert (done.returncode, done.stdout) == (code, ""), done.stderr
    return _files(out), done.stderr


def _findings(said: str) -> list[str]:
    return [line for line in said.splitlines() if "error[" in line or "warning[" in line]


def test_a_cached_build_writes_every_byte_of_an_uncached_one(repo: GitRepo, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    plain, _ = _build(repo, tmp_path / "plain")
    cold, cold_err = _build(repo, tmp_path / "cold", "--cache", cache)
    warm, warm_err = _build(repo, tmp_path / "warm", "--cache", cache)
    assert "exports/crossref-deposit.xml" in plain
    assert cold == plain and warm == plain
    assert "; 0 papers from the cache" in cold_err
    assert "; 5 papers from the cache" in warm_err


def test_after_a_new_commit_only_what_it_changed_is_rendered_again(
    repo: GitRepo, tmp_path: Path
) -> None:
    cache = str(tmp_path / "cache")
    out = tmp_path / "site"
    _build(repo, out, "--cache", cache)
    correct(repo, SEED_003, "k7", "expression-of-concern")
    archive = _writer(repo)
    archive.add_synthesis("p4")
    commit(repo, "one new paper")
    plain, _ = _build(repo, tmp_path / "plain")
    warm, warm_err = _build(repo, out, "--cache", cache)  # into the earlier build
    assert warm == plain
    assert "; 4 papers from the cache" in warm_err  # not the corrected one, nor the new one
    # A paper's page names the newest commit of its records; the index, the build commit.
    tip = repo.head().encode()
    assert tip in warm["papers/p4/index.html"] and tip not in warm["papers/p1/index.html"]
    assert tip in warm["index.html"]
    assert b"UNDER-CONCERN" in warm[f"papers/{SEED_003}/index.html"]


def test_a_damaged_cache_is_only_a_miss(repo: GitRepo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain, _ = _build(repo, tmp_path / "plain")
    _build(repo, tmp_path / "cold", "--cache", str(cache))
    entries = sorted(p for p in (cache / "site").rglob("*") if p.is_file())
    assert len(entries) == 5
    entries[0].write_bytes(b"not an entry")
    entries[1].write_bytes(entries[1].read_bytes()[:-1])  # cut short
    entries[2].write_bytes(entries[3].read_bytes())  # another paper's, under this key
    warm, warm_err = _build(repo, tmp_path / "warm", "--cache", str(cache))
    assert warm == plain
    assert "; 2 papers from the cache" in warm_err


def test_shards_and_jobs_with_a_cache_give_the_same_bytes(repo: GitRepo, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    plain, _ = _build(repo, tmp_path / "plain")
    for attempt in ("cold", "warm"):
        out = tmp_path / attempt
        for k in (1, 2):
            run_cli(
                ["site", "--out", str(out), "--shard", f"{k}/2", "--jobs", "2", "--cache", cache],
                cwd=repo.path,
            )
        merged, _ = _build(repo, out, "--merge")
        assert merged == plain
    jobs, said = _build(repo, tmp_path / "jobs", "--jobs", "2", "--cache", cache)
    assert jobs == plain
    assert "; 5 papers from the cache" in said


def _forget_entries(cache: Path) -> None:
    """No cached paper at all: a whole build renders every paper, so "N papers from the
    cache" then counts only the papers an incremental build left alone."""
    for folder in ("site", "manifests"):
        shutil.rmtree(cache / folder, ignore_errors=True)


def _rebuilt_as_without_cache(repo: GitRepo, out: Path, cache: Path, plain: Path) -> str:
    """Build into ``out`` with ``cache`` (its entries forgotten first), check that it
    holds what a build into ``plain`` without the cache writes; what the build said."""
    _forget_entries(cache)
    warm, said = _build(repo, out, "--cache", str(cache))
    assert warm == _build(repo, plain)[0]
    return said


def test_a_rebuild_into_the_last_builds_folder_renders_only_the_changed_papers(
    repo: GitRepo, tmp_path: Path
) -> None:
    """The same bytes as a build without the cache, commit after commit; only the papers
    the new commits touched are rendered."""
    cache, out = tmp_path / "cache", tmp_path / "site"
    _build(repo, out, "--cache", str(cache))
    archive = _writer(repo)
    archive.add_synthesis("p4")
    commit(repo, "a new paper")
    steps = [("new paper", 5, 0), ("correction", 5, 0), ("broken paper", 5, 1), ("settings", 0, 1)]
    for step, left, code in steps:
        _forget_entries(cache)
        warm, said = _build(repo, out, "--cache", str(cache), code=code)
        plain, plain_said = _build(repo, tmp_path / f"plain-{step}", code=code)
        assert warm == plain, step
        assert _findings(said) == _findings(plain_said), step  # p3's, once broken
        assert f"; {left} papers from the cache" in said, (step, said)
        if step == "new paper":
            correct(repo, SEED_003, "k7", "expression-of-concern")
        elif step == "correction":
            archive.write("records/papers/p3/synthesis.yaml", "contract: synthesis-v1\n")
            commit(repo, "p3 broken: its page is gone")
        elif step == "broken paper":
            # The settings every page shares: a whole build.
            settings = PUBLISHING.replace("Example Archive", "Another Archive")
            commit(repo, "new depositor", {"pyproject.toml": settings})
    assert "papers/p3/index.html" not in warm


def test_a_rebuild_after_another_command_moved_the_kept_index_is_still_incremental(
    repo: GitRepo, tmp_path: Path
) -> None:
    """manifest and site share one cache, and its history index: each build compares with
    its own last one, not with the index's."""
    cache, out = tmp_path / "cache", tmp_path / "site"
    _build(repo, out, "--cache", str(cache))
    correct(repo, "p1", "k2", "erratum")
    done = run_cli(["manifest", "--out", str(tmp_path / "m"), "--cache", str(cache)], cwd=repo.path)
    assert done.returncode == 0, done.stderr
    said = _rebuilt_as_without_cache(repo, out, cache, tmp_path / "plain")
    assert "; 4 papers from the cache" in said, said


def test_what_the_last_build_cannot_vouch_for_means_a_whole_build(
    repo: GitRepo, tmp_path: Path
) -> None:
    """Another --out, an index.html that is not the one written, damaged pieces, a history
    rewritten under it: each is a whole build, with the same bytes as one without cache."""
    cache, out = tmp_path / "cache", tmp_path / "site"
    plain, _ = _build(repo, tmp_path / "plain")
    _build(repo, out, "--cache", str(cache))
    other, said = _build(repo, tmp_path / "other", "--cache", str(cache))
    assert other == plain and "; 5 papers from the cache" in said  # every entry looked up
    _build(repo, out, "--cache", str(cache))
    (out / "papers" / "p1" / "index.html").write_text("defaced")
    (out / "index.html").write_bytes((out / "index.html").read_bytes() + b"\n")
    _forget_entries(cache)
    again, said = _build(repo, out, "--cache", str(cache))
    assert again == plain and "; 0 papers from the cache" in said
    (cache / "last-site-pieces.sqlite").write_bytes(b"not a database")
    _build(repo, out, "--cache", str(cache))  # after a whole build it is whole again
    (cache / "last-site-pieces.sqlite").write_bytes(b"not a database")
    damaged, said = _build(repo, out, "--cache", str(cache))
    assert damaged == plain, said
    # The history rewritten: the last build's commit is no longer on the line.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    archive = _writer(repo)
    archive.add_synthesis("p5")
    commit(repo, "another line")
    said = _rebuilt_as_without_cache(repo, out, cache, tmp_path / "plain-rewritten")
    assert "; 0 papers from the cache" in said, said


def test_builds_sharing_one_cache_at_once_each_write_every_byte(
    repo: GitRepo, tmp_path: Path
) -> None:
    """Two CI jobs, or two terminals: each whole build holds the cache's state alone."""
    cache = tmp_path / "cache"
    _build(repo, tmp_path / "a", "--cache", str(cache))
    archive = _writer(repo)
    archive.add_synthesis("p4")
    commit(repo, "a new paper")
    plain, _ = _build(repo, tmp_path / "plain-after")
    site = [sys.executable, "-m", "synthledger", "site", "--cache", str(cache)]
    runs = [
        subprocess.Popen(
            [*site, "--out", str(tmp_path / name)],
            cwd=repo.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("a", "b", "a", "b")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert _files(tmp_path / "a") == plain
    assert _files(tmp_path / "b") == plain
