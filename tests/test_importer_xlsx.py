"""Reading an XLSX workbook (ehdmm/importer/xlsx.py) in bounded time and memory: the zip's
declared and actual sizes are checked before anything is parsed, sheets are read in streaming
mode with bounds on rows, columns and cells, and empty cells are never made. Hidden sheets are
not read; hidden rows and columns that hold data are named in a warning.

The bombs are made by the tests (in a temporary folder, never committed) and each is read in a
child process with a hard timeout, which reports its own peak memory (ru_maxrss)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pytest

from ehdmm.authorities import AuthorityIndex
from ehdmm.database import init_db
from ehdmm.importer import parse_return, xlsx
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref

ROOT = Path(__file__).resolve().parents[1]
MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
ROUND = "2026-03"
BRISTOL = "E06000023"
MEMORY_LIMIT_MB = 500
HARD_TIMEOUT_S = 120  # a stop for a hung reader, not a measure: the times are printed

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Return" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)
HEADER_ROW = (
    b'<row r="1">'
    + b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col.encode(), name.encode())
        for col, name in zip("ABCD", ["authority", "round", "dimension", "level"], strict=True)
    )
    + b"</row>"
)


def workbook(sheet_xml: Iterable[bytes], level: int = 6) -> bytes:
    """A minimal workbook whose one sheet's XML is written from the chunks (streamed into the
    zip, so a sheet of gigabytes never sits in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for chunk in sheet_xml:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def batched(rows: Iterable[bytes], size: int = 10_000) -> Iterator[bytes]:
    batch: list[bytes] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def far_empty_rows(count: int = 1_048_567) -> Iterator[bytes]:
    """The issue's first bomb: one empty cell in column XFD on each of a million rows."""
    yield HEADER_ROW
    yield from batched(b'<row r="%d"><c r="XFD%d"/></row>' % (n, n) for n in range(2, count + 1))


def far_value_cells(count: int = 20_000) -> Iterator[bytes]:
    """20,000 cells far to the right holding a value (about 100 KB zipped)."""
    yield HEADER_ROW
    yield from batched(
        b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(2, count + 2)
    )


def far_empty_cells_with_data() -> Iterator[bytes]:
    """A good return whose rows also hold empty cells far to the right."""
    yield HEADER_ROW
    for n, dim in enumerate(DIMS, start=2):
        yield (
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c>'
            b'<c r="B%d" t="inlineStr"><is><t>%s</t></is></c>'
            b'<c r="C%d" t="inlineStr"><is><t>%s</t></is></c><c r="D%d"><v>3</v></c>'
            b'<c r="XFA%d"/><c r="XFD%d"/></row>'
        ) % (n, n, BRISTOL.encode(), n, ROUND.encode(), n, dim.encode(), n, n, n)


