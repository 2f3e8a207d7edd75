"""When each record was published, kept on disk: the history a full build needs, bounded.

A manifest needs, of history, only the commit that first added each of its
records (its publication commit, and so publication order). This index holds
exactly that, for every path under the records folder, in a private SQLite
database (the standard library's), filled from one ``git log`` read as git
writes it. SQLite keeps such a database in memory up to its cache size and
spills the rest to a temporary file (in TMPDIR) that it deletes when closed:
a small archive never touches the disk, a large one holds the cache's worth,
and the walk is never held whole. The answers are those of :mod:`synthledger.ledger.history`,
which the tests compare.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.layout import ArchiveFile, FileKind, classify
from synthledger.ledger.git import git, stream_tokens
from synthledger.ledger.history import ChangeKind, Commit, iter_log

_SCHEMA = """
CREATE TABLE commits (
    rank INTEGER PRIMARY KEY,  -- position on the first-parent line, oldest 0
    sha TEXT NOT NULL, parents TEXT NOT NULL, author_name BLOB NOT NULL,
    author_email BLOB NOT NULL, author_date TEXT NOT NULL, committer_date TEXT NOT NULL,
    subject BLOB NOT NULL
);
CREATE INDEX commits_by_sha ON commits (sha);
-- The first addition of each path: in publication order by (rank, position).
CREATE TABLE added (
    path BLOB PRIMARY KEY, rank INTEGER NOT NULL, position INTEGER NOT NULL
) WITHOUT ROWID;
-- Every file under the folder at the commit indexed, with what its place makes it.
CREATE TABLE tree (path BLOB PRIMARY KEY, blob TEXT NOT NULL, paper BLOB, kind TEXT NOT NULL)
    WITHOUT ROWID;
