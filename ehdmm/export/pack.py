"""The national pack: one XLSX workbook of every authority's levels per round, peer-group
summaries and the import log; and authority reports in batches (a zip, or files in a folder).

Nothing here reads the database: the pack is made from the round data of every round
(`ehdmm.analysis.rounds.RoundData`) and the import log, and a batch from reports made one after
another (`ehdmm.views.reports` loads the round once and renders each report from the
authority's profile view). The next report's chart pictures are drawn (by the one warm
browser, in another process) in a background thread while the current document is assembled.
HTML reports in a batch have static SVG charts (light files) unless interactive ones are asked
for.
"""

from __future__ import annotations

import io
import itertools
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ehdmm.analysis import exports as tables_of
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import theme
from ehdmm.export import report as reports
from ehdmm.export import tables
from ehdmm.viewer import Viewer

PDF_WORKERS = 2  # processes laying out PDFs in a batch (WeasyPrint holds one core each)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIME = "application/zip"
Progress = Callable[[int, int, str], None]
NATIONAL_ONLY = "The national pack names every authority: it is for the national team only."


class PackError(ValueError):
    """A pack that cannot be made as asked (an unknown round)."""


def pack_file_name(round_id: str | None, rule: str) -> str:
    """england_2026-03_pack_gated.xlsx (or england_all-rounds_pack_gated.xlsx)."""
    return theme.file_stem("england", round_id or "all-rounds", "pack", rule) + ".xlsx"


def latest_round(data: RoundData, round_id: str | None) -> str | None:
    """The pack's latest round: `round_id`, or the newest round with submissions."""
    return round_id or (data.rounds[-1] if data.rounds else None)


def levels_sheet_name(round_id: str) -> str:
    return f"Levels {round_id}"


def pack_sheets(
    data: RoundData,
    viewer: Viewer,
    log: pd.DataFrame,
    round_id: str | None = None,
    *,
    today: date | None = None,
    running: Running | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The pack's sheets (name -> DataFrame, newest round first) and README notes, from the
    round data of every round (`data.round_id` None) under the pack's rule, the import log
    (`ehdmm.analysis.core.import_log`) and the running of the pack's latest round (`running`,
    see `latest_round`)."""
    if not viewer.sees_all:
        raise PermissionError(NATIONAL_ONLY)
    if data.round_id is not None:
        raise ValueError("the pack is made from the data of every round (round_id None)")
    model, rule = data.model, data.rule
    rounds = list(data.rounds)
    if round_id is not None:
        if round_id not in rounds:
            known = ", ".join(rounds) or "none"
            raise PackError(
                f"round '{round_id}' has no current submissions (rounds with submissions: {known})"
            )
        rounds = [round_id]
    authorities = data.catalogue.authorities
    wide_all = data.history(viewer)
    dims_all = data.dimensions(viewer)
    sheets: dict[str, pd.DataFrame] = {}
    notes: dict[str, str] = {
        "About": (
            f"National pack of the early help data maturity self-assessments, generated "
            f"{(today or date.today()).isoformat()}; scoring rule: {rule} "
            f"({rule.explanation}). Rounds: {', '.join(rounds) or 'none'}. " + reports.SELF_ASSESSED
        ),
    }
    if data.demo:
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
    if running is not None and rounds and running.round_id == rounds[-1]:
        _running_sheets(running, sheets, notes)
    sheets["Import summary"] = tables_of.import_summary(log)
    notes["Import summary"] = (
        "Imports of return files per outcome (imported, no-op re-import) and in total: files, "
        "submissions, ratings, first and last time logged."
    )
    sheets["Import log"] = tables_of.import_log_table(log)
    notes["Import log"] = "Every import and no-op re-import, newest first."
    return sheets, notes


@dataclass(frozen=True)
class Running:
    """The running of a round, loaded by the caller: every authority's response state (the
    tracking table) and the unresolved queries on its ratings."""

    round_id: str
    responses: pd.DataFrame
    open_queries: pd.DataFrame


def _running_sheets(running: Running, sheets: dict, notes: dict[str, str]) -> None:
    """The round's response states and its unresolved queries."""
    round_id = running.round_id
    name = f"Responses {round_id}"
    sheets[name] = running.responses
    notes[name] = (
        f"Round {round_id}: every authority's response state (not started, draft, submitted "
        "incomplete, submitted complete, reopened), its last change and by whom."
    )
    name = f"Open queries {round_id}"
    sheets[name] = running.open_queries
    notes[name] = (
        f"Round {round_id}: queries on submitted ratings not yet resolved (open or answered). "
        "A query never changes a level: the levels sheets hold the authorities' own levels."
    )


