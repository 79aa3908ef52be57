"""What a page (or a report) is about: one frozen value, the key of every built view."""

from __future__ import annotations

from dataclasses import dataclass

from ehdmm.scoring import Rule
from ehdmm.viewer import Viewer

Token = tuple[float, int]


@dataclass(frozen=True)
class Scope:
    """The database (path and last-write token: a write makes a new scope), who is asking,
    and the sidebar's choice: authority (ONS code), round, peer group key and scoring rule."""

    db: str
    token: Token
    viewer: Viewer
    authority: str
    round_id: str | None
    peers: str
    rule: Rule
