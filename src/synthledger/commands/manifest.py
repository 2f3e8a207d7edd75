"""Compute paper manifests (paper-manifest-v1.1) from git history.

Writes one <id>.json per paper and index.json into --out. Every value comes
from the committed history of --rev: nothing from the clock or the working
tree, so the same history gives the same bytes on any clone.

A full build can be split: --jobs N builds in N processes on this machine;
--shard K/N builds only the papers of shard K (by a hash of the id), with its
part of the index, so that a CI matrix splits the build across runners; once
every shard's files are in one folder, --merge writes index.json from the
parts. The merged folder holds the bytes one build writes.

A full build reads history from one git log into an index on disk, and the
records a few hundred papers at a time: memory does not grow with the
archive. With --cache DIR, that index and every paper's manifest are kept in
DIR, keyed by what they are computed from; a build into the --out the last
cached build wrote reads only the commits since and builds only the papers
they touched. The output is always the bytes a build without DIR writes.

example:
  synthledger manifest --out manifests
  synthledger manifest 5291ede05b044497 --out -     # print one manifest
  synthledger manifest --out manifests --jobs 4
  synthledger manifest --out part --shard 2/4       # on runner 2 of a matrix of 4
  synthledger manifest --out manifests --merge      # after copying every part into it
  synthledger manifest --out manifests --cache .synthledger-cache
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthledger.commands import add_root_option, archive_config, job_count
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, exit_status
from synthledger.report import FORMATS

if TYPE_CHECKING:
    from synthledger.deriving.stream import BuiltPaper


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
        "--jobs",
        type=job_count,
        default=1,
        metavar="N",
        help="build in N processes (default: 1), e.g. --jobs 4",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="build only shard K of N and its part of the index, e.g. --shard 2/4",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="keep the history index and the manifests in DIR between builds, keyed by "
        "their inputs, and build only what changed; the output is the same bytes "
        "(e.g. --cache .synthledger-cache)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="write index.json in --out from the parts its shards left there",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="format of any findings (stderr)"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.ledger.snapshot import paused_cycle_collection

    with paused_cycle_collection():  # records and manifests form no cycles
        return _run(args)


def _print_row(row: dict[str, object]) -> None:
    print(f"{row['id']}  {row['status']}  {row['tier'] or 'no tier'}  {row['gate'] or 'no gate'}")


def _full(args: argparse.Namespace) -> int:
    """Every paper into --out, or a shard of them, or the merge of the shards' parts."""
    from synthledger.deriving.shard import WHOLE, parse_shard
    from synthledger.deriving.split import build_in_processes, build_shard, merge
    from synthledger.progress import progress, progress_wanted
    from synthledger.report import report

    out = Path(args.out)
    if args.merge:
        if args.shard or args.jobs > 1:
            raise SynthledgerError("--merge only merges: run it without --shard and --jobs")
        count = merge(out, on_written=_print_row)
        print(f"index.json of {count} papers written to {out}", file=sys.stderr)
        return 0
    config = archive_config(args)
    shard = parse_shard(args.shard) if args.shard else WHOLE
    cache = Path(args.cache) if args.cache else None
    with progress("manifests", None, enabled=progress_wanted(args.format)) as advance:

        def written(row: dict[str, object]) -> None:
            _print_row(row)
            advance()

        if args.jobs > 1:
            built = build_in_processes(config, args.rev, shard, args.jobs, out, cache, written)
        else:
            built = build_shard(config, args.rev, shard, out, written, cache)
    part = "" if shard == WHOLE else f" (shard {shard})"
    cached = ""
    if cache is not None:
        cached = (
            f"; {built.hits} from the cache in {args.cache}, {built.written - built.hits} computed"
        )
    print(f"{built.written} manifests written to {out}{part}{cached}", file=sys.stderr)
    if built.findings:
        report(built.findings, args.format, stream=sys.stderr)
    return exit_status(built.findings)


def _rows(papers: Iterator[BuiltPaper], findings: list[Finding]) -> Iterator[dict[str, Any]]:
    from synthledger.deriving.manifest_files import index_entry
    from synthledger.deriving.stream import manifests_of

    for paper, manifest in manifests_of(papers, findings):
        yield index_entry(paper, manifest)


def _run(args: argparse.Namespace) -> int:
    if not args.ids and args.out != "-":
        return _full(args)
    if args.jobs > 1 or args.shard or args.merge:
        raise SynthledgerError(
            "--jobs, --shard and --merge build into a folder: give no ID and no --out -"
        )
    from synthledger.deriving.manifest import iter_manifests
    from synthledger.deriving.manifest_files import dumps, index_chunks
    from synthledger.ledger.snapshot import read_snapshot
    from synthledger.reading.contracts import Contracts
    from synthledger.report import report

    config = archive_config(args)
    findings: list[Finding] = []
    if not args.ids:  # the index of every paper, printed
        from synthledger.deriving.stream import open_build

        with open_build(config, args.rev) as build:
            findings.extend(build.findings)
            for chunk in index_chunks(_rows(build.papers(), findings)):
                sys.stdout.buffer.write(chunk)
    else:
        # Those papers' folders alone: git walks history for them, not for the archive.
        snapshot = read_snapshot(config, args.rev, papers=args.ids)
        known = set(snapshot.papers())
        unknown = [paper for paper in args.ids if paper not in known]
        if unknown:
            raise SynthledgerError(f"no paper {', '.join(unknown)} at {args.rev}")
        contracts = Contracts.committed(snapshot.contracts)  # the commit's, not the working tree's
        manifests = iter_manifests(snapshot, contracts, args.ids, findings)
        if args.out == "-":
            for _, manifest in manifests:
                sys.stdout.write(dumps(manifest))
        else:
            from synthledger.deriving.manifest_files import write_manifests

            out = Path(args.out)
            count = write_manifests(manifests, out, index=False, on_written=_print_row)
            print(f"{count} manifests written to {out}", file=sys.stderr)
    if findings:
        report(findings, args.format, stream=sys.stderr)
    return exit_status(findings)
