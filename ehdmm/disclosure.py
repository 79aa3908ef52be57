"""Disclosure control for what an authority user sees of its peers.

An authority user benchmarks against peers it must not be able to identify or single out:
- any peer aggregate over fewer than `threshold()` other authorities (default 5) is suppressed;
- in a level-count distribution, a cell holding 1 or 2 other authorities is suppressed, a lone
  suppressed cell gets a complementary one (so it cannot be worked out from the total), and a
  distribution that would still pin every other authority to one level is suppressed whole;
- medians, quartiles, ranks and percentiles need at least `threshold()` others.

The threshold comes from the EHDMM_MIN_PEERS environment variable; unset, empty, invalid or
below the default it is the default, 5. It can be raised, never lowered (and never 0: an
open-source peer tool failed open exactly there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5
SMALL_CELL = (1, 2)
SUPPRESSED = "suppressed"
ENV_THRESHOLD = "EHDMM_MIN_PEERS"


def threshold(value: str | None = None) -> int:
    """The minimum number of other authorities behind any peer aggregate (fails closed)."""
    raw = os.environ.get(ENV_THRESHOLD) if value is None else value
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return number if number >= DEFAULT_THRESHOLD else DEFAULT_THRESHOLD


@dataclass(frozen=True)
class Distribution:
    """A level-count distribution as shown to a viewer: counts per level (None where
    suppressed) over `n` authorities (the viewer's own included when it is in the group)."""

    counts: dict[int, int | None]
    n: int
    suppressed_all: bool = False
    reason: str | None = None

    @property
    def suppressed_levels(self) -> list[int]:
        return [level for level, count in self.counts.items() if count is None]


def protect_distribution(
    counts: Mapping[int, int],
    own_level: int | None,
    *,
    min_others: int | None = None,
) -> Distribution:
    """Apply the rules to the group's counts per level (the viewer's own authority counted at
    `own_level`, or None when it has no level or is not in the group)."""
    limit = threshold() if min_others is None else max(min_others, DEFAULT_THRESHOLD)
    levels = sorted(counts)
    total = sum(counts.values())
    others = {level: counts[level] - (1 if level == own_level else 0) for level in levels}
    if any(v < 0 for v in others.values()):
        raise ValueError("own_level is not counted in counts")
    n_others = sum(others.values())
    if n_others < limit:
        return Distribution(
            dict.fromkeys(levels), total, True, f"fewer than {limit} other authorities"
        )
    hidden = {level for level in levels if others[level] in SMALL_CELL}
    if len(hidden) == 1:
        visible = [lv for lv in levels if lv not in hidden]
        nonzero = [lv for lv in visible if others[lv] > 0]
        pool = nonzero or visible
        hidden.add(min(pool, key=lambda lv: (others[lv], lv)))
    possible = {lv for lv in levels if lv not in hidden and others[lv] > 0}
    if hidden and sum(others[lv] for lv in hidden) > 0:
        possible |= hidden
    if len(possible) < 2:
        return Distribution(
            dict.fromkeys(levels), total, True, "it would show every other authority's level"
        )
    shown = {level: (None if level in hidden else counts[level]) for level in levels}
    reason = "cells of 1 or 2 other authorities" if hidden else None
    return Distribution(shown, total, False, reason)


def enough_others(n_group: int, own_in_group: bool, *, min_others: int | None = None) -> bool:
    """True when a median, quartile, rank or percentile over the group may be shown."""
    limit = threshold() if min_others is None else max(min_others, DEFAULT_THRESHOLD)
    return n_group - (1 if own_in_group else 0) >= limit
