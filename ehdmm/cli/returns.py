"""Returns: `import` and `template`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ehdmm import access, backup, importer, templates
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.model import load_model
from ehdmm.quoting import file_label
from ehdmm.rounds import round_problem

AUDITED_IMPORTS = ("imported", "no-op")
"""Import outcomes that go to the audit log: a file that was read into the database, or found
to be there already. A rejected file or a dry run writes nothing and is not logged."""


def cmd_import(args: argparse.Namespace) -> int:
    files = []
    for name in args.files:
        path = Path(name)
        if found := backup.describe_backup_folder(path):
            raise UsageError(found)
        try:
            files.append((str(path), path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"{file_label(name)}: cannot read the file ({exc.strerror})") from exc
    problem = None if args.round is None else round_problem(args.round)
    if problem is not None:
        raise UsageError(f"--round: {problem}")
    if args.merge and args.allow_incomplete:
        raise UsageError("give --merge or --allow-incomplete, not both")
    partial = "merge" if args.merge else "replace" if args.allow_incomplete else None
    db = existing_db(args, create_empty=not args.dry_run)
    results = importer.import_returns(
        db,
        files,
        round_id=args.round,
        create_round=args.create_round,
        dry_run=args.dry_run,
        actor=args.actor,
        sheet=args.sheet,
        partial=partial,
        reimport=args.reimport,
        closed_ok=args.closed_ok,
    )
    failed = False
    model = load_model()
    for result in results:
        for problem in result.plan.problems:
            err(str(problem))
        if result.outcome == "rejected":
            failed = True
            err(result.message)
            continue
        print(result.message)
        if result.outcome == "dry-run":  # the preview: each authority, before and after
            for change in result.changes:
                print(f"  {change.describe(model)}")
        if result.outcome in AUDITED_IMPORTS:
            access.audit(db, args.actor, "import", import_audit_detail(result))
    return EXIT_FAILED if failed else EXIT_OK


def import_audit_detail(result: importer.ImportResult) -> str:
    """What a command-line import did, for the audit log: the file, its outcome, the
    submissions written and the ratings and rounds it holds."""
    plan = result.plan
    return (
        f"{file_label(Path(plan.file_name).name)}: {result.outcome}, "
        f"{len(result.submission_ids)} submission(s) written, {plan.rating_count} rating(s), "
        f"round(s) {', '.join(plan.rounds) or 'none'} (command line)"
        + (
            f"; into closed round(s) {', '.join(result.closed_rounds)} with --closed-ok"
            if result.closed_rounds
            else ""
        )
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import returns (CSV or XLSX), each file all-or-nothing")
    db_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--round", metavar="ID", help="round (YYYY-MM) for files without a round column")
    p.add_argument("--create-round", action="store_true", help="create rounds that do not exist")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--sheet", help="XLSX sheet to read (default: the first with the header)")
    p.add_argument(
        "--merge",
        action="store_true",
        help="a return lacking dimensions corrects only those it gives; the current return's "
        "other dimensions are carried over",
    )
    p.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="a return lacking dimensions replaces the current return whole (its other "
        "dimensions are then unrated)",
    )
    p.add_argument(
        "--reimport",
        action="store_true",
        help="apply a file imported before again (it may revert later corrections)",
    )
    p.add_argument(
        "--closed-ok",
        action="store_true",
        help="import returns into a closed round (or one not open yet) anyway: the national "
        "team's deliberate act, logged",
    )
    actor_arg(p, "who imports (import log and audit log)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write blank return templates")
    db_arg(p)
    p.add_argument("--layout", choices=[*templates.LAYOUTS, "both"], default="both")
    p.add_argument("--format", choices=[*templates.FORMATS, "both"], default="both")
    p.add_argument("--out", default=".", metavar="DIR", help="folder to write into (default: .)")
    p.set_defaults(func=cmd_template)
