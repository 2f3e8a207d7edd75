"""Type-check a paper's Lean 4 proof in a sandbox and record the outcome (Gate 2).

Checks each pinned artifact of role proof-source ending in .lean with the
toolchain of the lean found on PATH, bound read-only at /opt/lean in the
sandbox (lake env lean, from the folder of a pinned lakefile.lean or
lakefile.toml), as `lean -DwarningAsError=true FILE`: a warning, such as
the one `sorry` gives, fails the check. A `#print axioms` line is appended to
the checked copy for each theorem; every theorem must rest on propext,
Classical.choice and Quot.sound only. sorryAx, Lean.ofReduceBool
(native_decide) or an axiom the proof declares fail it (reason
sorry-or-axiom). The sandbox and its limits are those of reproduce.

Writes a new records/papers/ID/verifications/<date>-proof-<hex>.yaml and
prints its outcome. Exit status: 0 verified, 1 failed (or artifacts do not
match: nothing run, nothing written), 2 the check could not be attempted
(no Lean toolchain on PATH, no proof source, no bubblewrap): nothing written.

example:
  synthledger prove ID                  # a paper that pins a .lean proof-source
  synthledger prove ID --time 1200 --memory 16384
"""

from __future__ import annotations

import argparse

from synthledger.commands import add_root_option
from synthledger.commands.reproduce import add_limit_options, attempt
from synthledger.verifying.limits import Limits, MiB

# Lean reserves much address space and a proof may take minutes.
DEFAULTS = Limits(
    wall_seconds=600.0, cpu_seconds=600, memory_bytes=8192 * MiB, output_bytes=256 * MiB
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the paper whose proof to check")
    add_limit_options(parser, DEFAULTS)
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.verifying.prove import prove

    return attempt(args, prove)
