"""Targets and improvement plans: `plan export`, `plan import` and `targets`."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from ehdmm import plan_workbook, plans
from ehdmm.analysis import plans as analysis
from ehdmm.analysis.rounds import load_round
from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.export.tables import safe_text
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import plans as store
from ehdmm.viewer import LOCAL_VIEWER


def _authority(db, value: str) -> str:
    try:
        return AuthorityIndex(plans.authority_codes(db)).resolve(value)
    except AuthorityLookupError as exc:
        raise UsageError(f"--authority: {exc}") from exc


def cmd_plan_export(args: argparse.Namespace) -> int:
    db = existing_db(args)
    code = _authority(db, args.authority)
    plan = plans.read_plan(db, LOCAL_VIEWER, code)
    names = plans.authority_codes(db).set_index("code")["name"]
    out = Path(args.out)
    out.write_bytes(plan_workbook.workbook_bytes(plan, str(names.get(code, code))))
    print(
        f"Plan of {names.get(code, code)} ({code}) written to {out}: {len(plan.targets)} "
        f"target(s), {len(plan.actions)} action(s)."
    )
    return EXIT_OK


def cmd_plan_import(args: argparse.Namespace) -> int:
    db = existing_db(args)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file ({exc.strerror})") from exc
    model = load_model()
    result = plan_workbook.read_plan_file(db, LOCAL_VIEWER, data, path.name, model)
    if not result.ok:
        for problem in result.problems:
            err(str(problem))
        err(f"{path}: rejected; nothing was written")
        return EXIT_FAILED
    changes = plans.plan_changes(result.plans_read, result.targets, result.actions)
    if changes.empty:
        print(f"{path}: nothing to change ({changes.summary()}).")
        return EXIT_OK
    if args.dry_run:
        print(f"{path}: would write {changes.summary()} (dry run: nothing written).")
        return EXIT_OK
    plans.apply_changes(db, args.actor, result.plans_read, changes, path.name, model)
    print(f"{path}: imported: {changes.summary()}.")
    return EXIT_OK


HEADER = ["authority_code", "dimension", "current_level", "target_level", "target_round", "status"]


def targets_csv(db, round_id: str) -> str:
    """Every current target's progress in the round, as CSV (see `HEADER`)."""
    with connect(db) as conn:
        targets = store.current_targets(conn, LOCAL_VIEWER)
    dims = load_round(db, round_id, "gated").dimensions(LOCAL_VIEWER)
    frame = analysis.progress(targets, dims, round_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in frame.itertuples(index=False):
        level = row.current_level
        writer.writerow(
            [
                safe_text(row.authority_code),
                safe_text(row.dimension_id),
                "" if pd.isna(level) else int(level),
                int(row.target_level),
                safe_text(row.target_round),
                row.status,
            ]
        )
    return out.getvalue()


def cmd_targets(args: argparse.Namespace) -> int:
    db = existing_db(args)
    with connect(db) as conn:
        rounds = store.round_ids(conn)
    if args.round not in rounds:
        raise UsageError(f"--round: there is no round {args.round!r} (rounds: {', '.join(rounds)})")
    sys.stdout.write(targets_csv(db, args.round))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="an authority's targets and improvement plan as XLSX")
    actions = p.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    ex = actions.add_parser("export", help="write an authority's targets and plan to XLSX")
    db_arg(ex)
    ex.add_argument("--authority", required=True, help="ONS code, DfE LA number or name")
    ex.add_argument("--out", required=True, metavar="FILE.xlsx")
    ex.set_defaults(func=cmd_plan_export)
    im = actions.add_parser("import", help="import targets and plans from XLSX (all or nothing)")
    db_arg(im)
    im.add_argument("file", metavar="FILE.xlsx")
    im.add_argument("--dry-run", action="store_true", help="check and say what would change")
    actor_arg(im, "who imports the plan (audit log)")
    im.set_defaults(func=cmd_plan_import)

    t = sub.add_parser("targets", help="every target's progress in a round, as CSV")
    db_arg(t)
    t.add_argument("--round", required=True, metavar="ID")
    t.set_defaults(func=cmd_targets)
