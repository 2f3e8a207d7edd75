from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from synthledger.findings import Severity
from synthledger.reading import events
from synthledger.reading.document import MAX_BYTES, MAX_DEPTH, Document, Loaded, Mark
from synthledger.reading.load import load_bytes, load_file

FIX_NUMBER = "quote it if it is a label or version, or write it as"
PLAIN_DATA = "records are plain data: write the value out in full"
TAG_FIX = "records are plain data: remove the tag (quote the value instead if it must stay text)"
SYNTAX_FIX = (
    "fix the YAML at this point (check indentation, and quote text that "
    "contains ': ' or starts with a special character)"
)
EMPTY = (
    "file has no YAML content (it is empty or only comments): "
    "write the record as a mapping of fields"
)
NOT_A_MAPPING = "not a mapping: a record is a mapping of fields (key: value lines)"
EXPLICIT_KEY = "explicit key ('? '): keys must be text: write the entry as 'name: value'"

RECORD = """\
# yaml-language-server: $schema=../../schemas/synthesis-v1.json
contract: synthesis-v1
title: Inference Optimization Trade-offs  # a trailing comment
published: '2026-05-30'
review:
  score: 7.5
  reviewers: 7
public: true
withdrawn: null
notes: ~
claims:
  - id: c1
    text: "Ensembles: more accurate, less private."
    verified: false
    confidence: 0.05
    references: [r1, r2]
  - id: c2
    confidence: 1.0
abstract: >-
  folded
  text
"""


def only(
    raw: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> tuple[str, int, int, str]:
    """The single finding for ``raw``, as (rule, line, column, message)."""
    data = raw.encode() if isinstance(raw, str) else raw
    loaded = load_bytes(data, "r.yaml", max_bytes=max_bytes, max_depth=max_depth)
    assert loaded.document is None
    assert len(loaded.findings) == 1, loaded.findings
    (finding,) = loaded.findings
    assert finding.path == "r.yaml"
    assert finding.severity is Severity.ERROR
    return finding.rule, finding.line, finding.column, finding.message


def rules(raw: str) -> list[tuple[str, int, int]]:
    loaded = load_bytes(raw.encode(), "r.yaml")
    assert loaded.document is None
    return [(f.rule, f.line, f.column) for f in loaded.findings]


def document(raw: str) -> Document:
    loaded = load_bytes(raw.encode(), "papers/x/synthesis.yaml")
    assert loaded.findings == ()
    assert loaded.document is not None
    return loaded.document


# --- one failing input per rule ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "column", "byte"),
    [
        (b"title: caf\xc3\xa9\nabstract: \xff bad\n", 2, 11, "FF"),
        (b"title: \xc3\xa9\xc3", 1, 9, "C3"),  # columns count characters, not bytes
        (b"\xff\xfet\x00", 1, 1, "FF"),  # UTF-16
    ],
)
def test_sl001_not_utf8_points_at_the_first_bad_byte(
    raw: bytes, line: int, column: int, byte: str
) -> None:
    message = f"file is not valid UTF-8 (byte 0x{byte} cannot be decoded): save the file as UTF-8"
    assert only(raw) == ("SL001", line, column, message)


def test_sl002_byte_order_mark() -> None:
    message = "file starts with a byte-order mark: remove the BOM; records are UTF-8 without BOM"
    assert only(b"\xef\xbb\xbftitle: x\n") == ("SL002", 1, 1, message)


def test_sl002_is_reported_with_the_problems_behind_it() -> None:
    loaded = load_bytes(b"\xef\xbb\xbftitle: yes\n", "r.yaml")
    assert [(f.rule, f.line, f.column) for f in loaded.findings] == [
        ("SL002", 1, 1),
        ("SL011", 1, 8),
    ]


@pytest.mark.parametrize("raw", ["", "\n\n", "# only a comment\n", "# a\r\n\r\n# b", "---\n"])
def test_sl003_empty(raw: str) -> None:
    assert only(raw) == ("SL003", 1, 1, EMPTY)


def test_sl004_too_large() -> None:
    message = (
        "file is 21 bytes, larger than the limit of 20 bytes: "
        "shorten it or move bulk content into an artifact file"
    )
    assert only("title: " + "x" * 13 + "\n", max_bytes=20) == ("SL004", 1, 1, message)
    assert load_bytes(b"title: " + b"x" * 12 + b"\n", "r.yaml", max_bytes=20).findings == ()


