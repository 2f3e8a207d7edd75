"""Building a record's values from PyYAML's event stream: the full reader, with marks
and findings, and a lean one for clean files."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

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

from synthledger.findings import Finding
from synthledger.reading.document import FILE_START, Document, JsonPath, Loaded, Mark, finding_at
from synthledger.reading.scalars import (
    KEYWORDS,
    NUMBER_START,
    SHORT_WORD,
    ambiguity,
    resolve,
    show,
    show_tag,
)

# What libyaml says when it stops at its own nesting limit (PyYAML 6.0.4 and later).
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


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


new_parser = _parser_factory()


# --- the lean path: clean files, no marks ------------------------------------


def clean_mapping(text: str, max_depth: int) -> dict[str, Any] | None:
    """The top-level mapping of ``text`` when it is clean, plain data; else None.

    It builds what ``Builder`` builds, without marks or paths, and returns
    None wherever ``Builder`` would report anything: an anchor, alias or tag,
    a scalar readers disagree on, a key that is not text, explicit or
    repeated, nesting too deep, a second or no document, a syntax error.
    """
    stack: list[Any] = []
    keys: list[Any] = []  # per open mapping: the key waiting for its value
    root: Any = None
    documents = 0
    questions = "?" in text  # else no key can follow an explicit '?'
    try:
        source = new_parser(text)
        while True:
            event = source.get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None or not stack:
                    return None
                value: Any = event.value
                top = stack[-1]
                in_mapping = top.__class__ is dict
                as_key = in_mapping and keys[-1] is _NO_KEY
                if not event.style and (
                    len(value) <= SHORT_WORD or value[0] in NUMBER_START or value in KEYWORDS
                ):
                    text_value = value
                    value = _clean_plain(text_value)
                    if value is _UNCLEAN:
                        return None
                    if as_key and (text_value == "<<" or value.__class__ is not str):
                        return None
                if not as_key:
                    if in_mapping:
                        top[keys[-1]] = value
                        keys[-1] = _NO_KEY
                    else:
                        top.append(value)
                elif value in top or (questions and _explicit_key(text, event)):
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


_UNCLEAN: Any = object()  # a plain scalar that readers disagree on
_PLAIN_KNOWN = 4096  # plain scalars whose reading is remembered: ids, numbers, flags


@functools.lru_cache(maxsize=_PLAIN_KNOWN)
def _clean_plain(text: str) -> Any:
    """The value of a plain scalar that may be more than text, or _UNCLEAN where YAML
    1.1 and 1.2 readers disagree; remembered, since records repeat them (true, 0.99,
    the keys id and c1): a pure function of the text, and every value immutable."""
    value = resolve(text)
    return _UNCLEAN if text and ambiguity(text, value) is not None else value


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


class Builder:
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

    def run(self) -> None:
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
            self._report(FILE_START, "SL005", message)

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
        if plain and (len(text) <= SHORT_WORD or text[0] in NUMBER_START or text in KEYWORDS):
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
        self._report(mark, "SL008", f"alias {show('*' + str(event.anchor))}: {_PLAIN_DATA}")
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
                f"duplicate key {show(key)} (first defined on line {first}): remove one of them"
            )
            self._report(mark, "SL007", message)
        else:
            self.key_marks[path] = mark
        frame.key = key

    # Checks.

    def _plain(self, text: str, mark: Mark, as_key: bool) -> Any:
        """The value of a plain scalar that may be more than text, checked for ambiguity."""
        value = resolve(text)
        problem = ambiguity(text, value) if text else None
        if problem is not None:
            self._report(mark, *problem)
        elif as_key and text == "<<":
            self._report(mark, "SL008", f"merge key '<<': {_PLAIN_DATA}")
        elif as_key and not isinstance(value, str):
            self._report(mark, "SL016", _key_message(text, value))
        return value

    def _check_properties(self, event: ScalarEvent | CollectionStartEvent, mark: Mark) -> None:
        if event.anchor is not None:
            self._report(mark, "SL008", f"anchor {show('&' + event.anchor)}: {_PLAIN_DATA}")
        if event.tag is not None:
            message = (
                f"tag {show_tag(event.tag)} is not allowed: records are plain data: "
                "remove the tag (quote the value instead if it must stay text)"
            )
            self._report(mark, "SL009", message)

    def _syntax_error(self, error: yaml.MarkedYAMLError) -> None:
        where = error.problem_mark or error.context_mark
        mark = Mark(where.line + 1, where.column + 1) if where is not None else FILE_START
        if error.problem == LIBYAML_TOO_DEEP:
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
        self._report(FILE_START, "SL003", message)

    def _report(self, mark: Mark, rule: str, message: str) -> None:
        self.findings.append(finding_at(self.path, mark, rule, message))


def _mark(event: Event) -> Mark:
    start = event.start_mark
    return FILE_START if start is None else Mark(start.line + 1, start.column + 1)


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
    return f"key {show(text)} is read as {_kind(value)}: keys must be text: quote it: {show(text)}"
