"""``synthledger export --to ris``: one RPRT record per paper, read back by rispy."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import run_cli
from support.exporting import publishing_archive
from support.pagerepo import PAPER, SEED_000, SEED_003, correct, one_paper, template


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def ris(root: Path) -> bytes:
    result = run_cli(["export", "--to", "ris", "--out", str(root / "out.ris")], cwd=root)
    assert result.returncode == 0, result.stderr
    return (root / "out.ris").read_bytes()


def records(content: bytes) -> list[dict[str, list[str]]]:
    """The records of an RIS file, tag -> values, checking every line's shape."""
    found: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    for line in content.decode("utf-8").split("\r\n")[:-1]:
        tag, sep, value = line[:2], line[2:6], line[6:]
        assert sep == "  - " and tag.isalnum() and tag.isupper(), repr(line)
        if tag == "TY":
            assert current is None, "TY before the previous record's ER"
            current = {}
        assert current is not None, "a tag outside a record"
        if tag == "ER":
            found.append(current)
            current = None
        else:
            current.setdefault(tag, []).append(value)
    assert current is None, "the last record has no ER"
    return found


def test_every_paper_is_one_record_with_crlf_lines(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "retraction")
    content = ris(repo.path)
    assert content.endswith(b"ER  - \r\n") and b"\n" not in content.replace(b"\r\n", b"")
    found = {r["ID"][0]: r for r in records(content)}
    assert sorted(found) == [SEED_000, SEED_003]
    first = found[SEED_000]
    assert first["TY"] == ["RPRT"] and first["AU"] == ["Assignee Research"]
    assert first["DO"] == [f"10.99999/{SEED_000}"]
    assert first["UR"] == [f"https://archive.example.org/papers/{SEED_000}/"]
    assert found[SEED_003]["N1"] == ["Status: retracted"]


def test_a_line_break_in_a_record_never_starts_a_tag(tmp_path: Path) -> None:
    repo, _ = one_paper(tmp_path / "archive", template(abstract="First line.\nER  - fake\nTY  - X"))
    (record,) = records(ris(repo.path))
    assert record["AB"] == ["First line. ER - fake TY - X"]
    assert record["ID"] == [PAPER]
