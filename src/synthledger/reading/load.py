"""Safe YAML loading for archive records: plain data, with a line mark for every value.

The loader reads PyYAML's event stream (libyaml when it is installed) and builds
the values itself. Events show what a composed node graph hides: anchors,
aliases, tags, document boundaries and scalar style. Plain scalars are resolved
by the YAML 1.2 core schema, and every plain scalar that a YAML 1.1 tool would
read differently is reported, so that the record means the same thing to every
reader. A malformed file always comes back as located findings, never as an
exception. One pass reports every problem it can; it stops at the first syntax
error, second document or too-deep value.

Rules (all errors): SL001 not UTF-8, SL002 byte-order mark, SL003 empty file,
SL004 file too large, SL005 YAML syntax error, SL006 several documents, SL007
duplicate key, SL008 anchor, alias or merge key, SL009 explicit tag, SL010
nesting too deep, SL011 YAML 1.1 boolean (yes/no/on/off/y/n), SL012 unquoted
date, SL013 number that YAML 1.1 and 1.2 read differently, SL014 non-finite
number, SL015 top level not a mapping, SL016 key that is not text, SL017 file
cannot be read.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from pathlib import Path

from synthledger.findings import Finding
from synthledger.reading.document import (
    FILE_START,
    MAX_BYTES,
    MAX_DEPTH,
    Document,
    Loaded,
    Mark,
    failed_load,
    finding_at,
)
from synthledger.reading.events import Builder, clean_mapping

# --- reading -----------------------------------------------------------------


def load_file(
    file: Path, path: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Loaded:
    """Load the record at ``file``, shown as ``path``; reads at most ``max_bytes + 1`` bytes."""
    try:
        raw, size = _read_at_most(file, max_bytes + 1)
    except OSError as error:
        message = (
            f"cannot read the file ({_unreadable_reason(error)}): "
            "make it a readable regular file, or remove it"
        )
        return failed_load(path, "SL017", message)
    if size > max_bytes:
        return failed_load(path, "SL004", _too_large_message(size, max_bytes))
    return load_bytes(raw, path, max_bytes=max_bytes, max_depth=max_depth)


def _read_at_most(file: Path, limit: int) -> tuple[bytes, int]:
    """The first ``limit`` bytes of a regular file, and its size on disk.

    Opening without blocking and checking the type first keeps a FIFO or a
    device in the records tree from hanging the hook.
    """
    descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as handle:  # unbuffered: no read-ahead
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(0, "it is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "it is not a regular file")
        chunks: list[bytes] = []
        remaining = limit
        while remaining > 0 and (chunk := handle.read(remaining)):
            chunks.append(chunk)
            remaining -= len(chunk)
    raw = b"".join(chunks)
    return raw, max(info.st_size, len(raw))


def _unreadable_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "the file does not exist"
    if isinstance(error, IsADirectoryError):
        return "it is a directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or type(error).__name__


def _too_large_message(size: int, limit: int) -> str:
    return (
        f"file is {size} bytes, larger than the limit of {limit} bytes: "
        "shorten it or move bulk content into an artifact file"
    )


# --- decoding ----------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"

# What YAML accepts as printable (YAML 1.2, section 5.1); anything else is a
# syntax error that both parsers report, but without a usable position.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def load_bytes(
    raw: bytes,
    path: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    marks: bool = True,
) -> Loaded:
    """Load one record file's bytes; ``path`` is how findings name the file.

    With ``marks=False`` the document carries no line marks, and a clean file
    takes a lean path that is more than twice as fast: reading a whole archive
    for manifests needs the values, not where they stand. The lean path gives
    up at the first thing that is not plain, clean data, and the full reading
    then speaks, so the findings are the same either way.
    """
    if len(raw) > max_bytes:
        return failed_load(path, "SL004", _too_large_message(len(raw), max_bytes))
    findings: list[Finding] = []
    if raw.startswith(_BOM):
        message = (
            "file starts with a byte-order mark: remove the BOM; records are UTF-8 without BOM"
        )
        findings.append(finding_at(path, FILE_START, "SL002", message))
        raw = raw[len(_BOM) :]
    text = _decode(raw, path, findings)
    if text is None or not _printable(text, path, findings):
        return Loaded(None, tuple(findings))
    shallow = _before_deep_flow(text, max_depth)
    if shallow is not None:
        # Report the nesting ourselves, at the same place whatever libyaml's own
        # limit is: it scans ahead of the parser and stops at a depth of its own
        # choosing (1000 since PyYAML 6.0.4) before our check sees an event.
        cut = Builder(shallow, path, max_depth, list(findings))
        cut.run()
        if any(finding.rule == "SL010" for finding in cut.findings):
            return cut.result()
    if not marks and not findings:
        data = clean_mapping(text, max_depth)
        if data is not None:
            return Loaded(Document(path, data, {}, {}), ())
    builder = Builder(text, path, max_depth, findings)
    builder.run()
    loaded = builder.result()
    if marks or loaded.document is None:
        return loaded
    return Loaded(dataclasses.replace(loaded.document, marks={}, key_marks={}), loaded.findings)


_FLOW_BRACKET = re.compile(r"[\[\]{}]")


def _before_deep_flow(text: str, max_depth: int) -> str | None:
    """``text`` up to the first flow bracket that may open past ``max_depth``, else None.

    A cheap count over every bracket, quoted or not: it can only guess, so a
    caller reads the prefix first and falls back to the whole text when the
    prefix shows no nesting past the limit.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for found in _FLOW_BRACKET.finditer(text):
        if found.group() in "[{":
            depth += 1
            if depth > max_depth:
                return text[: found.end()]
        elif depth:
            depth -= 1
    return None


def _decode(raw: bytes, path: str, findings: list[Finding]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8")) + 1
        message = (
            f"file is not valid UTF-8 (byte 0x{raw[start]:02X} cannot be decoded): "
            "save the file as UTF-8"
        )
        findings.append(finding_at(path, Mark(line, column), "SL001", message))
        return None


def _printable(text: str, path: str, findings: list[Finding]) -> bool:
    found = _NON_PRINTABLE.search(text)
    if found is None:
        return True
    code = ord(found.group())
    message = (
        f"YAML syntax error: control character U+{code:04X} is not allowed: "
        f"delete it, or write it as the escape \\u{code:04x} inside double quotes"
    )
    findings.append(finding_at(path, _text_mark(text, found.start()), "SL005", message))
    return False


def _text_mark(text: str, index: int) -> Mark:
    """The 1-based line and column of character ``index``, counting lines as editors do."""
    line_start = text.rfind("\n", 0, index) + 1
    return Mark(text.count("\n", 0, index) + 1, index - line_start + 1)
