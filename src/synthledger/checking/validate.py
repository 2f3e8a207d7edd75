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
    FEW_PAPERS,
    RECORD_KINDS,
    ArchiveFile,
    FileKind,
    classify,
    files_below,
    paper_dirs,
    paper_folder,
    walk,
)
from synthledger.ledger.git import index_blobs
from synthledger.reading.contracts import (
    SCHEMA_SUFFIX,
    Contracts,
    ContractTooDeep,
    contract_json,
    schema_error,
)
from synthledger.reading.document import Document
from synthledger.reading.load import load_file
from synthledger.showing import is_plain_path

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
    whole = paths is None
    unreadable: list[str] = []  # folders that cannot be listed
    selected = (
        list(walk(config, unreadable))
        if paths is None
        else _with_records(paths, config, unreadable)
    )
    files = [classify(p, config) for p in selected]
    # A few papers ask SL202 where their twins could be; many list every folder once.
    many = sum(f.kind is FileKind.SYNTHESIS for f in files) > FEW_PAPERS
    listed = paper_dirs(config) if whole or many else None
    archive = ArchiveIndex(config, contracts, staged=index, _paper_dirs=listed)
    findings: list[Finding] = []
    checked = 0
    paper = None
    for file in files:  # sorted: each paper's files together
        if file.kind is FileKind.ARTIFACT:
            continue  # checked through the records that pin them
        if file.paper != paper:
            archive.forget()  # memory bounded by one paper's records, not the archive's
            paper = file.paper
        checked += 1
        findings.extend(_check_file(file, archive))
    papers = archive.paper_dirs if whole else sorted({f.paper for f in files if f.paper})
    findings.extend(_papers_without_synthesis(papers, config))
    findings.extend(_unreadable_folders(unreadable))
    findings.extend(_unplain_names(selected))
    return Validation(findings, checked)


def _with_records(paths: Iterable[str], config: ArchiveConfig, unreadable: list[str]) -> list[str]:
    """The given files (a directory gives the files below it); an artifact brings
    the records of its paper along."""
    selected = dict.fromkeys(_files_below(paths, config, unreadable))
    for path in list(selected):
        file = classify(path, config)
        if file.kind is FileKind.ARTIFACT and file.paper:
            folder = config.root / paper_folder(config, file.paper)
            records = [folder / "synthesis.yaml", *sorted(folder.glob("verifications/*.yaml"))]
            for record in records:
                if record.is_file():
                    selected.setdefault(record.relative_to(config.root).as_posix())
    return list(selected)


def _files_below(
    paths: Iterable[str], config: ArchiveConfig, unreadable: list[str]
) -> Iterable[str]:
    for path in paths:
        directory = config.root / path
        at_record_place = classify(path, config).kind in RECORD_KINDS  # its loading says why
        if path and not at_record_place and directory.is_dir() and not directory.is_symlink():
            yield from files_below(config, path, unreadable)
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
        schema = contract_json(raw)
    except ContractTooDeep as exc:
        return [_whole_file(path, "SL104", str(exc))]
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
        if _absent(config.root / paper_folder(config, paper) / "synthesis.yaml")
    ]


def _absent(file: Path) -> bool:
    """Whether ``file`` surely does not exist; one in a folder that cannot be read
    might (SL017 speaks for that folder)."""
    try:
        os.lstat(file)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _unreadable_folders(folders: Iterable[str]) -> list[Finding]:
    return [
        _whole_file(
            folder,
            "SL017",
            "cannot read the folder (permission denied): its records would go unchecked; "
            "make it readable (chmod u+rx), or remove it",
        )
        for folder in sorted(set(folders))
    ]


def _unplain_names(paths: Iterable[str]) -> list[Finding]:
    """SL207, once for the first name of each path that is not plain UTF-8."""
    found: dict[str, Finding] = {}
    for path in paths:
        if is_plain_path(path):
            continue
        parts = path.split("/")
        end = next(i for i, part in enumerate(parts, 1) if not is_plain_path(part))
        name = "/".join(parts[:end])
        what = (
            "bytes that are not UTF-8"
            if any("\udc80" <= char <= "\udcff" for char in parts[end - 1])
            else "a control character"
        )
        found.setdefault(
            name,
            _whole_file(
                name,
                "SL207",
                f"the name holds {what}: git, JSON and terminals cannot show it as it is: "
                "rename it with printable UTF-8 (letters, digits, '.', '_' and '-')",
            ),
        )
    return list(found.values())


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
