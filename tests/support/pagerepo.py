"""Real archives for the page, show and site tests: ``import pagerepo`` from a test module.

``seeds`` is a repository holding a copy of the bundled archive (the two
seeds and their policy); ``correct`` adds a correction to a paper in a later
commit, so that a page can be read before and after it. Commits are dated
after the seeds' policy took effect, so that its tier and gate apply.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from support.archive import Archive, dump, synthesis_data
from support.gitrepo import REPO_ROOT, GitRepo
from synthledger.config import load_config
from synthledger.ledger.git import git_blob_hash
from synthledger.publishing.model import Pages
from synthledger.publishing.page import read_pages

SEED_000 = "5291ede05b044497"
SEED_003 = "ff1b47c123e856ad"
PAPER = "p1"
# Seed 000's public page as published, byte for byte (the record pins its sha256).
SEED_000_PAGE = REPO_ROOT / "records" / "papers" / SEED_000 / "artifacts" / "public-page.txt"


# After the seeds' policy took effect (2026-06-10): its tier and gate apply.
SEED_EPOCH = 1_793_527_200  # 2026-11-01T10:00:00Z
_tick = itertools.count()


def commit(repo: GitRepo, message: str, files: Mapping[str, str] | None = None) -> str:
    """Like ``GitRepo.commit``, but one minute apart from 2026-11-01 on.

    The seeds' policy is in force at these dates.
    """
    for relative, text in (files or {}).items():
        repo.write(relative, text)
    date = f"@{SEED_EPOCH + 60 * next(_tick)} +0000"
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for args in (["add", "-A"], ["commit", "-q", "--no-verify", "-m", message]):
        subprocess.run(["git", *args], cwd=repo.path, env=env, check=True, capture_output=True)
    return repo.head()


def seeds(path: Path) -> GitRepo:
    """A repository holding this project's contracts, policy and the two seed papers, committed.

    Only the seeds: papers added to the bundled archive later do not change these tests.
    """
    repo = GitRepo.init(path)
    shutil.copytree(REPO_ROOT / "schemas", path / "schemas")
    shutil.copytree(REPO_ROOT / "records" / "policy", path / "records" / "policy")
    for paper in (SEED_000, SEED_003):
        shutil.copytree(
            REPO_ROOT / "records" / "papers" / paper, path / "records" / "papers" / paper
        )
    commit(repo, "import the archive", {"pyproject.toml": "[tool.synthledger]\n"})
    return repo


def one_paper(path: Path, data: dict[str, object] | None = None) -> tuple[GitRepo, Archive]:
    """A repository with the template synthesis (or ``data``) and a policy in force, committed."""
    repo = GitRepo.init(path)
    archive = Archive(repo.path)
    archive.add_policy("2026-06-10-gate-2")
    archive.add_synthesis(PAPER, dump(data) if data is not None else None)
    commit(repo, "publish p1", {"pyproject.toml": "[tool.synthledger]\n"})
    return repo, archive


def template(**changes: object) -> dict[str, object]:
    """The template synthesis of ``p1`` with top-level ``changes``."""
    return {**synthesis_data(PAPER), **changes}


def correct(
    repo: GitRepo,
    paper: str,
    cid: str,
    kind: str,
    patch: str = "[]",
    extra: str = "",
) -> str:
    """Add correction ``cid`` of ``kind`` to ``paper`` in a commit of its own; its hash."""
    target = repo.path / "records" / "papers" / paper / "synthesis.yaml"
    blob = git_blob_hash(target.read_bytes())
    text = f"""contract: correction-record-v1
id: {cid}
target:
  paper: {paper}
  record: synthesis.yaml
  blob: "{blob}"
kind: {kind}
date: "2026-11-02"
issued_by:
  name: Ada Archivist
  role: archive-maintainer
reasons: [error-in-text]
narrative: The record needs amending.
patch: {patch}
{extra}"""
    return commit(repo, f"{kind} {cid}", {f"records/papers/{paper}/corrections/{cid}.yaml": text})


def pages_of(repo: GitRepo, rev: str = "HEAD") -> Pages:
    return read_pages(load_config(repo.path), rev)
