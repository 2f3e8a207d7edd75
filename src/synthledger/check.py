"""What CI runs: validate the tree, check additive-only history, build every manifest."""

from __future__ import annotations

from dataclasses import dataclass

from synthledger.additive import check_all, check_range
from synthledger.config import ArchiveConfig
from synthledger.contracts import Contracts
from synthledger.findings import Finding
from synthledger.manifest import ManifestSet, build_manifests
from synthledger.snapshot import read_snapshot
from synthledger.validate import validate


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    checked: int
    manifests: ManifestSet


def check(config: ArchiveConfig, *, base: str | None = None, head: str = "HEAD") -> CheckResult:
    """Everything the hooks check, and more, since hooks can be skipped and CI cannot."""
    validation = validate(config)
    findings = list(validation.findings)
    findings.extend(check_range(config, base, head) if base else check_all(config))
    contracts = Contracts.for_archive(config)
    manifests = build_manifests(read_snapshot(config, head), contracts)
    findings.extend(manifests.findings)
    return CheckResult(findings, validation.checked, manifests)
