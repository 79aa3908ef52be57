"""Moderation: the national team raises a query on a submitted rating (dimension, question,
optionally a suggested level); the authority answers it (and may have submitted a revised
return, which the answer records); the national team resolves it. A query never changes a
level: benchmarks keep using the authority's own submitted levels. Each query is open,
answered or resolved; every action is audited with the authority's name beside its code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ehdmm.access import AccessDenied
from ehdmm.model import load_model
from ehdmm.storage import access as access_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import queries as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
TEXT_MAX = 4000
STATES = ("open", "answered", "resolved")


class QueryRefused(ValueError):
    """A query action that cannot be done; nothing was written."""


@dataclass(frozen=True)
class QueryDone:
    query_id: int
    message: str


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise QueryRefused(f"the {what} is empty")
    if len(text) > TEXT_MAX:
        raise QueryRefused(f"the {what} is longer than {TEXT_MAX} characters")
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in text):
        raise QueryRefused(f"the {what} holds control characters")
    return text


def _dimension_name(dimension_id: str) -> str:
    names = {d.id: d.name for d in load_model().dimensions}
    if dimension_id not in names:
        raise QueryRefused(f"there is no dimension '{dimension_id}'")
    return names[dimension_id]


def raise_query(
    db: Db,
    viewer: Viewer,
    *,
    authority_code: str,
    round_id: str,
    dimension_id: str,
    question: str,
    suggested_level: int | None = None,
    actor: str,
) -> QueryDone:
    """Raise a query on the authority's current submitted rating of the dimension (national
    team only)."""
    if not viewer.sees_all:
        raise AccessDenied("Only the national team raises queries.")
    question = _text(question, "question")
    dimension = _dimension_name(dimension_id)
    if suggested_level is not None and suggested_level not in (1, 2, 3, 4):
        raise QueryRefused("a suggested level is 1 to 4")

    def work(conn):
        rating = store.current_rating(conn, authority_code, round_id, dimension_id)
        if rating is None or rating[1] is None:
            raise QueryRefused(
                f"{authority_code} has no submitted rating of {dimension} in round {round_id}"
            )
        now = datetime.now()
        query_id = store.insert_query(
            conn,
            round_id=round_id,
            authority_code=authority_code,
            dimension_id=dimension_id,
            submission_id=int(rating[0]),
            question=question,
            suggested_level=suggested_level,
            actor=actor,
            now=now,
        )
        name = _name(conn, viewer, query_id)
        what = f"raised on {authority_code} ({name}), {round_id}, {dimension}"
        return _done(conn, actor, "query.raise", query_id, what)

    return write_with_retry(db, work)


def _done(conn, actor: str, action: str, query_id: int, what: str) -> QueryDone:
    """Audit the action (the log names the query by its number: it is the record) and say what
    was done in words for the person who did it (no internal number)."""
    access_store.append_audit(conn, actor, action, f"query {query_id} {what}")
    return QueryDone(query_id, f"Query {what}.")


def _name(conn, viewer: Viewer, query_id: int) -> str:
    found = store.query(conn, viewer, query_id)
    return str(found["authority_name"]) if found else ""


def _found(conn, viewer: Viewer, query_id: int) -> dict:
    found = store.query(conn, viewer, query_id)
    if found is None:  # unknown, or another authority's: the same answer
        raise QueryRefused("there is no such query for you")
    return found


def answer_query(db: Db, viewer: Viewer, query_id: int, answer: str, *, actor: str) -> QueryDone:
    """The authority answers its own open query; a submission made since the query was raised
    is recorded as the revised submission."""
    answer = _text(answer, "answer")

    def work(conn):
        found = _found(conn, viewer, query_id)
        if not viewer.can_see(found["authority_code"]):
            raise AccessDenied("You may answer your own authority's queries only.")
        if found["state"] != "open":
            raise QueryRefused(f"the query is {found['state']} already")
        current = store.current_submission_id(conn, found["authority_code"], found["round_id"])
        revised = current if current is not None and current != found["submission_id"] else None
        store.set_answer(conn, query_id, answer, revised, actor, datetime.now())
        what = f"answered for {found['authority_code']} ({found['authority_name']})" + (
            " with a revised submission" if revised else ""
        )
        return _done(conn, actor, "query.answer", query_id, what)

    return write_with_retry(db, work)


def resolve_query(
    db: Db, viewer: Viewer, query_id: int, resolution: str, *, actor: str
) -> QueryDone:
    """The national team resolves an open or answered query, saying how."""
    if not viewer.sees_all:
        raise AccessDenied("Only the national team resolves queries.")
    resolution = _text(resolution, "resolution")

    def work(conn):
        found = _found(conn, viewer, query_id)
        if found["state"] == "resolved":
            raise QueryRefused("the query is resolved already")
        store.set_resolution(conn, query_id, resolution, actor, datetime.now())
        what = f"resolved for {found['authority_code']} ({found['authority_name']})"
        return _done(conn, actor, "query.resolve", query_id, what)

    return write_with_retry(db, work)


def round_queries(db: Db, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The round's queries the viewer may see (an authority viewer: its own only)."""
    with connect(db) as conn:
        return store.queries(conn, viewer, round_id)


def open_flags(db: Db, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """Ratings with an unresolved query (national views flag them); national team only."""
    if not viewer.sees_all:
        raise AccessDenied("Only the national team sees every query.")
    with connect(db) as conn:
        return store.open_flags(conn, round_id)


def queries_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The queries for people: names and dates, never internal ids beyond the query number."""
    model = load_model()
    dims = {d.id: d.name for d in model.dimensions}
    levels = model.level_names

    def level(value: object) -> str:
        return "" if value is None or pd.isna(value) else levels[int(value)]

    return pd.DataFrame(
        {
            "Query": frame["id"].astype(int),
            "Authority": frame["authority_name"].astype(object),
            "Dimension": [dims.get(d, d) for d in frame["dimension_id"]],
            "State": frame["state"].astype(object),
            "Question": frame["question"].astype(object),
            "Suggested level": [level(v) for v in frame["suggested_level"]],
            "Raised": frame["raised_at"],
            "Answer": frame["answer"].astype(object).fillna(""),
            "Revised return": [
                "yes" if pd.notna(v) else "" for v in frame["revised_submission_id"]
            ],
            "Resolution": frame["resolution"].astype(object).fillna(""),
        }
    )
