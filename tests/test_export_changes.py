"""``synthledger export --to changes --since COMMIT``: what a mirror must fetch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.archive import POLICY_YAML, Archive, run_cli
from support.exporting import export
from support.pagerepo import PAPER, SEED_000, SEED_003, commit, correct, seeds


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def changes(root: Path, since: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(export(root, "--to", "changes", "--since", since))
    return document


def test_the_records_added_since_a_commit_by_kind(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    base = repo.head()
    concern = correct(repo, SEED_003, "k1", "expression-of-concern")
    Archive.at(repo.path).add_synthesis(PAPER)
    added = commit(repo, "publish p1")
    document = changes(repo.path, base)
    assert document["since"] == base and document["until"] == added
    groups = document["added"]
    assert isinstance(groups, dict)
    assert [(c["id"], c["paper"], c["commit"]) for c in groups["corrections"]] == [
        ("k1", SEED_003, concern)
    ]
    assert [(p["id"], p["commit"]) for p in groups["papers"]] == [(PAPER, added)]
    assert groups["verifications"] == [] and groups["policies"] == []
    assert document["manifests"] == [SEED_003, PAPER]
    # Nothing added since the tip itself.
    assert changes(repo.path, added)["manifests"] == []


def test_a_new_policy_asks_for_every_manifest_again(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    base = repo.head()
    policy = POLICY_YAML.format(id="2026-11-01-stricter", effective="2026-11-01")
    commit(repo, "stricter", {"records/policy/2026-11-01-stricter.yaml": policy})
    document = changes(repo.path, base)
    assert [p["id"] for p in document["added"]["policies"]] == ["2026-11-01-stricter"]  # type: ignore[index]
    assert document["manifests"] == [SEED_000, SEED_003]


def test_since_must_lie_on_the_first_parent_line(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    subprocess.run(["git", "switch", "-q", "-c", "side"], cwd=repo.path, check=True)
    side = correct(repo, SEED_003, "k1", "erratum")
    subprocess.run(["git", "switch", "-q", "main"], cwd=repo.path, check=True)
    result = run_cli(["export", "--to", "changes", "--since", side], cwd=repo.path)
    assert result.returncode == 2
    assert "not on the first-parent line" in result.stderr


def test_changes_needs_since_and_only_changes_takes_it(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    missing = run_cli(["export", "--to", "changes"], cwd=repo.path)
    assert missing.returncode == 2 and "needs --since" in missing.stderr
    misplaced = run_cli(["export", "--to", "jsonl", "--since", "HEAD"], cwd=repo.path)
    assert misplaced.returncode == 2 and "--since is for --to changes" in misplaced.stderr
