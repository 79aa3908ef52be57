"""The benchmark suite: one markdown table, every figure a ratio of two times measured in this
one run (so the machine's speed cancels out). Not a test: run on demand.

    .venv/bin/python benchmarks/run.py [--out benchmarks/RESULTS.md] [--repeat 3] [--scale 100]
        [--export-authorities 20] [--sessions 20] [--skip pages,scoring,imports,exports,load]

(a) Pages (`benchmarks/pages.py`): every page's warm rerun against the framework floor (the
    trivial pages' cost of the same number of charts, tables, widgets and text elements), goal
    <= 2; the warm rerun on a database with `--scale` times the authorities against the demo
    database, goal <= 3; a new authority chosen in the session on the Authority profile, Peer
    benchmark, Compare, Overview and Trends pages against the floor, goal <= 3.
(b) Scoring (`benchmarks/scoring.py`): `ehdmm.scoring.authority_levels` on 200,000 current
    submissions (about 1.6 million ratings) in DuckDB against a pandas reference of the same
    rules, results asserted equal; goal: pandas time >= 5 x DuckDB time.
(c) Import (`benchmarks/imports.py`): a 100,000-row long-layout file through
    `ehdmm.importer.import_returns` against DuckDB's own `read_csv` of it; goal <= 3.
(d) Exports (`benchmarks/exports.py`, run as a child process): a report per authority in a
    batch, and a single report, against one warm chart export; goal <= 5.
(e) Backups (`benchmarks/backups.py`): `backup` and `restore` of the `--scale` database against
    DuckDB's own `EXPORT DATABASE` and `IMPORT DATABASE` of it; goal <= 3.
(f) Load (`benchmarks/load.py`, a child process starting three servers): 20 sessions at once
    asking for Authority profiles over the websocket, renders a second against a one-page app
    drawing ready-made content of the same kind (as a plain Streamlit app and with ehdmm's
    settings), against that app drawing as many elements as the profile, and the profile
    asked again with every view built (drawing only); goal >= 0.5.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import backups as backup_bench  # noqa: E402
import imports as import_bench  # noqa: E402
import scoring as scoring_bench  # noqa: E402

from ehdmm.demo import install_demo  # noqa: E402

AREAS = ("pages", "scoring", "imports", "exports", "backups", "load")


@dataclass
class Row:
    area: str
    what: str
    measured: str
    against: str
    ratio: float | None
    goal: str
    met: bool | None
    note: str = ""

    def markdown(self) -> str:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        met = {True: "yes", False: "**no**", None: "n/a"}[self.met]
        note = f" {self.note}" if self.note else ""
        return (
            f"| {self.area} | {self.what}{note} | {self.measured} | {self.against} | {ratio} | "
            f"{self.goal} | {met} |"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def page_rows(
    demo_db: Path, big_db: Path, scale: int, repeat: int, authorities: int
) -> tuple[list[Row], str]:
    """(a): every page at demo scale and at `scale` x, against the trivial pages' floor; and a
    new authority's rerun on the pages that show one authority among others."""
    import pages as page_bench  # imports streamlit: only when pages are measured

    os.environ["EHDMM_DB"] = str(demo_db)
    unit = page_bench.units(repeat)
    rows = []
    for page in page_bench.PAGES:
        try:
            os.environ["EHDMM_DB"] = str(demo_db)
            small = page_bench.measure(page, repeat)
            os.environ["EHDMM_DB"] = str(big_db)
            big = page_bench.measure(page, max(2, repeat // 2 + 1))
        except RuntimeError as exc:
            rows.append(Row("pages", page.name, "failed", "", None, "", None, f"({exc})"))
            continue
        # the floor as benchmarks/pages.py defines it: what the framework needs to draw the
        # same number of charts, tables, widgets and text elements from ready-made data
        floor = unit.floor(small)
        counts = (
            f"({small['charts']} charts, {small['tables']} tables, {small['widgets']} widgets, "
            f"{small['texts']} text elements)"
        )
        warm = small["warm"] / floor
        rows.append(
            Row(
                "pages",
                f"{page.name} warm rerun vs framework floor",
                f"{ms(small['warm'])} (cold {ms(small['cold'])})",
                f"floor {ms(floor)} {counts}",
                warm,
                "<= 2",
                warm <= 2,
            )
        )
        growth = big["warm"] / small["warm"]
        rows.append(
            Row(
                "pages",
                f"{page.name} warm rerun, {scale}x data vs demo",
                ms(big["warm"]),
                ms(small["warm"]),
                growth,
                "<= 3",
                growth <= 3,
            )
        )
    os.environ["EHDMM_DB"] = str(demo_db)
    chosen = page_bench.fresh_codes(demo_db, authorities)
    for name, codes in zip(page_bench.NEW_AUTHORITY_PAGES, chosen, strict=True):
        found = page_bench.new_authority(page_bench.ROOT / "pages" / name, codes)
        floor = unit.floor(found)
        ratio = found["new"] / floor
        rows.append(
            Row(
                "pages",
                f"{name}: a new authority chosen in the session (median of {len(codes)})",
                ms(found["new"]),
                f"floor {ms(floor)}",
                ratio,
                "<= 3",
                ratio <= 3,
            )
        )
    units = (
        f"framework floor units (warm): one chart {ms(unit.chart)}, one 153-row table "
        f"{ms(unit.table)}, one widget {unit.widget * 1000:.1f} ms, one text element "
        f"{unit.text * 1000:.2f} ms"
    )
    return rows, units


LOAD_ROW = re.compile(
    r"^\| (?P<app>[^|]+) \| (?P<rate>[\d.]+) \| (?P<p95>[\d.]+) \| (?P<errors>\d+) \| "
    r"(?P<cpu>\d+) \|"
)


def load_rows(sessions: int, renders: int, rounds: int) -> tuple[list[Row], str]:
    """(e): `benchmarks/load.py` in a child process (it starts the servers); its table parsed:
    ehdmm against the ready-made app as a plain Streamlit app and with ehdmm's settings, and
    against that app drawing as much as the profile; and the profile drawn from views already
    built against the ready-made app (the bound on what any build could reach)."""
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "load.py"),
            "--sessions",
            str(sessions),
            "--renders",
            str(renders),
            "--rounds",
            str(rounds),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    from load import AS_MUCH, BUILT, LABELS

    found = {m["app"]: m for m in map(LOAD_ROW.match, proc.stdout.splitlines()) if m is not None}
    if proc.returncode != 0 or any(label not in found for label in LABELS.values()):
        reason = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        row = Row("load", "concurrent sessions", "not measured", "", None, ">= 0.5", None)
        row.note = f"({reason})"
        return [row], "load not measured"
    fresh = f"{renders} authorities not asked before"
    again = f"{renders} authorities asked just before (every view already built: drawing only)"
    plain, settings = (
        f"a one-page app drawing ready-made content of the same kind, {which}"
        for which in ("a plain Streamlit app (its default settings)", "ehdmm's settings")
    )
    as_much = "the ready-made app drawing as many elements of each kind as the profile (151)"
    rows = []
    for ours, asked, theirs, against in (
        ("ehdmm", fresh, "ready", plain),
        ("ehdmm", fresh, "ready, ehdmm's settings", settings),
        ("ehdmm", fresh, AS_MUCH, f"{as_much}, ehdmm's settings"),
        (BUILT, again, "ready, ehdmm's settings", settings),
    ):
        mine, yardstick = found[LABELS[ours]], found[LABELS[theirs]]
        ratio = float(mine["rate"]) / float(yardstick["rate"])
        rows.append(
            Row(
                "load",
                f"{sessions} sessions at once, each rendering the Authority profile of {asked}, "
                f"over the websocket: renders a second vs {against}",
                f"{mine['rate']}/s (p95 {mine['p95']} s, server CPU {mine['cpu']} ms a render, "
                f"{mine['errors']} errors)",
                f"{yardstick['rate']}/s (p95 {yardstick['p95']} s, server CPU "
                f"{yardstick['cpu']} ms)",
                ratio,
                ">= 0.5",
                ratio >= 0.5 and mine["errors"] == "0",
            )
        )
    return rows, f"load: {sessions} sessions x {renders} renders, median of {rounds} rounds"


def scoring_rows(folder: Path, repeat: int, authorities: int) -> tuple[list[Row], str]:
    """(b): DuckDB scoring against the pandas reference on ~1.6 million ratings."""
    path = folder / "scoring.duckdb"
    started = time.perf_counter()
    counts = scoring_bench.build(path, authorities=authorities)
    built = time.perf_counter() - started
    result = scoring_bench.measure(path, repeat)
    speedup = result["pandas"] / result["duckdb"]
    row = Row(
        "scoring",
        f"levels of {counts['current']:,} current submissions ({result['ratings']:,} ratings, "
        "both rules): pandas reference vs DuckDB (results asserted equal)",
        f"DuckDB {ms(result['duckdb'])}",
        f"pandas {ms(result['pandas'])}",
        speedup,
        ">= 5 (pandas / DuckDB)",
        speedup >= 5,
    )
    return [row], (
        f"scoring database: {counts['authorities']:,} authorities, {counts['submissions']:,} "
        f"submissions, {counts['ratings']:,} ratings, built in {built:.1f} s"
    )


def import_rows(folder: Path, big_db: Path, repeat: int, rows: int) -> tuple[list[Row], str]:
    """(c): `import_returns` of a 100k-row file against DuckDB's read_csv of it."""
    csv_path = folder / "returns-100k.csv"
    codes = import_bench.codes_in(big_db)
    written = import_bench.write_csv(csv_path, codes, rows)
    result = import_bench.measure(big_db, csv_path, repeat)
    ratio = result["import"] / result["read_csv"]
    row = Row(
        "import",
        f"{written:,}-row long CSV ({result['bytes'] / 1e6:.1f} MB, {written // 8:,} returns, "
        "new round): `import_returns` vs DuckDB `read_csv` into a table",
        f"import {ms(result['import'])}",
        f"read_csv {ms(result['read_csv'])}",
        ratio,
        "<= 3",
        ratio <= 3,
    )
    return [row], f"import target: a copy of the {len(codes):,}-authority database"


EXPORT_ROW = re.compile(
    r"^\| (?P<fmt>[\w-]+) \| (?P<n>\d+) \| [\d.]+ \| (?P<per>\d+) \| (?P<batch>[\d.]+) \| "
    r"(?P<single_ms>\d+) \| (?P<single>[\d.]+) \|"
)


def export_rows(repeat: int, authorities: int) -> tuple[list[Row], str]:
    """(d): `benchmarks/exports.py` in a child process; its table parsed."""
    script = HERE / "exports.py"
    if not script.exists():
        return [
            Row("exports", "report vs one chart export", "not yet", "", None, "<= 5", None)
        ], "benchmarks/exports.py does not exist yet"
    proc = subprocess.run(
        [
            sys.executable,
            str(script),
            "--authorities",
            str(authorities),
            "--repeat",
            str(repeat),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return [
            Row(
                "exports",
                "report vs one chart export",
                "not measured",
                "",
                None,
                "<= 5",
                None,
                f"({reason})",
            )
        ], "exports not measured"
    chart = re.search(r"Ratios below use the mean of the two, (\d+) ms", proc.stdout)
    unit = f"one chart {chart.group(1)} ms" if chart else "one chart export"
    rows = []
    for line in proc.stdout.splitlines():
        match = EXPORT_ROW.match(line)
        if not match:
            continue
        fmt, batch, single = match["fmt"], float(match["batch"]), float(match["single"])
        rows.append(
            Row(
                "exports",
                f"{fmt} report, per authority in a batch of {match['n']}, vs one chart PNG",
                f"{int(match['per']):,} ms",
                unit,
                batch,
                "<= 5",
                batch <= 5,
            )
        )
        rows.append(
            Row(
                "exports",
                f"{fmt} report, one on its own (data loaded for it), vs one chart PNG",
                f"{int(match['single_ms']):,} ms",
                unit,
                single,
                "<= 5",
                single <= 5,
            )
        )
    if not rows:
        rows.append(
            Row("exports", "report vs one chart export", "no table", "", None, "<= 5", None)
        )
    return rows, "exports: the demo database, peer group region, rule gated"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--scale", type=int, default=100, help="pages: the large database's size")
    parser.add_argument("--scoring-authorities", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--export-authorities", type=int, default=20)
    parser.add_argument("--new-authorities", type=int, default=8, help="pages: per page")
    parser.add_argument("--sessions", type=int, default=20, help="load: sessions at once")
    parser.add_argument("--renders", type=int, default=3, help="load: renders per session")
    parser.add_argument("--load-rounds", type=int, default=3, help="load: measurements")
    parser.add_argument("--skip", default="", help=f"comma-separated, of: {', '.join(AREAS)}")
    parser.add_argument("--out", type=Path, help="write the table here (e.g. RESULTS.md)")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    if skip - set(AREAS):
        parser.error(f"--skip: unknown {', '.join(sorted(skip - set(AREAS)))}")

    started = time.perf_counter()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    tmp = Path(tempfile.mkdtemp(prefix="ehdmm-bench-"))
    notes = []
    rows: list[Row] = []
    demo_db, big_db = tmp / "demo.duckdb", tmp / f"demo-x{args.scale}.duckdb"
    if {"pages", "imports", "backups"} - skip:
        install_demo(demo_db)
        counts = install_demo(big_db, scale=args.scale)
        notes.append(
            f"{args.scale}x database: {counts['authorities']:,} authorities, "
            f"{counts['ratings']:,} ratings"
        )
    try:
        if "pages" not in skip:
            found, note = page_rows(demo_db, big_db, args.scale, args.repeat, args.new_authorities)
            rows += found
            notes.append(note)
        if "scoring" not in skip:
            found, note = scoring_rows(tmp, args.repeat, args.scoring_authorities)
            rows += found
            notes.append(note)
        if "imports" not in skip:
            found, note = import_rows(tmp, big_db, args.repeat, args.import_rows)
            rows += found
            notes.append(note)
        if "exports" not in skip:
            found, note = export_rows(args.repeat, args.export_authorities)
            rows += found
            notes.append(note)
        if "backups" not in skip:
            work = tmp / "backups"
            work.mkdir()
            result = backup_bench.measure(big_db, args.repeat, work)
            fields = backup_bench.row_fields(result, args.scale, counts)
            rows += [Row("backup", *f) for f in fields]
        if "load" not in skip:
            found, note = load_rows(args.sessions, args.renders, args.load_rounds)
            rows += found
            notes.append(note)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    load = ""
    if load_before is not None:
        load = (
            f" Load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at "
            "the end: other work on the machine slows both sides of a ratio, not always equally."
        )
    met = [r for r in rows if r.met is True]
    missed = [r for r in rows if r.met is False]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores "
        f"({platform.python_implementation()} {platform.python_version()}), medians of "
        f"{args.repeat} runs, in {time.perf_counter() - started:.0f} s; "
        f"{len(met)} goals met, {len(missed)} missed.{load}",
        "; ".join(notes) + ".",
        "",
        "| area | what | measured | against | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
        *(row.markdown() for row in rows),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        # every "## " section already there is kept: the hand-written notes (what was profiled,
        # what remains) and the sections other scripts append (benchmarks/exports.py)
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        sections_at = old.find("\n## ")
        kept = "\n" + old[sections_at + 1 :] if sections_at >= 0 else ""
        args.out.write_text(
            "# Benchmarks\n\n"
            f"`.venv/bin/python benchmarks/run.py --out {args.out}` (the whole suite; "
            "`benchmarks/pages.py`, `scoring.py`, `imports.py`, `exports.py`, `backups.py` and "
            "`load.py` run one part each with more detail).\n\n" + text + kept,
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
