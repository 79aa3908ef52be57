"""Rounds: `rounds publish ID [--hold-back]`. Each action is its own function."""

from __future__ import annotations

import argparse

from ehdmm import publication
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, actor_arg, db_arg, err, existing_db
from ehdmm.peers import authority_index


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


ACTIONS = {"publish": rounds_publish}


def cmd_rounds(args: argparse.Namespace) -> int:
    if not args.round_id:
        raise UsageError(f"rounds {args.action} needs a round id (YYYY-MM)")
    return ACTIONS[args.action](args)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rounds", help="rounds: publish ID for authority users")
    db_arg(p)
    p.add_argument("action", choices=list(ACTIONS))
    p.add_argument("round_id", nargs="?", metavar="ID", help="the round, YYYY-MM")
    p.add_argument(
        "--hold-back",
        action="store_true",
        help="publish with the authorities whose returns changed since the last publication "
        "held back at their previously published return",
    )
    actor_arg(p, "who does it (audit log)")
    p.set_defaults(func=cmd_rounds)
