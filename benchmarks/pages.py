"""Page speed: each page's AppTest run time against the framework's own cost of drawing the same
content, all measured in one run. Not a test: run on demand.

    .venv/bin/python benchmarks/pages.py [--repeat 5] [--scale 100] [--out benchmarks/RESULTS.md]

Every page is opened as a user opens it: the app's home page first, then the page (so the
navigation is drawn, as on a server). For every page: median cold run (caches cleared) and
median warm rerun (same session, caches filled); and, for the pages that show one authority
among others, the median rerun after choosing in the sidebar an authority not chosen before
(the round's data loaded, that authority's view not built yet).

The floor is what Streamlit itself takes to draw as much ready-made content: charts x (one-chart
page) + tables x (one-table page) + widgets x (20-checkbox page / 20) + text elements x
(20-paragraph page / 20; markdown, captions, titles, headers, notices, metrics, page links).
Goals: warm <= 2x floor; a new authority <= 3x floor; at 100x the authorities, warm <= 3x the
demo-scale warm time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ehdmm.demo import install_demo  # noqa: E402

TRIVIAL = Path(__file__).resolve().parent / "trivial"
APP = ROOT / "app.py"
PAGES = [APP, *sorted((ROOT / "pages").glob("*.py"))]
NEW_AUTHORITY_PAGES = [
    "2_Authority_profile.py",
    "3_Peer_benchmark.py",
    "4_Compare.py",
    "1_Overview.py",
    "5_Trends.py",
]
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
    "page_link",
]


@dataclass(frozen=True)
class Units:
    """The framework's cost of one element of each kind (warm), from the trivial pages."""

    chart: float
    table: float
    widget: float
    text: float

    def floor(self, counts: dict[str, int]) -> float:
        return (
            counts["charts"] * self.chart
            + counts["tables"] * self.table
            + counts["widgets"] * self.widget
            + counts["texts"] * self.text
        )


def counts_of(at: AppTest) -> dict[str, int]:
    return {
        "charts": len(at.get("plotly_chart")),
        "tables": len(at.dataframe) + len(at.table),
        "widgets": sum(len(at.get(kind)) for kind in WIDGETS),
        "texts": sum(len(at.get(kind)) for kind in TEXTS),
    }


def _check(at: AppTest, name: str) -> None:
    if at.exception:
        raise RuntimeError(f"{name}: {at.exception[0].message}")


def open_page(path: Path, *, cold: bool = False) -> tuple[float, AppTest]:
    """(seconds, the session) of opening a page: the home page, then the page as a link does
    (a trivial page is opened on its own); `cold`: with every cache emptied just before."""

    def clear() -> None:
        if cold:
            st.cache_data.clear()
            st.cache_resource.clear()

    if path.parent == TRIVIAL:
        clear()
        started = time.perf_counter()
        at = AppTest.from_file(str(path), default_timeout=300).run()
    else:
        clear()
        started = time.perf_counter()
        at = AppTest.from_file(str(APP), default_timeout=300).run()
        _check(at, APP.name)
        if path != APP:
            clear()
            started = time.perf_counter()
            at.switch_page(str(path.relative_to(ROOT))).run()
    elapsed = time.perf_counter() - started
    _check(at, path.name)
    return elapsed, at


def rerun(at: AppTest, name: str) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    _check(at, name)
    return elapsed


def measure(path: Path, repeat: int) -> dict[str, float | int]:
    cold, warm = [], []
    at = None
    for _ in range(repeat):
        elapsed, at = open_page(path, cold=True)
        cold.append(elapsed)
        for _ in range(2):
            warm.append(rerun(at, path.name))
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        **counts_of(at),
    }


def new_authority(path: Path, codes: list[str]) -> dict[str, float | int]:
    """Median rerun after choosing, in one session, authorities not chosen before in this
    process (the caches hold the round's data, not these authorities' views)."""
    _, at = open_page(path)
    rerun(at, path.name)
    times = []
    for code in codes:
        started = time.perf_counter()
        at.sidebar.selectbox[0].select(code).run()
        times.append(time.perf_counter() - started)
        _check(at, f"{path.name} ({code})")
    return {"new": statistics.median(times), **counts_of(at)}


# -- the Consensus page with five submitted respondents ---------------------------------------

CONSENSUS = ROOT / "pages" / "15_Consensus.py"
RESPONDENTS = 5


def five_respondents(db: Path) -> str:
    """Give an authority without demo respondents five submitted responses in the latest
    round (levels 1 to 4 spread, evidence on every dimension); returns its code."""
    from ehdmm import responses
    from ehdmm.assessment import Answer, Draft
    from ehdmm.model import load_model
    from ehdmm.storage import connect
    from ehdmm.viewer import LOCAL_VIEWER

    with connect(db) as conn:
        code, round_id = conn.execute(
            "SELECT min(code), (SELECT max(round_id) FROM submissions) FROM authorities "
            "WHERE code NOT IN (SELECT authority_code FROM respondents)"
        ).fetchone()
    dims = [d.id for d in load_model().dimensions]
    for n in range(RESPONDENTS):
        who = responses.invite(
            db, LOCAL_VIEWER, code, round_id, name=f"Bench {n}", role_label=f"Role {n}"
        )
        answers = {
            d: Answer(level=1 + (n + i) % 4, evidence=f"Evidence {n} on {d}, " * 8)
            for i, d in enumerate(dims)
        }
        draft = Draft(code, round_id, answers=answers)
        draft = responses.save_response(db, LOCAL_VIEWER, who.id, draft, actor="bench")
        responses.submit_response(db, LOCAL_VIEWER, who.id, draft, actor="bench")
    return code


