"""Running a round: the national team creates, opens and closes rounds and reopens a closed
round for one authority (with a reason); a submission to a round that is not open for the
authority is refused with a message saying who can reopen it. Every action is audited."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ehdmm.access import AccessDenied
from ehdmm.rounds import dates_problem, round_problem, round_state
from ehdmm.storage import access as access_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import rounds as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None

LIST_COLUMNS = ["round_id", "title", "opens", "closes", "state"]
TITLE_MAX = 200
REASON_MAX = 2000


class RoundRefused(ValueError):
    """A round action that cannot be done (bad id, dates, duplicate, unknown round...):
    nothing was written."""


@dataclass(frozen=True)
class RoundDone:
    """What an action did, in a sentence (also what the audit log says)."""

    message: str


def _require_national(viewer: Viewer) -> None:
    if not viewer.sees_all:
        raise AccessDenied("Only the national team manages rounds.")


def rounds_table(db: Db, today: date | None = None) -> pd.DataFrame:
    """Every round with its state: round_id, title, opens, closes, state (oldest first)."""
    with connect(db) as conn:
        frame = store.rounds(conn)
    return _with_state(frame, today)


def _with_state(frame: pd.DataFrame, today: date | None) -> pd.DataFrame:
    states = [
        round_state(
            row.status if isinstance(row.status, str) else None,
            _day(row.opens),
            _day(row.closes),
            bool(row.later_exists),
            today,
        )
        for row in frame.itertuples(index=False)
    ]
    return pd.DataFrame(
        {
            "round_id": frame["id"].astype(object),
            "title": frame["label"].astype(object),
            "opens": [_day(v) for v in frame["opens"]],
            "closes": [_day(v) for v in frame["closes"]],
            "state": states,
        },
        columns=LIST_COLUMNS,
    )


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else None


def state_of(conn, round_id: str, today: date | None = None) -> str | None:
    """The round's state (None: no such round), in the caller's connection."""
    row = store.round_row(conn, round_id)
    if row is None:
        return None
    _, _, opens, closes, status, later = row
    return round_state(status, _day(opens), _day(closes), bool(later), today)


def state_of_round(db: Db, round_id: str, today: date | None = None) -> str | None:
    """The round's state (None: no such round)."""
    with connect(db) as conn:
        return state_of(conn, round_id, today)


def closed_refusal(conn, round_id: str, authority_code: str, name: str | None = None) -> str | None:
    """Why a submission for the authority in the round is refused (None: it may submit): the
    round is planned or closed and not reopened for the authority."""
    state = state_of(conn, round_id)
    if state in (None, "open") or store.is_reopened(conn, round_id, authority_code):
        return None
    return refusal_text(state, round_id, authority_code, name)


def closed_rounds(conn, round_ids: set[str]) -> dict[str, tuple[str, set[str]]]:
    """Of these rounds, those not open: round -> (state, the authorities it is reopened for).
    Two reads a round, whatever the number of returns."""
    out = {}
    for round_id in sorted(round_ids):
        state = state_of(conn, round_id)
        if state not in (None, "open"):
            reopened = set(store.active_reopenings(conn, round_id)["authority_code"])
            out[round_id] = (state, reopened)
    return out


def refusal_text(state: str, round_id: str, authority_code: str, name: str | None) -> str:
    """The message refusing a submission for a planned or closed round."""
    who = f"{name} ({authority_code})" if name else authority_code
    if state == "planned":
        return (
            f"Round {round_id} is not open yet: submissions for {who} are refused until the "
            "national team opens it (Rounds page)."
        )
    return (
        f"Round {round_id} is closed: a submission for {who} is refused. The national team can "
        f"reopen the round for this authority (Rounds page, or `python -m ehdmm rounds reopen "
        f"{round_id} --authority {authority_code} --reason TEXT`)."
    )


def _text(value: str | None, what: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise RoundRefused(f"the {what} is longer than {limit} characters")
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in text):
        raise RoundRefused(f"the {what} holds control characters")
    return text


