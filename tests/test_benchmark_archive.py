"""The benchmark archives (benchmarks/archive.py) and the per-commit cases, on tiny archives.

The batched history must give the same tip tree as the full one and the same
one-paper pull request in HEAD: that is what lets its figures stand for the
full history's wherever a case reads the tip or the pull request.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks import runner, trees
from benchmarks.archive import Built, build, paper_folder, paper_id
from benchmarks.cases import COMMIT_SCRIPT, CORRECTION_SCRIPT

PAPERS = 20
BATCH = 6  # 19 papers before HEAD: batches of 6, 6, 6 and 1

pytestmark = pytest.mark.usefixtures("isolated_git")


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


def _pull_request(built: Built) -> list[str]:
    return _git(built.root, "diff-tree", "-r", "--name-status", "HEAD~1", "HEAD").splitlines()


@pytest.mark.parametrize("layout", ["flat", "sharded"])
def test_batched_history_ends_in_the_full_historys_tip_and_pull_request(
    tmp_path: Path, layout: str
) -> None:
    full = build(tmp_path / "full", PAPERS, layout)
    batched = build(tmp_path / "batched", PAPERS, layout, history="batched", batch=BATCH)

    for rev in ("HEAD^{tree}", "HEAD~1^{tree}"):
        assert _git(batched.root, "rev-parse", rev) == _git(full.root, "rev-parse", rev)
    assert batched.pull_request_folder == full.pull_request_folder
    assert _pull_request(batched) == _pull_request(full)
    added = _pull_request(batched)
    assert len(added) == 5  # synthesis, verification, three artifacts
    assert all(line.startswith(f"A\t{batched.pull_request_folder}/") for line in added)
    # The opening commit, 4 batches each with its notes commit, the pull request.
    assert batched.commits == 1 + 2 * 4 + 1
    assert _git(batched.root, "rev-list", "--count", "HEAD") == str(batched.commits)
    assert full.commits == 1 + 2 * (PAPERS - 1) + 1
    assert (batched.layout, batched.history) == (layout, "batched")


def test_an_unknown_history_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="history must be one of"):
        build(tmp_path / "a", PAPERS, history="squashed")


def test_the_commit_script_adds_one_paper_and_leaves_the_archive_alone(tmp_path: Path) -> None:
    built = build(tmp_path / "archive", PAPERS, "sharded", history="batched", batch=BATCH)
    scratch = tmp_path / "scratch"
    new_folder = paper_folder(paper_id(PAPERS), "sharded")
    objects_before = _git(built.root, "count-objects", "-v")
    script = [sys.executable, str(COMMIT_SCRIPT)]
    prepare = [*script, "prepare", str(scratch), built.pull_request_folder, new_folder]
    subprocess.run(prepare, cwd=built.root, check=True)
    made = {
        kind: subprocess.run(
            [*script, "commit", str(scratch), kind],
            cwd=built.root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for kind in ("paper", "notes")
    }

    # The new objects are in the scratch folder, read with the archive's as an alternate.
    env = {
        "GIT_OBJECT_DIRECTORY": str(scratch / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(built.root / ".git" / "objects"),
        "PATH": "/usr/bin:/bin",
    }
    paper = _git(built.root, "diff-tree", "-r", "HEAD", made["paper"], env=env).splitlines()
    source = _git(built.root, "ls-tree", "-r", "HEAD", f"{built.pull_request_folder}/")
    assert {_added(line, new_folder) for line in paper} == {
        _listed(line, built.pull_request_folder) for line in source.splitlines()
    }  # the pull request's blobs, under the new folder
    notes = _git(built.root, "diff-tree", "-r", "--name-only", "HEAD", made["notes"], env=env)
    assert notes == "notes/log.txt"
    assert _git(built.root, "count-objects", "-v") == objects_before
    assert _git(built.root, "status", "--porcelain") == ""


def _added(line: str, folder: str) -> tuple[str, str]:
    """(blob, path inside folder) of a ``git diff-tree`` line that adds a file to folder."""
    info, path = line.split("\t", 1)
    _, _, _, blob, status = info.split()
    assert status == "A"
    return blob, path.removeprefix(f"{folder}/")


def _listed(line: str, folder: str) -> tuple[str, str]:
    """(blob, path inside folder) of a ``git ls-tree`` line."""
    info, path = line.split("\t", 1)
    return info.split()[2], path.removeprefix(f"{folder}/")


def test_trees_written_lists_the_folders_above_the_new_paper(tmp_path: Path) -> None:
    flat = build(tmp_path / "flat", PAPERS, "flat", history="batched", batch=BATCH)
    sharded = build(tmp_path / "sharded", PAPERS, "sharded", history="batched", batch=BATCH)

    assert [t.path for t in trees.written(flat.root, flat.pull_request_folder)] == [
        "",
        "records",
        "records/papers",
    ]
    papers = trees.written(flat.root, flat.pull_request_folder)[-1]
    assert papers.entries == PAPERS
    assert papers.size == int(_git(flat.root, "cat-file", "-s", "HEAD:records/papers"))
    bucket = sharded.pull_request_folder.rsplit("/", 1)[0]
    listed = trees.written(sharded.root, sharded.pull_request_folder)
    assert [t.path for t in listed] == ["", "records", "records/papers", bucket]


def test_the_runner_builds_the_batched_history_in_its_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    args = ["--papers", "12", "--layout", "flat", "--history", "batched", "--repeat", "1"]
    cases = ["--case", "commit-paper", "--case", "log-paper", "--case", "diff-stat"]
    assert runner.main([*args, *cases, "--work", str(work), "--json"]) == 0

    assert [p.name for p in work.iterdir() if p.name.startswith("archive")] == [
        "archive-flat-12-batched"
    ]
    shown = json.loads(capsys.readouterr().out)
    assert [(r["case"], r["history"]) for r in shown["rows"]] == [
        ("commit-paper", "batched"),
        ("log-paper", "batched"),
        ("diff-stat", "batched"),
    ]
    assert shown["trees"]["archive-flat-12-batched"][-1]["entries"] == 12


def test_a_note_written_before_layout_and_history_were_recorded_still_loads(
    tmp_path: Path,
) -> None:
    built = runner.archive(tmp_path, 3, "sharded")
    note = built.root / ".git" / runner.BUILT_NOTE
    fields = json.loads(note.read_text(encoding="utf-8"))
    del fields["layout"], fields["history"]
    note.write_text(json.dumps(fields), encoding="utf-8")

    assert runner.archive(tmp_path, 3, "sharded") == built


def test_the_correction_script_makes_a_pull_request_in_a_clone(tmp_path: Path) -> None:
    """check-pr-correction's preparation: a shared clone whose HEAD adds one filled-in
    correction of the oldest paper, which the range check passes; the archive unchanged."""
    built = build(tmp_path / "archive", PAPERS, "sharded", history="batched", batch=BATCH)
    folder = paper_folder(paper_id(0), "sharded")
    status_before = _git(built.root, "status", "--porcelain")
    tool = Path(sys.executable).with_name("synthledger")
    script = [sys.executable, str(CORRECTION_SCRIPT), str(tool), str(tmp_path / "scratch")]
    subprocess.run([*script, folder], cwd=built.root, check=True, capture_output=True)
    pr = tmp_path / "scratch" / "pr"

    assert _git(pr, "rev-parse", "HEAD~1") == _git(built.root, "rev-parse", "HEAD")
    added = _git(pr, "diff-tree", "-r", "--name-status", "HEAD~1", "HEAD").split("\t")
    assert added[0] == "A" and added[1].startswith(f"{folder}/corrections/")
    checked = subprocess.run(
        [tool, "check", "--base", "HEAD~1", "--root", str(pr)], capture_output=True, text=True
    )
    assert (checked.returncode, checked.stdout.splitlines()[-1]) == (
        0,
        "0 errors, 0 warnings in 3 files checked",
    )
    assert _git(built.root, "status", "--porcelain") == status_before
