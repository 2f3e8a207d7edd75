"""Show a paper as its public page does.

Title, abstract, research question, verification level, gate verdict, quality
tier, quality dimensions, correction record with its timeline, provenance and,
where the claim records are public, the extracted claims and references. Every
value comes from the paper's manifest and its current view (the record with
its corrections applied), computed from committed history.

example:
  synthledger show 5291ede05b044497
  synthledger show 5291ede05b044497 --as-of HEAD~3    # the page as it stood then
"""

from __future__ import annotations

import argparse
import sys

from synthledger.commands import add_root_option, archive_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the paper to show (its folder name)")
    parser.add_argument(
        "--as-of",
        default="HEAD",
        metavar="COMMIT",
        help="show the paper as it stood at this commit (default: HEAD)",
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from synthledger.findings import exit_status
    from synthledger.layout import paper_folder
    from synthledger.publishing.page import read_pages
    from synthledger.publishing.show import render
    from synthledger.report import report

    config = archive_config(args)
    pages = read_pages(config, args.as_of, [args.id])
    # Only this paper's problems: another paper's broken record is not this page's.
    folder = f"{paper_folder(config, args.id)}/"
    findings = [f for f in pages.built.findings if f.path.startswith(folder)]
    page = pages.pages.get(args.id)
    if page is not None:
        render(page, Console(file=sys.stdout, highlight=False))
    if findings:
        report(findings, "text", stream=sys.stderr)
    if page is None:
        print(
            f"synthledger: paper {args.id} has no page at {args.as_of}: "
            "its synthesis does not satisfy its contract",
            file=sys.stderr,
        )
        return 1
    return exit_status(findings)
