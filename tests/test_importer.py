"""ehdmm.importer and `python -m ehdmm import`: layouts, validation messages, all-or-nothing
files, superseding, no-op re-imports, dry runs, and property tests.

Every test runs against a real DuckDB file (a copy of one built once per module); a rejected
file must leave every table, import_log included, exactly as it was.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart, Reference

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("ehdmm") is None:  # not installed and not on pytest's pythonpath
    sys.path.insert(0, str(ROOT))

from ehdmm import cli, importer, scoring  # noqa: E402
from ehdmm.authorities import AuthorityIndex  # noqa: E402
from ehdmm.database import init_db  # noqa: E402
from ehdmm.importer import (  # noqa: E402
    EVIDENCE_MAX_CHARS,
    Problem,
    import_returns,
    parse_return,
)
from ehdmm.model import load_model  # noqa: E402
from ehdmm.storage import connect, write_with_retry  # noqa: E402
from ehdmm.storage import reference as ref  # noqa: E402
from ehdmm.storage import submissions as store  # noqa: E402
from ehdmm.viewer import LOCAL_VIEWER  # noqa: E402

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
LEVEL_NAMES = MODEL.level_names  # {1: 'Early', ...}
ROUND = "2026-03"
BRISTOL = "E06000023"  # "Bristol, City of", DfE LA number 801
LEEDS = "E08000035"
LONG = ["authority", "round", "dimension", "level"]
LONG_FULL = [*LONG, "evidence", "confidence", "submitted_by"]


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: reference data, the model and the round 2026-03 (checkpointed on close)."""
    path = tmp_path_factory.mktemp("importer") / "template.duckdb"
    init_db(path)
    write_with_retry(path, lambda conn: ref.add_round(conn, ROUND))
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ehdmm.duckdb"
    shutil.copy(template_db, path)
    return path


@pytest.fixture(scope="module")
def authority_frame(template_db: Path) -> pd.DataFrame:
    with connect(template_db) as conn:
        return ref.authorities(conn)


@pytest.fixture(scope="module")
def index(authority_frame: pd.DataFrame) -> AuthorityIndex:
    return AuthorityIndex(authority_frame)


def snapshot(db: Path, *, with_log: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table (import_log only when with_log)."""
    with connect(db) as conn:
        tables = [*store.table_counts(conn), "meta", "model_dimensions"]
        if not with_log:
            tables.remove("import_log")
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def csv_bytes(rows: list[list[object]], *, crlf: bool = False, bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def long_rows(
    authority: str = BRISTOL, round_id: str = ROUND, level: object = 2, dims: list[str] = DIMS
) -> list[list[object]]:
    return [[authority, round_id, dim, level] for dim in dims]


def long_csv(*rows: list[object], header: list[str] = LONG) -> bytes:
    return csv_bytes([header, *rows])


def full_long_csv(authority: str = BRISTOL, level: object = 2, **kwargs: object) -> bytes:
    return csv_bytes([LONG, *long_rows(authority, level=level, **kwargs)])


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_zip_member(data: bytes, member: str, change) -> bytes:
    """The package with one member's bytes replaced by change(bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item, change(body) if item.filename == member else body)
    return out.getvalue()


def parse(index: AuthorityIndex, name: str, data: bytes, **kwargs: object):
    kwargs.setdefault("known_rounds", {ROUND})
    return parse_return(name, data, authorities=index, **kwargs)


def find(
    problems: list[Problem],
    file: str,
    row: int | None,
    column: str | None,
    text: str,
    severity: str = "error",
) -> Problem:
    """The problem at file/row/column whose message holds text; its str() must say where."""
    where = [file, *([f"row {row}"] if row is not None else [])]
    where += [f"column '{column}'"] if column is not None else []
    prefix = f"{', '.join(where)}: {severity}: "
    for problem in problems:
        shown = str(problem)
        if (
            problem.severity == severity
            and (problem.file, problem.row, problem.column) == (file, row, column)
            and shown.startswith(prefix)
            and text in shown
        ):
            return problem
    listing = "\n".join(str(p) for p in problems) or "(none)"
    raise AssertionError(f"no {prefix!r} ... {text!r} among:\n{listing}")


def assert_rejected(
    db: Path,
    name: str,
    data: bytes,
    row: int | None,
    column: str | None,
    text: str,
    **kwargs: object,
):
    """import_returns rejects the file with that problem and writes nothing at all."""
    before = snapshot(db)
    [result] = import_returns(db, [(name, data)], **kwargs)
    assert result.outcome == "rejected", result.message
    assert result.message.startswith(f"{name}: rejected")
    assert "nothing was written" in result.message
    assert result.submission_ids == []
    find(result.plan.problems, name, row, column, text)
    assert not result.plan.ok and result.plan.submissions == []
    assert snapshot(db) == before
    return result


def current(db: Path, authority: str = BRISTOL, round_id: str = ROUND) -> pd.DataFrame:
    with connect(db) as conn:
        frame = store.current_ratings(conn, LOCAL_VIEWER, authority, round_id)
    return frame.sort_values("dimension_id").reset_index(drop=True)


def levels_of(db: Path, authority: str = BRISTOL, round_id: str = ROUND) -> dict[str, int]:
    frame = current(db, authority, round_id)
    return {r.dimension_id: int(r.level) for r in frame.itertuples()}


def submissions(db: Path) -> list[tuple]:
    with connect(db) as conn:
        return conn.execute(
            "SELECT id, authority_code, round_id, status, superseded_by, source, source_file "
            "FROM submissions ORDER BY id"
        ).fetchall()


def import_log(db: Path) -> list[tuple]:
    with connect(db) as conn:
        return conn.execute(
            "SELECT file_name, outcome, submissions, ratings, message FROM import_log ORDER BY id"
        ).fetchall()


def rounds(db: Path) -> set[str]:
    with connect(db) as conn:
        return set(ref.rounds(conn)["id"])


# ---------------------------------------------------------------------------------------------
# Accepted files: layouts and the forms each value may take


def test_long_layout_imports_every_field(db: Path) -> None:
    rows = [
        [BRISTOL, ROUND, dim, n % 4 + 1, f"evidence for {dim}", "medium", "A. Analyst"]
        for n, dim in enumerate(DIMS)
    ]
    [result] = import_returns(db, [("bristol.csv", csv_bytes([LONG_FULL, *rows]))], actor="t")
    assert result.outcome == "imported", result.message
    assert result.plan.layout == "long" and result.plan.errors == []
    assert result.message == (
        "bristol.csv: imported 1 submission(s) for 1 authority, 8 rating(s), round(s) 2026-03: "
        "Bristol, City of (E06000023) 2026-03 new"
    )
    frame = current(db)
    assert dict(zip(frame.dimension_id, frame.level, strict=True)) == {
        dim: n % 4 + 1 for n, dim in enumerate(DIMS)
    }
    assert set(frame.evidence) == {f"evidence for {d}" for d in DIMS}
    assert set(frame.confidence) == {"medium"}
    [(sub_id, code, rnd, status, superseded_by, source, source_file)] = submissions(db)
    assert (code, rnd, status, superseded_by, source, source_file) == (
        BRISTOL,
        ROUND,
        "submitted",
        None,
        "import",
        "bristol.csv",
    )
    assert result.submission_ids == [sub_id]
    with connect(db) as conn:
        (by,) = conn.execute("SELECT submitted_by FROM submissions").fetchone()
    assert by == "A. Analyst"
    assert import_log(db) == [("bristol.csv", "imported", 1, 8, result.message)]


def test_wide_layout_imports_levels_evidence_confidence_and_checklist(db: Path) -> None:
    header = ["authority", "round", *DIMS, "cba_evidence", "cba_confidence"]
    header += ["checklist_privacy", "checklist_privacy_note", "checklist_analyst"]
    header += ["submitted_by", "note"]
    bristol = ["Bristol", ROUND, *[3] * len(DIMS), "a cost model", "HIGH", "Yes", "DPO", "no"]
    bristol += ["Jo", "first go"]
    leeds = [LEEDS, ROUND, *["Maturing"] * (len(DIMS) - 1), "", "", "", "n", "", "y", "", ""]
    [result] = import_returns(db, [("wide.csv", csv_bytes([header, bristol, leeds]))])
    assert result.outcome == "imported", [str(p) for p in result.plan.problems]
    assert result.plan.layout == "wide"
    assert levels_of(db) == dict.fromkeys(DIMS, 3)
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS[:-1], 3)
    find(result.plan.problems, "wide.csv", 3, None, f"no level for {DIMS[-1]}", "warning")
    frame = current(db).set_index("dimension_id")
    assert frame.loc["cba", "evidence"] == "a cost model"
    assert frame.loc["cba", "confidence"] == "high"
    with connect(db) as conn:
        answers = conn.execute(
            "SELECT s.authority_code, c.item_id, c.in_place, c.note FROM checklist_answers c "
            "JOIN submissions s ON s.id = c.submission_id ORDER BY ALL"
        ).fetchall()
        notes = conn.execute("SELECT authority_code, submitted_by, note FROM submissions").df()
    assert answers == [
        (BRISTOL, "analyst", False, None),
        (BRISTOL, "privacy", True, "DPO"),
        (LEEDS, "analyst", True, None),
        (LEEDS, "privacy", False, None),
    ]
    notes = notes.set_index("authority_code")
    assert (notes.loc[BRISTOL, "submitted_by"], notes.loc[BRISTOL, "note"]) == ("Jo", "first go")