def expanding_rows(total: int = 3 * 1024**3) -> Iterator[bytes]:
    """The issue's second bomb: about 9 MB zipped, about 3 GB of sheet XML."""
    chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    yield HEADER_ROW
    for _ in range(total // len(chunk)):
        yield chunk


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """The package with one member's uncompressed size, as its central directory declares it
    (which readers trust), changed to `declared`; its data stays as it is."""
    out = bytearray(data)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        name = data[position + 46 : position + 46 + name_length].decode()
        if name == member:
            out[position + 24 : position + 28] = declared.to_bytes(4, "little")
        position = data.find(b"PK\x01\x02", position + 46)
    return bytes(out)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    made = {
        "far_empty_rows.xlsx": workbook(far_empty_rows()),
        "far_value_cells.xlsx": workbook(far_value_cells()),
        "expanding_sheet.xlsx": workbook(expanding_rows()),
    }
    small = workbook(batched(b"<row><c><v>1</v></c></row>" for _ in range(2_000_000)), level=9)
    made["lying_sizes.xlsx"] = lie_about_size(small, "xl/worksheets/sheet1.xml", 1_000)
    paths = {}
    for name, data in made.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from ehdmm.importer import parse_return

class Codes:
    def resolve(self, value):
        return "E06000023"

def peak_mb():
    # This process's own peak resident memory (VmHWM belongs to the address space, made anew by
    # exec); ru_maxrss would carry the high-water mark of the test worker that started it.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path = Path(sys.argv[1])
started = time.perf_counter()
plan = parse_return(path.name, path.read_bytes(), authorities=Codes(), known_rounds={"2026-03"})
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "peak_mb": peak_mb(),
    "errors": [str(p) for p in plan.errors],
}))
"""


def read_in_child(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=HARD_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("far_empty_rows.xlsx", "more than 100,000 rows"),
        ("far_value_cells.xlsx", "beyond the last column read"),
        ("expanding_sheet.xlsx", "unpacks to 3.0 GB"),
        ("lying_sizes.xlsx", "holds more than it declares"),
    ],
)
def test_a_bomb_is_refused_in_bounded_memory_saying_why(
    bombs: dict[str, Path], name: str, said: str
) -> None:
    path = bombs[name]
    assert path.stat().st_size < 20 * 1024 * 1024
    found = read_in_child(path)
    print(
        f"{name}: {path.stat().st_size:,} bytes, {found['seconds']:.2f} s, "
        f"peak {found['peak_mb']:.0f} MB"
    )
    assert found["peak_mb"] < MEMORY_LIMIT_MB, found
    assert any(said in error for error in found["errors"]), found["errors"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> AuthorityIndex:
    path = tmp_path_factory.mktemp("xlsx") / "ref.duckdb"
    init_db(path)
    with connect(path) as conn:
        return AuthorityIndex(ref.authorities(conn))


def parse(index: AuthorityIndex, name: str, data: bytes, **kwargs: object):
    return parse_return(name, data, authorities=index, known_rounds={ROUND}, **kwargs)


def test_empty_cells_far_to_the_right_are_not_made_and_the_return_reads(
    index: AuthorityIndex,
) -> None:
    plan = parse(index, "far.xlsx", workbook(far_empty_cells_with_data()))
    assert plan.ok, [str(p) for p in plan.problems]
    assert {r.level for r in plan.submissions[0].ratings.values()} == {3}


def test_the_bounds_are_stated() -> None:
    assert xlsx.MAX_ROWS == 100_000 and xlsx.MAX_COLUMNS == 200
    assert xlsx.MAX_UNPACKED_BYTES == 100 * 1024 * 1024


# -- hidden sheets, rows and columns -------------------------------------------------------------


def book(sheets: dict[str, list[list[object]]], hidden: dict[str, str] | None = None) -> bytes:
    made = openpyxl.Workbook()
    made.remove(made.active)
    for name, rows in sheets.items():
        sheet = made.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (hidden or {}).get(name, "visible")
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def rows(level: int) -> list[list[object]]:
    return [["authority", "round", "dimension", "level"]] + [
        [BRISTOL, ROUND, d, level] for d in DIMS
    ]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read_and_named_in_a_warning(
    index: AuthorityIndex, state: str
) -> None:
    data = book({"Old": rows(1), "Return": rows(4)}, hidden={"Old": state})
    plan = parse(index, "h.xlsx", data)
    assert plan.ok and plan.sheet == "Return"
    assert {r.level for r in plan.submissions[0].ratings.values()} == {4}
    [warning] = [w for w in plan.warnings if "hidden" in w.message]
    assert "'Old'" in warning.message


def test_a_hidden_sheet_asked_for_by_name_is_refused(index: AuthorityIndex) -> None:
    data = book({"Old": rows(1), "Return": rows(4)}, hidden={"Old": "hidden"})
    plan = parse(index, "h.xlsx", data, sheet="Old")
    [error] = plan.errors
    assert "'Old'" in error.message and "hidden" in error.message


def test_only_hidden_sheets_is_refused_naming_them(index: AuthorityIndex) -> None:
    data = book({"Old": rows(1), "Blank": []}, hidden={"Old": "hidden"})
    plan = parse(index, "h.xlsx", data)
    assert not plan.ok
    assert any("'Old'" in e.message and "hidden" in e.message for e in plan.errors)


def test_hidden_rows_and_columns_holding_data_are_named_in_a_warning(
    index: AuthorityIndex,
) -> None:
    made = openpyxl.Workbook()
    sheet = made.active
    for row in [*rows(2)]:
        sheet.append([*row, "note"])
    for number in (3, 5, 6):
        sheet.row_dimensions[number].hidden = True
    sheet.column_dimensions["E"].hidden = True
    out = io.BytesIO()
    made.save(out)
    plan = parse(index, "rows.xlsx", out.getvalue())
    assert plan.ok
    said = " | ".join(w.message for w in plan.warnings)
    assert "rows 3, 5 and 6 are hidden" in said
    assert "column E is hidden" in said
