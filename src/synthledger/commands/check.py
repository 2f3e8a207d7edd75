"""What CI runs: validate, the additive-only check and the manifest build, together.

Without --base, the additive check covers every commit since the root (or
since [tool.synthledger] enforce-from); with --base, the commits of
base..HEAD, as for a pull request or a push. With --out, the manifests are
written too.

example:
  synthledger check --base origin/main --format github
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthledger.commands import add_format_option, add_root_option, trusted_config
from synthledger.findings import exit_status


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="REV", help="check only the commits of REV..HEAD")
    parser.add_argument("--out", metavar="DIR", help="also write the manifests into DIR")
    add_root_option(parser)
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.check import CHECK_STAGES, check
    from synthledger.deriving.manifest_files import write_manifests
    from synthledger.progress import progress, progress_wanted
    from synthledger.report import report

    config = trusted_config(args, args.base)
    with progress("checking", CHECK_STAGES, enabled=progress_wanted(args.format)) as advance:
        result = check(config, base=args.base, on_progress=advance)
    if args.out:
        write_manifests(result.manifests.manifests.items(), Path(args.out))
    report(result.findings, args.format, checked=result.checked)
    return exit_status(result.findings, strict=args.strict)
