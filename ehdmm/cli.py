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
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ehdmm import access, database, demo, importer, peers, scoring, templates
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
        if result.outcome in AUDITED_IMPORTS:
            access.audit(db, args.actor, "import", import_audit_detail(result))
    return EXIT_FAILED if failed else EXIT_OK


AUDITED_IMPORTS = ("imported", "no-op")
"""Import outcomes that go to the audit log: a file that was read into the database, or found
to be there already. A rejected file or a dry run writes nothing and is not logged."""


def import_audit_detail(result: importer.ImportResult) -> str:
    """What a command-line import did, for the audit log: the file, its outcome, the
    submissions written and the ratings and rounds it holds."""
    plan = result.plan
    return (
        f"{Path(plan.file_name).name}: {result.outcome}, "
        f"{len(result.submission_ids)} submission(s) written, {plan.rating_count} rating(s), "
        f"round(s) {', '.join(plan.rounds) or 'none'} (command line)"
    )


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
    access.audit(
        db,
        args.actor,
        "group.import",
        f"{args.name.strip()}: {len(members)} members from {path.name} (command line)",
    )
    print(f"Custom group '{args.name}' saved with {len(members)} members.")
    return EXIT_OK


def _progress_printer(stream=None) -> Callable[[int, int, str], None]:
    """A progress line on stderr: rewritten in place on a terminal, one line each otherwise."""
    stream = stream or sys.stderr
    interactive = stream.isatty()

    def show(done: int, total: int, label: str) -> None:
        if done == 0:
            stream.write(f"Making {total} report(s)...\n")
        elif interactive:
            end = "\n" if done == total else ""
            stream.write(f"\r[{done}/{total}] {label[:60]:<60}{end}")
        else:
            stream.write(f"[{done}/{total}] {label}\n")
        stream.flush()

    return show


def cmd_report(args: argparse.Namespace) -> int:
    from ehdmm.analysis import core, exports
    from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
    from ehdmm.export import images
    from ehdmm.export import pack as packs
    from ehdmm.export import report as reports

    db = _existing_db(args)
    authorities = core.authorities(db)
    if args.authority:
        try:
            codes = [AuthorityIndex(authorities).resolve(args.authority)]
        except AuthorityLookupError as exc:
            raise UsageError(f"--authority: {exc}") from exc
    else:
        codes = exports.filter_codes(authorities)
    if args.format != "html" and (problem := images.chromium_problem()):
        _err(f"note: {problem} The reports are written without their chart images.")
    started = time.perf_counter()
    try:
        paths = packs.write_reports(
            db,
            LOCAL_VIEWER,
            codes,
            args.round,
            args.peers,
            args.rule,
            args.format,
            args.out,
            progress=_progress_printer(),
        )
    except reports.ReportError as exc:
        raise UsageError(str(exc)) from exc
    elapsed = time.perf_counter() - started
    print(
        f"{len(paths)} report(s) ({args.format}) written to {args.out} in {elapsed:.1f} s"
        + (f": {paths[0].name}" if len(paths) == 1 else ".")
    )
    return EXIT_OK


def cmd_pack(args: argparse.Namespace) -> int:
    from ehdmm.export import pack as packs

    db = _existing_db(args)
    started = time.perf_counter()
    try:
        data = packs.national_pack(db, LOCAL_VIEWER, args.round, args.rule)
    except packs.PackError as exc:
        raise UsageError(str(exc)) from exc
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    elapsed = time.perf_counter() - started
    print(f"National pack written to {out} ({len(data) / 1e6:.1f} MB) in {elapsed:.1f} s.")
    return EXIT_OK


def cmd_users(args: argparse.Namespace) -> int:
    """Users and their roles: add (or change), list, remove. Every change is audited."""
    if args.action == "list":
        if args.email or args.role or args.authority:
            raise UsageError("users list takes no EMAIL, --role or --authority")
        db = _existing_db(args)
        frame = access.list_users(db)
        if frame.empty:
            print("No users: with sign-in configured, nobody can see the dashboard yet.")
        for row in frame.itertuples(index=False):
            code, by = ("" if pd.isna(v) else str(v) for v in (row.authority_code, row.added_by))
            print(f"{row.email}\t{row.role}\t{code}\t{row.added_at:%Y-%m-%d %H:%M}\t{by}")
        return EXIT_OK
    if not args.email:
        raise UsageError(f"users {args.action} needs EMAIL")
    if args.action == "remove":
        if args.role or args.authority:
            raise UsageError("users remove takes no --role or --authority")
        db = _existing_db(args)
        if not access.remove_user(db, args.email, actor=args.actor):
            _err(f"No user {args.email.strip().lower()} in {db}: nothing removed.")
            return EXIT_FAILED
        print(f"Removed {args.email.strip().lower()}.")
        return EXIT_OK
    if not args.role:
        raise UsageError("users add needs --role national|authority")
    db = _existing_db(args, create_empty=True)
    try:
        code = access.add_user(db, args.email, args.role, args.authority, actor=args.actor)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    email = args.email.strip().lower()
    print(f"{email}: {args.role}" + (f" for {code}" if code else "") + ".")
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
    p.add_argument(
        "--actor", default=_default_actor(), help="who imports (import log and audit log)"
    )
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
    p.add_argument("--actor", default=_default_actor(), help="who imports a group (audit log)")
    p.set_defaults(func=cmd_groups)

    p = sub.add_parser(
        "report", help="authority benchmark reports (docx, pdf or html), one file per authority"
    )
    _db_arg(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--authority", metavar="CODE", help="one authority: ONS code, DfE LA number or name"
    )
    which.add_argument("--all", action="store_true", help="every authority")
    p.add_argument("--round", metavar="ID", help="round (default: latest with a submission)")
    p.add_argument(
        "--peers",
        default="england",
        metavar="GROUP",
        help="peer group: england, region, type, neighbours or custom:<name> (default: england)",
    )
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--format", choices=["docx", "pdf", "html"], required=True)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the reports into")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("pack", help="the national pack: an XLSX workbook of every authority")
    _db_arg(p)
    p.add_argument("--round", metavar="ID", help="one round (default: every round)")
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser(
        "users",
        help="who may sign in: users add EMAIL --role national|authority [--authority CODE], "
        "users list, users remove EMAIL",
    )
    _db_arg(p)
    p.add_argument("action", choices=["add", "list", "remove"])
    p.add_argument("email", nargs="?", metavar="EMAIL", help="the user's sign-in email")
    p.add_argument("--role", choices=["national", "authority"], help="the user's role (add)")
    p.add_argument(
        "--authority",
        metavar="CODE",
        help="the authority of an authority user: ONS code, DfE LA number or name (add)",
    )
    p.add_argument("--actor", default=_default_actor(), help="who makes the change (audit log)")
    p.set_defaults(func=cmd_users)
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
    except OSError as exc:  # a path that cannot be made or written (a file where a folder is...)
        from ehdmm.storage.db import describe_os_error

        _err(f"{parser.prog} {args.command}: {describe_os_error(exc)}; check the path.")
        return EXIT_FAILED
    return EXIT_OK
