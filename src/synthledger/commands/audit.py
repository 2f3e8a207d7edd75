"""Audit the archive's history: prove it was never rewritten, list each paper's timeline.

Checks every commit since the root for changes to published files (or, with
--anchor, proves that commit an auditor wrote down earlier is still on HEAD's
first-parent line and checks only what came since, under the anchor's
settings). It starts with a summary to paste into a report: HEAD, the anchor
and whether it is on the first-parent line, commits and files checked, any
replace refs or grafts (ignored), and the findings. For each paper: the
commits that added its record, corrections and verifications, with author,
date and signature status, and which fields of the current view came from
which correction.

example:
  synthledger audit --anchor 3b1b2e5 --format json
  synthledger audit 5291ede05b044497
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from synthledger.commands import add_format_option, add_root_option, trusted_config
from synthledger.findings import exit_status


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help="one paper's timeline only")
    parser.add_argument("--anchor", metavar="COMMIT", help="a commit recorded earlier")
    add_root_option(parser)
    add_format_option(parser)


def _print_summary(summary: dict[str, Any], protected: tuple[str, ...]) -> None:
    """The lines an auditor pastes into a report; --format json has the same under "summary"."""
    print(f"audit of HEAD {summary['head'] or '(no commits)'}")
    anchor = summary["anchor"]
    if anchor is None:
        print("anchor: none (every commit since the root was checked)")
    elif not summary["anchor_is_ancestor"]:
        print(f"anchor {anchor} is NOT an ancestor of HEAD")
    elif summary["anchor_on_first_parent_line"]:
        print(f"anchor {anchor} is an ancestor of HEAD, on its first-parent line")
    else:
        print(f"anchor {anchor} is an ancestor of HEAD but NOT on its first-parent line")
    print(f"commits checked: {summary['commits_checked']} (first-parent line)")
    folders = ", ".join(f"{d}/" for d in protected)
    print(f"files checked: {summary['files_checked']} under {folders}")
    ignored = ", ".join(summary["replacements_ignored"]) or "none"
    print(f"replacements ignored: {ignored}")
    print(f"findings: {summary['errors']} errors, {summary['warnings']} warnings")


def run(args: argparse.Namespace) -> int:
    from synthledger.audit import AUDIT_STAGES, audit
    from synthledger.progress import progress, progress_wanted
    from synthledger.report import report
    from synthledger.showing import one_line, shown_path, valid_json_text

    config = trusted_config(args, args.anchor)
    with progress(
        "auditing history", AUDIT_STAGES, enabled=progress_wanted(args.format)
    ) as advance:
        result = audit(config, paper=args.id, anchor=args.anchor, on_progress=advance)
    if args.format == "json":
        text = json.dumps(result.as_dict(), indent=2, sort_keys=True, ensure_ascii=False)
        sys.stdout.write(valid_json_text(text) + "\n")
        return exit_status(result.findings, strict=args.strict)
    _print_summary(result.summary(), config.protected_dirs)
    for paper, events in sorted(result.timelines.items()):
        print(f"\n{shown_path(paper)}")
        for event in events:
            changed = " CHANGED LATER" if event["changed_later"] else ""
            line = (
                f"  {event['date']}  {event['commit'][:12]}  {event['kind']:<12} "
                f"{event['signature_meaning']:<10} {event['author']}  {event['record']}{changed}"
            )
            print(one_line(line))  # names and paths from history are shown, never obeyed
        for amended in result.amended.get(paper, []):
            print(f"  field {amended['pointer']} from correction {amended['correction']}")
    print()
    report(result.findings, args.format)
    return exit_status(result.findings, strict=args.strict)
