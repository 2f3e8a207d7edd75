"""Gate 2 by formal proof: type-check a paper's Lean 4 proof in the sandbox, record.

Lean accepts ``sorry`` with a warning and exit status 0, so a passing check
needs more than a clean exit:

- ``lean -DwarningAsError=true FILE`` (``lake env lean ...`` from the folder of
  a pinned lakefile.lean or lakefile.toml): any warning fails the check;
- the copy checked has one ``#print axioms NAME`` appended per theorem (and
  lemma) it declares; every theorem must rest on ``propext``,
  ``Classical.choice`` and ``Quot.sound`` only. ``sorryAx`` (a ``sorry``),
  ``Lean.ofReduceBool`` (``native_decide``) or an axiom the proof declares
  fail the proof, with reason sorry-or-axiom;
- a source that declares an ``axiom`` or sets ``warningAsError`` itself fails
  the same way, whatever Lean prints.

The toolchain is that of the ``lean`` found on PATH: its folder is bound
read-only at /opt/lean in the sandbox, and its own ``lean`` (and ``lake``)
runs there with the sandbox's limits and without network; a Lake project must
therefore bring what it imports, since nothing can be fetched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.verifying.limits import Limits
from synthledger.verifying.pinned import load_paper, read_checked
from synthledger.verifying.sandbox import INSIDE_PATH, Run, Tool
from synthledger.verifying.sandbox import run as run_sandboxed
from synthledger.verifying.verification_record import (
    Attempted,
    build,
    evaluated_now,
    gate_for,
    shown,
    write,
)

METHOD = "formal-proof"
STANDARD_AXIOMS = ("propext", "Classical.choice", "Quot.sound")
LAKEFILES = ("lakefile.lean", "lakefile.toml")
INPUT_ROLES = ("proof-source", "other")
OUTPUT_LINES = 60

_MODIFIERS = r"(?:(?:private|protected|noncomputable|nonrec|partial|unsafe)\s+)*"
_ATTRIBUTES = r"(?:@\[[^\]]*\]\s*)*"
_THEOREM = re.compile(rf"^\s*{_ATTRIBUTES}{_MODIFIERS}(?:theorem|lemma)\s+([^\s:({{\[]+)")
_AXIOM = re.compile(rf"^\s*{_ATTRIBUTES}{_MODIFIERS}axiom\s+([^\s:({{\[]+)", re.MULTILINE)
_NAMESPACE = re.compile(r"^\s*namespace\s+(\S+)")
_SECTION = re.compile(r"^\s*(?:noncomputable\s+)?section\b")
_END = re.compile(r"^\s*end(?:\s+(\S+))?\s*$")
_PRINTED = re.compile(
    r"'(?P<name>[^\n]+?)' (?:depends on axioms: \[(?P<axioms>[^\]]*)\]"
    r"|does not depend on any axioms)"
)
_SORRY = "declaration uses 'sorry'"


@dataclass(frozen=True, slots=True)
class Toolchain:
    """The Lean toolchain on PATH, as the sandbox shows it: its folder at /opt/lean."""

    folder: Tool
    command: tuple[str, ...]  # in the sandbox: (".../bin/lean",) or (".../bin/lake", "env", "lean")
    version: str

    @classmethod
    def find(cls, *, lake: bool) -> Toolchain:
        """The toolchain of the ``lean`` on PATH, or SynthledgerError saying why not.

        elan's ``lean`` is only a proxy: the folder bound is the toolchain that
        ``lean --print-prefix`` names (or the one ``lean`` lies in), and only
        when it holds bin/lean and lib/lean, so that no unrelated folder
        around a stray ``lean`` becomes visible.
        """
        lean = shutil.which("lean")
        if lean is None:
            raise SynthledgerError(
                "no Lean 4 toolchain on PATH (lean not found): install one with elan "
                "(https://github.com/leanprover/elan) to run synthledger prove"
            )
        folder = Tool.at("the Lean toolchain", _prefix(lean), "lean")
        folder = replace(folder, env={"PATH": f"{folder.inside}/bin{os.pathsep}{INSIDE_PATH}"})
        version = _version(lean)
        if lake:
            if not os.path.isfile(os.path.join(folder.host, "bin", "lake")):
                raise SynthledgerError(
                    "the proof pins a lakefile, but the Lean toolchain on PATH has no lake"
                )
            lake_env = (f"{folder.inside}/bin/lake", "env", "lean")
            return cls(folder, lake_env, f"{version}, via lake env")
        return cls(folder, (f"{folder.inside}/bin/lean",), version)


def _prefix(lean: str) -> str:
    """The folder of the Lean toolchain that ``lean`` runs."""
    candidates: list[str] = []
    try:
        proc = subprocess.run(
            [lean, "--print-prefix"], capture_output=True, text=True, timeout=60, check=False
        )
        if proc.returncode == 0 and proc.stdout.strip():
            candidates.append(proc.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(lean))))
    for candidate in candidates:
        if os.path.isfile(os.path.join(candidate, "bin", "lean")) and os.path.isdir(
            os.path.join(candidate, "lib", "lean")
        ):
            return os.path.realpath(candidate)
    raise SynthledgerError(
        f"cannot tell which folder holds the Lean toolchain of {lean}: neither "
        "`lean --print-prefix` nor the folder above it holds bin/lean and lib/lean"
    )


def _version(lean: str) -> str:
    try:
        proc = subprocess.run(
            [lean, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "Lean 4 (version unknown)"
    first = proc.stdout.strip().splitlines()[:1]
    return first[0] if proc.returncode == 0 and first else "Lean 4 (version unknown)"


def strip_comments(source: str) -> str:
    """``source`` with its comments (``--`` to the end of the line, nested ``/- -/``
    blocks) blanked out and its string literals kept: every other character, and
    every line break, stays where it was."""
    out: list[str] = []
    i, depth, in_string = 0, 0, False
    while i < len(source):
        two = source[i : i + 2]
        char = source[i]
        if depth:
            if two in ("/-", "-/"):
                depth, i = depth + (1 if two == "/-" else -1), i + 2
                out.append("  ")
            else:
                out.append("\n" if char == "\n" else " ")
                i += 1
        elif in_string:
            out.append(source[i : i + 2] if char == "\\" else char)
            in_string = char != '"'
            i += 2 if char == "\\" else 1
        elif two == "/-":
            depth, i = 1, i + 2
            out.append("  ")
        elif two == "--":
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
        else:
            in_string = char == '"'
            out.append(char)
            i += 1
    return "".join(out)


def theorem_names(source: str) -> list[str]:
    """The full names of the theorems and lemmas ``source`` declares, in order."""
    scopes: list[list[str]] = []  # each open namespace or section: the name parts it added
    names: list[str] = []
    for line in strip_comments(source).splitlines():
        if found := _NAMESPACE.match(line):
            scopes.append(found.group(1).split("."))
        elif _SECTION.match(line):
            scopes.append([])
        elif found := _END.match(line):
            closing = len(found.group(1).split(".")) if found.group(1) else 1
            # `end A.B` closes `namespace A.B`, or `namespace A` then `namespace B`.
            while closing > 0 and scopes:
                closing -= max(1, len(scopes.pop()))
        elif found := _THEOREM.match(line):
            name = found.group(1)
            if name.startswith("_root_."):
                names.append(name.removeprefix("_root_."))
            else:
                names.append(".".join([*(p for s in scopes for p in s), name]))
    return names


def declared_axioms(source: str) -> list[str]:
    return _AXIOM.findall(strip_comments(source))


def printed_axioms(output: str) -> dict[str, list[str]]:
    """What ``#print axioms`` printed: theorem name -> the axioms it rests on."""
    found: dict[str, list[str]] = {}
    for match in _PRINTED.finditer(output):
        axioms = match.group("axioms") or ""
        found[match.group("name")] = [a.strip() for a in axioms.split(",") if a.strip()]
    return found


