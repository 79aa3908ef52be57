"""ehdmm.export.pack: the national XLSX pack (sheets, values equal to the database, golden cell
values on a small deterministic database) and the `pack` and `report` CLI subcommands.

Golden files live in tests/data/golden/. Regenerate them after an intended change with

    EHDMM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_pack.py \
        tests/test_export_report.py

and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ehdmm import cli, importer, scoring
from ehdmm.analysis import core, exports
from ehdmm.database import record_submission
from ehdmm.export import pack
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import reports

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden"
UPDATE = os.environ.get("EHDMM_UPDATE_GOLDEN") == "1"
MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
ROUNDS = ("2025-03", "2026-03")
TODAY = date(2026, 4, 1)
EVIL = '=HYPERLINK("http://x","y")'
EVIL_FILE = "=HYPERLINK(1).csv"
TIME_COLUMNS = {"Logged at", "First logged", "Last logged", "Last change", "Raised"}


def build_small_db(path: Path) -> Path:
    """A small deterministic database (on a copy of `empty_db`): two rounds; Bristol in both
    (evidence that looks like a formula, checklist answers), three South West neighbours and
    Birmingham in 2026-03 (Devon's return lacks one dimension), and one imported file."""
    write_with_retry(path, lambda conn: [ref.add_round(conn, r) for r in ROUNDS])
    record_submission(
        path,
        "E06000023",
        "2025-03",
        dict.fromkeys(DIMS, 2),
        checklist={"privacy": (True, None)},
        submitted_by="test",
    )
    ratings: dict[str, int | tuple[int, str | None, str | None]] = dict(
        zip(DIMS, [3, 3, 2, 4, 2, 3, 4, 3], strict=True)
    )
    ratings[DIMS[0]] = (3, EVIL, "high")
    ratings[DIMS[1]] = (3, "<script>alert(1)</script> shared with police", "medium")
    record_submission(
        path,
        "E06000023",
        "2026-03",
        ratings,
        checklist={"privacy": (True, "+44 signed"), "analyst": (False, "-to recruit")},
        submitted_by="test",
    )
    record_submission(path, "E06000022", "2026-03", dict.fromkeys(DIMS, 1))
    record_submission(path, "E08000025", "2026-03", dict.fromkeys(DIMS, 4))
    record_submission(path, "E10000008", "2026-03", dict.fromkeys(DIMS[:-1], 3))
    text = (
        "authority,round,"
        + ",".join(DIMS)
        + "\nE06000024,2026-03,"
        + ",".join(["2", "3", "2", "3", "2", "3", "2", "3"])
    )
    results = importer.import_returns(path, [(EVIL_FILE, text.encode())], actor="test")
    assert results[0].outcome == "imported", results[0].message
    return path


@pytest.fixture(scope="module")
def _small_template(_empty_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    shutil.copy(_empty_template, path)
    return build_small_db(path)


@pytest.fixture
def small_db(_small_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the small deterministic database."""
    path = tmp_path / "small.duckdb"
    shutil.copy(_small_template, path)
    return path


def workbook_values(data: bytes) -> dict[str, list[list[object]]]:
    """Every sheet's cell values; times (which change per run) replaced by '<time>'."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    out = {}
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        for row in rows[1:]:
            for i, value in enumerate(row):
                if header[i] in TIME_COLUMNS and value is not None:
                    row[i] = "<time>"
                elif isinstance(value, datetime | date):
                    row[i] = value.isoformat()
        out[sheet.title] = rows
    return out


def plain(value: object) -> float | None:
    """A number for comparison; None for any missing value (None, NaN, NA)."""
    return None if value is None or pd.isna(value) else float(value)


def golden_text(value: object) -> str:
    """JSON with one line per row (dict of lists) or per item (list), for readable diffs."""

    def line(item: object) -> str:
        return json.dumps(item, ensure_ascii=False)

    if isinstance(value, dict):
        parts = []
        for key, rows in value.items():
            body = ",\n".join(f"  {line(r)}" for r in rows)
            parts.append(f" {line(key)}: [\n{body}\n ]")
        return "{\n" + ",\n".join(parts) + "\n}\n"
    if isinstance(value, list):
        return "[\n" + ",\n".join(f" {line(r)}" for r in value) + "\n]\n"
    return line(value) + "\n"


def check_golden(name: str, actual: object) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no golden file {path}: run with EHDMM_UPDATE_GOLDEN=1 to create it")
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(golden_text(actual), "utf-8")
    expected = json.loads(path.read_text("utf-8"))
    assert json.loads(json.dumps(actual, ensure_ascii=False)) == expected, (
        f"{name} differs from the golden file; if the change is intended, regenerate with "
        "EHDMM_UPDATE_GOLDEN=1"
    )


# --------------------------------------------------------------------------------------------


def test_pack_cell_values_are_golden(small_db):
    data = reports.national_pack(small_db, LOCAL_VIEWER, today=TODAY)
    check_golden("pack_small.json", workbook_values(data))


def test_pack_sheets_and_readme(small_db):
    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(small_db, LOCAL_VIEWER)))
    assert book.sheetnames == [
        "README",
        "Levels 2026-03",
        "Levels 2025-03",
        "Peer groups",
        "Responses 2026-03",
        "Open queries 2026-03",
        "Import summary",
        "Import log",
    ]
    readme = {r[0]: r[1] for r in book["README"].iter_rows(min_row=2, values_only=True)}
    assert set(book.sheetnames[1:]) <= set(readme)
    assert "not a league table" in readme["About"] and "gated" in readme["About"]
    assert "Warning" not in readme  # not demo data
    one = openpyxl.load_workbook(
        io.BytesIO(reports.national_pack(small_db, LOCAL_VIEWER, "2025-03", "best-fit"))
    )
    assert [s for s in one.sheetnames if s.startswith("Levels")] == ["Levels 2025-03"]
    about = next(r[1] for r in one["README"].iter_rows(values_only=True) if r[0] == "About")
    assert "best-fit" in about


def test_levels_sheets_equal_the_database(demo_db):
    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(demo_db, LOCAL_VIEWER)))
    with connect(demo_db) as conn:
        dims = scoring.dimension_levels(conn, LOCAL_VIEWER, None)
        wide = scoring.authority_levels(conn, LOCAL_VIEWER, None, "gated")
    authorities = core.authorities(demo_db)
    for round_id in ("2026-03", "2023-03"):
        rows = list(book[f"Levels {round_id}"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        frame = pd.DataFrame(body, columns=header)
        assert list(frame["ONS code"]) == sorted(authorities["code"])
        in_round = wide[wide["round_id"] == round_id].set_index("authority_code")
        assert set(frame.loc[frame["Submitted"] == "yes", "ONS code"]) == set(in_round.index)
        got = frame.set_index("ONS code")
        for dim in MODEL.dimensions:
            expected = dims[dims["round_id"] == round_id].set_index("authority_code")
            expected = expected[expected["dimension_id"] == dim.id]["level"]
            column = got[exports.dimension_column(dim.name)]
            for code, level in expected.items():
                assert plain(level) == plain(column[code]), (code, dim.id)
        for strand in MODEL.strands:
            column = got[exports.strand_column(strand.name)]
            for code, level in in_round[strand.id].items():
                assert plain(level) == plain(column[code]), code
        for code, value in in_round["index"].items():
            assert plain(value) == plain(got.at[code, "Maturity index"]), code
        missing = got[got["Submitted"] == "no"]
        assert missing[exports.level_columns(MODEL)].isna().all().all()
    # the demo data are labelled as such
    readme = {r[0]: r[1] for r in book["README"].iter_rows(values_only=True)}
    assert "Synthetic demo data" in readme["Warning"]


def test_peer_group_summary_counts(small_db):
    wide_all = core.levels(small_db, LOCAL_VIEWER, None, "gated")
    summary = exports.group_summary(wide_all, core.authorities(small_db), MODEL, ROUNDS)
    england = summary[(summary["Round"] == "2026-03") & (summary["Group type"] == "England")]
    assert list(england["Item"]) == [s.name for s in MODEL.strands] + ["Overall"]
    row = england.set_index("Item").loc["Overall"]
    assert (row["Members"], row["With a submission"], row["Complete returns"]) == (153, 5, 4)
    # overall (gated): Bristol 2, Bath 1, Birmingham 4, North Somerset 2; Devon incomplete
    assert (row["1 Early"], row["2 Developing"], row["3 Maturing"], row["4 Mature"]) == (1, 2, 0, 1)
    assert row["Incomplete"] == 1
    assert row["Median maturity index"] == pytest.approx(2.75)  # of 1, 2.5, 3, 4
    south_west = summary[(summary["Round"] == "2026-03") & (summary["Group"] == "South West")]
    assert set(south_west["With a submission"]) == {4}
    level_sums = south_west[["1 Early", "2 Developing", "3 Maturing", "4 Mature", "Incomplete"]]
    assert (level_sums.sum(axis=1) == 4).all()


def test_import_log_in_the_pack_is_formula_safe(small_db):
    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(small_db, LOCAL_VIEWER)))
    log = list(book["Import log"].iter_rows(values_only=True))
    assert log[1][log[0].index("File")] == "'" + EVIL_FILE
    cell = book["Import log"].cell(row=2, column=log[0].index("File") + 1)
    assert cell.data_type == "s"
    summary = {r[0]: r for r in book["Import summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["imported"][1:4] == (1, 1, 8)


def test_the_pack_is_for_the_national_team_and_checks_the_round(small_db, empty_db):
    with pytest.raises(PermissionError):
        reports.national_pack(small_db, Viewer(role="authority", authority_code="E06000023"))
    with pytest.raises(pack.PackError, match="1999-01"):
        reports.national_pack(small_db, LOCAL_VIEWER, "1999-01")


def test_pack_of_an_empty_database(tmp_path):
    from ehdmm.database import init_db

    db = init_db(tmp_path / "nothing.duckdb")
    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(db, LOCAL_VIEWER)))
    assert book.sheetnames == ["README", "Peer groups", "Import summary", "Import log"]