def create_round(
    db: Db,
    viewer: Viewer,
    round_id: str,
    *,
    opens: date | None,
    closes: date | None,
    title: str | None = None,
    actor: str,
) -> RoundDone:
    """Create a round with its dates; RoundRefused (nothing written) for a bad id, dates that
    do not fit, or a round that exists."""
    _require_national(viewer)
    problem = round_problem(round_id) or dates_problem(opens, closes)
    if problem:
        raise RoundRefused(problem)
    label = _text(title, "title", TITLE_MAX) or round_id

    def work(conn):
        if store.round_row(conn, round_id) is not None:
            raise RoundRefused(f"round {round_id} exists already")
        store.insert_round(conn, round_id, label, opens, closes)
        text = f"round {round_id} created ('{label}', opens {opens}, closes {closes})"
        access_store.append_audit(conn, actor, "round.create", text)
        return RoundDone(text)

    return write_with_retry(db, work)


def _existing(conn, round_id: str) -> str:
    state = state_of(conn, round_id)
    if state is None:
        raise RoundRefused(f"there is no round {round_id}")
    return state


def open_round(db: Db, viewer: Viewer, round_id: str, *, actor: str) -> RoundDone:
    """Open the round for every authority, whatever its dates say."""
    _require_national(viewer)

    def work(conn):
        if _existing(conn, round_id) == "open":
            raise RoundRefused(f"round {round_id} is open already")
        store.set_status(conn, round_id, "open")
        text = f"round {round_id} opened"
        access_store.append_audit(conn, actor, "round.open", text)
        return RoundDone(text)

    return write_with_retry(db, work)


def close_round(db: Db, viewer: Viewer, round_id: str, *, actor: str) -> RoundDone:
    """Close the round (ending its reopenings): submissions then need a reopening."""
    _require_national(viewer)

    def work(conn):
        state = _existing(conn, round_id)
        ended = store.end_reopenings(conn, round_id, actor=actor, now=datetime.now())
        if state == "closed" and not ended:
            raise RoundRefused(f"round {round_id} is closed already")
        store.set_status(conn, round_id, "closed")
        text = f"round {round_id} closed" + (f" ({ended} reopening(s) ended)" if ended else "")
        access_store.append_audit(conn, actor, "round.close", text)
        return RoundDone(text)

    return write_with_retry(db, work)


def reopen_for(
    db: Db,
    viewer: Viewer,
    round_id: str,
    authority_code: str,
    *,
    reason: str,
    actor: str,
    authority_name: str,
) -> RoundDone:
    """Reopen a closed round for one authority, with a reason (audited with the authority's
    name); RoundRefused when the round is not closed or the reason is empty."""
    _require_national(viewer)
    reason = _text(reason, "reason", REASON_MAX)
    if not reason:
        raise RoundRefused("a reopening needs a reason")

    def work(conn):
        state = _existing(conn, round_id)
        if state != "closed":
            raise RoundRefused(f"round {round_id} is {state}: only a closed round is reopened")
        if store.is_reopened(conn, round_id, authority_code):
            raise RoundRefused(f"round {round_id} is reopened already for {authority_name}")
        store.add_reopening(
            conn, round_id, authority_code, actor=actor, reason=reason, now=datetime.now()
        )
        text = (
            f"round {round_id} reopened for {authority_code} ({authority_name}); reason: {reason}"
        )
        access_store.append_audit(conn, actor, "round.reopen", text)
        return RoundDone(text)

    return write_with_retry(db, work)


def reopenings(db: Db, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The round's active reopenings (national team only)."""
    _require_national(viewer)
    with connect(db) as conn:
        return store.active_reopenings(conn, round_id)


def all_reopenings(db: Db, viewer: Viewer) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every active reopening (round_id, authority_code, reopened_at, reopened_by, reason)
    and the authorities (code, name); national team only."""
    _require_national(viewer)
    with connect(db) as conn:
        return store.all_active_reopenings(conn), ref.authorities(conn)
