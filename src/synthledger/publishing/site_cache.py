"""A content-addressed cache of the site's paper folders that never changes a byte.

Everything the site holds of one paper (its folder's files, its index entry,
its timeline events, its piece of each export: a
:class:`~synthledger.publishing.paper_files.PaperFiles`) is a pure function
of the paper's manifest and current view, the blobs of the files in its
folder, the papers that replace it, its policy's default tier, the export
settings and formats, the templates and the tool's version (a page names
the newest commit of its records, not the build commit: templating.py).
The cache keys each paper's share by a hash of exactly those; a hit skips
rendering it (the pages, pybtex, the exports). An entry that is missing,
damaged or not ours is a miss, computed again. The folder can be kept
between CI runs (actions/cache): keys name their inputs, so an entry is
never stale, only unused.

An entry is a JSON header (its key, the texts, and the name and length of
each file) followed by the files' bytes: no pickle, so a cache restored from
elsewhere can give wrong bytes to nobody but a miss.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import orjson

from synthledger import __version__
from synthledger.deriving.manifest_files import dumps_bytes
from synthledger.deriving.stream import BuiltPaper
from synthledger.files import make_directory, write_atomic
from synthledger.layout import paper_folder
from synthledger.publishing.paper_files import Context, Event, PaperFiles
from synthledger.publishing.templating import TEMPLATES

FORMAT = 3  # of the entries; a new format never reads an old one
HEADER = struct.Struct(">Q")  # the length of the JSON header


class SiteCache:
    """Each paper's share of the site, by key, in ``folder``/site/<2 hex>/<key>."""

    def __init__(self, folder: Path, context: Context) -> None:
        self.folder = folder / "site"
        self.hits = 0
        self.misses = 0
        self._common = _hash(
            {
                "format": FORMAT,
                "tool": __version__,
                "templates": _templates(),
                "settings": [
                    context.source.config.doi_prefix,
                    context.source.config.site_url,
                    context.source.config.depositor_name,
                    context.source.config.depositor_email,
                ],
                "exports": list(context.exports),
            }
        )
        self._context = context

    @property
    def common_key(self) -> str:
        """A hash of what every paper's share of the site shares (beside its manifest's)."""
        return self._common

    def key(self, paper: BuiltPaper) -> str:
        assert paper.manifest is not None
        tier = paper.manifest["tier"]
        return _hash(
            {
                "common": self._common,
                "id": paper.id,
                "folder": paper_folder(self._context.config, paper.id),
                "manifest": dumps_bytes(paper.manifest).decode("utf-8", "surrogateescape"),
                "view": paper.view,
                "files": sorted(paper.files.items()),
                "replacements": list(paper.replacements),
                "default_tier": self._context.default_tiers.get(tier["policy"]) if tier else None,
            }
        )

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> PaperFiles | None:
        try:
            found = _read(self._file(key).read_bytes(), key)
        except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error):
            found = None  # absent or not ours: render it again
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, paper: PaperFiles) -> None:
        files = [(name, content) for group in _groups(paper) for name, content in group.items()]
        header = {
            "key": key,
            "id": paper.id,
            "entry": paper.entry,
            "options": [list(option) for option in paper.options],
            "events": [[e.commit, e.path, e.entry, e.month] for e in paper.events],
            "rests_on": paper.rests_on,
            "groups": [list(group) for group in _groups(paper)],
            "sizes": [len(content) for _, content in files],
        }
        try:
            head = orjson.dumps(header)
        except TypeError:
            return  # a path that is not UTF-8 (SL207) cannot be stored: rendered each time
        file = self._file(key)
        make_directory(file.parent)
        write_atomic(file, [HEADER.pack(len(head)), head, *(c for _, c in files)], durable=False)


def _groups(paper: PaperFiles) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    return paper.files, paper.policies, paper.exports


def _read(data: bytes, key: str) -> PaperFiles | None:
    (size,) = HEADER.unpack_from(data)
    start = HEADER.size + size
    header = orjson.loads(data[HEADER.size : start])
    if header["key"] != key or start + sum(header["sizes"]) != len(data):
        return None
    sizes = iter(header["sizes"])
    groups: list[dict[str, bytes]] = []
    for names in header["groups"]:
        group = {}
        for name in names:
            length = next(sizes)
            group[str(name)] = data[start : start + length]
            start += length
        groups.append(group)
    files, policies, exports = groups
    return PaperFiles(
        str(header["id"]),
        files,
        policies,
        str(header["entry"]),
        tuple((str(k), str(v)) for k, v in header["options"]),
        tuple(Event(str(c), str(p), str(e), str(m)) for c, p, e, m in header["events"]),
        exports,
        str(header["rests_on"]),
    )


def _templates() -> str:
    """A hash of every template and static file the site renders from."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _hash(document: dict[str, Any]) -> str:
    try:
        data = orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # A value orjson refuses (a path that is not UTF-8, an integer past 64 bits):
        # the standard library's ASCII escapes keep it apart from every other.
        try:
            data = json.dumps(document, sort_keys=True, default=repr).encode("ascii")
        except TypeError:  # keys of several types: the same records give the same repr
            data = repr(document).encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()
