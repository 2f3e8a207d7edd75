"""One pass over the first-parent line of git history: its commits and every change.

Publication commits, correction order and the additive-only verdict are all
derived from here, so they agree with one another. A single ``git log``
reads the whole line; the cost grows with commits plus changes, never with
records x commits. Merge commits are diffed against their first parent only:
what a merge brings into the main line is the merge's change.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from synthledger.errors import SynthledgerError
from synthledger.ledger.git import git, resolve_commit, resolve_head, stream_fields

_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cI")
_SIGNED_FIELDS = (*_FIELDS, "%G?")


class Commit(NamedTuple):
    """A commit of the first-parent line; dates are ISO 8601 exactly as git wrote them."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str
    committer_date: str
    signature: str | None  # git's %G? letter (G good, N none, ...); None when not read
    subject: str


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    MODE_CHANGED = "mode-changed"
    TYPE_CHANGED = "type-changed"


class Diff(NamedTuple):
    """One path's change between two trees, as ``git diff --raw`` reports it.

    ``kind`` is the most serious thing that happened: type-changed (regular
    file <-> symlink or submodule) > modified > mode-changed (100644 <->
    100755). A content edit that also flips the executable bit is
    ``modified`` with ``old_mode != new_mode``; readers that care (additive)
    report both. ``old_path`` is where the file was before (None for an
    addition; differs from ``path`` only for a rename). Modes and blobs are
    None where the file does not exist.
    """

    kind: ChangeKind
    path: str
    old_path: str | None
    old_mode: str | None
    new_mode: str | None
    old_blob: str | None
    new_blob: str | None


class Change(NamedTuple):
    """A :class:`Diff` made by a commit of the first-parent line."""

    commit: Commit
    kind: ChangeKind
    path: str
    old_path: str | None
    old_mode: str | None
    new_mode: str | None
    old_blob: str | None
    new_blob: str | None


class PathHistory(NamedTuple):
    """When and by which commit a path was added, its blob then, and every change after."""

    path: str
    added: Commit
    blob: str
    later: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class History:
    """The first-parent line, oldest first.

    ``commits`` holds every commit of the line read, ``changes`` only those
    under the pathspecs. ``paths`` holds the paths added within the history read (a range read
    from ``since`` knows nothing of paths added before it), in the order they
    were first added: publication order.
    """

    commits: tuple[Commit, ...]
    changes: tuple[Change, ...]
    paths: Mapping[str, PathHistory]

    def added(self, path: str) -> Commit | None:
        """The commit that first added ``path``."""
        entry = self.paths.get(path)
        return entry.added if entry is not None else None

    def blob_at_head(self, path: str) -> str | None:
        """The blob ``path`` holds at the newest commit read; None if it is gone."""
        entry = self.paths.get(path)
        if entry is None:
            return None
        blob: str | None = entry.blob
        for change in entry.later:
            moved_away = change.kind is ChangeKind.RENAMED and change.path != path
            blob = None if change.kind is ChangeKind.DELETED or moved_away else change.new_blob
        return blob

    def under(self, directory: str) -> tuple[PathHistory, ...]:
        """The paths added below ``directory``, in publication order."""
        prefix = directory.rstrip("/") + "/"
        return tuple(entry for path, entry in self.paths.items() if path.startswith(prefix))


EMPTY_HISTORY = History((), (), MappingProxyType({}))


