"""Real-browser test of the Plan page in Debian's Chromium, on a freshly started server: add an
action, edit its title in place (saved when the box is left), reload the page (a new browser
session) and find it as it was left, then download the authority's report from the Reports
page and find the plan's section with the action in it.

Uses the set-up of tests/test_browser.py (server, Chromium, skip rules); screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import (  # noqa: F401
    ARTIFACTS,
    MISSING,
    Server,
    browser,
    choose,
    goto,
    open_page,
    wait_idle,
)

from ehdmm import plans
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]

MODEL = load_model()
AUTHORITY = "E06000023"  # Bristol: no plan in the demo data
TITLE = "Map what we hold"
EDITED = "Map what we hold, with health <partners>"


@pytest.fixture
def plan_server(_demo_template: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    db = tmp_path / "browser-plan.duckdb"
    shutil.copy(_demo_template, db)
    server = Server(db)
    yield server, db
    server.stop()


def test_edit_a_plan_reload_and_download_the_report(browser, plan_server):  # noqa: F811
    server, db = plan_server
    plan = plans.read_plan(db, LOCAL_VIEWER, AUTHORITY)
    assert plan.actions.empty and plan.targets.empty
    dim = next(d for d in MODEL.dimensions if plan.levels[d.id] < 4)
    box = MODEL.dimensions.index(dim)
    url = f"{server.url}/Plan?authority={AUTHORITY}&round=2026-03"
    page, errors = open_page(browser, url, "plan-1-open")
    try:
        page.get_by_text("Add an action", exact=True).nth(box).click()
        page.locator(f".st-key-plan_new_{dim.id}_title input").fill(TITLE)
        level = plan.levels[dim.id] + 1
        statement = dim.statements[level][0]
        choose(
            page,
            page.locator(f".st-key-plan_new_{dim.id}_statements"),
            f"{MODEL.level_names[level]}: {statement}",
            typed=statement[:30],
            tag=statement[:40],
        )
        page.locator(f".st-key-plan_new_{dim.id}_owner input").fill("Head of Early Help")
        form = page.get_by_test_id("stForm").filter(
            has=page.locator(f".st-key-plan_new_{dim.id}_title")
        )
        form.get_by_role("button", name="Add the action").click()
        page.get_by_text(f"{dim.name}: action added.").wait_for(timeout=60_000)
        wait_idle(page)
        (action_id,) = plans.read_plan(db, LOCAL_VIEWER, AUTHORITY).actions["action_id"]
        # edit the title in place: saved when the box is left
        title = page.locator(f".st-key-plan_{action_id}_title input")
        assert title.input_value() == TITLE
        title.fill(EDITED)
        title.press("Tab")
        wait_idle(page)
        stored = plans.read_plan(db, LOCAL_VIEWER, AUTHORITY).actions
        assert stored["title"].tolist() == [EDITED]
        assert stored["statements"].tolist() == [statement]
        page.screenshot(path=str(ARTIFACTS / "plan-2-edited.png"), full_page=True)
        # a new browser session finds the plan as it was left
        goto(page, page.url)
        page.wait_for_selector('[data-testid="stSidebar"] label:has-text("Authority")')
        wait_idle(page)
        again = page.locator(f".st-key-plan_{action_id}_title input")
        assert again.input_value() == EDITED
        # the authority's report holds the plan's section
        goto(page, f"{server.url}/Reports?authority={AUTHORITY}&round=2026-03")
        wait_idle(page)
        with page.expect_download(timeout=120_000) as got:
            page.get_by_test_id("stDownloadButton").get_by_role(
                "button", name="HTML (interactive, offline)"
            ).first.click()
        html = Path(got.value.path()).read_text(encoding="utf-8")
        assert not errors, errors
    finally:
        page.close()
    assert ">Targets and improvement plan</h2>" in html
    section_html = html[html.index(">Targets and improvement plan</h2>") :]
    assert "Map what we hold, with health &lt;partners&gt;" in section_html
    assert re.search(r"<partners>", html) is None
