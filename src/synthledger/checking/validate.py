"""Deciding: every file of the archive against its contract and the rules."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from synthledger.checking.rules import ArchiveIndex, RecordContext, run_rules
from synthledger.config import ArchiveConfig
from synthledger.findings import Finding, Severity
from synthledger.layout import (
    CONTRACT_FAMILY,
    RECORD_KINDS,
    ArchiveFile,
    FileKind,
    classify,
    paper_dirs,
    paper_folder,
    walk,
)
from synthledger.ledger.git import index_blobs
from synthledger.reading.contracts import SCHEMA_SUFFIX, Contracts, schema_error
from synthledger.reading.document import Document
from synthledger.reading.load import load_file

# Files that carry no content and exist only so that git keeps a directory.
PLACEHOLDERS = frozenset({".gitkeep", ".keep"})


@dataclass(frozen=True)
class Validation:
    findings: list[Finding]
    checked: int


def validate(
    config: ArchiveConfig, paths: Sequence[str] | None = None, *, staged: bool = False
) -> Validation:
    """Check ``paths`` (relative to the root), or the whole archive when None.

    ``staged`` judges what the next commit holds (pre-commit): each pinned
    artifact must be staged, and its staged bytes are hashed.
    """
    contracts = Contracts.for_archive(config)
    index = index_blobs(config.root, [config.records_dir]) if staged else None
    archive = ArchiveIndex(config, contracts, paper_dirs(config), staged=index)
    whole = paths is None
    selected = walk(config) if paths is None else _with_records(paths, config)
    files = [classify(p, config) for p in selected]
    findings: list[Finding] = []
    checked = 0
    for file in files:
        if file.kind is FileKind.ARTIFACT:
            continue  # checked through the records that pin them
        checked += 1
        findings.extend(_check_file(file, archive))
    papers = archive.paper_dirs if whole else sorted({f.paper for f in files if f.paper})
    findings.extend(_papers_without_synthesis(papers, config))
    return Validation(findings, checked)


def _with_records(paths: Iterable[str], config: ArchiveConfig) -> list[str]:
    """The given files (a directory gives the files below it); an artifact brings
    the records of its paper along."""
    selected = dict.fromkeys(_files_below(paths, config))
    for path in list(selected):
        file = classify(path, config)
        if file.kind is FileKind.ARTIFACT and file.paper:
            folder = config.root / paper_folder(config, file.paper)
            records = [folder / "synthesis.yaml", *sorted(folder.glob("verifications/*.yaml"))]
            for record in records:
                if record.is_file():
                    selected.setdefault(record.relative_to(config.root).as_posix())
    return list(selected)


def _files_below(paths: Iterable[str], config: ArchiveConfig) -> Iterable[str]:
    for path in paths:
        directory = config.root / path
        if path and directory.is_dir() and not directory.is_symlink():
            for folder, _, names in sorted(os.walk(directory)):
                relative = Path(folder).relative_to(config.root).as_posix()
                yield from (f"{relative}/{name}" for name in sorted(names))
        else:
            yield path


def _check_file(file: ArchiveFile, archive: ArchiveIndex) -> list[Finding]:
    full = archive.path(file.path)
    if os.path.islink(full):
        return [
            _whole_file(
                file.path,
                "SL502",
                "is a symlink: records/ and schemas/ hold "
                "regular files only; commit the file itself",
            )
        ]
    if file.kind is FileKind.CONTRACT:
        return _check_contract_file(file.path, full)
    if file.kind not in RECORD_KINDS:
        if file.path.rsplit("/", 1)[-1] in PLACEHOLDERS:
            return []
        return [_whole_file(file.path, "SL203", _unclaimed_message(file), Severity.ERROR)]
    loaded = load_file(full, file.path)
    if loaded.document is None:
        return list(loaded.findings)
    archive.remember(loaded)
    return list(loaded.findings) + _check_record(file, loaded.document, archive)


def _check_record(file: ArchiveFile, document: Document, archive: ArchiveIndex) -> list[Finding]:
    contract = document.data.get("contract")
    family = CONTRACT_FAMILY[file.kind]
    if not isinstance(contract, str):
        return [
            _whole_file(
                file.path,
                "SL101",
                f"no 'contract' field: name the contract "
                f"this record follows, e.g. 'contract: {family}1'",
            )
        ]
    if contract not in archive.contracts.names:
        mark = document.locate(("contract",))
        known = sorted(n for n in archive.contracts.names if n.startswith(family))
        return [
            Finding(
                file.path,
                mark.line,
                mark.column,
                "SL101",
                Severity.ERROR,
                f"unknown contract {contract!r}: no schemas/{contract}{SCHEMA_SUFFIX}; "
                f"known for this place: {', '.join(known) or 'none'}",
            )
        ]
    if not contract.startswith(family):
        mark = document.locate(("contract",))
        return [
            Finding(
                file.path,
                mark.line,
                mark.column,
                "SL102",
                Severity.ERROR,
                f"a {file.kind} record here must follow a {family}N contract, "
                f"not {contract!r}: move the file or fix the contract",
            )
        ]
    violations = archive.contracts.check(document, contract)
    if violations:
        return violations  # the rules assume the shape the contract guarantees
    return list(run_rules(RecordContext(file, document, archive)))


def _check_contract_file(path: str, full: Path) -> list[Finding]:
    name = full.name.removesuffix(SCHEMA_SUFFIX)
    try:
        raw = full.read_bytes()
        schema = json.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:
        return [_whole_file(path, "SL104", f"cannot read the contract: {exc}")]
    except json.JSONDecodeError as exc:
        return [
            Finding(
                path, exc.lineno, exc.colno, "SL104", Severity.ERROR, f"not valid JSON: {exc.msg}"
            )
        ]
    if not isinstance(schema, dict):
        return [_whole_file(path, "SL104", "a contract is a JSON Schema object")]
    problem = schema_error(raw)
    if problem is not None:
        return [_whole_file(path, "SL104", problem)]
    schema_id = schema.get("$id")
    if not isinstance(schema_id, str) or not schema_id.endswith(f"/{name}{SCHEMA_SUFFIX}"):
        return [
            _whole_file(
                path,
                "SL104",
                f"$id must end with /{name}{SCHEMA_SUFFIX} so "
                "that the contract's name and identity agree",
            )
        ]
    return []


def _papers_without_synthesis(papers: Iterable[str], config: ArchiveConfig) -> list[Finding]:
    return [
        _whole_file(
            paper_folder(config, paper),
            "SL206",
            "paper folder has no synthesis.yaml: every paper starts with its synthesis record",
        )
        for paper in papers
        if not (config.root / paper_folder(config, paper) / "synthesis.yaml").exists()
    ]


def _unclaimed_message(file: ArchiveFile) -> str:
    return (
        "no contract claims this file: records live at policy/<date>-<slug>.yaml, "
        "papers/<id>/synthesis.yaml, papers/<id>/corrections/<id>.yaml, "
        "papers/<id>/verifications/<id>.yaml or papers/<id>/artifacts/...; "
        "move it or remove it"
    )


def _whole_file(
    path: str, rule_id: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(path, 1, 1, rule_id, severity, message)