def read_history(
    repo_dir: Path,
    *,
    rev: str = "HEAD",
    since: str | None = None,
    pathspecs: Sequence[str] = (),
    signatures: bool = False,
    exclude: Sequence[str] = (),
    keep: Callable[[str], bool] | None = None,
    limit_walk: bool = False,
) -> History:
    """Read the first-parent line of ``rev`` in one ``git log``.

    ``since`` (a revision) and ``exclude`` (commit hashes, e.g. the tips of
    existing refs) stop the walk: commits reachable from them are left out.
    ``pathspecs`` are plain paths (directories or files, no pathspec magic):
    only changes at or below them are kept; ``keep``, if given, decides
    instead, path by path. Paths are relative to
    ``repo_dir``. ``signatures`` asks git to verify each commit's signature,
    which can be slow. A repository whose HEAD has no commits yet has an
    empty history.

    ``limit_walk`` gives the pathspecs to git itself: for a few paper folders
    out of many, git then skips every tree that does not hold them, which is
    far cheaper than listing every change; but ``commits`` then holds only the
    commits that changed those paths (see :func:`read_commit` for the tip).
    """
    head = resolve_head(repo_dir, rev)
    if head is None:
        return EMPTY_HISTORY
    stops = [resolve_commit(repo_dir, since)] if since is not None else []
    stops.extend(exclude)
    fields = _SIGNED_FIELDS if signatures else _FIELDS
    # \x01 marks a commit; the fields are NUL-separated, like -z's paths.
    fmt = "%x01" + "%x00".join((*fields, "%s"))
    # Paths are filtered here, not by a git pathspec: limiting the walk by
    # pathspec makes git compare every commit's trees twice (about 2.5x slower).
    # No --reverse either: it makes git hold the whole walk in memory.
    output = git(
        repo_dir,
        *_log_arguments(fmt),
        head,
        *(f"^{stop}" for stop in stops),
        "--",
        *(pathspecs if limit_walk else ()),
        narrow=limit_walk,
    )
    wanted = keep if keep is not None else _path_filter(pathspecs)
    return _build(output, signed=signatures, wanted=wanted)


def iter_line(
    repo_dir: Path,
    rev: str = "HEAD",
    *,
    exclude: Sequence[str] = (),
    keep: Callable[[str], bool] | None = None,
    signatures: bool = False,
) -> Iterator[tuple[Commit, list[Diff]]]:
    """Each commit of the first-parent line of ``rev`` not reachable from ``exclude``,
    oldest first, with its changes that ``keep`` accepts (default: all): the commits and
    changes of :func:`read_history`, read from ``git log`` as it writes, so that only one
    commit is held at a time, however long the line. (git holds the walk itself, to
    write it oldest first: a list of commits, not their changes.) ``signatures`` as for
    :func:`read_history`."""
    head = resolve_head(repo_dir, rev)
    if head is None:
        return
    fmt = "%x01" + "%x00".join((*(_SIGNED_FIELDS if signatures else _FIELDS), "%s"))
    stops = tuple(f"^{stop}" for stop in exclude)
    arguments = (*_log_arguments(fmt), "--reverse", head, *stops, "--")
    with contextlib.closing(stream_fields(repo_dir, *arguments)) as fields:  # stopped: git too
        tokens = (field.decode("utf-8", "surrogateescape") for field in fields)
        yield from _parse(tokens, signed=signatures, wanted=keep)


class Publishing(NamedTuple):
    """A commit of the first-parent line that added files at or below a folder."""

    newest: int  # its place on the line, counted from the tip (0)
    commit: Commit
    # What it added there, in git's order and bytes: each addition's path, and a
    # rename's new path (a rename's path or source below the folder).
    paths: list[bytes]


def iter_publishing(
    repo_dir: Path, head: str, folder: str, *, stop: str | None = None
) -> Iterator[Publishing]:
    """The commits of ``head``'s first-parent line (newest first, down to but not
    including ``stop``) that added files at or below ``folder``, read from ``git log``
    as it writes: the additions of :func:`read_history`'s changes, without holding
    more than one commit, and without decoding what is not kept.

    git's statuses alone tell an addition (A, a copy's C, a rename's R), so the log
    lists names and statuses (``--name-status``), not modes and blobs.
    """
    fmt = "%x01" + "%x00".join((*_FIELDS, "%s"))
    spec = folder.strip("/").removeprefix("./").encode("utf-8", "surrogateescape")
    if not spec or spec == b".":
        raise ValueError("iter_publishing reads a folder, not the whole tree")
    stops = (f"^{stop}",) if stop else ()
    with contextlib.closing(
        stream_fields(repo_dir, *_log_arguments(fmt, "--name-status"), head, *stops, "--")
    ) as fields:  # stopped early: git is stopped too
        yield from _publishing(fields, spec)


