"""Who may sign in: `users add`, `users list`, `users remove`."""

from __future__ import annotations

import argparse

import pandas as pd

from ehdmm import access
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db


def cmd_users(args: argparse.Namespace) -> int:
    """Users and their roles: add (or change), list, remove. Every change is audited."""
    if args.action == "list":
        if args.email or args.role or args.authority or args.lead:
            raise UsageError("users list takes no EMAIL, --role, --authority or --lead")
        db = existing_db(args)
        frame = access.list_users(db)
        if frame.empty:
            print("No users: with sign-in configured, nobody can see the dashboard yet.")
        for row in frame.itertuples(index=False):
            code, by = ("" if pd.isna(v) else str(v) for v in (row.authority_code, row.added_by))
            lead = "lead" if row.lead else ""
            print(f"{row.email}\t{row.role}\t{code}\t{row.added_at:%Y-%m-%d %H:%M}\t{by}\t{lead}")
        return EXIT_OK
    if not args.email:
        raise UsageError(f"users {args.action} needs EMAIL")
    if args.action == "remove":
        if args.role or args.authority or args.lead:
            raise UsageError("users remove takes no --role, --authority or --lead")
        db = existing_db(args)
        if not access.remove_user(db, args.email, actor=args.actor):
            err(f"No user {args.email.strip().lower()} in {db}: nothing removed.")
            return EXIT_FAILED
        print(f"Removed {args.email.strip().lower()}.")
        return EXIT_OK
    if not args.role:
        raise UsageError("users add needs --role national|authority")
    db = existing_db(args, create_empty=True)
    try:
        code = access.add_user(
            db, args.email, args.role, args.authority, actor=args.actor, lead=args.lead
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    email = args.email.strip().lower()
    lead = " (lead)" if args.lead else ""
    print(f"{email}: {args.role}" + (f" for {code}" if code else "") + f"{lead}.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "users",
        help="who may sign in: users add EMAIL --role national|authority [--authority CODE] "
        "[--lead], "
        "users list, users remove EMAIL",
    )
    db_arg(p)
    p.add_argument("action", choices=["add", "list", "remove"])
    p.add_argument("email", nargs="?", metavar="EMAIL", help="the user's sign-in email")
    p.add_argument("--role", choices=["national", "authority"], help="the user's role (add)")
    p.add_argument(
        "--authority",
        metavar="CODE",
        help="the authority of an authority user: ONS code, DfE LA number or name (add)",
    )
    p.add_argument(
        "--lead",
        action="store_true",
        help="an authority user who leads the authority's assessment: invites respondents and "
        "submits the consensus (add)",
    )
    actor_arg(p, "who makes the change (audit log)")
    p.set_defaults(func=cmd_users)
