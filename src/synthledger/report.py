"""Speaking: one reporter per output format, chosen by name.

Results go to stdout; nothing else does, so ``--format json | jq`` always works.
Every format shows paths through ``showing.shown_path`` and messages through
``showing.prose``: a file name that is not UTF-8 or holds a newline, or record
text with ESC sequences, is shown escaped, as valid UTF-8. Text output also
keeps each finding on one line.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from synthledger.findings import Finding, Severity
from synthledger.showing import one_line, prose, shown_path, valid_json_text

FORMATS = ("text", "json", "github")


def report(
    findings: Sequence[Finding],
    fmt: str,
    *,
    checked: int | None = None,
    stream: TextIO | None = None,
) -> None:
    """Write ``findings`` in format ``fmt``; ``checked`` counts the files looked at."""
    out = stream if stream is not None else sys.stdout
    ordered = [_shown(f) for f in sorted(findings, key=_order)]
    _REPORTERS[fmt](ordered, checked, out)


def _shown(finding: Finding) -> Finding:
    return dataclasses.replace(
        finding, path=shown_path(finding.path), message=prose(finding.message)
    )


def _order(finding: Finding) -> tuple[str, int, int, str, str]:
    return (finding.path, finding.line, finding.column, finding.rule, finding.message)


def _json(findings: Sequence[Finding], checked: int | None, out: TextIO) -> None:
    json.dump([f.as_dict() for f in findings], out, indent=2, ensure_ascii=False)
    out.write("\n")


def _github(findings: Sequence[Finding], checked: int | None, out: TextIO) -> None:
    # Workflow commands: https://docs.github.com/actions/reference/workflow-commands
    for f in findings:
        level = "error" if f.is_error else "warning"
        where = f.path if f.commit is None else f"{f.path} (commit {f.commit[:12]})"
        properties = ",".join(
            (
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_escape_property(f.rule)}",
            )
        )
        out.write(f"::{level} {properties}::{_escape_data(f'{where}: {f.message}')}\n")
    out.write(_summary(findings, checked) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _text(findings: Sequence[Finding], checked: int | None, out: TextIO) -> None:
    if not out.isatty():
        # Plain text for pipes, files and CI logs; rich is imported only for a person.
        for f in findings:
            out.write(_text_line(f) + "\n")
        out.write(_summary(findings, checked) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True)  # rich honours NO_COLOR
    for f in findings:
        line = Text()
        line.append(f"{f.path}:{f.line}:{f.column}", style="bold")
        line.append(": ")
        line.append(f"{f.severity}[{f.rule}]", style="bold red" if f.is_error else "bold yellow")
        if f.commit is not None:
            line.append(f" in commit {f.commit[:12]}", style="cyan")
        line.append(f": {one_line(f.message)}")
        console.print(line)
    summary_style = "red" if any(f.is_error for f in findings) else "green"
    console.print(Text(_summary(findings, checked), style=summary_style))


def _text_line(f: Finding) -> str:
    commit = f" in commit {f.commit[:12]}" if f.commit is not None else ""
    message = one_line(f.message)
    return f"{f.path}:{f.line}:{f.column}: {f.severity}[{f.rule}]{commit}: {message}"


def _summary(findings: Sequence[Finding], checked: int | None) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    scope = f" in {_plural(checked, 'file')} checked" if checked is not None else ""
    return ", ".join(parts) + scope


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


_REPORTERS: dict[str, Callable[[Sequence[Finding], int | None, TextIO], None]] = {
    "text": _text,
    "json": _json,
    "github": _github,
}


def report_audit(
    audit: Mapping[str, Any],
    findings: Sequence[Finding],
    fmt: str,
    *,
    protected: Sequence[str],
    stream: TextIO | None = None,
) -> None:
    """Write an audit (``Audit.as_dict()``) in format ``fmt``: its summary, each paper's
    timeline, then its findings as :func:`report` writes them; as json, the whole of it."""
    out = stream if stream is not None else sys.stdout
    if fmt == "json":
        # Written as encoded: json.dumps would hold a list of every piece and then their
        # join (at 100,000 papers, 89 MB of text). The same bytes.
        encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
        for piece in encoder.iterencode(audit):
            out.write(valid_json_text(piece))
        out.write("\n")
        return
    for line in _audit_lines(audit, protected):
        out.write(one_line(line) + "\n")  # names and paths from history are shown, never obeyed
    out.write("\n")
    report(findings, fmt, stream=out)


def _audit_lines(audit: Mapping[str, Any], protected: Sequence[str]) -> Iterator[str]:
    """The summary an auditor pastes into a report, then each paper's timeline, a line
    at a time as it is written (at 100,000 papers, some 700,000 lines)."""
    summary = audit["summary"]
    anchor = summary["anchor"]
    if anchor is None:
        anchored = "anchor: none (every commit since the root was checked)"
    elif not summary["anchor_is_ancestor"]:
        anchored = f"anchor {anchor} is NOT an ancestor of HEAD"
    elif summary["anchor_on_first_parent_line"]:
        anchored = f"anchor {anchor} is an ancestor of HEAD, on its first-parent line"
    else:
        anchored = f"anchor {anchor} is an ancestor of HEAD but NOT on its first-parent line"
    folders = ", ".join(f"{shown_path(d)}/" for d in protected)
    yield from (
        f"audit of HEAD {summary['head'] or '(no commits)'}",
        anchored,
        f"commits checked: {summary['commits_checked']} (first-parent line)",
        f"files checked: {summary['files_checked']} under {folders}",
        f"replacements ignored: {', '.join(summary['replacements_ignored']) or 'none'}",
        f"findings: {summary['errors']} errors, {summary['warnings']} warnings",
    )
    for paper, shown in audit["papers"].items():
        yield from ("", shown_path(paper))
        for event in shown["timeline"]:
            changed = " CHANGED LATER" if event["changed_later"] else ""
            yield (
                f"  {event['date']}  {event['commit'][:12]}  {event['kind']:<12} "
                f"{event['signature_meaning']:<10} {event['author']}  {event['record']}{changed}"
            )
        for amended in shown["amended_fields"]:
            yield f"  field {amended['pointer']} from correction {amended['correction']}"