# -- the CLI ------------------------------------------------------------------------------------


def test_cli_pack_writes_the_workbook(small_db, tmp_path, capsys):
    out = tmp_path / "out" / "pack.xlsx"
    assert cli.main(["pack", "--db", str(small_db), "--out", str(out)]) == 0
    assert "National pack written" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["README", "Levels 2026-03"]
    with pytest.raises(SystemExit) as exc:
        cli.main(["pack", "--db", str(small_db), "--round", "1999-01", "--out", str(out)])
    assert exc.value.code == 2
    assert "1999-01" in capsys.readouterr().err


def test_cli_report_one_authority_by_dfe_number(small_db, tmp_path, capsys):
    out = tmp_path / "reports"
    args = ["report", "--db", str(small_db), "--authority", "801", "--format", "html"]
    assert cli.main([*args, "--peers", "region", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert [p.name for p in out.iterdir()] == ["E06000023_2026-03_region_gated_report.html"]
    assert "[1/1] Bristol, City of" in captured.err
    assert "1 report(s) (html) written" in captured.out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--authority", "Atlantis", "--format", "html"], "unknown authority"),
        (["--authority", "Bristol", "--format", "html", "--round", "1999-01"], "1999-01"),
        (["--authority", "Bristol", "--format", "html", "--peers", "friends"], "peer group"),
        (["--authority", "Bristol", "--format", "html", "--peers", "custom:x"], "custom"),
        (["--authority", "Bristol", "--all", "--format", "html"], "not allowed"),
        (["--authority", "Bristol"], "--format"),
    ],
)
def test_cli_report_usage_errors_exit_2(small_db, tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--db", str(small_db), "--out", str(tmp_path), *extra])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_report_all_writes_one_file_per_authority(demo_db, tmp_path):
    """The one full batch in the tests: every authority, HTML with interactive charts (no
    pictures to draw), in a real process."""
    out = tmp_path / "all"
    command = ["report", "--all", "--format", "html", "--charts", "interactive", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "ehdmm", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "EHDMM_DB": str(demo_db)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    codes = exports.filter_codes(core.authorities(demo_db))
    assert len(codes) == 153
    assert names == sorted(f"{c}_2026-03_england_gated_report.html" for c in codes)
    assert "[153/153]" in done.stderr
    sample = (out / "E06000023_2026-03_england_gated_report.html").read_text("utf-8")
    assert "Bristol, City of" in sample and "Synthetic demo data" in sample
    shutil.rmtree(out)  # 153 files of about 5 MB each


def test_report_and_pack_subcommands_have_help(capsys):
    for command in ("report", "pack"):
        with pytest.raises(SystemExit) as exc:
            cli.main([command, "--help"])
        assert exc.value.code == 0
        assert "--db" in capsys.readouterr().out


def test_pack_number_formats_autofilters_print_set_up_and_properties(small_db):
    import ehdmm

    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(small_db, LOCAL_VIEWER)))
    for sheet in book.worksheets[1:]:  # every data sheet
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
        assert all(c.font.name == "Arial" and c.font.b for c in sheet[1])
    levels = book["Levels 2026-03"]
    header = [c.value for c in levels[1]]
    index = header.index("Maturity index") + 1
    cells = [levels.cell(row=r, column=index) for r in range(2, levels.max_row + 1)]
    filled = [c for c in cells if c.value is not None]
    assert filled and all(c.data_type == "n" and c.number_format == "0.00" for c in filled)
    groups = book["Peer groups"]
    header = [c.value for c in groups[1]]
    median = header.index("Median maturity index") + 1
    assert groups.cell(row=2, column=median).number_format == "0.00"
    assert book["README"]["B2"].alignment.wrap_text
    assert book.properties.version == ehdmm.__version__
    assert "round 2025-03 to 2026-03" in book.properties.keywords


def test_the_pack_holds_the_round_s_response_states_and_open_queries(demo_db):
    from ehdmm import moderation

    for code, resolve in (("E06000023", False), ("E08000035", True)):
        done = moderation.raise_query(
            demo_db,
            LOCAL_VIEWER,
            authority_code=code,
            round_id="2026-03",
            dimension_id="cba",
            question='=HYPERLINK("x")',
            actor="lead",
        )
        if resolve:
            moderation.resolve_query(demo_db, LOCAL_VIEWER, done.query_id, "ok", actor="lead")
    book = openpyxl.load_workbook(io.BytesIO(reports.national_pack(demo_db, LOCAL_VIEWER)))
    states = pd.DataFrame(list(book["Responses 2026-03"].values)[1:])
    assert len(states) == 153
    assert set(states[4]) <= {"not started", "submitted incomplete", "submitted complete"}
    queries = list(book["Open queries 2026-03"].values)
    assert queries[0][:4] == ("Query", "Authority", "Dimension", "State")
    assert [row[1] for row in queries[1:]] == ["Bristol, City of"]
    assert queries[1][4] == '\'=HYPERLINK("x")'  # user text stays text
