"""Write a skeleton synthesis record to fill in: records/papers/<id>/synthesis.yaml.

Without --id the paper gets a random 16-hex id, so two contributors working at
the same time never pick the same one. In a terminal, new asks for whichever of
the title, the publisher and the research question is not given; anywhere else
(a pipe, a hook, CI, or with --no-input) it asks nothing: a missing --title is
an error, a missing publisher or question is left to fill in. Each value still
to write is marked FILL IN, and validate fails on it until it is filled. The
record names its contract in a yaml-language-server modeline, so editors check
it as you type. An existing record is never overwritten.

example:
  synthledger new --title "Quantization effects on code completion models"
  synthledger new --id quantization-2026 --title "Quantization effects" --no-input
"""

from __future__ import annotations

import argparse

from synthledger.commands import add_root_option, archive_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", metavar="ID", help="the paper id (default: 16 random hex digits)")
    parser.add_argument("--title", metavar="TEXT", help="the title as published")
    parser.add_argument("--publisher", metavar="TEXT", help="the publisher as named on the report")
    parser.add_argument("--question", metavar="TEXT", help="the research question, as published")
    parser.add_argument(
        "--no-input", action="store_true", help="never ask; fail on what is missing"
    )
    add_root_option(parser)


def run(args: argparse.Namespace) -> int:
    from synthledger.authoring.asking import ask_optional, ask_required, can_ask, missing
    from synthledger.authoring.synthesis import new_synthesis

    config = archive_config(args)
    title, publisher, question = args.title, args.publisher, args.question
    if can_ask(args.no_input):
        if title is None:
            title = ask_required("Title, as published", "title", "--title TEXT")
        if publisher is None:
            publisher = ask_optional("Publisher, as named on the report")
        if question is None:
            question = ask_optional("Research question, as published")
    elif title is None:
        raise missing("title", "--title TEXT")
    written = new_synthesis(
        config, title=title, paper_id=args.id, publisher=publisher, question=question
    )
    print(f"wrote {written.path}")
    print(f"next: fill in the {written.to_fill} values marked FILL IN, then check the record:")
    print(f"  synthledger validate {written.path}")
    return 0
