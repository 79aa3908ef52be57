"""Backup and restore benchmark: `ehdmm.backup.take_backup` of the 100x database (as
`python -m ehdmm demo --scale 100` makes it) against DuckDB's own `EXPORT DATABASE` of the same
file (read-only connection, Parquet), and `ehdmm.backup.restore_backup` of that backup into a new
file against DuckDB's own `IMPORT DATABASE` of the export into a new file; all in one run, the
two sides alternated, medians. Each ehdmm side does all its work: the backup its checksums,
manifest and fsyncs, the restore its verification, schema, row-count checks, putting the file in
place and the integrity check. Goal: each at most 3 x DuckDB's own. Not a test.

    .venv/bin/python benchmarks/backups.py [--scale 100] [--repeat 5] [--results RESULTS.md]

With `--results`, the table's `backup` rows in that file are replaced (or added at the end of
the table); every other line is kept.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ehdmm.backup import restore_backup, take_backup  # noqa: E402
from ehdmm.demo import install_demo  # noqa: E402

GOAL = 3.0


def _export(db: Path, folder: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as conn:
        conn.execute(f"EXPORT DATABASE '{folder}' (FORMAT parquet)")


def _import(folder: Path, target: Path) -> None:
    with duckdb.connect(str(target)) as conn:
        conn.execute(f"IMPORT DATABASE '{folder}'")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


def _timed(times: dict[str, list[float]], k: int, steps: list[tuple[str, Callable]]) -> None:
    """Run the steps, in turn first or second (k odd or even); keep their times but the first
    run's (untimed warm-up)."""
    for name, step in steps if k % 2 else reversed(steps):
        started = time.perf_counter()
        step()
        if k:
            times[name].append(time.perf_counter() - started)


def measure(db: Path, repeat: int, work: Path) -> dict[str, float]:
    """Median seconds of each of the four, after one untimed run of each."""
    times: dict[str, list[float]] = {"export": [], "backup": [], "import": [], "restore": []}
    sizes = {}
    for k in range(repeat + 1):
        export, backups = work / f"export{k}", work / f"backups{k}"
        _timed(
            times,
            k,
            [
                ("export", partial(_export, db, export)),
                ("backup", partial(take_backup, db, backups)),
            ],
        )
        [made] = backups.iterdir()
        _timed(
            times,
            k,
            [
                ("import", partial(_import, export, work / f"imported{k}.duckdb")),
                ("restore", partial(restore_backup, made, work / f"restored{k}.duckdb")),
            ],
        )
        sizes = {
            "export": _size(export),
            "backup": _size(made),
            "database": db.stat().st_size,
            "restored": (work / f"restored{k}.duckdb").stat().st_size,
        }
        for leftover in (export, backups):
            shutil.rmtree(leftover)
        for leftover in work.glob("*.duckdb*"):
            leftover.unlink()
    return {name: statistics.median(found) for name, found in times.items()} | {
        f"{name}_bytes": size for name, size in sizes.items()
    }


def row_fields(
    result: dict[str, float], scale: int, counts: dict[str, int]
) -> list[tuple[str, str, str, float, str, bool]]:
    """(what, measured, against, ratio, goal, met) of the two rows, as `benchmarks/run.py`'s
    table has them."""
    ms = {n: f"{result[n] * 1000:,.0f} ms" for n in ("export", "backup", "import", "restore")}
    data = (
        f"{scale}x database ({counts['authorities']:,} authorities, {counts['ratings']:,} "
        f"ratings, {result['database_bytes'] / 1e6:.0f} MB)"
    )
    found = []
    for mine, theirs, what, duckdb_side in (
        ("backup", "export", "`backup` (checksums, manifest, fsync)", "EXPORT DATABASE"),
        ("restore", "import", "`restore` (verify, schema, load, check)", "IMPORT DATABASE"),
    ):
        ratio = result[mine] / result[theirs]
        found.append(
            (
                f"{what} of the {data} vs DuckDB's own `{duckdb_side}` (Parquet)",
                f"{mine} {ms[mine]}",
                f"{duckdb_side} {ms[theirs]}",
                ratio,
                f"<= {GOAL:g}",
                ratio <= GOAL,
            )
        )
    return found


def replace_rows(results: Path, new: list[str]) -> None:
    """Put the `backup` rows at the end of the main results table (the one headed `| area |`),
    keeping every other line."""
    lines = [
        line
        for line in results.read_text(encoding="utf-8").splitlines()
        if not line.startswith("| backup |")
    ]
    end = lines.index(next(line for line in lines if line.startswith("| area |")))
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    results.write_text("\n".join([*lines[: end + 1], *new, *lines[end + 1 :]]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path, help="put the rows in this results file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ehdmm-bench-backup-"))
    try:
        db = work / "source" / f"demo-x{args.scale}.duckdb"
        db.parent.mkdir()
        counts = install_demo(db, scale=args.scale)
        result = measure(db, args.repeat, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from run import Row

    found = [Row("backup", *fields).markdown() for fields in row_fields(result, args.scale, counts)]
    print(
        f"medians of {args.repeat} runs; export {result['export_bytes'] / 1e6:.1f} MB, backup "
        f"{result['backup_bytes'] / 1e6:.1f} MB, restored file "
        f"{result['restored_bytes'] / 1e6:.1f} MB"
    )
    print("\n".join(found))
    if args.results:
        replace_rows(args.results, found)


if __name__ == "__main__":
    main()
