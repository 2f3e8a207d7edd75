"""Export the archive in the formats registrars, reference managers and mirrors read.

Every byte comes from the manifests and current views computed from the
committed history of --rev, and from the settings in that commit's
pyproject.toml ([tool.synthledger] doi-prefix, site-url, depositor-name,
depositor-email); nothing from the working tree or the clock, so the same
history gives the same bytes. Without --out the export goes to stdout; with
it, the file is replaced atomically.

formats:
  jsonl      every manifest, one per line (bulk download)
  changes    what was added since --since COMMIT (papers, corrections,
             verifications, policies) and which manifests to fetch again
  csl        CSL-JSON          bibtex    BibTeX          ris    RIS
  crossref   a Crossref deposit (schema 5.5.0) of the DOI-grade papers, with
             a Crossmark notice per correction in force
  datacite   DataCite metadata (kernel 4.5, JSON), with related identifiers
  prov       W3C PROV-JSON of each paper's lineage (provn: the same in PROV-N)
  jsonld     schema.org ScholarlyArticle JSON-LD, as the site's pages embed it

example:
  synthledger export --to jsonl --out archive.jsonl
  synthledger export --to changes --since v1.0 --out changes.json
  synthledger export --to bibtex 5291ede05b044497
"""

from __future__ import annotations

import argparse
import sys

from synthledger.commands import add_root_option, archive_config
from synthledger.publishing.exports import FORMATS
from synthledger.report import FORMATS as FINDING_FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="papers to export (default: all)")
    parser.add_argument(
        "--to",
        required=True,
        choices=FORMATS,
        metavar="FORMAT",
        help=f"the format: {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--out", default="-", metavar="PATH", help="file to write (default: '-', stdout)"
    )
    parser.add_argument("--rev", default="HEAD", help="the commit to export at (default: HEAD)")
    parser.add_argument(
        "--since",
        metavar="COMMIT",
        help="for --to changes: the older commit, on the first-parent line of --rev",
    )
    parser.add_argument(
        "--format",
        choices=FINDING_FORMATS,
        default="text",
        help="format of any findings (stderr)",
    )
    add_root_option(parser)


# The formats that read the records themselves, not only each paper's manifest and view.
READS_RECORDS = frozenset({"changes", "prov", "provn"})


def run(args: argparse.Namespace) -> int:
    from synthledger.deriving.stream import open_build
    from synthledger.errors import SynthledgerError
    from synthledger.findings import exit_status
    from synthledger.ledger.git import resolve_commit, resolve_head
    from synthledger.ledger.history import read_commit
    from synthledger.ledger.snapshot import paused_cycle_collection, read_snapshot
    from synthledger.progress import progress, progress_wanted
    from synthledger.publishing.exports import load
    from synthledger.publishing.exports.core import Source, settings_at, write_output
    from synthledger.reading.contracts import Contracts
    from synthledger.report import report

    if args.since is not None and args.to != "changes":
        raise SynthledgerError("--since is for --to changes only")
    config = archive_config(args)
    with paused_cycle_collection():  # records and manifests form no cycles
        if not args.ids and args.to not in READS_RECORDS:
            # Every paper, streamed from a full build: memory does not grow with the archive.
            with open_build(config, args.rev) as build:
                tip = build.tip.sha if build.tip else None
                source = Source(
                    config=settings_at(config, tip) if tip else config,
                    snapshot=None,
                    contracts=None,
                    ids=None,
                    build=build,
                )
                size = write_output(load(args.to).render(source), args.out)
        elif args.to == "changes" and not args.ids:
            # What the range added: that stretch of history and the tip's tree, no records.
            head = resolve_head(config.root, args.rev)
            source = Source(
                config=settings_at(config, head) if head else config,
                snapshot=None,
                contracts=None,
                ids=None,
                since=resolve_commit(config.root, args.since) if args.since else None,
                built=read_commit(config.root, head) if head else None,
            )
            size = write_output(load(args.to).render(source), args.out)
        else:
            with progress("reading history", None, enabled=progress_wanted(args.format)):
                # Given papers: their folders alone; changes and PROV read the records.
                papers = args.ids if args.ids and args.to not in READS_RECORDS else None
                snapshot = read_snapshot(config, args.rev, papers=papers)
            unknown = [paper for paper in args.ids if paper not in set(snapshot.papers())]
            if unknown:
                raise SynthledgerError(f"no paper {', '.join(unknown)} at {args.rev}")
            tip = snapshot.tip.sha if snapshot.tip else None
            source = Source(
                config=settings_at(config, tip) if tip else config,
                snapshot=snapshot,
                contracts=Contracts.for_archive(config),
                ids=args.ids or None,
                since=resolve_commit(config.root, args.since) if args.since else None,
            )
            size = write_output(load(args.to).render(source), args.out)
    where = "stdout" if args.out == "-" else args.out
    print(f"{args.to}: {size} bytes written to {where}", file=sys.stderr)
    if source.findings:
        report(source.findings, args.format, stream=sys.stderr)
    return exit_status(source.findings)
