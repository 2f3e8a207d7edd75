"""A Crossref deposit (schema 5.5.0) of the DOI-grade papers, with Crossmark.

Each paper is a ``report-paper``; each correction in force is a notice of its
own (DOI ``<doi-prefix>/<paper>.<correction>``) whose Crossmark ``updates``
name the paper's DOI with the Crossref update type of its kind and its date,
which is how Crossref links a retraction, an erratum or a new version to what
it updates. The paper's own Crossmark block carries the archive's derived
facts (status, tier, gate) as assertions.

No library writes Crossref's schema (the ones on PyPI are a publisher's own
pipelines), so the XML is built with the standard library's ElementTree,
one paper at a time, and the tests validate it against Crossref's own XSD.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

from synthledger.errors import SynthledgerError
from synthledger.publishing.exports.core import Paper, Source, site_domain

SUFFIX = ".xml"
NAMESPACE = "http://www.crossref.org/schema/5.5.0"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
SCHEMA_LOCATION = f"{NAMESPACE} https://www.crossref.org/schemas/crossref5.5.0.xsd"

# The archive's correction kinds (correction-record-v1) as Crossref's update
# types (cm_update_type). A reinstatement has none: it cancels an earlier
# correction, whose notice then leaves the deposit's updates.
UPDATE_TYPES = {
    "erratum": "erratum",
    "clarification": "clarification",
    "addendum": "addendum",
    "correction": "correction",
    "expression-of-concern": "expression_of_concern",
    "partial-retraction": "partial_retraction",
    "retraction": "retraction",
    "withdrawal": "withdrawal",
    "new-version": "new_version",
    "reinstatement": None,
}


def render(source: Source) -> Iterator[bytes]:
    return assemble(source, (_named(paper, source) for paper in source.papers()))


def _named(paper: Paper, source: Source) -> bytes:
    if source.ids is not None and not _deposited(paper, source):
        raise SynthledgerError(
            f"paper {paper.id} is not DOI grade and states no DOI of this archive: "
            "Crossref deposits only papers that are"
        )
    return piece(paper, source)


def piece(paper: Paper, source: Source) -> bytes:
    """What ``paper`` adds to the deposit: its record and its notices, if it is deposited."""
    if not _deposited(paper, source):
        return b""
    parts = [_xml(report_paper(paper, source))]
    for correction in paper.corrections:
        if correction.in_force and UPDATE_TYPES[correction.kind] is not None:
            parts.append(_xml(notice(paper, correction.id, source)))
    return b"".join(parts)


def assemble(source: Source, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The deposit from its papers' pieces, in id order."""
    source.require("doi-prefix", "site-url", "depositor-name", "depositor-email")
    yield _head(source)
    yield from pieces
    yield b"</body>\n</doi_batch>\n"


def _deposited(paper: Paper, source: Source) -> bool:
    doi = source.doi(paper)
    return bool(doi and doi.startswith(f"{source.config.doi_prefix}/"))


def _head(source: Source) -> bytes:
    tip = source.tip
    # The batch is named and timed by the exported commit: the same history gives the same bytes.
    committed = source.committed()
    timestamp = "".join(ch for ch in committed[:19] if ch.isdigit())
    head = ET.Element("head")
    ET.SubElement(head, "doi_batch_id").text = f"synthledger-{tip.sha[:40]}"
    ET.SubElement(head, "timestamp").text = timestamp
    depositor = ET.SubElement(head, "depositor")
    ET.SubElement(depositor, "depositor_name").text = source.config.depositor_name
    ET.SubElement(depositor, "email_address").text = source.config.depositor_email
    ET.SubElement(head, "registrant").text = source.config.depositor_name
    opening = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<doi_batch xmlns="{NAMESPACE}" xmlns:jats="{JATS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{SCHEMA_LOCATION}" version="5.5.0">\n'
    )
    return opening.encode("utf-8") + _xml(head) + b"<body>\n"