def _publishing(fields: Iterator[bytes], spec: bytes) -> Iterator[Publishing]:
    below = spec + b"/"
    width = len(_FIELDS) + 1
    newest = -1
    field = next(fields, None)
    while field is not None:
        if not field.startswith(b"\x01"):
            if field.strip():
                raise SynthledgerError(f"unexpected git log output near {field[:40]!r}")
            field = next(fields, None)
            continue
        newest += 1
        header = [field[1:], *itertools.islice(fields, width - 1)]
        if len(header) < width:
            raise SynthledgerError("git log output ended in the middle of a commit")
        paths: list[bytes] = []
        for status in fields:
            letter = status.lstrip(b"\n")[:1]
            if letter not in _STATUSES:
                field = status
                break
            path = next(fields, b"")
            if letter in b"RC":
                source, path = path, next(fields, b"")
                if letter == b"R" and (source == spec or source.startswith(below)):
                    paths.append(path)
                    continue
            if letter in b"ACR" and (path == spec or path.startswith(below)):
                paths.append(path)
        else:
            field = None
        if paths:
            sha, parents, name, email, author_date, committer_date, subject = (
                part.decode("utf-8", "surrogateescape") for part in header
            )
            commit = Commit(
                sha,
                tuple(parents.split()),
                name,
                email,
                author_date,
                committer_date,
                None,
                subject,
            )
            yield Publishing(newest, commit, paths)


# git's change statuses (``--name-status``): one letter, then a score for C and R.
# Another letter is an error, as :func:`_diff` says.
_STATUSES = frozenset(b"ACDMRT"[i : i + 1] for i in range(6))


def _log_arguments(fmt: str, changes: str = "--raw") -> tuple[str, ...]:
    """``git log``'s options for a read of the first-parent line, every change in raw
    form (or as ``changes`` says)."""
    return (
        "log",
        "--first-parent",
        "-m",
        "--root",
        changes,
        "-z",
        "--no-abbrev",
        "--find-renames",
        "--relative",
        "--ignore-submodules=none",
        "--no-color",
        f"--format={fmt}",
    )


def read_commit(repo_dir: Path, rev: str) -> Commit:
    """The commit ``rev`` names, read alone (no walk, no diff)."""
    sha = resolve_commit(repo_dir, rev)
    return read_commits(repo_dir, [sha])[sha]


def read_commits(repo_dir: Path, shas: Sequence[str]) -> dict[str, Commit]:
    """The commits ``shas`` (full hashes) name, each read alone (no walk, no diff)."""
    if not shas:
        return {}
    fmt = "%x01" + "%x00".join((*_FIELDS, "%s"))
    output = git(repo_dir, "log", "-z", "--no-walk=unsorted", f"--format={fmt}", *shas, "--")
    read = {
        commit.sha: commit
        for commit, _ in _parse(iter(output.split("\0")), signed=False, wanted=None)
    }
    missing = [sha for sha in shas if sha not in read]
    if missing:
        raise SynthledgerError(f"git log did not show commit {missing[0]}")
    return read


def changed_paths(repo_dir: Path, base: str, head: str, pathspecs: Sequence[str]) -> list[str]:
    """The paths whose content differs between the trees of ``base`` and ``head``
    (added, changed or deleted; renames as a deletion and an addition), sorted.

    ``git diff`` of two commits, not ``diff-tree``: diff-tree reads the whole
    index first (for attributes a name-only listing never asks for), which at
    100,000 papers is 200 MB for a one-paper pull request."""
    output = git(
        repo_dir,
        "diff",
        "--no-color",
        "-z",
        "--no-renames",
        "--name-only",
        "--relative",
        "--ignore-submodules=none",
        base,
        head,
        "--",
        *pathspecs,
    )
    return sorted(path for path in output.split("\0") if path)


