"""Synthetic targets and improvement plans for the demo database: about half the authorities
set targets in the 2024-03 round (one to three dimensions below Mature, one or two levels up,
by 2025-03, 2026-03 or 2027-03) with one or two actions each towards the next level's
statements. Drawn from their own random stream, so the demo's returns stay as they were;
every row is marked synthetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from ehdmm.model import Model
from ehdmm.storage import plans as store

PLAN_SEED_OFFSET = 15
SET_IN_ROUND = "2024-03"
TARGET_ROUNDS = ("2025-03", "2026-03", "2027-03")
SHARE = 0.5
OWNERS = (
    "Head of Early Help",
    "Data and performance lead",
    "Information governance lead",
    "Early help systems manager",
    "Commissioning manager",
    "Whole-family programme coordinator",
)
TITLES = (
    "Agree the approach with the early help board",
    "Map what we hold and where the gaps are",
    "Pilot with two locality teams",
    "Roll out across the service",
    "Review with partners and record what we learnt",
)
_STORED_BY_STORAGE = ("id", "action_id", "synthetic")
TARGET_COLUMNS = [f for f in store.TARGET_FIELDS if f not in _STORED_BY_STORAGE]
ACTION_COLUMNS = [f for f in store.ACTION_FIELDS if f not in _STORED_BY_STORAGE]


def _levels_in(subs: pd.DataFrame, ratings: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Each authority's dimension levels in its last submission of the round."""
    last = subs[subs["round_id"] == round_id].groupby("authority_code")["key"].max()
    rated = ratings[ratings["key"].isin(set(last))]
    by_key = {int(k): str(c) for c, k in last.items()}
    return rated.assign(authority_code=rated["key"].map(by_key))


def _status(rng: np.random.Generator, due: date) -> str:
    if due < date(2026, 4, 1):
        return str(rng.choice(["done", "done", "in progress", "dropped"]))
    return str(rng.choice(["planned", "planned", "in progress"]))


def generate_plans(
    model: Model,
    subs: pd.DataFrame,
    ratings: pd.DataFrame,
    codes: list[str],
    author: str,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(targets, actions) of the demo plans, in `TARGET_COLUMNS` and `ACTION_COLUMNS`."""
    rng = np.random.default_rng(seed + PLAN_SEED_OFFSET)
    levels = _levels_in(subs, ratings, SET_IN_ROUND)
    set_on = datetime(2024, 4, 15, 10)
    targets, actions = [], []
    for code in codes:
        if rng.random() >= SHARE:
            continue
        own = levels[levels["authority_code"] == code]
        below = own[own["level"] < 4].sort_values("dimension_id")
        if below.empty:
            continue
        count = min(len(below), int(rng.integers(1, 4)))
        picks = rng.choice(len(below), size=count, replace=False)
        when = set_on + timedelta(days=int(rng.integers(0, 45)))
        for row in below.iloc[sorted(picks)].itertuples(index=False):
            level = int(row.level)
            target = min(4, level + (2 if rng.random() < 0.25 else 1))
            by = str(rng.choice(TARGET_ROUNDS))
            dim = model.dimension(str(row.dimension_id))
            targets.append((code, dim.id, target, by, SET_IN_ROUND, level, when, author))
            statements = dim.statements[level + 1]
            for i in range(int(rng.integers(1, 3))):
                chosen = rng.choice(len(statements), size=min(2, len(statements)), replace=False)
                due = date(2024, 9, 30) + timedelta(days=int(rng.integers(0, 900)))
                actions.append(
                    (
                        code,
                        dim.id,
                        TITLES[(i + int(rng.integers(0, len(TITLES)))) % len(TITLES)],
                        "\n".join(statements[j] for j in sorted(chosen)),
                        str(rng.choice(OWNERS)),
                        due,
                        _status(rng, due),
                        None,
                        when,
                        author,
                    )
                )
    return (
        pd.DataFrame(targets, columns=TARGET_COLUMNS),
        pd.DataFrame(actions, columns=ACTION_COLUMNS).astype({"note": object}),
    )
