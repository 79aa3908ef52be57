"""ehdmm.templates: blank returns (CSV, XLSX; long and wide layouts) that import once filled in."""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("ehdmm") is None:  # not installed and not on pytest's pythonpath
    sys.path.insert(0, str(ROOT))

from ehdmm import cli, templates  # noqa: E402
from ehdmm.authorities import AuthorityIndex  # noqa: E402
from ehdmm.database import init_db  # noqa: E402
from ehdmm.importer import ImportPlan, import_returns, parse_return  # noqa: E402
from ehdmm.model import load_model  # noqa: E402
from ehdmm.storage import connect, write_with_retry  # noqa: E402
from ehdmm.storage import reference as ref  # noqa: E402
from ehdmm.storage import submissions as store  # noqa: E402
from ehdmm.viewer import LOCAL_VIEWER  # noqa: E402

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
NAMES = [level.name for level in MODEL.levels]
LEVEL_LIST = '"' + ",".join([*NAMES, *(str(n) for n in range(1, len(NAMES) + 1))]) + '"'
ROUND = "2026-03"
BRISTOL = "E06000023"
LONG_LAST_ROW = len(DIMS) + 1


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "template.duckdb"
    init_db(path)
    write_with_retry(path, lambda conn: ref.add_round(conn, ROUND))
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ehdmm.duckdb"
    shutil.copy(template_db, path)
    return path


@pytest.fixture(scope="module")
def index(template_db: Path) -> AuthorityIndex:
    with connect(template_db) as conn:
        return AuthorityIndex(ref.authorities(conn))


def parse(index: AuthorityIndex, name: str, data: bytes) -> ImportPlan:
    return parse_return(name, data, authorities=index, known_rounds={ROUND})


def level_for(n: int) -> int:
    return n % 4 + 1


def expected_levels() -> dict[str, int]:
    return {dim: level_for(n) for n, dim in enumerate(DIMS)}


def ratings(plan: ImportPlan) -> dict[str, int]:
    [sub] = plan.submissions
    assert sub.authority_code == BRISTOL and sub.round_id == ROUND
    return {dim: rating.level for dim, rating in sub.ratings.items()}


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def validations_covering(sheet, cell: str) -> list[str]:
    """The formula1 of every list validation on the sheet that covers the cell."""
    return [
        dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list" and cell in dv.sqref
    ]


# ---------------------------------------------------------------------------------------------
# Headers


def test_long_header() -> None:
    assert templates.header("long") == [
        "authority",
        "round",
        "dimension",
        "level",
        "evidence",
        "confidence",
        "submitted_by",
    ]


def test_wide_header_has_every_dimension_and_checklist_item() -> None:
    header = templates.header("wide")
    assert header[:2] == ["authority", "round"] and header[-2:] == ["submitted_by", "note"]
    for dim in DIMS:
        start = header.index(dim)
        assert header[start : start + 3] == [dim, f"{dim}_evidence", f"{dim}_confidence"]
    for item in MODEL.checklist:
        start = header.index(f"checklist_{item.id}")
        assert header[start + 1] == f"checklist_{item.id}_note"
    assert len(header) == len(set(header)) == 2 + 3 * len(DIMS) + 2 * len(MODEL.checklist) + 2


def test_unknown_layout_or_format() -> None:
    with pytest.raises(ValueError, match="unknown layout 'tall'"):
        templates.header("tall")
    with pytest.raises(ValueError, match="unknown template format 'ods'"):
        templates.template_bytes("long", "ods")


# ---------------------------------------------------------------------------------------------
# CSV templates


