"""The report in a real browser: Debian's headless Chromium, driven by Playwright (never a downloaded
browser), opens the index and a provider page from file://. Nothing may leave the machine (every
request that is not file:// is aborted and counted), no console error, charts drawn, the table sorts,
and the search finds a provider by a traditional-script alias. Screenshots go to
tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.storage import read_table
from report import write_report
from tests.report_fixture import QUIET_ALIAS_TRADITIONAL, QUIET_NAME, build_tree

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tree = build_tree(tmp_path_factory.mktemp("browser") / "data")
    return tree, write_report(tree)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_sync.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield ctx
        ctx.close()


@pytest.fixture
def page(browser):
    """A page that aborts and records every request not for a file:// URL and records console errors."""
    pg = browser.new_page()
    pg.outside, pg.errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            pg.outside.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    pg.close()


def _names(pg) -> list[str]:
    return pg.eval_on_selector_all("#providers tbody tr td:first-child", "els => els.map(e => e.textContent)")


def _scores(pg) -> list[float]:
    cells = pg.eval_on_selector_all(
        "#providers tbody tr td:nth-child(2)", "els => els.map(e => e.textContent)"
    )
    return [float(c) for c in cells if c != "–"]


def test_index_sorts_searches_and_stays_offline(site, page):
    tree, rep = site
    page.goto(rep.index.as_uri())
    page.wait_for_selector("#providers tbody tr")
    n = read_table(tree, "marts/provider_reputation").num_rows
    assert len(_names(page)) == n  # fewer than a page: all shown
    # Each score's interval is drawn.
    assert page.eval_on_selector_all("#providers svg.band rect", "els => els.length") > 0

    scores = _scores(page)
    assert scores == sorted(scores, reverse=True)  # best first by default
    page.click('th[data-key="score"]')
    assert _scores(page) == sorted(scores)
    page.click('th[data-key="name"]')
    names = _names(page)
    assert page.get_attribute('th[data-key="name"]', "class") == "asc"
    page.click('th[data-key="name"]')
    assert _names(page) == names[::-1]  # names are distinct: descending is ascending reversed

    page.fill("#search", QUIET_ALIAS_TRADITIONAL)
    page.wait_for_function("document.querySelectorAll('#providers tbody tr').length === 1")
    assert _names(page) == [QUIET_NAME]
    # One character of the alias typed in the other script finds it too.
    page.fill("#search", "靜湖")
    page.wait_for_function("document.querySelectorAll('#providers tbody tr').length === 1")
    page.fill("#search", "")
    page.wait_for_function(f"document.querySelectorAll('#providers tbody tr').length === {n}")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-index.png"), full_page=True)
    assert page.errors == [] and page.outside == []


def test_provider_page_draws_its_charts_offline(site, page):
    tree, rep = site
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    pid = checks["provider_id"].value_counts().index[0]
    page.goto(rep.pages[pid].as_uri())
    page.wait_for_selector("svg.chart")
    drawn = page.eval_on_selector_all(
        "svg.chart",
        "els => els.map(e => e.querySelectorAll('rect').length * (e.getBoundingClientRect().width > 100))",
    )
    assert len(drawn) >= 2 and all(d > 0 for d in drawn)
    assert page.locator("article.case").count() == int((checks["provider_id"] == pid).sum())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-provider.png"), full_page=True)
    # The top of the page, small enough to keep in the repository (docs/report-provider.jpg).
    page.screenshot(path=str(ARTIFACTS / "report-provider-top.jpg"), type="jpeg", quality=70)
    assert page.errors == [] and page.outside == []
