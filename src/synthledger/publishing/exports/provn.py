"""W3C PROV-N of each paper's lineage: the same document as ``prov``, in the
notation the ``prov`` library writes for free."""

from __future__ import annotations

from collections.abc import Iterator

from synthledger.publishing.exports.core import Source
from synthledger.publishing.exports.prov import document

SUFFIX = ".provn"


def render(source: Source) -> Iterator[bytes]:
    yield document(source).get_provn().encode("utf-8") + b"\n"
