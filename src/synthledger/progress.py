"""A progress bar on stderr for long work, shown only to a person watching a terminal.

Nothing is drawn when stderr is a pipe or a file, under pre-commit (which sets
PRE_COMMIT=1 and collects the output of its hooks), or with --format json,
whose readers want stdout and stderr free of decoration. rich is imported only
when a bar is drawn: a hook never pays for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[[], None]


def progress_wanted(format: str = "text") -> bool:
    """True only when stderr is a terminal, PRE_COMMIT is unset or empty, and format isn't json."""
    if format == "json" or os.environ.get("PRE_COMMIT"):
        return False
    stream = sys.stderr
    return stream is not None and stream.isatty()


@contextmanager
def progress(description: str, total: int | None, *, enabled: bool) -> Iterator[Advance]:
    """A bar of ``total`` steps (a spinner when None); the callable yielded marks one done.

    The bar is cleared when the work ends, so that what the command prints
    afterwards reads as if no bar had been there.
    """
    if not enabled:
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
        redirect_stdout=False,  # results still go to stdout, never through the bar
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance() -> None:
            bar.advance(task)

        yield advance


def _nothing() -> None:
    pass
