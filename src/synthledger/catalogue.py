"""Every rule id the tool reports, with its severity and what it means: one catalogue.

The validator's rule functions take their severity and summary from here
(``checking.rules.base.rule``), the loader, the contract checks, the additive
check and the manifest build report these ids, and docs/RULES.md is this table
(``synthledger rules --format markdown``). A rule id appears nowhere else
without an entry here: tests/test_catalogue.py says so.
"""

from __future__ import annotations

from typing import NamedTuple

from synthledger.findings import Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING


class RuleInfo(NamedTuple):
    id: str
    severity: Severity
    area: str
    summary: str


AREAS = {
    "SL0": "reading: safe YAML",
    "SL1": "contracts",
    "SL2": "identity and layout",
    "SL3": "claims and references",
    "SL4": "corrections",
    "SL5": "artifacts and verifications",
    "SL6": "drift from the research question",
    "SL7": "additive-only history",
    "SL8": "manifests",
}

_ENTRIES: tuple[tuple[str, Severity, str], ...] = (
    ("SL001", ERROR, "the file is valid UTF-8"),
    ("SL002", ERROR, "the file has no byte-order mark"),
    ("SL003", ERROR, "the file holds YAML content"),
    ("SL004", ERROR, "the file is within the size limit"),
    ("SL005", ERROR, "the file is well-formed YAML"),
    ("SL006", ERROR, "the file holds one YAML document"),
    ("SL007", ERROR, "no key appears twice in a mapping"),
    ("SL008", ERROR, "no anchors, aliases or merge keys"),
    ("SL009", ERROR, "no explicit tags"),
    ("SL010", ERROR, "values nest no deeper than the limit"),
    ("SL011", ERROR, "no YAML 1.1 booleans (yes/no/on/off/y/n) unquoted"),
    ("SL012", ERROR, "no unquoted dates"),
    ("SL013", ERROR, "no numbers that YAML 1.1 and 1.2 read differently"),
    ("SL014", ERROR, "no non-finite numbers"),
    ("SL015", ERROR, "the top level is a mapping"),
    ("SL016", ERROR, "every key is text"),
    (
        "SL017",
        ERROR,
        "the file or folder can be read (not a FIFO, nor a folder at a record's place)",
    ),
    ("SL101", ERROR, "the record names a known contract"),
    ("SL102", ERROR, "the contract is of the family its place in the archive calls for"),
    ("SL103", ERROR, "the record satisfies its contract"),
    (
        "SL104",
        ERROR,
        "a contract file is a JSON Schema nested at most 64 levels, its $id matching its name",
    ),
    ("SL201", ERROR, "the id equals the paper folder's name or the file name"),
    ("SL202", ERROR, "paper ids are unique, ignoring case"),
    ("SL203", ERROR, "every file under the records folder has a place in the layout"),
    ("SL204", ERROR, "a policy file is named <effective date>-<slug>"),
    ("SL205", ERROR, "a correction or verification sits in the folder of the paper it is about"),
    ("SL206", ERROR, "every paper folder has its synthesis.yaml"),
    ("SL207", ERROR, "every name is UTF-8 without control characters"),
    ("SL301", ERROR, "every reference a claim cites is listed"),
    ("SL302", ERROR, "stated claim counts agree with the listed claims"),
    ("SL303", ERROR, "claim and reference ids are unique"),
    (
        "SL304",
        ERROR,
        "arXiv ids, DOIs, URLs, ORCID iDs and handles are well formed by their schemes",
    ),
    ("SL305", ERROR, "no source is listed twice"),
    ("SL401", ERROR, "a correction's target exists"),
    ("SL402", ERROR, "the patch applies and leaves the target valid"),
    ("SL404", ERROR, "what a correction names exists"),
    ("SL405", ERROR, "the target is the version the correction was written against"),
    ("SL501", ERROR, "an artifact path is relative and stays inside the paper folder"),
    ("SL502", ERROR, "an artifact is a regular file, not a symlink"),
    ("SL503", ERROR, "an artifact exists"),
    ("SL504", ERROR, "an artifact matches its sha256"),
    ("SL505", ERROR, "a verified outcome names the artifacts that prove it"),
    ("SL506", ERROR, "the report artifact and import source are listed artifacts"),
    (
        "SL507",
        ERROR,
        "a verified outcome rests on artifacts the paper pins, with the same sha256",
    ),
    ("SL601", WARNING, "the abstract is about the research question"),
    ("SL602", WARNING, "the claims are about the research question"),
    ("SL603", WARNING, "claim texts end as sentences, not cut off mid-word"),
    ("SL701", ERROR, "no published file is modified"),
    ("SL702", ERROR, "no published file is deleted"),
    ("SL703", ERROR, "no published file is renamed"),
    ("SL704", ERROR, "no published file changes its mode"),
    ("SL705", ERROR, "no published file changes its type (file, symlink, submodule)"),
    ("SL706", ERROR, "history was not rewritten: the base is still part of the history checked"),
    ("SL707", ERROR, "a push to the main branch only extends its first-parent line"),
    ("SL708", WARNING, "a change to a published file before enforcement began"),
    (
        "SL709",
        ERROR,
        "a base, anchor or pushed old tip is on HEAD's first-parent line, not merely an "
        "ancestor; without one, no root commit is reached only through a merge",
    ),
    (
        "SL710",
        ERROR,
        "a change to [tool.synthledger] never loosens protection: no protected folder moves, "
        "the main branch is never renamed, enforce-from is set once, to a published commit",
    ),
    ("SL711", ERROR, "no gitlink (submodule) in or above a protected folder"),
    ("SL712", ERROR, "no symlink in or above a protected folder, the folder itself included"),
    (
        "SL713",
        ERROR,
        "no new path is the same as another on a case-insensitive or Unicode-normalising "
        "file system",
    ),
    (
        "SL714",
        WARNING,
        "no replace refs or grafts file in the clone (synthledger ignores them, plain git "
        "does not)",
    ),
    (
        "SL715",
        ERROR,
        "a push changes only branches and tags: never refs/replace/* or another ref the "
        "pre-receive hook cannot judge",
    ),
    (
        "SL716",
        ERROR,
        "a change to .gitattributes keeps protected files byte-exact on checkout (no text "
        "conversion, filter, ident or working-tree-encoding)",
    ),
    ("SL801", ERROR, "the computed manifest satisfies paper-manifest-v1.1"),
    ("SL802", ERROR, "every record a manifest needs is usable"),
)

CATALOGUE: dict[str, RuleInfo] = {
    rule_id: RuleInfo(rule_id, severity, AREAS[rule_id[:3]], summary)
    for rule_id, severity, summary in _ENTRIES
}


def info(rule_id: str) -> RuleInfo:
    """The catalogue entry of ``rule_id``; a KeyError names an id nobody catalogued."""
    return CATALOGUE[rule_id]