def national_pack(
    data: RoundData,
    viewer: Viewer,
    log: pd.DataFrame,
    round_id: str | None = None,
    *,
    today: date | None = None,
    running: Running | None = None,
) -> bytes:
    """The national pack as XLSX bytes (formula-safe): a README sheet, one sheet of levels per
    round (or only `round_id`), peer-group summaries, the latest round's response states and
    open queries, the import summary and log."""
    sheets, notes = pack_sheets(data, viewer, log, round_id, today=today, running=running)
    rounds = [name.removeprefix("Levels ") for name in sheets if name.startswith("Levels ")]
    shown = round_id or (f"{rounds[-1]} to {rounds[0]}" if len(rounds) > 1 else "".join(rounds))
    rule = data.rule
    title = f"National pack of the early help data maturity self-assessments ({rule} rule)"
    return tables.xlsx_bytes(sheets, notes=notes, title=title, round_id=shown or None)


# --------------------------------------------------------------------------------------------
# Batches of authority reports


def rendered_reports(
    made: Iterable[reports.ReportData], fmt: str, *, interactive: bool = False, many: bool = True
) -> Iterator[tuple[reports.ReportData, bytes]]:
    """(report, bytes) for each report of `made` in order (made one after another as this
    asks for them); the next report's pictures are drawn in a background thread meanwhile.
    PDFs of `many` reports are laid out in other processes, side by side."""
    reports.check_format(fmt)
    if fmt == "pdf" and many and (os.cpu_count() or 1) > 1:
        yield from _pdf_batch(made)
        return
    draw = reports.pictures_for(fmt, interactive)
    if draw is None:
        for report in made:
            yield report, reports.render_with(report, fmt, None, interactive=interactive)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdmm-charts") as pool:
        pending: tuple[reports.ReportData, Future] | None = None
        for report in made:
            pictures = pool.submit(draw, report)
            if pending is not None:
                yield pending[0], _render(pending, fmt, interactive)
            pending = (report, pictures)
        if pending is not None:
            yield pending[0], _render(pending, fmt, interactive)


def _pdf_batch(
    made: Iterable[reports.ReportData],
) -> Iterator[tuple[reports.ReportData, bytes]]:
    """PDFs in order, laid out by WeasyPrint in `PDF_WORKERS` processes side by side while this
    one builds the next reports' HTML and the browser draws their charts (in a thread)."""
    from ehdmm.export.report.pdf_render import LayoutProcesses

    workers = min(PDF_WORKERS, os.cpu_count() or 1)
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdmm-charts") as drawer,
        LayoutProcesses(workers) as layout,
    ):
        waiting: deque[tuple[reports.ReportData, Future]] = deque()
        drawn: tuple[reports.ReportData, Future] | None = None
        for report in itertools.chain(made, [None]):
            pictures = drawer.submit(reports.chart_svgs, report) if report is not None else None
            if drawn is not None:
                html = reports.html_document(drawn[0], interactive=False, svgs=drawn[1].result())
                waiting.append((drawn[0], layout.submit(html)))
            drawn = (report, pictures) if report is not None else None
            while len(waiting) > workers:
                done, future = waiting.popleft()
                yield done, future.result()
        while waiting:
            done, future = waiting.popleft()
            yield done, future.result()


def _render(pending: tuple[reports.ReportData, Future], fmt: str, interactive: bool) -> bytes:
    report, pictures = pending
    return reports.render_with(report, fmt, pictures.result(), interactive=interactive)


def report_files(
    made: Iterable[reports.ReportData],
    total: int,
    fmt: str,
    progress: Progress | None = None,
    *,
    interactive: bool = False,
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each report of `made` (`total` of them), named like
    E06000023_2026-03_region_gated_report.docx (HTML: static charts unless `interactive`).
    `progress(done, total, authority name)` is called before the first and after each report."""
    reports.check_format(fmt)
    if progress:
        progress(0, total, "")
    rendered = rendered_reports(made, fmt, interactive=interactive, many=total > 1)
    for done, (report, data) in enumerate(rendered, start=1):
        if progress:
            progress(done, total, report.authority_name)
        yield reports.file_name(report, fmt), data


def zip_bytes(files: Iterable[tuple[str, bytes]], fmt: str) -> bytes:
    """The files as one zip (compressed for HTML; Word, PDF and PNG are compressed already)."""
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if fmt == "html" else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def write_files(files: Iterable[tuple[str, bytes]], out_dir: str | Path) -> list[Path]:
    """Write each file into `out_dir` (created if needed); returns the paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files:
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
