"""Artifact rules: inside the paper folder (SL501), no symlinks (SL502), present (SL503),
matching their sha256 (SL504); a verified outcome carries its proof (SL505); the
artifacts a synthesis names are listed (SL506); a verified outcome rests on what the
paper pins (SL507)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.archive import (
    PAPER,
    REPORT,
    REPRO_RESULTS,
    REPRO_SCRIPT,
    Archive,
    position,
    sha256_hex,
    value_at,
)
from synthledger.checking.rules.artifacts import escapes_folder
from synthledger.findings import Finding, Severity

ERROR = Severity.ERROR
FOLDER = f"records/papers/{PAPER}"
REPORT_PATH = f"{FOLDER}/artifacts/report.md"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def _with_extra_artifact(text: str, path: str) -> str:
    """``text`` with one more artifact entry, at ``path``, appended to the synthesis."""
    return text + f'  - path: "{path}"\n    sha256: "{sha256_hex(b"")}"\n    role: other\n'


def _pinning_only_the_report(archive: Archive) -> str:
    """The template synthesis, its artifacts cut down to the report."""
    text = archive.synthesis_text()
    entry = f"  - path: artifacts/report.md\n    sha256: {sha256_hex(REPORT)}\n    role: report\n"
    return text[: text.index("  - path: artifacts/report.md")] + entry


def _pinning_the_repro(archive: Archive) -> str:
    """The template synthesis, pinning the template verification's script and results too."""
    text = archive.synthesis_text()
    for name, content, role in (
        ("repro.py", REPRO_SCRIPT, "repro-script"),
        ("results.json", REPRO_RESULTS, "repro-results"),
    ):
        if f"path: artifacts/{name}\n" not in text:
            sha = archive.artifact(PAPER, name, content)
            text += f"  - path: artifacts/{name}\n    sha256: {sha}\n    role: {role}\n"
    return text


def test_artifacts_inside_the_folder_and_matching_their_hash_pass(archive: Archive) -> None:
    archive.add_synthesis(text=_pinning_the_repro(archive))
    archive.add_verification()

    assert archive.validate() == []


# --- SL501 ----------------------------------------------------------------------------


@pytest.mark.parametrize("escaping", ["../../x", "artifacts/../../p2/artifacts/x", "..", "ab:c/x"])
def test_an_artifact_path_leaving_the_folder_fails(archive: Archive, escaping: str) -> None:
    text = _with_extra_artifact(archive.synthesis_text(), escaping)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, f'path: "{escaping}"'),
            "SL501",
            ERROR,
            f"artifact path '{escaping}' leaves the paper folder: write it relative to the "
            "folder, e.g. artifacts/repro.py, without '..' or a leading '/'",
        )
    ]


@pytest.mark.parametrize("absolute", ["/etc/passwd", "C:/x", "artifacts\\\\x"])
def test_an_absolute_artifact_path_breaks_the_contract_first(
    archive: Archive, absolute: str
) -> None:
    text = _with_extra_artifact(_pinning_only_the_report(archive), absolute)
    path = archive.add_synthesis(text=text)

    [finding] = archive.validate()

    assert (finding.path, finding.line, finding.column) == (
        path,
        *value_at(text, f'path: "{absolute}"'),
    )
    assert finding.rule == "SL103"
    assert finding.message.startswith("/artifacts/1/path: ")


@pytest.mark.parametrize("absolute", ["/etc/passwd", "C:\\x", "a\\..\\..\\x", "C:x"])
def test_absolute_paths_escape_the_folder_even_past_the_contract(absolute: str) -> None:
    assert escapes_folder(absolute)


# --- SL502 ----------------------------------------------------------------------------


def test_an_artifact_that_is_a_symlink_fails(archive: Archive, tmp_path: Path) -> None:
    text = archive.synthesis_text()
    path = archive.add_synthesis(text=text)
    outside = tmp_path / "report.md"
    outside.write_bytes(REPORT)  # same bytes, same hash: only the link is wrong
    (archive.root / REPORT_PATH).unlink()
    os.symlink(outside, archive.root / REPORT_PATH)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- path: artifacts/report.md"),
            "SL502",
            ERROR,
            "artifact 'artifacts/report.md' goes through a symlink (artifacts/report.md): "
            "commit the file itself",
        )
    ]


