"""``synthledger export --to jsonl``: every manifest, one per line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.archive import run_cli
from support.exporting import export
from support.pagerepo import SEED_000, SEED_003, correct, seeds


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def test_each_line_is_the_manifest_synthledger_manifest_writes(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "expression-of-concern")
    lines = export(repo.path, "--to", "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [SEED_000, SEED_003]
    written = run_cli(["manifest", "--out", str(tmp_path / "m")], cwd=repo.path)
    assert written.returncode == 0, written.stderr
    for line in lines:
        manifest = json.loads(line)
        assert manifest == json.loads((tmp_path / "m" / f"{manifest['id']}.json").read_text())
    assert json.loads(lines[1])["status"] == "UNDER-CONCERN"
    # Compact and sorted: one paper per line, and keys in a stable order.
    assert lines[0] == json.dumps(
        json.loads(lines[0]), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_the_bytes_come_from_history_not_from_the_working_tree(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    before = export(repo.path, "--to", "jsonl")
    synthesis = repo.path / "records" / "papers" / SEED_000 / "synthesis.yaml"
    synthesis.write_text(synthesis.read_text().replace("Inference Efficiency", "Uncommitted"))
    assert export(repo.path, "--to", "jsonl") == before
    assert "Uncommitted" not in before


def test_out_writes_the_same_bytes_to_a_file(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    out = tmp_path / "bulk" / "archive.jsonl"
    assert export(repo.path, "--to", "jsonl", "--out", str(out)) == ""
    assert out.read_text() == export(repo.path, "--to", "jsonl")
    assert [p.name for p in out.parent.iterdir()] == ["archive.jsonl"]  # no temporary left


def test_ids_choose_papers_and_an_unknown_one_is_an_error(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    assert json.loads(export(repo.path, "--to", "jsonl", SEED_003))["id"] == SEED_003
    result = run_cli(["export", "--to", "jsonl", "nosuchpaper"], cwd=repo.path)
    assert result.returncode == 2
    assert "no paper nosuchpaper" in result.stderr


def test_an_earlier_revision_exports_the_archive_as_it_stood(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    before = export(repo.path, "--to", "jsonl")
    correct(repo, SEED_000, "k1", "retraction")
    assert export(repo.path, "--to", "jsonl", "--rev", "HEAD~1") == before
    assert json.loads(export(repo.path, "--to", "jsonl", SEED_000))["status"] == "RETRACTED"
