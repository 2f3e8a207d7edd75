"""What a range check reads: the changed paper folders and those equal to them ignoring case."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gitrepo import GitRepo
from synthledger.checking.scope import range_scope
from synthledger.config import load_config
from synthledger.layout import FEW_PAPERS

pytestmark = pytest.mark.usefixtures("isolated_git")

SHARDED = '[tool.synthledger]\npaper-folders = "sharded"\n'


def _synthesis(paper: str, sharded: bool) -> str:
    folder = f"{paper[:2]}/{paper}" if sharded else paper
    return f"records/papers/{folder}/synthesis.yaml"


@pytest.mark.parametrize("sharded", [True, False], ids=["sharded", "flat"])
@pytest.mark.parametrize("others", [0, FEW_PAPERS], ids=["one paper", "many papers"])
def test_a_new_paper_brings_the_folders_equal_to_it_ignoring_case(
    tmp_path: Path, sharded: bool, others: int
) -> None:
    repo = GitRepo.init(tmp_path / "archive")
    published = ["ab12", "Ab12x", "cd34"]
    files = {_synthesis(paper, sharded): "x: 1\n" for paper in published}
    base = repo.commit(
        "publish", {"pyproject.toml": SHARDED if sharded else "[tool.synthledger]\n", **files}
    )
    added = ["AB12", *(f"p{n}" for n in range(others))]
    repo.commit("add", {_synthesis(paper, sharded): "x: 1\n" for paper in added})

    scope = range_scope(load_config(repo.path), base)

    assert scope.papers == tuple(sorted(["AB12", "ab12", *added[1:]]))
    assert not scope.whole
