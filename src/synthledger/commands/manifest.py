"""Compute paper manifests (paper-manifest-v1.1) from git history.

Writes one <id>.json per paper and index.json into --out. Every value comes
from the committed history of --rev: nothing from the clock or the working
tree, so the same history gives the same bytes on any clone.

example:
  synthledger manifest --out manifests
  synthledger manifest 5291ede05b044497 --out -     # print one manifest
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthledger.commands import add_root_option, archive_config
from synthledger.errors import SynthledgerError
from synthledger.findings import exit_status
from synthledger.report import FORMATS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="papers to build (default: all)")
    parser.add_argument(
        "--out",
        default="manifests",
        metavar="DIR",
        help="directory to write into (default: manifests); '-' prints to stdout",
    )
    parser.add_argument("--rev", default="HEAD", help="the commit to compute at (default: HEAD)")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="format of any findings (stderr)"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.ledger.snapshot import paused_cycle_collection

    with paused_cycle_collection():  # records and manifests form no cycles
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from synthledger.deriving.manifest import iter_manifests
    from synthledger.deriving.manifest_files import dumps, index_entry, index_of, write_manifests
    from synthledger.findings import Finding
    from synthledger.ledger.snapshot import read_snapshot
    from synthledger.progress import progress, progress_wanted
    from synthledger.reading.contracts import Contracts
    from synthledger.report import report

    config = archive_config(args)
    shown = progress_wanted(args.format)
    with progress("reading history", None, enabled=shown):
        snapshot = read_snapshot(config, args.rev)
    known = set(snapshot.papers())
    unknown = [paper for paper in args.ids if paper not in known]
    if unknown:
        raise SynthledgerError(f"no paper {', '.join(unknown)} at {args.rev}")
    findings: list[Finding] = []
    manifests = iter_manifests(snapshot, Contracts.for_archive(config), args.ids or None, findings)
    with progress("manifests", len(args.ids or known), enabled=shown) as advance:
        if args.out == "-":
            if args.ids:
                for _, manifest in manifests:
                    sys.stdout.write(dumps(manifest))
                    advance()
            else:
                sys.stdout.write(dumps(index_of(index_entry(p, m) for p, m in manifests)))
        else:
            out = Path(args.out)

            def written(row: dict[str, object]) -> None:
                tier, gate = row["tier"] or "no tier", row["gate"] or "no gate"
                print(f"{row['id']}  {row['status']}  {tier}  {gate}")
                advance()

            count = write_manifests(manifests, out, index=not args.ids, on_written=written)
            print(f"{count} manifests written to {out}", file=sys.stderr)
    if findings:
        report(findings, args.format, stream=sys.stderr)
    return exit_status(findings)