def test_sl005_syntax_error_with_context() -> None:
    message = (
        "YAML syntax error: found unexpected end of stream "
        "(while scanning a quoted scalar at line 2, column 11): " + SYNTAX_FIX
    )
    assert only("title: x\nabstract: 'never closed\n") == ("SL005", 3, 1, message)


def test_sl005_syntax_error_stops_the_pass() -> None:
    problem = (
        "mapping values are not allowed in this context"
        if yaml.__with_libyaml__
        else "mapping values are not allowed here"
    )
    message = f"YAML syntax error: {problem}: {SYNTAX_FIX}"
    # The unquoted 'yes' after the error is not reported: the parser cannot go on.
    assert only("title: a: b\npublic: yes\n") == ("SL005", 1, 9, message)


@pytest.mark.parametrize(("char", "code"), [("\x07", "0007"), ("\x00", "0000"), ("\ufffe", "FFFE")])
def test_sl005_control_character(char: str, code: str) -> None:
    message = (
        f"YAML syntax error: control character U+{code} is not allowed: "
        f"delete it, or write it as the escape \\u{code.lower()} inside double quotes"
    )
    assert only(f"title: ok\nabstract: ab{char}c\n") == ("SL005", 2, 13, message)


@pytest.mark.parametrize(
    ("second", "line"), [("---\ntitle: b\n", 2), ("...\n---\ntitle: b\n", 3), ("--- !!str x\n", 2)]
)
def test_sl006_several_documents(second: str, line: int) -> None:
    message = (
        "a second YAML document starts here: a record file holds exactly one document; "
        "remove it or move it to a file of its own"
    )
    assert only("title: a\n" + second) == ("SL006", line, 1, message)


def test_sl007_duplicate_key() -> None:
    message = "duplicate key 'title' (first defined on line 1): remove one of them"
    assert only("title: A\nabstract: B\ntitle: C\n") == ("SL007", 3, 1, message)


def test_sl007_duplicate_key_quoted_and_nested() -> None:
    message = "duplicate key 'score' (first defined on line 2): remove one of them"
    assert only('review:\n  score: 1\n  "score": 2\n') == ("SL007", 3, 3, message)


def test_sl007_same_key_in_different_mappings_is_fine() -> None:
    assert document("a: {id: 1}\nb: {id: 2}\nc: [{id: 1}, {id: 1}]\n").data["c"] == [
        {"id": 1},
        {"id": 1},
    ]


@pytest.mark.parametrize(
    ("raw", "findings"),
    [
        (
            "base: &b {x: 1}\ncopy: *b\n",
            [(1, 7, f"anchor '&b': {PLAIN_DATA}"), (2, 7, f"alias '*b': {PLAIN_DATA}")],
        ),
        ("a:\n  <<: {x: 1}\n", [(2, 3, f"merge key '<<': {PLAIN_DATA}")]),
        ("*a : 1\n", [(1, 1, f"alias '*a': {PLAIN_DATA}")]),
    ],
)
def test_sl008_anchors_aliases_and_merge_keys(
    raw: str, findings: list[tuple[int, int, str]]
) -> None:
    loaded = load_bytes(raw.encode(), "r.yaml")
    assert loaded.document is None
    assert [(f.rule, f.line, f.column, f.message) for f in loaded.findings] == [
        ("SL008", *finding) for finding in findings
    ]


def test_sl008_billion_laughs_is_cheap() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    loaded = load_bytes("\n".join(lines).encode(), "r.yaml")
    assert loaded.document is None
    assert {f.rule for f in loaded.findings} == {"SL008"}
    assert len(loaded.findings) == 9 + 8 * 9


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
        ("!!python/object:__main__.Exploit {}", "!!python/object:__main__.Exploit"),
        ("!!str 12", "!!str"),
        ("!!binary aGk=", "!!binary"),
        ("!custom value", "!custom"),
        ("! plain", "!"),
        ("!<tag:example.com,2026:x> y", "tag:example.com,2026:x"),
    ],
)
def test_sl009_tags(value: str, shown: str) -> None:
    message = f"tag '{shown}' is not allowed: {TAG_FIX}"
    assert only(f"title: ok\nvalue: {value}\n") == ("SL009", 2, 8, message)