def read_staged(repo_dir: Path, pathspecs: Sequence[str] = ()) -> tuple[Diff, ...]:
    """The staged change against HEAD; in a repository without commits, all additions."""
    # The staged change needs HEAD only: a shallow clone is fine here.
    if resolve_head(repo_dir, full_history=False) is None:
        output = git(
            repo_dir, "diff", "--cached", "--name-only", "-z", "--relative", "--", *pathspecs
        )
        return tuple(
            Diff(ChangeKind.ADDED, path, None, None, None, None, None)
            for path in output.split("\0")
            if path
        )
    output = git(
        repo_dir,
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--find-renames",
        "--relative",
        "--ignore-submodules=none",
        "--no-color",
        "HEAD",
        "--",
        *pathspecs,
    )
    return tuple(_take_diffs(iter(output.split("\0")))[0])


def first_parent_line(
    repo_dir: Path, rev: str, *, exclude: Sequence[str] = ()
) -> list[tuple[str, tuple[str, ...]]]:
    """(hash, parents) of every first-parent commit of ``rev`` not reachable from ``exclude``,
    newest first. Cheap: no diffs."""
    output = git(
        repo_dir,
        "rev-list",
        "--first-parent",
        "--parents",
        rev,
        *(f"^{x}" for x in exclude),
        narrow=True,
    )
    line_of: list[tuple[str, tuple[str, ...]]] = []
    for line in output.splitlines():
        sha, *parents = line.split()
        line_of.append((sha, tuple(parents)))
    return line_of


def _path_filter(pathspecs: Sequence[str]) -> Callable[[str], bool] | None:
    """A test for "at or below one of these paths"; None when every path is wanted."""
    specs = {spec.strip("/").removeprefix("./") for spec in pathspecs}
    if not specs or specs & {"", "."}:
        return None
    prefixes = tuple(f"{spec}/" for spec in specs)
    return lambda path: path in specs or path.startswith(prefixes)


def _build(output: str, *, signed: bool, wanted: Callable[[str], bool] | None) -> History:
    # git writes newest first; collect, then replay oldest first.
    newest_first = list(_parse(iter(output.split("\0")), signed=signed, wanted=wanted))
    return _replayed(
        tuple(commit for commit, _ in reversed(newest_first)),
        (Change(commit, *diff) for commit, diffs in reversed(newest_first) for diff in diffs),
    )


def _parse(
    tokens: Iterator[str], *, signed: bool, wanted: Callable[[str], bool] | None
) -> Iterator[tuple[Commit, list[Diff]]]:
    """(commit, its changes ``wanted`` accepts) for each commit of ``git log``'s
    NUL-separated fields, in git's order."""
    width = len(_SIGNED_FIELDS if signed else _FIELDS) + 1
    token = next(tokens, None)
    while token is not None:
        if not token.startswith("\x01"):
            if token.strip():
                raise SynthledgerError(f"unexpected git log output near {token[:40]!r}")
            token = next(tokens, None)
            continue
        fields = [token, *itertools.islice(tokens, width - 1)]
        if len(fields) < width:
            raise SynthledgerError("git log output ended in the middle of a commit")
        sha, parents, name, email, author_date, committer_date = fields[:6]
        commit = Commit(
            sha[1:],
            tuple(parents.split()),
            name,
            email,
            author_date,
            committer_date,
            fields[6] if signed else None,
            fields[-1],
        )
        diffs, token = _take_diffs(tokens)
        if wanted is not None:
            diffs = [
                d
                for d in diffs
                if wanted(d.path) or (d.old_path is not None and wanted(d.old_path))
            ]
        yield commit, diffs