def test_an_artifact_inside_a_symlinked_folder_fails(archive: Archive, tmp_path: Path) -> None:
    text = _pinning_only_the_report(archive)
    path = archive.add_synthesis(text=text)
    outside = tmp_path / "elsewhere"
    (archive.root / FOLDER / "artifacts").rename(outside)
    os.symlink(outside, archive.root / FOLDER / "artifacts")

    assert archive.validate() == [
        Finding(
            f"{FOLDER}/artifacts",
            1,
            1,
            "SL502",
            ERROR,
            "is a symlink: records/ and schemas/ hold regular files only; commit the file itself",
        ),
        Finding(
            path,
            *value_at(text, "- path: artifacts/report.md"),
            "SL502",
            ERROR,
            "artifact 'artifacts/report.md' goes through a symlink (artifacts): "
            "commit the file itself",
        ),
    ]


# --- SL503 ----------------------------------------------------------------------------


def test_a_missing_artifact_fails(archive: Archive) -> None:
    text = archive.synthesis_text()
    path = archive.add_synthesis(text=text)
    (archive.root / REPORT_PATH).unlink()

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- path: artifacts/report.md"),
            "SL503",
            ERROR,
            f"artifact 'artifacts/report.md' does not exist in {FOLDER}/: "
            "add the file or fix the path",
        )
    ]


def test_an_artifact_that_is_a_directory_fails(archive: Archive) -> None:
    text = archive.synthesis_text()
    path = archive.add_synthesis(text=text)
    (archive.root / REPORT_PATH).unlink()
    (archive.root / REPORT_PATH).mkdir()

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- path: artifacts/report.md"),
            "SL503",
            ERROR,
            "artifact 'artifacts/report.md' is not a regular file",
        )
    ]


@pytest.mark.parametrize("folder", [".", "./", "artifacts"])
def test_an_artifact_path_naming_a_folder_fails(archive: Archive, folder: str) -> None:
    text = _with_extra_artifact(archive.synthesis_text(), folder)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, f'path: "{folder}"'),
            "SL503",
            ERROR,
            f"artifact '{folder}' is not a regular file",
        )
    ]


# --- SL504 ----------------------------------------------------------------------------


def test_an_artifact_whose_bytes_changed_fails(archive: Archive) -> None:
    text = archive.synthesis_text()
    path = archive.add_synthesis(text=text)
    archive.write(REPORT_PATH, REPORT + b"one more line\n")
    recorded, actual = sha256_hex(REPORT), sha256_hex(REPORT + b"one more line\n")

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, f"sha256: {recorded}"),
            "SL504",
            ERROR,
            f"artifact 'artifacts/report.md' has sha256 {actual}, not the recorded {recorded}: "
            "a published artifact never changes; restore it, or add a new file and a correction",
        )
    ]


def test_a_verification_artifact_whose_bytes_changed_fails(archive: Archive) -> None:
    synthesis = archive.add_synthesis(text=_pinning_the_repro(archive))
    path = archive.add_verification()
    archive.write(f"{FOLDER}/artifacts/results.json", b'{"latency_ratio": 0.9}\n')

    assert [(f.path, f.rule) for f in archive.validate()] == [
        (synthesis, "SL504"),
        (path, "SL504"),
    ]


# --- SL505 ----------------------------------------------------------------------------

NOT_ON_TRUST = "VERIFIED is never taken on trust: attach the artifacts"


def _verification_without_artifacts(archive: Archive, method: str, outcome: str) -> str:
    text = archive.verification_text()
    start, end = text.index("artifacts:\n"), text.index("outcome:")
    text = text[:start] + "artifacts: []\n" + text[end:]
    return text.replace("sandbox-reproduction", method).replace("outcome: verified", outcome)


@pytest.mark.parametrize(
    ("method", "needs"),
    [
        (
            "sandbox-reproduction",
            "a repro script and its results (roles repro-script and repro-results); "
            "missing: repro-results, repro-script",
        ),
        ("formal-proof", "a Lean 4 proof source (role proof-source); missing: proof-source"),
    ],
)
def test_a_verified_outcome_without_artifacts_fails(
    archive: Archive, method: str, needs: str
) -> None:
    archive.add_synthesis()
    text = _verification_without_artifacts(archive, method, "outcome: verified")
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "outcome: verified"),
            "SL505",
            ERROR,
            f"outcome verified by {method} needs {needs}. {NOT_ON_TRUST}",
        )
    ]


def test_a_verified_reproduction_without_its_results_fails(archive: Archive) -> None:
    archive.add_synthesis(text=_pinning_the_repro(archive))
    text = archive.verification_text()
    start = text.index("  - path: artifacts/results.json")
    text = text[:start] + text[text.index("outcome:") :]
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "outcome: verified"),
            "SL505",
            ERROR,
            "outcome verified by sandbox-reproduction needs a repro script and its results "
            f"(roles repro-script and repro-results); missing: repro-results. {NOT_ON_TRUST}",
        )
    ]


