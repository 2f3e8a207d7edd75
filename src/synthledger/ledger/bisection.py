"""When each of a few files was first added to the first-parent line, found without a walk.

A walk limited to a path (``git log -- PATH``) compares two trees at every
commit of the line: without a commit-graph that is 2 s at 200,000 commits, what
a whole pull request's check may cost. Where additive-only is enforced, a
published file is never deleted, renamed away or replaced, so along that part of
the line a path is absent, then present for good: its first addition there is
found by bisection, some twenty tree lookups (``git cat-file --batch-check``)
over the commits ``git rev-list`` lists, which reads no trees.

Before enforce-from a file may have been deleted and added again, so a path
already there at the enforce-from commit is left to the walk; so is any path
this cannot vouch for (not a file at the commit asked about, a name a line of
cat-file input cannot carry, an enforce-from off the line).

This rests on the line having been judged as it grew (CI on each push, the
pre-receive hook), as a range check's additive verdict does: a history in
which an enforced commit deleted a published file is reported by a whole
``check`` and by ``audit``, and there the commit found may be the re-addition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from synthledger.errors import SynthledgerError
from synthledger.ledger.git import git, read_listing, resolve_commit, run
from synthledger.ledger.history import (
    EMPTY_HISTORY,
    Change,
    ChangeKind,
    History,
    joined,
    read_commits,
)

# What a path is when it holds a file: a blob (a file or symlink) or a gitlink.
_FILE_TYPES = frozenset((b"blob", b"commit"))


class Line:
    """The first-parent line of a commit, newest first, as ``git rev-list`` lists it:
    one buffer of fixed-width lines, not 200,000 strings."""

    def __init__(self, listing: bytes) -> None:
        self._listing = listing
        self._width = listing.index(b"\n") + 1 if listing else 1

    def __len__(self) -> int:
        return len(self._listing) // self._width

    def __getitem__(self, place: int) -> str:
        start = place * self._width
        return self._listing[start : start + self._width - 1].decode()

    def place(self, sha: str) -> int | None:
        """Where ``sha`` (a full hash) is on the line, counted from the newest (0)."""
        found = self._listing.find(f"{sha}\n".encode())
        while found != -1 and found % self._width:
            found = self._listing.find(f"{sha}\n".encode(), found + 1)
        return None if found == -1 else found // self._width


def read_line(repo_dir: Path, commit: str) -> Line:
    """``commit``'s first-parent line; commits only, so no tree is read."""
    return Line(git(repo_dir, "rev-list", "--first-parent", commit, narrow=True).encode())


def first_additions(
    repo_dir: Path, commit: str, paths: Iterable[str], enforce_from: str | None
) -> tuple[History, list[str]]:
    """The history of each of ``paths`` (files at ``commit``) reduced to its first
    addition on ``commit``'s first-parent line, and the paths left to a walk.

    ``enforce_from`` is the archive's setting: commits after it are enforced."""
    wanted = sorted(set(paths))
    askable: list[str] = []
    left: list[str] = []
    for path in wanted:
        (left if "\n" in path or "\r" in path else askable).append(path)
    if not askable:
        return EMPTY_HISTORY, left
    line = read_line(repo_dir, commit)
    bound = _enforced_bound(repo_dir, line, enforce_from)
    if bound is None:
        return EMPTY_HISTORY, wanted
    present = _present(repo_dir, [(commit, path) for path in askable])
    at_bound = _present(repo_dir, [(line[bound], path) for path in askable])
    # Each path's search: present at ``newer``, absent at ``older`` (a place, or one
    # past the root); settled when they meet, ``newer`` then its first addition.
    searches: dict[str, tuple[int, int]] = {}
    for path, here, there in zip(askable, present, at_bound, strict=True):
        if not here or (there and enforce_from is not None):
            left.append(path)  # not a file here; or there before enforcement: the walk
        elif there:
            searches[path] = (bound, bound + 1)  # the root commit added it
        else:
            searches[path] = (0, bound)
    while unsettled := [p for p, (newer, older) in searches.items() if older - newer > 1]:
        middles = {path: sum(searches[path]) // 2 for path in unsettled}
        answers = _present(repo_dir, [(line[middles[p]], p) for p in unsettled])
        for path, there in zip(unsettled, answers, strict=True):
            newer, older = searches[path]
            searches[path] = (middles[path], older) if there else (newer, middles[path])
    firsts = {path: newer for path, (newer, _) in searches.items()}
    return _additions(repo_dir, line, firsts), sorted(left)


def _enforced_bound(repo_dir: Path, line: Line, enforce_from: str | None) -> int | None:
    """The place of the newest commit whose parent-to-commit step is not enforced: the
    enforce-from commit, or the root when every commit is enforced. None: unknown."""
    if not len(line):
        return None
    if enforce_from is None:
        return len(line) - 1
    try:
        start = resolve_commit(repo_dir, enforce_from)
    except SynthledgerError:
        return None  # the additive check says what is wrong with it
    return line.place(start)


def _present(repo_dir: Path, asked: Sequence[tuple[str, str]]) -> list[bool]:
    """Whether each (commit, path) names a file, in one ``git cat-file --batch-check``."""
    if not asked:
        return []
    queries = "".join(f"{commit}:{path}\n" for commit, path in asked).encode(
        "utf-8", "surrogateescape"
    )
    proc = run(
        repo_dir, "cat-file", "--batch-check=%(objecttype)", input_bytes=queries, narrow=True
    )
    answers = proc.stdout.split(b"\n")[:-1]  # no path asked holds one
    if proc.returncode != 0 or len(answers) != len(asked):
        raise SynthledgerError("git cat-file --batch-check did not answer every path")
    return [answer in _FILE_TYPES for answer in answers]


def _additions(repo_dir: Path, line: Line, places: dict[str, int]) -> History:
    """A history of one addition for each path, at its place on the line (oldest first,
    and by path within a commit, as git lists a commit's changes)."""
    by_commit: dict[str, list[str]] = {}
    for path, place in sorted(places.items(), key=lambda item: (-item[1], _bytes(item[0]))):
        by_commit.setdefault(line[place], []).append(path)
    commits = read_commits(repo_dir, list(by_commit))
    changes = []
    for sha, paths in by_commit.items():
        entries = _entries(repo_dir, sha, paths)
        for path in paths:
            mode, blob = entries[path]
            changes.append(
                Change(commits[sha], ChangeKind.ADDED, path, None, None, mode, None, blob)
            )
    return joined(History(tuple(commits[sha] for sha in by_commit), tuple(changes), {}))


def _entries(repo_dir: Path, commit: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Path -> (mode, object) of each of ``paths`` in ``commit``'s tree."""
    listed = read_listing(repo_dir, commit, *paths)
    missing = [path for path in paths if path not in listed]
    if missing:
        raise SynthledgerError(f"git ls-tree did not list {missing[0]!r} in {commit[:12]}")
    return {path: (listed[path][0], listed[path][2]) for path in paths}


def _bytes(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")
