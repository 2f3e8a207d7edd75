"""Render the archive as a static HTML site.

An index with status, tier, gate and dimension badges (and filters), one page
per paper with every section of its public page, the correction timeline
with the commit of each entry, and beside each page the records as committed
and the manifest JSON. Plain HTML and CSS with a few lines of optional
JavaScript: nothing loads from the network when the pages are viewed, and the
same history gives the same bytes. A previous build in --out is replaced:
what it held of papers no longer in the archive is removed, and unchanged
files are left as they are.

An archive with paper-folders = "sharded" gets a site that is listed in parts,
so that no page grows with the archive: index.html lists the parts and
index-<part>.html the papers whose id begins with those two characters (with
their filters and exports/<part>/); timeline.html lists the months and
timeline-<YYYY-MM>.html their events. It leaves the Crossref deposit to
synthledger export, as every site leaves PROV.

A full build can be split: --jobs N builds in N processes on this machine;
--shard K/N writes only the folders of shard K's papers (by a hash of the id)
and its part of the index, timeline and exports (site.shard-K-of-N.sqlite),
so that a CI matrix splits the build across runners; once every shard's
files are in one folder, --merge writes the index, the timeline and exports/
from the parts. The merged folder holds the bytes one build writes.
--cache DIR reuses each paper's pages and files from an earlier build, keyed
by what they are made from, and a build into the --out of the last cached
build renders only the papers whose files changed since (every paper when
the policy, a contract, the settings or the tool changed, or when --out no
longer holds what was written): the output is the same bytes.

example:
  synthledger site --out site
  synthledger site --out site --rev v1.0      # the archive as it stood at a tag
  synthledger site --out site --jobs 2
  synthledger site --out site --shard 2/4     # on runner 2 of a matrix of 4
  synthledger site --out site --merge         # after copying every shard's folder into it
  synthledger site --out site --cache .synthledger-cache
  python -m http.server -d site               # then open http://localhost:8000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthledger.commands import add_root_option, archive_config, job_count
from synthledger.errors import SynthledgerError
from synthledger.report import FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default="site", metavar="DIR", help="directory to write into (default: site)"
    )
    parser.add_argument("--rev", default="HEAD", help="the commit to render at (default: HEAD)")
    parser.add_argument(
        "--jobs",
        type=job_count,
        default=1,
        metavar="N",
        help="build in N processes (default: 1), e.g. --jobs 2",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="build only shard K of N: its papers' folders and its part of the index, "
        "timeline and exports, e.g. --shard 2/4",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="reuse each paper's pages and files rendered before, kept in DIR by the hashes "
        "of what they are made from; the output is the same bytes "
        "(e.g. --cache .synthledger-cache)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="write the index, timeline and exports in --out from the parts its shards left",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="format of any findings (stderr)"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.deriving.shard import WHOLE, parse_shard
    from synthledger.findings import exit_status
    from synthledger.progress import progress, progress_wanted
    from synthledger.publishing.site import build_site, merge_site
    from synthledger.report import report

    config = archive_config(args)
    out = Path(args.out)
    if args.merge:
        if args.shard or args.jobs > 1:
            raise SynthledgerError("--merge only merges: run it without --shard and --jobs")
        written = merge_site(config, out)
        print(
            f"{written.pages} papers merged, {written.files} files written to {out}; "
            f"open {out / 'index.html'}",
            file=sys.stderr,
        )
        return 0
    shard = parse_shard(args.shard) if args.shard else WHOLE
    shown = progress_wanted(args.format) and args.jobs == 1
    with progress("rendering paper pages", None, enabled=shown) as advance:
        written = build_site(
            config,
            args.rev,
            out,
            shard=shard,
            jobs=args.jobs,
            cache=Path(args.cache) if args.cache else None,
            on_progress=advance,
        )
    part = "" if shard == WHOLE else f" (shard {shard}: merge the shards with --merge)"
    print(
        f"{written.pages} paper pages, {written.files} files written to {out}{part}"
        + ("" if part else f"; open {out / 'index.html'}")
        + (f"; {written.cached} papers from the cache in {args.cache}" if args.cache else ""),
        file=sys.stderr,
    )
    if written.findings:
        report(written.findings, args.format, stream=sys.stderr)
    return exit_status(written.findings)
