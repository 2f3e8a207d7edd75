"""``synthledger site``: the static site's files, bytes and safety, without a browser."""

from __future__ import annotations

import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.archive import run_cli
from support.exporting import PUBLISHING, SITE_EXPORT_FILES
from support.gitrepo import isolate_git
from support.pagerepo import PAPER, SEED_000, SEED_003, commit, correct, one_paper, seeds, template
from support.terminal import Terminal
from synthledger.publishing.site import MARKER

PAGES = (f"papers/{SEED_000}/index.html", f"papers/{SEED_003}/index.html")
CITE_FILES = ("cite.bib", "cite.json")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


def build(root: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> None:
    result = run_cli(["site", "--out", str(out), *args], cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_the_site_has_an_index_a_timeline_and_a_folder_per_paper(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    build(repo.path, tmp_path / "site")
    assert sorted(tree(tmp_path / "site")) == sorted(
        [
            MARKER,
            "index.html",
            "timeline.html",
            "static/site.css",
            "static/filter.js",
            "policy/2026-06-10-gate-2-and-doi-grade.yaml",
            *PAGES,
            f"papers/{SEED_000}/synthesis.yaml",
            f"papers/{SEED_000}/manifest.json",
            f"papers/{SEED_000}/artifacts/public-page.txt",
            f"papers/{SEED_003}/synthesis.yaml",
            f"papers/{SEED_003}/manifest.json",
            f"papers/{SEED_003}/artifacts/report.md",
            *(f"papers/{p}/{name}" for p in (SEED_000, SEED_003) for name in CITE_FILES),
            *(f"exports/{name}" for name in SITE_EXPORT_FILES),
        ]
    )


def test_the_same_history_gives_the_same_bytes_on_any_clone(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    correct(repo, SEED_003, "k1", "erratum")
    build(repo.path, tmp_path / "one")
    build(repo.path, tmp_path / "two")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.path), str(clone)], check=True)
    # Another time zone and locale must not show in the bytes.
    build(clone, tmp_path / "three", env={"TZ": "Pacific/Kiritimati", "LC_ALL": "C"})
    one = tree(tmp_path / "one")
    assert one == tree(tmp_path / "two") == tree(tmp_path / "three")


def test_each_manifest_is_the_one_synthledger_manifest_writes(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    build(repo.path, tmp_path / "site")
    manifests = tmp_path / "manifests"
    assert run_cli(["manifest", "--out", str(manifests)], cwd=repo.path).returncode == 0
    for paper in (SEED_000, SEED_003):
        beside = tmp_path / "site" / "papers" / paper / "manifest.json"
        assert beside.read_bytes() == (manifests / f"{paper}.json").read_bytes()


def test_records_are_the_committed_bytes_not_the_working_tree(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    record = f"records/papers/{SEED_003}/synthesis.yaml"
    committed = subprocess.run(
        ["git", "show", f"HEAD:{record}"], cwd=repo.path, capture_output=True, check=True
    ).stdout
    (repo.path / record).write_text("title: edited but never committed\n", encoding="utf-8")
    build(repo.path, tmp_path / "site")
    copied = tmp_path / "site" / "papers" / SEED_003 / "synthesis.yaml"
    assert copied.read_bytes() == committed
    page = (tmp_path / "site" / "papers" / SEED_003 / "index.html").read_text(encoding="utf-8")
    assert "edited but never committed" not in page


def test_a_correction_is_copied_and_on_the_timeline_with_its_commit(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    commit = correct(repo, SEED_003, "k1", "expression-of-concern")
    build(repo.path, tmp_path / "site")
    folder = tmp_path / "site" / "papers" / SEED_003
    assert (folder / "corrections" / "k1.yaml").read_bytes() == (
        repo.path / "records" / "papers" / SEED_003 / "corrections" / "k1.yaml"
    ).read_bytes()
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f'data-commit="{commit}" data-record="k1"' in page
    timeline = (tmp_path / "site" / "timeline.html").read_text(encoding="utf-8")
    assert f'data-commit="{commit}" data-paper="{SEED_003}"' in timeline


def test_the_site_at_an_earlier_commit_has_no_later_correction(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    before = repo.head()
    correct(repo, SEED_003, "k1", "expression-of-concern")
    build(repo.path, tmp_path / "site", "--rev", before)
    assert not (tmp_path / "site" / "papers" / SEED_003 / "corrections").exists()
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "UNDER-CONCERN" not in index


class Resources(HTMLParser):
    """Every address a page would load by itself (not links a reader follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.scripts_inline = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            # A data block (JSON-LD) is never run, so the policy need not allow it.
            runs = (values.get("type") or "text/javascript") in ("text/javascript", "module")
            self._in_script = "src" not in values and runs
        for name in ("src", "srcset", "poster", "data"):
            if values.get(name):
                self.loads.append(str(values[name]))
        if tag == "link" and values.get("href"):
            self.loads.append(str(values["href"]))
        if values.get("style"):
            self.loads.append(f"style={values['style']}")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts_inline += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def test_pages_load_nothing_from_the_network(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    build(repo.path, tmp_path / "site")
    for name in ("index.html", "timeline.html", *PAGES):
        parser = Resources()
        parser.feed((tmp_path / "site" / name).read_text(encoding="utf-8"))
        assert parser.loads, name
        assert all(not ("://" in src or src.startswith("//")) for src in parser.loads), name
        assert all(src.endswith((".css", ".js")) for src in parser.loads), name
        assert parser.scripts_inline == 0  # the Content-Security-Policy allows none
    css = (tmp_path / "site" / "static" / "site.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_record_text_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    references = [{"id": "r1", "url": "javascript:alert(1)"}]
    data = template(title=hostile, abstract=hostile, references=references)
    claims = data["claims"]
    assert isinstance(claims, dict)
    for item in claims["items"]:
        item.pop("references", None)
    repo, _ = one_paper(tmp_path / "archive", data)
    build(repo.path, tmp_path / "site")
    for name in ("index.html", f"papers/{PAPER}/index.html"):
        html = (tmp_path / "site" / name).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html


def test_a_rebuild_replaces_the_previous_site(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    out = tmp_path / "site"
    build(repo.path, out)
    (out / "papers" / "gone").mkdir()
    (out / "papers" / "gone" / "index.html").write_text("stale", encoding="utf-8")
    build(repo.path, out)
    assert not (out / "papers" / "gone").exists()
    assert (out / "index.html").is_file()


def test_a_commit_elsewhere_leaves_a_papers_pages_untouched(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    out = tmp_path / "site"
    build(repo.path, out)
    page = out / "papers" / SEED_000 / "index.html"
    before = page.read_bytes()
    os.utime(page, (1_000_000_000, 1_000_000_000))
    corrected = correct(repo, SEED_003, "k1", "erratum")
    build(repo.path, out)
    # Its pages name the newest commit of the paper's own records, not the build commit:
    # one new commit rewrites the pages it changes, not every page of the archive.
    assert page.read_bytes() == before and page.stat().st_mtime == 1_000_000_000
    assert corrected.encode() not in before
    shown = f'published up to commit <code class="sha">{corrected}</code>'
    assert shown in (out / "papers" / SEED_003 / "index.html").read_text(encoding="utf-8")
    assert shown in (out / "papers" / SEED_003 / "corrections" / "k1.html").read_text()
    built = f'Built from commit <code class="sha">{corrected}</code>'
    assert built in (out / "index.html").read_text(encoding="utf-8")
    assert built in (out / "timeline.html").read_text(encoding="utf-8")


def test_a_directory_it_did_not_build_is_left_alone(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli(["site", "--out", str(out)], cwd=repo.path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"synthledger: error: {out} is not empty and holds no site built by synthledger: "
        "choose an empty or new --out directory\n"
    )
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_summary_goes_to_stderr(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    out = tmp_path / "site"
    result = run_cli(["site", "--out", str(out)], cwd=repo.path)
    assert result.stdout == ""
    assert result.stderr == (
        f"2 paper pages, 24 files written to {out}; open {out / 'index.html'}\n"
    )


# Progress: a bar for a person at a terminal, nothing for pipes, hooks or JSON readers.

BAR = "rendering paper pages"


def site_on_a_terminal(root: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> str:
    terminal = Terminal.synthledger(["site", "--out", str(out), *args], root, env, piped=["stdout"])
    status, stdout, _ = terminal.finish()
    assert (status, stdout) == (0, "")
    return terminal.text


def test_a_terminal_shows_a_progress_bar(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    shown = site_on_a_terminal(repo.path, tmp_path / "site")
    assert BAR in shown
    assert "paper pages, 24 files written" in shown


@pytest.mark.parametrize(
    ("args", "env"),
    [((), {"PRE_COMMIT": "1"}), (("--format", "json"), {})],
    ids=["pre-commit", "json"],
)
def test_no_progress_bar_under_pre_commit_or_json(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    repo = seeds(tmp_path / "archive")
    shown = site_on_a_terminal(repo.path, tmp_path / "site", *args, env=env)
    assert BAR not in shown
    assert "paper pages, 24 files written" in shown


def test_no_progress_bar_when_stderr_is_piped(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    result = run_cli(["site", "--out", str(tmp_path / "site")], cwd=repo.path)
    assert BAR not in result.stderr
    assert "\x1b" not in result.stderr


def test_help_shows_an_example(tmp_path: Path) -> None:
    result = run_cli(["site", "--help"], cwd=tmp_path)
    assert result.returncode == 0
    assert "example:\n  synthledger site --out site\n" in result.stdout


def test_a_paper_that_breaks_its_contract_is_reported_and_left_out(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    commit(repo, "a broken paper", {"records/papers/p2/synthesis.yaml": "contract: synthesis-v1\n"})
    out = tmp_path / "site"
    result = run_cli(["site", "--out", str(out)], cwd=repo.path)
    assert (result.returncode, result.stdout) == (1, "")
    assert "records/papers/p2/synthesis.yaml:1:1: error[SL802]: left out of the manifests" in (
        result.stderr
    )
    assert sorted(p.name for p in (out / "papers").iterdir()) == [SEED_000, SEED_003]


def test_exports_cite_files_and_notices_sit_beside_the_pages(tmp_path: Path) -> None:
    repo = seeds(tmp_path / "archive")
    commit(repo, "publishing settings", {"pyproject.toml": PUBLISHING})
    correct(repo, SEED_000, "k1", "retraction")
    out = tmp_path / "site"
    build(repo.path, out)
    files = tree(out)
    # The bulk file and every export: the bytes synthledger export writes.
    for name, format_ in (
        ("archive.jsonl", "jsonl"),
        ("archive.bib", "bibtex"),
        ("archive.csl.json", "csl"),
        ("archive.ris", "ris"),
        ("archive.jsonld", "jsonld"),
        ("archive.datacite.json", "datacite"),
        ("crossref-deposit.xml", "crossref"),
    ):
        exported = run_cli(
            ["export", "--to", format_, "--out", str(tmp_path / name)], cwd=repo.path
        )
        assert exported.returncode == 0, exported.stderr
        assert files[f"exports/{name}"] == (tmp_path / name).read_bytes(), name
    assert b'href="exports/archive.jsonl"' in files["index.html"]
    # Each page's citation, and a notice page for the correction that links back.
    assert files[f"papers/{SEED_000}/cite.bib"].startswith(f"@techreport{{{SEED_000},".encode())
    notice = files[f"papers/{SEED_000}/corrections/k1.html"].decode()
    assert 'href="../index.html" id="notice-target"' in notice
    assert 'href="k1.yaml"' in notice
    page = files[f"papers/{SEED_000}/index.html"].decode()
    assert 'href="corrections/k1.html" class="notice-link"' in page
    assert '<script type="application/ld+json" id="json-ld">' in page


def test_json_ld_cannot_end_its_script_element(tmp_path: Path) -> None:
    repo, _ = one_paper(
        tmp_path / "archive", template(title="</script><script>alert(1)</script> & more")
    )
    build(repo.path, tmp_path / "site")
    page = (tmp_path / "site" / "papers" / PAPER / "index.html").read_text()
    script = page.split('<script type="application/ld+json" id="json-ld">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "<" not in script and "&" not in script
    assert json.loads(script)["headline"] == "</script><script>alert(1)</script> & more"
