"""The database itself: `init`, `demo`, `model`, `levels` and `check`."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

import pandas as pd

from ehdmm import database, demo, scoring
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, db_arg, err, existing_db
from ehdmm.export.tables import safe_text
from ehdmm.model import load_model
from ehdmm.storage import connect, resolve_db_path
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER


def cmd_init(args: argparse.Namespace) -> int:
    path = database.init_db(args.db)
    with connect(path) as conn:
        counts = store.table_counts(conn)
    print(
        f"Database ready at {path}: {counts['authorities']} authorities, "
        f"{counts['statistical_neighbours']} statistical neighbour links, "
        f"{counts['submissions']} submissions."
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    started = time.perf_counter()
    if not path.exists():
        counts = demo.install_demo(path, scale=args.scale)
    else:
        with connect(path) as conn:
            if store.is_demo(conn):
                print(f"{path} already holds the demo data; nothing changed.")
                return EXIT_OK
        try:
            counts = demo.write_demo(path, scale=args.scale)
        except ValueError as exc:
            err(f"{path}: {exc}")
            return EXIT_FAILED
    elapsed = time.perf_counter() - started
    print(
        f"Demo data (synthetic) written to {path} in {elapsed:.2f} s: "
        f"{counts['authorities']} authorities, {counts['submissions']} submissions, "
        f"{counts['ratings']} ratings, {counts['checklist_answers']} checklist answers."
    )
    return EXIT_OK


def cmd_model(args: argparse.Namespace) -> int:
    print(json.dumps(load_model().to_json_dict(), indent=2, ensure_ascii=False))
    return EXIT_OK


def levels_csv(db: Path, round_id: str | None, rule: str) -> tuple[str, str | None]:
    """The `levels` CSV text and the round it covers."""
    model = load_model()
    with connect(db) as conn:
        if round_id is None:
            round_id = scoring.latest_round(conn, LOCAL_VIEWER)
        elif round_id not in set(ref.rounds(conn)["id"]):
            raise UsageError(f"there is no round '{round_id}' in {db}")
        frame = (
            scoring.authority_levels(conn, LOCAL_VIEWER, round_id, rule, model)
            if round_id
            else None
        )
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["authority_code", "authority_name", "round", *model.strand_ids, "overall", "index"]
    )
    if frame is not None:
        for row in frame.sort_values("authority_code").itertuples(index=False):
            record = row._asdict()
            levels = [_cell(record[s]) for s in model.strand_ids]
            writer.writerow(
                [
                    safe_text(row.authority_code),
                    safe_text(row.authority_name),
                    row.round_id,
                    *levels,
                    _cell(row.overall),
                    scoring.format_index(row.index),
                ]
            )
    return out.getvalue(), round_id


def _cell(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def cmd_levels(args: argparse.Namespace) -> int:
    db = existing_db(args)
    text, round_id = levels_csv(db, args.round, args.rule)
    if round_id is None:
        err("No current submissions in the database: the CSV has a header only.")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        err(f"Levels for round {round_id} ({args.rule}) written to {args.out}.")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    db = existing_db(args)
    with connect(db) as conn:
        problems = store.integrity_problems(conn)
        counts = store.table_counts(conn)
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    if problems:
        for problem in problems:
            err(f"{db}: {problem}")
        return EXIT_FAILED
    print(f"{db}: ok ({summary}).")
    return EXIT_OK


def register_setup(sub: argparse._SubParsersAction) -> None:
    """`init`, `demo` and `model`."""
    p = sub.add_parser("init", help="create an empty database with the reference data")
    db_arg(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="create a database with synthetic demo data")
    db_arg(p)
    p.add_argument(
        "--scale",
        type=int,
        default=1,
        metavar="N",
        help="N copies of the 153 authorities (for load tests; default 1)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("model", help="print the maturity model as JSON")
    db_arg(p)
    p.set_defaults(func=cmd_model)


def register_reading(sub: argparse._SubParsersAction) -> None:
    """`levels` and `check`."""
    p = sub.add_parser("levels", help="computed levels of a round as CSV")
    db_arg(p)
    p.add_argument("--round", metavar="ID", help="round (default: latest with a submission)")
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_levels)

    p = sub.add_parser("check", help="check the database's integrity")
    db_arg(p)
    p.set_defaults(func=cmd_check)
