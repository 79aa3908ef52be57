"""Respondents' responses: `responses --round ID [--authority CODE]` prints them as CSV."""

from __future__ import annotations

import argparse
import csv
import sys

from ehdmm import responses
from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.cli.common import EXIT_FAILED, EXIT_OK, UsageError, db_arg, err, existing_db
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER


def cmd_responses(args: argparse.Namespace) -> int:
    """Print every started response of the round (one authority's with --authority) as CSV:
    authority_code, respondent (email, or name for a named entry), role_label, status (draft or
    submitted) and one column per dimension id (empty where unrated)."""
    db = existing_db(args)
    code = None
    if args.authority:
        with connect(db) as conn:
            index = AuthorityIndex(ref.authorities(conn))
        try:
            code = index.resolve(args.authority)
        except AuthorityLookupError as exc:
            raise UsageError(str(exc)) from exc
    try:
        frame = responses.response_levels(db, LOCAL_VIEWER, args.round, code)
    except ValueError as exc:
        err(f"{exc}.")
        return EXIT_FAILED
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(["" if value is None else value for value in row])
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "responses",
        help="respondents' responses of a round as CSV: responses --round ID [--authority CODE]",
    )
    db_arg(p)
    p.add_argument("--round", required=True, metavar="ID", help="the round (YYYY-MM)")
    p.add_argument(
        "--authority",
        metavar="CODE",
        help="one authority only: ONS code, DfE LA number or name",
    )
    p.set_defaults(func=cmd_responses)
