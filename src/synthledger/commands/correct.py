"""Write a correction skeleton for a published paper: records/papers/<ID>/corrections/<cid>.yaml.

The correction targets the paper's synthesis at the blob it has now, and its
id is the date, the kind and a random suffix (2026-07-01-erratum-3fa2c1). Its
JSON Patch template is harmless: a test operation on the title, which makes the
patch fail if the record changed since, and an example replace in a comment.
The reason becomes the narrative. In a terminal, correct asks for a missing
kind or reason; anywhere else (a pipe, a hook, CI, or with --no-input) they are
errors. Each value still to write is marked FILL IN, and validate fails on it
until it is filled. An existing record is never overwritten.

kinds (Crossref update types): erratum, clarification, addendum, correction,
expression-of-concern, partial-retraction, retraction, withdrawal, new-version,
reinstatement.

example:
  synthledger correct ff1b47c123e856ad --kind expression-of-concern \\
      --reason "The abstract is about deep ensembles, not the code models the question asks about."
"""

from __future__ import annotations

import argparse

from synthledger.commands import add_root_option, archive_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paper", metavar="ID", help="the id of the paper to correct")
    parser.add_argument("--kind", metavar="KIND", help="the kind of correction (see above)")
    parser.add_argument(
        "--reason", metavar="TEXT", help="what is wrong and why, in plain words (the narrative)"
    )
    parser.add_argument(
        "--no-input", action="store_true", help="never ask; fail on what is missing"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from synthledger.authoring.asking import ask_required, can_ask, missing
    from synthledger.authoring.correction import (
        check_kind,
        correction_contract,
        correction_target,
        new_correction,
    )

    config = archive_config(args)
    correction_target(config, args.paper)  # before any question: is there a paper to correct?
    contract = correction_contract(config)
    kind, reason = args.kind, args.reason
    interactive = can_ask(args.no_input)
    if kind is None:
        if not interactive:
            raise missing("kind", "--kind KIND")
        kind = ask_required("Kind (erratum, correction, retraction, ...)", "kind", "--kind KIND")
    check_kind(kind, contract)
    if reason is None:
        if not interactive:
            raise missing("reason", "--reason TEXT")
        reason = ask_required("Reason: what is wrong and why", "reason", "--reason TEXT")
    written = new_correction(config, args.paper, kind=kind, reason=reason, issued=date.today())
    print(f"wrote {written.path}")
    print(
        f"next: fill in the {written.to_fill} values marked FILL IN and write the patch, "
        "then check the record:"
    )
    print(f"  synthledger validate {written.path}")
    return 0
