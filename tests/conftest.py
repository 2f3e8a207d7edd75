"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gitrepo import isolate_git


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git in this test and its children ignores the user's and the system's configuration."""
    isolate_git(monkeypatch, tmp_path / "home")
