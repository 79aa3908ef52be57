"""Command line: `python -m ehdmm SUBCOMMAND --help`.

Exit codes: 0 success (or a no-op), 1 failure (a rejected file, integrity problems, a busy or
unreadable database), 2 usage errors.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ehdmm import database, demo, importer, peers, scoring, templates
from ehdmm.model import load_model
from ehdmm.storage import DEFAULT_DB_PATH, StoreError, connect, resolve_db_path
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command's words (exit 2)."""


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $EHDMM_DB, else data/ehdmm.duckdb)",
    )


def _existing_db(args: argparse.Namespace, *, create_empty: bool = False) -> Path:
    """The database to use; the default one is created with demo data on first use."""
    path = resolve_db_path(args.db)
    if path.exists():
        return path
    if path == DEFAULT_DB_PATH:
        _err(f"No database at {path}: creating it with the synthetic demo data.")
        database.ensure_demo_db(path)
        return path
    if create_empty:
        _err(f"No database at {path}: creating an empty one with the reference data.")
        return database.init_db(path)
    raise StoreError(
        f"No database at {path}. Create one with `python -m ehdmm init --db {path}` "
        f"(empty) or `python -m ehdmm demo --db {path}` (demo data)."
    )


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
            _err(f"{path}: {exc}")
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


def cmd_import(args: argparse.Namespace) -> int:
    files = []
    for name in args.files:
        path = Path(name)
        try:
            files.append((str(path), path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"{name}: cannot read the file ({exc.strerror})") from exc
    if args.round is not None and not importer.ROUND_PATTERN.match(args.round):
        raise UsageError(f"--round '{args.round}' is not of the form YYYY-MM (e.g. 2021-03)")
    db = _existing_db(args, create_empty=not args.dry_run)
    results = importer.import_returns(
        db,
        files,
        round_id=args.round,
        create_round=args.create_round,
        dry_run=args.dry_run,
        actor=args.actor,
        sheet=args.sheet,
    )
    failed = False
    for result in results:
        for problem in result.plan.problems:
            _err(str(problem))
        if result.outcome == "rejected":
            failed = True
            _err(result.message)
        else:
            print(result.message)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    layouts = templates.LAYOUTS if args.layout == "both" else (args.layout,)
    formats = templates.FORMATS if args.format == "both" else (args.format,)
    for layout in layouts:
        for fmt in formats:
            target = out / f"ehdmm-return-{layout}.{fmt}"
            target.write_bytes(templates.template_bytes(layout, fmt))
            print(target)
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
                    row.authority_code,
                    row.authority_name,
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
    db = _existing_db(args)
    text, round_id = levels_csv(db, args.round, args.rule)
    if round_id is None:
        _err("No current submissions in the database: the CSV has a header only.")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        _err(f"Levels for round {round_id} ({args.rule}) written to {args.out}.")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    db = _existing_db(args)
    with connect(db) as conn:
        problems = store.integrity_problems(conn)
        counts = store.table_counts(conn)
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    if problems:
        for problem in problems:
            _err(f"{db}: {problem}")
        return EXIT_FAILED
    print(f"{db}: ok ({summary}).")
    return EXIT_OK


def cmd_groups(args: argparse.Namespace) -> int:
    db = _existing_db(args, create_empty=True)
    if args.action == "list":
        with connect(db) as conn:
            frame = ref.custom_groups(conn)
        if frame.empty:
            print("No custom groups.")
        for row in frame.itertuples(index=False):
            print(f"{row.name}\t{row.members} members\t{row.description or ''}")
        return EXIT_OK
    if not args.name or not args.file:
        raise UsageError("groups import needs NAME and FILE")
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file ({exc.strerror})") from exc
    members, errors = peers.parse_group_csv(str(path), data, peers.authority_index(db))
    if errors or not members:
        for error in errors or [f"{path}: no authorities listed"]:
            _err(error)
        _err(f"{path}: rejected; nothing was written")
        return EXIT_FAILED
    peers.save_custom_group(db, args.name, members, args.description)
    print(f"Custom group '{args.name}' saved with {len(members)} members.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ehdmm",
        description="Data Maturity Model for Early Help Services: benchmarking store and tools.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="create an empty database with the reference data")
    _db_arg(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="create a database with synthetic demo data")
    _db_arg(p)
    p.add_argument(
        "--scale",
        type=int,
        default=1,
        metavar="N",
        help="N copies of the 153 authorities (for load tests; default 1)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("model", help="print the maturity model as JSON")
    _db_arg(p)
    p.set_defaults(func=cmd_model)

    p = sub.add_parser("import", help="import returns (CSV or XLSX), each file all-or-nothing")
    _db_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--round", metavar="ID", help="round (YYYY-MM) for files without a round column")
    p.add_argument("--create-round", action="store_true", help="create rounds that do not exist")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--sheet", help="XLSX sheet to read (default: the first with the header)")
    p.add_argument("--actor", default=_default_actor(), help="who imports (for the import log)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write blank return templates")
    _db_arg(p)
    p.add_argument("--layout", choices=[*templates.LAYOUTS, "both"], default="both")
    p.add_argument("--format", choices=[*templates.FORMATS, "both"], default="both")
    p.add_argument("--out", default=".", metavar="DIR", help="folder to write into (default: .)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("levels", help="computed levels of a round as CSV")
    _db_arg(p)
    p.add_argument("--round", metavar="ID", help="round (default: latest with a submission)")
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_levels)

    p = sub.add_parser("check", help="check the database's integrity")
    _db_arg(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("groups", help="custom peer groups: list, or import NAME FILE.csv")
    _db_arg(p)
    p.add_argument("action", choices=["list", "import"])
    p.add_argument("name", nargs="?", help="group name (import)")
    p.add_argument("file", nargs="?", help="CSV with an 'authority' column (import)")
    p.add_argument("--description")
    p.set_defaults(func=cmd_groups)
    return parser


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog} {args.command}: error: {exc}\n")
    except StoreError as exc:
        _err(str(exc))
        return EXIT_FAILED
    return EXIT_OK
