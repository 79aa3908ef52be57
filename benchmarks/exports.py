"""Export speed: the time per authority report (warm) against one warm chart export, all in one
run on the demo database. Not a test: run on demand.

    .venv/bin/python benchmarks/exports.py [--authorities 153]
        [--formats docx,pdf,html,html-interactive] [--repeat 5] [--out benchmarks/RESULTS.md]
        [--record]

One chart: the median of `--repeat` PNG exports of an authority's radar through the warm
browser (`images.figure_bytes`), as the chart download buttons make them (drawn for print: 16 cm
at 300 dpi). A report's four charts are drawn together in tabs of that same browser. Reports: a
batch of `--authorities` authorities per format (the round's data loaded once, as `report --all`
and the app's zip do; time per report = batch time / authorities; `html` is the light HTML with
static charts that batches make, `html-interactive` the one with plotly.js), and single reports
(data loaded for the one authority, as the app's report buttons do; median of `--repeat`).
Goal: a report, single or in a batch, takes at most 5 times one chart export. Also: the national
pack (XLSX, every round). The markdown table is printed and appended to `--out` under its own
heading; with `--record` (and every authority) the batch times are written to
`ehdmm/export/report/measured.json`, which the Reports page quotes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ehdmm.analysis import core, exports  # noqa: E402
from ehdmm.demo import install_demo  # noqa: E402
from ehdmm.export import images, report  # noqa: E402
from ehdmm.export.report import measured  # noqa: E402
from ehdmm.viewer import LOCAL_VIEWER  # noqa: E402
from ehdmm.views import reports  # noqa: E402

GOAL = 5.0
AUTHORITY = "E06000023"
PEERS = "region"
RULE = "gated"


def timed(work, repeat: int) -> float:
    """Median seconds of `repeat` runs of `work()`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=153, help="reports per batch")
    parser.add_argument("--formats", default="docx,pdf,html,html-interactive")
    parser.add_argument("--record", action="store_true", help="write measured.json")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    problem = images.chromium_problem()
    if problem:
        raise SystemExit(f"benchmarks/exports.py needs image export: {problem}")

    tmp = Path(tempfile.mkdtemp(prefix="ehdmm-exports-"))
    db = tmp / "demo.duckdb"
    install_demo(db)
    codes = exports.filter_codes(core.authorities(db))[: args.authorities]

    # warm up: the browser (started by a report's charts, as `report` and the zip do, so with
    # its tabs), imports, fonts, WeasyPrint
    started = time.perf_counter()
    one = reports.report_data(db, LOCAL_VIEWER, AUTHORITY, None, PEERS, RULE)
    report.chart_pngs(one)
    cold_chart = time.perf_counter() - started
    radar = images.stamp_export_date(one.chart("radar").figure)
    images.figure_bytes(radar, "png")
    for choice in formats:
        fmt, interactive = choice.split("-")[0], choice == "html-interactive"
        report.render(one, fmt, interactive=interactive)

    chart = timed(lambda: images.figure_bytes(radar, "png"), max(args.repeat, 5))
    rows = []
    for choice in formats:
        fmt, interactive = choice.split("-")[0], choice == "html-interactive"

        def make_one(fmt: str = fmt, interactive: bool = interactive) -> None:
            reports.report_bytes(
                db, LOCAL_VIEWER, AUTHORITY, None, PEERS, RULE, fmt, interactive=interactive
            )

        single = timed(make_one, args.repeat)
        out_dir = tmp / f"reports-{choice}"
        started = time.perf_counter()
        paths = reports.write_reports(
            db, LOCAL_VIEWER, codes, None, PEERS, RULE, fmt, out_dir, interactive=interactive
        )
        batch = time.perf_counter() - started
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1e6
        for path in paths:
            path.unlink()
        rows.append((choice, len(paths), batch, batch / len(paths), single, size))
    pack_time = timed(lambda: reports.national_pack(db, LOCAL_VIEWER), max(1, args.repeat // 2))
    chart_again = timed(lambda: images.figure_bytes(radar, "png"), max(args.repeat, 5))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if args.record and len(codes) == len(exports.filter_codes(core.authorities(db))):
        measured.save(
            {
                "date": time.strftime("%Y-%m-%d"),
                "cores": os.cpu_count(),
                "reports": len(codes),
                "peers": PEERS,
                "seconds": {choice: round(batch, 1) for choice, _, batch, *_ in rows},
            }
        )

    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores (demo database, "
        f"peer group {PEERS}, rule {RULE}; reports of {len(codes)} authorities per format).",
        "One warm chart export (radar PNG for print, 16 cm at 300 dpi): "
        f"{chart * 1000:.0f} ms at the start, "
        f"{chart_again * 1000:.0f} ms at the end of the run (first report's charts, with the "
        f"browser start: {cold_chart:.1f} s). Ratios below use the mean of the two, "
        f"{(chart + chart_again) / 2 * 1000:.0f} ms.",
        f"National pack (XLSX, every round): {pack_time:.2f} s. Load average (1 min) at the "
        f"end: {load:.1f}.",
        "",
        "| format | reports | batch s | per report ms (batch) | / one chart (goal <= 5) | "
        "single report ms | / one chart | MB per report |",
        "|---|---|---|---|---|---|---|---|",
    ]
    unit = (chart + chart_again) / 2
    for fmt, count, batch, per, single, size in rows:
        lines.append(
            f"| {fmt} | {count} | {batch:.1f} | {per * 1000:.0f} | {per / unit:.2f} | "
            f"{single * 1000:.0f} | {single / unit:.2f} | {size:.2f} |"
        )
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        heading = "## Export speed\n\n`.venv/bin/python benchmarks/exports.py`\n\n"
        if args.out.exists():
            with args.out.open("a", encoding="utf-8") as handle:
                handle.write("\n" + heading + text)
        else:
            args.out.write_text("# Benchmarks\n\n" + heading + text, encoding="utf-8")


if __name__ == "__main__":
    main()