def with_axiom_report(source: str, names: Sequence[str]) -> str:
    """The copy Lean checks: ``source`` with ``#print axioms`` for each theorem appended."""
    lines = [f"#print axioms {name}" for name in names]
    return (
        source.rstrip("\n")
        + "\n\n-- Appended by synthledger prove: the axioms each theorem rests on.\n"
        + "\n".join(lines)
        + "\n"
    )


@dataclass(frozen=True, slots=True)
class Check:
    """One proof file checked."""

    path: str
    theorems: list[str]
    run: Run

    @property
    def output(self) -> str:
        return (self.run.stdout + b"\n" + self.run.stderr).decode("utf-8", "replace")


def judge(check: Check, source: str) -> tuple[str | None, list[str]]:
    """(failure reason or None, lines of account) for one checked file."""
    account = [f"{check.path}: lean {check.run.describe()}; theorems: {', '.join(check.theorems)}"]
    printed = printed_axioms(check.output)
    for name in check.theorems:
        if name in printed:
            shown = ", ".join(printed[name]) or "none"
            account.append(f"  axioms of {name}: {shown}")
    if check.run.stopped is not None:
        return check.run.stopped, [*account, f"stopped at the {check.run.stopped}", *_tail(check)]
    declared = declared_axioms(source)
    if declared:
        return "sorry-or-axiom", [*account, f"the proof declares axiom(s): {', '.join(declared)}"]
    if "warningAsError" in strip_comments(source):
        return "sorry-or-axiom", [
            *account,
            "the proof sets warningAsError itself, which could let a sorry through",
        ]
    outside = {
        name: [a for a in axioms if a not in STANDARD_AXIOMS]
        for name, axioms in printed.items()
        if name in check.theorems
    }
    outside = {name: axioms for name, axioms in outside.items() if axioms}
    if outside or _SORRY in check.output:
        reasons = [
            f"{name} rests on {', '.join(axioms)}, outside {', '.join(STANDARD_AXIOMS)}"
            for name, axioms in outside.items()
        ]
        if _SORRY in check.output:
            reasons.append("Lean reports a declaration that uses 'sorry'")
        return "sorry-or-axiom", [*account, *reasons, *_tail(check)]
    if check.run.exit_status != 0:
        return "type-error", [*account, "the proof does not type-check", *_tail(check)]
    unprinted = [name for name in check.theorems if name not in printed]
    if unprinted:
        return "type-error", [
            *account,
            f"Lean printed no axioms for {', '.join(unprinted)}",
            *_tail(check),
        ]
    return None, account


