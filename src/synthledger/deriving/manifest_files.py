"""Manifests as files: the one serialisation, the index of papers, and writing them out.

The same manifest always gives the same bytes: sorted keys, two-space indent,
UTF-8, a final newline. Files are replaced whole, never half-written, and an
unchanged file is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from synthledger.files import make_directory, write_atomic


def index_entry(paper: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """What the index says of one paper: enough to list and filter papers."""
    return {
        "id": paper,
        "title": manifest["title"],
        "status": manifest["status"],
        "tier": manifest["tier"]["name"] if manifest["tier"] else None,
        "gate": manifest["gate"]["status"] if manifest["gate"] else None,
        "dimensions": {k: v["level"] for k, v in manifest["dimensions"].items()},
        "correction_count": manifest["correction_count"],
        "published": manifest["published"]["date"],
        "manifest": f"{paper}.json",
    }


def index_of(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"contract": INDEX_CONTRACT, "papers": sorted(entries, key=lambda e: e["id"])}


INDEX_CONTRACT = "paper-index-v1"


def index_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The bytes of ``dumps_bytes(index_of(rows))``, a row at a time, for rows that come
    in id order (a full build's): the index is never held whole."""
    yield b'{\n  "contract": "%s",\n  "papers": [' % INDEX_CONTRACT.encode()
    previous: str | None = None
    for row in rows:
        if previous is not None and not previous < row["id"]:
            raise ValueError(f"index rows out of order: {row['id']!r} after {previous!r}")
        lines = dumps_bytes(row).rstrip(b"\n").split(b"\n")  # JSON strings hold no newline
        yield (b"\n" if previous is None else b",\n") + b"\n".join(b"    " + line for line in lines)
        previous = row["id"]
    yield b"]\n}\n" if previous is None else b"\n  ]\n}\n"


def write_manifests(
    manifests: Iterable[tuple[str, dict[str, Any]]],
    out: Path,
    *,
    index: bool = True,
    on_written: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """One ``<id>.json`` per paper in ``out``, and ``index.json`` unless ``index`` is False.

    Manifests must come in id order. ``on_written`` hears of each paper's index
    row. Returns the number of manifests written.
    """
    count = 0
    make_directory(out)

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in written_rows(manifests, out):
            count += 1
            if on_written is not None:
                on_written(row)
            yield row

    if index:
        write_atomic(out / "index.json", index_chunks(counted()), durable=False)
    else:
        for _ in counted():
            pass
    return count


def written_rows(
    manifests: Iterable[tuple[str, dict[str, Any]]], out: Path
) -> Iterator[dict[str, Any]]:
    """Write each manifest into ``out`` as it comes, and give its row of the index; each
    is then let go, so memory does not grow with the archive."""
    make_directory(out)
    for paper, manifest in manifests:
        write_if_changed(out / f"{paper}.json", dumps_bytes(manifest))
        yield index_entry(paper, manifest)


def write_if_changed(file: Path, content: bytes) -> None:
    """Write ``content`` to ``file`` unless it already holds exactly that.

    Manifests are deterministic, so a second build mostly finds them written:
    reading and comparing costs a fifth of rewriting, and an unchanged file
    keeps its modification time for the tools that sync or serve it. A new
    content replaces the old at once: never a half-written manifest. No fsync:
    a rebuild gives the same bytes, and waiting for the disk 100,000 times
    would cost minutes.
    """
    try:
        if file.read_bytes() == content:
            return
    except OSError:
        pass  # absent or unreadable: write it
    write_atomic(file, content, durable=False)


def dumps(document: dict[str, Any]) -> str:
    """The one serialisation of a manifest: sorted keys, UTF-8 text, a final newline."""
    return dumps_bytes(document).decode("utf-8")


def dumps_bytes(document: object) -> bytes:
    """``dumps`` as UTF-8 bytes, for any JSON value (the exports write theirs so too).

    orjson writes the same bytes as the standard library's indenting encoder,
    which is pure Python and a tenth as fast; the standard library takes what
    orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(
            document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
        )
    except orjson.JSONEncodeError:
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        return text.encode("utf-8")
