"""Paths are bytes until shown, and record text is data: a name that is not UTF-8 or
holds control characters is refused by its own rule (SL207), every reporter shows it
escaped, JSON output stays valid UTF-8, and nothing crashes on such a name in history."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from support.archive import Archive
from support.odd import cli, commit_all, committed
from synthledger.findings import Finding, Severity
from synthledger.report import report
from synthledger.showing import is_plain_path, one_line, prose, shown_path

pytestmark = pytest.mark.usefixtures("isolated_git")

LATIN1 = os.fsdecode(b"caf\xe9")  # "café" as Latin-1 bytes: not UTF-8
SL207_FIX = (
    "git, JSON and terminals cannot show it as it is: rename it with printable UTF-8 "
    "(letters, digits, '.', '_' and '-')"
)


# --- showing.py -----------------------------------------------------------------------


def test_a_path_is_shown_with_undecodable_bytes_and_controls_escaped() -> None:
    assert shown_path(f"records/papers/{LATIN1}/a\nb\x1b[31m") == (
        "records/papers/caf\\xe9/a\\nb\\x1b[31m"
    )
    assert shown_path("records/papers/é/synthesis.yaml") == "records/papers/é/synthesis.yaml"


def test_prose_keeps_line_breaks_and_escapes_terminal_commands() -> None:
    assert (
        prose("one\ntwo\tthree\x1b]0;pwned\x07\u202e") == "one\ntwo\tthree\\x1b]0;pwned\\x07\\u202e"
    )
    assert one_line("one\ntwo") == "one\\ntwo"


@pytest.mark.parametrize(
    ("path", "plain"),
    [
        ("records/papers/p1/synthesis.yaml", True),
        ("records/papers/é/synthesis.yaml", True),
        (f"records/papers/{LATIN1}/synthesis.yaml", False),
        ("records/papers/a\nb/synthesis.yaml", False),
        ("records/papers/a\x7fb/synthesis.yaml", False),
    ],
)
def test_a_plain_path_is_utf8_without_controls(path: str, plain: bool) -> None:
    assert is_plain_path(path) is plain


# --- SL207 in validate ----------------------------------------------------------------


def test_sl207_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis(LATIN1, archive.synthesis_text(LATIN1).replace(f"id: {LATIN1}", "id: p1"))

    result = cli(["validate"], archive.root)

    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first == (
        "records/papers/caf\\xe9:1:1: error[SL207]: the name holds bytes that are not UTF-8: "
        + SL207_FIX
    )


def test_sl207_a_file_name_with_a_newline_is_one_finding_on_one_line(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.write("records/papers/p1/corrections/a\nb.yaml", "x: 1\n")

    result = cli(["validate"], archive.root)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        "records/papers/p1/corrections/a\\nb.yaml:1:1: error[SL207]: the name holds a "
        f"control character: {SL207_FIX}"
    ) in lines
    assert all(line.startswith("records/") for line in lines[:-1]), lines
    assert lines[-1].endswith(" files checked")


def test_json_output_is_valid_utf8_whatever_the_file_names(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.write(f"records/papers/p1/corrections/{LATIN1}.yaml", "x: 1\n")

    result = cli(["validate", "--format", "json"], archive.root)

    raw = result.stdout.encode("utf-8", "surrogateescape")
    findings = json.loads(raw.decode("utf-8"))  # strict: raw bytes would fail here
    assert {f["path"] for f in findings} >= {"records/papers/p1/corrections/caf\\xe9.yaml"}
    assert any(f["rule"] == "SL207" for f in findings)


# --- a name already in history --------------------------------------------------------


@pytest.fixture
def published_latin1(tmp_path: Path) -> Archive:
    """An archive whose history holds a paper folder named with non-UTF-8 bytes."""
    archive = committed(tmp_path / "archive")
    archive.add_synthesis(LATIN1, archive.synthesis_text(LATIN1).replace(f"id: {LATIN1}", "id: p1"))
    commit_all(archive.root, "publish a paper under a Latin-1 name")
    return archive


@pytest.mark.parametrize(
    "args",
    [
        ["manifest", "--out", "{tmp}/out"],
        ["manifest", "--out", "{tmp}/out", "--cache", "{tmp}/cache"],
        ["site", "--out", "{tmp}/out"],
        ["check"],
    ],
)
def test_a_non_utf8_name_in_history_is_a_finding_not_a_crash(
    published_latin1: Archive, tmp_path: Path, args: list[str]
) -> None:
    command = args[0]
    args = [*(a.format(tmp=tmp_path) for a in args), "--format", "json"]

    result = cli(args, published_latin1.root)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    # As JSON writes the shown path records/papers/caf\xe9/...: valid UTF-8.
    assert '"records/papers/caf\\\\xe9' in result.stdout + result.stderr
    if command == "manifest":
        names = sorted(p.name for p in (tmp_path / "out").iterdir())
        assert names == ["index.json", "p1.json"]
        for file in (tmp_path / "out").iterdir():
            json.loads(file.read_bytes().decode("utf-8"))


# --- terminal safety ------------------------------------------------------------------


def test_show_escapes_terminal_commands_in_a_record(tmp_path: Path) -> None:
    archive = committed(tmp_path / "archive")
    text = archive.synthesis_text().replace(
        "title: Quantization effects on code completion models",
        'title: "Quantization \\e[31meffects\\e]0;pwned\\a"',
    )
    archive.add_synthesis(text=text)
    commit_all(archive.root, "a title with escape sequences")

    result = cli(["show", "p1"], archive.root)

    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Quantization \\x1b[31meffects\\x1b]0;pwned\\x07" in result.stdout


def test_the_text_reporter_escapes_controls_from_record_text() -> None:
    finding = Finding(
        f"records/papers/{LATIN1}/synthesis.yaml",
        2,
        3,
        "SL601",
        Severity.WARNING,
        "the abstract says \x1b[2J\nline two",
    )
    for fmt in ("text", "github", "json"):
        out = io.StringIO()
        report([finding], fmt, stream=out)
        text = out.getvalue()
        assert "\x1b" not in text and "\udce9" not in text, fmt
        text.encode("utf-8")
    out = io.StringIO()
    report([finding], "text", stream=out)
    assert out.getvalue().splitlines()[0] == (
        "records/papers/caf\\xe9/synthesis.yaml:2:3: warning[SL601]: "
        "the abstract says \\x1b[2J\\nline two"
    )


def test_a_folder_name_that_is_not_a_paper_id_is_left_out_of_the_manifests(
    tmp_path: Path,
) -> None:
    archive = committed(tmp_path / "archive")
    archive.add_synthesis(
        "sp ace", archive.synthesis_text("sp ace").replace("id: sp ace", "id: p1")
    )
    commit_all(archive.root, "a paper folder with a space")

    result = cli(["manifest", "--out", str(tmp_path / "out")], archive.root)

    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        "records/papers/sp ace/synthesis.yaml:1:1: error[SL802]: left out of the manifests: "
        "its folder name 'sp ace' is not a paper id (SL201); run synthledger validate on it",
        "1 error, 0 warnings",
    ]
