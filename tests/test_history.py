from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.gitrepo import GitRepo
from synthledger.errors import SynthledgerError
from synthledger.ledger.git import SHALLOW_MESSAGE, is_ancestor, resolve_commit
from synthledger.ledger.history import (
    ChangeKind,
    changed_paths,
    first_parent_line,
    iter_line,
    read_history,
    read_staged,
)

PAPER = "records/papers/p1/synthesis.yaml"


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.init(tmp_path / "archive")


def test_commits_oldest_first_with_their_fields(repo: GitRepo) -> None:
    first = repo.commit("publish", {PAPER: "a\n"})
    second = repo.commit("notes", {"NOTES": "n\n"})

    history = read_history(repo.path)

    assert [c.sha for c in history.commits] == [first, second]
    commit = history.commits[0]
    assert commit.parents == ()
    assert history.commits[1].parents == (first,)
    assert (commit.author_name, commit.author_email) == ("Ada Archivist", "ada@example.org")
    # GitRepo dates each git call a minute after the last, across tests: git's own date.
    assert commit.author_date == repo.git("show", "-s", "--format=%aI", first)
    assert commit.author_date.endswith("+00:00")
    assert commit.subject == "publish"
    assert commit.signature is None


def test_path_history_added_blob_and_later_changes(repo: GitRepo) -> None:
    added = repo.commit("publish", {PAPER: "a\n"})
    edited = repo.commit("edit", {PAPER: "b\n"})

    history = read_history(repo.path)

    entry = history.paths[PAPER]
    assert entry.added.sha == added
    assert entry.blob == repo.git("rev-parse", f"{added}:{PAPER}")
    assert [(c.commit.sha, c.kind) for c in entry.later] == [(edited, ChangeKind.MODIFIED)]
    assert history.added(PAPER) == entry.added
    assert history.added("records/nothing.yaml") is None
    assert history.blob_at_head(PAPER) == repo.git("rev-parse", f"HEAD:{PAPER}")


def test_deleted_path_has_no_blob_at_head(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.git("rm", "-q", PAPER)
    deleted = repo.commit("delete")

    history = read_history(repo.path)

    change = history.paths[PAPER].later[0]
    assert (change.commit.sha, change.kind, change.new_blob) == (deleted, ChangeKind.DELETED, None)
    assert history.blob_at_head(PAPER) is None


def test_rename_is_one_change_with_both_paths(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "title: a long enough record to be recognised\n"})
    repo.git("mv", "records/papers/p1", "records/papers/p2")
    renamed = repo.commit("rename")

    history = read_history(repo.path)

    (change,) = [c for c in history.changes if c.commit.sha == renamed]
    new_path = "records/papers/p2/synthesis.yaml"
    assert (change.kind, change.path, change.old_path) == (ChangeKind.RENAMED, new_path, PAPER)
    assert history.blob_at_head(PAPER) is None
    assert history.paths[new_path].added.sha == renamed
    assert history.blob_at_head(new_path) == change.new_blob


