"""The Publication page's data (national team): per round its latest publication and what
publishing now would do; per custom group whether authority users may choose it. Each is read
once per database state (`token`) and shared (`cached`); the national-team check is made on
every call, before the cache."""

from __future__ import annotations

import pandas as pd

from ehdmm import peers, publication
from ehdmm.access import AccessDenied
from ehdmm.storage import connect
from ehdmm.storage import publications as pubs
from ehdmm.storage import reference as ref
from ehdmm.ui.cache import cached
from ehdmm.viewer import Viewer
from ehdmm.views.scope import Token


def _national(viewer: Viewer) -> None:
    if not viewer.sees_all:
        raise AccessDenied("publishing is for the national team")


@cached(max_entries=32)
def _plan(db: str, token: Token, round_id: str) -> publication.PublicationPlan:
    return publication.plan(db, round_id)


def rounds_table(db: str, token: Token, viewer: Viewer, rounds: tuple[str, ...]) -> pd.DataFrame:
    """One row per round with submissions: its latest publication (when, by whom), how many
    authorities' current returns differ from it, and whether it may be published now."""
    _national(viewer)
    return _rounds_table(db, token, rounds)


@cached(max_entries=16)
def _rounds_table(db: str, token: Token, rounds: tuple[str, ...]) -> pd.DataFrame:
    with connect(db) as conn:
        latest = pubs.latest_publications(conn).set_index("round_id")
    rows = []
    for round_id in reversed(rounds):
        found = _plan(db, token, round_id)
        row = latest.loc[round_id] if round_id in latest.index else None
        rows.append(
            {
                "Round": round_id,
                "Published": "never" if row is None else f"{row['published_at']:%Y-%m-%d %H:%M}",
                "By": "" if row is None else str(row["published_by"]),
                "Authorities published": 0 if row is None else int(row["members"]),
                "Returns changed since": len(found.changed)
                if not found.first
                else len(found.current),
                "Can publish now": "yes" if found.allowed and not found.nothing_changed else "no",
            }
        )
    return pd.DataFrame(rows)


def preview(
    db: str, token: Token, viewer: Viewer, round_id: str
) -> tuple[publication.PublicationPlan, str]:
    """What publishing the round now would do, in one sentence (names of changed authorities
    included: the national team may see them)."""
    _national(viewer)
    return _preview(db, token, round_id)


@cached(max_entries=32)
def _preview(db: str, token: Token, round_id: str) -> tuple[publication.PublicationPlan, str]:
    found = _plan(db, token, round_id)
    if found.first:
        return found, (
            f"Publishing round {round_id} freezes the current returns of "
            f"{len(found.current)} authorities for authority users."
        )
    if found.nothing_changed:
        return found, f"No return of round {round_id} changed since its last publication."
    with connect(db) as conn:
        frame = ref.authorities(conn)
    names = dict(zip(frame["code"], frame["name"], strict=True))
    changed = ", ".join(names.get(c, c) for c in found.changed)
    if found.allowed:
        return found, f"Publishing brings in {len(found.changed)} changed returns: {changed}."
    return found, found.refusal() + f" Changed: {changed}."


def publish(db: str, viewer: Viewer, round_id: str, hold_back: bool) -> str:
    """Publish the round (audited); the message to show."""
    _national(viewer)
    try:
        done = publication.publish(db, round_id, actor=viewer.name, hold_back=hold_back)
    except publication.PublicationRefused as exc:
        return str(exc)
    if done is None:
        return f"No return of round {round_id} changed since its last publication: nothing written."
    held = f" Held back: {len(done.held_back)} authorities." if done.held_back else ""
    return f"Round {round_id} published ({done.members} authorities).{held}"


def groups_table(db: str, token: Token, viewer: Viewer) -> pd.DataFrame:
    """Every custom group: name, members, published or not."""
    _national(viewer)
    return _groups_table(db, token)


@cached(max_entries=16)
def _groups_table(db: str, token: Token) -> pd.DataFrame:
    with connect(db) as conn:
        groups = ref.custom_groups(conn)
        published = set(pubs.published_groups(conn)["group_name"])
    return pd.DataFrame(
        {
            "Group": groups["name"],
            "Members": groups["members"],
            "Published": ["yes" if n in published else "no" for n in groups["name"]],
        }
    )


def set_group(db: str, viewer: Viewer, name: str, published: bool) -> tuple[bool, str]:
    """Publish or unpublish a custom group: (done, the message to show)."""
    _national(viewer)
    if not published:
        done = peers.unpublish_group(db, name, actor=viewer.name)
        return done, "Unpublished." if done else "It was not published."
    try:
        done = peers.publish_group(db, name, actor=viewer.name)
    except peers.GroupRefused as exc:
        return False, str(exc)
    return done, "Published." if done else "It was already published."
