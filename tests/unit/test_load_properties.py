from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthledger.reading.document import Loaded
from synthledger.reading.events import clean_mapping
from synthledger.reading.load import load_bytes

KNOWN_RULES = {f"SL{number:03d}" for number in range(1, 17)}
# What a YAML 1.1 dumper may legitimately write that this loader refuses; SL016:
# PyYAML writes an empty key as an explicit one, "? ''".
YAML11_WRITES = {"SL010", "SL011", "SL012", "SL013", "SL014", "SL016"}

RECORD = """\
# yaml-language-server: $schema=../../schemas/synthesis-v1.json
contract: synthesis-v1
title: "Inference Optimization Trade-offs: Llama3-70B"
published: '2026-05-30'
review: {method: automated, score: 4.8}
public: true
claims:
  - id: c1
    text: >-
      There is an increase in both accuracy and
      MI attack effectiveness.
    verified: false
    confidence: 0.05
    references: [r1, r2]
  - id: c2
    text: 'It''s quoted'
    confidence: 0.19
references:
  - {id: r1, url: "http://arxiv.org/abs/2208.13968v1"}
  - id: r2
    url: http://arxiv.org/abs/2105.05381v4
"""

# Characters a mutation inserts: YAML indicators, breaks, and a few awkward ones.
MUTATION_CHARACTERS = st.sampled_from(list(":-?[]{},#&*!|>'\"%@`\n\r\t ~0123456789.eE+yYnN")) | (
    st.characters()
)


def encode(text: str) -> bytes:
    """UTF-8, letting lone surrogates through as the invalid bytes an editor might write."""
    return text.encode("utf-8", "surrogatepass")


def assert_well_formed(loaded: Loaded) -> None:
    """A document and no error, or no document and at least one located error."""
    errors = [finding for finding in loaded.findings if finding.is_error]
    if loaded.document is None:
        assert errors
    else:
        assert not errors
        assert isinstance(loaded.document.data, dict)
        json.dumps(loaded.document.data, allow_nan=False)  # JSON-compatible
    for finding in loaded.findings:
        assert finding.path == "r.yaml"
        assert finding.line >= 1
        assert finding.column >= 1
        assert finding.rule in KNOWN_RULES
        assert finding.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    assert_well_formed(load_bytes(raw, "r.yaml"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MUTATION_CHARACTERS, max_size=200))
def test_random_text_never_raises(text: str) -> None:
    assert_well_formed(load_bytes(encode(text), "r.yaml"))


@st.composite
def mutated_records(draw: st.DrawFn) -> str:
    """The valid record with a few characters inserted, deleted or replaced, or lines doubled."""
    text = RECORD
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate line"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:at] + draw(MUTATION_CHARACTERS) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "replace":
            text = text[:at] + draw(MUTATION_CHARACTERS) + text[at + 1 :]
        else:
            lines = text.splitlines(keepends=True)
            index = min(at, len(lines) - 1)
            lines.insert(index, lines[index])
            text = "".join(lines)
    return text


def test_the_unmutated_record_loads() -> None:
    loaded = load_bytes(RECORD.encode(), "r.yaml")
    assert loaded.findings == ()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_mutated_records_never_raise(text: str) -> None:
    assert_well_formed(load_bytes(encode(text), "r.yaml"))
    assert_well_formed(load_bytes(encode(text.replace("\n", "\r\n")), "r.yaml", max_depth=2))


# PyYAML writes NEL, LS and PS unescaped, and then reads them (as YAML 1.1 says)
# as line breaks: its own round trip changes them, so they are left out.
TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x85\u2028\u2029"), max_size=12
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(TEXT, JSON_VALUES, max_size=5),
    st.sampled_from([None, False, True]),
)
def test_what_pyyaml_writes_loads_unchanged_or_is_refused(
    data: dict[str, Any], flow_style: bool | None
) -> None:
    """A YAML 1.1 dumper's output reads back as the same data, or is refused as ambiguous."""
    text = yaml.safe_dump(data, default_flow_style=flow_style, allow_unicode=True)
    loaded = load_bytes(text.encode(), "r.yaml")
    assert_well_formed(loaded)
    if loaded.document is None:
        assert {finding.rule for finding in loaded.findings} <= YAML11_WRITES, text
    else:
        assert canonical(loaded.document.data) == canonical(data), text


def canonical(value: Any) -> str:
    """Equal for equal JSON, telling 1, 1.0 and True apart."""
    return json.dumps(value, sort_keys=True)


# The lean path (marks=False) must read exactly what the full reading reads.


def assert_lean_agrees(raw: bytes, max_depth: int = 20) -> None:
    full = load_bytes(raw, "r.yaml", max_depth=max_depth)
    lean = load_bytes(raw, "r.yaml", max_depth=max_depth, marks=False)
    assert lean.findings == full.findings
    if full.document is None:
        assert lean.document is None
    else:
        assert lean.document is not None
        assert canonical(lean.document.data) == canonical(full.document.data)
        assert not lean.document.marks and not lean.document.key_marks


def test_the_lean_path_reads_a_clean_record() -> None:
    assert clean_mapping(RECORD, 20) is not None
    assert_lean_agrees(RECORD.encode())


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchor, alias
        "a: !!str 1\n",  # tag
        "a: yes\n",  # YAML 1.1 boolean
        "a: 1\na: 2\n",  # duplicate key
        "1: a\n",  # key that is not text
        "? a\n: 1\n",  # explicit key
        "<<: {a: 1}\n",  # merge key
        "a: [[[1]]]\n",  # deeper than max_depth 3
        "a: 1\n---\nb: 2\n",  # second document
        "- a\n",  # top level not a mapping
        "",  # nothing
        "a: [1\n",  # syntax error
        "? [a]\n: 1\n",  # collection as key
    ],
)
def test_the_lean_path_gives_up_where_the_full_reading_reports(text: str) -> None:
    assert clean_mapping(text, 3) is None
    assert load_bytes(text.encode(), "r.yaml", max_depth=3).findings
    assert_lean_agrees(text.encode(), max_depth=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_the_lean_path_agrees_on_mutated_records(text: str) -> None:
    assert_lean_agrees(encode(text))
    assert_lean_agrees(encode(text), max_depth=2)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MUTATION_CHARACTERS, max_size=200))
def test_the_lean_path_agrees_on_random_text(text: str) -> None:
    assert_lean_agrees(encode(text))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TEXT, JSON_VALUES, max_size=5), st.sampled_from([None, False, True]))
def test_the_lean_path_agrees_on_what_pyyaml_writes(
    data: dict[str, Any], flow_style: bool | None
) -> None:
    assert_lean_agrees(yaml.safe_dump(data, default_flow_style=flow_style).encode())
