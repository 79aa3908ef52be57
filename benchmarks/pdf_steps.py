"""Where one warm single PDF report's time goes, against one warm chart export, in one run on
the demo database. Not a test: run on demand.

    .venv/bin/python benchmarks/pdf_steps.py [--repeat 7]

Rows (medians of `--repeat` runs, interleaved): one chart export (the unit of
benchmarks/exports.py), the whole single PDF (`reports.report_bytes`), its data
(`reports.report_data`), its four charts drawn as SVG alone, and WeasyPrint alone on the
finished HTML with and without the charts. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exports import AUTHORITY, PEERS, RULE  # noqa: E402  (the same report as exports.py)

from ehdmm.demo import install_demo  # noqa: E402
from ehdmm.export import images  # noqa: E402
from ehdmm.export.report import html_render, pdf_render, pictures  # noqa: E402
from ehdmm.viewer import LOCAL_VIEWER  # noqa: E402
from ehdmm.views import reports  # noqa: E402

CHOICE = (AUTHORITY, None, PEERS, RULE)  # authority, round (the latest), peer group, rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    problem = images.chromium_problem()
    if problem:
        raise SystemExit(f"benchmarks/pdf_steps.py needs image export: {problem}")
    db = Path(tempfile.mkdtemp(prefix="ehdmm-pdf-steps-")) / "demo.duckdb"
    install_demo(db)
    made = reports.report_data(db, LOCAL_VIEWER, *CHOICE)
    svgs = pictures.chart_svgs(made)  # starts the warm browser
    with_charts = html_render.html_document(made, interactive=False, svgs=svgs)
    without = html_render.html_document(made, interactive=False, svgs={})
    radar = images.stamp_export_date(made.chart("radar").figure)
    steps = {
        "one chart export (radar PNG for print), the unit": lambda: images.figure_bytes(
            radar, "png"
        ),
        "the single PDF report, all of it (`reports.report_bytes`)": lambda: reports.report_bytes(
            db, LOCAL_VIEWER, *CHOICE, "pdf"
        ),
        "its data (`reports.report_data`)": lambda: reports.report_data(db, LOCAL_VIEWER, *CHOICE),
        "its four charts drawn as SVG in the warm browser's tabs, alone": lambda: (
            pictures.chart_svgs(made)
        ),
        "WeasyPrint alone on the finished HTML, charts inline": lambda: pdf_render.pdf_from_html(
            with_charts
        ),
        "WeasyPrint alone on the same HTML without the charts": lambda: pdf_render.pdf_from_html(
            without
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for work in steps.values():  # warm
        work()
    for _ in range(args.repeat):
        for name, work in steps.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(t) for name, t in times.items()}
    unit = next(iter(medians.values()))
    load = os.getloadavg()[0]
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, medians of "
        f"{args.repeat} interleaved runs, load average (1 min) at the end {load:.1f}.\n"
    )
    print("| step | ms | / one chart |\n|---|---|---|")
    for name, value in medians.items():
        print(f"| {name} | {value * 1000:.0f} | {value / unit:.2f} |")


if __name__ == "__main__":
    main()