@pytest.mark.parametrize(
    "reference",
    [
        "E06000023",
        "e06000023",
        " E06000023 ",
        "801",
        "Bristol",
        "Bristol, City of",
        "bristol city of",
        "BRISTOL,CITY OF",
        "  Bristol.  ",
    ],
)
def test_authority_by_code_number_or_name(index: AuthorityIndex, reference: str) -> None:
    plan = parse(index, "a.csv", long_csv([reference, ROUND, "cba", 2]))
    assert plan.ok, [str(p) for p in plan.errors]
    assert [s.authority_code for s in plan.submissions] == [BRISTOL]


def test_authority_number_as_xlsx_number(index: AuthorityIndex) -> None:
    data = xlsx_bytes({"Return": [LONG, [801, ROUND, "cba", 2], [801.0, ROUND, "research", 3]]})
    plan = parse(index, "a.xlsx", data)
    assert plan.ok and [s.authority_code for s in plan.submissions] == [BRISTOL]
    assert {d: r.level for d, r in plan.submissions[0].ratings.items()} == {
        "cba": 2,
        "research": 3,
    }


@pytest.mark.parametrize(
    ("reference", "dim_id"),
    [
        ("cba", "cba"),
        ("CBA", "cba"),
        ("Cost Benefit Analysis (CBA)", "cba"),
        ("cost benefit analysis", "cba"),
        ("Training and development", "training"),
        ("  information governance ", "information_governance"),
        ("Research", "research"),
    ],
)
def test_dimension_by_id_or_name(index: AuthorityIndex, reference: str, dim_id: str) -> None:
    plan = parse(index, "d.csv", long_csv([BRISTOL, ROUND, reference, 2]))
    assert plan.ok, [str(p) for p in plan.errors]
    assert list(plan.submissions[0].ratings) == [dim_id]


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("1", 1),
        ("4", 4),
        (" 3 ", 3),
        ("Early", 1),
        ("developing", 2),
        ("MATURING", 3),
        ("  mAtUrE  ", 4),
        ("Mature", 4),
    ],
)
def test_level_by_number_or_name(index: AuthorityIndex, raw: str, level: int) -> None:
    plan = parse(index, "l.csv", long_csv([BRISTOL, ROUND, "cba", raw]))
    assert plan.ok, [str(p) for p in plan.errors]
    assert plan.submissions[0].ratings["cba"].level == level


def test_confidence_any_case_or_blank(db: Path) -> None:
    header = [*LONG, "confidence"]
    rows = [
        [BRISTOL, ROUND, d, 2, c]
        for d, c in zip(DIMS[:4], ["LOW", "Medium", " high ", ""], strict=True)
    ]
    [result] = import_returns(db, [("c.csv", long_csv(*rows, header=header))])
    assert result.outcome == "imported"
    frame = current(db).set_index("dimension_id")
    confidences = [frame.loc[d, "confidence"] for d in DIMS[:4]]
    assert confidences[:3] == ["low", "medium", "high"]
    assert confidences[3] is None or pd.isna(confidences[3])


def test_header_names_ignore_case_and_spaces(index: AuthorityIndex) -> None:
    header = [" Authority", "ROUND", "Dimension ", "Level", "Submitted By"]
    plan = parse(index, "h.csv", long_csv([BRISTOL, ROUND, "cba", 2, "me"], header=header))
    assert plan.ok and plan.layout == "long"
    assert plan.submissions[0].submitted_by == "me"


def test_semicolon_separated_csv(index: AuthorityIndex) -> None:
    data = b"authority;round;dimension;level\nBristol, City of;2026-03;cba;Maturing\n"
    plan = parse(index, "s.csv", data)
    assert plan.ok and plan.submissions[0].ratings["cba"].level == 3


# ---------------------------------------------------------------------------------------------
# Encodings and line endings


def test_utf8_bom_and_crlf(db: Path) -> None:
    rows = [[*r, "naïve café — ok"] for r in long_rows()]
    data = csv_bytes([[*LONG, "evidence"], *rows], crlf=True, bom=True)
    assert data.startswith(b"\xef\xbb\xbfauthority,") and b"\r\n" in data
    [result] = import_returns(db, [("bom.csv", data)])
    assert result.outcome == "imported" and result.plan.problems == []
    assert set(current(db).evidence) == {"naïve café — ok"}


def test_cp1252_text_is_decoded_with_a_warning(db: Path) -> None:
    text = "authority,round,dimension,level,evidence\r\n"
    text += "".join(f"{BRISTOL},{ROUND},{d},2,Budget £5k – “agreed”\r\n" for d in DIMS)
    [result] = import_returns(db, [("ansi.csv", text.encode("cp1252"))])
    assert result.outcome == "imported"
    find(result.plan.problems, "ansi.csv", None, None, "read as Windows-1252", "warning")
    assert set(current(db).evidence) == {"Budget £5k – “agreed”"}


def test_bom_with_text_that_is_not_utf8_is_rejected(db: Path) -> None:
    data = b"\xef\xbb\xbfauthority,round,dimension,level,evidence\r\n"
    data += f"{BRISTOL},{ROUND},cba,2,ok\r\n".encode()
    data += f"{BRISTOL},{ROUND},research,2,Budget £5k\r\n".encode("cp1252")
    assert_rejected(db, "mixed.csv", data, 3, None, "not valid UTF-8")


def test_binary_file_named_csv_is_rejected(db: Path) -> None:
    assert_rejected(db, "x.csv", b"\x00\x01\x02binary", None, None, "not a text CSV file")


def test_unreadable_csv_names_the_row_where_the_quote_opened(db: Path) -> None:
    data = long_csv([BRISTOL, ROUND, "cba", 2], [BRISTOL, ROUND, 'research "x"', 2])
    data += b'E06000023,2026-03,training,"3\nE06000023,2026-03,casework,3\n'
    assert_rejected(db, "q.csv", data, 4, None, "the CSV cannot be read")


# ---------------------------------------------------------------------------------------------
# Rejected files: each problem named by file, row and column; nothing written