def test_sl010_too_deep() -> None:
    message = "value nested deeper than the limit of 3 levels: flatten the structure"
    raw = "a:\n  b:\n    c:\n      d: 1\n"
    assert only(raw, max_depth=3) == ("SL010", 4, 7, message)
    assert document(raw).data == {"a": {"b": {"c": {"d": 1}}}}


def test_sl010_deep_flow_nesting_stops_early() -> None:
    # Both parsers slow down quadratically with flow depth; this must stay instant.
    message = f"value nested deeper than the limit of {MAX_DEPTH} levels: flatten the structure"
    raw = "a: " + "[" * 300_000 + "]" * 300_000
    assert only(raw) == ("SL010", 1, 4 + MAX_DEPTH - 1, message)


def test_sl010_flow_nesting_hidden_from_the_bracket_count() -> None:
    # Brackets inside quoted text fool the quick count; the reader still stops.
    message = f"value nested deeper than the limit of {MAX_DEPTH} levels: flatten the structure"
    raw = "a: " + '["]", ' * 40
    assert only(raw) == ("SL010", 1, 4 + 6 * (MAX_DEPTH - 1), message)


def test_sl010_libyaml_nesting_limit_is_the_same_rule() -> None:
    # Past libyaml's own limit (PyYAML 6.0.4 and later; earlier ones have none)
    # the finding keeps its rule.
    raw = "a: " + "[" * 1500 + "]" * 1500
    loaded = load_bytes(raw.encode(), "r.yaml", max_depth=5000)
    assert [finding.rule for finding in loaded.findings] in ([], ["SL010"])


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "y", "N", "yEs"])
def test_sl011_yaml11_booleans(word: str) -> None:
    message = (
        f"'{word}' is a boolean in YAML 1.1 but text in YAML 1.2: "
        f"quote it ('{word}') or write true/false"
    )
    assert only(f"public: {word}\n") == ("SL011", 1, 9, message)


def test_sl011_applies_to_keys() -> None:
    message = (
        "'on' is a boolean in YAML 1.1 but text in YAML 1.2: quote it ('on') or write true/false"
    )
    assert only("on: push\n") == ("SL011", 1, 1, message)


@pytest.mark.parametrize(
    "value",
    ["2026-05-30", "2026-06-10T06:30:49+00:00", "2026-6-1 1:02:03", "2026-06-10t06:30:49.5Z"],
)
def test_sl012_unquoted_dates(value: str) -> None:
    message = (
        f"unquoted date '{value}': YAML 1.1 tools turn it into a date object: quote it: '{value}'"
    )
    assert only(f"published: {value}\n") == ("SL012", 1, 12, message)