def consensus_page(code: str, repeat: int) -> dict[str, float | int]:
    """The Consensus page for `code` (five responses): median warm rerun, as `measure`."""
    warm = []
    at = None
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.query_params["authority"] = code
        at.run()
        _check(at, APP.name)
        at.switch_page(str(CONSENSUS.relative_to(ROOT))).run()
        _check(at, CONSENSUS.name)
        for _ in range(2):
            warm.append(rerun(at, CONSENSUS.name))
    return {"warm": statistics.median(warm), **counts_of(at)}


def consensus_lines(db: Path, repeat: int, unit: Units) -> list[str]:
    code = five_respondents(db)
    found = consensus_page(code, repeat)
    floor = unit.floor(found)
    return [
        "",
        f"| Consensus page, {RESPONDENTS} respondents ({code}) | charts | tables | widgets | "
        "texts | floor ms | warm ms | warm / floor (goal <= 2) |",
        "|---|---|---|---|---|---|---|---|",
        f"| 15_Consensus.py | {found['charts']} | {found['tables']} | {found['widgets']} | "
        f"{found['texts']} | {floor * 1000:.0f} | {found['warm'] * 1000:.0f} | "
        f"{found['warm'] / floor:.2f} |",
    ]


def units(repeat: int) -> Units:
    base = {p.stem: measure(p, repeat) for p in sorted(TRIVIAL.glob("*.py"))}
    return Units(
        chart=base["one_chart"]["warm"],
        table=base["one_table"]["warm"],
        widget=base["checkboxes"]["warm"] / 20,
        text=base["text"]["warm"] / 20,
    )


def fresh_codes(db: Path, count: int) -> list[list[str]]:
    """`count` authorities per new-authority page, none used twice, none the default one."""
    from ehdmm.analysis.rounds import load_catalogue

    codes = list(load_catalogue(db).labels)[1:]
    per = len(codes) // len(NEW_AUTHORITY_PAGES)
    return [codes[i * per : i * per + count] for i in range(len(NEW_AUTHORITY_PAGES))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--authorities", type=int, default=8, help="new authorities per page")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--consensus-only",
        action="store_true",
        help="measure only the Consensus page with five respondents (and the floor units)",
    )
    args = parser.parse_args()
    if args.consensus_only:
        db = Path(tempfile.mkdtemp(prefix="ehdmm-bench-")) / "demo.duckdb"
        install_demo(db)
        os.environ["EHDMM_DB"] = str(db)
        unit = units(args.repeat)
        print("\n".join(consensus_lines(db, args.repeat, unit)))
        return

    tmp = Path(tempfile.mkdtemp(prefix="ehdmm-bench-"))
    demo_db, big_db = tmp / "demo.duckdb", tmp / f"demo-x{args.scale}.duckdb"
    install_demo(demo_db)
    counts = install_demo(big_db, scale=args.scale)

    os.environ["EHDMM_DB"] = str(demo_db)
    unit = units(args.repeat)
    rows = []
    for page in PAGES:
        os.environ["EHDMM_DB"] = str(demo_db)
        small = measure(page, args.repeat)
        os.environ["EHDMM_DB"] = str(big_db)
        big = measure(page, max(2, args.repeat // 2))
        rows.append((page.name, small, big, unit.floor(small)))
    os.environ["EHDMM_DB"] = str(demo_db)
    fresh = []
    for name, codes in zip(
        NEW_AUTHORITY_PAGES, fresh_codes(demo_db, args.authorities), strict=True
    ):
        found = new_authority(ROOT / "pages" / name, codes)
        fresh.append((name, found, unit.floor(found)))

    consensus = consensus_lines(demo_db, args.repeat, unit)
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, median of "
        f"{args.repeat} runs (warm: 2 reruns after each cold run); the {args.scale}x database "
        f"has {counts['authorities']:,} authorities.",
        f"Framework floor units (warm): one chart {unit.chart * 1000:.1f} ms, one 153-row table "
        f"{unit.table * 1000:.1f} ms, one widget {unit.widget * 1000:.2f} ms, one text element "
        f"{unit.text * 1000:.2f} ms.",
        "",
        "| page | charts | tables | widgets | texts | floor ms | cold ms | warm ms | warm / floor "
        f"(goal <= 2) | {args.scale}x warm ms | {args.scale}x / demo (goal <= 3) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, small, big, floor in rows:
        lines.append(
            f"| {name} | {small['charts']} | {small['tables']} | {small['widgets']} | "
            f"{small['texts']} | {floor * 1000:.0f} | {small['cold'] * 1000:.0f} | "
            f"{small['warm'] * 1000:.0f} | {small['warm'] / floor:.2f} | "
            f"{big['warm'] * 1000:.0f} | {big['warm'] / small['warm']:.2f} |"
        )
    lines += [
        "",
        "| page, a new authority chosen | floor ms | rerun ms | rerun / floor (goal <= 3) |",
        "|---|---|---|---|",
    ]
    for name, found, floor in fresh:
        lines.append(
            f"| {name} | {floor * 1000:.0f} | {found['new'] * 1000:.0f} | "
            f"{found['new'] / floor:.2f} |"
        )
    lines += consensus
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