REJECTIONS = [
    pytest.param("empty.csv", b"", None, None, "the file is empty", {}, id="empty-file"),
    pytest.param("blank.csv", b"\r\n ,, \r\n", None, None, "the file is empty", {}, id="blank"),
    pytest.param("header.csv", long_csv(), 1, None, "header but no data rows", {}, id="header"),
    pytest.param(
        "who.csv",
        long_csv([BRISTOL, ROUND, "cba", 2], ["Atlantis", ROUND, "cba", 2]),
        3,
        "authority",
        "unknown authority 'Atlantis'",
        {},
        id="unknown-authority",
    ),
    pytest.param(
        "who.csv",
        long_csv(["", ROUND, "cba", 2]),
        2,
        "authority",
        "the authority is empty",
        {},
        id="empty-authority",
    ),
    pytest.param(
        "dim.csv",
        long_csv([BRISTOL, ROUND, "widgets", 2]),
        2,
        "dimension",
        "'widgets' is not a dimension of the model",
        {},
        id="unknown-dimension",
    ),
    pytest.param(
        "lvl.csv",
        long_csv([BRISTOL, ROUND, "cba", 2], [BRISTOL, ROUND, "research", 0]),
        3,
        "level",
        "'0' is not a level (use 1-4 or a level name",
        {},
        id="level-0",
    ),
    pytest.param(
        "lvl.csv",
        long_csv([BRISTOL, ROUND, "cba", 5]),
        2,
        "level",
        "'5' is not a level",
        {},
        id="level-5",
    ),
    pytest.param(
        "lvl.csv",
        long_csv([BRISTOL, ROUND, "cba", "Mature-ish"]),
        2,
        "level",
        "'Mature-ish' is not a level",
        {},
        id="level-mature-ish",
    ),
    pytest.param(
        "lvl.csv",
        long_csv([BRISTOL, ROUND, "cba", "2.5"]),
        2,
        "level",
        "'2.5' is not a level",
        {},
        id="level-2.5",
    ),
    pytest.param(
        "dup.csv",
        long_csv([BRISTOL, ROUND, "cba", 2], ["Bristol", ROUND, "CBA", 3]),
        3,
        "dimension",
        "cba for E06000023 in 2026-03 appears twice with different values (also on row 2)",
        {},
        id="duplicate-different",
    ),
    pytest.param(
        "cols.csv",
        csv_bytes([["authority", "round", "dimension"], [BRISTOL, ROUND, "cba"]]),
        1,
        "level",
        "missing required column 'level'",
        {},
        id="missing-level-column",
    ),
    pytest.param(
        "cols.csv",
        csv_bytes([["authority", "dimension", "level"], [BRISTOL, "cba", 2]]),
        1,
        "round",
        "missing required column 'round' (or give the round with --round)",
        {},
        id="missing-round-column",
    ),
    pytest.param(
        "cols.csv",
        csv_bytes([["round", "dimension", "level"], [ROUND, "cba", 2]]),
        1,
        "authority",
        "missing required column 'authority'",
        {},
        id="missing-authority-column",
    ),
    pytest.param(
        "what.csv",
        csv_bytes([["name", "score"], ["Bristol", 2]]),
        1,
        None,
        "the header is not a return",
        {},
        id="not-a-return",
    ),
    pytest.param(
        "mixed.csv",
        csv_bytes([[*LONG, "cba"], [BRISTOL, ROUND, "cba", 2, 3]]),
        1,
        "cba",
        "mixes the long layout (dimension, level) and the wide layout",
        {},
        id="mixed-header",
    ),
    pytest.param(
        "twice.csv",
        csv_bytes([[*LONG, "Level"], [BRISTOL, ROUND, "cba", 2, 2]]),
        1,
        "level",
        "the column 'level' appears twice",
        {},
        id="column-twice",
    ),
    pytest.param(
        "conf.csv",
        long_csv([BRISTOL, ROUND, "cba", 2, "very"], header=[*LONG, "confidence"]),
        2,
        "confidence",
        "'very' is not a confidence",
        {},
        id="bad-confidence",
    ),
    pytest.param(
        "long.csv",
        long_csv([BRISTOL, ROUND, "cba", 2, "x" * 4001], header=[*LONG, "evidence"]),
        2,
        "evidence",
        "4,001 characters, over the limit of 4,000",
        {},
        id="evidence-too-long",
    ),
    pytest.param(
        "rnd.csv",
        long_csv([BRISTOL, "March 2026", "cba", 2]),
        2,
        "round",
        "'March 2026' is not a round of the form YYYY-MM",
        {},
        id="bad-round",
    ),
    pytest.param(
        "rnd.csv",
        long_csv([BRISTOL, "", "cba", 2]),
        2,
        "round",
        "the round is empty",
        {},
        id="empty-round",
    ),
    pytest.param(
        "rnd.csv",
        long_csv([BRISTOL, "2026-09", "cba", 2]),
        2,
        "round",
        "the round '2026-09' does not exist; create it with --create-round",
        {},
        id="unknown-round",
    ),
    pytest.param(
        "rnd.csv",
        long_csv([BRISTOL, "2026-09", "cba", 2]),
        2,
        "round",
        "the round '2026-09' disagrees with the round given (2026-03)",
        {"round_id": ROUND},
        id="round-disagrees-with-option",
    ),
    pytest.param(
        "rnd.csv",
        full_long_csv(),
        None,
        None,
        "the round given: '2026-3' is not a round of the form YYYY-MM",
        {"round_id": "2026-3"},
        id="bad-round-option",
    ),
    pytest.param(
        "none.csv",
        long_csv([BRISTOL, ROUND, "cba", ""], [BRISTOL, ROUND, "research", " "]),
        2,
        None,
        "E06000023 in 2026-03 has no ratings",
        {},
        id="no-levels-at-all",
    ),
    pytest.param(
        "wide.csv",
        csv_bytes([["authority", "round", "cba"], [BRISTOL, ROUND, "Mature-ish"]]),
        2,
        "cba",
        "'Mature-ish' is not a level",
        {},
        id="wide-bad-level",
    ),
    pytest.param(
        "wide.csv",
        csv_bytes(
            [["authority", "round", "cba", "checklist_privacy"], [BRISTOL, ROUND, 2, "maybe"]]
        ),
        2,
        "checklist_privacy",
        "'maybe' is not yes or no",
        {},
        id="wide-bad-checklist",
    ),
    pytest.param(
        "wide.csv",
        csv_bytes([["authority", "round", "cba"], [BRISTOL, ROUND, 2], ["Bristol", ROUND, 3]]),
        3,
        "authority",
        "E06000023 already has a row for 2026-03 (row 2) with different values",
        {},
        id="wide-duplicate-different",
    ),
    pytest.param(
        "old.xls",
        b"\xd0\xcf\x11\xe0whatever",
        None,
        None,
        "old .xls workbooks are not read",
        {},
        id="xls",
    ),
    pytest.param("data.ods", b"PK..", None, None, "unknown file type", {}, id="ods"),
    pytest.param(
        "fake.xlsx",
        b"authority,round\nBristol,2026-03\n",
        None,
        None,
        "not a valid XLSX workbook (it is not a zip package)",
        {},
        id="csv-as-xlsx",
    ),
]


@pytest.mark.parametrize(("name", "data", "row", "column", "text", "kwargs"), REJECTIONS)
def test_rejected_file_writes_nothing(
    db: Path, name: str, data: bytes, row: int | None, column: str | None, text: str, kwargs: dict
) -> None:
    assert_rejected(db, name, data, row, column, text, **kwargs)


def test_one_bad_row_among_good_ones_rejects_the_whole_file(db: Path) -> None:
    rows = long_rows(LEEDS, level=3) + long_rows(BRISTOL, level=2)
    rows[11][3] = "Mature-ish"  # the file's row 13
    assert_rejected(db, "mixed.csv", long_csv(*rows), 13, "level", "'Mature-ish' is not a level")


def test_every_error_of_a_file_is_reported(index: AuthorityIndex) -> None:
    data = long_csv(
        ["Atlantis", ROUND, "cba", 2], [BRISTOL, "2026-3", "widgets", 9], [BRISTOL, ROUND, "cba", 1]
    )
    plan = parse(index, "many.csv", data)
    find(plan.problems, "many.csv", 2, "authority", "unknown authority")
    find(plan.problems, "many.csv", 3, "round", "'2026-3' is not a round")
    find(plan.problems, "many.csv", 3, "dimension", "'widgets' is not a dimension")
    find(plan.problems, "many.csv", 3, "level", "'9' is not a level")
    assert len(plan.errors) == 4 and plan.submissions == [] and plan.rounds_to_create == set()


def test_zip_that_is_not_a_workbook(db: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "hello")
    assert_rejected(db, "renamed.xlsx", out.getvalue(), None, None, "not a valid XLSX workbook")


