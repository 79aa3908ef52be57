"""Real-browser tests of the Assess page's guided mode and of typed text, in Debian's Chromium:

- statements ticked at human speed (one every 0.3 s, without waiting for the page) all register,
  and the chosen level follows the proposal (no reason asked);
- switching guided mode on alone opens no draft, and asks no reason of levels chosen before;
- every statement is shown in full (not cut to one line with an ellipsis);
- evidence typed and the tab closed before leaving the box: measured (Streamlit sends a text
  area's value when it loses focus or on Ctrl+Enter), and the 'Save the draft now' button that
  is always there saves what was typed.

Uses the set-up of tests/test_browser.py (server, Chromium, skip rules)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, MISSING, Server, browser, open_page, wait_idle  # noqa: F401

from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]

MODEL = load_model()
AUTHORITY = "E06000023"
NEW_ROUND = "2027-03"
TICK_EVERY_MS = 300


@pytest.fixture
def assess_server(_demo_template: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    db = tmp_path / "guided.duckdb"
    shutil.copy(_demo_template, db)
    write_with_retry(db, lambda conn: ref.add_round(conn, NEW_ROUND))
    server = Server(db)
    yield server, db
    server.stop()


def open_round(browser, server: Server, shot: str):  # noqa: F811
    page, errors = open_page(browser, f"{server.url}/Assess?authority={AUTHORITY}", shot)
    page.locator('input[aria-label="Round to assess"]').click()
    page.get_by_role("option", name=NEW_ROUND, exact=True).click()
    wait_idle(page)
    return page, errors


def drafts(db: Path) -> list[tuple]:
    with connect(db) as conn:
        return conn.execute(
            "SELECT id FROM submissions WHERE status = 'draft' AND round_id = ?", [NEW_ROUND]
        ).fetchall()


def saved(db: Path) -> tuple[set[tuple[str, int, int]], dict[str, int], dict[str, str]]:
    """The open draft's ticks, levels and evidence."""
    with connect(db) as conn:
        ticks = conn.execute(
            "SELECT t.dimension_id, t.level, t.statement FROM statement_ticks t "
            "JOIN submissions s ON s.id = t.submission_id "
            "WHERE s.status = 'draft' AND s.round_id = ?",
            [NEW_ROUND],
        ).fetchall()
        ratings = conn.execute(
            "SELECT r.dimension_id, r.level, r.evidence FROM ratings r "
            "JOIN submissions s ON s.id = r.submission_id "
            "WHERE s.status = 'draft' AND s.round_id = ?",
            [NEW_ROUND],
        ).fetchall()
    levels = {d: level for d, level, _ in ratings if level is not None}
    evidence = {d: text for d, _, text in ratings if text}
    return set(ticks), levels, evidence


def tick(page, statement: str) -> None:
    """Click a statement's tick box (its label, as a person does)."""
    box = page.get_by_role("checkbox", name=statement, exact=True)
    page.locator("label").filter(has=box).first.click()


def switch_guided_on(page) -> None:
    page.get_by_text("Guided mode: tick the statements", exact=False).click()
    wait_idle(page)


def test_ticks_at_human_speed_all_register_and_the_level_follows(browser, assess_server):  # noqa: F811
    server, db = assess_server
    page, errors = open_round(browser, server, "guided-1-open")
    try:
        switch_guided_on(page)
        assert drafts(db) == [], "switching guided mode on alone opens no draft"
        dimension = MODEL.dimensions[0]
        wanted = [(1, i) for i in range(len(dimension.statements[1]))]
        wanted += [(2, i) for i in range(len(dimension.statements[2]))]
        for level, index in wanted:
            tick(page, dimension.statements[level][index])
            page.wait_for_timeout(TICK_EVERY_MS)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "guided-2-ticked.png"), full_page=True)
        for level, index in wanted:
            box = page.get_by_role("checkbox", name=dimension.statements[level][index], exact=True)
            assert box.is_checked(), (level, index)
        ticks, levels, _ = saved(db)
        assert {(lv, i) for d, lv, i in ticks if d == dimension.id} == set(wanted)
        assert levels.get(dimension.id) == 2
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("Give a reason", exact=False).count() == 0
        assert not errors, errors
    finally:
        page.close()


def test_every_statement_is_shown_in_full(browser, assess_server):  # noqa: F811
    server, _ = assess_server
    page, errors = open_round(browser, server, "guided-3-statements")
    try:
        switch_guided_on(page)
        page.screenshot(path=str(ARTIFACTS / "guided-3-statements.png"), full_page=True)
        dimension = MODEL.dimensions[0]
        longest = max((s for ss in dimension.statements.values() for s in ss), key=len)
        shown = (  # the text beside the box (the box's own label is hidden: it names it)
            page.locator('[data-testid="stMarkdownContainer"]')
            .filter(has_text=longest)
            .filter(visible=True)
            .first
        )
        assert shown.is_visible()
        cut = shown.evaluate(
            "e => { for (let n = e; n; n = n.parentElement) {"
            " const s = getComputedStyle(n);"
            " if (s.textOverflow === 'ellipsis' && n.scrollWidth > n.clientWidth) return true; }"
            " return false; }"
        )
        assert not cut, "the statement is cut short with an ellipsis"
        assert not errors, errors
    finally:
        page.close()


def test_text_typed_is_saved_when_the_box_is_left_or_the_save_button_pressed(
    browser,  # noqa: F811
    assess_server,
) -> None:
    server, db = assess_server
    name = MODEL.dimensions[0].name
    page, _ = open_round(browser, server, "typed-1")
    page.locator(f'textarea[aria-label="Evidence for {name}"]').fill("typed then tab closed")
    page.wait_for_timeout(1500)
    page.close()  # before leaving the box
    measured = saved(db)[2].get(MODEL.dimensions[0].id)
    # Streamlit sends a text area's value only when it loses focus (or on Ctrl+Enter): what was
    # typed and never left is not sent. The page says so; this measures it.
    assert measured is None

    page, errors = open_round(browser, server, "typed-2")
    try:
        page.locator(f'textarea[aria-label="Evidence for {name}"]').fill("kept by the button")
        page.get_by_role("button", name="Save the draft now").first.click()
        wait_idle(page)
        assert saved(db)[2].get(MODEL.dimensions[0].id) == "kept by the button"
        said = page.locator('[data-testid="stMain"]').inner_text()
        assert "when you leave the box" in said
        assert not errors, errors
    finally:
        page.close()
