"""Custom peer groups: `groups list` and `groups import NAME FILE.csv`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ehdmm import access, peers
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.storage import connect
from ehdmm.storage import reference as ref


def cmd_groups(args: argparse.Namespace) -> int:
    db = existing_db(args, create_empty=True)
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
            err(error)
        err(f"{path}: rejected; nothing was written")
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("groups", help="custom peer groups: list, or import NAME FILE.csv")
    db_arg(p)
    p.add_argument("action", choices=["list", "import"])
    p.add_argument("name", nargs="?", help="group name (import)")
    p.add_argument("file", nargs="?", help="CSV with an 'authority' column (import)")
    p.add_argument("--description")
    actor_arg(p, "who imports a group (audit log)")
    p.set_defaults(func=cmd_groups)