def joined(*parts: History) -> History:
    """One history from several read apart, each of other paths, or each ending where
    the next starts.

    A range check reads the range for what it touches, and the history before
    it only for the few paths that need it, one walk for each place: publication
    order holds within each part and from part to part, never between the paths
    of two parts that were read side by side (a paper folder's and the policies')."""
    return _replayed(
        tuple(dict.fromkeys(commit for part in parts for commit in part.commits)),
        (change for part in parts for change in part.changes),
    )


def _replayed(commits: tuple[Commit, ...], changes_in_order: Iterable[Change]) -> History:
    changes: list[Change] = []
    paths = PathHistories()
    for change in changes_in_order:
        changes.append(change)
        paths.add(change)
    return History(commits, tuple(changes), paths.done())


def adds_path(change: Diff | Change) -> bool:
    """Whether ``change`` adds the file at its path: an addition, a copy or a rename's
    new path (the start of that path's history)."""
    return change.kind in (ChangeKind.ADDED, ChangeKind.RENAMED) and change.new_blob is not None


class PathHistories:
    """The :class:`PathHistory` of each path, from changes given in publication order."""

    def __init__(self) -> None:
        # path -> (added, blob, later); tuples are made once at the end.
        self._paths: dict[str, tuple[Commit, str, list[Change]]] = {}

    def add(self, change: Change) -> None:
        paths = self._paths
        if change.kind is ChangeKind.RENAMED and change.old_path in paths:
            paths[change.old_path][2].append(change)
        entry = paths.get(change.path)
        if entry is not None:
            entry[2].append(change)
        elif adds_path(change):
            assert change.new_blob is not None  # an added file has a blob
            paths[change.path] = (change.commit, change.new_blob, [])

    def done(self) -> Mapping[str, PathHistory]:
        """Each path's history, in the order the paths were first added."""
        return MappingProxyType(
            {
                path: PathHistory(path, added, blob, tuple(later))
                for path, (added, blob, later) in self._paths.items()
            }
        )


def _take_diffs(tokens: Iterator[str]) -> tuple[list[Diff], str | None]:
    """The raw entries at the start of ``tokens``, and the token after them (None at
    the end).

    An entry is ``:old_mode new_mode old_blob new_blob status`` then one path,
    or two (source first) for a rename or copy; git puts a newline before a
    commit's first entry.
    """
    diffs: list[Diff] = []
    for meta in tokens:
        if meta.startswith(":"):
            meta = meta[1:]
        elif meta.startswith("\n:"):
            meta = meta[2:]
        else:
            return diffs, meta
        old_mode, new_mode, old_blob, new_blob, status = meta.split(" ")
        if status[0] in "RC":
            old_path, path = next(tokens), next(tokens)
        else:
            path = old_path = next(tokens)
        diffs.append(_diff(status, path, old_path, old_mode, new_mode, old_blob, new_blob))
    return diffs, None


def _diff(
    status: str,
    path: str,
    old_path: str,
    old_mode: str,
    new_mode: str,
    old_blob: str,
    new_blob: str,
) -> Diff:
    letter = status[0]
    if letter in "AC":  # a copy leaves its source alone: the new path is an addition
        return Diff(ChangeKind.ADDED, path, None, None, new_mode, None, new_blob)
    if letter == "D":
        return Diff(ChangeKind.DELETED, path, path, old_mode, None, old_blob, None)
    if letter == "R":
        return Diff(ChangeKind.RENAMED, path, old_path, old_mode, new_mode, old_blob, new_blob)
    if letter not in "MT":
        raise SynthledgerError(f"git reported an unknown change status {status!r} for {path}")
    if letter == "T" or _file_type(old_mode) != _file_type(new_mode):
        kind = ChangeKind.TYPE_CHANGED
    elif old_blob == new_blob and old_mode != new_mode:
        kind = ChangeKind.MODE_CHANGED
    else:
        kind = ChangeKind.MODIFIED
    return Diff(kind, path, path, old_mode, new_mode, old_blob, new_blob)


def _file_type(mode: str) -> int:
    """Regular file, symlink or submodule: the S_IFMT bits of a git mode."""
    return int(mode, 8) & 0o170000
