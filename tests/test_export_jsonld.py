"""``synthledger export --to jsonld``: schema.org ScholarlyArticle per paper, corrections linked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.exporting import export, publishing_archive
from support.pagerepo import SEED_000, SEED_003, correct, seeds


@pytest.fixture(autouse=True)
def _isolated(isolated_git: None) -> None:
    pass


def test_each_paper_is_a_scholarly_article_with_its_corrections(tmp_path: Path) -> None:
    repo = publishing_archive(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "retraction")
    articles = {a["identifier"]: a for a in json.loads(export(repo.path, "--to", "jsonld"))}
    assert sorted(articles) == [SEED_000, SEED_003]
    first = articles[SEED_000]
    assert (first["@context"], first["@type"]) == ("https://schema.org", "ScholarlyArticle")
    assert first["url"] == f"https://archive.example.org/papers/{SEED_000}/"
    assert first["sameAs"] == f"https://doi.org/10.99999/{SEED_000}"
    assert first["author"] == {"@type": "Organization", "name": "Assignee Research"}
    assert "correction" not in first
    retracted = articles[SEED_003]
    assert retracted["creativeWorkStatus"] == "RETRACTED"
    (notice,) = retracted["correction"]
    assert notice["@type"] == "CorrectionComment"
    assert notice["url"] == (f"https://archive.example.org/papers/{SEED_003}/corrections/k1.html")
    assert notice["datePublished"] == "2026-11-02"


def test_without_a_site_url_the_addresses_are_relative_to_the_page(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "erratum")
    articles = {a["identifier"]: a for a in json.loads(export(repo.path, "--to", "jsonld"))}
    assert articles[SEED_003]["url"] == "./"
    assert articles[SEED_003]["correction"][0]["url"] == "corrections/k1.html"