"""
_BATCH = 5000  # rows a write waits for: fewer round trips into SQLite
_PRAGMAS = (
    "PRAGMA cache_size = -32768",  # KiB: what it holds in memory before it spills
    "PRAGMA journal_mode = OFF",  # scratch: rebuilt, never recovered
    "PRAGMA synchronous = OFF",
    "PRAGMA temp_store = FILE",  # its sorts spill too
)


def _spill_error(exc: sqlite3.Error) -> SynthledgerError:
    return SynthledgerError(
        f"cannot keep the index of history in the temporary folder ({exc}): "
        "free space there (TMPDIR names it) or raise the file size limit"
    )


def _stored(text: str) -> bytes:
    """Text as SQLite keeps it here: bytes, so that a path git reports that is not
    UTF-8 (SL207) round-trips, and byte order is the order of code points."""
    return text.encode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class TreeRow(NamedTuple):
    """A file at the commit indexed, and when it was first published (None if never)."""

    file: ArchiveFile
    blob: str
    publication: tuple[int, int] | None  # (rank of the commit, position in it)


class Publications:
    """The publication commit of every path under one folder, up to one commit."""

    def __init__(self, connection: sqlite3.Connection, commits: int) -> None:
        self._db = connection
        self.commits = commits  # on the first-parent line of the commit indexed

    @classmethod
    def index(cls, repo_dir: Path, head: str, folder: str) -> Publications:
        """Index ``folder``'s paths on ``head``'s first-parent line."""
        count = int(git(repo_dir, "rev-list", "--first-parent", "--count", head).strip() or 0)
        db = sqlite3.connect("", isolation_level=None)  # "": private, deleted when closed
        try:
            for pragma in _PRAGMAS:
                db.execute(pragma)
            db.executescript(_SCHEMA)
            return cls._filled(db, count, repo_dir, head, folder)
        except sqlite3.Error as exc:
            db.close()
            raise _spill_error(exc) from exc

    @classmethod
    def _filled(
        cls, db: sqlite3.Connection, count: int, repo_dir: Path, head: str, folder: str
    ) -> Publications:
        commits: list[tuple[object, ...]] = []
        added: list[tuple[bytes, int, int]] = []
        db.execute("BEGIN")
        for newest, (commit, diffs) in enumerate(iter_log(repo_dir, head, (folder,))):
            rank = count - 1 - newest
            # git writes newest first: a later (older) addition replaces an earlier one.
            additions = [
                _stored(d.path)
                for d in diffs
                if d.kind in (ChangeKind.ADDED, ChangeKind.RENAMED) and d.new_blob is not None
            ]
            if not additions:
                continue
            commits.append(_commit_row(rank, commit))
            added.extend((path, rank, position) for position, path in enumerate(additions))
            if len(added) >= _BATCH:
                _flush(db, commits, added)
        _flush(db, commits, added)
        db.execute("COMMIT")
        return cls(db, count)

    def list_tree(self, config: ArchiveConfig, head: str) -> None:
        """Add every file under the records folder at ``head`` (one ``git ls-tree``)."""
        try:
            self._list_tree(config, head)
        except sqlite3.Error as exc:
            raise _spill_error(exc) from exc

    def _list_tree(self, config: ArchiveConfig, head: str) -> None:
        rows: list[tuple[bytes, str, bytes | None, str]] = []
        self._db.execute("BEGIN")
        for line in stream_tokens(
            config.root, "ls-tree", "-r", "-z", head, "--", config.records_dir
        ):
            if not line:
                continue
            meta, path = line.split("\t", 1)
            _mode, kind, blob = meta.split(" ")
            if kind != "blob":
                continue
            file = classify(path, config)
            paper = None if file.paper is None else _stored(file.paper)
            rows.append((_stored(path), blob, paper, file.kind.value))
            if len(rows) >= _BATCH:
                self._db.executemany("INSERT INTO tree VALUES (?, ?, ?, ?)", rows)
                rows.clear()
        self._db.executemany("INSERT INTO tree VALUES (?, ?, ?, ?)", rows)
        self._db.execute("COMMIT")

    def tree(self, *, paper: bool) -> Iterator[TreeRow]:
        """The files of the papers (``paper``) or the others, by paper id (byte order: that
        of code points), each paper's in publication order, then by path."""
        where = "t.paper IS NOT NULL" if paper else "t.paper IS NULL"
        cursor = self._db.execute(
            "SELECT t.path, t.blob, t.paper, t.kind, a.rank, a.position FROM tree t "
            f"LEFT JOIN added a ON a.path = t.path WHERE {where} "
            "ORDER BY t.paper, a.rank IS NULL, a.rank, a.position, t.path"
        )
        try:
            for path, blob, owner, kind, rank, position in cursor:
                owner_id = None if owner is None else _text(owner)
                file = ArchiveFile(_text(path), FileKind(kind), owner_id)
                yield TreeRow(file, blob, None if rank is None else (rank, position))
        except sqlite3.Error as exc:  # its sort may spill to disk
            raise _spill_error(exc) from exc

    def close(self) -> None:
        self._db.close()

    def publication(self, path: str) -> tuple[int, int] | None:
        """(rank of the commit, position in it) of ``path``'s first addition, or None."""
        row = self._db.execute(
            "SELECT rank, position FROM added WHERE path = ?", (_stored(path),)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def commit(self, rank: int) -> Commit:
        row = self._db.execute("SELECT * FROM commits WHERE rank = ?", (rank,)).fetchone()
        if row is None:
            raise KeyError(rank)
        _, sha, parents, name, email, author_date, committer_date, subject = row
        return Commit(
            sha,
            tuple(parents.split()),
            _text(name),
            _text(email),
            author_date,
            committer_date,
            None,
            _text(subject),
        )

    def rank(self, sha: str) -> int:
        """The rank of commit ``sha`` if it published a path; -1 otherwise."""
        row = self._db.execute("SELECT rank FROM commits WHERE sha = ?", (sha,)).fetchone()
        return -1 if row is None else int(row[0])

    def publications(self, paths: Iterator[str]) -> dict[str, tuple[int, int]]:
        """``publication`` of each of ``paths`` that has one."""
        found = {}
        for path in paths:
            where = self.publication(path)
            if where is not None:
                found[path] = where
        return found


def _commit_row(rank: int, commit: Commit) -> tuple[object, ...]:
    return (
        rank,
        commit.sha,
        " ".join(commit.parents),
        _stored(commit.author_name),
        _stored(commit.author_email),
        commit.author_date,
        commit.committer_date,
        _stored(commit.subject),
    )


def _flush(
    db: sqlite3.Connection, commits: list[tuple[object, ...]], added: list[tuple[bytes, int, int]]
) -> None:
    db.executemany("INSERT OR REPLACE INTO commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)", commits)
    db.executemany("INSERT OR REPLACE INTO added VALUES (?, ?, ?)", added)
    commits.clear()
    added.clear()
