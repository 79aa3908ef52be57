"""The national pack: one XLSX workbook of every authority's levels per round, peer-group
summaries and the import log; and authority reports in batches (a zip, or files in a folder).

A batch loads the round's data once (`report.load_inputs`) and builds every authority's report
from it. For Word and PDF, the next report's chart images are made (by the one warm browser) in
a background thread while the current document is assembled.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd

from ehdmm import scoring
from ehdmm.analysis import core
from ehdmm.analysis import exports as tables_of
from ehdmm.charts import theme
from ehdmm.export import report as reports
from ehdmm.export import tables
from ehdmm.model import Model, load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import Viewer

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
Progress = Callable[[int, int, str], None]
NATIONAL_ONLY = "The national pack names every authority: it is for the national team only."


class PackError(ValueError):
    """A pack that cannot be made as asked (an unknown round)."""


def pack_file_name(round_id: str | None, rule: str) -> str:
    """england_2026-03_pack_gated.xlsx (or england_all-rounds_pack_gated.xlsx)."""
    return theme.file_stem("england", round_id or "all-rounds", "pack", rule) + ".xlsx"


def levels_sheet_name(round_id: str) -> str:
    return f"Levels {round_id}"


def pack_sheets(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None = None,
    rule: str = scoring.DEFAULT_RULE,
    *,
    today: date | None = None,
    model: Model | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The pack's sheets (name -> DataFrame, newest round first) and README notes."""
    if not viewer.sees_all:
        raise PermissionError(NATIONAL_ONLY)
    model = model or load_model()
    scoring.Rule.of(rule)
    rounds = core.rounds_with_submissions(db, viewer)
    if round_id is not None:
        if round_id not in rounds:
            known = ", ".join(rounds) or "none"
            raise PackError(
                f"round '{round_id}' has no current submissions (rounds with submissions: {known})"
            )
        rounds = [round_id]
    authorities = core.authorities(db)
    wide_all = core.levels(db, viewer, None, rule, model)
    dims_all = core.dimensions(db, viewer, None)
    with connect(db) as conn:
        log = store.import_log(conn)
    sheets: dict[str, pd.DataFrame] = {}
    notes: dict[str, str] = {
        "About": (
            f"National pack of the early help data maturity self-assessments, generated "
            f"{(today or date.today()).isoformat()}; scoring rule: {rule} "
            f"({scoring.Rule(rule).explanation}). Rounds: {', '.join(rounds) or 'none'}. "
            + reports.SELF_ASSESSED
        ),
    }
    if core.is_demo(db):
        notes["Warning"] = reports.DEMO_WARNING
    for round_id_ in reversed(rounds):
        wide = wide_all[wide_all["round_id"] == round_id_]
        dims = dims_all[dims_all["round_id"] == round_id_]
        name = levels_sheet_name(round_id_)
        sheets[name] = tables_of.levels_sheet(wide, dims, authorities, model)
        notes[name] = (
            f"Round {round_id_}: one row per authority; each dimension's level, each strand's "
            f"level and the overall level under the {rule} rule (1 Early, 2 Developing, "
            "3 Maturing, 4 Mature), and the maturity index (mean of the dimension levels, not a "
            "level). Empty: a dimension not rated, a strand or overall level incomplete, or no "
            "submission (Submitted = no)."
        )
    sheets["Peer groups"] = tables_of.group_summary(wide_all, authorities, model, rounds)
    notes["Peer groups"] = (
        "Per round, for England, each region and each LA type: members, members with a "
        "submission, complete returns, the median maturity index, and per strand and overall "
        "the number of members at each level (Incomplete: a submission without a level for it)."
    )
    sheets["Import summary"] = tables_of.import_summary(log)
    notes["Import summary"] = (
        "Imports of return files per outcome (imported, no-op re-import) and in total: files, "
        "submissions, ratings, first and last time logged."
    )
    sheets["Import log"] = tables_of.import_log_table(log)
    notes["Import log"] = "Every import and no-op re-import, newest first."
    return sheets, notes


