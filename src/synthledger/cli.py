"""The ``synthledger`` command line.

A subcommand's module is imported only when that subcommand runs: start-up
time is a feature of a hook. This is the one error boundary: a known failure
becomes one line and exit 2, and so does a bug ("internal error"), with its
traceback only under ``--debug`` or SYNTHLEDGER_DEBUG=1. Exit 1 means findings,
nothing else. Nowhere else catches broadly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from synthledger import __version__
from synthledger.errors import SynthledgerError


class Command(NamedTuple):
    module: str
    summary: str


class CommandModule(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: dict[str, Command] = {
    "validate": Command(
        "synthledger.commands.validate", "check records against their contracts and rules"
    ),
    "additive": Command(
        "synthledger.commands.additive", "refuse changes to published records and schemas"
    ),
    "manifest": Command(
        "synthledger.commands.manifest", "compute paper manifests from git history"
    ),
    "audit": Command(
        "synthledger.commands.audit", "prove history was never rewritten; paper timelines"
    ),
    "check": Command(
        "synthledger.commands.check", "what CI runs: validate, additive and manifest together"
    ),
    "new": Command("synthledger.commands.new", "write a skeleton synthesis record to fill in"),
    "correct": Command(
        "synthledger.commands.correct", "write a correction skeleton for a published paper"
    ),
    "show": Command("synthledger.commands.show", "show a paper as its public page does"),
    "site": Command("synthledger.commands.site", "render the archive as a static HTML site"),
    "export": Command(
        "synthledger.commands.export",
        "write the archive as JSONL, changes, CSL, BibTeX, RIS, Crossref, DataCite or PROV",
    ),
    "reproduce": Command(
        "synthledger.commands.reproduce", "re-run a paper's repro script in a sandbox (Gate 2)"
    ),
    "prove": Command("synthledger.commands.prove", "type-check a paper's Lean 4 proof (Gate 2)"),
    "rules": Command("synthledger.commands.rules", "list every rule id, its severity and meaning"),
}

DEBUG_VARIABLE = "SYNTHLEDGER_DEBUG"

EPILOG = """\
exit status: 0 no errors, 1 errors found, 2 usage or internal error
(130 interrupted; 141 the output closed early, as by `| head`).
--debug (or SYNTHLEDGER_DEBUG=1) shows the traceback of an internal error.
Run 'synthledger COMMAND --help' for a command's options and an example."""


def build_parser(selected: str | None) -> argparse.ArgumentParser:
    """The parser, with only ``selected``'s options configured (its module imported)."""
    parser = argparse.ArgumentParser(
        prog="synthledger",
        description="A git-backed, additive-only archive of literature syntheses.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"synthledger {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(
            name,
            help=command.summary,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name == selected:
            module = _load(command)
            sub.description = module.__doc__
            module.configure(sub)
            sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    selected = next((arg for arg in args_list if not arg.startswith("-")), None)
    parser = build_parser(selected if selected in COMMANDS else None)
    args = parser.parse_args(args_list)
    try:
        status: int = args.run(args)
    except SynthledgerError as exc:
        print(f"synthledger: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("synthledger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # A reader such as `head` went away: not a failure to report, and not findings
        # (1). The status is that of a death by SIGPIPE, as git's under `| head`. stdout
        # now writes to /dev/null, since the interpreter flushes it again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception as exc:  # the one broad catch: a bug is reported, never a crash
        if args.debug or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
            traceback.print_exc(file=sys.stderr)
            print(f"synthledger: internal error: {_describe(exc)}", file=sys.stderr)
        else:
            print(
                f"synthledger: internal error: {_describe(exc)} (a bug in synthledger: "
                "run again with --debug for the traceback, and please report it)",
                file=sys.stderr,
            )
        return 2
    return status


def _describe(exc: BaseException) -> str:
    """The exception's type and message on one line, whatever the message holds."""
    from synthledger.showing import one_line

    return one_line(f"{type(exc).__name__}: {exc}")


def _load(command: Command) -> CommandModule:
    module: CommandModule = importlib.import_module(command.module)
    return module


if __name__ == "__main__":
    raise SystemExit(main())
