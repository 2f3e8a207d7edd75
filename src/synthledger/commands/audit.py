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

from synthledger.commands import add_format_option, add_root_option, trusted_config
from synthledger.findings import exit_status


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help="one paper's timeline only")
    parser.add_argument("--anchor", metavar="COMMIT", help="a commit recorded earlier")
    add_root_option(parser)
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.audit import AUDIT_STAGES, audit
    from synthledger.progress import progress, progress_wanted
    from synthledger.report import report_audit

    config = trusted_config(args, args.anchor)
    with progress(
        "auditing history", AUDIT_STAGES, enabled=progress_wanted(args.format)
    ) as advance:
        result = audit(config, paper=args.id, anchor=args.anchor, on_progress=advance)
    report_audit(result.as_dict(), result.findings, args.format, protected=config.protected_dirs)
    return exit_status(result.findings, strict=args.strict)
