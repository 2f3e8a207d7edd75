"""References: identifiers well formed by their schemes; no source listed twice."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from synthledger.checking import identifiers
from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.layout import FileKind

ARXIV_IN_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:\.pdf)?$")


def _references(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    references = data.get("references")
    if not isinstance(references, list):
        return []
    return [(index, entry) for index, entry in enumerate(references) if isinstance(entry, dict)]


ARXIV_ADVICE = "write it like 2208.13968v1 or hep-th/9901001, without a URL"
DOI_ADVICE = "write it like 10.1000/xyz123, without 'doi:' or a resolver URL"
URL_ADVICE = "write the full link, e.g. https://arxiv.org/abs/2208.13968v1"
# What a text says is wrong with an identifier of each scheme, and how to write one.
SCHEMES: dict[str, tuple[str, Callable[[str], str | None], str]] = {
    "arxiv": ("an arXiv identifier", identifiers.arxiv_problem, ARXIV_ADVICE),
    "doi": ("a DOI", identifiers.doi_problem, DOI_ADVICE),
    "url": ("an http(s) URL", identifiers.url_problem, URL_ADVICE),
    "handle": ("a handle", identifiers.handle_problem, "write it like 20.500.12345/abc"),
}
# The first, terse reasons need no repeating: the advice says what the form is.
_SHAPE_ONLY = (
    "not of the form YYMM.NNNNN or archive/YYMMNNN",
    "not 10.<registrant>/<suffix>",
    "not <prefix>/<suffix>",
    "not http:// or https:// and a host",
    "it holds a space or control character",
)


def identifier_message(scheme: str, text: str) -> str | None:
    """How ``text`` fails as an identifier of ``scheme``, with the fix; None if it does not."""
    what, problem_of, advice = SCHEMES[scheme]
    problem = problem_of(text)
    if problem is None:
        return None
    reason = "" if problem in _SHAPE_ONLY else f" ({problem})"
    return f"{text!r} is not {what}{reason}: {advice}"


@rule("SL304", [FileKind.SYNTHESIS])
def well_formed(ctx: RecordContext) -> Iterator[Hit]:
    for index, entry in _references(ctx.data):
        for scheme in ("arxiv", "doi", "url"):
            value = entry.get(scheme)
            message = identifier_message(scheme, value) if isinstance(value, str) else None
            if message is not None:
                yield Hit(("references", index, scheme), message)
    provenance = ctx.data.get("provenance")
    external = provenance.get("external_record") if isinstance(provenance, dict) else None
    if isinstance(external, dict):
        named, identifier = external.get("scheme"), external.get("identifier")
        if named in SCHEMES and isinstance(identifier, str):
            message = identifier_message(named, identifier)
            if message is not None:
                yield Hit(("provenance", "external_record", "identifier"), message)


def _keys(entry: dict[str, Any]) -> set[str]:
    """What identifies a source, normalised so that the same source compares equal."""
    keys: set[str] = set()
    url, doi, arxiv = entry.get("url"), entry.get("doi"), entry.get("arxiv")
    if isinstance(url, str):
        parts = identifiers.split_url(url.strip())
        if parts is None:  # SL304 says why; the same text is still the same source
            keys.add(f"url:{url.strip()}")
        else:
            keys.add(f"url:{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}")
        found = ARXIV_IN_URL.search(url)
        if found:
            keys.add(f"arxiv:{found.group(1).lower()}")
    if isinstance(doi, str):
        keys.add(f"doi:{doi.lower()}")
    if isinstance(arxiv, str):
        keys.add(f"arxiv:{arxiv.lower()}")
    return keys


@rule("SL305", [FileKind.SYNTHESIS])
def no_duplicates(ctx: RecordContext) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for index, entry in _references(ctx.data):
        keys = _keys(entry)
        earlier = sorted({seen[key] for key in keys if key in seen})
        if earlier:
            yield Hit(
                ("references", index),
                f"reference {entry.get('id')!r} lists the same source as reference "
                f"{earlier[0] + 1}: remove the duplicate and cite the first",
            )
        for key in keys:
            seen.setdefault(key, index)
