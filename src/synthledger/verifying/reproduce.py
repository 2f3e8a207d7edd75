"""Gate 2 by sandbox reproduction: re-run a paper's repro script, compare, record.

The convention, which the command's help repeats:

- the paper pins exactly one artifact of role ``repro-script`` and one of
  role ``repro-results``;
- the script runs in a fresh copy of the paper's repro-script, data and other
  artifacts, laid out as in the paper folder, from the top of that copy (so
  it opens its inputs by their artifact paths, e.g. ``artifacts/data.csv``).
  The recorded results are not in the copy;
- a script ending in ``.py`` runs with the interpreter of this Python
  (``python -I``, isolated mode: no site of the user, no PYTHON* variables;
  a virtual environment's packages are not in the sandbox); any other is
  executed directly, so it needs a ``#!`` line naming a program under /usr;
- what the script writes to standard output is its result. It must equal
  the repro-results artifact byte for byte (same sha256); when it does not,
  the record carries a unified diff, its control characters escaped and its
  length capped.

Nothing runs unless every artifact matches its pinned sha256.
"""

from __future__ import annotations

import difflib
import hashlib
import platform

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.verifying.limits import Limits
from synthledger.verifying.pinned import Artifact, Paper, load_paper, read_checked
from synthledger.verifying.sandbox import Run, Tool, python_interpreter
from synthledger.verifying.sandbox import run as run_sandboxed
from synthledger.verifying.verification_record import (
    Attempted,
    build,
    evaluated_now,
    gate_for,
    printable,
    shown,
    write,
)

METHOD = "sandbox-reproduction"
INPUT_ROLES = ("repro-script", "data", "other")
MAX_DIFF_LINES = 200
STDERR_LINES = 40


def reproduce(
    config: ArchiveConfig, paper_id: str, limits: Limits, *, allow_network: bool = False
) -> Attempted:
    """Run the paper's repro script in the sandbox and write the verification record.

    Raises SynthledgerError, with nothing run and nothing written, when the
    paper lacks a script or results, an artifact does not match its hash, no
    gate runs reproductions, or the sandbox cannot be had.
    """
    paper = load_paper(config, paper_id)
    script, results = _one(paper, "repro-script"), _one(paper, "repro-results")
    inputs = paper.with_role(*INPUT_ROLES)
    contents = read_checked(config, paper, [*inputs, results])
    evaluated = evaluated_now()
    gate = gate_for(config, METHOD, evaluated[:10])
    tools: list[Tool] = []
    if script.path.endswith(".py"):
        python, executable = python_interpreter()
        tools.append(python)
        argv = [executable, "-I", script.path]
        interpreter = f"{platform.python_implementation()} {platform.python_version()}"
        command = f"python -I {script.path}"
    else:
        argv = [f"./{script.path}"]
        interpreter = _shebang(contents[script.path])
        command = argv[0]
    files = {a.path: contents[a.path] for a in inputs}
    ran = run_sandboxed(
        argv,
        files,
        limits,
        tools=tools,
        allow_network=allow_network,
        executable=script.path,
    )
    expected = contents[results.path]
    outcome, reason, account = _judge(ran, expected, results)
    detail = "\n".join(
        [
            f"command: {command}, in a fresh copy of the paper's artifacts of role "
            "repro-script, data and other",
            f"ended: {ran.describe()}",
            f"sandbox: {ran.confinement.describe(limits)}",
            *account,
        ]
    )
    record = build(
        paper=paper.id,
        gate=gate,
        method=METHOD,
        artifacts=[*inputs, results],
        outcome=outcome,
        reason=reason,
        detail=detail,
        evaluated=evaluated,
        interpreter=interpreter,
        ran=ran,
        limits=limits,
    )
    return Attempted(record, write(config, record, by=f"reproduce {paper.id}"))


def _one(paper: Paper, role: str) -> Artifact:
    found = paper.with_role(role)
    if len(found) != 1:
        count = "no artifact" if not found else f"{len(found)} artifacts"
        raise SynthledgerError(
            f"paper {paper.id} pins {count} of role {role}: a reproduction needs exactly "
            "one repro-script and one repro-results"
        )
    return found[0]


def _judge(ran: Run, expected: bytes, results: Artifact) -> tuple[str, str | None, list[str]]:
    """(outcome, reason, lines of account) for a finished run."""
    produced = ran.stdout
    comparison = (
        f"output: sha256 {hashlib.sha256(produced).hexdigest()} ({len(produced)} bytes); "
        f"recorded {results.path}: sha256 {results.sha256} ({len(expected)} bytes)"
    )
    if ran.stopped is not None:
        return "failed", ran.stopped, [f"stopped at the {ran.stopped}", *_stderr_tail(ran)]
    if ran.exit_status != 0:
        return "failed", "rerun-failed", ["the script did not complete", *_stderr_tail(ran)]
    if produced != expected:
        return (
            "failed",
            "output-mismatch",
            [comparison, "diff:", *_diff(expected, produced, results)],
        )
    return "verified", None, [comparison, "the output equals the recorded results byte for byte"]


def _diff(expected: bytes, produced: bytes, results: Artifact) -> list[str]:
    lines = list(
        difflib.unified_diff(
            _lines(expected),
            _lines(produced),
            fromfile=f"{results.path} (recorded)",
            tofile="standard output of the repro script",
            lineterm="",
        )
    )
    if not lines:  # same text, different bytes: line endings or a final newline
        return ["(the texts differ only in line endings or a final newline)"]
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"[{len(lines) - MAX_DIFF_LINES} more diff lines]"]
    return [printable(line) for line in lines]


def _lines(output: bytes) -> list[str]:
    """Lines split at line feeds only: a carriage return or a form feed stays in its
    line, where the diff shows it escaped."""
    text = output.decode("utf-8", "replace").removesuffix("\n")
    return text.split("\n") if output else []


def _stderr_tail(ran: Run) -> list[str]:
    lines = shown(ran.stderr, last=STDERR_LINES)
    return ["standard error (last lines):", *lines] if lines else []


def _shebang(script: bytes) -> str:
    first = script.split(b"\n", 1)[0].decode("utf-8", "replace")
    return first[2:].strip() if first.startswith("#!") and first[2:].strip() else "direct execution"
