"""A plan as an XLSX workbook: written formula-safe, read back with file, row and column in
every message, all or nothing, another authority's rows refused for an authority user."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from ehdmm import plan_workbook, plans
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
LEEDS = "E08000035"
LEEDS_USER = Viewer("authority", LEEDS, "lead@leeds.gov.uk")


def workbook(targets=None, actions=None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    if targets is not None:
        sheet = book.create_sheet("Targets")
        sheet.append(plan_workbook.TARGET_COLUMNS)
        for row in targets:
            sheet.append(row)
    if actions is not None:
        sheet = book.create_sheet("Actions")
        sheet.append(plan_workbook.ACTION_COLUMNS)
        for row in actions:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statement(dimension_id: str, level: int) -> str:
    return MODEL.dimension(dimension_id).statements[level][0]


def a_target(db, code: str = LEEDS) -> list[object]:
    plan = plans.read_plan(db, LOCAL_VIEWER, code)
    dim, level = next((d, lv) for d, lv in plan.levels.items() if lv < 4)
    return [code, dim, level + 1, "2027-03"]


def counts(db) -> tuple[int, ...]:
    with connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("targets", "plan_actions", "audit_log")
        )


def test_round_trip(demo_db):
    target = a_target(demo_db)
    text = f"{statement('casework', 3)}\n{statement('casework', 4)}"
    data = workbook(
        [target],
        act(
            dimension="Casework",
            title='=HYPERLINK("x")',
            statement=text,
            owner="Head of EH",
            due="2027-01-31",
            note="-1",
        ),
    )
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, data, "plan.xlsx", MODEL)
    assert result.ok, result.problems
    changes = plans.plan_changes(result.plans_read, result.targets, result.actions)
    assert changes.summary() == "1 target(s) set, 1 action(s) added, 0 changed, 0 unchanged"
    plans.apply_changes(demo_db, "me", result.plans_read, changes, "plan.xlsx", MODEL)
    plan = plans.read_plan(demo_db, LEEDS_USER, LEEDS)
    assert plan.actions["title"].tolist() == ['=HYPERLINK("x")']  # stored as typed
    out = plan_workbook.workbook_bytes(plan, "Leeds")
    book = load_workbook(io.BytesIO(out))
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert rows[1][2] == '\'=HYPERLINK("x")' and rows[1][7] == "'-1"  # neutralised
    assert rows[1][3] == text and rows[1][5] == "2027-01-31"
    targets = list(book["Targets"].iter_rows(values_only=True))
    assert targets[1] == tuple(target)
    # read back again: nothing changes
    again = plan_workbook.read_plan_file(demo_db, LEEDS_USER, workbook([target], []), "p", MODEL)
    assert plans.plan_changes(again.plans_read, again.targets, again.actions).empty


def act(**changes: object) -> list[list[object]]:
    """One Actions row (statement 'S': a statement of the model), with `changes`."""
    row = (
        dict(
            authority_code=LEEDS,
            dimension="casework",
            title="T",
            statement="S",
            owner=None,
            due=None,
            status="planned",
            note=None,
        )
        | changes
    )
    return [[row[c] for c in plan_workbook.ACTION_COLUMNS]]


@pytest.mark.parametrize(
    ("targets", "actions", "row", "column", "message"),
    [
        ([["E99999999", "casework", 4, "2027-03"]], None, 2, "authority_code", "E99999999"),
        ([[LEEDS, "nope", 4, "2027-03"]], None, 2, "dimension", "not a dimension"),
        ([[LEEDS, "casework", 5, "2027-03"]], None, 2, "target_level", "at most 4"),
        ([[LEEDS, "casework", 4, "2026-03"]], None, 2, "target_round", "later than"),
        ([[LEEDS, "casework", 4, "27-03"]], None, 2, "target_round", "YYYY-MM"),
        (None, act(statement="nope"), 2, "statement", "not one of"),
        (None, act(title=""), 2, "title", "empty"),
        (None, act(due="soon"), 2, "due", "not a date"),
        (None, act(status="finished"), 2, "status", "not a status"),
        (None, act(authority_code="E06000023"), 2, "authority_code", "not your authority"),
    ],
)
def test_bad_rows_name_file_row_and_column_and_write_nothing(
    demo_db, targets, actions, row, column, message
):
    good = a_target(demo_db)
    if actions is not None:
        actions = [[c if c != "S" else statement("casework", 4) for c in r] for r in actions]
        targets = [good]  # a good row beside the bad one: still nothing written
    data = workbook(targets, actions)
    before = counts(demo_db)
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, data, "my plan.xlsx", MODEL)
    assert not result.ok
    problem = result.problems[0]
    assert (problem.file, problem.row, problem.column) == ("my plan.xlsx", row, column)
    assert message in str(problem) and str(problem).startswith("my plan.xlsx, row 2, column")
    assert counts(demo_db) == before


def test_not_a_workbook_and_missing_sheets(demo_db):
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, b"hello", "x.xlsx", MODEL)
    assert "not a valid XLSX workbook" in str(result.problems[0])
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, out.getvalue(), "x.xlsx", MODEL)
    assert "neither a 'Targets' nor an 'Actions' sheet" in str(result.problems[0])


def test_missing_column(demo_db):
    book = Workbook()
    book.active.title = "Targets"
    book.active.append(["authority_code", "dimension", "target_level"])
    out = io.BytesIO()
    book.save(out)
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, out.getvalue(), "x.xlsx", MODEL)
    assert "no column target_round" in str(result.problems[0])


def test_over_the_size_limit(demo_db, monkeypatch):
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "0.001")
    data = workbook([a_target(demo_db)] * 100, None)
    result = plan_workbook.read_plan_file(demo_db, LEEDS_USER, data, "x.xlsx", MODEL)
    assert "over" in str(result.problems[0])
