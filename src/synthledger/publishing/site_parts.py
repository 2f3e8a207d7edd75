"""The pieces of the site's aggregates, kept on disk while the papers are built.

index.html, timeline.html and exports/ list every paper. A build keeps only
each paper's small pieces of them (its index entry, its timeline events, its
piece of each export), in an SQLite file, and streams them back in order
when the aggregates are written: memory does not grow with the archive.
A shard of a split build leaves its part (``site.shard-K-of-N.sqlite``) in its
folder; merging the parts of all N shards gives the pieces of one build. Ids
and paths are stored as UTF-8 bytes (surrogate escapes for what is not
UTF-8), whose byte order is the code point order the papers are sorted in.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import orjson

from synthledger.deriving.shard import Shard
from synthledger.deriving.shard import find_parts as find_split_parts
from synthledger.errors import SynthledgerError
from synthledger.ledger.history import Commit
from synthledger.publishing.paper_files import PaperFiles

PART = re.compile(r"site\.shard-(\d+)-of-(\d+)\.sqlite")
# Every row names its paper, so that a rebuild of some papers replaces just theirs.
# The tables of rendered pieces (a kilobyte or more a row) keep rowids: a table without
# them stores each row inside its key's b-tree, which rows that large make slow to fill
# and twice the size (SQLite's own advice is rows under a twentieth of a page).
SCHEMA = """
CREATE TABLE build (tip TEXT);  -- the built commit, as JSON (null: none yet)
-- part: the page that lists it (listing.py); rests_on: the newest commit its pages rest on.
CREATE TABLE papers (id BLOB PRIMARY KEY, part TEXT NOT NULL, entry TEXT NOT NULL,
    rests_on TEXT NOT NULL, rank INTEGER NOT NULL);
CREATE INDEX papers_by_part ON papers (part, id);
CREATE TABLE options (paper BLOB, filter TEXT, value TEXT, PRIMARY KEY (paper, filter, value))
    WITHOUT ROWID;
CREATE INDEX options_by_filter ON options (filter, value);
CREATE TABLE events (rank INTEGER, path BLOB, paper BLOB, seq INTEGER, entry TEXT NOT NULL,
    month TEXT NOT NULL, commit_sha TEXT NOT NULL);