def test_workbook_with_a_damaged_sheet(db: Path) -> None:
    good = xlsx_bytes({"Return": [LONG, *long_rows()]})
    damaged = rewrite_zip_member(good, "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2])
    assert_rejected(db, "damaged.xlsx", damaged, None, None, "the sheet 'Return' of this XLSX")


def test_over_the_size_limit(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "0.001")  # 1,048 bytes
    big = csv_bytes([[*LONG, "evidence"], *[[*r, "x" * 200] for r in long_rows()]])
    assert len(big) > 1048
    assert_rejected(db, "big.csv", big, None, None, "over the limit of 1,048 bytes")
    [result] = import_returns(db, [("small.csv", long_csv([BRISTOL, ROUND, "cba", 2]))])
    assert result.outcome == "imported"


def test_size_limit_message_in_megabytes(index: AuthorityIndex, monkeypatch) -> None:
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "1")
    plan = parse(index, "big.csv", b"x" * (3 * 1024 * 1024))
    find(
        plan.problems,
        "big.csv",
        None,
        None,
        "the file is 3.0 MB (3,145,728 bytes), over the limit of 1.0 MB (1,048,576 bytes)",
    )


# ---------------------------------------------------------------------------------------------
# Ambiguous authority names


def test_ambiguous_name_with_a_small_index() -> None:
    frame = pd.DataFrame(
        [
            ("E99000001", "Newtown, City of", "North", "Unitary", 991),
            ("E99000002", "Newtown", "South", "County", 992),
            ("E99000003", "Oldtown", "South", "County", None),
        ],
        columns=["code", "name", "region", "la_type", "la_number"],
    )
    small = AuthorityIndex(frame)
    data = long_csv(["Oldtown", ROUND, "cba", 2], ["newtown", ROUND, "cba", 2])
    plan = parse_return("amb.csv", data, authorities=small, known_rounds={ROUND})
    problem = find(plan.problems, "amb.csv", 3, "authority", "'newtown' matches more than one")
    assert "Newtown, City of (E99000001)" in str(problem) and "use the ONS code" in str(problem)
    assert not plan.ok and plan.submissions == []
    for reference, code in [
        ("Newtown, City of", "E99000001"),
        ("E99000002", "E99000002"),
        ("992", "E99000002"),
        ("Oldtown", "E99000003"),
    ]:
        plan = parse_return(
            "ok.csv",
            long_csv([reference, ROUND, "cba", 2]),
            authorities=small,
            known_rounds=[ROUND],
        )
        assert plan.ok and plan.authorities == [code]


def test_ambiguous_name_in_the_database(db: Path) -> None:
    frame = pd.DataFrame(
        [
            ("E99000001", "Avalon, City of", "South West", "Unitary", 990, True),
            ("E99000002", "Avalon", "South West", "Unitary", 991, True),
        ],
        columns=["code", "name", "region", "la_type", "la_number", "synthetic"],
    )
    links = pd.DataFrame(
        {
            "authority_code": ["E99000001"],
            "rank": [1],
            "neighbour_code": ["E99000002"],
            "closeness": ["Very close"],
        }
    )
    write_with_retry(db, lambda conn: ref.add_authorities(conn, frame, links))
    assert_rejected(
        db,
        "amb.csv",
        long_csv(["AVALON", ROUND, "cba", 2]),
        2,
        "authority",
        "'AVALON' matches more than one authority (Avalon, City of (E99000001); Avalon "
        "(E99000002)); use the ONS code",
    )
    [result] = import_returns(db, [("ok.csv", long_csv(["Avalon, City of", ROUND, "cba", 2]))])
    assert result.outcome == "imported" and result.plan.authorities == ["E99000001"]


# ---------------------------------------------------------------------------------------------
# Warnings do not block


def test_unknown_column_is_a_warning_and_the_file_imports(db: Path) -> None:
    data = csv_bytes([[*LONG, "Comments"], *[[*r, "whatever"] for r in long_rows()]])
    [result] = import_returns(db, [("extra.csv", data)])
    assert result.outcome == "imported"
    find(
        result.plan.problems,
        "extra.csv",
        1,
        "comments",
        "unknown column 'comments' ignored",
        "warning",
    )
    assert result.plan.errors == [] and len(levels_of(db)) == len(DIMS)


def test_identical_repeated_row_is_a_warning(db: Path) -> None:
    data = long_csv(*long_rows(), [" bristol ", ROUND, "Cost Benefit Analysis", "Developing"])
    [result] = import_returns(db, [("again.csv", data)])
    assert result.outcome == "imported"
    find(
        result.plan.problems,
        "again.csv",
        len(DIMS) + 2,
        "dimension",
        "cba for E06000023 in 2026-03 repeats row 7; the repeat is ignored",
        "warning",
    )
    assert levels_of(db) == dict.fromkeys(DIMS, 2)


def test_wide_identical_repeated_row_is_a_warning(db: Path) -> None:
    header = ["authority", "round", *DIMS]
    data = csv_bytes([header, [BRISTOL, ROUND, *[2] * 8], ["801", ROUND, *["developing"] * 8]])
    [result] = import_returns(db, [("wide.csv", data)])
    assert result.outcome == "imported"
    find(result.plan.problems, "wide.csv", 3, "authority", "repeats row 2", "warning")
    assert len(result.plan.submissions) == 1 and levels_of(db) == dict.fromkeys(DIMS, 2)


def test_empty_level_with_evidence_is_a_warning(index: AuthorityIndex) -> None:
    data = long_csv(
        [BRISTOL, ROUND, "cba", 2, ""],
        [BRISTOL, ROUND, "research", "", "notes"],
        header=[*LONG, "evidence"],
    )
    plan = parse(index, "gap.csv", data)
    assert plan.ok
    find(plan.problems, "gap.csv", 3, "level", "the level is empty", "warning")
    assert list(plan.submissions[0].ratings) == ["cba"]


# ---------------------------------------------------------------------------------------------
# Text that looks like a formula is stored as it is


FORMULA_LIKE = [
    "=SUM(A1:A9)",
    "+44 20 7946 0000",
    "-1",
    "@SUM(1+1)",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","x")',
    "-2+3",
    "+",
]


def test_formula_like_text_is_stored_exactly_csv(db: Path) -> None:
    rows = [[*r, text] for r, text in zip(long_rows(), FORMULA_LIKE, strict=True)]
    [result] = import_returns(db, [("f.csv", csv_bytes([[*LONG, "evidence"], *rows]))])
    assert result.outcome == "imported"
    frame = current(db).set_index("dimension_id")
    assert [frame.loc[d, "evidence"] for d in DIMS] == FORMULA_LIKE


def test_formula_like_text_is_stored_exactly_xlsx(db: Path) -> None:
    rows = [[*r, text] for r, text in zip(long_rows(), FORMULA_LIKE, strict=True)]
    data = xlsx_bytes({"Return": [[*LONG, "evidence"], *rows]})
    [result] = import_returns(db, [("f.xlsx", data)])
    assert result.outcome == "imported"
    frame = current(db).set_index("dimension_id")
    assert [frame.loc[d, "evidence"] for d in DIMS] == FORMULA_LIKE


def test_wide_formula_like_note_and_submitted_by(db: Path) -> None:
    header = ["authority", "round", *DIMS, "submitted_by", "note", "cba_evidence"]
    row = [BRISTOL, ROUND, *[1] * 8, "@me", "=1+1", "+cost"]
    [result] = import_returns(db, [("w.csv", csv_bytes([header, row]))])
    assert result.outcome == "imported"
    with connect(db) as conn:
        assert conn.execute("SELECT submitted_by, note FROM submissions").fetchall() == [
            ("@me", "=1+1")
        ]
    assert current(db).set_index("dimension_id").loc["cba", "evidence"] == "+cost"


# ---------------------------------------------------------------------------------------------
# XLSX: sheets, dates, row numbers


def several_sheets() -> bytes:
    return xlsx_bytes(
        {
            "Notes": [["Return for March"], ["Filled in by the data team"]],
            "March": [LONG, *long_rows(BRISTOL, level=2)],
            "Other": [LONG, *long_rows(LEEDS, level=4)],
        }
    )


def test_xlsx_first_sheet_with_the_header_is_read(db: Path) -> None:
    [result] = import_returns(db, [("book.xlsx", several_sheets())])
    assert result.outcome == "imported" and result.plan.sheet == "March"
    assert levels_of(db) == dict.fromkeys(DIMS, 2) and levels_of(db, LEEDS) == {}


def test_xlsx_explicit_sheet(db: Path) -> None:
    [result] = import_returns(db, [("book.xlsx", several_sheets())], sheet="Other")
    assert result.outcome == "imported" and result.plan.sheet == "Other"
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS, 4) and levels_of(db) == {}


