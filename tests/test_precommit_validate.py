"""The validate hook under the real pre-commit framework and a real ``git commit``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.archive import PAPER, REPO, Archive, value_at
from support.gitrepo import GitRepo, isolate_git

SYNTHESIS = f"records/papers/{PAPER}/synthesis.yaml"
HOOK_ID = "synthledger-validate"
CONFIG = f"""\
repos:
  - repo: local
    hooks:
      - id: {HOOK_ID}
        name: synthledger validate
        entry: {sys.executable} -m synthledger validate --staged
        language: unsupported
        files: ^(records|schemas)/
        require_serial: true
"""


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the whole session: tests stay apart from the user's."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pre_commit_home: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("PRE_COMMIT_COLOR", "never")


def pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """A git repository holding the contracts and one valid record, with the hook installed."""
    archive = Archive(tmp_path / "repo")
    archive.add_synthesis()
    archive.write(".pre-commit-config.yaml", CONFIG)
    repo = GitRepo.init(archive.root)
    installed = pre_commit("install", cwd=archive.root)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    repo.git("add", "-A")
    first = repo.run("commit", "-m", "contracts and the first paper")
    assert first.returncode == 0, first.stdout + first.stderr
    return archive


def commit(archive: Archive, message: str) -> tuple[int, str]:
    """Stage everything and ``git commit`` with the hooks: the exit status and all output."""
    repo = GitRepo(archive.root)
    repo.git("add", "-A")
    result = repo.run("commit", "-m", message)
    return result.returncode, result.stdout + result.stderr


def head(archive: Archive) -> str:
    return GitRepo(archive.root).head()


def test_a_good_record_is_committed(archive: Archive) -> None:
    before = head(archive)
    archive.add_synthesis("p2")

    status, output = commit(archive, "add p2")

    assert status == 0, output
    assert re.search(r"^synthledger validate\.+Passed$", output, re.MULTILINE)
    assert head(archive) != before


def test_a_bad_record_is_refused_with_its_located_finding(archive: Archive) -> None:
    before = head(archive)
    text = archive.synthesis_text("p2").replace("confidence: 0.9", "confidence: 1.5")
    path = archive.add_synthesis("p2", text=text)
    line, column = value_at(text, "confidence: 1.5")

    status, output = commit(archive, "add p2")

    assert status == 1, output
    assert re.search(r"^synthledger validate\.+Failed$", output, re.MULTILINE)
    assert (
        f"{path}:{line}:{column}: error[SL103]: /claims/items/0/confidence: 1.5 is greater "
        "than the maximum of 1"
    ) in output
    assert head(archive) == before


def test_a_synthesis_whose_artifacts_are_not_staged_is_refused(archive: Archive) -> None:
    before = head(archive)
    path = archive.add_synthesis("p2")  # writes its three artifacts too
    repo = GitRepo(archive.root)
    repo.git("add", path)  # the record only: the artifacts stay untracked
    folder = "records/papers/p2"

    result = repo.run("commit", "-m", "add p2 without its artifacts")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    text = archive.read(path)
    for name in ("report.md", "repro.py", "results.json"):
        line, column = value_at(text, f"- path: artifacts/{name}")  # the artifacts list
        assert (
            f"{path}:{line}:{column}: error[SL503]: artifact 'artifacts/{name}' is not staged, "
            f"so the commit would not hold it: git add {folder}/artifacts/{name}"
        ) in output
    assert head(archive) == before


def test_the_staged_bytes_of_an_artifact_are_the_ones_hashed(archive: Archive) -> None:
    path = archive.add_synthesis("p2")
    repo = GitRepo(archive.root)
    repo.git("add", "-A")
    report = "records/papers/p2/artifacts/report.md"
    archive.write(report, "an unstaged edit the commit would not hold\n")

    result = repo.run("commit", "-m", "add p2")  # pre-commit sets the unstaged edit aside

    assert result.returncode == 0, result.stdout + result.stderr
    assert repo.git("show", f"HEAD:{path}").startswith("contract:")


def test_a_change_outside_the_archive_skips_the_hook(archive: Archive) -> None:
    archive.write("README.md", "An archive.\n")

    status, output = commit(archive, "readme")

    assert status == 0, output
    assert re.search(r"^synthledger validate\.+\(no files to check\)Skipped$", output, re.MULTILINE)


def _untracked_package_files() -> list[str]:
    """Files the package needs that git does not track yet: try-repo cannot see them."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "src", "pyproject.toml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line[3:] for line in status.splitlines() if line.startswith("??")]


def test_the_published_hook_runs_through_try_repo(archive: Archive) -> None:
    """The smoke test of .pre-commit-hooks.yaml: pre-commit builds synthledger from the repo."""
    untracked = [f for f in _untracked_package_files() if f.endswith(".py")]
    if untracked:
        pytest.skip(
            "pre-commit try-repo builds synthledger from what git tracks (commits, staged and "
            f"modified files), and these source files are untracked: {', '.join(untracked)}"
        )
    text = archive.synthesis_text("p2").replace("confidence: 0.9", "confidence: 1.5")
    path = archive.add_synthesis("p2", text=text)
    line, column = value_at(text, "confidence: 1.5")
    GitRepo(archive.root).git("add", "-A")  # --all-files means all files git tracks

    result = pre_commit("try-repo", str(REPO), HOOK_ID, "--all-files", cwd=archive.root)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert f"{path}:{line}:{column}: error[SL103]" in output
    assert SYNTHESIS not in output  # the good record gives no finding
