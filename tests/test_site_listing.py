"""A sharded archive's site lists papers by id prefix and events by month: no page, and
no file of the exports, grows with the archive; one new paper rewrites its own part's."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support.archive import Archive, git_blob_sha1, run_cli
from support.exporting import PUBLISHING, SITE_EXPORT_FILES
from support.gitrepo import GitRepo, isolate_git
from support.pagerepo import SEED_000, SEED_003, commit, seeds
from synthledger.publishing.listing import Listing

SHARDED = PUBLISHING.replace(
    "[tool.synthledger]\n", '[tool.synthledger]\npaper-folders = "sharded"\n'
)
EXPORTS = sorted(SITE_EXPORT_FILES)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def _sharded(repo: GitRepo) -> None:
    """Move every paper folder written flat into its bucket (layout.py)."""
    papers = repo.path / "records" / "papers"
    for folder in sorted(papers.iterdir()):
        if len(folder.name) > 2:
            bucket = papers / folder.name[:2]
            bucket.mkdir(exist_ok=True)
            shutil.move(folder, bucket / folder.name)


def _add(repo: GitRepo, message: str, *papers: str) -> None:
    archive = Archive.at(repo.path)
    for paper in papers:
        archive.add_synthesis(paper)
    _sharded(repo)
    commit(repo, message)


def _correct(repo: GitRepo, paper: str, cid: str) -> None:
    folder = f"records/papers/{paper[:2]}/{paper}"
    text = Archive.at(repo.path).correction_text(cid, paper)
    blob = git_blob_sha1((repo.path / folder / "synthesis.yaml").read_bytes())
    commit(
        repo, f"erratum {cid}", {f"{folder}/corrections/{cid}.yaml": text.replace("0" * 40, blob)}
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """The seeds, sharded, with the export settings and three papers in two parts."""
    repo = seeds(tmp_path / "archive")
    _sharded(repo)
    commit(repo, "shard the paper folders", {"pyproject.toml": SHARDED})
    _add(repo, "three papers", "pa1", "pa2", "pb1")
    return repo


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _build(repo: GitRepo, out: Path, *args: str) -> str:
    done = run_cli(["site", "--out", str(out), *args], cwd=repo.path)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    return done.stderr


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def _links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def _broken_links(site: Path) -> list[str]:
    broken = []
    for page in site.rglob("*.html"):
        for link in _links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # the web, or a place on the page itself
            if not (page.parent / unquote(parts.path)).resolve().is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


def test_the_index_lists_the_parts_and_each_part_its_papers(repo: GitRepo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _build(repo, site)
    top = sorted(p.name for p in site.iterdir())
    assert top == sorted(
        [
            ".synthledger-site",
            "exports",
            f"index-{SEED_000[:2]}.html",
            "index-pa.html",
            "index-pb.html",
            f"index-{SEED_003[:2]}.html",
            "index.html",
            "papers",
            "policy",
            "static",
            "timeline-2026-11.html",
            "timeline.html",
        ]
    )
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "5 papers in the archive, listed in parts" in index
    assert (
        '<li><a href="index-pa.html"><code>pa</code></a> <span class="detail">2 papers</span>'
        in index
    )
    part = (site / "index-pa.html").read_text(encoding="utf-8")
    assert 'data-id="pa1"' in part and 'data-id="pa2"' in part and 'data-id="pb1"' not in part
    assert "2 papers whose id begins with <code>pa</code>" in part
    assert 'href="exports/pa/archive.jsonl"' in part
    # The part's page names the newest commit its papers rest on, not the build's.
    assert f'up to commit <code class="sha">{repo.head()}</code>' in part
    assert "Built from commit" in index and "Built from commit" not in part
    assert _broken_links(site) == []
    # The script that goes to a paper by its id ships only with a site listed in parts.
    assert sorted(p.name for p in (site / "static").iterdir()) == [
        "filter.js",
        "parts.js",
        "site.css",
    ]
    # No whole-archive file, and no deposit: it would name the build commit in every part.
    assert sorted(p.relative_to(site).as_posix() for p in (site / "exports").rglob("*.*")) == [
        f"exports/{part}/{name}"
        for part in sorted([SEED_000[:2], "pa", "pb", SEED_003[:2]])
        for name in EXPORTS
    ]


def test_the_parts_of_each_export_make_the_whole_export(repo: GitRepo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _build(repo, site)
    folders = sorted((site / "exports").iterdir())
    whole = run_cli(["export", "--to", "jsonl"], cwd=repo.path)
    assert whole.returncode == 0, whole.stderr
    assert b"".join((f / "archive.jsonl").read_bytes() for f in folders) == whole.stdout.encode()
    items = [item for f in folders for item in json.loads((f / "archive.csl.json").read_text())]
    csl = run_cli(["export", "--to", "csl"], cwd=repo.path)
    assert items == json.loads(csl.stdout)


def test_one_new_paper_rewrites_only_its_parts_pages(repo: GitRepo, tmp_path: Path) -> None:
    """With the cache, into the last build's folder: the bytes of a build without it,
    and the other parts' files not written again."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    _build(repo, site, "--cache", str(cache))
    other = [site / "index-pa.html", site / "exports" / "pa" / "archive.jsonl"]
    before = [path.stat().st_ino for path in other]
    _add(repo, "one more paper", "pb2")
    said = _build(repo, site, "--cache", str(cache))
    assert "; 5 papers from the cache" in said, said
    assert _files(site) == _files(_plain(repo, tmp_path / "plain-1"))
    assert [path.stat().st_ino for path in other] == before
    assert 'data-id="pb2"' in (site / "index-pb.html").read_text(encoding="utf-8")
    # A correction: its paper's part and the month of its commit.
    _correct(repo, "pa1", "k1")
    _build(repo, site, "--cache", str(cache))
    assert _files(site) == _files(_plain(repo, tmp_path / "plain-2"))
    # The only paper of a part breaks: the part's page and files are gone.
    _add(repo, "a paper alone in its part", "zz1")
    _build(repo, site, "--cache", str(cache))
    assert (site / "index-zz.html").is_file()
    Archive.at(repo.path).write("records/papers/zz/zz1/synthesis.yaml", "contract: synthesis-v1\n")
    commit(repo, "zz1 broken")
    done = run_cli(["site", "--out", str(site), "--cache", str(cache)], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    assert _files(site) == _files(_plain(repo, tmp_path / "plain-3", code=1))
    assert not (site / "index-zz.html").exists() and not (site / "exports" / "zz").exists()


def _plain(repo: GitRepo, out: Path, code: int = 0) -> Path:
    done = run_cli(["site", "--out", str(out)], cwd=repo.path)
    assert done.returncode == code, done.stderr
    return out


def test_jobs_and_shards_give_the_bytes_of_one_build(repo: GitRepo, tmp_path: Path) -> None:
    plain = _files(_plain(repo, tmp_path / "plain"))
    _build(repo, tmp_path / "jobs", "--jobs", "2")
    assert _files(tmp_path / "jobs") == plain
    split = tmp_path / "split"
    for k in (1, 2, 3):
        _build(repo, split, "--shard", f"{k}/3")
    done = run_cli(["site", "--out", str(split), "--merge"], cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert _files(split) == plain


def test_a_build_of_the_other_layout_into_the_folder_leaves_nothing_of_the_last(
    repo: GitRepo, tmp_path: Path
) -> None:
    """Flat over sharded, then sharded over flat: the bytes of a build into a new folder."""
    flat = seeds(tmp_path / "flat")
    site = tmp_path / "site"
    _build(repo, site)
    _build(flat, site)
    assert _files(site) == _files(_plain(flat, tmp_path / "plain-flat"))
    assert sorted(p.name for p in site.iterdir() if p.suffix == ".html") == [
        "index.html",
        "timeline.html",
    ]
    _build(repo, site)
    assert _files(site) == _files(_plain(repo, tmp_path / "plain-sharded"))
    assert not any(p.is_file() for p in (site / "exports").iterdir())  # only the parts' folders


@pytest.mark.parametrize(
    ("paper", "part"),
    [
        ("ab12", "ab"),
        ("Ab12", "ab"),  # beside ab…: a case-insensitive file system would merge the two
        ("a", "a"),
        ("a.1", "a."),
        ("-x1", "other"),  # breaks the id pattern (validate says so)
        ("\u00e91", "other"),
    ],
)
def test_the_part_of_a_paper(paper: str, part: str) -> None:
    assert Listing(split=True).part(paper) == part
    assert Listing(split=False).part(paper) == ""


@pytest.mark.parametrize(
    ("committed", "month"),
    [("2026-11-02T10:00:00Z", "2026-11"), ("", "other"), ("yesterday", "other")],
)
def test_the_month_of_an_event(committed: str, month: str) -> None:
    assert Listing(split=True).month(committed) == month


def test_ids_that_differ_in_case_share_a_part(repo: GitRepo, tmp_path: Path) -> None:
    """Ab1 and ab2: one page, not index-Ab.html beside index-ab.html, which a
    case-insensitive file system (macOS, Windows) would make one file."""
    _add(repo, "two papers a case apart", "Ab1", "ab2")
    site = tmp_path / "site"
    done = run_cli(["site", "--out", str(site)], cwd=repo.path)
    assert done.stdout == "", done.stderr
    part = (site / "index-ab.html").read_text(encoding="utf-8")
    assert 'data-id="Ab1"' in part and 'data-id="ab2"' in part
    assert sorted(p.name for p in site.glob("index-*b.html")) == ["index-ab.html", "index-pb.html"]
    assert sorted(p.name for p in (site / "exports").iterdir() if p.name.lower() == "ab") == ["ab"]
    assert _broken_links(site) == []