def test_xlsx_sheet_that_does_not_exist(db: Path) -> None:
    assert_rejected(
        db,
        "book.xlsx",
        several_sheets(),
        None,
        None,
        "there is no sheet 'April' (sheets: Notes, March, Other)",
        sheet="April",
    )


def test_xlsx_explicit_sheet_without_a_header(db: Path) -> None:
    assert_rejected(
        db, "book.xlsx", several_sheets(), 1, None, "the header is not a return", sheet="Notes"
    )


def test_xlsx_without_any_return_sheet(db: Path) -> None:
    data = xlsx_bytes({"A": [["x", "y"], [1, 2]], "B": []})
    assert_rejected(
        db,
        "none.xlsx",
        data,
        None,
        None,
        "no sheet has a header row with an 'authority' column (sheets: A, B)",
    )


def test_xlsx_chart_sheet_is_skipped(db: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Return"
    for row in [LONG, *long_rows(level=3)]:
        sheet.append(row)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=4, min_row=1, max_row=9), titles_from_data=True)
    book.create_chartsheet("Chart", 0).add_chart(chart)
    data = io.BytesIO()
    book.save(data)
    assert_rejected(
        db,
        "chart.xlsx",
        data.getvalue(),
        None,
        None,
        "the sheet 'Chart' is a chart, not a table",
        sheet="Chart",
    )
    [result] = import_returns(db, [("chart.xlsx", data.getvalue())])
    assert result.outcome == "imported" and result.plan.sheet == "Return"
    assert levels_of(db) == dict.fromkeys(DIMS, 3)


def test_two_sheets_of_one_workbook_are_different_content(db: Path) -> None:
    """The same workbook bytes, another sheet: not 'already imported'."""
    data = xlsx_bytes(
        {"First": [LONG, *long_rows(level=1)], "Revised": [LONG, *long_rows(level=3)]}
    )
    [first] = import_returns(db, [("book.xlsx", data)], sheet="First")
    [second] = import_returns(db, [("book.xlsx", data)], sheet="Revised")
    assert (first.outcome, second.outcome) == ("imported", "imported")
    assert levels_of(db) == dict.fromkeys(DIMS, 3)
    # the first sheet with a header: imported before, so a no-op unless re-applied on purpose
    [again] = import_returns(db, [("book.xlsx", data)])
    assert again.outcome == "no-op" and "would revert" in again.message
    [again] = import_returns(db, [("book.xlsx", data)], reimport=True)
    assert again.outcome == "imported" and levels_of(db) == dict.fromkeys(DIMS, 1)
    [same] = import_returns(db, [("book.xlsx", data)], sheet="First")
    assert same.outcome == "no-op"


