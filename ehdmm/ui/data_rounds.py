"""The Rounds, Tracking and Queries pages' data and actions: views kept per database state,
and each action's outcome as (kind, message) for the page to show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ehdmm import collection, tracking
from ehdmm.access import AccessDenied
from ehdmm.storage import DatabaseBusy, StoreError
from ehdmm.ui.cache import cached
from ehdmm.viewer import Viewer
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


def act(action: Callable[[], collection.RoundDone]) -> Outcome:
    """Run a round action: its sentence, or why nothing was written."""
    try:
        done = action()
    except (collection.RoundRefused, AccessDenied) as exc:
        return "error", f"Nothing was written: {exc}."
    except (DatabaseBusy, StoreError) as exc:
        return "error", f"Nothing was written: {exc}"
    return "success", done.message[0].upper() + done.message[1:] + "."


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


def round_choices(db: str, token: Token) -> list[str]:
    """Every round, newest first (a round with no submission yet is tracked too)."""
    return list(reversed(list(collection.rounds_table(db)["round_id"])))
