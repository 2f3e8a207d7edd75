"""validate on real clones: a pin means the bytes git stores, whatever a checkout made of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gitrepo import bundled_archive, isolate_git, synthledger_cli


@pytest.fixture
def crlf_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the bundled archive made with core.autocrlf=true (Git for Windows'
    default): every text artifact is checked out with CRLF line ends."""
    isolate_git(monkeypatch, tmp_path / "home")
    origin = bundled_archive(tmp_path / "origin")
    clone = tmp_path / "clone"
    origin.git("clone", "-q", "-c", "core.autocrlf=true", str(origin.path), str(clone))
    report = clone / "records/papers/ff1b47c123e856ad/artifacts/report.md"
    assert b"\r\n" in report.read_bytes()  # the checkout did convert
    return clone


def test_an_autocrlf_clone_of_untouched_artifacts_passes(crlf_clone: Path) -> None:
    result = synthledger_cli("validate", "--format", "json", cwd=crlf_clone)

    assert result.returncode == 0, result.stdout
    assert "SL504" not in result.stdout


def test_an_edit_in_an_autocrlf_clone_is_still_refused(crlf_clone: Path) -> None:
    report = crlf_clone / "records/papers/ff1b47c123e856ad/artifacts/report.md"
    report.write_bytes(report.read_bytes() + b"an edit\r\n")

    result = synthledger_cli("validate", "--format", "json", cwd=crlf_clone)

    assert result.returncode == 1
    assert "error" in result.stdout and "SL504" in result.stdout
