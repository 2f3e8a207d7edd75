"""One module per subcommand: ``configure(parser)`` and ``run(args) -> int``.

The options several commands share are defined once here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthledger.config import ArchiveConfig, find_root, load_config
from synthledger.report import FORMATS


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="archive root (default: found from the working directory)",
    )
    parser.add_argument(
        "--records-dir",
        metavar="DIR",
        help="records directory relative to the root (default: [tool.synthledger] or 'records')",
    )


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (readable), json (a list of findings) or github (workflow annotations)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")


def job_count(text: str) -> int:
    """The type of a --jobs option: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def archive_config(args: argparse.Namespace) -> ArchiveConfig:
    return load_config(_root(args), records_dir=args.records_dir)


def trusted_config(args: argparse.Namespace, trusted: str | None = None) -> ArchiveConfig:
    """The settings that decide protection, from the commit ``trusted`` names (a base,
    an anchor), or else from HEAD: never from the working tree or the change judged."""
    from synthledger.ledger.git import resolve_commit
    from synthledger.ledger.settings import committed_config, config_at

    root = _root(args)
    if trusted is None:
        return committed_config(root, records_dir=args.records_dir)
    return config_at(root, resolve_commit(root, trusted), records_dir=args.records_dir)


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        root: Path = args.root
        return root
    return find_root(Path.cwd(), records_dir=args.records_dir)
