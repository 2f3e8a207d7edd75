"""open_build: one paper at a time, the manifests, views and findings of the whole build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.archive import Archive
from support.gitrepo import GitRepo
from support.odd import commit_all, committed
from support.pagerepo import SEED_000, SEED_003, commit, correct, seeds
from synthledger.config import load_config
from synthledger.deriving.manifest import build_manifests
from synthledger.deriving.manifest_files import dumps_bytes, index_chunks, index_of
from synthledger.deriving.stream import open_build
from synthledger.errors import SynthledgerError
from synthledger.ledger.git import read_tree, resolve_commit, stream_tokens
from synthledger.ledger.history import read_history
from synthledger.ledger.publications import Publications
from synthledger.ledger.snapshot import read_snapshot
from synthledger.reading.contracts import Contracts


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds; papers published in commits of their own and together; corrections in
    force and cancelled; a new version; a broken synthesis, correction and policy."""
    repo = seeds(tmp_path / "archive")
    archive = Archive.__new__(Archive)  # the seeds' repository already holds schemas/
    archive.root = repo.path
    archive.add_synthesis("p1")
    archive.add_verification("v1", "p1")
    commit(repo, "p1")
    archive.add_synthesis("p2")
    archive.add_synthesis("p3")
    archive.write("records/papers/p3/corrections/k1.yaml", "contract: correction-record-v1\n")
    archive.write("records/papers/p4/synthesis.yaml", "contract: synthesis-v1\ntitle: [\n")
    archive.write("records/papers/p5/artifacts/data.csv", "a,b\n")
    commit(repo, "p2 to p5")
    correct(repo, SEED_003, "k7", "expression-of-concern")
    correct(repo, SEED_000, "k8", "new-version", extra="replacement: p2\n")
    archive.write("records/policy/2026-12-01-broken.yaml", "contract: policy-v1\n")
    commit(repo, "a broken policy")
    return repo


def test_each_paper_is_what_the_whole_build_computes(repo: GitRepo) -> None:
    config = load_config(repo.path)
    snapshot = read_snapshot(config)
    whole = build_manifests(snapshot, Contracts.committed(snapshot.contracts))
    tree = read_tree(repo.path, "HEAD", "records/papers")
    with open_build(config) as build:
        papers = {paper.id: paper for paper in build.papers()}
        shared = build.findings
        assert build.tip is not None and build.tip.sha == repo.head()
        assert [p.file.path for p in build.policies] == [
            "records/policy/2026-06-10-gate-2-and-doi-grade.yaml",
            "records/policy/2026-12-01-broken.yaml",
        ]
        order = [
            build.rank(p.manifest["published"]["commit"]) for p in papers.values() if p.manifest
        ]
        kept = [paper.id for paper in build.papers(keep=lambda p: p in ("p2", SEED_000))]
        looked_up = list(build.papers(keep=frozenset({"p2", SEED_000, "p9"})))  # p9: none
    assert sorted(papers) == [SEED_000, SEED_003, "p1", "p2", "p3", "p4", "p5"]
    assert {p: b.manifest for p, b in papers.items() if b.manifest} == whole.manifests
    assert {p: b.view for p, b in papers.items() if b.view} == whole.views
    assert papers["p4"].manifest is None and papers["p5"].manifest is None
    assert papers[SEED_000].replacements == ("p2",)
    assert papers["p1"].files == {
        k: v for k, v in tree.items() if k.startswith("records/papers/p1/")
    }
    assert "records/papers/p5/artifacts/data.csv" in papers["p5"].files
    by_paper = {f for paper in papers.values() for f in paper.findings}
    assert by_paper | set(shared) == set(whole.findings)
    assert {f.path for f in shared} == {"records/policy/2026-12-01-broken.yaml"}
    assert {f.path for f in papers["p3"].findings} == {"records/papers/p3/corrections/k1.yaml"}
    assert {f.path for f in papers["p4"].findings} == {"records/papers/p4/synthesis.yaml"}
    assert min(order) >= 0 and kept == [SEED_000, "p2"]
    assert looked_up == [papers[SEED_000], papers["p2"]]


def test_an_archive_without_commits_has_no_papers(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "empty")
    with open_build(load_config(repo.path)) as build:
        assert build.tip is None and list(build.papers()) == [] and build.findings == ()


