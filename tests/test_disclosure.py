"""ehdmm.disclosure: suppression that fails closed, and no single peer's level recoverable."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm import disclosure
from ehdmm.disclosure import protect_distribution

LEVELS = (1, 2, 3, 4)


@pytest.mark.parametrize("raw", [None, "", " ", "0", "-3", "abc", "4", "2.5", "1e9x"])
def test_threshold_fails_closed(raw, monkeypatch):
    if raw is None:
        monkeypatch.delenv(disclosure.ENV_THRESHOLD, raising=False)
    else:
        monkeypatch.setenv(disclosure.ENV_THRESHOLD, raw)
    assert disclosure.threshold() == 5


def test_threshold_can_be_raised(monkeypatch):
    monkeypatch.setenv(disclosure.ENV_THRESHOLD, "8")
    assert disclosure.threshold() == 8
    counts = {1: 2, 2: 2, 3: 2, 4: 1}  # 6 others
    assert protect_distribution(counts, 4).suppressed_all


def test_small_group_is_suppressed_whole():
    dist = protect_distribution({1: 1, 2: 2, 3: 1, 4: 0}, 2)  # 3 others
    assert dist.suppressed_all and all(v is None for v in dist.counts.values())
    assert "fewer than 5" in dist.reason


def test_cells_of_one_or_two_are_suppressed_with_a_complement():
    dist = protect_distribution({1: 0, 2: 6, 3: 7, 4: 1}, 3)  # others 0, 6, 6, 1
    assert dist.counts[4] is None
    assert dist.counts[2] is None or dist.counts[3] is None  # complementary cell
    assert len(dist.suppressed_levels) == 2
    assert dist.n == 14


def test_everyone_else_at_one_level_is_suppressed_whole():
    dist = protect_distribution({1: 0, 2: 9, 3: 1, 4: 0}, 3)  # all 9 others at level 2
    assert dist.suppressed_all and "every other authority" in dist.reason


def test_a_safe_distribution_is_shown_as_is():
    counts = {1: 3, 2: 5, 3: 4, 4: 3}
    dist = protect_distribution(counts, 2)
    assert dist.counts == counts and not dist.suppressed_all


def test_median_needs_enough_others():
    assert not disclosure.enough_others(5, own_in_group=True)  # 4 others
    assert disclosure.enough_others(6, own_in_group=True)
    assert disclosure.enough_others(5, own_in_group=False)


def consistent_supports(shown: dict, own: int | None, n: int) -> set[int]:
    """Every level some other authority could hold, over all count vectors consistent with
    the published output (brute force)."""
    known = {lv: c - (1 if lv == own else 0) for lv, c in shown.items() if c is not None}
    hidden = [lv for lv, c in shown.items() if c is None]
    n_others = n - (1 if own is not None else 0)
    rest = n_others - sum(known.values())
    support = {lv for lv, c in known.items() if c > 0}
    for combo in itertools.product(range(rest + 1), repeat=len(hidden)):
        if sum(combo) == rest:
            support |= {lv for lv, c in zip(hidden, combo, strict=True) if c > 0}
    return support


@settings(max_examples=300, deadline=None)
@given(
    others=st.fixed_dictionaries({lv: st.integers(0, 12) for lv in LEVELS}),
    own=st.sampled_from([None, *LEVELS]),
)
def test_no_output_pins_any_peer_to_one_level(others, own):
    counts = {lv: others[lv] + (1 if lv == own else 0) for lv in LEVELS}
    dist = protect_distribution(counts, own)
    n_others = sum(others.values())
    if dist.suppressed_all:
        assert all(v is None for v in dist.counts.values())
        return
    assert n_others >= 5
    # no visible cell holds 1 or 2 other authorities
    for lv, shown in dist.counts.items():
        if shown is not None:
            assert shown - (1 if lv == own else 0) not in (1, 2)
    # never exactly one hidden cell
    assert len(dist.suppressed_levels) != 1
    # whatever the viewer works out, every other authority could be at two or more levels
    assert len(consistent_supports(dist.counts, own, dist.n)) >= 2
