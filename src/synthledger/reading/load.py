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
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from synthledger.findings import Finding, Severity

MAX_BYTES = 1_048_576
MAX_DEPTH = 32

JsonPath = tuple[str | int, ...]


class Mark(NamedTuple):
    """A 1-based position in a record file."""

    line: int
    column: int


_FILE_START = Mark(1, 1)


@dataclass(frozen=True, slots=True)
class Document:
    """A record file's top-level mapping, with where each value and key starts."""

    path: str
    data: dict[str, Any]
    marks: Mapping[JsonPath, Mark]
    key_marks: Mapping[JsonPath, Mark]

    def locate(self, json_path: Iterable[str | int]) -> Mark:
        """Where the value at ``json_path`` starts, or its nearest recorded ancestor."""
        path = tuple(json_path)
        while path:
            mark = self.marks.get(path)
            if mark is not None:
                return mark
            path = path[:-1]
        return self.marks.get((), _FILE_START)

    def locate_key(self, json_path: Iterable[str | int]) -> Mark:
        """Where the key of the entry at ``json_path`` starts (for "unknown key" errors)."""
        path = tuple(json_path)
        mark = self.key_marks.get(path)
        return mark if mark is not None else self.locate(path)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What loading one file gives: a document only when there was no error."""

    document: Document | None
    findings: tuple[Finding, ...]


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
        return _failed(path, "SL017", message)
    if size > max_bytes:
        return _failed(path, "SL004", _too_large_message(size, max_bytes))
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
        return _failed(path, "SL004", _too_large_message(len(raw), max_bytes))
    findings: list[Finding] = []
    if raw.startswith(_BOM):
        message = (
            "file starts with a byte-order mark: remove the BOM; records are UTF-8 without BOM"
        )
        findings.append(_error(path, _FILE_START, "SL002", message))
        raw = raw[len(_BOM) :]
    text = _decode(raw, path, findings)
    if text is None or not _printable(text, path, findings):
        return Loaded(None, tuple(findings))
    shallow = _before_deep_flow(text, max_depth)
    if shallow is not None:
        # Report the nesting ourselves, at the same place whatever libyaml's own
        # limit is: it scans ahead of the parser and stops at a depth of its own
        # choosing (1000 since PyYAML 6.0.4) before our check sees an event.
        cut = _Builder(shallow, path, max_depth, list(findings))
        cut.run(_new_parser)
        if any(finding.rule == "SL010" for finding in cut.findings):
            return cut.result()
    if not marks and not findings:
        data = _clean_mapping(text, max_depth)
        if data is not None:
            return Loaded(Document(path, data, {}, {}), ())
    builder = _Builder(text, path, max_depth, findings)
    builder.run(_new_parser)
    loaded = builder.result()
    if marks or loaded.document is None:
        return loaded
    return Loaded(dataclasses.replace(loaded.document, marks={}, key_marks={}), loaded.findings)


# What libyaml says when it stops at its own nesting limit (PyYAML 6.0.4 and later).
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
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
        findings.append(_error(path, Mark(line, column), "SL001", message))
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
    findings.append(_error(path, _text_mark(text, found.start()), "SL005", message))
    return False


def _text_mark(text: str, index: int) -> Mark:
    """The 1-based line and column of character ``index``, counting lines as editors do."""
    line_start = text.rfind("\n", 0, index) + 1
    return Mark(text.count("\n", 0, index) + 1, index - line_start + 1)


# --- parsing -----------------------------------------------------------------


class _EventSource(Protocol):
    def get_event(self) -> Any: ...


class _PureParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python parser, for installs without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


def _parser_factory() -> Callable[[str], _EventSource]:
    if yaml.__with_libyaml__:
        from yaml._yaml import CParser  # what yaml.cyaml re-exports

        return CParser
    return _PureParser


_new_parser = _parser_factory()


# --- plain scalars -----------------------------------------------------------

# YAML 1.2 core schema.
_KEYWORDS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

# A plain scalar that YAML 1.1 or 1.2 reads as anything but text either starts
# like a number or is a short word (null, true, yes, off, <<, ...); all other
# text skips the regular expressions.
_NUMBER_START = frozenset("0123456789+-.")
_SHORT_WORD = 3  # the longest YAML 1.1 boolean: yes, off

# What YAML 1.1 tools (PyYAML, many others) read differently.
_YAML11_BOOLS = frozenset({"y", "n", "yes", "no", "on", "off"})
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|nan)", re.IGNORECASE)
_TIMESTAMP = re.compile(
    r"""[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?""",
    re.VERBOSE,
)
_SEXAGESIMAL = re.compile(
    r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
)
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*(?:[eE][-+][0-9]+)?)?")
_TRAILING_ZERO = re.compile(r"[-+]?[0-9]*\.[0-9]+0(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
# Floats as YAML 1.1 writes them: a dot, and a sign in the exponent.
_YAML11_FLOAT = re.compile(
    r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
)
_FIX_NUMBER = "quote it if it is a label or version, or write it as"


def _resolve(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar.

    A decimal integer too long for Python to convert stays text; the
    ambiguity check reports it.
    """
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:
            return text
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _ambiguity(text: str, value: Any) -> tuple[str, str] | None:
    """The rule and message for a plain scalar that readers would disagree on."""
    if isinstance(value, str):
        return _text_ambiguity(text)
    if isinstance(value, float):
        return _float_ambiguity(text, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_ambiguity(text, value)
    return None


def _text_ambiguity(text: str) -> tuple[str, str] | None:
    if text.lower() in _YAML11_BOOLS:
        shown = _show(text)
        return "SL011", (
            f"{shown} is a boolean in YAML 1.1 but text in YAML 1.2: "
            f"quote it ({shown}) or write true/false"
        )
    if text[0] not in _NUMBER_START:
        return None
    shown = _show(text)
    if _NON_FINITE.fullmatch(text):
        return "SL014", _non_finite_message(text)
    if _TIMESTAMP.fullmatch(text):
        return "SL012", (
            f"unquoted date {shown}: YAML 1.1 tools turn it into a date object: quote it: {shown}"
        )
    if _SEXAGESIMAL.fullmatch(text):
        number = _number_text(_base60(text))
        return "SL013", (
            f"{shown} is read as the base-60 number {number} by YAML 1.1 tools "
            f"and as text by YAML 1.2: {_FIX_NUMBER} {number}"
        )
    if "_" in text and _UNDERSCORED.fullmatch(text):
        cleaned = text.replace("_", "")
        number = _number_text(float(cleaned) if "." in cleaned else int(cleaned))
        return "SL013", (
            f"{shown} is read as the number {number} by YAML 1.1 tools "
            f"and as text by YAML 1.2: {_FIX_NUMBER} {number}"
        )
    if _INT.fullmatch(text):
        return "SL013", (
            f"number {_show(text[:20] + '...')} has {len(text.lstrip('+-'))} digits, "
            "too many to read: quote it if it is a label or identifier, or shorten it"
        )
    return None


def _float_ambiguity(text: str, value: float) -> tuple[str, str] | None:
    if not math.isfinite(value):
        return "SL014", _non_finite_message(text)
    number = _float_text(value)
    if _TRAILING_ZERO.fullmatch(text):
        return "SL013", (
            f"{_show(text)} is read as the number {number}, losing the trailing zero: "
            f"{_FIX_NUMBER} {number}"
        )
    if not _YAML11_FLOAT.fullmatch(text):  # 1e5, 1.5e5, +.5
        return "SL013", _read_as_text_message(text, number)
    return None


def _int_ambiguity(text: str, value: int) -> tuple[str, str] | None:
    if _OCTAL.fullmatch(text):  # 0o17
        return "SL013", _read_as_text_message(text, repr(value))
    if not _LEADING_ZERO.fullmatch(text):
        return None
    digits = text.lstrip("+-")
    if not set(digits) <= set("01234567"):  # 09
        return "SL013", _read_as_text_message(text, repr(value))
    legacy = -int(digits, 8) if text[0] == "-" else int(digits, 8)
    return "SL013", (
        f"{_show(text)} is read as octal {legacy} by YAML 1.1 tools and as {value} by YAML 1.2: "
        f"{_FIX_NUMBER} {value}"
    )


def _read_as_text_message(text: str, number: str) -> str:
    return (
        f"{_show(text)} is read as text by YAML 1.1 tools and as the number {number} "
        f"by YAML 1.2: {_FIX_NUMBER} {number}"
    )


def _number_text(value: int | float) -> str:
    return _float_text(value) if isinstance(value, float) else repr(value)


def _float_text(value: float) -> str:
    """``value`` written so that YAML 1.1 and 1.2 both read this float: 1.0e+20, not 1e+20."""
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def _non_finite_message(text: str) -> str:
    shown = _show(text)
    return (
        f"{shown} is not a finite number and has no JSON form: "
        f"write a finite number, or quote it ({shown}) if it is text"
    )


def _base60(text: str) -> int | float:
    """The value YAML 1.1 gives a sexagesimal scalar such as ``1:30`` (90)."""
    number: int | float = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        number = number * 60 + (float(part) if "." in part else int(part))
    return -number if text[0] == "-" else number


def _show(text: str) -> str:
    """``text`` quoted as YAML would quote it, shortened and on one line."""
    if len(text) > 60:
        text = text[:57] + "..."
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return "'" + text.replace("'", "''") + "'"


def _show_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!str`` rather than its full URI."""
    prefix = "tag:yaml.org,2002:"
    return _show("!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag)


# --- the lean path: clean files, no marks ------------------------------------


def _clean_mapping(text: str, max_depth: int) -> dict[str, Any] | None:
    """The top-level mapping of ``text`` when it is clean, plain data; else None.

    It builds what ``_Builder`` builds, without marks or paths, and returns
    None wherever ``_Builder`` would report anything: an anchor, alias or tag,
    a scalar readers disagree on, a key that is not text, explicit or
    repeated, nesting too deep, a second or no document, a syntax error.
    """
    stack: list[Any] = []
    keys: list[Any] = []  # per open mapping: the key waiting for its value
    root: Any = None
    documents = 0
    try:
        source = _new_parser(text)
        while True:
            event = source.get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None or not stack:
                    return None
                value: Any = event.value
                top = stack[-1]
                as_key = top.__class__ is dict and keys[-1] is _NO_KEY
                if not event.style and (
                    len(value) <= _SHORT_WORD or value[0] in _NUMBER_START or value in _KEYWORDS
                ):
                    text_value = value
                    value = _resolve(text_value)
                    if text_value and _ambiguity(text_value, value) is not None:
                        return None
                    if as_key and (text_value == "<<" or not isinstance(value, str)):
                        return None
                if not as_key:
                    if top.__class__ is dict:
                        top[keys[-1]] = value
                        keys[-1] = _NO_KEY
                    else:
                        top.append(value)
                elif value in top or _explicit_key(text, event):
                    return None
                else:
                    keys[-1] = value
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(stack) == max_depth:
                    return None
                container: Any = {} if kind is MappingStartEvent else []
                if not stack:
                    root = container
                elif stack[-1].__class__ is dict:
                    if keys[-1] is _NO_KEY:
                        return None  # a collection as a key
                    stack[-1][keys[-1]] = container
                    keys[-1] = _NO_KEY
                else:
                    stack[-1].append(container)
                stack.append(container)
                keys.append(_NO_KEY)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                keys.pop()
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None
            elif kind is AliasEvent:
                return None
            elif event is None or kind is StreamEndEvent:
                break
    except yaml.YAMLError:
        return None
    return root if documents == 1 and root.__class__ is dict else None


def _explicit_key(text: str, event: ScalarEvent) -> bool:
    """Whether the key follows a '?' indicator on its line, as in ``? name``."""
    start = event.start_mark
    if start is None or start.column == 0:
        return False
    line_start = start.index - start.column
    if text.find("?", line_start, start.index) == -1:  # cheap test first
        return False
    return text[line_start : start.index].rstrip().endswith("?")


# --- building values from events ---------------------------------------------

_NO_KEY: Any = object()  # a mapping frame waiting for its next key

_PLAIN_DATA = "records are plain data: write the value out in full"


class _Frame:
    """A mapping or sequence being filled, and where it sits in the document."""

    __slots__ = ("container", "key", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: JsonPath) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY


class _Builder:
    """Turns one file's event stream into plain values, marks and findings."""

    def __init__(self, text: str, path: str, max_depth: int, findings: list[Finding]) -> None:
        self.text = text
        self.path = path
        self.max_depth = max_depth
        self.findings = findings
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.marks: dict[JsonPath, Mark] = {}
        self.key_marks: dict[JsonPath, Mark] = {}
        self.documents = 0
        self.handlers: dict[type[Event], Callable[[Any], bool]] = {
            ScalarEvent: self._on_scalar,
            MappingStartEvent: self._on_collection_start,
            SequenceStartEvent: self._on_collection_start,
            MappingEndEvent: self._on_collection_end,
            SequenceEndEvent: self._on_collection_end,
            AliasEvent: self._on_alias,
            DocumentStartEvent: self._on_document_start,
            StreamEndEvent: self._on_stream_end,
        }

    def run(self, new_parser: Callable[[str], _EventSource]) -> None:
        """Consume events until the stream ends, a second document starts or YAML breaks."""
        handlers = self.handlers
        try:
            source = new_parser(self.text)
            while True:
                event = source.get_event()
                if event.__class__ is ScalarEvent:  # most events: skip the lookup
                    self._on_scalar(event)
                    continue
                if event is None:
                    return
                handler = handlers.get(type(event))
                if handler is not None and handler(event):
                    return
        except yaml.MarkedYAMLError as error:
            self._syntax_error(error)
        except yaml.YAMLError as error:
            message = f"YAML syntax error: {error}: fix the YAML at this point"
            self._report(_FILE_START, "SL005", message)

    def result(self) -> Loaded:
        findings = tuple(self.findings)
        if findings or not isinstance(self.root, dict):
            return Loaded(None, findings)
        return Loaded(Document(self.path, self.root, self.marks, self.key_marks), findings)

    # Event handlers return True to stop reading.

    def _on_document_start(self, event: DocumentStartEvent) -> bool:
        self.documents += 1
        if self.documents == 1:
            return False
        message = (
            "a second YAML document starts here: a record file holds exactly one document; "
            "remove it or move it to a file of its own"
        )
        self._report(_mark(event), "SL006", message)
        return True

    def _on_stream_end(self, event: StreamEndEvent) -> bool:
        if self.documents == 0:
            self._report_empty()
        return True

    def _on_scalar(self, event: ScalarEvent) -> bool:
        mark = _mark(event)
        if event.anchor is not None or event.tag is not None:
            self._check_properties(event, mark)
        frame = self.stack[-1] if self.stack else None
        as_key = frame is not None and frame.key is _NO_KEY and isinstance(frame.container, dict)
        # Quoted, block and tagged scalars are text as written, and so is most plain
        # text: only what might be null, a boolean or a number is looked at closely.
        text = event.value
        value: Any = text
        plain = not event.style and event.tag is None
        if plain and (len(text) <= _SHORT_WORD or text[0] in _NUMBER_START or text in _KEYWORDS):
            value = self._plain(text, mark, as_key)
        if frame is None:
            self._set_root_scalar(event, value, mark)
        elif not as_key:
            self._add_value(frame, value, mark)
        elif isinstance(value, str):
            if _explicit_key(self.text, event):
                message = "explicit key ('? '): keys must be text: write the entry as 'name: value'"
                self._report(mark, "SL016", message)
            self._add_key(frame, value, mark)
        else:  # reported by _plain; its text stands in for it
            self._add_key(frame, text, mark)
        return False

    def _on_alias(self, event: AliasEvent) -> bool:
        mark = _mark(event)
        self._report(mark, "SL008", f"alias {_show('*' + str(event.anchor))}: {_PLAIN_DATA}")
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            self._set_root(None, mark)
        elif frame.key is _NO_KEY and isinstance(frame.container, dict):
            self._add_key(frame, f"*{event.anchor}", mark)
        else:
            self._add_value(frame, None, mark)
        return False

    def _on_collection_start(self, event: CollectionStartEvent) -> bool:
        mark = _mark(event)
        self._check_properties(event, mark)
        if len(self.stack) == self.max_depth:
            self._report(mark, "SL010", self._too_deep_message())
            # Stop here: both parsers slow down quadratically with flow nesting, so
            # reading on through a file of a million '[' would take minutes.
            return True
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            self._set_root(container, mark)
            self.stack.append(_Frame(container, ()))
        elif frame.key is _NO_KEY and isinstance(frame.container, dict):
            kind = "mapping" if isinstance(container, dict) else "sequence"
            message = f"a {kind} used as a key: keys must be text: write a plain name before ':'"
            self._report(mark, "SL016", message)
            # Its entries fill a throwaway frame; a made-up name stands in for the key.
            stand_in = f"?{mark.line}:{mark.column}"
            self._add_key(frame, stand_in, mark)
            self.stack.append(_Frame(container, (*frame.path, stand_in)))
        else:
            path = self._add_value(frame, container, mark)
            self.stack.append(_Frame(container, path))
        return False

    def _on_collection_end(self, event: Event) -> bool:
        self.stack.pop()
        return False

    # Placing values.

    def _set_root(self, value: Any, mark: Mark) -> None:
        self.root = value
        self.marks[()] = mark
        if not isinstance(value, dict):
            message = (
                f"top level is {_kind(value)}, not a mapping: "
                "a record is a mapping of fields (key: value lines)"
            )
            self._report(mark, "SL015", message)

    def _set_root_scalar(self, event: ScalarEvent, value: Any, mark: Mark) -> None:
        if event.value == "" and not event.style and event.tag is None:
            self.root = None
            self._report_empty()
        else:
            self._set_root(value, mark)

    def _add_value(self, frame: _Frame, value: Any, mark: Mark) -> JsonPath:
        container = frame.container
        if isinstance(container, dict):
            path = (*frame.path, frame.key)
            container[frame.key] = value
            frame.key = _NO_KEY
        else:
            path = (*frame.path, len(container))
            container.append(value)
        self.marks[path] = mark
        return path

    def _add_key(self, frame: _Frame, key: str, mark: Mark) -> None:
        path = (*frame.path, key)
        if key in frame.container:
            first = self.key_marks[path].line
            message = (
                f"duplicate key {_show(key)} (first defined on line {first}): remove one of them"
            )
            self._report(mark, "SL007", message)
        else:
            self.key_marks[path] = mark
        frame.key = key

    # Checks.

    def _plain(self, text: str, mark: Mark, as_key: bool) -> Any:
        """The value of a plain scalar that may be more than text, checked for ambiguity."""
        value = _resolve(text)
        problem = _ambiguity(text, value) if text else None
        if problem is not None:
            self._report(mark, *problem)
        elif as_key and text == "<<":
            self._report(mark, "SL008", f"merge key '<<': {_PLAIN_DATA}")
        elif as_key and not isinstance(value, str):
            self._report(mark, "SL016", _key_message(text, value))
        return value

    def _check_properties(self, event: ScalarEvent | CollectionStartEvent, mark: Mark) -> None:
        if event.anchor is not None:
            self._report(mark, "SL008", f"anchor {_show('&' + event.anchor)}: {_PLAIN_DATA}")
        if event.tag is not None:
            message = (
                f"tag {_show_tag(event.tag)} is not allowed: records are plain data: "
                "remove the tag (quote the value instead if it must stay text)"
            )
            self._report(mark, "SL009", message)

    def _syntax_error(self, error: yaml.MarkedYAMLError) -> None:
        where = error.problem_mark or error.context_mark
        mark = Mark(where.line + 1, where.column + 1) if where is not None else _FILE_START
        if error.problem == _LIBYAML_TOO_DEEP:
            self._report(mark, "SL010", self._too_deep_message())
            return
        context = ""
        if error.context and error.context_mark is not None:
            at = error.context_mark
            context = f" ({error.context} at line {at.line + 1}, column {at.column + 1})"
        message = (
            f"YAML syntax error: {error.problem or error.context}{context}: "
            "fix the YAML at this point (check indentation, and quote text that "
            "contains ': ' or starts with a special character)"
        )
        self._report(mark, "SL005", message)

    def _too_deep_message(self) -> str:
        limit = self.max_depth
        return f"value nested deeper than the limit of {limit} levels: flatten the structure"

    def _report_empty(self) -> None:
        message = (
            "file has no YAML content (it is empty or only comments): "
            "write the record as a mapping of fields"
        )
        self._report(_FILE_START, "SL003", message)

    def _report(self, mark: Mark, rule: str, message: str) -> None:
        self.findings.append(_error(self.path, mark, rule, message))


def _mark(event: Event) -> Mark:
    start = event.start_mark
    return _FILE_START if start is None else Mark(start.line + 1, start.column + 1)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a sequence"
    return "text" if isinstance(value, str) else "a mapping"


def _key_message(text: str, value: Any) -> str:
    if not text:
        return "empty key: keys must be text: write a name before ':'"
    return (
        f"key {_show(text)} is read as {_kind(value)}: keys must be text: quote it: {_show(text)}"
    )


def _error(path: str, mark: Mark, rule: str, message: str) -> Finding:
    return Finding(path, mark.line, mark.column, rule, Severity.ERROR, message)


def _failed(path: str, rule: str, message: str) -> Loaded:
    return Loaded(None, (_error(path, _FILE_START, rule, message),))