def test_chmod_is_a_mode_change(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.git("update-index", "--chmod=+x", PAPER)
    repo.git("commit", "-q", "-m", "chmod")

    change = read_history(repo.path).changes[-1]

    assert (change.kind, change.old_mode, change.new_mode) == (
        ChangeKind.MODE_CHANGED,
        "100644",
        "100755",
    )
    assert change.old_blob == change.new_blob


def test_edit_and_chmod_together_is_modified_with_both_modes(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.write(PAPER, "b\n")
    repo.git("add", PAPER)
    repo.git("update-index", "--chmod=+x", PAPER)
    repo.git("commit", "-q", "-m", "edit and chmod")

    change = read_history(repo.path).changes[-1]

    assert (change.kind, change.old_mode, change.new_mode) == (
        ChangeKind.MODIFIED,
        "100644",
        "100755",
    )


def test_file_replaced_by_symlink_is_a_type_change(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n", "elsewhere.yaml": "b\n"})
    (repo.path / PAPER).unlink()
    (repo.path / PAPER).symlink_to("../../../elsewhere.yaml")
    repo.commit("swap")

    change = read_history(repo.path).changes[-1]

    assert (change.kind, change.old_mode, change.new_mode) == (
        ChangeKind.TYPE_CHANGED,
        "100644",
        "120000",
    )


def test_merge_is_one_diff_against_its_first_parent(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("edit on side", {PAPER: "b\n"})
    repo.commit("correction on side", {"records/papers/p1/corrections/c1.yaml": "c\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("notes", {"NOTES": "n\n"})
    merge = repo.merge("side")

    history = read_history(repo.path, pathspecs=["records"])

    assert [c.subject for c in history.commits] == ["publish", "notes", "merge side"]
    merged = [(c.kind, c.path) for c in history.changes if c.commit.sha == merge]
    first_parent_diff = repo.git("diff", "--name-status", f"{merge}^1", merge, "--", "records")
    assert len(merged) == len(first_parent_diff.splitlines()) == 2
    assert sorted(merged) == [
        (ChangeKind.ADDED, "records/papers/p1/corrections/c1.yaml"),
        (ChangeKind.MODIFIED, PAPER),
    ]


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_corrections_from_two_branches_follow_first_parent_order(
    repo: GitRepo, order: tuple[str, str]
) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    for name in ("a", "b"):
        repo.git("checkout", "-q", "-b", name, "main")
        repo.commit(f"correction {name}", {f"records/papers/p1/corrections/{name}.yaml": name})
    repo.git("checkout", "-q", "main")
    merges = {name: repo.merge(name) for name in order}

    history = read_history(repo.path)

    corrections = history.under("records/papers/p1/corrections")
    assert [entry.path.rsplit("/", 1)[1] for entry in corrections] == [
        f"{name}.yaml" for name in order
    ]
    assert [entry.added.sha for entry in corrections] == [merges[name] for name in order]
    assert [c.subject for c in history.commits] == ["publish", *(f"merge {n}" for n in order)]


def test_the_streamed_line_is_the_read_history(repo: GitRepo) -> None:
    """iter_line yields read_history's commits and changes, in its order, one commit at
    a time: across a merge, a rename, a mode change, an odd path and a stop."""
    base = repo.commit("publish", {PAPER: "a\n", "README.md": "r\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("odd path on side", {"records/papers/p 1/é\tx\n.yaml": "o\n"})
    repo.git("mv", "records/papers/p1/synthesis.yaml", "records/papers/p1/moved.yaml")
    repo.commit("rename on side")
    repo.git("checkout", "-q", "main")
    repo.commit("readme", {"README.md": "s\n"})
    repo.merge("side")
    (repo.path / "records/papers/p1/moved.yaml").chmod(0o755)
    repo.commit("chmod")

    for exclude in ([], [base]):
        history = read_history(repo.path, pathspecs=["records"], exclude=exclude)
        streamed = list(iter_line(repo.path, exclude=exclude, keep=lambda p: p[0] in "rR"))
        assert [commit for commit, _ in streamed] == list(history.commits)
        changes = [(commit, *diff) for commit, diffs in streamed for diff in diffs]
        assert [tuple(change) for change in history.changes] == [
            c for c in changes if c[2].startswith("records")
        ]
        assert len(changes) > len(history.changes)  # README.md is kept: keep said so
    assert list(iter_line(repo.path, exclude=[repo.head()])) == []


def test_pathspecs_keep_only_changes_below_them_and_every_commit(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n", "README.md": "r\n"})
    repo.commit("readme", {"README.md": "s\n"})

    history = read_history(repo.path, pathspecs=["records/", "schemas"])

    assert [c.path for c in history.changes] == [PAPER]
    assert list(history.paths) == [PAPER]
    assert [c.subject for c in history.commits] == ["publish", "readme"]


def test_since_reads_only_later_commits(repo: GitRepo) -> None:
    base = repo.commit("publish", {PAPER: "a\n"})
    later = repo.commit("correction", {"records/papers/p1/corrections/c1.yaml": "c\n"})

    history = read_history(repo.path, since=base)

    assert [c.sha for c in history.commits] == [later]
    assert list(history.paths) == ["records/papers/p1/corrections/c1.yaml"]


def test_rev_reads_an_older_commit(repo: GitRepo) -> None:
    first = repo.commit("publish", {PAPER: "a\n"})
    repo.commit("more", {"records/papers/p2/synthesis.yaml": "b\n"})

    history = read_history(repo.path, rev=first)

    assert list(history.paths) == [PAPER]


def test_unusual_paths_survive_the_stream(repo: GitRepo) -> None:
    odd = "records/papers/p 1/é\tx\n.yaml"
    repo.commit("publish", {odd: "a\n"})

    assert list(read_history(repo.path).paths) == [odd]


def test_signatures_are_read_when_asked(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})

    (commit,) = read_history(repo.path, signatures=True).commits

    assert commit.signature == "N"
    assert commit.subject == "publish"


def test_repository_without_commits_has_empty_history(repo: GitRepo) -> None:
    history = read_history(repo.path)

    assert (history.commits, history.changes, dict(history.paths)) == ((), (), {})


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(SynthledgerError) as raised:
        read_history(plain)

    assert str(raised.value) == (
        f"{plain} is not a git repository: run inside a clone of the archive or pass --root DIR"
    )


def test_unknown_revision(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})

    with pytest.raises(SynthledgerError) as raised:
        read_history(repo.path, rev="no-such-branch")

    assert str(raised.value) == (
        "unknown revision 'no-such-branch': check the name, or fetch it first (git fetch origin)"
    )


def test_shallow_clone_is_refused_with_a_fix(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.commit("correction", {"records/papers/p1/corrections/c1.yaml": "c\n"})
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True
    )

    with pytest.raises(SynthledgerError) as raised:
        read_history(clone)

    assert str(raised.value) == SHALLOW_MESSAGE
    assert SHALLOW_MESSAGE.startswith(
        "history is shallow: fetch full history, e.g. actions/checkout with fetch-depth: 0"
    )


def test_staged_changes_against_head(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n"})
    repo.write(PAPER, "b\n")
    repo.write("records/papers/p1/corrections/c1.yaml", "c\n")
    repo.git("add", "-A")

    staged = read_staged(repo.path, ["records"])

    assert sorted((d.kind, d.path) for d in staged) == [
        (ChangeKind.ADDED, "records/papers/p1/corrections/c1.yaml"),
        (ChangeKind.MODIFIED, PAPER),
    ]


def test_staged_in_a_repository_without_commits_is_all_additions(repo: GitRepo) -> None:
    repo.write(PAPER, "a\n")
    repo.git("add", "-A")

    (diff,) = read_staged(repo.path, ["records"])

    assert (diff.kind, diff.path) == (ChangeKind.ADDED, PAPER)


def test_git_helpers(repo: GitRepo) -> None:
    first = repo.commit("one")
    second = repo.commit("two")

    assert resolve_commit(repo.path, "HEAD~1") == first
    assert is_ancestor(repo.path, first, second)
    assert not is_ancestor(repo.path, second, first)
    assert first_parent_line(repo.path, second, exclude=[first]) == [(second, (first,))]


def test_changed_paths_compare_two_commits_and_never_read_the_index(repo: GitRepo) -> None:
    base = repo.commit("publish", {PAPER: "a\n", "records/papers/p2/synthesis.yaml": "b\n"})
    repo.git("rm", "-q", "records/papers/p2/synthesis.yaml")
    head = repo.commit("move", {"records/papers/p3/synthesis.yaml": "b\n", "NOTES": "n\n"})
    # The index is 200 MB at 100,000 papers: a range check that read it would pay for it.
    (repo.path / ".git" / "index").write_bytes(b"not an index")

    assert changed_paths(repo.path, base, head, ["records"]) == [
        "records/papers/p2/synthesis.yaml",
        "records/papers/p3/synthesis.yaml",
    ]
