"""Every manifest, one per line (JSON Lines), sorted by paper id: the bulk download.

A line holds the same document as ``synthledger manifest`` writes for that
paper, with sorted keys and no indentation, so that a line-oriented tool
(``jq -c``, ``grep``, a database loader) reads one paper per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from synthledger.publishing.exports.core import Paper, Source

SUFFIX = ".jsonl"


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (piece(paper, source) for paper in source.papers()))


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the export: its manifest's line."""
    return line(paper.manifest)


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The export from its papers' pieces, in id order."""
    return iter(pieces)


def line(document: Mapping[str, Any]) -> bytes:
    """One compact JSON line, keys sorted; the standard library takes what orjson refuses."""
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")
