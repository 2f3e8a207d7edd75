"""Refuse changes to published records and schemas: only additions pass.

Under records/ and schemas/ a published file is never modified (not even its
whitespace), deleted, renamed, given another mode (chmod +x) or replaced by a
symlink. To change what a paper says, add a correction under
records/papers/<id>/corrections/; to change a contract, add a new version as a
new file. Merge commits are judged against their first parent.

The base must lie on HEAD's first-parent line, not merely be an ancestor
(SL709). What is protected ([tool.synthledger]) is read from the base, or
from HEAD's commit, never from the working tree; a change to those settings
may make protection stricter, never looser (SL710). Gitlinks (SL711),
symlinks (SL712) and paths that collide with another on a case-insensitive
or Unicode-normalising file system (SL713) are refused in protected folders.

Changes made at or before [tool.synthledger] enforce-from are reported as
warnings (SL708), never refused.

examples:
  synthledger additive --staged               what the pre-commit hook runs
  synthledger additive --base origin/main     CI: every first-parent commit in origin/main..HEAD
  synthledger additive --base "$BEFORE" --head "$AFTER" --format github
  synthledger additive --all                  audit every commit since the root

CI needs the full history: actions/checkout with fetch-depth: 0.
"""

from __future__ import annotations

import argparse

from synthledger.commands import add_format_option, add_root_option, trusted_config
from synthledger.errors import SynthledgerError
from synthledger.findings import exit_status
from synthledger.ledger.additive import check_all, check_range, check_staged
from synthledger.report import report


def configure(parser: argparse.ArgumentParser) -> None:
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--staged", action="store_true", help="check the staged change against HEAD")
    scope.add_argument(
        "--base",
        metavar="REV",
        help="check every first-parent commit in REV..HEAD; REV must be on HEAD's "
        "first-parent line",
    )
    scope.add_argument("--all", action="store_true", help="check every commit since the root")
    parser.add_argument("--head", metavar="REV", help="the end of the --base range (default: HEAD)")
    add_root_option(parser)
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    if args.head is not None and args.base is None:
        raise SynthledgerError("--head needs --base REV")
    # The settings come from the trusted side: the base, or HEAD (for --staged and --all).
    config = trusted_config(args, args.base)
    if args.staged:
        findings = check_staged(config)
    elif args.base is not None:
        findings = check_range(config, args.base, args.head or "HEAD")
    else:
        findings = check_all(config)
    report(findings, args.format)
    return exit_status(findings, strict=args.strict)
