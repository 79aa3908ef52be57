"""Custom peer groups: `groups list`, `groups import NAME FILE.csv`, `groups publish NAME`
and `groups unpublish NAME` (each action its own function)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ehdmm import access, peers
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.quoting import shown as quoted
from ehdmm.storage import connect
from ehdmm.storage import publications as pubs
from ehdmm.storage import reference as ref


def groups_publish(args: argparse.Namespace) -> int:
    """Publish a custom group for authority users: refused (exit 1, nothing changed) when its
    membership is 1 to 4 authorities from another group they can choose."""
    if not args.name:
        raise UsageError("groups publish needs NAME")
    db = existing_db(args)
    try:
        done = peers.publish_group(db, args.name, actor=args.actor)
    except peers.GroupRefused as exc:
        err(f"groups publish: {exc}")
        return EXIT_FAILED
    name = quoted(args.name)
    print(f"Custom group {name} " + ("published." if done else "was already published."))
    return EXIT_OK


def groups_unpublish(args: argparse.Namespace) -> int:
    """Withdraw a custom group from authority users."""
    if not args.name:
        raise UsageError("groups unpublish needs NAME")
    db = existing_db(args)
    done = peers.unpublish_group(db, args.name, actor=args.actor)
    name = quoted(args.name)
    print(f"Custom group {name} " + ("unpublished." if done else "was not published."))
    return EXIT_OK


def cmd_groups(args: argparse.Namespace) -> int:
    if args.action == "publish":
        return groups_publish(args)
    if args.action == "unpublish":
        return groups_unpublish(args)
    db = existing_db(args, create_empty=True)
    if args.action == "list":
        with connect(db) as conn:
            frame = ref.custom_groups(conn)
            published = set(pubs.published_groups(conn)["group_name"])
        if frame.empty:
            print("No custom groups.")
        for row in frame.itertuples(index=False):
            state = "published" if row.name in published else "not published"
            print(f"{row.name}\t{row.members} members\t{state}\t{row.description or ''}")
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
    withdrawn = peers.save_custom_group(db, args.name, members, args.description, actor=args.actor)
    access.audit(
        db,
        args.actor,
        "group.import",
        f"{args.name.strip()}: {len(members)} members from {path.name} (command line)",
    )
    print(f"Custom group '{args.name}' saved with {len(members)} members.")
    if withdrawn:
        print(
            "It was published and its members changed, so it is no longer published: publish "
            "it again with `groups publish NAME` (which checks it again)."
        )
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "groups",
        help="custom peer groups: list, import NAME FILE.csv, publish NAME, unpublish NAME",
    )
    db_arg(p)
    p.add_argument("action", choices=["list", "import", "publish", "unpublish"])
    p.add_argument("name", nargs="?", help="group name (import)")
    p.add_argument("file", nargs="?", help="CSV with an 'authority' column (import)")
    p.add_argument("--description")
    actor_arg(p, "who imports a group (audit log)")
    p.set_defaults(func=cmd_groups)
