"""One cell's value (ehdmm/importer/cells.py): whatever a cell holds gives a value or a message
with its row and column (never a traceback); rounds are ASCII YYYY-MM with a plausible year;
levels read the same from CSV text and XLSX numbers; values quoted in messages are cut short."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm.authorities import AuthorityIndex
from ehdmm.database import init_db
from ehdmm.importer import parse_return
from ehdmm.importer.cells import CellError, Cells
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
ROUND = "2026-03"
BRISTOL = "E06000023"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> AuthorityIndex:
    path = tmp_path_factory.mktemp("cells") / "ref.duckdb"
    init_db(path)
    with connect(path) as conn:
        return AuthorityIndex(ref.authorities(conn))


def cells(index: AuthorityIndex, **kwargs: object) -> Cells:
    options = {"known_rounds": {ROUND}, "round_id": None, "create_round": False, **kwargs}
    return Cells(MODEL, index, **options)


def long_csv(*rows: tuple[object, ...]) -> bytes:
    lines = ["authority,round,dimension,level,evidence"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def parse(index: AuthorityIndex, name: str, data: bytes, **kwargs: object):
    kwargs.setdefault("known_rounds", {ROUND})
    return parse_return(name, data, authorities=index, **kwargs)


# -- rounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["２０２６-03", "٢٠٢٧-03", "2026-05x", "0000-01", "2099-12", "2014-03", "2026-13", "26-03"],
)
def test_a_round_is_ascii_yyyy_mm_with_a_plausible_year(index: AuthorityIndex, value: str) -> None:
    reader = cells(index, create_round=True)
    with pytest.raises(CellError) as caught:
        reader.round(value)
    assert "YYYY-MM" in caught.value.message or "year" in caught.value.message
    assert reader.rounds_to_create == set()


def test_a_plausible_new_round_is_created(index: AuthorityIndex) -> None:
    reader = cells(index, create_round=True)
    assert reader.round("2027-03") == "2027-03" and reader.rounds_to_create == {"2027-03"}
    assert reader.round("2015-01") == "2015-01"


@pytest.mark.parametrize("value", ["２０２６-03", "2026-05\n", "0000-01", "2099-12"])
def test_the_round_option_is_checked_the_same_way(index: AuthorityIndex, value: str) -> None:
    data = long_csv((BRISTOL, "", "cba", 2, ""))
    plan = parse(index, "r.csv", data, round_id=value, create_round=True)
    assert not plan.ok and plan.rounds_to_create == set()
    [error] = plan.errors
    assert repr(value)[1:-1] in error.message or value in error.message
    assert "\n" not in error.message


# -- crashes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "¹²³", "٣٤٥", "８０１"])
def test_digits_that_are_not_ascii_are_an_unknown_authority(
    index: AuthorityIndex, value: str
) -> None:
    plan = parse(index, "a.csv", long_csv((value, ROUND, "cba", 2, "")))
    [error] = plan.errors
    assert (error.row, error.column) == (2, "authority")
    assert "unknown authority" in error.message


@settings(max_examples=60, deadline=None)
@given(
    column=st.sampled_from(["authority", "round", "dimension", "level", "evidence"]),
    value=st.text(max_size=30).filter(lambda t: "\x00" not in t),
)
def test_property_any_cell_value_gives_a_value_or_a_row_and_column_message(
    index: AuthorityIndex, column: str, value: str
) -> None:
    """Written into an XLSX cell (any text, no CSV quoting to get wrong): the file is read
    without an exception, and every error names row 2 and the column."""
    row = {"authority": BRISTOL, "round": ROUND, "dimension": "cba", "level": 2, "evidence": ""}
    row[column] = value
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(row))
    sheet.append([_safe(v) for v in row.values()])
    out = io.BytesIO()
    book.save(out)
    plan = parse(index, "p.xlsx", out.getvalue())
    for error in plan.errors:  # a cell's problem, or the return's (no level at all)
        assert error.row == 2, str(error)
        assert error.column is not None or "has no ratings" in error.message, str(error)


def _safe(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.startswith("=") else value
    return value


# -- levels as text and as numbers -------------------------------------------------------------


@pytest.mark.parametrize("text", ["3.0", "3.00", " 3.0 ", "3"])
def test_a_whole_number_with_decimals_is_a_level_in_csv_as_in_xlsx(
    index: AuthorityIndex, text: str
) -> None:
    assert cells(index).level(text) == 3
    assert cells(index).level(3.0) == 3


@pytest.mark.parametrize("text", ["2.5", "3.", ".0", "3.0.0", "3,0", "+3", "1e0"])
def test_other_decimals_are_not_levels(index: AuthorityIndex, text: str) -> None:
    with pytest.raises(CellError):
        cells(index).level(text)


def test_level_30_in_a_csv_is_read_as_the_xlsx_30_is(index: AuthorityIndex, tmp_path: Path) -> None:
    plan = parse(index, "l.csv", long_csv(*[(BRISTOL, ROUND, d, "3.0", "") for d in DIMS]))
    assert plan.ok, [str(p) for p in plan.problems]
    assert {r.level for r in plan.submissions[0].ratings.values()} == {3}


# -- what messages quote ---------------------------------------------------------------------


def test_a_huge_value_is_quoted_cut_short(index: AuthorityIndex) -> None:
    huge = "x" * 1_000_000
    for column, row in (
        ("authority", (huge, ROUND, "cba", 2, "")),
        ("round", (BRISTOL, huge, "cba", 2, "")),
        ("dimension", (BRISTOL, ROUND, huge, 2, "")),
        ("level", (BRISTOL, ROUND, "cba", huge, "")),
    ):
        plan = parse(index, "h.csv", long_csv(row))
        [error] = [e for e in plan.errors if e.column == column]
        assert len(error.message) < 600, (column, len(error.message))
        assert "…" in error.message


def test_control_characters_in_a_value_are_shown_escaped(index: AuthorityIndex) -> None:
    plan = parse(index, "c.csv", long_csv((BRISTOL, ROUND, "cba", "\x1b[31mred\x1b[0m", "")))
    [error] = plan.errors
    assert "\x1b" not in error.message and "\\x1b" in error.message