def national_pack(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None = None,
    rule: str = scoring.DEFAULT_RULE,
    *,
    today: date | None = None,
) -> bytes:
    """The national pack as XLSX bytes (formula-safe): a README sheet, one sheet of levels per
    round (or only `round_id`), peer-group summaries, the import summary and log."""
    sheets, notes = pack_sheets(db, viewer, round_id, rule, today=today)
    return tables.xlsx_bytes(sheets, notes=notes)


# --------------------------------------------------------------------------------------------
# Batches of authority reports


def rendered_reports(
    inputs: reports.ReportInputs,
    codes: Sequence[str],
    fmt: str,
    today: date | None = None,
) -> Iterator[tuple[reports.ReportData, bytes]]:
    """(report, bytes) for each code in order, from a round's data loaded once. Word and PDF:
    the next report's chart images are made in a background thread meanwhile."""
    reports.check_format(fmt)
    if fmt == "html":
        for code in codes:
            report = reports.build_report(inputs, code, today)
            yield report, reports.html_bytes(report)
        return
    render = reports.docx_bytes if fmt == "docx" else reports.pdf_bytes
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdmm-charts") as pool:
        pending: tuple[reports.ReportData, Future] | None = None
        for code in codes:
            report = reports.build_report(inputs, code, today)
            images = pool.submit(reports.chart_pngs, report)
            if pending is not None:
                yield pending[0], render(pending[0], pending[1].result())
            pending = (report, images)
        if pending is not None:
            yield pending[0], render(pending[0], pending[1].result())


def _batch(
    db: core.Db,
    viewer: Viewer,
    codes: Sequence[str] | None,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    progress: Progress | None,
    today: date | None,
) -> Iterator[tuple[str, bytes]]:
    reports.check_format(fmt)
    inputs = reports.load_inputs(db, viewer, round_id, peers, rule, codes)
    order = list(inputs.members)
    total = len(order)
    if progress:
        progress(0, total, "")
    for done, (report, data) in enumerate(rendered_reports(inputs, order, fmt, today), start=1):
        if progress:
            progress(done, total, report.authority_name)
        yield reports.file_name(report, fmt), data


def reports_zip(
    db: core.Db,
    viewer: Viewer,
    codes: Sequence[str] | None,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    progress: Progress | None = None,
    today: date | None = None,
) -> bytes:
    """The reports of `codes` (None: every authority) as one zip of files named like
    E06000023_2026-03_report_gated.docx. `progress(done, total, authority name)` is called
    before the first and after each report."""
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if fmt == "html" else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in _batch(db, viewer, codes, round_id, peers, rule, fmt, progress, today):
            archive.writestr(name, data)
    return out.getvalue()


def write_reports(
    db: core.Db,
    viewer: Viewer,
    codes: Sequence[str] | None,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    out_dir: str | Path,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[Path]:
    """Write one report file per authority of `codes` (None: every authority) into `out_dir`
    (created if needed); returns the paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in _batch(db, viewer, codes, round_id, peers, rule, fmt, progress, today):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


def progress_text(done: int, total: int, name: str = "") -> str:
    """'3 of 12 reports made (last: Darlington)'."""
    return f"{done} of {total} reports made" + (f" (last: {name})" if name else "")


def zip_file_name(round_id: str | None, peers: str, rule: str, fmt: str, label: str = "") -> str:
    """reports_2026-03_england_gated_docx.zip (with a label for a filtered set)."""
    return theme.file_stem("reports", label, round_id, peers, rule, fmt) + ".zip"


def zip_contents(data: bytes) -> pd.DataFrame:
    """The files in a zip: File, Size (KB)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    return pd.DataFrame(
        {
            "File": [i.filename for i in infos],
            "Size (KB)": [round(i.file_size / 1024, 1) for i in infos],
        }
    )
