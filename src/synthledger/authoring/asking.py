"""Questions for a person at a terminal; a clear error for everyone else.

A command asks only when both stdin and stdout are terminals and --no-input was
not given: under a pipe, a hook or CI a question would hang, so a missing value
is an error that names the option to pass.
"""

from __future__ import annotations

import sys

from synthledger.errors import SynthledgerError


def can_ask(no_input: bool) -> bool:
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def missing(what: str, option: str) -> SynthledgerError:
    return SynthledgerError(
        f"no {what} given: pass {option} (questions are asked only in a terminal)"
    )


def ask_required(question: str, what: str, option: str) -> str:
    """Ask until the answer is not blank; end of input is the same error as no terminal."""
    while True:
        answer = _ask(question)
        if answer is None:
            raise missing(what, option)
        if answer.strip():
            return answer.strip()
        print(f"  a {what} is needed")


def ask_optional(question: str) -> str | None:
    """Ask once; a blank answer (or end of input) is None."""
    answer = _ask(f"{question} (Enter to fill in later)")
    if answer is None or not answer.strip():
        return None
    return answer.strip()


def _ask(question: str) -> str | None:
    try:
        return input(f"{question}: ")
    except EOFError:
        print()
        return None
