"""What CI runs: validate, the additive-only check and the manifest build, together.

Without --base, everything: every file, every commit since the root (or
since [tool.synthledger] enforce-from), every manifest. With --base, what
base..HEAD changes, as for a pull request or a push: the files it adds
(with their paper folders, which the cross-file rules read), the additive
check on its commits, and the manifests of the papers it touches; a range
that adds a policy or a contract gets every file and every manifest. With
--out, the manifests built are written too (with --base, those of the
papers touched, without index.json).

example:
  synthledger check --base origin/main --format github
  synthledger check --out manifests       # the whole archive, every manifest written
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthledger.commands import add_format_option, add_root_option, trusted_config
from synthledger.findings import exit_status


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        metavar="REV",
        help="check only what REV..HEAD changes, e.g. --base origin/main",
    )
    parser.add_argument(
        "--out", metavar="DIR", help="also write the manifests built into DIR, e.g. --out manifests"
    )
    add_root_option(parser)
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.check import CHECK_STAGES, check
    from synthledger.progress import progress, progress_wanted
    from synthledger.report import report

    config = trusted_config(args, args.base)
    out = Path(args.out) if args.out else None
    with progress("checking", CHECK_STAGES, enabled=progress_wanted(args.format)) as advance:
        result = check(config, base=args.base, on_progress=advance, out=out)
    report(result.findings, args.format, checked=result.checked)
    return exit_status(result.findings, strict=args.strict)
