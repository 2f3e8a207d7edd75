"""A small builder for test archives: real files in a temporary directory.

An :class:`Archive` starts with a copy of the repository's contracts
(``schemas/``) and an empty ``records/``; tests add records from YAML text or
from plain data, artifacts with their sha256, and corrections pinned to the
git blob of their target. Record templates here are valid and give no
finding, so that each test changes one thing and sees exactly one finding.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from synthledger.checking.validate import validate
from synthledger.config import load_config
from synthledger.findings import Finding
from synthledger.reading.load import load_bytes

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"

PAPER = "p1"
REPORT = b"# Quantization and code completion\n\nThe full report, as published.\n"
REPRO_SCRIPT = b"print('latency halves')\n"
REPRO_RESULTS = b'{"latency_ratio": 0.5}\n'

# A synthesis that satisfies its contract and every rule, warnings included.
SYNTHESIS_YAML = """\
contract: synthesis-v1
id: {paper}
title: Quantization effects on code completion models
publisher: Example Research
published: "2026-05-30"
research_question: "How does weight quantization change the latency and accuracy of code models?"
abstract: "Weight quantization lowers the latency of code models; accuracy drops slightly."
sections:
  introduction: "We review weight quantization for code completion models."
  methodology: "Two papers were retrieved and their claims checked."
  results: "Quantization halves latency; accuracy drops by less than a point."
  limitations: "Automated retrieval may miss relevant work."
review:
  method: Automated multi-reviewer assessment
  score: 7.5
  papers: 2
claims:
  disclosure: listed
  extracted: 2
  verified: 1
  items:
    - id: c1
      text: "Eight-bit weight quantization halves the latency of code completion models."
      verified: true
      confidence: 0.9
      references: [r1]
    - id: c2
      text: "The accuracy of quantized code completion models drops by less than one point."
      verified: false
      confidence: 0.4
      references: [r2]
references:
  - id: r1
    url: "https://arxiv.org/abs/2208.13968v1"
    arxiv: "2208.13968v1"
  - id: r2
    doi: "10.1000/xyz123"
provenance:
  contract: source-provenance-v1
  publisher: Example Research
  report_artifact:
    status: available
    path: artifacts/report.md
  review_method: Automated multi-reviewer assessment
artifacts:
  - path: artifacts/report.md
    sha256: {report_sha256}
    role: report
  - path: artifacts/repro.py
    sha256: {script_sha256}
    role: repro-script
  - path: artifacts/results.json
    sha256: {results_sha256}
    role: repro-results
"""

# An erratum that rewords claim c2 of the synthesis above.
CORRECTION_YAML = """\
contract: correction-record-v1
id: {id}
target:
  paper: {paper}
  record: synthesis.yaml
  blob: "{blob}"
kind: erratum
date: "2026-07-01"
issued_by:
  name: Archive maintainers
  role: archive-maintainer
reasons: [error-in-text]
narrative: "Claim c2 misstated the accuracy drop."
patch:
  - op: replace
    path: /claims/items/1/text
    value: "The accuracy of quantized code completion models drops by less than two points."
"""

# A passing sandbox reproduction with its script and results attached.
VERIFICATION_YAML = """\
contract: verification-record-v1
id: {id}
paper: {paper}
gate: gate-2
method: sandbox-reproduction
artifacts:
  - path: artifacts/repro.py
    sha256: {script_sha256}
    role: repro-script
  - path: artifacts/results.json
    sha256: {results_sha256}
    role: repro-results
outcome: verified
evaluated: "2026-07-02T10:00:00Z"
environment:
  interpreter: CPython 3.11.7
  platform: Linux x86_64
  network: isolated
"""

POLICY_YAML = """\
contract: policy-v1
id: {id}
effective: "{effective}"
tiers:
  - id: doi-grade
    name: DOI grade
    min_review_score: 7.0
    min_verified_claims: 5
    min_verified_ratio: 0.75
    basis: Review score and verified-claim count meet the thresholds.
default_tier:
  id: below-doi-grade
  name: Below DOI grade
  basis: Review score or verified-claim count falls short of the thresholds.
gates:
  - id: gate-2
    name: Gate 2
    short_name: Gate 2
    activated: "{effective}"
    methods: [formal-proof, sandbox-reproduction]
rationale: "Thresholds for tests."
"""


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def git_blob_sha1(content: bytes) -> str:
    """The id ``git hash-object`` gives ``content`` in a SHA-1 repository."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``occurrence``-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def value_at(text: str, entry: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the value in the ``occurrence``-th ``key: value`` ``entry``."""
    line, column = position(text, entry, occurrence)
    return line, column + entry.index(": ") + 2


