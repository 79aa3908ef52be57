"""AppTest of pages/21_Rounds.py: the rounds with their states; creating, opening, closing and
reopening for an authority from the page, each with a message, a refusal writing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

PAGE = "pages/21_Rounds.py"


def _rounds(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT id, status FROM rounds ORDER BY id").fetchall()


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_the_table_shows_states_newest_first(demo_db, run_page):
    at = run_page(demo_db)
    table = at.dataframe[0].value
    assert list(table["Round"]) == ["2026-03", "2025-03", "2024-03", "2023-03"]
    assert list(table["State"]) == ["Open", "Closed", "Closed", "Closed"]


def test_create_a_round_and_a_bad_one_is_refused(demo_db, run_page):
    at = run_page(demo_db)
    soon = date.today() + timedelta(days=20)
    at.text_input(key="round_new_id").input("2026-13")
    at.date_input(key="round_new_opens").set_value(soon)
    at.date_input(key="round_new_closes").set_value(soon + timedelta(days=30))
    at.button[0].click().run()
    assert any("is not a round of the form YYYY-MM" in e for e in _texts(at.error))
    assert len(_rounds(demo_db)) == 4
    next_id = f"{date.today().year + 1}-03"
    at.text_input(key="round_new_id").input(next_id)
    at.text_input(key="round_new_title").input("Next spring")
    at.button[0].click().run()
    assert any(f"Round {next_id} created" in s for s in _texts(at.success))
    assert (next_id, None) in _rounds(demo_db)
    assert "Planned" in list(at.dataframe[0].value["State"])


def test_close_then_reopen_for_an_authority(demo_db, run_page):
    at = run_page(demo_db)
    at.selectbox(key="round_to_close").set_value("2026-03")
    at.button[2].click().run()
    assert any("Round 2026-03 closed" in s for s in _texts(at.success))
    assert ("2026-03", "closed") in _rounds(demo_db)
    at.selectbox(key="round_reopen_id").set_value("2026-03")
    at.selectbox(key="round_reopen_authority").set_value("E06000023")
    at.button[3].click().run()
    assert any("needs a reason" in e for e in _texts(at.error))
    at.text_area(key="round_reason").input("evidence arrived late")
    at.button[3].click().run()
    assert any("E06000023 (Bristol, City of)" in s for s in _texts(at.success))
    reopened = at.dataframe[1].value
    assert list(reopened["Authority"]) == ["Bristol, City of (E06000023)"]
    assert list(reopened["Reason"]) == ["evidence arrived late"]
