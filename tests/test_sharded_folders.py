"""paper-folders = "sharded": every command finds papers at papers/<first two characters>/<id>/.

The same archive laid out flat and sharded gives the same findings and the
same manifests, but for the paths they name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support.archive import run_cli
from support.gitrepo import REPO_ROOT, GitRepo
from support.pagerepo import SEED_000, SEED_003, commit

SHARDED = '[tool.synthledger]\npaper-folders = "sharded"\n'


def _archive(path: Path, *, sharded: bool) -> GitRepo:
    """The two seeds and their policy, flat or sharded, committed."""
    repo = GitRepo.init(path)
    shutil.copytree(REPO_ROOT / "schemas", path / "schemas")
    shutil.copytree(REPO_ROOT / "records" / "policy", path / "records" / "policy")
    for paper in (SEED_000, SEED_003):
        folder = f"{paper[:2]}/{paper}" if sharded else paper
        shutil.copytree(REPO_ROOT / "records" / "papers" / paper, path / "records/papers" / folder)
    config = SHARDED if sharded else "[tool.synthledger]\n"
    commit(repo, "import the archive", {"pyproject.toml": config})
    return repo


def _flat_paths(text: str) -> str:
    return text.replace(f"/{SEED_000[:2]}/{SEED_000}/", f"/{SEED_000}/").replace(
        f"/{SEED_003[:2]}/{SEED_003}/", f"/{SEED_003}/"
    )


def _cli(repo: GitRepo, *args: str, code: int = 0) -> str:
    done = run_cli(list(args), cwd=repo.path)
    assert done.returncode == code, done.stdout + done.stderr
    return done.stdout


# The two archives were committed apart: their commits and times differ, nothing else.
WHEN = frozenset({"commit", "date", "evaluated", "committed"})


def _timeless(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: _timeless(v)
            for k, v in value.items()
            if k not in WHEN and not (k == "published" and isinstance(v, str))  # index.json's
        }
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


@pytest.fixture
def flat(tmp_path: Path) -> GitRepo:
    return _archive(tmp_path / "flat", sharded=False)


@pytest.fixture
def sharded(tmp_path: Path) -> GitRepo:
    return _archive(tmp_path / "sharded", sharded=True)


def test_validate_finds_the_same_in_both_layouts(flat: GitRepo, sharded: GitRepo) -> None:
    found = _cli(sharded, "validate", "--format", "json")
    assert json.loads(_flat_paths(found)) == json.loads(_cli(flat, "validate", "--format", "json"))
    assert f"records/papers/{SEED_003[:2]}/{SEED_003}/synthesis.yaml" in found  # drift warnings


def test_manifests_are_the_same_but_for_the_paths(
    flat: GitRepo, sharded: GitRepo, tmp_path: Path
) -> None:
    _cli(flat, "manifest", "--out", str(tmp_path / "m-flat"))
    _cli(sharded, "manifest", "--out", str(tmp_path / "m-sharded"))
    for name in (f"{SEED_000}.json", f"{SEED_003}.json", "index.json"):
        text = (tmp_path / "m-sharded" / name).read_text(encoding="utf-8")
        if name != "index.json":
            assert f"records/papers/{SEED_000[:2]}/" in text or f"/{SEED_003[:2]}/" in text
        flat_text = (tmp_path / "m-flat" / name).read_text(encoding="utf-8")
        assert _timeless(json.loads(_flat_paths(text))) == _timeless(json.loads(flat_text))


def test_a_paper_out_of_its_bucket_is_claimed_by_no_contract(sharded: GitRepo) -> None:
    source = sharded.path / "records/papers" / SEED_000[:2] / SEED_000 / "synthesis.yaml"
    sharded.write(f"records/papers/zz/{SEED_000}x/synthesis.yaml", source.read_text())
    findings = json.loads(_cli(sharded, "validate", "--format", "json", code=1))
    assert {(f["path"], f["rule"]) for f in findings if f["severity"] == "error"} == {
        (f"records/papers/zz/{SEED_000}x/synthesis.yaml", "SL203")
    }


def test_a_range_check_and_the_site_follow_the_layout(sharded: GitRepo, tmp_path: Path) -> None:
    base = sharded.head()
    written = _cli(sharded, "new", "--no-input", "--title", "A new synthesis", "--id", "ab12cd")
    assert "records/papers/ab/ab12cd/synthesis.yaml" in written
    commit(sharded, "add ab12cd")
    findings = json.loads(_cli(sharded, "check", "--base", base, "--format", "json", code=1))
    assert {f["path"] for f in findings} == {"records/papers/ab/ab12cd/synthesis.yaml"}
    sharded.git("rm", "-q", "-r", "records/papers/ab")
    commit(sharded, "not yet")
    _cli(sharded, "site", "--out", str(tmp_path / "site"))
    page = (tmp_path / "site" / "papers" / SEED_003 / "index.html").read_text(encoding="utf-8")
    assert 'href="synthesis.yaml"' in page
    assert (tmp_path / "site" / "papers" / SEED_003 / "synthesis.yaml").is_file()


def test_an_unknown_layout_is_refused(sharded: GitRepo) -> None:
    sharded.write("pyproject.toml", '[tool.synthledger]\npaper-folders = "deep"\n')
    done = run_cli(["validate"], cwd=sharded.path)
    assert done.returncode == 2
    assert "paper-folders must be 'flat' or 'sharded', not 'deep'" in done.stderr
