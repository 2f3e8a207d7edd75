"""Render the archive as a static HTML site.

An index with status, tier, gate and dimension badges (and filters), one page
per paper with every section of its public page, the correction timeline
with the commit of each entry, and beside each page the records as committed
and the manifest JSON. Plain HTML and CSS with a few lines of optional
JavaScript: nothing loads from the network when the pages are viewed, and the
same history gives the same bytes. A previous build in --out is replaced.

example:
  synthledger site --out site
  synthledger site --out site --rev v1.0      # the archive as it stood at a tag
  python -m http.server -d site               # then open http://localhost:8000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthledger.commands import add_root_option, archive_config
from synthledger.report import FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default="site", metavar="DIR", help="directory to write into (default: site)"
    )
    parser.add_argument("--rev", default="HEAD", help="the commit to render at (default: HEAD)")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="format of any findings (stderr)"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.findings import exit_status
    from synthledger.progress import progress, progress_wanted
    from synthledger.publishing.page import read_pages
    from synthledger.publishing.site import build_site
    from synthledger.report import report

    config = archive_config(args)
    enabled = progress_wanted(args.format)
    with progress("reading history", None, enabled=enabled):
        pages = read_pages(config, args.rev)
    out = Path(args.out)
    with progress("rendering paper pages", len(pages.pages), enabled=enabled) as advance:
        written = build_site(pages, config, out, on_progress=advance)
    print(
        f"{len(pages.pages)} paper pages, {written} files written to {out}; "
        f"open {out / 'index.html'}",
        file=sys.stderr,
    )
    if pages.built.findings:
        report(pages.built.findings, args.format, stream=sys.stderr)
    return exit_status(pages.built.findings)
