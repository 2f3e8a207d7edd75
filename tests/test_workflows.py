"""The CI workflow splits the full builds as the commands expect (archive.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "archive.yml"


def _workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps(job: str, uses: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"][job]["steps"]
    return [step for step in steps if str(step.get("uses", "")).startswith(uses)]


def test_the_site_matrix_has_as_many_shards_as_the_build_is_split_into() -> None:
    workflow = _workflow()
    shards = workflow["jobs"]["site"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    assert workflow["jobs"]["site-merge"]["needs"] == "site"


def test_each_shard_keeps_its_cache_and_uploads_the_site_marker() -> None:
    (cache,) = _steps("site", "actions/cache@")
    assert cache["with"]["key"] == "site-${{ matrix.shard }}-${{ github.sha }}"
    (upload,) = _steps("site", "actions/upload-artifact@")
    # upload-artifact leaves out hidden files unless told: without .synthledger-site the
    # merge would refuse the folder as one it did not build.
    assert upload["with"]["include-hidden-files"] is True
    (download,) = _steps("site-merge", "actions/download-artifact@")
    assert download["with"]["merge-multiple"] is True
