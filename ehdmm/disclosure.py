"""Disclosure control for what an authority user sees of its peers.

An authority user benchmarks against peers it must not be able to identify or single out:
- its peer aggregates come from the round's latest publication (a frozen snapshot the national
  team makes, `ehdmm.publication`), never from live data;
- any peer aggregate over fewer than `threshold()` other authorities (default 5) is suppressed;
- every count is published through the cell-key method (as the ONS did for Census 2021): each
  authority has a secret record key (0-255); a cell's key is the sum of its contributors' keys
  mod 256; the fixed table `perturb` maps (true count, cell key) to the published count, so the
  same cell always gets the same value. Zeros stay zero; 1 and 2 are published as 0 or 3;
  larger counts move by at most 1 (never to 1 or 2). The published rule (`possible_counts`):
  a published 0 means 0, 1 or 2; a published count c > 0 a true count within c-2..c+2 and at
  least 1;
- medians, ranks and percentiles need at least `threshold()` others; quartiles of the maturity
  index need at least `QUARTILE_OTHERS` (10) others and are rounded to one decimal place.

The threshold comes from the EHDMM_MIN_PEERS environment variable; unset, empty, invalid or
below the default it is the default, 5. It can be raised, never lowered (and never 0: an
open-source peer tool failed open exactly there).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5
QUARTILE_OTHERS = 10
SUPPRESSED = "suppressed"
ENV_THRESHOLD = "EHDMM_MIN_PEERS"
KEY_SPACE = 256


def threshold(value: str | None = None) -> int:
    """The minimum number of other authorities behind any peer aggregate (fails closed)."""
    raw = os.environ.get(ENV_THRESHOLD) if value is None else value
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return number if number >= DEFAULT_THRESHOLD else DEFAULT_THRESHOLD


def _table() -> tuple[tuple[int, ...], ...]:
    """The fixed perturbation table: row 0 for a true count of 1, row 1 for 2 (the published
    count, 0 or 3, half the keys each), rows 2 to 9 for larger counts (the move: -1, 0 or +1
    for a quarter, half and a quarter of the keys). Made from a fixed seed: the same table in
    every install and every run (it is not secret; the record keys are)."""
    shuffle = random.Random(20171201).shuffle
    rows = []
    for _ in range(2):
        row = [0] * (KEY_SPACE // 2) + [3] * (KEY_SPACE // 2)
        shuffle(row)
        rows.append(tuple(row))
    for _ in range(8):
        row = [-1] * (KEY_SPACE // 4) + [0] * (KEY_SPACE // 2) + [1] * (KEY_SPACE // 4)
        shuffle(row)
        rows.append(tuple(row))
    return tuple(rows)


TABLE = _table()


def cell_key(record_keys: Iterable[int]) -> int:
    """A cell's key: the sum of its contributors' record keys, mod 256."""
    return sum(record_keys) % KEY_SPACE


def perturb(count: int, key: int) -> int:
    """The published count of a cell with `count` contributors and cell key `key`."""
    if count < 0:
        raise ValueError("a count is never negative")
    if count == 0:
        return 0
    if count < 3:
        return TABLE[count - 1][key % KEY_SPACE]
    row = TABLE[2 + (count - 3) % 8]
    return max(3, count + row[key % KEY_SPACE])


def possible_counts(published: int) -> range:
    """The published rule: the true counts a published count may stand for. A published 0
    means 0, 1 or 2; a published count c > 0 a true count within c-2..c+2 and at least 1.
    (The table moves larger counts by at most 1; the rule says 2, as published.)"""
    if published == 0:
        return range(0, 3)
    if published in (1, 2) or published < 0:
        raise ValueError("1, 2 and negative counts are never published")
    return range(max(1, published - 2), published + 3)


@dataclass(frozen=True)
class Distribution:
    """A level-count distribution as shown to a viewer: published counts per level (None where
    the distribution is suppressed whole) over `n` authorities with a level (the viewer's own
    included when it is in the group)."""

    counts: dict[int, int | None]
    n: int
    suppressed_all: bool = False
    reason: str | None = None


PERTURBED = "counts perturbed by the cell-key method"


def protect_distribution(
    counts: Mapping[int, int],
    own_level: int | None,
    cell_keys: Mapping[int, int],
    *,
    min_others: int | None = None,
) -> Distribution:
    """Apply the rules to the group's counts per level (the viewer's own authority counted at
    `own_level`, or None when it has no level or is not in the group): suppressed whole over
    fewer than the threshold of others, else every count published by `perturb` with its
    cell's key (`cell_keys`, per level); suppressed whole too when the group's size and the
    published counts would give every true count (`pinned_totals`)."""
    limit = threshold() if min_others is None else max(min_others, DEFAULT_THRESHOLD)
    levels = sorted(counts)
    total = sum(counts.values())
    others = {level: counts[level] - (1 if level == own_level else 0) for level in levels}
    if any(v < 0 for v in others.values()):
        raise ValueError("own_level is not counted in counts")
    if sum(others.values()) < limit:
        return Distribution(
            dict.fromkeys(levels), total, True, f"fewer than {limit} other authorities"
        )
    shown = {level: perturb(counts[level], cell_keys.get(level, 0)) for level in levels}
    if total in pinned_totals(shown.values()):
        return Distribution(
            dict.fromkeys(levels), total, True, "its counts could be worked out exactly"
        )
    return Distribution(dict(shown), total, False, PERTURBED)


def pinned_totals(published: Iterable[int]) -> tuple[int, int]:
    """The lowest and highest totals the published counts allow (by the published rule): a
    group whose size is one of them would have every count worked out exactly."""
    ranges = [possible_counts(p) for p in published]
    return sum(r.start for r in ranges), sum(r.stop - 1 for r in ranges)


def enough_others(n_group: int, own_in_group: bool, *, min_others: int | None = None) -> bool:
    """True when a median, rank or percentile over the group may be shown (`min_others`:
    another minimum, never below the threshold)."""
    limit = threshold() if min_others is None else max(min_others, threshold())
    return n_group - (1 if own_in_group else 0) >= limit


def quartile_value(value: float) -> float:
    """A quartile as shown to an authority viewer: rounded to one decimal place."""
    return round(value + 0.0, 1)
