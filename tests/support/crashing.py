"""A subcommand with a bug: what ``cli.main`` does with an exception nobody expected."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--message", default="a bug")


def run(args: argparse.Namespace) -> int:
    raise ValueError(args.message)
