"""Writing a verification record (verification-record-v2): a new file, never an edit.

The id is ``<UTC date>-<repro|proof>-<8 random hex digits>``: two contributors
checking the same paper on the same day do not collide, and the file is
written whole or not at all, never over an existing file (files.write_atomic).
"""

from __future__ import annotations

import platform
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from synthledger.config import ArchiveConfig
from synthledger.deriving.view import policy_in_force
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic
from synthledger.layout import paper_folder
from synthledger.reading.contracts import Contracts
from synthledger.reading.load import load_bytes, load_file
from synthledger.verifying.limits import Limits
from synthledger.verifying.pinned import Artifact
from synthledger.verifying.sandbox import Run

CONTRACT = "verification-record-v2"
METHOD_WORDS = {"sandbox-reproduction": "repro", "formal-proof": "proof"}
MAX_DETAIL_LINES = 400
MAX_LINE_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass(frozen=True, slots=True)
class Attempted:
    """A finished attempt: the record written and where."""

    record: dict[str, Any]
    path: Path

    @property
    def verified(self) -> bool:
        return bool(self.record["outcome"] == "verified")

    def summary(self, root: Path) -> str:
        reason = f" ({self.record['reason']})" if "reason" in self.record else ""
        where = self.path.relative_to(root).as_posix()
        return f"{self.record['paper']}  {self.record['outcome']}{reason}  {where}"


def evaluated_now() -> str:
    """The current UTC time, to the second, as records write it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id(method: str, evaluated: str) -> str:
    return f"{evaluated[:10]}-{METHOD_WORDS[method]}-{secrets.token_hex(4)}"


def this_platform() -> str:
    return f"{platform.system()} {platform.release()} {platform.machine()}"


def gate_for(config: ArchiveConfig, method: str, today: str) -> str:
    """The id of the gate that the policy in force on ``today`` runs ``method`` for."""
    policies: list[tuple[str, dict[str, Any]]] = []
    folder = config.records_path / "policy"
    # File names stand in for publication order in a working tree.
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        document = load_file(file, f"{config.records_dir}/policy/{file.name}").document
        if document is not None:
            policies.append((str(document.data.get("effective")), document.data))
    policy = policy_in_force(policies, today)
    if policy is not None:
        gates = [
            g
            for g in policy.get("gates") or []
            if isinstance(g, dict) and method in (g.get("methods") or [])
        ]
        if gates:
            return str(gates[-1]["id"])
    raise SynthledgerError(
        f"no policy in force on {today} names a gate that runs {method}: "
        "add a policy record under records/policy/ first"
    )


def build(
    *,
    paper: str,
    gate: str,
    method: str,
    artifacts: list[Artifact],
    outcome: str,
    reason: str | None,
    detail: str,
    evaluated: str,
    interpreter: str,
    ran: Run,
    limits: Limits,
) -> dict[str, Any]:
    """The record as data, in the order it is written."""
    record: dict[str, Any] = {
        "contract": CONTRACT,
        "id": new_id(method, evaluated),
        "paper": paper,
        "gate": gate,
        "method": method,
        "artifacts": [a.as_record() for a in artifacts],
        "outcome": outcome,
    }
    if reason is not None:
        record["reason"] = reason
    record["detail"] = _tidy(detail)
    record["evaluated"] = evaluated
    record["environment"] = {
        "interpreter": interpreter,
        "platform": this_platform(),
        "network": ran.network,
        "sandbox": ran.confinement.as_record(),
        "limits": limits.as_record(),
    }
    return record


def write(config: ArchiveConfig, record: dict[str, Any], *, by: str) -> Path:
    """Write ``record`` as records/papers/<paper>/verifications/<id>.yaml; its path.

    The text is checked first: it must load cleanly and satisfy its contract.
    """
    relative = f"{paper_folder(config, record['paper'])}/verifications/{record['id']}.yaml"
    text = render(record, by=by)
    loaded = load_bytes(text.encode("utf-8"), relative)
    problem = (
        Contracts.for_archive(config).first_error(loaded.document.data, CONTRACT)
        if loaded.document is not None
        else "; ".join(f.message for f in loaded.findings)
    )
    if problem is not None:
        raise SynthledgerError(f"the record written would be invalid ({problem}): this is a bug")
    target = config.root / relative
    make_directory(target.parent)
    try:
        write_atomic(target, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise SynthledgerError(
            f"{relative} exists already; records are never overwritten"
        ) from None
    return target


def render(record: dict[str, Any], *, by: str) -> str:
    header = (
        f"# yaml-language-server: $schema=../../../../schemas/{CONTRACT}.json\n"
        f"# Written by `synthledger {by}`; never edited. A new attempt is a new file.\n"
    )
    body = yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return header + body


def shown(output: bytes, *, last: int | None = None) -> list[str]:
    """What a run printed, as lines a record may carry (see :func:`printable`); only
    the ``last`` lines when given."""
    lines = output.decode("utf-8", "replace").rstrip("\n").split("\n") if output else []
    if last is not None:
        lines = lines[-last:] if last else []
    return [printable(line) for line in lines]


def printable(line: str) -> str:
    """``line`` with its control characters but tabs escaped as \\xNN or \\uNNNN and
    cut at MAX_LINE_CHARS. The command chose these characters: they must not be
    able to break a line, rewrite a terminal, or fill a record."""
    line = _CONTROL.sub(_escape, line)
    if len(line) > MAX_LINE_CHARS:
        line = f"{line[:MAX_LINE_CHARS]}[{len(line) - MAX_LINE_CHARS} more characters]"
    return line


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _tidy(text: str) -> str:
    """Readable text YAML keeps as a literal block: tabs as spaces, other control
    characters as U+FFFD, no trailing blanks, at most MAX_DETAIL_LINES lines."""
    text = _CONTROL.sub("\ufffd", text.expandtabs(4).replace("\r\n", "\n"))
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    if len(lines) > MAX_DETAIL_LINES:
        dropped = len(lines) - MAX_DETAIL_LINES
        lines = [*lines[:MAX_DETAIL_LINES], f"[{dropped} more lines not shown]"]
    return "\n".join(lines) + "\n"


class _Dumper(yaml.SafeDumper):
    """Safe YAML as the archive writes it: lists indented under their key, text of
    several lines as a literal block, and text that YAML 1.1 or 1.2 would read as
    a number or a date quoted."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if "\n" in value:
        style = "|"
    elif _NUMBER_LIKE.fullmatch(value):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


# What YAML 1.2's core schema reads as a number (PyYAML quotes what YAML 1.1 would).
_NUMBER_LIKE = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
_Dumper.add_representer(str, _text)
