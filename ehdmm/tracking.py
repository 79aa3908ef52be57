"""Response tracking for a round: every authority's state (not started, draft, submitted
incomplete, submitted complete, reopened), its last change and by whom, respondents' progress
where respondents are in use, counts per state, and the chase list with contacts.

A national viewer sees every authority and who made each change; an authority viewer sees its
own authority only, and a role in place of a person."""

from __future__ import annotations

import os

import pandas as pd

from ehdmm import responses
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import rounds as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None

STATES: tuple[str, ...] = (
    "not started",
    "draft",
    "submitted incomplete",
    "submitted complete",
    "reopened",
)
CHASED: tuple[str, ...] = ("not started", "draft", "submitted incomplete", "reopened")
"""The states the chase list holds: every authority whose complete return is still due."""

COLUMNS = ["Authority", "ONS code", "Region", "Type", "State", "Last change", "By"]


def _state(row, dimensions: int) -> str:
    submitted = pd.notna(row.submitted_at)
    if pd.notna(row.reopened_at) and (not submitted or row.submitted_at < row.reopened_at):
        return "reopened"
    if submitted:
        return "submitted complete" if row.rated >= dimensions else "submitted incomplete"
    return "draft" if pd.notna(row.draft_at) else "not started"


def _role(actor: object, roles: dict[str, str]) -> str:
    """A person's role, for a viewer who is not national."""
    if not isinstance(actor, str) or not actor:
        return ""
    if actor.startswith("cli:") or actor == "cli":
        return "national team (command line)"
    role = roles.get(actor.lower())
    return {"national": "national team", "authority": "authority user"}.get(role, "a user")


def _last(row) -> tuple[object, object]:
    """The latest of the submission, the draft and the reopening: (when, by whom)."""
    moments = [
        (row.submitted_at, row.submitted_by),
        (row.draft_at, row.draft_by),
        (row.reopened_at, row.reopened_by),
    ]
    found = [(at, by) for at, by in moments if pd.notna(at)]
    return max(found, key=lambda m: m[0]) if found else (pd.NaT, "")


def tracking_table(
    rows: pd.DataFrame,
    *,
    dimensions: int,
    viewer: Viewer,
    roles: dict[str, str],
    progress: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The table for people, ordered by name. `rows` from `ehdmm.storage.rounds.tracking_rows`
    (with `reopened_by`); `progress` (authority_code, invited, submitted) adds a Respondents
    column where respondents are in use."""
    rows = rows[[viewer.can_see(c) for c in rows["authority_code"]]]
    last = [_last(r) for r in rows.itertuples(index=False)]
    by = [b for _, b in last]
    if not viewer.sees_all:
        by = [_role(b, roles) for b in by]
    table = pd.DataFrame(
        {
            "Authority": rows["name"].astype(object),
            "ONS code": rows["authority_code"].astype(object),
            "Region": rows["region"].astype(object),
            "Type": rows["la_type"].astype(object),
            "State": [_state(r, dimensions) for r in rows.itertuples(index=False)],
            "Last change": pd.to_datetime([at for at, _ in last]),
            "By": [b if isinstance(b, str) else "" for b in by],
        },
        columns=COLUMNS,
    )
    if progress is not None and not progress.empty:
        found = progress.set_index("authority_code")
        table["Respondents"] = [
            f"{int(found.loc[c, 'submitted'])} of {int(found.loc[c, 'invited'])} submitted"
            if c in found.index
            else ""
            for c in table["ONS code"]
        ]
    return table.reset_index(drop=True)


def counts(table: pd.DataFrame) -> dict[str, int]:
    """How many authorities are in each state (every state, 0 included)."""
    found = table["State"].value_counts()
    return {state: int(found.get(state, 0)) for state in STATES}


def filtered(
    table: pd.DataFrame, regions: tuple[str, ...] = (), types: tuple[str, ...] = ()
) -> pd.DataFrame:
    keep = pd.Series(True, index=table.index)
    if regions:
        keep &= table["Region"].isin(regions)
    if types:
        keep &= table["Type"].isin(types)
    return table[keep].reset_index(drop=True)


def chase_list(table: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """The authorities still to chase, with their users' emails from the users table."""
    emails = dict(zip(contacts["authority_code"], contacts["contacts"], strict=True))
    chase = table[table["State"].isin(CHASED)].copy()
    chase["Contacts"] = [emails.get(c, "") for c in chase["ONS code"]]
    return chase.reset_index(drop=True)


def _progress(db: Db, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """Respondents' progress in the round (`ehdmm.responses.respondents_progress`)."""
    frame = responses.respondents_progress(db, viewer)
    return frame[frame["round_id"] == round_id]


def read(db: Db, viewer: Viewer, round_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The round's tracking table (what the viewer may see) and the contacts (national
    viewers only; empty for others)."""
    with connect(db) as conn:
        rows = store.tracking_rows(conn, round_id)
        roles = store.user_roles(conn)
        contacts = (
            store.contacts(conn)
            if viewer.sees_all
            else pd.DataFrame(columns=["authority_code", "contacts"])
        )
    table = tracking_table(
        rows,
        dimensions=len(load_model().dimensions),
        viewer=viewer,
        roles=roles,
        progress=_progress(db, viewer, round_id),
    )
    return table, contacts