def test_the_publication_index_agrees_with_the_history_it_replaces(tmp_path: Path) -> None:
    """First additions through deletions, re-additions, renames (one from outside the
    records), a merge and a path that is not UTF-8: what the on-disk index says is what
    read_history says."""
    repo = GitRepo.init(tmp_path / "history")
    repo.commit("two at once", {"records/a/x.yaml": "a: 1\n", "records/a/y.yaml": "b: 1\n"})
    repo.git("rm", "-q", "records/a/x.yaml")
    repo.commit("x deleted")
    repo.commit("x again", {"records/a/x.yaml": "a: 2\n"})
    (repo.path / "records" / "b").mkdir()
    repo.git("mv", "records/a/y.yaml", "records/b/y.yaml")
    repo.commit("y moved")
    repo.commit("outside", {"notes/v.yaml": "v: 1\n"})
    repo.git("mv", "notes/v.yaml", "records/b/v.yaml")
    repo.commit("v moved in")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("on a side branch", {"records/c/z.yaml": "c: 1\n", "elsewhere.txt": "x\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("on main", {"records/d/w.yaml": "d: 1\n"})
    repo.merge("side")
    odd = b"records/e/\xff.yaml"
    (repo.path / "records" / "e").mkdir()
    (repo.path / os.fsdecode(odd)).write_text("e: 1\n")
    repo.commit("a name that is not UTF-8")
    history = read_history(repo.path, pathspecs=("records",))
    index = Publications.index(load_config(repo.path), repo.head())
    try:
        assert index.commits == len(history.commits)
        ranks = {commit.sha: n for n, commit in enumerate(history.commits)}
        found = {path: index.publication(path) for path in history.paths}
        order = sorted(((p, w) for p, w in found.items() if w is not None), key=lambda kv: kv[1])
        assert [path for path, _ in order] == list(history.paths)  # publication order
        for path, entry in history.paths.items():
            rank, _ = order[[p for p, _ in order].index(path)][1]
            assert rank == ranks[entry.added.sha]
            assert index.commit(rank)._replace(signature=None) == entry.added
            assert index.rank(entry.added.sha) == rank
        assert os.fsdecode(odd) in history.paths
        assert index.publication("records/never.yaml") is None
        assert index.rank("0" * 40) == -1
    finally:
        index.close()


def test_a_failing_git_is_one_error_and_stopping_early_ends_it(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("one", {"a.txt": "a\n", "b.txt": "b\n"})
    with pytest.raises(SynthledgerError, match=r"^git ls-tree failed: fatal: "):
        list(stream_tokens(repo.path, "ls-tree", "-r", "-z", "no-such-rev"))
    tokens = stream_tokens(repo.path, "ls-tree", "-r", "-z", "HEAD")
    assert next(tokens).endswith("\ta.txt")
    tokens.close()  # git is killed, nothing is left waiting


def test_the_index_streams_the_bytes_of_the_whole_index() -> None:
    rows: list[dict[str, object]] = [
        {"id": f"p{n}", "title": 'a "quoted"\nline\u2028', "tier": None, "dimensions": {}}
        for n in range(3)
    ]
    for some in (rows[:0], rows[:1], rows):
        assert b"".join(index_chunks(some)) == dumps_bytes(index_of(some))
    with pytest.raises(ValueError, match="out of order"):
        b"".join(index_chunks([rows[1], rows[0]]))


def _contents(index: Publications) -> tuple[object, ...]:
    rows = [*index.tree(paper=True), *index.tree(paper=False)]
    ranks = {row.publication[0] for row in rows if row.publication is not None}
    return index.commits, rows, {rank: index.commit(rank) for rank in ranks}


def test_a_kept_index_answers_as_one_built_whole(repo: GitRepo, tmp_path: Path) -> None:
    """Brought up commit by commit, across a rewritten line and a damaged file."""
    config = load_config(repo.path)
    kept = tmp_path / "cache" / "history.sqlite"
    line = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()

    def compare(commit: str) -> Publications:
        whole = Publications.index(config, commit)
        index = Publications.kept(config, commit, kept)
        try:
            assert _contents(index) == _contents(whole)
        finally:
            whole.close()
            index.close()
        return index

    first = compare(line[1])
    assert first.since is None and first.touched is None  # nothing kept yet
    again = compare(line[1])
    assert again.since == line[1] and again.touched == frozenset()
    later = compare(line[-2])
    assert later.since == line[1] and later.touched == frozenset(
        {"p2", "p3", "p4", "p5", SEED_003, SEED_000}
    )
    compare(line[-1])
    # A line that does not hold the kept commit (a rewritten history): built whole again.
    repo.git("checkout", "-q", "-b", "rewritten", line[2])
    repo.commit("another line", {"records/papers/p9/synthesis.yaml": "contract: x\n"})
    assert compare(repo.head()).since is None
    kept.write_bytes(b"not a database, or a damaged one")
    assert compare(line[-1]).since is None


def test_open_build_with_a_cache_says_which_papers_changed(repo: GitRepo, tmp_path: Path) -> None:
    config = load_config(repo.path)
    with open_build(config, "HEAD~2", cache=tmp_path) as build:
        before = {p.id: p for p in build.papers()}
        assert build.since is None and build.touched is None
    with open_build(config, cache=tmp_path) as build:
        after = {p.id: p for p in build.papers()}
        assert build.since == repo.git("rev-parse", "HEAD~2").strip()
        assert build.touched == frozenset({SEED_000})  # HEAD~1 corrects it; HEAD adds a policy
    with open_build(config) as build:
        assert {p.id: p for p in build.papers()} == after
    assert after.keys() == before.keys() and after[SEED_003] == before[SEED_003]


def test_a_kept_index_of_an_archive_in_a_subfolder_sees_its_own_paths(tmp_path: Path) -> None:
    archive = committed(tmp_path / "repo", ["p1"], subfolder="archive")
    config = load_config(archive.root)
    kept = tmp_path / "cache" / "history.sqlite"
    Publications.kept(config, resolve_commit(archive.root, "HEAD"), kept).close()
    archive.add_synthesis("p2")
    commit_all(tmp_path / "repo", "publish p2")
    head = resolve_commit(archive.root, "HEAD")
    index, whole = Publications.kept(config, head, kept), Publications.index(config, head)
    try:
        assert index.touched == frozenset({"p2"})
        assert _contents(index) == _contents(whole)
        assert {row.file.path for row in index.tree(paper=True)} >= {
            "records/papers/p1/synthesis.yaml",
            "records/papers/p2/synthesis.yaml",
        }
    finally:
        index.close()
        whole.close()