def test_xlsx_row_numbers_are_sheet_rows(db: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for col, name in enumerate(LONG, start=1):  # header on row 3 (rows 1-2 blank)
        sheet.cell(row=3, column=col, value=name)
    for col, value in enumerate([BRISTOL, ROUND, "cba", 2], start=1):
        sheet.cell(row=4, column=col, value=value)
    for col, value in enumerate([BRISTOL, ROUND, "research", 9], start=1):  # row 5 blank
        sheet.cell(row=6, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    assert_rejected(db, "rows.xlsx", out.getvalue(), 6, "level", "'9' is not a level")


def test_csv_row_numbers_count_blank_lines_and_records(index: AuthorityIndex) -> None:
    data = long_csv([BRISTOL, ROUND, "cba", 2, "two\nlines"], header=[*LONG, "evidence"])
    data += b"\n,,,,\n" + f"{BRISTOL},{ROUND},research,zero,\n".encode()
    plan = parse(index, "rows.csv", data)
    find(plan.problems, "rows.csv", 5, "level", "'zero' is not a level")


def test_xlsx_level_that_is_a_date(db: Path) -> None:
    rows = [*long_rows(dims=DIMS[:2]), [BRISTOL, ROUND, "cba", datetime(2026, 2, 3)]]
    data = xlsx_bytes({"Return": [LONG, *rows]})
    assert_rejected(db, "dates.xlsx", data, 4, "level", "looks like a date, not a level")
    wide = xlsx_bytes({"W": [["authority", "round", "cba"], [BRISTOL, ROUND, date(2026, 1, 2)]]})
    assert_rejected(db, "dates.xlsx", wide, 2, "cba", "looks like a date, not a level")


def test_xlsx_round_as_a_date_cell(db: Path) -> None:
    rows = [[BRISTOL, datetime(2026, 3, 1), d, 3] for d in DIMS]
    [result] = import_returns(db, [("dated.xlsx", xlsx_bytes({"R": [LONG, *rows]}))])
    assert result.outcome == "imported" and result.plan.rounds == [ROUND]
    assert levels_of(db) == dict.fromkeys(DIMS, 3)
    late = xlsx_bytes({"R": [LONG, [BRISTOL, datetime(2027, 9, 30), "cba", 3]]})
    assert_rejected(db, "late.xlsx", late, 2, "round", "the round '2027-09' does not exist")


def test_xlsx_values_of_other_cell_types(index: AuthorityIndex) -> None:
    header = ["authority", "round", "cba", "research", "checklist_privacy", "checklist_analyst"]
    data = xlsx_bytes({"W": [header, [BRISTOL, ROUND, 2.0, 4, True, 0]]})
    plan = parse(index, "types.xlsx", data)
    assert plan.ok, [str(p) for p in plan.errors]
    [sub] = plan.submissions
    assert {d: r.level for d, r in sub.ratings.items()} == {"cba": 2, "research": 4}
    assert sub.checklist == {"privacy": (True, None), "analyst": (False, None)}
    bad = xlsx_bytes({"W": [header[:3], [BRISTOL, ROUND, True]]})
    find(parse(index, "bool.xlsx", bad).problems, "bool.xlsx", 2, "cba", "is not a level")


def test_xlsx_with_a_wrong_declared_dimension(db: Path) -> None:
    """Some writers store a stale <dimension ref>: every row and column is still read."""
    data = xlsx_bytes({"Return": [LONG, *long_rows(level=4)]})

    def shrink(xml: bytes) -> bytes:
        changed, count = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B3"', xml)
        assert count == 1
        return changed

    data = rewrite_zip_member(data, "xl/worksheets/sheet1.xml", shrink)
    [result] = import_returns(db, [("stale.xlsx", data)])
    assert result.outcome == "imported", [str(p) for p in result.plan.problems]
    assert levels_of(db) == dict.fromkeys(DIMS, 4)


# ---------------------------------------------------------------------------------------------
# Rounds: --round, --create-round


def test_round_option_for_a_file_without_a_round_column(db: Path) -> None:
    data = csv_bytes([["authority", "dimension", "level"], *[[BRISTOL, d, 2] for d in DIMS]])
    [result] = import_returns(db, [("noround.csv", data)], round_id=ROUND)
    assert result.outcome == "imported" and result.plan.rounds == [ROUND]
    assert levels_of(db) == dict.fromkeys(DIMS, 2)


def test_round_option_fills_blank_round_cells_and_agrees_with_filled_ones(db: Path) -> None:
    rows = [[BRISTOL, ROUND if n % 2 else "", d, 2] for n, d in enumerate(DIMS)]
    [result] = import_returns(db, [("some.csv", long_csv(*rows))], round_id=ROUND)
    assert result.outcome == "imported" and len(levels_of(db)) == len(DIMS)


def test_create_round(db: Path) -> None:
    data = full_long_csv(round_id="2026-09")
    assert_rejected(db, "new.csv", data, 2, "round", "'2026-09' does not exist")
    [dry] = import_returns(db, [("new.csv", data)], create_round=True, dry_run=True)
    assert dry.outcome == "dry-run" and "2026-09" not in rounds(db)
    [result] = import_returns(db, [("new.csv", data)], create_round=True)
    assert result.outcome == "imported"
    assert "2026-09" in rounds(db) and levels_of(db, round_id="2026-09") == dict.fromkeys(DIMS, 2)


def test_created_round_is_known_to_the_next_file_of_the_same_call(db: Path) -> None:
    first = full_long_csv(BRISTOL, round_id="2026-09")
    second = full_long_csv(LEEDS, round_id="2026-09")
    results = import_returns(db, [("a.csv", first), ("b.csv", second)], create_round=True)
    assert [r.outcome for r in results] == ["imported", "imported"]
    assert len(levels_of(db, LEEDS, "2026-09")) == len(DIMS)


# ---------------------------------------------------------------------------------------------
# Superseding, no-op re-imports, dry runs, files imported independently


def test_new_submission_supersedes_whole_without_merging(db: Path) -> None:
    """With --allow-incomplete (see tests/test_importer_changes.py for the refusal without)."""
    [first] = import_returns(db, [("march.csv", full_long_csv(level=3))])
    fewer = full_long_csv(level=2, dims=DIMS[:-1])  # no 'research'
    [second] = import_returns(db, [("march-v2.csv", fewer)], partial="replace")
    assert (first.outcome, second.outcome) == ("imported", "imported")
    find(
        second.plan.problems,
        "march-v2.csv",
        2,
        None,
        "the return of E06000023 for 2026-03 is incomplete: no level for research",
        "warning",
    )
    [(id1, *_, status1, by1, _, _), (id2, *_, status2, by2, _, file2)] = submissions(db)
    assert (status1, by1) == ("superseded", id2)
    assert (status2, by2, file2) == ("submitted", None, "march-v2.csv")
    assert levels_of(db) == dict.fromkeys(DIMS[:-1], 2)  # 'research' is not merged in
    with connect(db) as conn:
        history = conn.execute(
            "SELECT count(*) FROM ratings WHERE submission_id = ?", [id1]
        ).fetchone()
        levels = scoring.authority_levels(conn, LOCAL_VIEWER, ROUND)
    assert history == (len(DIMS),)  # the superseded return stays as history
    row = levels.set_index("authority_code").loc[BRISTOL]
    assert (row["rated"], row["expected"]) == (len(DIMS) - 1, len(DIMS))
    assert pd.isna(row["overall"]) and pd.isna(row["index"])
    assert pd.isna(row["design"])  # research's strand has no level
    assert row["governance"] == 2 and row["cba"] == 2  # the new levels, not the old 3s


def test_reimport_of_identical_content_is_a_noop(db: Path) -> None:
    data = full_long_csv()
    [first] = import_returns(db, [("same.csv", data)])
    assert first.outcome == "imported"
    before = snapshot(db, with_log=False)
    [again] = import_returns(db, [("renamed.csv", data)])
    assert again.outcome == "no-op"
    assert again.message.startswith("renamed.csv: already imported on ")
    assert again.message.endswith(" (as 'same.csv'); nothing changed")
    assert again.submission_ids == []
    assert snapshot(db, with_log=False) == before
    log = import_log(db)
    assert [(f, o, s, r) for f, o, s, r, _ in log] == [
        ("same.csv", "imported", 1, 8),
        ("renamed.csv", "no-op", 0, 0),
    ]
    assert log[1][4] == again.message


def test_reimport_after_another_return_needs_reimport(db: Path) -> None:
    [a] = import_returns(db, [("a.csv", full_long_csv(level=1))])
    [b] = import_returns(db, [("b.csv", full_long_csv(level=4))])
    [a_again] = import_returns(db, [("a.csv", full_long_csv(level=1))])
    assert [r.outcome for r in (a, b, a_again)] == ["imported", "imported", "no-op"]
    assert levels_of(db) == dict.fromkeys(DIMS, 4)
    [a_again] = import_returns(db, [("a.csv", full_long_csv(level=1))], reimport=True)
    assert a_again.outcome == "imported" and levels_of(db) == dict.fromkeys(DIMS, 1)


def test_dry_run_writes_nothing(db: Path) -> None:
    before = snapshot(db)
    [result] = import_returns(db, [("dry.csv", full_long_csv())], dry_run=True)
    assert result.outcome == "dry-run" and result.plan.ok
    assert result.message.startswith("dry.csv: valid (long layout)")
    assert "nothing written (dry run)" in result.message
    assert snapshot(db) == before


def test_good_and_bad_files_are_independent(db: Path) -> None:
    good = full_long_csv(LEEDS)
    bad = long_csv(*long_rows(BRISTOL)[:3], [BRISTOL, ROUND, "research", "Mature-ish"])
    results = import_returns(db, [("bad.csv", bad), ("good.csv", good)])
    assert [r.outcome for r in results] == ["rejected", "imported"]
    find(results[0].plan.problems, "bad.csv", 5, "level", "'Mature-ish' is not a level")
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS, 2)
    assert levels_of(db, BRISTOL) == {}
    assert [row[0] for row in import_log(db)] == ["good.csv"]
    assert [(code, status) for _, code, _, status, *_ in submissions(db)] == [(LEEDS, "submitted")]


# ---------------------------------------------------------------------------------------------
# Property tests


AUTHORITY_FORMS = ["code", "lower code", "number", "name", "upper name", "short name", "loose"]


def authority_reference(row: pd.Series, form: str) -> str:
    if form == "code":
        return row["code"]
    if form == "lower code":
        return row["code"].lower()
    if form == "number":
        return str(int(row["la_number"]))
    if form == "name":
        return row["name"]
    if form == "upper name":
        return row["name"].upper()
    if form == "short name":
        return row["name"].split(",")[0]
    return " " + re.sub(r"[,.]", " ", row["name"]).lower() + "  "


@st.composite
def level_text(draw: st.DrawFn, level: int) -> str:
    if draw(st.booleans()):
        text = str(level)
    else:
        name = LEVEL_NAMES[level]
        upper = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
        text = "".join(c.upper() if u else c.lower() for c, u in zip(name, upper, strict=True))
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return draw(pad) + text + draw(pad)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_property_long_layout_levels_round_trip_in_any_order(
    index: AuthorityIndex, authority_frame: pd.DataFrame, data: st.DataObject
) -> None:
    positions = data.draw(
        st.lists(st.integers(0, len(authority_frame) - 1), min_size=1, max_size=3, unique=True)
    )
    expected: dict[tuple[str, str], int] = {}
    rows = []
    for position in positions:
        authority = authority_frame.iloc[position]
        dims = data.draw(st.lists(st.sampled_from(DIMS), min_size=1, unique=True))
        for dim in dims:
            level = data.draw(st.integers(1, 4))
            form = data.draw(st.sampled_from(AUTHORITY_FORMS))
            dim_text = data.draw(st.sampled_from([dim, dim.upper(), MODEL.dimension(dim).name]))
            rows.append(
                [
                    authority_reference(authority, form),
                    ROUND,
                    dim_text,
                    data.draw(level_text(level)),
                ]
            )
            expected[(authority["code"], dim)] = level
    shuffled = data.draw(st.permutations(rows))
    for order in (rows, shuffled):
        plan = parse(index, "prop.csv", long_csv(*order))
        assert plan.ok, [str(p) for p in plan.errors]
        got = {
            (s.authority_code, dim): r.level
            for s in plan.submissions
            for dim, r in s.ratings.items()
        }
        assert got == expected
        assert plan.rating_count == len(rows)
        assert {s.round_id for s in plan.submissions} == {ROUND}


ACCEPTED_LEVELS = {name.casefold() for name in LEVEL_NAMES.values()}


def is_garbage_level(text: str) -> bool:
    stripped = text.strip()
    if not stripped or "\x00" in text:
        return False
    if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= 4:
        return False
    return stripped.casefold() not in ACCEPTED_LEVELS


@settings(max_examples=50, deadline=None)
@given(
    garbage=st.one_of(
        st.text(min_size=1, max_size=12),
        st.sampled_from(["0", "5", "-1", "1.5", "Mature-ish", "Level 2", "two", "=1+1", "4 "]),
        st.integers(-1000, 1000).map(str),
    ).filter(is_garbage_level),
    good_before=st.integers(0, 4),
    good_after=st.integers(0, 3),
)
def test_property_garbage_level_names_the_row_and_column(
    index: AuthorityIndex, garbage: str, good_before: int, good_after: int
) -> None:
    dims = DIMS[: good_before + 1 + good_after]
    rows = [[LEEDS, ROUND, dim, 3] for dim in dims]
    rows[good_before][3] = garbage
    # CRLF so that the writer quotes a lone CR too; a quoted line break stays in its row
    data = csv_bytes([LONG, *rows], crlf=True)
    plan = parse(index, "garbage.csv", data)
    [error] = plan.errors
    row = good_before + 2
    assert (error.file, error.row, error.column) == ("garbage.csv", row, "level")
    assert str(error).startswith(f"garbage.csv, row {row}, column 'level': error: ")
    assert "is not a level" in error.message
    assert not plan.ok and plan.submissions == []


@settings(max_examples=30, deadline=None)
@given(
    levels=st.fixed_dictionaries({}, optional={d: st.integers(1, 4) for d in DIMS}).filter(bool),
    answers=st.fixed_dictionaries(
        {}, optional={item.id: st.booleans() for item in MODEL.checklist}
    ),
)
def test_property_wide_layout_round_trip(
    index: AuthorityIndex, levels: dict[str, int], answers: dict[str, bool]
) -> None:
    header = ["authority", "round", *levels, *[f"checklist_{i}" for i in answers]]
    row = [BRISTOL, ROUND, *[LEVEL_NAMES[n] for n in levels.values()]]
    row += ["Yes" if v else "no" for v in answers.values()]
    plan = parse(index, "wide.csv", csv_bytes([header, row]))
    assert plan.ok, [str(p) for p in plan.errors]
    [sub] = plan.submissions
    assert {d: r.level for d, r in sub.ratings.items()} == levels
    assert sub.checklist == {k: (v, None) for k, v in answers.items()}


# ---------------------------------------------------------------------------------------------
# Column-by-column reading (long-layout CSV files that pass) against row-by-row reading (which
# words every problem): the same files accepted and rejected, the same problems, the same
# submissions and the same rows in the database


@contextlib.contextmanager
def columns_first(enabled: bool) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer.plan, "COLUMNS_FIRST", enabled)
        yield


