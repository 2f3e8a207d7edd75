"""``synthledger export --to changes --since COMMIT``: what a mirror must fetch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.archive import POLICY_YAML, Archive, run_cli
from support.exporting import export
from support.pagerepo import PAPER, SEED_000, SEED_003, commit, correct, seeds
from synthledger.config import load_config
from synthledger.ledger.history import read_commit
from synthledger.publishing.exports.core import Source


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


def _as_a_snapshot_says(root: Path, since: str) -> dict[str, object]:
    """The changes as the whole snapshot tells them (how this export was first computed):
    each record at the tip whose first addition came after ``since``, and the papers."""
    from synthledger.config import load_config
    from synthledger.layout import FileKind
    from synthledger.ledger.history import first_parent_line
    from synthledger.ledger.snapshot import read_snapshot, utc
    from synthledger.publishing.exports.changes import GROUPS

    snapshot = read_snapshot(load_config(root))
    assert snapshot.tip is not None
    line = [sha for sha, _ in first_parent_line(root, snapshot.tip.sha)]
    newer = set(line[: line.index(since)])
    added: dict[str, list[dict[str, object]]] = {group: [] for group in GROUPS.values()}
    touched = set()
    for entry in snapshot.entries:
        if entry.added.sha in newer:
            synthesis = entry.file.kind is FileKind.SYNTHESIS
            added[GROUPS[entry.file.kind]].append(
                {
                    "id": entry.file.paper if synthesis else entry.file.stem,
                    "paper": entry.file.paper,
                    "path": entry.file.path,
                    "blob": entry.blob,
                    "commit": entry.added.sha,
                    "committed": utc(entry.added.committer_date),
                }
            )
            if entry.file.paper is not None:
                touched.add(entry.file.paper)
    if added["policies"]:
        touched.update(snapshot.papers())
    return {"added": added, "manifests": sorted(touched & set(snapshot.papers()))}


@pytest.mark.parametrize("few", [256, 0])  # paths named to git, or the wider reads
def test_the_range_alone_tells_what_the_whole_snapshot_tells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """From every commit of the line: a record deleted and added again (published the
    first time), a rename, an edit after publication, a policy, a merge, a record gone
    by the tip."""
    import synthledger.publishing.exports.changes as module

    monkeypatch.setattr(module, "FEW_PATHS", few)
    repo = seeds(tmp_path / "archive")
    archive = Archive.at(repo.path)
    archive.add_synthesis(PAPER)
    archive.add_verification("v1", PAPER)
    commit(repo, "p1 and its verification")
    verification = f"records/papers/{PAPER}/verifications/v1.yaml"
    kept = (repo.path / verification).read_text()
    (repo.path / verification).unlink()
    commit(repo, "v1 deleted, before enforcement")
    commit(repo, "v1 back", {verification: kept})
    correct(repo, SEED_003, "k1", "erratum")
    corrections = f"records/papers/{SEED_003}/corrections"
    subprocess.run(["git", "mv", f"{corrections}/k1.yaml", f"{corrections}/k2.yaml"], cwd=repo.path)
    commit(repo, "k1 renamed")
    synthesis = f"records/papers/{PAPER}/synthesis.yaml"
    commit(repo, "p1 edited", {synthesis: (repo.path / synthesis).read_text() + "\n"})
    policy = POLICY_YAML.format(id="2026-11-01-stricter", effective="2026-11-01")
    commit(repo, "stricter", {"records/policy/2026-11-01-stricter.yaml": policy})
    subprocess.run(["git", "switch", "-q", "-c", "side"], cwd=repo.path, check=True)
    archive.add_synthesis("q1")
    commit(repo, "q1 on a side branch")
    subprocess.run(["git", "switch", "-q", "main"], cwd=repo.path, check=True)
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "-m", "merge", "side"], cwd=repo.path, check=True
    )
    archive.add_synthesis("q2")
    commit(repo, "q2")
    (repo.path / "records/papers/q2/synthesis.yaml").unlink()
    commit(repo, "q2 gone")
    line = subprocess.run(
        ["git", "rev-list", "--first-parent", "HEAD"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    config = load_config(repo.path)
    tip = read_commit(repo.path, "HEAD")
    for since in line:
        source = Source(
            config=config, snapshot=None, contracts=None, ids=None, since=since, built=tip
        )
        document = module.changes(source)  # in this process, so that FEW_PATHS holds
        told = {"added": document["added"], "manifests": document["manifests"]}
        assert told == _as_a_snapshot_says(repo.path, since), since
    # And through the command, as a mirror runs it.
    assert changes(repo.path, line[-1])["manifests"] == told["manifests"]
