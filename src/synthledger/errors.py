"""Known failures that end a command with a one-line message and exit status 2."""

from __future__ import annotations


class SynthledgerError(Exception):
    """A usage or environment problem the user can fix (bad option, no archive, no git).

    The CLI prints ``synthledger: error: <message>`` and exits 2. Problems in
    records are never raised: they are findings.
    """
