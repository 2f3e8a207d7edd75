"""action.yml: the composite action runs ``synthledger check`` with annotations.

The check step's script runs here as GitHub would run it (bash, in the
archive, its inputs as environment variables), with this checkout's
synthledger on PATH in place of the one the action installs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.gitrepo import REPO_ROOT, python_env
from support.pagerepo import SEED_003, commit, seeds


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    return loaded


def check_step() -> dict[str, Any]:
    steps: list[dict[str, Any]] = action()["runs"]["steps"]
    (step,) = [s for s in steps if s.get("name") == "synthledger check"]
    return step


def run_step(
    root: Path, base: str = "", base_ref: str = "", before: str = ""
) -> subprocess.CompletedProcess[str]:
    env = python_env(
        SYNTHLEDGER_BASE=base, SYNTHLEDGER_BASE_REF=base_ref, SYNTHLEDGER_BEFORE=before
    )
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    return subprocess.run(
        ["bash", "-e", "-c", check_step()["run"]],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_is_a_composite_action_that_splices_no_input_into_a_script() -> None:
    loaded = action()
    assert loaded["runs"]["using"] == "composite"
    assert set(loaded["inputs"]) == {"base", "root", "python-version"}
    for step in loaded["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["run"]
    assert check_step()["working-directory"] == "${{ inputs.root }}"


def test_a_clean_archive_passes(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    result = run_step(repo.path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_edit_of_a_published_record_is_annotated_against_the_base(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    base = repo.head()
    synthesis = f"records/papers/{SEED_003}/synthesis.yaml"
    text = (repo.path / synthesis).read_text()
    commit(repo, "quietly edit", {synthesis: text.replace("Inference", "Quiet", 1)})
    result = run_step(repo.path, base=base)
    assert result.returncode == 1
    assert f"::error file={synthesis}" in result.stdout
    assert "SL70" in result.stdout


def test_a_push_is_judged_from_the_tip_it_replaced(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    before = repo.head()
    synthesis = f"records/papers/{SEED_003}/synthesis.yaml"
    text = (repo.path / synthesis).read_text()
    # An orphan holding an edited record, merged with -s ours over the old tip.
    repo.git("checkout", "-q", "--orphan", "evil")
    commit(repo, "the same archive, one record better", {synthesis: text + "# better\n"})
    repo.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "keep", before)

    pushed = run_step(repo.path, before=before)
    first_push = run_step(repo.path, before="0" * 40)

    assert pushed.returncode == 1
    assert "::error file=.,line=1,col=1,title=SL709::" in pushed.stdout
    assert first_push.returncode == 1  # the whole history: the orphan's stray root
    assert "title=SL709" in first_push.stdout
