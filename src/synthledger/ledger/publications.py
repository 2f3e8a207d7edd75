"""When each record was published, kept on disk: the history a full build needs, bounded.

A manifest needs, of history, only the commit that first added each of its
records (its publication commit, and so publication order). This index holds
exactly that, for every path under the records folder, and the files there at
one commit, in an SQLite database (the standard library's), filled from one
``git log`` and one ``git ls-tree`` read as git writes them: the walk is never
held whole.

:meth:`Publications.index` builds a private database, which SQLite keeps in
memory up to its cache size and spills to a temporary file (in TMPDIR) that it
deletes when closed: a small archive never touches the disk, a large one holds
the cache's worth. :meth:`Publications.kept` keeps one in a file between
builds (a cache folder) and brings it up to date by reading only the commits
since: a build after one new commit reads one commit of history. The answers
are those of :mod:`synthledger.ledger.history`, which the tests compare.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.files import locked, make_directory
from synthledger.layout import ArchiveFile, FileKind, classify
from synthledger.ledger.git import git, stream_fields, stream_tokens
from synthledger.ledger.history import Commit, iter_publishing

FORMAT = "1"  # of a kept index; another format is built again
_SCHEMA = """
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
-- Every file under the records folder at the commit indexed, with what its place makes it.
CREATE TABLE tree (path BLOB PRIMARY KEY, blob TEXT NOT NULL, paper BLOB, kind TEXT NOT NULL)
    WITHOUT ROWID;
