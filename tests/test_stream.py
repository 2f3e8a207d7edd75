"""open_build: one paper at a time, the manifests, views and findings of the whole build."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import Archive
from support.gitrepo import GitRepo
from support.pagerepo import SEED_000, SEED_003, commit, correct, seeds
from synthledger.config import load_config
from synthledger.deriving.manifest import build_manifests
from synthledger.deriving.stream import open_build
from synthledger.ledger.git import read_tree
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


def test_an_archive_without_commits_has_no_papers(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "empty")
    with open_build(load_config(repo.path)) as build:
        assert build.tip is None and list(build.papers()) == [] and build.findings == ()
