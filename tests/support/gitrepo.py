"""Real git repositories for tests: ``import gitrepo`` from any test module.

Every repository has a configured user and deterministic dates, so the same
test makes the same hashes. ``isolate_git`` keeps the developer's own git
configuration and any GIT_* variables of a surrounding hook out of a test.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import synthledger

SRC = Path(synthledger.__file__).resolve().parent.parent
EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z

_tick = itertools.count()


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Make git in this process and its children ignore user and system configuration."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("NO_COLOR", "1")


def python_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that imports synthledger from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def synthledger_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m synthledger ARGS`` in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "synthledger", *args],
        cwd=cwd,
        env=python_env(),
        capture_output=True,
        text=True,
        check=False,
    )


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path, *, bare: bool = False, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", branch, *(["--bare"] if bare else []))
        repo.git("config", "user.name", "Ada Archivist")
        repo.git("config", "user.email", "ada@example.org")
        repo.git("config", "commit.gpgsign", "false")
        return repo

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run git; each call is one minute later than the last, for distinct, stable dates."""
        date = f"@{EPOCH + 60 * next(_tick)} +0000"
        full_env = {
            **os.environ,
            **(env or {}),
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        return subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=full_env,
            input=input_text,
            capture_output=True,
            text=True,
            check=False,
        )

    def git(self, *args: str, input_text: str | None = None) -> str:
        proc = self.run(*args, input_text=input_text)
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
        return proc.stdout.strip()

    def write(self, relative: str, text: str = "x: 1\n") -> Path:
        file = self.path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        return file

    def commit(self, message: str, files: Mapping[str, str] | None = None) -> str:
        """Write ``files``, stage everything, commit without hooks; the new commit's hash."""
        for relative, text in (files or {}).items():
            self.write(relative, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-m", message)
        return self.head()

    def merge(self, branch: str, message: str | None = None) -> str:
        """Merge ``branch`` into the current branch with --no-ff; the merge commit's hash."""
        self.git("merge", "-q", "--no-ff", "--no-edit", "-m", message or f"merge {branch}", branch)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def published(self) -> str:
        """A one-paper archive with a contract, committed: the hash of that commit."""
        return self.commit(
            "publish p1",
            {
                "records/papers/p1/synthesis.yaml": "title: One\nscore: 7\n",
                "schemas/synthesis-v1.json": '{"$id": "synthesis-v1"}\n',
                "README.md": "archive\n",
            },
        )


REPO_ROOT = SRC.parent


def bundled_archive(path: Path) -> GitRepo:
    """A repository holding a copy of this project's archive (schemas/, records/), committed."""
    repo = GitRepo.init(path)
    shutil.copytree(REPO_ROOT / "schemas", path / "schemas")
    shutil.copytree(REPO_ROOT / "records", path / "records")
    repo.commit("import the archive", {"pyproject.toml": "[tool.synthledger]\n"})
    return repo