def parse(text: str) -> dict[str, Any]:
    """The data of a record's YAML text, read by the project's own loader."""
    loaded = load_bytes(text.encode(), "record.yaml")
    assert loaded.document is not None, loaded.findings
    return loaded.document.data


def synthesis_data(paper: str = PAPER) -> dict[str, Any]:
    """The template synthesis as data, pinned to the template report."""
    return parse(
        SYNTHESIS_YAML.format(
            paper=paper,
            report_sha256=sha256_hex(REPORT),
            script_sha256=sha256_hex(REPRO_SCRIPT),
            results_sha256=sha256_hex(REPRO_RESULTS),
        )
    )


def dump(data: Mapping[str, Any]) -> str:
    """YAML text for ``data``; strings that YAML 1.1 would misread are quoted."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=1000)


def paper_dir(paper: str) -> str:
    return f"records/papers/{paper}"


class Archive:
    """An archive rooted at ``root``: schemas/ copied from the repository, records/ empty."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(SCHEMAS, root / "schemas")
        (root / "records").mkdir()

    @classmethod
    def at(cls, root: Path) -> Archive:
        """An Archive over ``root``, which already holds schemas/ and records/."""
        archive = cls.__new__(cls)
        archive.root = root
        return archive

    # Writing files.

    def write(self, relative: str, content: str | bytes) -> str:
        """Write ``content`` at ``relative`` (parents created); returns ``relative``."""
        file = self.root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content.encode() if isinstance(content, str) else content)
        return relative

    def write_data(self, relative: str, data: Mapping[str, Any]) -> str:
        return self.write(relative, dump(data))

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def artifact(self, paper: str, name: str, content: bytes) -> str:
        """Write ``artifacts/name`` in the paper's folder; returns its sha256."""
        self.write(f"{paper_dir(paper)}/artifacts/{name}", content)
        return sha256_hex(content)

    # Records from the templates; each returns the record's path.

    def synthesis_text(self, paper: str = PAPER) -> str:
        """The template synthesis for ``paper``, its report artifact written."""
        return SYNTHESIS_YAML.format(
            paper=paper,
            report_sha256=self.artifact(paper, "report.md", REPORT),
            script_sha256=self.artifact(paper, "repro.py", REPRO_SCRIPT),
            results_sha256=self.artifact(paper, "results.json", REPRO_RESULTS),
        )

    def add_synthesis(self, paper: str = PAPER, text: str | None = None) -> str:
        body = self.synthesis_text(paper) if text is None else text
        return self.write(f"{paper_dir(paper)}/synthesis.yaml", body)

    def blob_of(self, relative: str) -> str:
        return git_blob_sha1((self.root / relative).read_bytes())

    def correction_text(self, cid: str = "k1", paper: str = PAPER) -> str:
        """The template erratum, pinned to the blob of ``paper``'s synthesis."""
        synthesis = f"{paper_dir(paper)}/synthesis.yaml"
        blob = self.blob_of(synthesis) if (self.root / synthesis).exists() else "0" * 40
        return CORRECTION_YAML.format(id=cid, paper=paper, blob=blob)

    def add_correction(self, cid: str = "k1", paper: str = PAPER, text: str | None = None) -> str:
        body = self.correction_text(cid, paper) if text is None else text
        return self.write(f"{paper_dir(paper)}/corrections/{cid}.yaml", body)

    def verification_text(self, vid: str = "v1", paper: str = PAPER) -> str:
        """The template verification, its script and results written."""
        return VERIFICATION_YAML.format(
            id=vid,
            paper=paper,
            script_sha256=self.artifact(paper, "repro.py", REPRO_SCRIPT),
            results_sha256=self.artifact(paper, "results.json", REPRO_RESULTS),
        )

    def add_verification(self, vid: str = "v1", paper: str = PAPER, text: str | None = None) -> str:
        body = self.verification_text(vid, paper) if text is None else text
        return self.write(f"{paper_dir(paper)}/verifications/{vid}.yaml", body)

    def add_policy(self, name: str = "2026-06-10-gate-2", text: str | None = None) -> str:
        effective = name[:10]
        body = POLICY_YAML.format(id=name, effective=effective) if text is None else text
        return self.write(f"records/policy/{name}.yaml", body)

    # Checking.

    def validate(self, *paths: str) -> list[Finding]:
        """Findings for ``paths``, or for the whole archive when none are given, sorted."""
        result = validate(load_config(self.root), list(paths) if paths else None)
        return sorted(result.findings)


# Processes.

COLOUR_VARIABLES = frozenset({"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"})


def run_cli(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m synthledger ARGS`` in ``cwd``: output captured, no colour settings inherited."""
    base = {k: v for k, v in os.environ.items() if k not in COLOUR_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "synthledger", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
