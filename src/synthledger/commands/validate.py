"""Check records against their contracts and the archive's rules.

Checks the given files, or the whole archive when none are given. Every
problem is reported with its file, line, column and rule id; warnings do not
fail unless --strict. With --staged (what the pre-commit hook runs), the
index is judged: every artifact a record pins must be staged, and its staged
bytes are the ones hashed.

example:
  synthledger validate
  synthledger validate --staged records/papers/5291ede05b044497/synthesis.yaml
  synthledger validate records/papers/5291ede05b044497/synthesis.yaml --format json
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from synthledger.commands import add_format_option, add_root_option, archive_config
from synthledger.errors import SynthledgerError
from synthledger.findings import exit_status


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files to check (default: all)")
    parser.add_argument(
        "--staged",
        action="store_true",
        help="judge the index: artifacts must be staged, and their staged bytes are hashed",
    )
    add_root_option(parser)
    add_format_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.checking.validate import validate
    from synthledger.report import report

    config = archive_config(args)
    paths = [_relative(Path(p), config.root) for p in args.paths] if args.paths else None
    result = validate(config, paths, staged=args.staged)
    report(result.findings, args.format, checked=result.checked)
    return exit_status(result.findings, strict=args.strict)


def _relative(path: Path, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise SynthledgerError(f"{path} is outside the archive at {root}") from None
