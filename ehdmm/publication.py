"""Publishing a round: the frozen snapshot authority users' peer aggregates come from.

A publication records, for every authority, the submission that was current when the national
team published the round. Authority users see a round's peer aggregates only from its latest
publication (`ehdmm.analysis.aggregates`), so a return that arrives or changes later moves
nothing they can see until the round is published again, and a round is published again only
when at least `disclosure.threshold()` (5) authorities' current submissions differ from the
last publication's: a single return's effect can then never be seen on its own. With
`hold_back`, the changed authorities stay at their previously published submission (an
authority without one stays out) and the rest is published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ehdmm import disclosure
from ehdmm.storage import access as audit_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import publications as store
from ehdmm.storage import reference as ref

Db = str | os.PathLike[str] | None


class PublicationRefused(ValueError):
    """Publishing would let a single return's effect be seen (nothing was written)."""


@dataclass(frozen=True)
class PublicationPlan:
    """What publishing a round now would do: the current submissions, the latest
    publication's (None: never published), which authorities differ and the threshold."""

    round_id: str
    current: dict[str, int]
    previous: dict[str, int] | None
    previous_id: int | None
    changed: tuple[str, ...]
    threshold: int

    @property
    def first(self) -> bool:
        return self.previous is None

    @property
    def allowed(self) -> bool:
        """True when the round may be published as it is now."""
        return self.first or len(self.changed) >= self.threshold

    @property
    def nothing_changed(self) -> bool:
        return not self.first and not self.changed

    def members(self, hold_back: bool = False) -> dict[str, int]:
        """{authority: submission} the publication would record: the current ones, or with
        `hold_back` the changed authorities at their previously published submission."""
        if not hold_back or self.previous is None:
            return dict(self.current)
        out = {code: sid for code, sid in self.current.items() if code not in self.changed}
        out.update({c: self.previous[c] for c in self.changed if c in self.previous})
        return out

    def refusal(self) -> str:
        """Why publishing now is refused (for a plan that is not `allowed`)."""
        count = len(self.changed)
        whose = (
            "1 authority's current return differs"
            if count == 1
            else (f"{count} authorities' current returns differ")
        )
        return (
            f"Round {self.round_id}: {whose} from the last publication; re-publishing needs at "
            f"least {self.threshold}, so that no single return's effect can be seen. Nothing "
            "was written (publish with the changed authorities held back, or wait for more "
            "returns)."
        )


def plan(db: Db, round_id: str) -> PublicationPlan:
    """What publishing `round_id` now would do (`ValueError` for an unknown round or one
    without any current submission)."""
    with connect(db) as conn:
        return _plan(conn, round_id)


def _plan(conn, round_id: str) -> PublicationPlan:
    if not ref.round_exists(conn, round_id):
        raise ValueError(f"unknown round '{round_id}'")
    current = store.current_submissions(conn, round_id)
    if not current:
        raise ValueError(f"round {round_id} has no submitted returns to publish")
    previous_id = store.latest_publication_id(conn, round_id)
    previous = None if previous_id is None else store.publication_members(conn, previous_id)
    changed: tuple[str, ...] = ()
    if previous is not None:
        codes = set(current) | set(previous)
        changed = tuple(sorted(c for c in codes if current.get(c) != previous.get(c)))
    return PublicationPlan(
        round_id, current, previous, previous_id, changed, disclosure.threshold()
    )


@dataclass(frozen=True)
class Published:
    """A publication made: its id, round, members, and the authorities held back."""

    id: int
    round_id: str
    members: int
    changed: tuple[str, ...]
    held_back: tuple[str, ...]


def publish(db: Db, round_id: str, *, actor: str, hold_back: bool = False) -> Published | None:
    """Publish the round (audited). None when nothing changed since the last publication
    (nothing written); `PublicationRefused` when fewer than the threshold changed and not
    `hold_back` (nothing written)."""

    def work(conn):
        found = _plan(conn, round_id)
        if found.nothing_changed:
            return None
        if not found.allowed and not hold_back:
            raise PublicationRefused(found.refusal())
        held = () if found.allowed else found.changed
        members = found.members(hold_back=bool(held))
        rounds = ref.rounds(conn)
        synthetic = bool(rounds.loc[rounds["id"] == round_id, "synthetic"].any())
        pub_id = store.add_publication(
            conn, round_id, members, actor=actor, held_back=len(held), synthetic=synthetic
        )
        detail = (
            f"round {round_id}: publication {pub_id}, {len(members)} authorities"
            + ("" if found.first else f", {len(found.changed)} changed since the last")
            + (f", held back: {', '.join(held)}" if held else "")
        )
        audit_store.append_audit(conn, actor, "round.publish", detail)
        return Published(pub_id, round_id, len(members), found.changed, held)

    return write_with_retry(db, work)
