"""Accessibility in a real browser: keyboard-only use of the main controls. axe-core (WCAG 2.x
A/AA rules) is run on every page by tests/test_browser_pages.py, on the load that also checks
the page's layout. Needs Chromium (see tests/test_browser.py for the skip rules).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, MISSING, Server, open_page, wait_idle

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


def test_keyboard_only_reaches_and_changes_the_main_controls(browser, server):
    page, _ = open_page(browser, f"{server.url}/?authority=E06000023&round=2026-03", "keyboard")
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
                wait_idle(page)
                break
        assert reached[:2] == ["Authority", "Round"], reached
        assert "round=2026-03" not in page.url, "the round changed by keyboard"
        assert "round=20" in page.url
        # the scoring rule radio can be reached and set from the keyboard too
        rule = page.get_by_role("radio", name="Best fit (floor of the mean)")
        rule.focus()
        page.keyboard.press("Space")
        wait_idle(page)
        assert "rule=best-fit" in page.url
    finally:
        page.close()