def both_ways(index: AuthorityIndex, name: str, data: bytes, **kwargs: object):
    """parse() column by column first, and row by row only."""
    with columns_first(True):
        fast = parse(index, name, data, **kwargs)
    with columns_first(False):
        rows = parse(index, name, data, **kwargs)
    return fast, rows


def assert_same_plan(fast, rows) -> None:
    assert [str(p) for p in fast.problems] == [str(p) for p in rows.problems]
    assert fast.problems == rows.problems
    assert (fast.ok, fast.layout, fast.rounds_to_create) == (
        rows.ok,
        rows.layout,
        rows.rounds_to_create,
    )
    assert (fast.rating_count, fast.pairs, fast.authorities, fast.rounds) == (
        rows.rating_count,
        rows.pairs,
        rows.authorities,
        rows.rounds,
    )
    assert fast.submissions == rows.submissions
    assert [list(s.ratings.items()) for s in fast.submissions] == [
        list(s.ratings.items()) for s in rows.submissions
    ]


EVIDENCE_TEXTS = [
    "",
    "   ",
    "In place, reviewed yearly.",
    ' quoted "words", and a comma ',
    "two\nlines",
    "=SUM(A1:A2)",
    "é ü – “curly”",
    "x" * EVIDENCE_MAX_CHARS,
]
CORRUPTIONS = [
    "none",
    "blank line",
    "short row",
    "long row",
    "repeated row",
    "conflicting row",
    "unknown authority",
    "blank authority",
    "template row",
    "bad round",
    "unknown round",
    "other round",
    "blank round",
    "bad dimension",
    "garbage level",
    "blank level",
    "bad confidence",
    "long evidence",
    "long submitted_by",
    "duplicate column",
    "blank header cell",
]


@st.composite
def long_return_file(draw: st.DrawFn, frame: pd.DataFrame) -> tuple[bytes, dict, str]:
    """A long-layout CSV return (a few authorities, any columns, values in their many forms),
    sometimes corrupted in one way; with the import options; and the corruption."""
    extra = draw(
        st.lists(st.sampled_from(["evidence", "confidence", "submitted_by", "notes"]), unique=True)
    )
    with_round = draw(st.booleans())
    columns = ["authority", *(["round"] if with_round else []), "dimension", "level", *extra]
    header = [draw(st.sampled_from([c, c.upper(), f" {c.title()} "])) for c in columns]
    kwargs: dict[str, object] = {"create_round": draw(st.booleans())}
    if not with_round or draw(st.booleans()):
        kwargs["round_id"] = ROUND
    positions = draw(st.lists(st.integers(0, len(frame) - 1), min_size=1, max_size=3, unique=True))
    rows: list[list[str]] = []
    for position in positions:
        authority = frame.iloc[position]
        reference = authority_reference(authority, draw(st.sampled_from(AUTHORITY_FORMS)))
        round_text = draw(
            st.sampled_from([ROUND, f" {ROUND}"] + ([""] if "round_id" in kwargs else []))
        )
        dims = draw(st.lists(st.sampled_from(DIMS), min_size=1, unique=True))
        for dim in dims:
            values = {
                "authority": reference,
                "round": round_text,
                "dimension": draw(st.sampled_from([dim, dim.upper(), MODEL.dimension(dim).name])),
                "level": draw(level_text(draw(st.integers(1, 4)))),
                "evidence": draw(st.sampled_from(EVIDENCE_TEXTS)),
                "confidence": draw(st.sampled_from(["", "low", "HIGH", " Medium "])),
                "submitted_by": draw(st.sampled_from(["", "", "Ann", " Bob "])),
                "notes": draw(st.sampled_from(["", "anything"])),
            }
            rows.append([values[c] for c in columns])
    corruption = draw(st.sampled_from(CORRUPTIONS))
    at = draw(st.integers(0, len(rows) - 1))
    row = rows[at]

    def put(column: str, value: str) -> None:
        if column in columns:
            row[columns.index(column)] = value

    if corruption == "short row":
        rows[at] = row[:-1]
    elif corruption == "long row":
        rows[at] = [*row, "surplus"]
    elif corruption == "repeated row":
        rows.insert(at, list(row))
    elif corruption == "conflicting row":
        rows.insert(at, list(row))
        put("level", "4" if row[columns.index("level")].strip() != "4" else "1")
    elif corruption == "unknown authority":
        put("authority", "Nowhere Borough")
    elif corruption == "blank authority":
        put("authority", " ")
    elif corruption == "template row":
        rows.insert(at, ["" if c != "dimension" else DIMS[0] for c in columns])
    elif corruption == "bad round":
        put("round", "2026-13")
    elif corruption == "unknown round":
        put("round", "2022-03")
    elif corruption == "other round":
        put("round", "2025-03")
    elif corruption == "blank round":
        put("round", "")
    elif corruption == "bad dimension":
        put("dimension", "widgets")
    elif corruption == "garbage level":
        put("level", "Level 2")
    elif corruption == "blank level":
        put("level", "")
    elif corruption == "bad confidence":
        put("confidence", "maybe")
    elif corruption == "long evidence":
        put("evidence", "y" * (EVIDENCE_MAX_CHARS + 1))
    elif corruption == "long submitted_by":
        put("submitted_by", "z" * 201)
    elif corruption == "duplicate column":
        header.append(header[0])
        rows = [[*r, r[0] if r else ""] for r in rows]
    elif corruption == "blank header cell":
        header.append("")
        rows = [[*r, ""] for r in rows]
    lines = [header, *rows]
    if corruption == "blank line":
        lines.insert(at + 1, [])
    return csv_bytes(lines, crlf=draw(st.booleans())), kwargs, corruption


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_property_column_and_row_reading_agree(
    index: AuthorityIndex, authority_frame: pd.DataFrame, data: st.DataObject
) -> None:
    content, kwargs, corruption = data.draw(long_return_file(authority_frame))
    fast, rows = both_ways(index, "cols.csv", content, **kwargs)
    read = "by column" if fast._columns is not None else "by row"
    event(f"{'accepted' if rows.ok else 'rejected'}, read {read}")
    assert_same_plan(fast, rows)
    if corruption == "none" and rows.ok and not rows.warnings:
        assert fast._columns is not None, "a clean file is read column by column"


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(["a", "b", " ", ",", ";", '"', '""', "\n", "\r", "\r\n", "é"]),
        max_size=40,
    ),
    delimiter=st.sampled_from([",", ";"]),
)
def test_property_arrow_reads_csv_as_the_csv_module_does(pieces: list[str], delimiter: str) -> None:
    """Whenever Arrow's reading is used, its records are the csv module's (a blank line is a
    row of empty cells there, an empty record here)."""
    text = "".join(pieces)
    table = importer.reading.csv_table(text.encode("utf-8"), text, delimiter)
    event("read by Arrow" if table is not None else "left to the csv module")
    if table is None:
        return
    records = importer.reading.csv_records(text, delimiter)
    rows = table.to_pylist()
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        cells = list(row.values())
        assert cells == record or (record == [] and set(cells) == {""})