def _tail(check: Check) -> list[str]:
    lines = shown(check.output.strip().encode(), last=OUTPUT_LINES)
    return ["Lean's output (last lines):", *lines] if lines else []


def prove(
    config: ArchiveConfig, paper_id: str, limits: Limits, *, allow_network: bool = False
) -> Attempted:
    """Type-check the paper's Lean 4 proof sources in the sandbox and write the record.

    Raises SynthledgerError, with nothing run and nothing written, when the
    paper has no .lean proof source or no theorem in it, no toolchain is on
    PATH, an artifact does not match its hash, or the sandbox cannot be had.
    """
    paper = load_paper(config, paper_id)
    inputs = paper.with_role(*INPUT_ROLES)
    proofs = [a for a in inputs if a.role == "proof-source" and a.path.endswith(".lean")]
    if not proofs:
        raise SynthledgerError(
            f"paper {paper.id} pins no Lean 4 proof source (an artifact of role "
            "proof-source ending in .lean)"
        )
    lakefile = next((a for a in inputs if PurePosixPath(a.path).name in LAKEFILES), None)
    toolchain = Toolchain.find(lake=lakefile is not None)
    contents = read_checked(config, paper, inputs)
    sources = {a.path: contents[a.path].decode("utf-8", "replace") for a in proofs}
    theorems = {path: theorem_names(text) for path, text in sources.items()}
    empty = [path for path, names in theorems.items() if not names]
    if empty:
        raise SynthledgerError(
            f"{', '.join(empty)} declares no theorem: there is nothing whose axioms "
            "could be checked"
        )
    evaluated = evaluated_now()
    gate = gate_for(config, METHOD, evaluated[:10])
    project = str(PurePosixPath(lakefile.path).parent) if lakefile is not None else ""
    targets = {proof.path: _relative_to(proof.path, project) for proof in proofs}
    reason: str | None = None
    account: list[str] = []
    runs: list[Run] = []
    for proof in proofs:
        files = dict(contents)
        files[proof.path] = with_axiom_report(sources[proof.path], theorems[proof.path]).encode()
        ran = run_sandboxed(
            [*toolchain.command, "-DwarningAsError=true", targets[proof.path]],
            {a.path: files[a.path] for a in inputs},
            limits,
            tools=[toolchain.folder],
            allow_network=allow_network,
            cwd="" if project == "." else project,
        )
        runs.append(ran)
        failure, lines = judge(Check(proof.path, theorems[proof.path], ran), sources[proof.path])
        account.extend(lines)
        if failure is not None and reason is None:
            reason = failure
    command = " ".join(
        PurePosixPath(c).name if i == 0 else c for i, c in enumerate(toolchain.command)
    )
    detail = "\n".join(
        [
            f"command: {command} -DwarningAsError=true FILE, on a copy with #print axioms "
            "appended for each theorem",
            f"sandbox: {runs[-1].confinement.describe(limits)}",
            f"allowed axioms: {', '.join(STANDARD_AXIOMS)}",
            *account,
        ]
    )
    record = build(
        paper=paper.id,
        gate=gate,
        method=METHOD,
        artifacts=inputs,
        outcome="verified" if reason is None else "failed",
        reason=reason,
        detail=detail,
        evaluated=evaluated,
        interpreter=toolchain.version,
        ran=runs[-1],
        limits=limits,
    )
    return Attempted(record, write(config, record, by=f"prove {paper.id}"))


def _relative_to(path: str, project: str) -> str:
    """``path`` as seen from the Lake project's folder ``project``."""
    if not project or project == ".":
        return path
    try:
        return PurePosixPath(path).relative_to(project).as_posix()
    except ValueError:
        raise SynthledgerError(
            f"{path} lies outside the Lake project in {project}/: put the proof inside it"
        ) from None
