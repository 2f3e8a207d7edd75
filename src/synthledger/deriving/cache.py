"""A content-addressed cache of built papers that never changes a byte of output.

A paper's manifest (and the current view it rests on) is a pure function of
its records as committed (path, blob and publication commit of each, in
publication order), the policy in force (the same), the contracts records
are checked against (their bytes) and the tool's version. The cache keys
each built paper, with the findings its build gave, by a hash of exactly
those; a hit skips reading and parsing the paper's records and computing its
manifest. Nothing else is read from it: a missing, unreadable or foreign
entry is a miss, and the paper is built again. The folder can be kept between
CI runs (actions/cache): keys name their inputs, so an entry is never stale,
only unused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from synthledger import __version__
from synthledger.deriving.manifest import CONTRACT
from synthledger.deriving.stream import Build, BuiltPaper, Publication
from synthledger.files import make_directory, write_atomic
from synthledger.findings import Finding

FORMAT = 2  # of the cache entries; a new format never reads an old one


class ManifestCache:
    """Built papers by key, in ``folder``/manifests/<2 hex>/<key>.json, for one build.

    Give it to ``Build.papers(cache=...)``; ``hits`` and ``misses`` count what it did.
    """

    def __init__(self, folder: Path, build: Build) -> None:
        self.folder = folder / "manifests"
        self.hits = 0
        self.misses = 0
        policy = build.policy
        self._common = {
            "format": FORMAT,
            "tool": __version__,
            "manifest": CONTRACT,
            "contracts": sorted(
                (name, hashlib.sha256(content).hexdigest())
                for name, content in build.contracts.items()
            ),
            "policy": [policy.file.path, policy.blob, policy.added.sha] if policy else None,
        }

    @property
    def common_key(self) -> str:
        """A hash of what every paper's manifest shares: the tool, the contracts, the policy."""
        return hashlib.sha256(orjson.dumps(self._common, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def reuse(self, paper: str, records: Sequence[Publication]) -> BuiltPaper | None:
        hit = self._get(self._key(records), paper)
        if hit is None:
            self.misses += 1
        else:
            self.hits += 1
        return hit

    def keep(self, records: Sequence[Publication], built: BuiltPaper) -> None:
        key = self._key(records)
        entry = {
            "key": key,
            "paper": built.id,
            "manifest": built.manifest,
            "view": built.view,
            "replacements": list(built.replacements),
            "findings": [finding.as_row() for finding in built.findings],
        }
        try:
            content = orjson.dumps(entry)
        except TypeError:
            return  # a path that is not UTF-8 (SL207) cannot be stored: built each time
        file = self._file(key)
        make_directory(file.parent)
        write_atomic(file, content, durable=False)

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _get(self, key: str, paper: str) -> BuiltPaper | None:
        try:
            cached = orjson.loads(self._file(key).read_bytes())
            manifest, view = cached["manifest"], cached["view"]
            replacements = tuple(str(r) for r in cached["replacements"])
            found = tuple(Finding.from_row(row) for row in cached["findings"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or not ours: build it again
        if (
            cached.get("key") != key
            or cached.get("paper") != paper
            or not isinstance(manifest, dict | None)
            or not isinstance(view, dict | None)
        ):
            return None
        return BuiltPaper(paper, manifest, view, {}, replacements, found)

    def _key(self, records: Sequence[Publication]) -> str:
        document: dict[str, Any] = {**self._common, "records": [list(r) for r in records]}
        try:
            data = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            # A path that is not UTF-8 (SL207): ASCII escapes keep it apart from every other.
            data = json.dumps(document, sort_keys=True).encode("ascii")
        return hashlib.sha256(data).hexdigest()