def test_sl012_every_date_is_reported() -> None:
    raw = "published: 2026-05-30\ncorrected: 2026-06-01\ndates: [2026-06-02]\n"
    assert rules(raw) == [("SL012", 1, 12), ("SL012", 2, 12), ("SL012", 3, 9)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.10", f"'1.10' is read as the number 1.1, losing the trailing zero: {FIX_NUMBER} 1.1"),
        ("2.500", f"'2.500' is read as the number 2.5, losing the trailing zero: {FIX_NUMBER} 2.5"),
        (
            "1:30",
            "'1:30' is read as the base-60 number 90 by YAML 1.1 tools "
            f"and as text by YAML 1.2: {FIX_NUMBER} 90",
        ),
        (
            "012",
            f"'012' is read as octal 10 by YAML 1.1 tools and as 12 by YAML 1.2: {FIX_NUMBER} 12",
        ),
        (
            "09",
            "'09' is read as text by YAML 1.1 tools and as the number 9 "
            f"by YAML 1.2: {FIX_NUMBER} 9",
        ),
        (
            "1_000",
            "'1_000' is read as the number 1000 by YAML 1.1 tools "
            f"and as text by YAML 1.2: {FIX_NUMBER} 1000",
        ),
        (
            "1e5",
            "'1e5' is read as text by YAML 1.1 tools and as the number 100000.0 "
            f"by YAML 1.2: {FIX_NUMBER} 100000.0",
        ),
        (
            "1e-20",
            "'1e-20' is read as text by YAML 1.1 tools and as the number 1.0e-20 "
            f"by YAML 1.2: {FIX_NUMBER} 1.0e-20",
        ),
        (
            "0o17",
            "'0o17' is read as text by YAML 1.1 tools and as the number 15 "
            f"by YAML 1.2: {FIX_NUMBER} 15",
        ),
        (
            "1" * 5000,
            "number '11111111111111111111...' has 5000 digits, too many to read: "
            "quote it if it is a label or identifier, or shorten it",
        ),
    ],
)
def test_sl013_numbers_a_reader_would_change(value: str, message: str) -> None:
    assert only(f"version: {value}\n") == ("SL013", 1, 10, message)


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.Inf", "+.INF", ".iNf", "1e400"])
def test_sl014_non_finite(value: str) -> None:
    message = (
        f"'{value}' is not a finite number and has no JSON form: "
        f"write a finite number, or quote it ('{value}') if it is text"
    )
    assert only(f"score: {value}\n") == ("SL014", 1, 8, message)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("- a\n- b\n", "a sequence"),
        ("just some text\n", "text"),
        ("42\n", "a number"),
        ("true\n", "a boolean"),
        ("null\n", "null"),
        ("'quoted'\n", "text"),
        ("# comment\n[a, b]\n", "a sequence"),
    ],
)
def test_sl015_top_level_not_a_mapping(raw: str, kind: str) -> None:
    line = raw.count("#") + 1
    assert only(raw) == ("SL015", line, 1, f"top level is {kind}, {NOT_A_MAPPING}")


@pytest.mark.parametrize(
    ("raw", "column", "message"),
    [
        ("1: a\n", 1, "key '1' is read as a number: keys must be text: quote it: '1'"),
        ("2.5: a\n", 1, "key '2.5' is read as a number: keys must be text: quote it: '2.5'"),
        ("true: a\n", 1, "key 'true' is read as a boolean: keys must be text: quote it: 'true'"),
        ("null: a\n", 1, "key 'null' is read as null: keys must be text: quote it: 'null'"),
        (
            "{? : a}\n",
            4 if yaml.__with_libyaml__ else 3,  # where an empty node starts differs
            "empty key: keys must be text: write a name before ':'",
        ),
        (
            "[a, b]: c\n",
            1,
            "a sequence used as a key: keys must be text: write a plain name before ':'",
        ),
        (
            "{a: 1}: c\n",
            1,
            "a mapping used as a key: keys must be text: write a plain name before ':'",
        ),
        ("? title\n: c\n", 3, EXPLICIT_KEY),
    ],
)
def test_sl016_keys_must_be_text(raw: str, column: int, message: str) -> None:
    assert only(raw) == ("SL016", 1, column, message)


def test_sl016_nested_key_in_a_sequence() -> None:
    assert rules("claims:\n  - 1: a\n  - ? [x]\n    : b\n") == [("SL016", 2, 5), ("SL016", 3, 7)]


def test_all_findings_of_one_pass_are_reported_in_order() -> None:
    raw = (
        "title: x\n"
        "public: yes\n"
        "published: 2026-05-30\n"
        "base: &b 1\n"
        "title: z\n"
        "version: 1.10\n"
        "score: .nan\n"
        "7: seven\n"
    )
    assert rules(raw) == [
        ("SL011", 2, 9),
        ("SL012", 3, 12),
        ("SL008", 4, 7),
        ("SL007", 5, 1),
        ("SL013", 6, 10),
        ("SL014", 7, 8),
        ("SL016", 8, 1),
    ]


# --- good input -------------------------------------------------------------------


