"""Reading records from git objects: blobs streamed through one cat-file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from support.gitrepo import GitRepo, isolate_git
from synthledger.errors import SynthledgerError
from synthledger.ledger.git import stream_blobs

MISSING = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch, tmp_path / "home")
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("two files", {"a.yaml": "a: 1\n", "b.yaml": "b: 2\n"})
    return repo


def blob(repo: GitRepo, path: str) -> str:
    return repo.git("rev-parse", f"HEAD:{path}")


def test_blobs_come_back_in_the_order_asked(repo: GitRepo) -> None:
    a, b = blob(repo, "a.yaml"), blob(repo, "b.yaml")

    assert list(stream_blobs(repo.path, [b, a, b])) == [b"b: 2\n", b"a: 1\n", b"b: 2\n"]


def test_a_missing_object_is_one_clear_error(repo: GitRepo) -> None:
    with pytest.raises(SynthledgerError) as raised:
        list(stream_blobs(repo.path, [blob(repo, "a.yaml"), MISSING]))

    assert str(raised.value) == f"git cat-file: object {MISSING} cannot be read"


def test_stopping_early_leaves_no_git_behind(repo: GitRepo) -> None:
    # Far more than a pipe holds: git would block writing them if not stopped.
    many = [blob(repo, "a.yaml")] * 20_000
    stream = stream_blobs(repo.path, many)

    assert next(stream) == b"a: 1\n"
    closing = threading.Thread(target=stream.close)
    closing.start()
    closing.join(timeout=30)

    assert not closing.is_alive(), "closing the stream hangs: git still blocks the feeder"