def test_column_reading_is_used_for_a_clean_file_and_not_for_a_bad_one(
    index: AuthorityIndex,
) -> None:
    good = full_long_csv()
    with columns_first(True):
        plan = parse(index, "good.csv", good)
        assert plan.ok and plan._columns is not None and plan._parsed is None
        assert plan.rating_count == len(DIMS) and plan.pairs == [(BRISTOL, ROUND)]
        assert plan._parsed is None, "counting does not build the submissions"
        bad = parse(index, "bad.csv", long_csv(*long_rows(level="zero")))
        assert not bad.ok and bad._columns is None


def test_column_reading_warns_of_an_incomplete_return_as_rows_do(index: AuthorityIndex) -> None:
    data = long_csv(*long_rows(dims=DIMS[:3]), *long_rows(LEEDS), *long_rows("801", dims=DIMS[5:]))
    fast, rows = both_ways(index, "part.csv", data)
    assert fast._columns is not None
    assert_same_plan(fast, rows)
    assert len(fast.warnings) == 1 and "incomplete" in fast.warnings[0].message


def test_column_reading_takes_the_last_filled_submitted_by(index: AuthorityIndex) -> None:
    header = [*LONG, "submitted_by"]
    body = [
        [*r, by] for r, by in zip(long_rows(), ["", "Ann", "", "Bob", "", "", "", ""], strict=True)
    ]
    fast, rows = both_ways(index, "by.csv", long_csv(*body, header=header))
    assert fast._columns is not None
    assert_same_plan(fast, rows)
    assert fast.submissions[0].submitted_by == "Bob"


def undated(message: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "<time>", message)


def comparable(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows with their times left out (they are taken when the import runs)."""
    return {
        table: sorted(
            (
                tuple(
                    None if isinstance(v, datetime) else undated(v) if isinstance(v, str) else v
                    for v in row
                )
                for row in rows
            ),
            key=repr,
        )
        for table, rows in snapshot(db).items()
    }


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_property_column_and_row_reading_store_the_same_rows(
    template_db: Path, authority_frame: pd.DataFrame, data: st.DataObject
) -> None:
    files = [data.draw(long_return_file(authority_frame)) for _ in range(2)]
    kwargs = {"create_round": True}
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for enabled in (True, False):
            path = Path(folder) / f"{enabled}.duckdb"
            shutil.copy(template_db, path)
            with columns_first(enabled):
                results = [
                    import_returns(path, [(f"f{n}.csv", content)], **{**options, **kwargs})[0]
                    for n, (content, options, _) in enumerate(files)
                ]
            found[enabled] = (
                # an earlier import's time is in a no-op's message: taken as it runs
                [(r.outcome, undated(r.message), r.plan.problems) for r in results],
                comparable(path),
            )
    assert found[True] == found[False]


# ---------------------------------------------------------------------------------------------
# Command line


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_cli_import_good_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = write(tmp_path / "good.csv", full_long_csv())
    assert cli.main(["import", good, "--db", str(db), "--actor", "tester"]) == 0
    out, err = capsys.readouterr()
    assert f"{good}: imported 1 submission(s)" in out and err == ""
    assert cli.main(["import", good, "--db", str(db)]) == 0
    out, _ = capsys.readouterr()
    assert "already imported" in out
    with connect(db) as conn:
        assert conn.execute("SELECT actor, outcome FROM import_log ORDER BY id").fetchall()[0] == (
            "tester",
            "imported",
        )


def test_cli_good_and_bad_files(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = write(tmp_path / "good.csv", full_long_csv(LEEDS))
    bad = write(
        tmp_path / "bad.csv", long_csv([BRISTOL, ROUND, "cba", 2], ["Atlantis", ROUND, "cba", 2])
    )
    assert cli.main(["import", bad, good, "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert f"{bad}, row 3, column 'authority': error: unknown authority 'Atlantis'" in err
    assert f"{bad}: rejected, 1 error(s); nothing was written" in err
    assert f"{good}: imported" in out
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS, 2) and levels_of(db) == {}


def test_cli_round_options_and_dry_run(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = csv_bytes([["authority", "dimension", "level"], *[[BRISTOL, d, 1] for d in DIMS]])
    path = write(tmp_path / "noround.csv", data)
    assert cli.main(["import", path, "--db", str(db)]) == 1
    assert "missing required column 'round' (or give the round with --round)" in (
        capsys.readouterr().err
    )
    before = snapshot(db)
    assert cli.main(["import", path, "--db", str(db), "--round", "2026-09", "--dry-run"]) == 1
    assert f"{path}, row 2, column 'round': error: the round '2026-09' does not exist" in (
        capsys.readouterr().err
    )
    args = ["import", path, "--db", str(db), "--round", "2026-09", "--create-round"]
    assert cli.main([*args, "--dry-run"]) == 0
    assert "nothing written (dry run)" in capsys.readouterr().out
    assert snapshot(db) == before
    assert cli.main(args) == 0
    assert levels_of(db, round_id="2026-09") == dict.fromkeys(DIMS, 1)
    clash = write(tmp_path / "clash.csv", full_long_csv())
    assert cli.main(["import", clash, "--db", str(db), "--round", "2026-09"]) == 1
    assert "disagrees with the round given (2026-09)" in capsys.readouterr().err


def test_cli_sheet_option(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path / "book.xlsx", several_sheets())
    assert cli.main(["import", path, "--db", str(db), "--sheet", "Nope"]) == 1
    assert "there is no sheet 'Nope'" in capsys.readouterr().err
    assert cli.main(["import", path, "--db", str(db), "--sheet", "Other"]) == 0
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS, 4)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--round", "2026-3"], "--round: '2026-3' is not a round of the form YYYY-MM"),
        (["--round", "March"], "--round: 'March' is not a round of the form YYYY-MM"),
        (["missing.csv"], "cannot read the file"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_cli_usage_errors_exit_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    good = write(tmp_path / "good.csv", full_long_csv())
    files = [str(tmp_path / a) for a in argv if a.endswith(".csv")]
    options = [a for a in argv if not a.endswith(".csv")]
    before = snapshot(db)
    with pytest.raises(SystemExit) as stop:
        cli.main(["import", good, *files, "--db", str(db), *options])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert snapshot(db) == before


def test_cli_import_without_files_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["import"])
    assert stop.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_cli_in_a_real_process(db: Path, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", full_long_csv(LEEDS))
    bad = write(tmp_path / "bad.csv", long_csv([BRISTOL, ROUND, "cba", 0]))
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ehdmm", "import", *args, "--db", str(db)]
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )

    mixed = run(good, bad)
    assert mixed.returncode == 1, mixed.stderr
    assert f"{bad}, row 2, column 'level': error: '0' is not a level" in mixed.stderr
    assert f"{good}: imported" in mixed.stdout
    again = run(good)
    assert again.returncode == 0, again.stderr
    assert "already imported" in again.stdout
    usage = run(good, "--round", "26-03")
    assert usage.returncode == 2 and "is not a round of the form YYYY-MM" in usage.stderr
    assert levels_of(db, LEEDS) == dict.fromkeys(DIMS, 2) and levels_of(db) == {}


def test_wide_evidence_without_a_level_is_a_warning(index: AuthorityIndex) -> None:
    data = (
        b"authority,round,information_governance,data_sharing,data_sharing_evidence\n"
        b"E06000023,2026-03,3,,Protocol drafted\n"
    )
    plan = parse(index, "w.csv", data)
    assert plan.ok
    assert [str(w) for w in plan.warnings if "evidence" in w.message] == [
        "w.csv, row 2, column 'data_sharing': warning: data_sharing has no level, so its "
        "evidence and confidence are not imported"
    ]
    assert "data_sharing" not in plan.submissions[0].ratings
