"""One file read and validated into an `ImportPlan`, with nothing written: its type and size,
its rows (`reading`), its header and layout (`header`), then its cells (`columns` for a clean
long-layout CSV, else `long` or `wide`), and the checks on whole returns."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ehdmm.importer import reading, xlsx
from ehdmm.importer.cells import Cells, Resolver
from ehdmm.importer.columns import RecordColumns, TableColumns, read_long_columns
from ehdmm.importer.common import (
    ImportPlan,
    Reject,
    content_hash,
    gc_paused,
    header_key,
    is_filled,
    max_import_bytes,
    row_filled,
    size_text,
    warn_incomplete,
)
from ehdmm.importer.header import read_header
from ehdmm.importer.long import Rows, parse_long
from ehdmm.importer.wide import parse_wide
from ehdmm.model import Model, load_model
from ehdmm.rounds import round_problem

# Long-layout CSV files are first read column by column (`columns.read_long_columns`); a file
# that does not pass every check that way is read again row by row, which words each problem.
COLUMNS_FIRST = True


def parse_return(
    file_name: str,
    data: bytes,
    *,
    authorities: Resolver,
    known_rounds: Iterable[str],
    round_id: str | None = None,
    create_round: bool = False,
    sheet: str | None = None,
    model: Model | None = None,
) -> ImportPlan:
    """Read and validate one return. Nothing is written; see `ImportPlan.ok`."""
    model = model or load_model()
    known_rounds = set(known_rounds)
    plan = ImportPlan(file_name=str(file_name), content_hash=content_hash(data, None, round_id))

    def cells() -> Cells:
        return Cells(model, authorities, known_rounds, round_id, create_round)

    with gc_paused():
        limit = max_import_bytes()
        if len(data) > limit:
            plan.add(
                None,
                None,
                f"the file is {size_text(len(data))}, over the limit of {size_text(limit)}; "
                "split it into smaller files",
            )
            return plan
        problem = None if round_id is None else round_problem(round_id)
        if problem is not None:
            plan.add(None, None, f"the round given: {problem}")
            return plan
        try:
            rows = _rows(plan, data, sheet, cells, round_id)
        except Reject as exc:
            plan.add(exc.row, exc.column, exc.message)
            return plan
        if rows is None:  # read column by column
            return plan
        _parse_rows(plan, rows, cells(), round_id)
        return plan


def _rows(plan: ImportPlan, data: bytes, sheet: str | None, cells, round_id) -> Rows | None:
    """The file's rows, numbered as Excel shows them; None when a long-layout CSV passed
    column by column (the plan is then filled)."""
    suffix = Path(plan.file_name).suffix.lower()
    if suffix in (".csv", ".txt"):
        text, delimiter, notes = reading.csv_text(data)
        for note in notes:
            plan.add(None, None, note, "warning")
        records: list[list[str]] | None = None
        if COLUMNS_FIRST:
            plain = not notes and not data.startswith(b"\xef\xbb\xbf")  # UTF-8 as it is
            table = reading.csv_table(data if plain else text.encode("utf-8"), text, delimiter)
            if table is None:
                records = reading.csv_records(text, delimiter)
            columns = RecordColumns(records) if table is None else TableColumns(table)
            if read_long_columns(plan, columns, cells=cells(), round_id=round_id):
                return None
        if records is None:
            records = reading.csv_records(text, delimiter)
        return list(enumerate(records, start=1))
    if suffix in (".xlsx", ".xlsm"):
        found = xlsx.read_xlsx(data, sheet)
        plan.sheet = found.name
        plan.content_hash = content_hash(data, plan.sheet, round_id)
        for note in found.warnings:
            plan.add(None, None, note, "warning")
        return found.rows
    if suffix == ".xls":
        raise Reject(None, None, "old .xls workbooks are not read; save it as .xlsx or CSV")
    raise Reject(None, None, "unknown file type; give a .csv or .xlsx file")


def _parse_rows(plan: ImportPlan, rows: Rows, cells: Cells, round_id: str | None) -> None:
    """Read the rows (the first filled one is the header) row by row into the plan."""
    rows = [(n, r) for n, r in rows if row_filled(r)]
    if not rows:
        plan.add(None, None, "the file is empty")
        return
    header_row, header_cells = rows[0]
    header = [header_key(v) if is_filled(v) else None for v in header_cells]
    seen = read_header(plan, cells.model, header_row, header, round_id)
    if seen is not None:
        parse = parse_long if plan.layout == "long" else parse_wide
        subs, sub_rows = parse(plan, cells, seen, rows[1:])
        plan.rounds_to_create = cells.rounds_to_create
        _check_returns(plan, cells.model, subs, sub_rows)
    if plan.ok and not plan.submissions:
        plan.add(header_row, None, "the file has a header but no data rows")
    if not plan.ok:
        plan.submissions = []
        plan.rounds_to_create = set()


def _check_returns(plan: ImportPlan, model: Model, subs: dict, sub_rows: dict) -> None:
    """A return without ratings is an error (unless its rows' errors say why); one lacking
    dimensions a warning."""
    error_rows = {p.row for p in plan.errors}
    for key, sub in subs.items():
        if not sub.ratings:
            if error_rows.isdisjoint(sub_rows[key]):  # else its rows' errors say why
                plan.add(
                    sub.first_row, None, f"{sub.authority_code} in {sub.round_id} has no ratings"
                )
            continue
        lacking = [d for d in model.dimension_ids if d not in sub.ratings]
        if lacking:
            warn_incomplete(plan, sub.first_row, sub.authority_code, sub.round_id, lacking)
    plan.submissions = list(subs.values())
