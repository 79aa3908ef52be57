"""The Rounds view (national team): every round with its state and dates, the rounds each
action applies to, and the active reopenings of each closed round."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

STATE_LABELS = {"planned": "Planned", "open": "Open", "closed": "Closed"}


@dataclass(frozen=True)
class RoundsView:
    table: pd.DataFrame  # Round, Title, Opens, Closes, State: for people
    openable: tuple[str, ...]  # planned or closed rounds
    closable: tuple[str, ...]  # open rounds, and closed ones with reopenings
    closed: tuple[str, ...]
    reopenings: pd.DataFrame  # Round, Authority, Reopened, By, Reason
    authorities: dict[str, str]  # code -> "Name (code)", for the reopening's chooser


def build(rounds: pd.DataFrame, reopenings: pd.DataFrame, authorities: pd.DataFrame) -> RoundsView:
    """`rounds` from `ehdmm.collection.rounds_table`; `reopenings` every active reopening
    (round_id, authority_code, reopened_at, reopened_by, reason); `authorities` code, name."""
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    table = pd.DataFrame(
        {
            "Round": rounds["round_id"],
            "Title": rounds["title"],
            "Opens": rounds["opens"],
            "Closes": rounds["closes"],
            "State": rounds["state"].map(STATE_LABELS),
        }
    ).iloc[::-1]
    reopened_rounds = set(reopenings["round_id"]) if not reopenings.empty else set()
    state = dict(zip(rounds["round_id"], rounds["state"], strict=True))
    shown = pd.DataFrame(
        {
            "Round": reopenings["round_id"],
            "Authority": [f"{names.get(c, c)} ({c})" for c in reopenings["authority_code"]],
            "Reopened": reopenings["reopened_at"],
            "By": reopenings["reopened_by"],
            "Reason": reopenings["reason"],
        }
    )
    newest_first = tuple(reversed(list(state)))
    return RoundsView(
        table=table.reset_index(drop=True),
        openable=tuple(r for r in newest_first if state[r] != "open"),
        closable=tuple(r for r in newest_first if state[r] == "open" or r in reopened_rounds),
        closed=tuple(r for r in newest_first if state[r] == "closed"),
        reopenings=shown,
        authorities={c: f"{n} ({c})" for c, n in sorted(names.items(), key=lambda x: x[1])},
    )
