"""Real-browser test: one self-assessment completed end to end in Debian's Chromium, on a freshly
started server (the app as the README starts it): choose a round that has no submission yet,
rate every dimension, leave, come back in a new browser session and find the draft, submit,
see the computed levels, and follow the link to the authority's profile.

Uses the set-up of tests/test_browser.py (server, Chromium, skip rules); screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, MISSING, Server, browser, open_page, wait_idle  # noqa: F401

from ehdmm import scoring
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]

MODEL = load_model()
AUTHORITY = "E06000023"
NEW_ROUND = "2027-03"
LEVELS = [3, 2, 3, 4, 2, 3, 4, 3]


@pytest.fixture
def assess_server(_demo_template: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """A fresh server on a copy of the demo database with a round that has no submission."""
    db = tmp_path / "browser-assess.duckdb"
    shutil.copy(_demo_template, db)
    write_with_retry(db, lambda conn: ref.add_round(conn, NEW_ROUND))
    server = Server(db)
    yield server, db
    server.stop()


def choose_round(page, round_id: str) -> None:
    page.locator('input[aria-label="Round to assess"]').click()
    page.get_by_role("option", name=round_id, exact=True).click()
    wait_idle(page)
    assert page.locator('input[aria-label="Round to assess"]').input_value() == round_id


def level_group(page, dimension_name: str):
    return page.locator(f'[role="radiogroup"][aria-label="Level for {dimension_name}"]')


def test_complete_save_resume_and_submit_an_assessment(browser, assess_server):  # noqa: F811
    server, db = assess_server
    names = MODEL.level_names
    url = f"{server.url}/Assess?authority={AUTHORITY}&peers=region"
    page, errors = open_page(browser, url, "assess-1-open")
    try:
        choose_round(page, NEW_ROUND)
        assert page.get_by_text("No draft yet for this round").count() == 1
        for dimension, level in zip(MODEL.dimensions[:4], LEVELS[:4], strict=True):
            level_group(page, dimension.name).locator("label").filter(
                has_text=f"{level} {names[level]}"
            ).click()
            wait_idle(page)
        evidence = page.locator(f'textarea[aria-label="Evidence for {MODEL.dimensions[0].name}"]')
        evidence.fill("Protocols signed <b>with</b> police")
        evidence.press("Tab")
        wait_idle(page)
        assert page.get_by_text("saved automatically", exact=False).count() >= 1
        page.screenshot(path=str(ARTIFACTS / "assess-2-half-done.png"), full_page=True)
        assert not errors, errors
    finally:
        page.close()

    # a new browser session (closed tab, another day): the draft is there
    page, errors = open_page(browser, url, "assess-3-resumed")
    try:
        choose_round(page, NEW_ROUND)
        for dimension, level in zip(MODEL.dimensions, LEVELS, strict=True):
            radios = level_group(page, dimension.name).locator('input[type="radio"]')
            checked = [radios.nth(i).is_checked() for i in range(radios.count())]
            if dimension in MODEL.dimensions[:4]:
                assert checked.index(True) == level - 1, dimension.name
            else:
                assert not any(checked), dimension.name
        evidence = page.locator(f'textarea[aria-label="Evidence for {MODEL.dimensions[0].name}"]')
        assert evidence.input_value() == "Protocols signed <b>with</b> police"

        # submitting with dimensions missing is refused, saying which
        page.get_by_role("button", name="Submit the assessment").click()
        wait_idle(page)
        alert = page.locator('[data-testid="stAlert"]').filter(has_text="Not submitted")
        alert.first.wait_for(timeout=30_000)
        assert alert.count() == 1
        assert MODEL.dimensions[-1].name in alert.inner_text()

        for dimension, level in zip(MODEL.dimensions[4:], LEVELS[4:], strict=True):
            level_group(page, dimension.name).locator("label").filter(
                has_text=f"{level} {names[level]}"
            ).click()
            wait_idle(page)
        page.get_by_role("button", name="Submit the assessment").click()
        wait_idle(page)
        page.get_by_text("first submission for round", exact=False).wait_for(timeout=30_000)
        page.get_by_role("button", name="Confirm and submit").click()
        wait_idle(page)
        page.get_by_text("Computed levels of the current submission").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "assess-4-submitted.png"), full_page=True)
        assert page.locator('[data-testid="stAlert"]').filter(has_text="Submitted").count() == 1

        with connect(db) as conn:
            gated = scoring.authority_levels(conn, LOCAL_VIEWER, NEW_ROUND, "gated")
            history = store.submission_history(conn, LOCAL_VIEWER, AUTHORITY)
        own = gated[gated["authority_code"] == AUTHORITY].iloc[0]
        assert own["overall"] == min(LEVELS)
        assert list(history[history["round_id"] == NEW_ROUND]["status"]) == ["submitted"]
        index = page.locator('[data-testid="stMetric"]').filter(has_text="Maturity index")
        assert scoring.format_index(own["index"]) in index.inner_text()
        main = page.locator('[data-testid="stMain"]')
        assert main.locator('[data-testid="stDataFrame"]').count() >= 1
        # user text was never rendered as HTML
        assert main.locator("b", has_text="with").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0

        # on to the profile page, which now shows the new round
        page.get_by_role("link", name="Authority profile page").click()
        page.wait_for_url("**/Authority_profile**", timeout=60_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "assess-5-profile.png"), full_page=True)
        assert f"round={NEW_ROUND}" in page.url
        overall = page.locator('[data-testid="stMetric"]').filter(has_text="Overall level")
        assert names[int(own["overall"])] in overall.first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
    finally:
        page.close()
