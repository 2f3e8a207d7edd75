"""The static site in a real headless Chromium: the rendered DOM, links, filters, a phone's width.

Needs Chromium and its driver (Debian: ``chromium``, ``chromium-driver``) and
the ``selenium`` package. Without them these tests skip, unless
SYNTHLEDGER_REQUIRE_BROWSER=1 (CI sets it): then they fail.

Set SYNTHLEDGER_SITE_SHOTS=DIR to also write screenshots of the index and of a
paper page at a phone's and a desktop's width into DIR.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from support.archive import run_cli
from support.gitrepo import isolate_git
from support.pagerepo import SEED_000, SEED_003, commit, correct, seeds

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = os.environ.get("SYNTHLEDGER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("SYNTHLEDGER_CHROMEDRIVER")
    or shutil.which("chromedriver")
    or "/usr/bin/chromedriver"
)
REQUIRED = os.environ.get("SYNTHLEDGER_REQUIRE_BROWSER") == "1"
# Without the networking switches Chromium reaches for update and sync servers.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)
PHONE = (390, 844)
DESKTOP = (1280, 900)
PUBLIC_SECTIONS = (
    ("abstract", "Abstract"),
    ("research-question", "Research Question"),
    ("verification-level", "Verification Level"),
    ("gate-verdict", "Gate Verdict"),
    ("quality-tier", "Quality Tier"),
    ("quality-dimensions", "Quality Dimensions"),
    ("correction-record", "Correction Record"),
    ("provenance", "Provenance"),
    ("record-files", "Record Files"),
)
DIMENSIONS = (
    "evidence_strength",
    "citation_grounding",
    "uncertainty_disclosure",
    "reproducibility",
)


class Site(NamedTuple):
    repo: Path
    out: Path
    url: str  # served over http from 127.0.0.1
    published: str  # the commit that imported the seeds
    concern: str  # the commit that added an expression of concern to seed 003


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed"
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not os.access(binary, os.X_OK):
            return f"{binary} is not installed (Debian: apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    reason = unavailable()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"SYNTHLEDGER_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory(prefix="synthledger-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site of the seeds with an expression of concern on seed 003, served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch, base / "home")
        repo = seeds(base / "archive")
        published = repo.head()
        concern = correct(repo, SEED_003, "k1", "expression-of-concern")
        out = base / "site"
        result = run_cli(["site", "--out", str(out)], cwd=repo.path)
        assert result.returncode == 0, result.stderr
    with serve(out) as url:
        yield Site(repo.path, out, url, published, concern)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def driver(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser at desktop size, with scripts on; reset after each test."""
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser_log(browser)  # drop what earlier tests left
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def browser_log(driver: WebDriver) -> list[dict[str, Any]]:
    """The console messages since the last call (a blocked load or a CSP violation is SEVERE)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def manifest(site: Site, paper: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (site.out / "papers" / paper / "manifest.json").read_text(encoding="utf-8")
    )
    return data


def css(element: WebElement, selector: str) -> list[WebElement]:
    from selenium.webdriver.common.by import By

    return element.find_elements(By.CSS_SELECTOR, selector)


def one(element: WebDriver | WebElement, selector: str) -> WebElement:
    from selenium.webdriver.common.by import By

    return element.find_element(By.CSS_SELECTOR, selector)


def badges(element: WebDriver | WebElement) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {
        str(b.get_attribute("data-badge")): b.find_element(By.CSS_SELECTOR, ".badge-value").text
        for b in element.find_elements(By.CSS_SELECTOR, ".badges .badge")
    }


def expected_badges(m: dict[str, Any]) -> dict[str, str]:
    return {
        "status": m["status"],
        "tier": m["tier"]["name"],
        "gate": m["gate"]["status"],
        **{name: m["dimensions"][name]["level"] for name in DIMENSIONS},
    }


def section_rows(driver: WebDriver, key: str) -> dict[str, str]:
    """Label -> the value shown, for the label/value table of section ``key``."""
    rows = {}
    for row in css(one(driver, f"section#{key}"), "table.kv tr"):
        value = css(row, ".value, .badge-value")
        rows[one(row, "th").text] = value[0].text if value else ""
    return rows


def visible_papers(driver: WebDriver) -> list[str]:
    return [
        str(p.get_attribute("data-id")) for p in css_all(driver, "#papers > li") if p.is_displayed()
    ]


def css_all(driver: WebDriver, selector: str) -> list[WebElement]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_index_badges_match_the_manifests(driver: WebDriver, site: Site) -> None:
    driver.get(f"{site.url}/index.html")
    cards = css_all(driver, "#papers > li.paper")
    assert [c.get_attribute("data-id") for c in cards] == [SEED_000, SEED_003], (
        driver.current_url,
        driver.page_source[:2000],
    )
    for card in cards:
        m = manifest(site, str(card.get_attribute("data-id")))
        assert badges(card) == expected_badges(m)
        assert one(card, "h2 a").text == m["title"]
        count = m["correction_count"]
        assert f"{count} correction" in one(card, ".meta").text
    assert badges(cards[1])["status"] == "UNDER-CONCERN"


def test_links_lead_from_the_index_to_each_page_and_back(driver: WebDriver, site: Site) -> None:
    for paper in (SEED_000, SEED_003):
        driver.get(f"{site.url}/index.html")
        one(driver, f"#paper-{paper} h2 a").click()
        assert driver.current_url == f"{site.url}/papers/{paper}/index.html"
        m = manifest(site, paper)
        assert one(driver, "h1").text == m["title"]
        assert badges(driver) == expected_badges(m)
        one(driver, ".site-header nav a[href$='index.html']:not(.home)").click()
        assert driver.current_url == f"{site.url}/index.html"
    driver.get(f"{site.url}/index.html")
    one(driver, ".site-header a[href='timeline.html']").click()
    assert one(driver, "h1").text == "Timeline"
    links = css_all(driver, ".archive-timeline a")
    assert {link.get_attribute("href") for link in links} == {
        f"{site.url}/papers/{SEED_000}/index.html",
        f"{site.url}/papers/{SEED_003}/index.html",
    }


@pytest.mark.parametrize("paper", [SEED_000, SEED_003])
def test_every_section_of_the_public_page_is_there(
    driver: WebDriver, site: Site, paper: str
) -> None:
    driver.get(f"{site.url}/papers/{paper}/index.html")
    m = manifest(site, paper)
    for key, title in PUBLIC_SECTIONS:
        section = one(driver, f"section#{key}")
        assert section.is_displayed()
        assert one(section, "h2").text == title
    assert section_rows(driver, "gate-verdict")["Status"] == m["gate"]["status"]
    assert section_rows(driver, "gate-verdict")["Reason"] == m["gate"]["reason"]
    assert section_rows(driver, "quality-tier")["Tier"] == m["tier"]["name"]
    assert section_rows(driver, "quality-dimensions") == {
        "Evidence strength": m["dimensions"]["evidence_strength"]["level"],
        "Citation grounding": m["dimensions"]["citation_grounding"]["level"],
        "Uncertainty disclosure": m["dimensions"]["uncertainty_disclosure"]["level"],
        "Reproducibility status": m["dimensions"]["reproducibility"]["level"],
    }
    record = section_rows(driver, "correction-record")
    assert (record["Status"], record["Correction count"]) == (
        m["status"],
        str(m["correction_count"]),
    )
    assert section_rows(driver, "provenance")["Claim lineage"] == m["claims"]["lineage"]
    # The contents list reaches every section on the page.
    for link in css_all(driver, "nav.contents a"):
        target = str(link.get_attribute("href")).rsplit("#", 1)[1]
        assert css_all(driver, f"#{target}"), target


def test_claims_and_references_appear_where_the_claims_are_public(
    driver: WebDriver, site: Site
) -> None:
    driver.get(f"{site.url}/papers/{SEED_003}/index.html")
    claims = css_all(driver, "#extracted-claims tbody tr")
    assert [c.get_attribute("data-claim") for c in claims] == [f"c{n}" for n in range(1, 9)]
    assert [c.get_attribute("data-claim") for c in claims if css(c, ".tick")] == ["c6"]
    assert one(claims[5], "td.number").text == "0.19"
    references = [a.get_attribute("href") for a in css_all(driver, "#references a")]
    assert references == [
        "http://arxiv.org/abs/2208.13968v1",
        "http://arxiv.org/abs/2105.05381v4",
        "http://arxiv.org/abs/2408.15301v2",
    ]
    assert [s.text for s in css_all(driver, "#introduction h2, #limitations h2")] == [
        "Introduction",
        "Limitations",
    ]
    driver.get(f"{site.url}/papers/{SEED_000}/index.html")
    assert css_all(driver, "#extracted-claims") == []  # claim records not public
    comparison = section_rows(driver, "source-comparison")
    assert comparison == {"Gate Verdict · Evaluated": "2026-06-10T06:30:49+00:00"}


def test_the_correction_timeline_shows_the_commit_of_each_entry(
    driver: WebDriver, site: Site
) -> None:
    driver.get(f"{site.url}/papers/{SEED_003}/index.html")
    events = css_all(driver, "#correction-record ol.timeline > li")
    assert [(e.get_attribute("data-record"), e.get_attribute("data-commit")) for e in events] == [
        (SEED_003, site.published),
        ("k1", site.concern),
    ]
    assert one(events[1], "code.sha").text == site.concern
    assert one(events[1], ".event-what").text == "Expression of concern"
    assert one(events[1], ".event-state").text == "in force"
    link = str(one(events[1], "a.record-link").get_attribute("href"))
    assert link == f"{site.url}/papers/{SEED_003}/corrections/k1.yaml"
    record = site.repo / "records" / "papers" / SEED_003 / "corrections" / "k1.yaml"
    assert fetch(link) == record.read_bytes()


def test_raw_yaml_and_manifest_json_sit_beside_each_page(driver: WebDriver, site: Site) -> None:
    driver.get(f"{site.url}/papers/{SEED_003}/index.html")
    links = {
        a.text: str(a.get_attribute("href")) for a in css_all(driver, "#record-files .files a")
    }
    assert set(links) == {
        "synthesis.yaml",
        "corrections/k1.yaml",
        "manifest.json",
        "policy/2026-06-10-gate-2-and-doi-grade.yaml",
    }
    committed = subprocess.run(
        ["git", "show", f"HEAD:records/papers/{SEED_003}/synthesis.yaml"],
        cwd=site.repo,
        capture_output=True,
        check=True,
    ).stdout
    assert fetch(links["synthesis.yaml"]) == committed
    assert json.loads(fetch(links["manifest.json"])) == manifest(site, SEED_003)
    # The same text opens in place, for a reader on a phone.
    raw = one(driver, "details.raw[data-file='synthesis.yaml']")
    assert not one(raw, "pre").is_displayed()
    one(raw, "summary").click()
    assert one(raw, "pre").is_displayed()
    assert "contract: synthesis-v1" in one(raw, "pre").text


def fetch(url: str) -> bytes:
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
    return body


def test_filters_narrow_the_index(driver: WebDriver, site: Site) -> None:
    from selenium.webdriver.support.select import Select

    driver.get(f"{site.url}/index.html")
    form = one(driver, "#filters")
    assert form.is_displayed()
    assert one(driver, "#shown").text == "2 of 2 papers shown"

    def choose(name: str, value: str) -> None:
        Select(one(form, f"select[name='{name}']")).select_by_value(value)

    choose("tier", "DOI grade")
    assert visible_papers(driver) == [SEED_000]
    assert one(driver, "#shown").text == "1 of 2 papers shown"
    choose("tier", "")
    choose("status", "UNDER-CONCERN")
    assert visible_papers(driver) == [SEED_003]
    choose("status", "")
    choose("level", "LOW")  # any dimension at LOW
    assert visible_papers(driver) == [SEED_003]
    choose("dimension", "reproducibility")
    assert visible_papers(driver) == []
    assert one(driver, "#none-shown").is_displayed()
    choose("level", "HIGH")
    assert visible_papers(driver) == [SEED_000]
    choose("dimension", "")
    choose("level", "")
    one(form, "input[name='q']").send_keys("infill")
    assert visible_papers(driver) == [SEED_003]


def test_without_javascript_every_paper_is_listed(driver: WebDriver, site: Site) -> None:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get(f"{site.url}/index.html")
    assert not one(driver, "#filters").is_displayed()  # no dead controls
    assert visible_papers(driver) == [SEED_000, SEED_003]


def settled_width(driver: WebDriver) -> int:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.wait import WebDriverWait

    def width(_: WebDriver) -> int:
        value: int = driver.execute_script("return window.innerWidth")
        return value

    with contextlib.suppress(TimeoutException):
        WebDriverWait(driver, 5, poll_frequency=0.05).until(lambda d: width(d) == PHONE[0])
    return width(driver)


def phone(driver: WebDriver) -> None:
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "timeline.html",
        f"papers/{SEED_000}/index.html",
        f"papers/{SEED_003}/index.html",
    ],
)
def test_readable_on_a_phone(driver: WebDriver, site: Site, path: str) -> None:
    phone(driver)
    driver.get(f"{site.url}/{path}")
    # Chrome settles a phone's viewport after the load event; it zooms out instead (and the
    # width never reaches the phone's) when something on the page is wider than the screen.
    width = settled_width(driver)
    assert width == PHONE[0]
    # Nothing makes the page scroll sideways; only the claims table may, inside its box.
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    size = driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    for th in css_all(driver, "table.kv th"):
        # Label above value: a long value keeps the full width of the screen.
        assert th.value_of_css_property("display") == "block"


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "timeline.html",
        f"papers/{SEED_000}/index.html",
        f"papers/{SEED_003}/index.html",
    ],
)
def test_pages_load_only_from_the_site_and_log_no_error(
    driver: WebDriver, site: Site, path: str
) -> None:
    driver.get(f"{site.url}/{path}")
    loaded = driver.execute_script(
        """
        var urls = [];
        document.querySelectorAll('[src], link[href]').forEach(function (element) {
            urls.push(element.src || element.href);
        });
        return urls;
        """
    )
    assert loaded
    assert all(url.startswith(f"{site.url}/static/") for url in loaded), loaded
    # The stylesheet was read and applies: its rules are there.
    rules = driver.execute_script("return document.styleSheets[0].cssRules.length")
    assert rules > 20
    # A load from anywhere else, or an inline script, would be a logged CSP violation.
    errors = [entry for entry in browser_log(driver) if entry["level"] == "SEVERE"]
    assert errors == []


def test_a_sharded_archives_site_leads_from_its_parts_to_each_paper(
    driver: WebDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """index.html lists the parts, a part's page its papers with working filters;
    timeline.html lists the months."""
    from selenium.webdriver.support.wait import WebDriverWait

    isolate_git(monkeypatch, tmp_path / "home")
    repo = seeds(tmp_path / "archive")
    papers = repo.path / "records" / "papers"
    for paper in (SEED_000, SEED_003):
        (papers / paper[:2]).mkdir()
        shutil.move(papers / paper, papers / paper[:2] / paper)
    commit(repo, "shard", {"pyproject.toml": '[tool.synthledger]\npaper-folders = "sharded"\n'})
    out = tmp_path / "site"
    result = run_cli(["site", "--out", str(out)], cwd=repo.path)
    assert result.returncode == 0, result.stderr
    with serve(out) as url:
        driver.get(f"{url}/index.html")
        links = [a.text for a in css_all(driver, "#parts a")]
        assert links == sorted([SEED_000[:2], SEED_003[:2]])
        # Go to a paper by its id (in capitals too), or be told no part holds it.
        find = one(driver, "#find-paper input[name='id']")
        find.send_keys("zz9\n")
        assert one(driver, "#find-said").text == "No paper's id begins with zz."
        find.clear()
        find.send_keys(SEED_000.upper() + "\n")
        wanted = f"{url}/index-{SEED_000[:2]}.html#paper-{SEED_000.upper()}"
        WebDriverWait(driver, 10).until(lambda d: d.current_url == wanted)
        driver.get(f"{url}/index.html")
        one(driver, f"#parts a[href='index-{SEED_003[:2]}.html']").click()
        assert one(driver, "#shown").text == "1 of 1 papers shown"  # the script ran
        assert visible_papers(driver) == [SEED_003]
        one(driver, f"#paper-{SEED_003} h2 a").click()
        assert driver.current_url == f"{url}/papers/{SEED_003}/index.html"
        one(driver, ".site-header a[href='../../timeline.html']").click()
        one(driver, "#months a").click()
        assert len(css_all(driver, ".archive-timeline .event")) == 2
        errors = [e for e in browser_log(driver) if e["level"] == "SEVERE"]
        assert [e for e in errors if "/favicon.ico" not in e["message"]] == []  # the browser's own


def test_opened_from_disk_the_pages_keep_their_style_and_filters(
    driver: WebDriver, site: Site
) -> None:
    driver.get(site.out.joinpath("index.html").as_uri())
    assert one(driver, "#filters").is_displayed()  # the script ran
    badge = one(driver, ".badge")
    assert badge.value_of_css_property("border-top-left-radius") != "0px"  # the stylesheet too
    one(driver, f"#paper-{SEED_000} h2 a").click()
    assert driver.current_url == site.out.joinpath("papers", SEED_000, "index.html").as_uri()


SHOTS = os.environ.get("SYNTHLEDGER_SITE_SHOTS")


@pytest.mark.skipif(not SHOTS, reason="set SYNTHLEDGER_SITE_SHOTS=DIR to write screenshots")
def test_screenshots(driver: WebDriver, site: Site) -> None:
    assert SHOTS is not None
    directory = Path(SHOTS)
    directory.mkdir(parents=True, exist_ok=True)
    pages = {"index": "index.html", "paper": f"papers/{SEED_003}/index.html"}
    for name, path in pages.items():
        for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1}
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride", {**metrics, "mobile": label == "phone"}
            )
            driver.get(f"{site.url}/{path}")
            shot = driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"captureBeyondViewport": True, "fromSurface": True}
            )
            (directory / f"{name}-{label}-{width}.png").write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("paper", [SEED_000, SEED_003])
def test_every_paper_page_carries_json_ld_and_a_cite_block(
    driver: WebDriver, site: Site, paper: str
) -> None:
    driver.get(f"{site.url}/papers/{paper}/index.html")
    m = manifest(site, paper)
    scripts = css_all(driver, "script[type='application/ld+json']")
    assert len(scripts) == 1
    article = json.loads(str(scripts[0].get_attribute("textContent")))
    assert (article["@type"], article["identifier"], article["headline"]) == (
        "ScholarlyArticle",
        paper,
        m["title"],
    )
    assert article["creativeWorkStatus"] == m["status"]
    cite = one(driver, "section#cite")
    assert cite.is_displayed() and one(cite, "h2").text == "Cite This"
    bibtex = one(cite, "details[data-format='bibtex'] pre")
    assert bibtex.is_displayed() and bibtex.text.startswith(f"@techreport{{{paper},")
    downloads = {
        a.get_attribute("data-format"): str(a.get_attribute("href"))
        for a in css(cite, "a[download]")
    }
    assert fetch(downloads["bibtex"]).decode() == bibtex.text + "\n"
    assert json.loads(fetch(downloads["csl"]))[0]["id"] == paper
    # The JSON-LD broke no Content-Security-Policy rule (the browser's own favicon
    # request, which no page asks for, is not the page's).
    errors = [e for e in browser_log(driver) if e["level"] == "SEVERE"]
    assert [e for e in errors if "/favicon.ico" not in e["message"]] == []


def test_a_correction_notice_and_its_paper_link_both_ways(driver: WebDriver, site: Site) -> None:
    driver.get(f"{site.url}/papers/{SEED_003}/index.html")
    paper_page = driver.current_url
    (notice_link,) = css_all(driver, "#correction-record .timeline a.notice-link")
    notice_url = str(notice_link.get_attribute("href"))
    assert notice_url == f"{site.url}/papers/{SEED_003}/corrections/k1.html"
    article = json.loads(
        str(one(driver, "script[type='application/ld+json']").get_attribute("textContent"))
    )
    # The JSON-LD's correction names the same notice page (relative to the paper's page).
    assert [c["url"] for c in article["correction"]] == ["corrections/k1.html"]
    notice_link.click()
    assert driver.current_url == notice_url
    assert one(driver, "h1").text.startswith("Expression of concern: ")
    assert one(driver, "article").get_attribute("data-correction") == "k1"
    back = one(driver, "#notice-target")
    assert back.text == manifest(site, SEED_003)["title"]
    back.click()
    assert driver.current_url == paper_page
    assert one(driver, "h1").text == manifest(site, SEED_003)["title"]
