"""First additions found by bisection are the ones a walk of the whole line finds.

The oracle is ``read_history`` of the whole first-parent line: at every commit
of a tangled line, for every file there, the bisection (and the walk it leaves
some paths to) must name the commit and blob that first added it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gitrepo import GitRepo
from synthledger.config import ArchiveConfig
from synthledger.ledger.bisection import first_additions, read_line
from synthledger.ledger.history import read_history
from synthledger.ledger.snapshot import Snapshot, read_snapshot

pytestmark = pytest.mark.usefixtures("isolated_git")

POLICY_A = "records/policy/2026-01-01-a.yaml"
POLICY_B = "records/policy/2026-02-01-b.yaml"
POLICY_C = "records/policy/2026-03-01-c.yaml"
P1 = "records/papers/p1/synthesis.yaml"
P2 = "records/papers/p2/synthesis.yaml"
P6 = "records/papers/p6/synthesis.yaml"
ODD = "records/papers/p 3/é\tx.yaml"
NEWLINE = "records/papers/p4/a\nb.yaml"
KEPT = (None, "p1", "p2")  # the policies and two papers


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.init(tmp_path / "archive")


def _line(repo: GitRepo) -> list[str]:
    return repo.git("rev-list", "--first-parent", "HEAD").split()


def _files(repo: GitRepo, commit: str) -> list[str]:
    listing = repo.run("ls-tree", "-r", "-z", "--name-only", commit, "--", "records").stdout
    return [path for path in listing.split("\0") if path]


def _found(repo: GitRepo, commit: str, enforce_from: str | None) -> dict[str, tuple[str, str]]:
    """Path -> (commit, blob) of each file's first addition, as a range check reads it."""
    paths = _files(repo, commit)
    found, left = first_additions(repo.path, commit, paths, enforce_from)
    walked = read_history(repo.path, rev=commit, pathspecs=left, limit_walk=True) if left else None
    answers = {path: (entry.added.sha, entry.blob) for path, entry in found.paths.items()}
    if walked is not None:
        answers.update({p: (walked.paths[p].added.sha, walked.paths[p].blob) for p in left})
    return answers


def _oracle(repo: GitRepo, commit: str) -> dict[str, tuple[str, str]]:
    history = read_history(repo.path, rev=commit)
    return {
        path: (history.paths[path].added.sha, history.paths[path].blob)
        for path in _files(repo, commit)
    }


def _tangled(repo: GitRepo) -> str:
    """A line with a policy and a paper in the root, a merge that brings two files,
    papers deleted and added again and a rename before enforcement, then more
    papers, policies and commits after it: the enforce-from commit."""
    repo.commit("open", {POLICY_A: "a: 1\n", P1: "p: 1\n", "README.md": "r\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", {P2: "p: 2\n", POLICY_B: "b: 1\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("readme", {"README.md": "s\n"})
    repo.merge("side")
    repo.git("rm", "-q", P1)
    repo.commit("withdraw p1")
    repo.commit("notes", {"NOTES": "1\n"})
    repo.commit("p1 again", {P1: "p: 1 again\n"})
    repo.commit("p6", {P6: "p: 6\n"})
    repo.git("rm", "-q", P6)
    repo.commit("withdraw p6")
    for n in range(8):
        repo.commit(f"early notes {n}", {"NOTES": f"early {n}\n"})
    repo.commit("p6 again", {P6: "p: 6 again\n"})
    repo.commit("early", {"records/papers/p5/synthesis.yaml": "p: 5\n"})
    repo.git("mv", "records/papers/p5/synthesis.yaml", "records/papers/p5/moved.yaml")
    enforce_from = repo.commit("rename before enforcement")
    for n in range(5):
        repo.commit(f"notes {n}", {"NOTES": f"{n}\n"})
    repo.commit("policy c", {POLICY_C: "c: 1\n", ODD: "odd: 1\n"})
    repo.commit("newline", {NEWLINE: "n: 1\n"})
    for n in range(3):
        repo.commit(f"correct {n}", {f"records/papers/p2/corrections/c{n}.yaml": f"c: {n}\n"})
    return enforce_from


def test_every_file_at_every_commit_has_the_first_addition_a_walk_finds(repo: GitRepo) -> None:
    enforce_from = _tangled(repo)

    for commit in _line(repo):
        assert _found(repo, commit, enforce_from) == _oracle(repo, commit), commit


def test_a_line_enforced_from_its_root_is_bisected_to_the_root(repo: GitRepo) -> None:
    root = repo.commit("open", {POLICY_A: "a: 1\n", P1: "p: 1\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", {P2: "p: 2\n"})
    repo.git("checkout", "-q", "main")
    for n in range(40):
        repo.commit(f"notes {n}", {"NOTES": f"{n}\n"})
    repo.merge("side")
    repo.commit("policy b", {POLICY_B: "b: 1\n"})
    for n in range(9):
        repo.commit(f"more {n}", {f"records/papers/q{n}/synthesis.yaml": f"q: {n}\n"})

    found, left = first_additions(repo.path, repo.head(), [POLICY_A, P1, P2, POLICY_B], None)

    assert left == []
    assert found.paths[POLICY_A].added.sha == root
    assert list(found.paths) == [P1, POLICY_A, P2, POLICY_B]  # oldest first
    for commit in _line(repo):
        assert _found(repo, commit, None) == _oracle(repo, commit), commit


def test_what_bisection_cannot_vouch_for_is_left_to_the_walk(repo: GitRepo) -> None:
    enforce_from = _tangled(repo)
    head = repo.head()

    # Before enforce-from a file may have come and gone: p1 did.
    _, left = first_additions(repo.path, head, [P1, POLICY_A, POLICY_C], enforce_from)
    assert left == [P1, POLICY_A]
    # A name a line of cat-file input cannot carry; a path that is not a file there.
    _, left = first_additions(repo.path, head, [NEWLINE, "records/papers/p2", "records/nil"], None)
    assert left == ["records/nil", "records/papers/p2", NEWLINE]
    # An enforce-from that is not on the line, or not a commit at all.
    repo.git("checkout", "-q", "-b", "elsewhere", enforce_from)
    off_line = repo.commit("off the line", {"NOTES": "x\n"})
    repo.git("checkout", "-q", "main")
    for setting in (off_line, "deadbeef"):
        found, left = first_additions(repo.path, head, [POLICY_C], setting)
        assert (list(found.paths), left) == ([], [POLICY_C])


def test_the_line_is_git_s_first_parent_list(repo: GitRepo) -> None:
    _tangled(repo)
    line = read_line(repo.path, repo.head())

    assert [line[place] for place in range(len(line))] == _line(repo)
    assert line.place(_line(repo)[3]) == 3
    assert line.place("0" * 40) is None


def test_a_range_reads_older_records_as_a_whole_snapshot_does(repo: GitRepo) -> None:
    """A pull request correcting an older paper: the snapshot a range check reads gives
    its records and the policies the publication commits of the whole history's."""
    enforce_from = _tangled(repo)
    base = repo.head()
    repo.commit("correct p2", {"records/papers/p2/corrections/c9.yaml": "c: 9\n"})
    config = ArchiveConfig(root=repo.path, enforce_from=enforce_from)

    ranged = read_snapshot(config, papers=["p2", "p1"], since=base)
    whole = read_snapshot(config)

    def published(snapshot: Snapshot) -> dict[str, str]:
        return {e.file.path: e.added.sha for e in snapshot.entries if e.file.paper in KEPT}

    assert published(ranged) == published(whole)
    assert len(published(ranged)) == 9  # p1, p2 and its four corrections, three policies
