"""Whatever a synthesis record holds, validate answers with located findings, never a traceback.

Mutations of a valid record's text (edits of characters, bytes and lines) and of
its data (values replaced by random JSON-like values, keys deleted, keys added)
are written into an archive that also holds a correction and a verification of
that paper, so that the rules reading across records meet the mutated record too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.archive import PAPER, Archive, synthesis_data
from synthledger.checking.rules import RULES
from synthledger.checking.validate import validate
from synthledger.config import load_config
from synthledger.findings import Finding, Severity

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
LOADER_RULES = {f"SL{number:03d}" for number in range(1, 18)}
VALIDATE_RULES = {"SL101", "SL102", "SL103", "SL104", "SL203", "SL206", "SL502"}
KNOWN_RULES = LOADER_RULES | VALIDATE_RULES | {registered.id for registered in RULES}

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
# Values the record's own fields take, and paths and ids at their edges.
FAMILIAR = st.sampled_from(
    [".", "./", "..", "../x", "/", "", "-", "~1", "a:b", "\x00", "c1", "r1", "p1", "k1", "p1 ",
     "artifacts", "artifacts/report.md", "synthesis.yaml", "listed", "aggregate", "report",
     "synthesis-v1", "source-provenance-v1", "policy-v1", "https://arxiv.org/abs/2208.13968v1",
     "2208.13968v1", "10.1000/xyz123", "2026-02-30", "L4"]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT | FAMILIAR
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
YAMLISH = st.text(
    st.sampled_from(list(":-{}[]&*!|>'\"%@`#,?~.\\ \t\n0123456789abcxyzTFnoyé\u00a0\u2028\x07")),
    max_size=12,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """A valid paper with a correction and a verification; each example rewrites its synthesis."""
    archive = Archive(tmp_path_factory.mktemp("properties") / "archive")
    archive.add_synthesis()
    archive.add_correction()
    archive.add_verification()
    return archive


def _check(archive: Archive) -> None:
    """Validate the whole archive: every finding is located and names a known rule."""
    findings = validate(load_config(archive.root)).findings

    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.rule in KNOWN_RULES, finding
        assert finding.severity in (Severity.ERROR, Severity.WARNING), finding
        assert finding.message.strip(), finding


def test_the_unmutated_record_is_valid(archive: Archive) -> None:
    archive.write(SYNTHESIS, archive.synthesis_text())

    assert validate(load_config(archive.root)).findings == []


# --- mutations of the text -----------------------------------------------------------


@st.composite
def edited(draw: st.DrawFn, text: str) -> bytes:
    """``text`` after one to three random edits, as bytes (some not UTF-8)."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap", "indent"]))
        row = draw(st.integers(0, len(lines) - 1))
        line = lines[row]
        at = draw(st.integers(0, len(line)))
        if edit == "insert":
            lines[row] = line[:at] + draw(YAMLISH) + line[at:]
        elif edit == "delete":
            lines[row] = line[:at] + line[at + draw(st.integers(1, 8)) :]
        elif edit == "replace":
            lines[row] = draw(YAMLISH) + "\n"
        elif edit == "duplicate":
            lines.insert(row, line)
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[row], lines[other] = lines[other], lines[row]
        else:
            lines[row] = " " * draw(st.integers(1, 4)) + line
    content = "".join(lines).encode()
    if draw(st.booleans()) and draw(st.booleans()):  # now and then, a byte that is not UTF-8
        cut = draw(st.integers(0, len(content)))
        content = (
            content[:cut]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\x00"]))
            + content[cut:]
        )
    return content


@PROPERTY
@given(data=st.data())
def test_any_edit_of_the_text_gives_located_findings(archive: Archive, data: st.DataObject) -> None:
    archive.write(SYNTHESIS, data.draw(edited(archive.synthesis_text())))

    _check(archive)


# --- mutations of the data -----------------------------------------------------------

JsonPath = tuple[Any, ...]


def _paths(value: Any, prefix: JsonPath = ()) -> Iterator[JsonPath]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _at(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` after one to three random changes: a value replaced, an entry deleted or added."""
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))))
        edit = draw(st.sampled_from(["replace", "delete", "add"]))
        target = _at(data, path)
        if edit == "add" and isinstance(target, dict):
            target[draw(TEXT)] = draw(JSONISH)
        elif edit == "add" and isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), draw(JSONISH))
        elif path and edit == "delete":
            del _at(data, path[:-1])[path[-1]]
        elif path:
            _at(data, path[:-1])[path[-1]] = draw(JSONISH)
    return data


@PROPERTY
@given(data=st.data())
def test_any_change_of_the_data_gives_located_findings(
    archive: Archive, data: st.DataObject
) -> None:
    archive.write_data(SYNTHESIS, data.draw(mutated(synthesis_data())))

    _check(archive)
