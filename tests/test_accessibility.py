"""Accessibility in a real browser: axe-core (WCAG 2.x A/AA rules) on every page, and keyboard-only
use of the main controls. Needs Chromium (see tests/test_browser.py for the skip rules).

Violations that live inside Streamlit itself and cannot be fixed from the app are listed, with
the reason, in tests/data/a11y_allowlist.json; everything else must have no serious or critical
violation.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, MISSING, Server, page_paths

ROOT = Path(__file__).resolve().parents[1]
ALLOWLIST = json.loads((ROOT / "tests" / "data" / "a11y_allowlist.json").read_text())
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]


@pytest.fixture(scope="module")
def server(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("a11y") / "a11y.duckdb"
    shutil.copy(_demo_template, db)
    running = Server(db)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def load(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url, wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_selector('[data-testid="stSidebar"] label:has-text("Authority")', timeout=90_000)
    page.wait_for_timeout(1500)
    return page


def allowed(violation: dict) -> bool:
    return any(
        entry["id"] == violation["id"]
        and all(
            entry["selector_contains"] in json.dumps(node["target"]) for node in violation["nodes"]
        )
        for entry in ALLOWLIST
    )


@pytest.mark.parametrize(("name", "path"), page_paths())
def test_no_serious_or_critical_axe_violations(browser, server, name, path):
    from axe_playwright_python.sync_playwright import Axe

    page = load(browser, f"{server.url}/{path}?authority=E06000023")
    try:
        # open every expander so that the tables and download buttons inside are checked too
        for summary in page.locator('[data-testid="stExpander"] summary').all()[:12]:
            if summary.is_visible():
                summary.click(timeout=5_000)
        page.wait_for_timeout(800)
        results = Axe().run(
            page,
            options={
                "resultTypes": ["violations"],
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
            },
        )
    finally:
        page.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") and not allowed(v)
    ]
    assert bad == [], bad


def test_keyboard_only_reaches_and_changes_the_main_controls(browser, server):
    page = load(browser, f"{server.url}/?authority=E06000023&round=2026-03")
    try:
        reached: list[str] = []
        for _ in range(40):
            page.keyboard.press("Tab")
            label = page.evaluate(
                "() => { const e = document.activeElement;"
                " return e ? (e.getAttribute('aria-label') || e.getAttribute('type') || '') : '' }"
            )
            if label in ("Authority", "Round", "Peer group") and label not in reached:
                reached.append(label)
            if label == "Round":
                # change the round with the keyboard alone
                page.keyboard.press("ArrowDown")
                page.keyboard.press("ArrowDown")
                page.keyboard.press("Enter")
                page.wait_for_timeout(2500)
                break
        assert reached[:2] == ["Authority", "Round"], reached
        assert "round=2026-03" not in page.url, "the round changed by keyboard"
        assert "round=20" in page.url
        # the scoring rule radio can be reached and set from the keyboard too
        rule = page.get_by_role("radio", name="Best fit (floor of the mean)")
        rule.focus()
        page.keyboard.press("Space")
        page.wait_for_timeout(2500)
        assert "rule=best-fit" in page.url
    finally:
        page.close()
