"""Rounds: `rounds list`, `rounds create ID --opens D --closes D [--title T]`, `rounds close
ID`, `rounds reopen ID --authority CODE --reason TEXT`, `rounds publish ID [--hold-back]`. Each
action is its own function."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date

from ehdmm import collection, publication
from ehdmm.access import AccessDenied
from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.peers import authority_index
from ehdmm.rounds import round_problem
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

CLI_VIEWER = Viewer(role="national")
"""The command line acts for the national team (it runs where the database file is)."""


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option}: '{value[:40]}' is not a date of the form YYYY-MM-DD") from exc


def _round_id(value: str) -> str:
    problem = round_problem(value)
    if problem:
        raise UsageError(problem)
    return value


def rounds_list(args: argparse.Namespace) -> int:
    db = existing_db(args, create_empty=True)
    frame = collection.rounds_table(db)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["round_id", "title", "opens", "closes", "state"])
    for row in frame.itertuples(index=False):
        writer.writerow([row.round_id, row.title, row.opens or "", row.closes or "", row.state])
    return EXIT_OK


def rounds_create(args: argparse.Namespace) -> int:
    round_id = _round_id(args.round_id)
    opens, closes = _day(args.opens, "--opens"), _day(args.closes, "--closes")
    if opens is None or closes is None:
        raise UsageError("rounds create needs --opens and --closes")
    db = existing_db(args, create_empty=True)
    done = collection.create_round(
        db, CLI_VIEWER, round_id, opens=opens, closes=closes, title=args.title, actor=args.actor
    )
    print(done.message)
    return EXIT_OK


def rounds_close(args: argparse.Namespace) -> int:
    db = existing_db(args)
    print(
        collection.close_round(db, CLI_VIEWER, _round_id(args.round_id), actor=args.actor).message
    )
    return EXIT_OK


def rounds_reopen(args: argparse.Namespace) -> int:
    round_id = _round_id(args.round_id)
    if not args.authority or not args.reason:
        raise UsageError("rounds reopen needs --authority and --reason")
    db = existing_db(args)
    with connect(db) as conn:
        frame = ref.authorities(conn)
    try:
        code = AuthorityIndex(frame).resolve(args.authority)
    except AuthorityLookupError as exc:
        raise UsageError(f"--authority: {exc}") from exc
    name = str(frame.set_index("code").loc[code, "name"])
    done = collection.reopen_for(
        db, CLI_VIEWER, round_id, code, reason=args.reason, actor=args.actor, authority_name=name
    )
    print(done.message)
    return EXIT_OK


def rounds_publish(args: argparse.Namespace) -> int:
    """Publish a round for authority users: refused (exit 1, nothing written) while fewer than
    the threshold of authorities' returns changed since the last publication, unless
    --hold-back (the changed ones then stay at their previously published return)."""
    db = existing_db(args)
    try:
        done = publication.publish(db, args.round_id, actor=args.actor, hold_back=args.hold_back)
    except publication.PublicationRefused as exc:
        err(f"rounds publish: {exc}")
        return EXIT_FAILED
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if done is None:
        print(
            f"Round {args.round_id}: no return changed since the last publication; "
            "nothing was written."
        )
        return EXIT_OK
    print(f"Round {args.round_id} published (publication {done.id}, {done.members} authorities).")
    if done.held_back:
        index = authority_index(db)
        held = ", ".join(f"{index.get(c).name} ({c})" for c in done.held_back)
        print(
            f"Held back at their previously published return ({len(done.held_back)}): {held}. "
            "What authority users see does not change until these are published."
        )
    return EXIT_OK


ACTIONS = {
    "list": rounds_list,
    "create": rounds_create,
    "close": rounds_close,
    "reopen": rounds_reopen,
    "publish": rounds_publish,
}


def cmd_rounds(args: argparse.Namespace) -> int:
    action = ACTIONS[args.action]
    if args.action != "list" and not args.round_id:
        raise UsageError(f"rounds {args.action} needs a round id (YYYY-MM)")
    try:
        return action(args)
    except (collection.RoundRefused, AccessDenied) as exc:
        err(f"rounds {args.action}: {exc}; nothing was written")
        return EXIT_FAILED


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rounds",
        help="collection rounds: list, create, close, reopen for one authority, publish for "
        "authority users",
    )
    db_arg(p)
    p.add_argument("action", choices=list(ACTIONS))
    p.add_argument("round_id", nargs="?", metavar="ID", help="the round, YYYY-MM")
    p.add_argument("--title", help="the round's title (create; default: its id)")
    p.add_argument("--opens", metavar="YYYY-MM-DD", help="opening date (create)")
    p.add_argument("--closes", metavar="YYYY-MM-DD", help="closing date (create)")
    p.add_argument("--authority", help="ONS code, DfE LA number or name (reopen)")
    p.add_argument("--reason", help="why the round is reopened for the authority (reopen)")
    p.add_argument(
        "--hold-back",
        action="store_true",
        help="publish with the authorities whose returns changed since the last publication "
        "held back at their previously published return (publish)",
    )
    actor_arg(p, "who does it (audit log)")
    p.set_defaults(func=cmd_rounds)