def test_a_failed_attempt_needs_no_artifacts(archive: Archive) -> None:
    archive.add_synthesis()
    text = _verification_without_artifacts(
        archive, "formal-proof", "outcome: failed\nreason: sorry-or-axiom"
    )
    archive.add_verification(text=text)

    assert archive.validate() == []


# --- SL506 ----------------------------------------------------------------------------

NOT_PINNED = (
    "is not among the record's artifacts: list it there with its sha256 so that it is pinned"
)


def test_a_report_artifact_not_listed_fails(archive: Archive) -> None:
    text = archive.synthesis_text().replace(
        "    path: artifacts/report.md\n  review_method",
        "    path: artifacts/full.md\n  review_method",
    )
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "path: artifacts/full.md"),
            "SL506",
            ERROR,
            f"'artifacts/full.md' {NOT_PINNED}",
        )
    ]


def test_an_import_source_not_listed_fails(archive: Archive) -> None:
    text = archive.synthesis_text().replace(
        "research_question:", "imported:\n  source: artifacts/page.txt\nresearch_question:"
    )
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "artifacts/page.txt"),
            "SL506",
            ERROR,
            f"'artifacts/page.txt' {NOT_PINNED}",
        )
    ]


# --- SL507 ----------------------------------------------------------------------------

RUN_AGAIN = "so it cannot claim verified; run the check again"


def test_a_verified_outcome_resting_on_an_unpinned_artifact_fails(archive: Archive) -> None:
    archive.add_synthesis(text=_pinning_the_repro(archive))
    sha = archive.artifact(PAPER, "helper.py", b"print('help')\n")
    text = archive.verification_text().replace(
        "outcome:", f"  - path: artifacts/helper.py\n    sha256: {sha}\n    role: other\noutcome:"
    )
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "- path: artifacts/helper.py"),
            "SL507",
            ERROR,
            f"artifact 'artifacts/helper.py' is not pinned by paper '{PAPER}' (neither its "
            "synthesis nor a correction lists it): a verified outcome rests only on what the "
            "paper pins; pin the file through a correction, then run the check again",
        )
    ]


def test_a_verified_outcome_on_other_bytes_than_the_paper_pins_fails(archive: Archive) -> None:
    # The results were changed after publication, and the attempt checked the new bytes.
    synthesis_text = _pinning_the_repro(archive)
    synthesis = archive.add_synthesis(text=synthesis_text)
    changed = b'{"latency_ratio": 0.9}\n'
    text = archive.verification_text()
    archive.write(f"{FOLDER}/artifacts/results.json", changed)
    pinned, used = sha256_hex(REPRO_RESULTS), sha256_hex(changed)
    text = text.replace(pinned, used)
    path = archive.add_verification(text=text)

    assert archive.validate() == [
        Finding(
            synthesis,
            *value_at(synthesis_text, f"sha256: {pinned}"),
            "SL504",
            ERROR,
            f"artifact 'artifacts/results.json' has sha256 {used}, not the recorded {pinned}: "
            "a published artifact never changes; restore it, or add a new file and a correction",
        ),
        Finding(
            path,
            *value_at(text, f"sha256: {used}"),
            "SL507",
            ERROR,
            f"artifact 'artifacts/results.json' has sha256 {used} here, but paper '{PAPER}' "
            f"pins {pinned}: this verification checked other bytes than the paper publishes, "
            f"{RUN_AGAIN}",
        ),
    ]


def test_artifacts_pinned_by_a_correction_count(archive: Archive) -> None:
    archive.add_synthesis(text=_pinning_only_the_report(archive))
    script, results = (
        archive.artifact(PAPER, "repro.py", REPRO_SCRIPT),
        archive.artifact(PAPER, "results.json", REPRO_RESULTS),
    )
    text = archive.correction_text().replace("kind: erratum", "kind: addendum")
    start = text.index("patch:")
    text = text[:start] + (
        "patch:\n"
        "  - op: add\n"
        "    path: /artifacts/-\n"
        f"    value: {{path: artifacts/repro.py, sha256: {script}, role: repro-script}}\n"
        "  - op: add\n"
        "    path: /artifacts/-\n"
        f"    value: {{path: artifacts/results.json, sha256: {results}, role: repro-results}}\n"
    )
    archive.add_correction(text=text)
    archive.add_verification()

    assert archive.validate() == []


def test_a_failed_outcome_may_rest_on_anything(archive: Archive) -> None:
    archive.add_synthesis(text=_pinning_the_repro(archive))
    sha = archive.artifact(PAPER, "helper.py", b"print('help')\n")
    text = archive.verification_text().replace(
        "outcome: verified",
        f"  - path: artifacts/helper.py\n    sha256: {sha}\n    role: other\n"
        "outcome: failed\nreason: output-mismatch",
    )
    archive.add_verification(text=text)

    assert archive.validate() == []