"""
_PRAGMAS = (
    "PRAGMA cache_size = -32768",  # KiB: what it holds in memory before it spills
    "PRAGMA temp_store = FILE",  # its sorts spill too
)
_BATCH = 5000  # rows a write waits for: fewer round trips into SQLite
# The first addition is the oldest: of two, the smaller rank stays.
_ADD = (
    "INSERT INTO added VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE "
    "SET rank = excluded.rank, position = excluded.position WHERE excluded.rank < added.rank"
)


class TreeRow(NamedTuple):
    """A file at the commit indexed, and when it was first published (None if never)."""

    file: ArchiveFile
    blob: str
    publication: tuple[int, int] | None  # (rank of the commit, position in it)


class Publications:
    """The publication commit of every path under the records folder, and the files
    there, at one commit."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        commits: int,
        since: str | None = None,
        touched: frozenset[str] | None = None,
    ) -> None:
        self._db = connection
        self.commits = commits  # on the first-parent line of the commit indexed
        # For a kept index brought up to date: the commit it was at, and the papers whose
        # folders' files differ since. None when it was built whole.
        self.since = since
        self.touched = touched

    @classmethod
    def index(cls, config: ArchiveConfig, head: str) -> Publications:
        """The index of ``head``, read whole."""
        db = sqlite3.connect("", isolation_level=None)  # "": private, deleted when closed
        try:
            db.execute("PRAGMA journal_mode = OFF")  # nothing to recover: it is rebuilt
            return cls(db, _built(db, config, head))
        except sqlite3.Error as exc:
            db.close()
            raise _spill_error(exc) from exc
        except BaseException:
            db.close()
            raise

    @classmethod
    def kept(cls, config: ArchiveConfig, head: str, file: Path) -> Publications:
        """The index of ``head`` kept in ``file`` between builds.

        It is brought up to ``head`` by reading only the commits since the one it
        was at, when that one is on ``head``'s first-parent line, and built whole
        otherwise (and when it is absent, damaged, or of another format or layout).
        """
        make_directory(file.parent)
        # One writer at a time; readers see whole updates (WAL).
        with locked(file.with_name(file.name + ".lock")):
            try:
                return cls._brought_up(config, head, file)
            except sqlite3.DatabaseError:
                _remove(file)  # not a database, or damaged: a miss, built again
                return cls._brought_up(config, head, file)

    @classmethod
    def _brought_up(cls, config: ArchiveConfig, head: str, file: Path) -> Publications:
        db = sqlite3.connect(file, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            state = _state(db)
            old, layout = state.get("tip"), layout_key(config)
            if old is None or state.get("format") != FORMAT or state.get("layout") != layout:
                db.close()
                _remove(file)
                db = sqlite3.connect(file, isolation_level=None)
                db.execute("PRAGMA journal_mode = WAL")
                return cls(db, _built(db, config, head, layout))
            count = int(state["commits"])
            if old == head:
                return cls(db, count, old, frozenset())
            newer = _commits_since(config.root, head, old)
            if newer is None:  # rewritten, or another line: start again
                for table in ("state", "commits", "added", "tree"):
                    db.execute(f"DROP TABLE {table}")
                return cls(db, _built(db, config, head, layout))
            db.execute("BEGIN")
            _fill_log(db, config, head, old, count + newer)
            touched = _update_tree(db, config, old, head)
            _set_state(db, head, count + newer, layout)
            db.execute("COMMIT")
            return cls(db, count + newer, old, touched)
        except sqlite3.OperationalError as exc:  # a full disk, a file size limit
            db.close()
            raise _spill_error(exc) from exc
        except BaseException:  # a damaged file too: ``kept`` builds it again
            db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def tree(self, *, paper: bool) -> Iterator[TreeRow]:
        """The files of the papers (``paper``) or the others, by paper id (byte order: that
        of code points), each paper's in publication order, then by path."""
        where = "t.paper IS NOT NULL" if paper else "t.paper IS NULL"
        return self._rows(where, (), "t.paper, ")

    def tree_below(self, folder: str) -> Iterator[TreeRow]:
        """The files below ``folder``, in publication order, then by path: a range of the
        index, not a scan."""
        low, high = _stored(f"{folder}/"), _stored(f"{folder}0")  # "0" follows "/"
        return self._rows("t.path >= ? AND t.path < ?", (low, high), "")

    def _rows(self, where: str, parameters: tuple[bytes, ...], first: str) -> Iterator[TreeRow]:
        cursor = self._db.execute(
            "SELECT t.path, t.blob, t.paper, t.kind, a.rank, a.position FROM tree t "
            f"LEFT JOIN added a ON a.path = t.path WHERE {where} "
            f"ORDER BY {first}a.rank IS NULL, a.rank, a.position, t.path",
            parameters,
        )
        try:
            for path, blob, owner, kind, rank, position in cursor:
                owner_id = None if owner is None else _text(owner)
                file = ArchiveFile(_text(path), FileKind(kind), owner_id)
                yield TreeRow(file, blob, None if rank is None else (rank, position))
        except sqlite3.Error as exc:  # its sort may spill to disk
            raise _spill_error(exc) from exc

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


def _built(db: sqlite3.Connection, config: ArchiveConfig, head: str, layout: str = "") -> int:
    """Fill an empty ``db`` with the index of ``head``; the commits on its line."""
    for pragma in _PRAGMAS:
        db.execute(pragma)
    db.executescript(_SCHEMA)
    with ThreadPoolExecutor(1) as counter:  # git counts the line while the tree is read
        counting = counter.submit(_line_length, config.root, head)
        db.execute("BEGIN")
        _fill_tree(db, config, head)
        count = counting.result()
    _fill_log(db, config, head, None, count)
    _set_state(db, head, count, layout)
    db.execute("COMMIT")
    return count


def _fill_log(
    db: sqlite3.Connection, config: ArchiveConfig, head: str, stop: str | None, count: int
) -> None:
    """The publications of the commits of ``head``'s line down to ``stop`` (excluded);
    ``count`` commits are on the line."""
    commits: list[tuple[object, ...]] = []
    added: list[tuple[bytes, int, int]] = []
    for newest, commit, paths in iter_publishing(config.root, head, config.records_dir, stop=stop):
        rank = count - 1 - newest
        commits.append(_commit_row(rank, commit))
        added.extend((path, rank, position) for position, path in enumerate(paths))
        if len(added) >= _BATCH:
            _flush(db, commits, added)
    _flush(db, commits, added)


def _fill_tree(db: sqlite3.Connection, config: ArchiveConfig, head: str) -> None:
    """Every file under the records folder at ``head`` (one ``git ls-tree``)."""
    rows: list[tuple[bytes, str, bytes | None, str]] = []
    listing = stream_fields(config.root, "ls-tree", "-r", "-z", head, "--", config.records_dir)
    for line in listing:
        if not line:
            continue
        meta, _, path = line.partition(b"\t")
        _mode, kind, blob = meta.split(b" ")
        if kind == b"blob":
            rows.append(_tree_row(config, path, blob.decode("ascii")))
        if len(rows) >= _BATCH:
            db.executemany("INSERT INTO tree VALUES (?, ?, ?, ?)", rows)
            rows.clear()
    db.executemany("INSERT INTO tree VALUES (?, ?, ?, ?)", rows)


def _update_tree(
    db: sqlite3.Connection, config: ArchiveConfig, old: str, head: str
) -> frozenset[str]:
    """Bring the files from ``old``'s tree to ``head``'s; the papers whose files changed."""
    touched: set[str] = set()
    for path, new_blob in _changes(config, old, head):
        db.execute("DELETE FROM tree WHERE path = ?", (_stored(path),))
        if new_blob is not None:
            row = _tree_row(config, _stored(path), new_blob)
            db.execute("INSERT INTO tree VALUES (?, ?, ?, ?)", row)
        paper = classify(path, config).paper
        if paper is not None:
            touched.add(paper)
    return frozenset(touched)


def papers_changed(
    config: ArchiveConfig, old: str, old_count: int, head: str, head_count: int
) -> frozenset[str] | None:
    """The papers whose files differ between ``old`` and ``head``, when ``old`` is the
    ``old_count``-th commit of ``head``'s first-parent line (``head_count`` long); None
    when it is not there (rewritten, or another line)."""
    newer = head_count - old_count
    if newer < 0 or (newer == 0 and old != head):
        return None
    if newer > 0 and not _on_line(config.root, head, old, newer):
        return None
    return frozenset(
        paper
        for path, _ in _changes(config, old, head)
        if (paper := classify(path, config).paper) is not None
    )


def _changes(config: ArchiveConfig, old: str, head: str) -> Iterator[tuple[str, str | None]]:
    """Each path under the records folder whose file differs between ``old`` and ``head``,
    with its blob at ``head`` (None: none there, or not a file)."""
    # git diff of two commits, not diff-tree, which reads the whole index first; and
    # --relative, so that an archive in a subfolder sees its own paths, as ls-tree does.
    fields = stream_tokens(
        config.root,
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        "--relative",
        "--ignore-submodules=none",
        old,
        head,
        "--",
        config.records_dir,
    )
    for meta in fields:
        if not meta.startswith(":"):
            continue
        path = next(fields)
        _old_mode, new_mode, _old_blob, new_blob, status = meta[1:].split(" ")
        # A file (not a gitlink or a deletion): what ls-tree -r would list as a blob.
        yield path, new_blob if status != "D" and not new_mode.startswith("160") else None


def _tree_row(
    config: ArchiveConfig, path: bytes, blob: str
) -> tuple[bytes, str, bytes | None, str]:
    """The row of the file at ``path`` (as git wrote it)."""
    file = classify(_text(path), config)
    paper = None if file.paper is None else _stored(file.paper)
    return (path, blob, paper, file.kind.value)


def _line_length(repo_dir: Path, head: str) -> int:
    return int(
        git(repo_dir, "rev-list", "--first-parent", "--count", head, narrow=True).strip() or 0
    )


def _commits_since(repo_dir: Path, head: str, old: str) -> int | None:
    """How many commits ``head``'s first-parent line has after ``old``; None when
    ``old`` is not on that line. Counting only those (not the whole line, which the
    kept index already counted up to ``old``) is what keeps a rebuild after one new
    commit cheap: a walk of 200,000 commits costs 1.6 s."""
    counted = git(repo_dir, "rev-list", "--first-parent", "--count", head, f"^{old}", narrow=True)
    newer = int(counted.strip() or 0)
    return newer if newer > 0 and _on_line(repo_dir, head, old, newer) else None


def _on_line(repo_dir: Path, head: str, old: str, newer: int) -> bool:
    """Whether ``old`` is ``newer`` commits down ``head``'s first-parent line."""
    found = git(
        repo_dir, "rev-list", "--first-parent", f"--skip={newer}", "-n", "1", head, narrow=True
    )
    return found.strip() == old


def _state(db: sqlite3.Connection) -> dict[str, str]:
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'state'").fetchone()
    if exists is None:
        return {}
    return dict(db.execute("SELECT key, value FROM state").fetchall())


def _set_state(db: sqlite3.Connection, head: str, count: int, layout: str) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO state VALUES (?, ?)",
        [("tip", head), ("commits", str(count)), ("layout", layout), ("format", FORMAT)],
    )


def layout_key(config: ArchiveConfig) -> str:
    """What classifying a path depends on: an index kept for another layout is rebuilt."""
    return f"{config.records_dir}\0{config.schemas_dir}\0{config.paper_folders}"


def _remove(file: Path) -> None:
    for name in (file.name, f"{file.name}-wal", f"{file.name}-shm"):
        with contextlib.suppress(FileNotFoundError):
            file.with_name(name).unlink()


def _spill_error(exc: sqlite3.Error) -> SynthledgerError:
    return SynthledgerError(
        f"cannot keep the index of history on disk ({exc}): free space in the temporary "
        "folder (TMPDIR names it) or the cache folder, or raise the file size limit"
    )


def _stored(text: str) -> bytes:
    """Text as SQLite keeps it here: bytes, so that a path git reports that is not
    UTF-8 (SL207) round-trips, and byte order is the order of code points."""
    return text.encode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


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
    db.executemany(_ADD, added)
    commits.clear()
    added.clear()