def report_paper(paper: Paper, source: Source) -> ET.Element:
    """The paper's own record, with its derived facts as Crossmark assertions."""
    item = ET.Element("report-paper")
    metadata = ET.SubElement(item, "report-paper_metadata", language="en")
    _contributor(metadata, paper.publisher)
    _title(metadata, paper.title)
    if paper.abstract:
        _abstract(metadata, paper.abstract)
    _date(metadata, paper.date)
    ET.SubElement(ET.SubElement(metadata, "publisher"), "publisher_name").text = paper.publisher
    crossmark = _crossmark(metadata, source)
    custom = ET.SubElement(crossmark, "custom_metadata")
    manifest = paper.manifest
    facts = [("status", "Correction status", str(manifest["status"]))]
    if manifest["tier"]:
        facts.append(("tier", "Quality tier", str(manifest["tier"]["name"])))
    if manifest["gate"]:
        facts.append(("gate", "Gate verdict", str(manifest["gate"]["status"])))
    facts.append(
        ("archive_record", "Archive record", str(manifest["provenance"]["record"]["commit"]))
    )
    for name, label, value in facts:
        ET.SubElement(
            custom,
            "assertion",
            name=name,
            label=label,
            group_name="synthledger",
            group_label="Derived from the archive's history",
        ).text = value
    _doi_data(metadata, source.doi(paper), source.page_url(paper.id))
    return item


def notice(paper: Paper, correction: str, source: Source) -> ET.Element:
    """A correction notice: Crossmark ``updates`` name the paper it updates, by type and date."""
    entry = next(c for c in paper.corrections if c.id == correction)
    item = ET.Element("report-paper")
    metadata = ET.SubElement(item, "report-paper_metadata", language="en")
    _contributor(metadata, entry.issuer or paper.publisher)
    kind = entry.kind.replace("-", " ")
    _title(metadata, f"{kind[:1].upper()}{kind[1:]}: {paper.title}")
    if entry.narrative:
        _abstract(metadata, entry.narrative)
    dated = entry.date or ""  # the contract requires it
    _date(metadata, dated)
    ET.SubElement(ET.SubElement(metadata, "publisher"), "publisher_name").text = paper.publisher
    crossmark = _crossmark(metadata, source)
    updates = ET.SubElement(crossmark, "updates")
    update_type = UPDATE_TYPES[entry.kind]
    assert update_type is not None
    ET.SubElement(updates, "update", type=update_type, date=dated).text = source.doi(paper)
    _doi_data(
        metadata, source.notice_doi(paper, correction), source.notice_url(paper.id, correction)
    )
    return item


def _contributor(parent: ET.Element, name: str) -> None:
    contributors = ET.SubElement(parent, "contributors")
    ET.SubElement(
        contributors, "organization", sequence="first", contributor_role="author"
    ).text = name


def _title(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "titles"), "title").text = text


def _abstract(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "jats:abstract"), "jats:p").text = text


def _date(parent: ET.Element, iso: str) -> None:
    year, month, day = iso[:10].split("-")
    date = ET.SubElement(parent, "publication_date", media_type="online")
    ET.SubElement(date, "month").text = month
    ET.SubElement(date, "day").text = day
    ET.SubElement(date, "year").text = year


def _crossmark(parent: ET.Element, source: Source) -> ET.Element:
    crossmark = ET.SubElement(parent, "crossmark")
    ET.SubElement(crossmark, "crossmark_version").text = "1"
    ET.SubElement(
        crossmark, "crossmark_policy"
    ).text = f"{source.config.doi_prefix}/crossmark-policy"
    domains = ET.SubElement(crossmark, "crossmark_domains")
    domain = ET.SubElement(domains, "crossmark_domain")
    ET.SubElement(domain, "domain").text = site_domain(source.config.site_url or "")
    ET.SubElement(crossmark, "crossmark_domain_exclusive").text = "false"
    return crossmark


def _doi_data(parent: ET.Element, doi: str | None, url: str | None) -> None:
    data = ET.SubElement(parent, "doi_data")
    ET.SubElement(data, "doi").text = doi
    ET.SubElement(data, "resource").text = url


def _xml(element: ET.Element) -> bytes:
    """One element as UTF-8 text: unprefixed names are in the batch's default namespace."""
    ET.indent(element)
    return ET.tostring(element, encoding="unicode").encode("utf-8") + b"\n"
