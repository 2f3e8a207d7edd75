"""Reporters: text for people, json for tools, github for workflow annotations."""

from __future__ import annotations

import io
import json
import re

import pytest

from synthledger.findings import Finding, Severity
from synthledger.report import report, report_audit

ERROR = Finding("records/b.yaml", 3, 7, "SL103", Severity.ERROR, "/score: 11 is greater than 10")
WARNING = Finding("records/a.yaml", 9, 1, "SL601", Severity.WARNING, "the abstract drifts")
IN_COMMIT = Finding(
    "records/c.yaml",
    1,
    1,
    "SL701",
    Severity.ERROR,
    "published file changed",
    commit="0123456789abcdef0123",
)
# Any SGR sequence that sets a colour: 30-37, 90-97 (foreground), 40-47, 100-107 (background),
# 38;... and 48;... (extended).
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-8]|9[0-7]|4[0-8]|10[0-7])(?:;[0-9;]*)?m")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a developer's shell is."""

    def isatty(self) -> bool:
        return True


def _render(findings: list[Finding], fmt: str, checked: int | None = 2) -> str:
    out = io.StringIO()
    report(findings, fmt, checked=checked, stream=out)
    return out.getvalue()


# --- text ----------------------------------------------------------------------------


def test_text_gives_one_located_line_per_finding_in_order_and_a_summary() -> None:
    assert _render([ERROR, WARNING], "text") == (
        "records/a.yaml:9:1: warning[SL601]: the abstract drifts\n"
        "records/b.yaml:3:7: error[SL103]: /score: 11 is greater than 10\n"
        "1 error, 1 warning in 2 files checked\n"
    )


def test_text_names_the_commit_of_a_history_finding() -> None:
    assert _render([IN_COMMIT], "text", checked=None) == (
        "records/c.yaml:1:1: error[SL701] in commit 0123456789ab: published file changed\n"
        "1 error, 0 warnings\n"
    )


def test_text_with_nothing_found_says_so() -> None:
    assert _render([], "text", checked=1) == "0 errors, 0 warnings in 1 file checked\n"


def test_text_never_wraps_a_long_message() -> None:
    message = "word " * 100 + "end"
    long = Finding("records/a.yaml", 1, 1, "SL103", Severity.ERROR, message)

    first_line = _render([long], "text").splitlines()[0]

    assert first_line == f"records/a.yaml:1:1: error[SL103]: {message}"


def test_text_is_plain_when_the_stream_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)

    assert "\x1b" not in _render([ERROR, WARNING], "text")


def test_text_is_coloured_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = Terminal()

    report([ERROR], "text", checked=1, stream=out)

    assert COLOUR.search(out.getvalue())


@pytest.mark.parametrize(("value", "coloured"), [("1", False), ("", True)])
def test_text_honours_no_color_when_it_is_set_and_not_empty(
    monkeypatch: pytest.MonkeyPatch, value: str, coloured: bool
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", value)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = Terminal()

    report([ERROR, WARNING], "text", checked=1, stream=out)

    assert bool(COLOUR.search(out.getvalue())) is coloured


# --- json ----------------------------------------------------------------------------


def test_json_is_a_sorted_list_of_findings_with_every_field() -> None:
    data = json.loads(_render([ERROR, WARNING, IN_COMMIT], "json"))

    assert data == [
        {
            "path": "records/a.yaml",
            "line": 9,
            "column": 1,
            "rule": "SL601",
            "severity": "warning",
            "message": "the abstract drifts",
        },
        {
            "path": "records/b.yaml",
            "line": 3,
            "column": 7,
            "rule": "SL103",
            "severity": "error",
            "message": "/score: 11 is greater than 10",
        },
        {
            "path": "records/c.yaml",
            "line": 1,
            "column": 1,
            "rule": "SL701",
            "severity": "error",
            "message": "published file changed",
            "commit": "0123456789abcdef0123",
        },
    ]


def test_json_keeps_text_as_written() -> None:
    finding = Finding("records/a.yaml", 1, 1, "SL603", Severity.WARNING, "claim ends '…ep'")

    assert "claim ends '…ep'" in _render([finding], "json")


def test_json_of_nothing_is_an_empty_list() -> None:
    assert json.loads(_render([], "json")) == []


# --- github --------------------------------------------------------------------------


def test_github_gives_one_annotation_per_finding() -> None:
    assert _render([ERROR, WARNING, IN_COMMIT], "github").splitlines() == [
        "::warning file=records/a.yaml,line=9,col=1,title=SL601::records/a.yaml: "
        "the abstract drifts",
        "::error file=records/b.yaml,line=3,col=7,title=SL103::records/b.yaml: "
        "/score: 11 is greater than 10",
        "::error file=records/c.yaml,line=1,col=1,title=SL701::records/c.yaml "
        "(commit 0123456789ab): published file changed",
        "2 errors, 1 warning in 2 files checked",
    ]


def test_github_escapes_what_would_end_an_annotation_early() -> None:
    odd = Finding("records/a,b:c.yaml", 2, 4, "SL005", Severity.ERROR, "100% wrong\nsecond line")

    [annotation, _summary] = _render([odd], "github").splitlines()

    assert annotation == (
        "::error file=records/a%2Cb%3Ac.yaml,line=2,col=4,title=SL005::"
        "records/a,b:c.yaml: 100%25 wrong%0Asecond line"
    )


AUDIT = {
    "summary": {
        "head": "a" * 40,
        "anchor": "b" * 40,
        "anchor_is_ancestor": True,
        "anchor_on_first_parent_line": False,
        "commits_checked": 3,
        "files_checked": 7,
        "replacements_ignored": [],
        "errors": 1,
        "warnings": 0,
    },
    "papers": {
        "p1\nforged": {
            "timeline": [
                {
                    "date": "2026-06-01T00:00:00+00:00",
                    "commit": "c" * 40,
                    "kind": "synthesis",
                    "signature_meaning": "unsigned",
                    "author": "A <a@example.org>",
                    "record": "records/papers/p1/synthesis.yaml",
                    "changed_later": True,
                }
            ],
            "amended_fields": [{"pointer": "/title", "correction": "k1"}],
        }
    },
}
HISTORY_FINDING = Finding(".", 1, 1, "SL709", Severity.ERROR, "off the line", "c" * 40)


def _audit(fmt: str) -> str:
    out = io.StringIO()
    report_audit(AUDIT, [HISTORY_FINDING], fmt, protected=("records", "schemas"), stream=out)
    return out.getvalue()


def test_an_audit_in_text_gives_its_summary_timelines_and_findings() -> None:
    lines = _audit("text").splitlines()
    assert lines[:6] == [
        f"audit of HEAD {'a' * 40}",
        f"anchor {'b' * 40} is an ancestor of HEAD but NOT on its first-parent line",
        "commits checked: 3 (first-parent line)",
        "files checked: 7 under records/, schemas/",
        "replacements ignored: none",
        "findings: 1 errors, 0 warnings",
    ]
    assert lines[7] == "p1\\nforged"  # a name from history is shown escaped, on one line
    assert lines[8].endswith("records/papers/p1/synthesis.yaml CHANGED LATER")
    assert lines[9] == "  field /title from correction k1"
    assert lines[-2].startswith(".:1:1: error[SL709] in commit cccccccccccc: off the line")


def test_an_audit_in_github_annotates_its_findings() -> None:
    assert "::error file=.,line=1,col=1,title=SL709::" in _audit("github")


def test_an_audit_in_json_is_the_whole_audit() -> None:
    assert json.loads(_audit("json")) == AUDIT