CREATE INDEX events_by_paper ON events (paper);
CREATE INDEX events_by_month ON events (month, rank, path, paper, seq);
CREATE TABLE exports (format TEXT, paper BLOB, piece BLOB NOT NULL, PRIMARY KEY (format, paper));
CREATE INDEX exports_by_paper ON exports (paper);
-- The policies the papers' pages link to, once each, and which papers do.
CREATE TABLE shared (path TEXT PRIMARY KEY, content BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE sharing (paper BLOB, path TEXT, PRIMARY KEY (paper, path)) WITHOUT ROWID;
"""
TABLES = ("papers", "options", "events", "exports", "shared", "sharing")
BY_PAPER = ("papers", "options", "events", "exports", "sharing")


def part_name(shard: Shard) -> str:
    return f"site.shard-{shard.number}-of-{shard.count}.sqlite"


def _key(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class Parts:
    """The pieces of one build (or of one shard), in the SQLite file ``path``."""

    def __init__(self, path: Path) -> None:
        """The pieces in ``path``, an existing file (see :meth:`create`)."""
        if not path.is_file():
            raise SynthledgerError(f"{path}: no such part of a site build")
        self.path = path
        # Derived data a rebuild gives again: no journal, no waiting for the disk.
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")

    @classmethod
    def create(cls, path: Path, tip: Commit | None) -> Parts:
        """A new, empty file of the pieces of a build of ``tip``, replacing any in ``path``."""
        path.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.executescript(SCHEMA)
            db.execute("INSERT INTO build VALUES (?)", (_tip_text(tip),))
            db.commit()
        return cls(path)

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def tip(self) -> Commit | None:
        """The commit the pieces were built at."""
        try:
            (tip,) = self.db.execute("SELECT tip FROM build").fetchone()
            fields = orjson.loads(tip)
            return (
                None if fields is None else Commit._make([fields[0], tuple(fields[1]), *fields[2:]])
            )
        except (sqlite3.DatabaseError, TypeError, ValueError) as exc:
            raise SynthledgerError(f"{self.path} is not a part of a site build: {exc}") from exc

    def add(self, paper: PaperFiles, part: str, rank: Callable[[str], int]) -> None:
        """``paper``'s pieces, listed in ``part``; ``rank`` places a commit on the
        first-parent line."""
        key = _key(paper.id)
        ranks = [rank(event.commit) for event in paper.events]
        self.db.execute(
            "INSERT INTO papers VALUES (?, ?, ?, ?, ?)",
            (key, part, paper.entry, paper.rests_on, rank(paper.rests_on)),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO options VALUES (?, ?, ?)",
            [(key, name, value) for name, value in paper.options],
        )
        self.db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (at, _key(event.path), key, seq, event.entry, event.month, event.commit)
                for seq, (event, at) in enumerate(zip(paper.events, ranks, strict=True))
            ],
        )
        self.db.executemany(
            "INSERT INTO exports VALUES (?, ?, ?)",
            [(name, key, piece) for name, piece in paper.exports.items()],
        )
        self.db.executemany("INSERT OR IGNORE INTO shared VALUES (?, ?)", paper.policies.items())
        self.db.executemany(
            "INSERT INTO sharing VALUES (?, ?)", [(key, path) for path in paper.policies]
        )

    def remove(self, papers: Iterable[str]) -> None:
        """Every piece of ``papers``: before they are built again, or when they are gone."""
        for paper in papers:
            key = _key(paper)
            for table in BY_PAPER:
                column = "id" if table == "papers" else "paper"
                self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))

    def move_to(self, tip: Commit | None) -> None:
        """Say the pieces are those of a build of ``tip`` (as some have been rebuilt)."""
        self.db.execute("UPDATE build SET tip = ?", (_tip_text(tip),))

    def absorb(self, part: Parts) -> None:
        """Take in the pieces of another shard's part, built at the same commit."""
        if part.tip() != self.tip():
            raise SynthledgerError(
                f"{part.path} was built at another commit than {self.path.name}: "
                "build every shard at one rev"
            )
        part.db.commit()
        self.db.execute("ATTACH DATABASE ? AS part", (str(part.path),))
        try:
            for table in TABLES:
                ignore = " OR IGNORE" if table == "shared" else ""
                self.db.execute(f"INSERT{ignore} INTO {table} SELECT * FROM part.{table}")
        except sqlite3.IntegrityError:
            raise SynthledgerError(
                f"{part.path}: a paper is in two parts: were the shards built with the same N?"
            ) from None
        finally:
            self.db.commit()
            self.db.execute("DETACH DATABASE part")
            self.db.execute("BEGIN")

    def count(self) -> int:
        (count,) = self.db.execute("SELECT count(*) FROM papers").fetchone()
        return int(count)

    def papers(self) -> Iterator[str]:
        for (key,) in self.db.execute("SELECT id FROM papers ORDER BY id"):
            yield bytes(key).decode("utf-8", "surrogateescape")

    def parts(self) -> list[tuple[str, int]]:
        """Each part that lists some paper, with the number it lists, in name order."""
        rows = self.db.execute("SELECT part, count(*) FROM papers GROUP BY part ORDER BY part")
        return [(str(part), int(count)) for part, count in rows]

    def entries(self, part: str) -> Iterator[str]:
        rows = self.db.execute("SELECT entry FROM papers WHERE part = ? ORDER BY id", (part,))
        for (entry,) in rows:
            yield str(entry)

    def rests_on(self, part: str) -> str | None:
        """The newest commit the pages of ``part``'s papers rest on."""
        row = self.db.execute(
            "SELECT rests_on FROM papers WHERE part = ? ORDER BY rank DESC, rests_on LIMIT 1",
            (part,),
        ).fetchone()
        return None if row is None else str(row[0])

    def options(self, name: str, part: str) -> set[str]:
        rows = self.db.execute(
            # CROSS JOIN keeps this order: the part's papers by index, then each one's rows.
            "SELECT DISTINCT value FROM papers CROSS JOIN options ON options.paper = papers.id "
            "WHERE part = ? AND filter = ?",
            (part, name),
        )
        return {str(value) for (value,) in rows}

    def months(self) -> list[tuple[str, int]]:
        """Each part of the timeline that lists some event, with the number it lists."""
        rows = self.db.execute("SELECT month, count(*) FROM events GROUP BY month ORDER BY month")
        return [(str(month), int(count)) for month, count in rows]

    def months_of(self, papers: Iterable[str]) -> set[str]:
        """The parts of the timeline that list an event of ``papers``."""
        found: set[str] = set()
        for paper in papers:
            rows = self.db.execute(
                "SELECT DISTINCT month FROM events WHERE paper = ?", (_key(paper),)
            )
            found.update(str(month) for (month,) in rows)
        return found

    def events(self, month: str) -> Iterator[str]:
        """The events of ``month``, in the order their commits entered the first-parent line."""
        rows = self.db.execute(
            "SELECT entry FROM events WHERE month = ? ORDER BY rank, path, paper, seq", (month,)
        )
        for (entry,) in rows:
            yield str(entry)

    def last_event(self, month: str) -> str | None:
        """The commit of ``month``'s last event."""
        row = self.db.execute(
            "SELECT commit_sha FROM events WHERE month = ? "
            "ORDER BY rank DESC, path DESC, paper DESC, seq DESC LIMIT 1",
            (month,),
        ).fetchone()
        return None if row is None else str(row[0])

    def pieces(self, name: str, part: str) -> Iterator[bytes]:
        rows = self.db.execute(
            # The part's papers by index, then each one's piece: not a scan of every piece.
            "SELECT piece FROM papers CROSS JOIN exports ON exports.paper = papers.id "
            "WHERE part = ? AND format = ? ORDER BY papers.id",
            (part, name),
        )
        for (piece,) in rows:
            yield bytes(piece)

    def shared(self) -> Iterator[tuple[str, bytes]]:
        """The policies some paper links to."""
        rows = self.db.execute(
            "SELECT path, content FROM shared WHERE path IN (SELECT path FROM sharing) "
            "ORDER BY path"
        )
        for path, content in rows:
            yield str(path), bytes(content)


def _tip_text(tip: Commit | None) -> str:
    return orjson.dumps(None if tip is None else list(tip)).decode()


def find_parts(out: Path) -> list[Path]:
    """The parts of one split site build in ``out``, each once: an error if any is missing."""
    return find_split_parts(out, PART, "split site build")
