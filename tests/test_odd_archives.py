"""Archives in odd places and states: a subfolder of a larger repository, unreadable
folders, special files. Every command gives located findings or one line, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.odd import cli, committed

pytestmark = pytest.mark.usefixtures("isolated_git")


# --- an archive in a subfolder of its git repository (a monorepo) ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["manifest", "--out", "{tmp}/manifests"],
        ["audit"],
        ["show", "p1"],
        ["site", "--out", "{tmp}/site"],
        ["check"],
        ["additive", "--all"],
    ],
)
def test_every_command_works_with_the_archive_in_a_subfolder(
    tmp_path: Path, args: list[str]
) -> None:
    archive = committed(tmp_path / "monorepo", subfolder="services/archive")
    (archive.root / "pyproject.toml").write_text("[tool.synthledger]\n")

    result = cli([a.format(tmp=tmp_path) for a in args], archive.root)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_manifests_of_an_archive_in_a_subfolder_name_paths_from_its_root(tmp_path: Path) -> None:
    archive = committed(tmp_path / "monorepo", subfolder="services/archive")

    result = cli(["manifest", "p1", "--out", "-"], archive.root)

    assert result.returncode == 0, result.stderr
    assert '"path": "records/papers/p1/synthesis.yaml"' in result.stdout
