"""The round id rule (ehdmm/rounds.py), and that every way in keeps to it: a file's cell, the
command line's --round, the database's add_round, and `check` for a database made before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehdmm import cli
from ehdmm.rounds import (
    MIN_YEAR,
    STATES,
    dates_problem,
    is_round_id,
    max_year,
    round_problem,
    round_state,
)
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store

ODD = ["２０２６-03", "٢٠٢٧-03", "2026-05\n", "2026-05 ", "0000-01", "2099-12", "2026-00"]


@pytest.mark.parametrize("value", ODD)
def test_odd_round_ids_are_refused_with_the_value_escaped(value: str) -> None:
    problem = round_problem(value, date(2026, 12, 5))
    assert problem is not None and "\n" not in problem
    assert not is_round_id(value)


def test_the_plausible_years_run_from_2015_to_the_year_after_next() -> None:
    today = date(2026, 12, 5)
    assert (MIN_YEAR, max_year(today)) == (2015, 2028)
    assert round_problem("2015-01", today) is None and round_problem("2028-12", today) is None
    assert "from 2015 to 2028" in round_problem("2029-01", today)
    assert "from 2015 to 2028" in round_problem("2014-12", today)


@pytest.mark.parametrize("value", ["2099-12", "２０２６-03", "2026-05\n"])
def test_the_command_line_refuses_an_odd_round_option(
    empty_db: Path, tmp_path: Path, value: str, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("authority,dimension,level\nE06000023,cba,2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        cli.main(["import", str(path), "--db", str(empty_db), "--round", value, "--create-round"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "--round" in err and err.count("\n") == 1
    with connect(empty_db) as conn:
        assert ref.rounds(conn).empty


def test_the_database_refuses_to_add_an_odd_round(empty_db: Path) -> None:
    with pytest.raises(ValueError, match="not a plausible round"):
        write_with_retry(empty_db, lambda conn: ref.add_round(conn, "2099-12"))
    with connect(empty_db) as conn:
        assert ref.rounds(conn).empty


def test_check_reports_an_implausible_round_made_before(empty_db: Path) -> None:
    write_with_retry(
        empty_db, lambda c: c.execute("INSERT INTO rounds (id, label) VALUES ('2099-12', 'x')")
    )
    with connect(empty_db) as conn:
        problems = store.integrity_problems(conn)
    assert any("plausible" in p for p in problems), problems


@given(
    status=st.sampled_from([None, "open", "closed"]),
    opens=st.none() | st.dates(),
    closes=st.none() | st.dates(),
    later=st.booleans(),
    today=st.dates(),
)
def test_a_round_state_is_one_of_three_and_a_set_status_wins(status, opens, closes, later, today):
    state = round_state(status, opens, closes, later, today)
    assert state in STATES
    if status is not None:
        assert state == status
    elif opens is None and closes is None:
        assert state == ("closed" if later else "open")
    elif opens is not None and today < opens:
        assert state == "planned"


def test_round_state_follows_the_dates():
    day = date(2026, 5, 1)
    assert round_state(None, date(2026, 6, 1), date(2026, 7, 1), False, day) == "planned"
    assert round_state(None, date(2026, 4, 1), date(2026, 5, 1), False, day) == "open"
    assert round_state(None, date(2026, 3, 1), date(2026, 4, 30), False, day) == "closed"
    assert dates_problem(date(2026, 5, 2), date(2026, 5, 1)) is not None
    assert dates_problem(date(2026, 5, 1), date(2026, 5, 1)) is None