def test_record_loads_with_the_right_types() -> None:
    loaded = load_bytes(RECORD.encode(), "papers/x/synthesis.yaml")
    assert loaded == Loaded(loaded.document, ())
    assert loaded.document is not None
    assert loaded.document.path == "papers/x/synthesis.yaml"
    data = loaded.document.data
    assert data == {
        "contract": "synthesis-v1",
        "title": "Inference Optimization Trade-offs",
        "published": "2026-05-30",
        "review": {"score": 7.5, "reviewers": 7},
        "public": True,
        "withdrawn": None,
        "notes": None,
        "claims": [
            {
                "id": "c1",
                "text": "Ensembles: more accurate, less private.",
                "verified": False,
                "confidence": 0.05,
                "references": ["r1", "r2"],
            },
            {"id": "c2", "confidence": 1.0},
        ],
        "abstract": "folded text",
    }
    assert type(data["review"]["score"]) is float
    assert type(data["review"]["reviewers"]) is int
    assert type(data["public"]) is bool
    assert list(data) == list(dict.fromkeys(data))  # file order is kept


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        ("-7", -7),
        ("+7", 7),
        ("0", 0),
        ("0x1F", 31),
        ("7.5", 7.5),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("1.", 1.0),
        ("2.5e-3", 0.0025),
        ("1.0e+20", 1e20),
        ("True", True),
        ("FALSE", False),
        ("Null", None),
        ("~", None),
        ("", None),
        ("'7'", "7"),
        ('"true"', "true"),
        ("'2026-05-30'", "2026-05-30"),
        ("'no'", "no"),
        ("'1.10'", "1.10"),
        ("v1.10", "v1.10"),
        ("1.2.3", "1.2.3"),
        ("tRUE", "tRUE"),
        ("0x", "0x"),
        ("a - b", "a - b"),
        ("|\n  block\n", "block\n"),
        ("L4", "L4"),
        ("yes please", "yes please"),
        ("10:30 am", "10:30 am"),
    ],
)
def test_plain_scalars_follow_the_yaml_12_core_schema(text: str, value: object) -> None:
    data = document(f"value: {text}\n").data
    assert data == {"value": value}
    assert type(data["value"]) is type(value)


def test_marks_of_nested_values_and_keys() -> None:
    doc = document(RECORD)
    assert doc.marks[()] == Mark(2, 1)
    assert doc.marks[("review",)] == Mark(6, 3)
    assert doc.marks[("review", "score")] == Mark(6, 10)
    assert doc.marks[("claims",)] == Mark(12, 3)
    assert doc.marks[("claims", 0)] == Mark(12, 5)
    assert doc.marks[("claims", 0, "id")] == Mark(12, 9)
    assert doc.marks[("claims", 0, "text")] == Mark(13, 11)
    assert doc.marks[("claims", 0, "references", 1)] == Mark(16, 22)
    assert doc.marks[("claims", 1, "confidence")] == Mark(18, 17)
    assert doc.marks[("abstract",)] == Mark(19, 11)
    assert doc.key_marks[("claims",)] == Mark(11, 1)
    assert doc.key_marks[("claims", 0, "verified")] == Mark(14, 5)
    assert doc.key_marks[("claims", 1, "confidence")] == Mark(18, 5)
    assert ("claims", 0) not in doc.key_marks  # sequence items have no key
    assert set(doc.key_marks) < set(doc.marks)


def test_locate_falls_back_to_the_nearest_recorded_ancestor() -> None:
    doc = document(RECORD)
    assert doc.locate(["claims", 0, "references", 1]) == Mark(16, 22)
    assert doc.locate(("claims", 0, "missing", 3)) == Mark(12, 5)
    assert doc.locate(("nope",)) == Mark(2, 1)
    assert doc.locate(()) == Mark(2, 1)
    assert doc.locate_key(("claims", 1, "confidence")) == Mark(18, 5)
    item: list[str | int] = ["claims", 1]
    assert doc.locate_key(iter(item)) == Mark(17, 5)  # no key: the value
    assert doc.locate_key(("claims", 1, "missing")) == Mark(17, 5)
    empty = Document("x.yaml", {}, {}, {})
    assert empty.locate(("a",)) == Mark(1, 1)
    assert empty.locate_key(("a",)) == Mark(1, 1)


def test_windows_line_endings() -> None:
    unix = document(RECORD)
    windows = document(RECORD.replace("\n", "\r\n"))
    assert windows.data == unix.data
    assert windows.marks == unix.marks
    assert windows.key_marks == unix.key_marks


def test_windows_line_endings_in_findings() -> None:
    assert rules("title: x\r\npublic: no\r\n") == [("SL011", 2, 9)]


def test_comments_and_modeline_are_allowed() -> None:
    raw = (
        "# yaml-language-server: $schema=https://example.org/synthesis-v1.json\n"
        "title: x # not part of the title\n"
        "# between\n"
        "tags: [a, b]  # after a flow sequence\n"
        "url: http://example.org/#anchor\n"
    )
    assert document(raw).data == {
        "title": "x",
        "tags": ["a", "b"],
        "url": "http://example.org/#anchor",
    }


