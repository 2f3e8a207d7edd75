"""Re-run a paper's repro script in a sandbox and record the outcome (Gate 2).

The paper pins one artifact of role repro-script and one of role
repro-results. The script runs from the top of a fresh copy of the paper's
repro-script, data and other artifacts (so it opens its inputs by their
artifact paths, e.g. artifacts/data.csv); a .py script runs with this
Python's interpreter in isolated mode (python -I), any other is executed
directly (#! line naming a program under /usr). What it writes to standard
output is its result: it must equal the repro-results artifact byte for
byte, or the record carries a diff.

The sandbox is bubblewrap (bwrap): new user, PID, network, IPC, UTS and mount
namespaces; uid 65534 even for root; no capabilities; a root holding only
/usr (read-only, /usr/local hidden), the interpreter, a fresh /proc, a
minimal /dev and /work, a size-capped tmpfs with copies of the artifacts; no
host home, /etc, /tmp or .git; limits on wall time, CPU time, memory and
output. Where bwrap is missing or cannot create its namespaces it refuses
(exit 2, nothing written). --allow-network shares the host's network, and
the record says so. Nothing runs when an artifact does not match its sha256
or is not a regular file.

Writes a new records/papers/ID/verifications/<date>-repro-<hex>.yaml and
prints its outcome. Exit status: 0 verified, 1 failed (or artifacts do not
match: nothing run, nothing written), 2 the check could not be attempted.

example:
  synthledger reproduce 482203de28464b46
  synthledger reproduce 482203de28464b46 --time 30 --memory 1024 --output 4
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Protocol

from synthledger.commands import add_root_option, archive_config
from synthledger.verifying.limits import Limits, MiB

if TYPE_CHECKING:
    from synthledger.config import ArchiveConfig
    from synthledger.verifying.verification_record import Attempted

DEFAULTS = Limits()


class Check(Protocol):
    def __call__(
        self, config: ArchiveConfig, paper_id: str, limits: Limits, *, allow_network: bool = False
    ) -> Attempted: ...


def add_limit_options(parser: argparse.ArgumentParser, defaults: Limits) -> None:
    """--time, --cpu, --memory, --output and --allow-network (shared with prove)."""
    group = parser.add_argument_group("sandbox")
    group.add_argument(
        "--time",
        type=_positive_float,
        default=defaults.wall_seconds,
        metavar="SECONDS",
        help=f"wall-time limit (default: {defaults.wall_seconds:g})",
    )
    group.add_argument(
        "--cpu",
        type=_positive_int,
        default=defaults.cpu_seconds,
        metavar="SECONDS",
        help=f"CPU-time limit per process (default: {defaults.cpu_seconds})",
    )
    group.add_argument(
        "--memory",
        type=_positive_int,
        default=defaults.memory_bytes // MiB,
        metavar="MiB",
        help=f"address-space limit per process (default: {defaults.memory_bytes // MiB})",
    )
    group.add_argument(
        "--output",
        type=_positive_int,
        default=defaults.output_bytes // MiB,
        metavar="MiB",
        help="limit on standard output, on any file written, and on all files written "
        f"(default: {defaults.output_bytes // MiB})",
    )
    group.add_argument(
        "--allow-network",
        action="store_true",
        help="share the host's network with the command, the sandbox's one relaxation; "
        "the record says network: allowed",
    )


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(
        wall_seconds=args.time,
        cpu_seconds=args.cpu,
        memory_bytes=args.memory * MiB,
        output_bytes=args.output * MiB,
    )


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the paper to reproduce")
    add_limit_options(parser, DEFAULTS)
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.verifying.reproduce import reproduce

    return attempt(args, reproduce)


def attempt(args: argparse.Namespace, check: Check) -> int:
    """Run ``check`` (reproduce or prove) on the paper ``args.id`` and print its outcome.

    Exit 1 when its artifacts no longer match (nothing run, nothing written)
    or the attempt failed; 0 when it verified.
    """
    from synthledger.verifying.pinned import ArtifactMismatch

    config = archive_config(args)
    try:
        attempted = check(config, args.id, limits_from(args), allow_network=args.allow_network)
    except ArtifactMismatch as exc:
        print(f"synthledger: {exc}", file=sys.stderr)
        return 1
    print(attempted.summary(config.root))
    print(attempted.record["detail"], end="")
    return 0 if attempted.verified else 1
