"""A content-addressed cache of manifests that never changes a byte of output.

A paper's manifest is a pure function of its records as committed (path,
blob and publication commit of each, in publication order), the policy in
force (the same), the contracts records are checked against (their blobs)
and the tool's version. The cache keys each manifest, with the findings its
build gave, by a hash of exactly those; a hit skips reading and parsing the
paper's records and computing its manifest. Nothing else is read from it: a
missing, unreadable or foreign entry is a miss, and the manifest is computed
again. The folder can be kept between CI runs (actions/cache): keys name
their inputs, so an entry is never stale, only unused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from synthledger import __version__
from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import CONTRACT, iter_manifests, policy_entry_in_force, usable
from synthledger.files import make_directory, write_atomic
from synthledger.findings import Finding, Severity
from synthledger.layout import FileKind, classify
from synthledger.ledger.git import read_tree
from synthledger.ledger.snapshot import RECORD_KINDS, Entry, Snapshot, read_snapshot
from synthledger.reading.contracts import Contracts

FORMAT = 1  # of the cache entries; a new format never reads an old one


class ManifestCache:
    """Manifests and their findings, by key, in ``folder``/manifests/<2 hex>/<key>.json."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "manifests"
        self.hits = 0
        self.misses = 0

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[dict[str, Any] | None, list[Finding]] | None:
        try:
            cached = orjson.loads(self._file(key).read_bytes())
            manifest, findings = cached["manifest"], cached["findings"]
            found = [
                Finding(p, line, column, rule, Severity(severity), message, commit)
                for p, line, column, rule, severity, message, commit in findings
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or not ours: compute it again
        if not isinstance(manifest, dict | None) or cached.get("key") != key:
            return None
        return manifest, found

    def put(self, key: str, manifest: dict[str, Any] | None, findings: Sequence[Finding]) -> None:
        entry = {
            "key": key,
            "manifest": manifest,
            "findings": [
                [f.path, f.line, f.column, f.rule, str(f.severity), f.message, f.commit]
                for f in findings
            ],
        }
        try:
            content = orjson.dumps(entry)
        except TypeError:
            return  # a path that is not UTF-8 (SL207) cannot be stored: computed each time
        file = self._file(key)
        make_directory(file.parent)
        write_atomic(file, content, durable=False)


def cached_manifests(
    config: ArchiveConfig,
    rev: str,
    cache: ManifestCache,
    findings: list[Finding],
    keep: Callable[[str], bool] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(paper, manifest) of every paper ``keep`` accepts (default: all), sorted, as
    ``iter_manifests`` gives them, with the papers whose key is cached not read at all."""
    contracts = Contracts.for_archive(config)
    # The history and the policies, but no paper's records yet.
    index = read_snapshot(config, rev, keep=lambda paper: False)
    if index.tip is None:
        return
    policy = policy_entry_in_force(usable(index, contracts, findings))
    records = _records_by_paper(config, index, keep)
    common = {
        "format": FORMAT,
        "tool": __version__,
        "manifest": CONTRACT,
        "contracts": sorted(read_tree(config.root, index.tip.sha, config.schemas_dir).items()),
        "policy": _inputs([policy]) if policy is not None else None,
    }
    keys = {paper: _key(common, entries) for paper, entries in records.items()}
    cached = {paper: cache.get(key) for paper, key in keys.items()}
    misses = sorted(paper for paper, hit in cached.items() if hit is None)
    cache.hits, cache.misses = len(records) - len(misses), len(misses)
    built = _built(config, rev, index, misses, contracts)
    for paper in sorted(records):
        hit = cached[paper]
        if hit is None:
            built_paper, manifest, paper_findings = next(built)
            assert built_paper == paper
            cache.put(keys[paper], manifest, paper_findings)
        else:
            manifest, paper_findings = hit
        findings.extend(paper_findings)
        if manifest is not None:
            yield paper, manifest


def _built(
    config: ArchiveConfig,
    rev: str,
    index: Snapshot,
    papers: Sequence[str],
    contracts: Contracts,
) -> Iterator[tuple[str, dict[str, Any] | None, list[Finding]]]:
    """(paper, manifest, its findings) of each of ``papers``, sorted; only their records
    are read. The manifest is None where the paper's synthesis cannot be used."""
    if not papers:
        return
    wanted = sorted(papers)
    snapshot = read_snapshot(config, rev, keep=set(wanted).__contains__, history=index.history)
    findings: list[Finding] = []
    by_paper: dict[str, list[Finding]] = {}
    pending = iter(wanted)
    for paper, manifest in iter_manifests(snapshot, contracts, wanted, findings):
        for finding in findings:
            owner = classify(finding.path, config).paper
            if owner is not None:  # a policy's finding is the index's, reported once
                by_paper.setdefault(owner, []).append(finding)
        del findings[:]
        for skipped in pending:  # papers before this one gave no manifest
            if skipped == paper:
                break
            yield skipped, None, by_paper.pop(skipped, [])
        yield paper, manifest, by_paper.pop(paper, [])
    for skipped in pending:
        yield skipped, None, by_paper.pop(skipped, [])


def _records_by_paper(
    config: ArchiveConfig, index: Snapshot, keep: Callable[[str], bool] | None
) -> dict[str, list[tuple[str, str, str]]]:
    """Each paper with a synthesis: (path, blob, publication commit) of its records,
    in publication order."""
    assert index.tip is not None
    tree = read_tree(config.root, index.tip.sha, config.records_dir)
    records: dict[str, list[tuple[str, str, str]]] = {}
    with_synthesis: set[str] = set()
    for path, history in index.history.paths.items():  # publication order
        blob = tree.get(path)
        if blob is None:
            continue
        file = classify(path, config)
        if file.paper is None or file.kind not in RECORD_KINDS:
            continue
        if keep is not None and not keep(file.paper):
            continue
        records.setdefault(file.paper, []).append((path, blob, history.added.sha))
        if file.kind is FileKind.SYNTHESIS:
            with_synthesis.add(file.paper)
    return {paper: entries for paper, entries in records.items() if paper in with_synthesis}


def _inputs(entries: Sequence[Entry]) -> list[tuple[str, str, str]]:
    return [(e.file.path, e.blob, e.added.sha) for e in entries]


def _key(common: dict[str, Any], records: list[tuple[str, str, str]]) -> str:
    document = {**common, "records": records}
    try:
        data = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        # A path that is not UTF-8 (SL207): ASCII escapes keep it apart from every other.
        data = json.dumps(document, sort_keys=True).encode("ascii")
    return hashlib.sha256(data).hexdigest()
