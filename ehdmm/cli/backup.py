"""Backups: `backup` (a consistent copy while the app runs) and `restore`."""

from __future__ import annotations

import argparse

from ehdmm import backup
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, db_arg, err


def cmd_backup(args: argparse.Namespace) -> int:
    if args.keep is not None and args.keep < 1:
        raise UsageError("--keep must be 1 or more")
    result = backup.take_backup(args.db, args.out, keep=args.keep)
    print(
        f"Backup written to {result.path} ({result.size / 1e6:.1f} MB): "
        f"{backup.describe_counts(result.summary)}."
    )
    for folder in result.removed:
        print(f"Removed the older backup {folder} (--keep {args.keep}).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    result = backup.restore_backup(args.backup, args.db, replace=args.replace)
    made = result.manifest
    print(
        f"Restored {made.folder} (made {made.created} by ehdmm {made.ehdmm_version}) to "
        f"{result.path}: {backup.describe_counts(made.summary)}."
    )
    if result.kept is not None:
        print(f"The database it replaced is kept as {result.kept}.")
    if result.problems:
        for problem in result.problems:
            err(f"{result.path}: {problem}")
        err("The integrity check found the problems above (they were in the backup).")
        return EXIT_FAILED
    print("Integrity check: ok.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backup", help="write a consistent backup of the database (safe while the app runs)"
    )
    db_arg(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the backup in")
    p.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="then keep only the newest N backups in DIR (older ones are removed)",
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into a database file")
    p.add_argument("backup", metavar="BACKUP", help="a backup folder made by `backup`")
    db_arg(p)
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing database (kept beside it as NAME.before-restore-<time>)",
    )
    p.set_defaults(func=cmd_restore)
