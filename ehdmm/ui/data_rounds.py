"""The Rounds, Tracking and Queries pages' data and actions: views kept per database state,
and each action's outcome as (kind, message) for the page to show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from ehdmm import collection, group_admin, moderation, tracking
from ehdmm.access import AccessDenied
from ehdmm.model import load_model
from ehdmm.storage import DatabaseBusy, StoreError
from ehdmm.ui import data, widgets
from ehdmm.ui.cache import cached
from ehdmm.viewer import Viewer
from ehdmm.views import groups as groups_views
from ehdmm.views import queries as queries_views
from ehdmm.views import rounds as rounds_view
from ehdmm.views import tracking as tracking_views
from ehdmm.views.scope import Token

Outcome = tuple[str, str]  # ("success" | "error", message)


@cached(max_entries=16)
def view(db: str, token: Token, viewer: Viewer) -> rounds_view.RoundsView:
    """The Rounds view; `AccessDenied` for an authority viewer."""
    if not viewer.sees_all:
        raise AccessDenied("Only the national team manages rounds.")
    table = collection.rounds_table(db)
    reopenings, authorities = collection.all_reopenings(db, viewer)
    return rounds_view.build(table, reopenings, authorities)


def refused(exc: Exception) -> str:
    """Why nothing was written, in one sentence (a message that already says so as it is)."""
    text = str(exc).rstrip(".")
    return f"{text}." if "Nothing was" in text else f"Nothing was written: {text}."


def act(action: Callable[[], object]) -> Outcome:
    """Run a round or query action: its sentence, or why nothing was written."""
    try:
        done = action()
    except (collection.RoundRefused, moderation.QueryRefused, AccessDenied) as exc:
        return "error", refused(exc)
    except (DatabaseBusy, StoreError) as exc:
        return "error", f"Nothing was written: {exc}"
    message = done.message
    return "success", message[0].upper() + message[1:] + "."


def create(
    db: str,
    viewer: Viewer,
    round_id: str,
    title: str,
    opens: date | None,
    closes: date | None,
) -> Outcome:
    return act(
        lambda: collection.create_round(
            db,
            viewer,
            round_id.strip(),
            opens=opens,
            closes=closes,
            title=title,
            actor=viewer.name,
        )
    )


def open_round(db: str, viewer: Viewer, round_id: str) -> Outcome:
    return act(lambda: collection.open_round(db, viewer, round_id, actor=viewer.name))


def close_round(db: str, viewer: Viewer, round_id: str) -> Outcome:
    return act(lambda: collection.close_round(db, viewer, round_id, actor=viewer.name))


def reopen(
    db: str, viewer: Viewer, round_id: str, authority_code: str, name: str, reason: str
) -> Outcome:
    return act(
        lambda: collection.reopen_for(
            db,
            viewer,
            round_id,
            authority_code,
            reason=reason,
            actor=viewer.name,
            authority_name=name,
        )
    )


@cached(max_entries=32)
def tracking_view(db: str, token: Token, viewer: Viewer, round_id: str):
    """The Tracking view of a round (an authority viewer: its own authority only)."""
    table, contacts = tracking.read(db, viewer, round_id)
    return tracking_views.build(round_id, table, contacts, viewer.sees_all)


@cached(max_entries=16)
def round_choices(db: str, token: Token) -> list[str]:
    """Every round, newest first (a round with no submission yet is tracked too)."""
    return list(reversed(list(collection.rounds_table(db)["round_id"])))


@cached(max_entries=32)
def queries_view(db: str, token: Token, viewer: Viewer, round_id: str):
    """The Queries view of a round (the national team may raise a query on any authority)."""
    frame = moderation.round_queries(db, viewer, round_id)
    authorities = query_authorities(db, token, viewer)
    choices = {code: f"{name} ({code})" for code, name in authorities} if viewer.sees_all else {}
    return queries_views.build(round_id, frame, choices, load_model(), viewer.sees_all)


def query_authorities(db: str, token: Token, viewer: Viewer) -> tuple[tuple[str, str], ...]:
    """(code, name) of every authority by name, for the national team's query form (empty
    for an authority viewer)."""
    if not viewer.sees_all:
        return ()
    names = data.catalogue(db, token).names
    return tuple(sorted(names.items(), key=lambda item: item[1]))


def raise_query(sel, code: str, dimension: str, question: str, level: int | None) -> Outcome:
    return act(
        lambda: moderation.raise_query(
            sel.db,
            sel.viewer,
            authority_code=code,
            round_id=sel.round_id,
            dimension_id=dimension,
            question=question,
            suggested_level=level,
            actor=sel.viewer.name,
        )
    )


def answer_query(sel, query_id: int, answer: str) -> Outcome:
    return act(
        lambda: moderation.answer_query(sel.db, sel.viewer, query_id, answer, actor=sel.viewer.name)
    )


def resolve_query(sel, query_id: int, resolution: str) -> Outcome:
    return act(
        lambda: moderation.resolve_query(
            sel.db, sel.viewer, query_id, resolution, actor=sel.viewer.name
        )
    )


# -- custom groups ------------------------------------------------------------------------------


@cached(max_entries=16)
def groups_view(db: str, token: Token, viewer: Viewer) -> groups_views.GroupsView:
    """The Groups view (national team: every group and the queue; authority: its proposals).
    An authority user types members (no list of other authorities is offered)."""
    catalogue = data.catalogue(db, token)
    groups = group_admin.groups_table(db, viewer) if viewer.sees_all else None
    notes = {}
    if groups is not None:
        for name, size in zip(groups["name"], groups["members"], strict=True):
            note = group_admin.small_group_note(int(size))
            if note:
                notes[name] = note
    return groups_views.build(
        viewer.sees_all,
        groups,
        group_admin.proposals(db, viewer),
        dict(catalogue.labels) if viewer.sees_all else {},
        dict(catalogue.names) if viewer.sees_all else {},
        notes,
    )


def group_action(action: Callable[[], object]) -> Outcome:
    try:
        return act(action)
    except group_admin.GroupActionRefused as exc:
        return "error", refused(exc)


def save_group(db: str, viewer: Viewer, name: str, new_name: str, members: list[str]) -> Outcome:
    """Members first, then the name (each audited); the first refusal stops."""
    kind, message = group_action(
        lambda: group_admin.set_members(db, viewer, name, members, actor=viewer.name)
    )
    if kind == "error" or new_name.strip() == name:
        return kind, message
    kind2, message2 = group_action(
        lambda: group_admin.rename_group(db, viewer, name, new_name, actor=viewer.name)
    )
    return kind2, f"{message} {message2}"


def create_group(db: str, viewer: Viewer, name: str, members: list[str]) -> Outcome:
    return group_action(
        lambda: group_admin.create_group(db, viewer, name, members, actor=viewer.name)
    )


def publish_group(db: str, viewer: Viewer, name: str) -> Outcome:
    return group_action(lambda: group_admin.publish(db, viewer, name, actor=viewer.name))


def delete_group(db: str, viewer: Viewer, name: str) -> Outcome:
    return group_action(lambda: group_admin.delete_group(db, viewer, name, actor=viewer.name))


def accept_proposal(db: str, viewer: Viewer, proposal_id: int) -> Outcome:
    return group_action(lambda: group_admin.accept(db, viewer, proposal_id, actor=viewer.name))


def decline_proposal(db: str, viewer: Viewer, proposal_id: int, reason: str) -> Outcome:
    return group_action(
        lambda: group_admin.decline(db, viewer, proposal_id, reason, actor=viewer.name)
    )


def propose_group(db: str, viewer: Viewer, name: str, members: str) -> Outcome:
    """`members` as typed, one per line (name, ONS code or DfE number)."""
    return group_action(
        lambda: group_admin.propose(
            db, viewer, name, group_admin.resolve_members(db, members), actor=viewer.name
        )
    )


# -- an action's outcome, shown after the rerun it causes ----------------------------------------


def show_outcome(key: str) -> None:
    """Show (once) the outcome an action kept under `key`, as plain text."""
    flash = st.session_state.pop(key, None)
    if flash:
        getattr(st, flash[0])(widgets.plain(flash[1]))


def finish(key: str, outcome: Outcome) -> None:
    """Keep the outcome for the next run and rerun (the page then shows the new state)."""
    st.session_state[key] = outcome
    st.rerun()
