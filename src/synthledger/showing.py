"""Text that is safe to show: paths are bytes until shown, and record text is data.

A path read from the file system or from git may hold bytes that are not
UTF-8 (Python keeps them as lone surrogates) and control characters; record
text may hold ESC sequences that a terminal would obey. Every reporter shows
paths and record text through here, so that a line of output is one line,
JSON output is valid UTF-8, and nothing reaches a terminal as a command.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, the bidirectional overrides and isolates (which
# reorder what a reader sees), and lone surrogates (undecodable bytes).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSHOWABLE_IN_PROSE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What a path may not hold (rule SL207): undecodable bytes and control characters.
_NOT_IN_PATH = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` as one line of valid UTF-8: controls, undecodable bytes and
    bidirectional overrides written as escapes (``\\n``, ``\\x1b``, ``\\xe9``)."""
    return _UNSHOWABLE.sub(_escape, text)


def shown_path(path: str) -> str:
    """How a path is shown in any output: see :func:`one_line`."""
    return one_line(path)


def prose(text: str) -> str:
    """Record text for a terminal: like :func:`one_line`, but line breaks and tabs stay."""
    return _UNSHOWABLE_IN_PROSE.sub(_escape, text)


def is_plain_path(path: str) -> bool:
    """Whether ``path`` is valid UTF-8 free of control characters, as every new path must be."""
    return _NOT_IN_PATH.search(path) is None


def valid_json_text(text: str) -> str:
    """JSON text (from ``json.dumps(ensure_ascii=False)``) as valid UTF-8: an
    undecodable byte of a path, kept as a lone surrogate, becomes the JSON
    escape ``\\udcXX``, which every JSON reader takes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
