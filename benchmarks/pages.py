"""Page speed: each page's AppTest run time against the framework's own cost of drawing the same
content, all measured in one run. Not a test: run on demand.

    .venv/bin/python benchmarks/pages.py [--repeat 5] [--scale 100] [--out benchmarks/RESULTS.md]

For every page: median cold run (caches cleared, new session) and median warm rerun (same session,
caches filled). Floor = charts x (one-chart page) + tables x (one-table page) + widgets x
(20-checkbox page / 20). Goals: warm <= 2x floor; at 100x the authorities, warm <= 3x the
demo-scale warm time. Text elements (markdown, captions, titles, headers, notices, metrics) are
not in that floor; their count and cost (20-paragraph page / 20) are reported beside it.
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

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ehdmm.demo import install_demo  # noqa: E402

TRIVIAL = Path(__file__).resolve().parent / "trivial"
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
WIDGETS = [
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "button",
    "download_button",
    "text_input",
    "number_input",
    "segmented_control",
    "pills",
    "date_input",
    "text_area",
    "tabs",
    "expander",
]
# Elements the floor does not count; their cost is reported beside it (trivial/text.py)
TEXTS = [
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "metric",
]


def run_once(path: Path, at: AppTest | None = None) -> tuple[float, AppTest]:
    if at is None:
        at = AppTest.from_file(str(path), default_timeout=300)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{path.name}: {at.exception[0].message}")
    return elapsed, at


def measure(path: Path, repeat: int) -> dict[str, float | int]:
    cold, warm = [], []
    at = None
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        elapsed, at = run_once(path)
        cold.append(elapsed)
        for _ in range(2):
            elapsed, at = run_once(path, at)
            warm.append(elapsed)
    counts = {
        "charts": len(at.get("plotly_chart")),
        "tables": len(at.dataframe) + len(at.table),
        "widgets": sum(len(at.get(kind)) for kind in WIDGETS),
        "texts": sum(len(at.get(kind)) for kind in TEXTS),
    }
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ehdmm-bench-"))
    demo_db, big_db = tmp / "demo.duckdb", tmp / f"demo-x{args.scale}.duckdb"
    started = time.perf_counter()
    install_demo(demo_db)
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    counts = install_demo(big_db, scale=args.scale)
    big_seconds = time.perf_counter() - started

    os.environ["EHDMM_DB"] = str(demo_db)
    base = {p.stem: measure(p, args.repeat) for p in sorted(TRIVIAL.glob("*.py"))}
    chart_t, table_t = base["one_chart"]["warm"], base["one_table"]["warm"]
    widget_t = base["checkboxes"]["warm"] / 20
    text_t = base["text"]["warm"] / 20

    rows = []
    for page in PAGES:
        os.environ["EHDMM_DB"] = str(demo_db)
        small = measure(page, args.repeat)
        os.environ["EHDMM_DB"] = str(big_db)
        big = measure(page, max(2, args.repeat // 2))
        floor = small["charts"] * chart_t + small["tables"] * table_t + small["widgets"] * widget_t
        rows.append((page.name, small, big, floor, floor + small["texts"] * text_t))

    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, median of "
        f"{args.repeat} runs (warm: 2 reruns after each cold run).",
        f"Demo database built in {demo_seconds:.2f} s; the {args.scale}x database "
        f"({counts['authorities']:,} authorities, {counts['ratings']:,} ratings) in "
        f"{big_seconds:.1f} s.",
        f"Framework floor units (warm): one chart {chart_t * 1000:.0f} ms, one 153-row table "
        f"{table_t * 1000:.0f} ms, one widget {widget_t * 1000:.1f} ms; not in the floor: one "
        f"text element {text_t * 1000:.2f} ms.",
        "",
        "| page | charts | tables | widgets | floor ms | cold ms | warm ms | warm / floor "
        f"(goal <= 2) | {args.scale}x warm ms | {args.scale}x / demo (goal <= 3) | text "
        "elements | floor with text ms | warm / floor with text |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, small, big, floor, with_text in rows:
        lines.append(
            f"| {name} | {small['charts']} | {small['tables']} | {small['widgets']} | "
            f"{floor * 1000:.0f} | {small['cold'] * 1000:.0f} | {small['warm'] * 1000:.0f} | "
            f"{small['warm'] / floor:.2f} | {big['warm'] * 1000:.0f} | "
            f"{big['warm'] / small['warm']:.2f} | {small['texts']} | {with_text * 1000:.0f} | "
            f"{small['warm'] / with_text:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(
            "# Page speed benchmark\n\n`.venv/bin/python benchmarks/pages.py "
            f"--out {args.out}`\n\n" + text,
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
