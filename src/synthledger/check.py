"""What CI runs: validate the tree, check additive-only history, build every manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from synthledger.checking.validate import validate
from synthledger.config import ArchiveConfig
from synthledger.deriving.manifest import ManifestSet, build_manifests
from synthledger.findings import Finding
from synthledger.ledger.additive import check_all, check_range
from synthledger.ledger.snapshot import read_snapshot
from synthledger.reading.contracts import Contracts


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    checked: int
    manifests: ManifestSet


# The stages of a check, each reported to ``on_progress`` as it ends: validation,
# the additive-only check, the manifest build.
CHECK_STAGES = 3


def check(
    config: ArchiveConfig,
    *,
    base: str | None = None,
    head: str = "HEAD",
    on_progress: Callable[[], None] | None = None,
) -> CheckResult:
    """Everything the hooks check, and more, since hooks can be skipped and CI cannot.

    ``on_progress`` is called as each of the CHECK_STAGES ends (a caller's
    progress bar; the library draws nothing)."""
    stage_done = on_progress or (lambda: None)
    validation = validate(config)
    findings = list(validation.findings)
    stage_done()
    findings.extend(check_range(config, base, head) if base else check_all(config))
    stage_done()
    contracts = Contracts.for_archive(config)
    manifests = build_manifests(read_snapshot(config, head), contracts)
    findings.extend(manifests.findings)
    stage_done()
    return CheckResult(findings, validation.checked, manifests)