def test_explicit_first_document_start_and_end_are_fine() -> None:
    assert document("%YAML 1.2\n---\ntitle: x\n...\n").data == {"title": "x"}


def test_flow_mapping_top_level_and_unicode() -> None:
    doc = document('{title: "Café ☕", count: 1}\n')
    assert doc.data == {"title": "Café ☕", "count": 1}
    assert doc.marks[("count",)] == Mark(1, 26)


# --- both parsers agree -------------------------------------------------------------

AGREEING_INPUTS = [
    RECORD,
    "title: a: b\n",
    "title: 'x\n",
    "a:\n  - b\n  c: d\n",
    "a: yes\nb: 2026-05-30\nc: 1.10\n[x]: 1\n",
    "a: &x 1\nb: *x\n",
    "- a\n",
    "a: 1\n---\nb: 2\n",
    "a: [[[[[[1]]]]]]\n",
]


@pytest.mark.parametrize("raw", AGREEING_INPUTS)
def test_pure_python_parser_gives_the_same_locations(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_default = load_bytes(raw.encode(), "r.yaml", max_depth=4)
    monkeypatch.setattr(events, "new_parser", events._PureParser)
    with_pure = load_bytes(raw.encode(), "r.yaml", max_depth=4)
    assert with_pure.document == with_default.document
    assert [(f.rule, f.line, f.column) for f in with_pure.findings] == [
        (f.rule, f.line, f.column) for f in with_default.findings
    ]


# --- load_file ----------------------------------------------------------------------


def test_load_file_reads_a_record(tmp_path: Path) -> None:
    file = tmp_path / "synthesis.yaml"
    file.write_bytes(RECORD.encode())
    loaded = load_file(file, "papers/x/synthesis.yaml")
    assert loaded.findings == ()
    assert loaded.document == document(RECORD)


def test_load_file_over_the_limit(tmp_path: Path) -> None:
    file = tmp_path / "big.yaml"
    file.write_bytes(b"title: " + b"x" * 100 + b"\n")
    message = (
        "file is 108 bytes, larger than the limit of 50 bytes: "
        "shorten it or move bulk content into an artifact file"
    )
    assert load_file(file, "big.yaml", max_bytes=50).findings[0].message == message
    assert load_file(file, "big.yaml", max_bytes=108).findings == ()


def test_load_file_does_not_read_a_huge_file(tmp_path: Path) -> None:
    file = tmp_path / "huge.yaml"
    with file.open("wb") as handle:
        handle.truncate(50 * 2**30)  # sparse: reading it all would take minutes
    loaded = load_file(file, "huge.yaml")
    assert [(f.rule, f.line, f.column) for f in loaded.findings] == [("SL004", 1, 1)]
    assert "file is 53687091200 bytes, larger than the limit of 1048576 bytes" in (
        loaded.findings[0].message
    )


def unreadable(reason: str) -> str:
    return f"cannot read the file ({reason}): make it a readable regular file, or remove it"


def test_load_file_on_a_directory(tmp_path: Path) -> None:
    loaded = load_file(tmp_path, "records")
    assert loaded.document is None
    assert [(f.rule, f.line, f.column, f.message) for f in loaded.findings] == [
        ("SL017", 1, 1, unreadable("it is a directory"))
    ]


def test_load_file_on_a_missing_file(tmp_path: Path) -> None:
    loaded = load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert [(f.path, f.rule, f.message) for f in loaded.findings] == [
        ("missing.yaml", "SL017", unreadable("the file does not exist"))
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_load_file_on_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    loaded = load_file(fifo, "pipe.yaml")
    assert [(f.rule, f.message) for f in loaded.findings] == [
        ("SL017", unreadable("it is not a regular file"))
    ]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_load_file_without_permission(tmp_path: Path) -> None:
    file = tmp_path / "secret.yaml"
    file.write_text("title: x\n")
    file.chmod(0)
    loaded = load_file(file, "secret.yaml")
    assert [(f.rule, f.message) for f in loaded.findings] == [
        ("SL017", unreadable("permission denied"))
    ]
