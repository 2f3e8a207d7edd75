"""Writes are atomic: after any failure or interruption the old file or none is
there, never half of one (files.write_atomic, through the commands that write)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.gitrepo import python_env
from support.odd import cli, commit_all, committed, one_line_error
from synthledger.errors import SynthledgerError
from synthledger.files import make_directory, write_atomic

pytestmark = pytest.mark.usefixtures("isolated_git")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_a_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    target.write_bytes(b"old")

    write_atomic(target, b"new content")

    assert target.read_bytes() == b"new content"
    assert leftovers(tmp_path) == []


def test_an_exclusive_write_never_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "synthesis.yaml"
    target.write_bytes(b"published")

    with pytest.raises(FileExistsError):
        write_atomic(target, b"skeleton", exclusive=True)

    assert target.read_bytes() == b"published"
    assert leftovers(tmp_path) == []


def test_a_failed_write_is_one_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(SynthledgerError, match=r"^cannot write .*/missing/m\.json: No such file"):
        write_atomic(tmp_path / "missing" / "m.json", b"{}")


def test_a_directory_where_a_file_stands_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "FILE").write_text("x")

    with pytest.raises(SynthledgerError, match="a file of that name is in the way"):
        make_directory(tmp_path / "FILE")
    with pytest.raises(SynthledgerError, match="a file stands where a directory should be"):
        make_directory(tmp_path / "FILE" / "sub")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["manifest", "--out", "FILE"],
            "synthledger: error: cannot create the directory FILE: "
            "a file of that name is in the way",
        ),
        (
            ["manifest", "--out", "FILE/sub"],
            "synthledger: error: cannot create the directory "
            "FILE/sub: a file stands where a directory should be",
        ),
        (
            ["site", "--out", "FILE/sub"],
            "synthledger: error: cannot create the directory "
            "FILE/sub: a file stands where a directory should be",
        ),
        (
            ["manifest", "--out", "FILE", "--jobs", "2"],
            "synthledger: error: cannot create the directory FILE: "
            "a file of that name is in the way",
        ),
        (
            ["site", "--out", "FILE"],
            "synthledger: error: FILE is not a directory: choose another --out",
        ),
    ],
)
def test_an_out_that_is_a_file_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    archive = committed(tmp_path / "archive")
    (archive.root / "FILE").write_text("not a directory\n")

    assert one_line_error(cli(args, archive.root)) == message


def test_manifest_under_a_file_size_limit_leaves_no_truncated_json(tmp_path: Path) -> None:
    archive = committed(tmp_path / "archive", ["p1", "p2"])
    out = tmp_path / "manifests"
    assert cli(["manifest", "--out", str(out)], archive.root).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    archive.add_synthesis("p3")  # a third paper: its manifest and the index are new
    commit_all(archive.root, "publish p3")

    # A limit below the size of one manifest: the first write fails.
    limit = min(len(content) for content in before.values()) - 100
    result = cli(["manifest", "--out", str(out)], archive.root, file_size_limit=limit)

    error = one_line_error(result)
    assert error.startswith(f"synthledger: error: cannot write {out}/")
    assert error.endswith(": File too large")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    for content in before.values():
        json.loads(content)
    assert leftovers(out) == []


def test_new_under_a_file_size_limit_leaves_no_half_record(tmp_path: Path) -> None:
    archive = committed(tmp_path / "archive")

    result = cli(
        ["new", "--id", "p9", "--title", "A title", "--no-input"],
        archive.root,
        file_size_limit=500,
    )

    assert one_line_error(result).endswith("/p9/synthesis.yaml: File too large")
    assert not (archive.root / "records/papers/p9/synthesis.yaml").exists()
    assert leftovers(archive.root / "records") == []
    again = cli(["new", "--id", "p9", "--title", "A title", "--no-input"], archive.root)
    assert again.returncode == 0, again.stderr


def test_correct_under_a_file_size_limit_leaves_no_half_record(tmp_path: Path) -> None:
    archive = committed(tmp_path / "archive")
    args = ["correct", "p1", "--kind", "erratum", "--reason", "A typo.", "--no-input"]

    result = cli(args, archive.root, file_size_limit=500)

    assert one_line_error(result).endswith(".yaml: File too large")
    corrections = archive.root / "records/papers/p1/corrections"
    assert not corrections.exists() or list(corrections.iterdir()) == []


def test_manifest_interrupted_leaves_only_whole_files(tmp_path: Path) -> None:
    papers = [f"p{n}" for n in range(40)]
    archive = committed(tmp_path / "archive", papers)
    out = tmp_path / "manifests"
    process = subprocess.Popen(
        [sys.executable, "-m", "synthledger", "manifest", "--out", str(out)],
        cwd=archive.root,
        env=python_env(PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # the first manifest is written: interrupt the rest
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)

    assert "Traceback" not in stderr
    assert process.returncode in (0, 130)
    for file in out.iterdir():
        assert file.name.endswith(".json"), file.name
        json.loads(file.read_bytes())
    assert os.listdir(out)


def test_a_cache_that_is_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    archive = committed(tmp_path / "archive")
    (archive.root / "FILE").write_text("not a directory\n")

    error = one_line_error(cli(["manifest", "--out", "out", "--cache", "FILE"], archive.root))

    assert error == (
        "synthledger: error: cannot create the directory FILE: a file of that name is in the way"
    )