@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_csv_template_shape(layout: str) -> None:
    data = templates.template_csv(layout)
    assert data == templates.template_bytes(layout, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert rows[0] == templates.header(layout)
    if layout == "long":
        assert [row[2] for row in rows[1:]] == DIMS
        assert all(cell == "" for row in rows[1:] for i, cell in enumerate(row) if i != 2)
    else:
        assert rows[1:] == []


@pytest.mark.parametrize("fmt", templates.FORMATS)
@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_blank_template_is_rejected_with_one_clear_error(
    index: AuthorityIndex, layout: str, fmt: str
) -> None:
    name = f"blank-{layout}.{fmt}"
    plan = parse(index, name, templates.template_bytes(layout, fmt))
    assert [str(p) for p in plan.problems] == [
        f"{name}, row 1: error: the file has a header but no data rows"
    ]


def test_csv_long_template_round_trips_after_filling_in(db: Path, index: AuthorityIndex) -> None:
    rows = read_csv(templates.template_csv("long"))
    for n, row in enumerate(rows[1:]):
        row[0:2] = ["Bristol, City of", ROUND]
        row[3] = NAMES[level_for(n) - 1]
        row[4] = f"evidence, with a comma, for {row[2]}"
        row[5] = "Medium"
        row[6] = "A. Analyst"
    data = write_csv(rows)
    plan = parse(index, "filled-long.csv", data)
    assert plan.problems == [] and plan.layout == "long"
    assert ratings(plan) == expected_levels()
    [result] = import_returns(db, [("filled-long.csv", data)])
    assert result.outcome == "imported"
    with connect(db) as conn:
        frame = store.current_ratings(conn, LOCAL_VIEWER, BRISTOL, ROUND)
    assert dict(zip(frame.dimension_id, frame.level, strict=True)) == expected_levels()
    assert set(frame.confidence) == {"medium"}
    assert set(frame.evidence) == {f"evidence, with a comma, for {d}" for d in DIMS}


def test_csv_long_template_rows_left_blank_are_skipped(index: AuthorityIndex) -> None:
    """A dimension row of the template left as it was is an unrated dimension, not an error."""
    rows = read_csv(templates.template_csv("long"))
    for row in rows[1:6]:
        row[0:2] = [BRISTOL, ROUND]
        row[3] = "2"
    plan = parse(index, "part.csv", write_csv(rows))
    assert plan.ok, [str(p) for p in plan.errors]
    assert ratings(plan) == dict.fromkeys(DIMS[:5], 2)
    [warning] = plan.problems
    assert str(warning) == (
        "part.csv, row 2: warning: the return of E06000023 for 2026-03 is incomplete: no level "
        f"for {', '.join(DIMS[5:])} (on its own, its strands have no level)"
    )


def test_csv_wide_template_round_trips_after_filling_in(index: AuthorityIndex) -> None:
    rows = read_csv(templates.template_csv("wide"))
    header = rows[0]
    values = dict.fromkeys(header, "")
    values.update(authority="801", round=ROUND, submitted_by="Jo", note="=not a formula")
    for n, dim in enumerate(DIMS):
        values[dim] = str(level_for(n))
        values[f"{dim}_confidence"] = "LOW"
    for n, item in enumerate(MODEL.checklist):
        values[f"checklist_{item.id}"] = "yes" if n % 2 else "no"
    rows.append([values[column] for column in header])
    plan = parse(index, "filled-wide.csv", write_csv(rows))
    assert plan.problems == [] and plan.layout == "wide"
    assert ratings(plan) == expected_levels()
    [sub] = plan.submissions
    assert sub.checklist == {item.id: (n % 2 == 1, None) for n, item in enumerate(MODEL.checklist)}
    assert (sub.submitted_by, sub.note) == ("Jo", "=not a formula")
    assert {r.confidence for r in sub.ratings.values()} == {"low"}


# ---------------------------------------------------------------------------------------------
# XLSX templates


@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_xlsx_template_sheets_and_header(layout: str) -> None:
    book = load(templates.template_xlsx(layout))
    assert book.sheetnames == ["Return", "Descriptors", "Instructions"]
    sheet = book["Return"]
    assert [c.value for c in sheet[1]] == templates.header(layout)
    assert sheet.freeze_panes == "A2"
    if layout == "long":
        assert [sheet.cell(row=r, column=3).value for r in range(2, LONG_LAST_ROW + 1)] == DIMS
    else:
        assert sheet.max_row == 1


@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_xlsx_template_level_cells_have_a_list_of_level_names(layout: str) -> None:
    book = load(templates.template_xlsx(layout))
    sheet = book["Return"]
    header = templates.header(layout)
    last = templates.TEMPLATE_ROWS
    level_columns = ["level"] if layout == "long" else DIMS
    level_dvs = [dv for dv in sheet.data_validations.dataValidation if dv.formula1 == LEVEL_LIST]
    assert len(level_dvs) == 1 and level_dvs[0].type == "list"
    assert level_dvs[0].showErrorMessage and "Mature" in level_dvs[0].error
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        covering = {row: validations_covering(sheet, f"{letter}{row}") for row in (1, 2, last)}
        assert covering[1] == [], f"header cell {letter}1 has a drop-down"
        if name in level_columns:
            assert covering[2] == covering[last] == [LEVEL_LIST], name
            assert validations_covering(sheet, f"{letter}{last + 1}") == []
        elif name == "confidence" or name.endswith("_confidence"):
            assert covering[2] == covering[last] == ['"low,medium,high"'], name
        elif name.startswith("checklist_") and not name.endswith("_note"):
            assert covering[2] == covering[last] == ['"yes,no"'], name
        else:
            assert covering[2] == [], name
    covered = {
        str(cell_range).split(":")[0].rstrip("0123456789")
        for cell_range in level_dvs[0].sqref.ranges
    }
    assert covered == {get_column_letter(header.index(c) + 1) for c in level_columns}


@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_xlsx_template_descriptors_sheet_is_the_models(layout: str) -> None:
    sheet = load(templates.template_xlsx(layout))["Descriptors"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["strand", "dimension id", "dimension", *NAMES]
    body = rows[1:]
    assert len(body) == len(DIMS) == 8
    assert all(len(row) == 3 + 4 for row in body)
    for row, dim in zip(body, MODEL.dimensions, strict=True):
        assert row[:3] == [MODEL.strand(dim.strand_id).name, dim.id, dim.name]
        assert row[3:] == [dim.descriptors[n] for n in (1, 2, 3, 4)]
        assert all(isinstance(text, str) and text.strip() for text in row[3:])


@pytest.mark.parametrize("layout", templates.LAYOUTS)
def test_xlsx_template_instructions(layout: str) -> None:
    sheet = load(templates.template_xlsx(layout))["Instructions"]
    text = "\n".join(str(row[0].value) for row in sheet.iter_rows())
    assert f"{layout} layout" in text and MODEL.version in text
    assert "level: " + ", ".join(f"{n} {name}" for n, name in enumerate(NAMES, start=1)) in text


def test_xlsx_long_template_imports_cleanly_when_filled_in(db: Path, index: AuthorityIndex) -> None:
    book = load(templates.template_xlsx("long"))
    sheet = book["Return"]
    for n, row in enumerate(range(2, LONG_LAST_ROW + 1)):
        sheet.cell(row=row, column=1, value="Bristol")
        sheet.cell(row=row, column=2, value=ROUND)
        sheet.cell(row=row, column=4, value=NAMES[level_for(n) - 1])  # as the drop-down gives
        sheet.cell(row=row, column=6, value="high")
    data = save(book)
    plan = parse(index, "filled.xlsx", data)
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert (plan.layout, plan.sheet) == ("long", "Return")
    assert ratings(plan) == expected_levels()
    [result] = import_returns(db, [("filled.xlsx", data)])
    assert result.outcome == "imported"
    with connect(db) as conn:
        frame = store.current_ratings(conn, LOCAL_VIEWER, BRISTOL, ROUND)
    assert dict(zip(frame.dimension_id, frame.level, strict=True)) == expected_levels()
    assert set(frame.confidence) == {"high"}


def test_xlsx_wide_template_imports_cleanly_when_filled_in(index: AuthorityIndex) -> None:
    book = load(templates.template_xlsx("wide"))
    sheet = book["Return"]
    header = templates.header("wide")
    values: dict[str, object] = {"authority": BRISTOL, "round": ROUND, "note": "all done"}
    for n, dim in enumerate(DIMS):
        values[dim] = NAMES[level_for(n) - 1]
        values[f"{dim}_evidence"] = f"+ see the {dim} plan"
    for item in MODEL.checklist:
        values[f"checklist_{item.id}"] = "yes"
    for column, value in values.items():
        sheet.cell(row=2, column=header.index(column) + 1, value=value)
    plan = parse(index, "filled-wide.xlsx", save(book))
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert (plan.layout, plan.sheet) == ("wide", "Return")
    assert ratings(plan) == expected_levels()
    [sub] = plan.submissions
    assert sub.checklist == {item.id: (True, None) for item in MODEL.checklist}
    assert {d: r.evidence for d, r in sub.ratings.items()} == {
        d: f"+ see the {d} plan" for d in DIMS
    }
    assert sub.note == "all done"


def test_xlsx_long_template_partly_filled_in(index: AuthorityIndex) -> None:
    book = load(templates.template_xlsx("long"))
    sheet = book["Return"]
    sheet["A2"], sheet["B2"], sheet["D2"] = "Bristol", ROUND, "Early"
    sheet["A4"], sheet["B4"], sheet["D4"] = "Bristol", ROUND, "mature"
    plan = parse(index, "part.xlsx", save(book))
    assert plan.ok and ratings(plan) == {DIMS[0]: 1, DIMS[2]: 4}
    assert [p.severity for p in plan.problems] == ["warning"]


# ---------------------------------------------------------------------------------------------
# The `template` command


def test_cli_template_writes_every_layout_and_format(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["template", "--out", str(tmp_path / "out")]) == 0
    written = sorted(Path(line).name for line in capsys.readouterr().out.splitlines())
    assert written == [
        "ehdmm-return-long.csv",
        "ehdmm-return-long.xlsx",
        "ehdmm-return-wide.csv",
        "ehdmm-return-wide.xlsx",
    ]
    for layout in templates.LAYOUTS:
        folder = tmp_path / "out"
        assert (folder / f"ehdmm-return-{layout}.csv").read_bytes() == templates.template_csv(
            layout
        )
        book = load((folder / f"ehdmm-return-{layout}.xlsx").read_bytes())
        assert [c.value for c in book["Return"][1]] == templates.header(layout)


def test_cli_template_one_layout_and_format(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["template", "--layout", "wide", "--format", "xlsx", "--out", str(tmp_path)]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "ehdmm-return-wide.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ehdmm-return-wide.xlsx"]
