"""ehdmm.disclosure: suppression that fails closed, the cell-key table and its published rule,
and no level of one authority recoverable by differencing two tables."""

from __future__ import annotations

import oracle
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


def keys_of(counts: dict[int, int], seed: int = 0) -> dict[int, int]:
    """Cell keys for a distribution (any numbers 0-255: the tests cover every key)."""
    return {lv: (seed * 37 + lv * 101) % 256 for lv in counts}


def test_threshold_can_be_raised(monkeypatch):
    monkeypatch.setenv(disclosure.ENV_THRESHOLD, "8")
    assert disclosure.threshold() == 8
    counts = {1: 2, 2: 2, 3: 2, 4: 1}  # 6 others
    assert protect_distribution(counts, 4, keys_of(counts)).suppressed_all


def test_small_group_is_suppressed_whole():
    counts = {1: 1, 2: 2, 3: 1, 4: 0}  # 3 others
    dist = protect_distribution(counts, 2, keys_of(counts))
    assert dist.suppressed_all and all(v is None for v in dist.counts.values())
    assert "fewer than 5" in dist.reason


@pytest.mark.parametrize("count", range(0, 40))
def test_the_table_follows_the_published_rule(count):
    published = {disclosure.perturb(count, key) for key in range(256)}
    if count == 0:
        assert published == {0}  # zeros stay zero
    elif count in (1, 2):
        assert published == {0, 3}  # never 1 or 2
    else:
        assert published <= {count - 1, count, count + 1} | {3}
        assert not published & {1, 2} and min(published) >= 3
    for shown in published:  # the rule as the README publishes it holds for every key
        assert count in disclosure.possible_counts(shown)


def test_the_same_cell_always_gets_the_same_value():
    assert [disclosure.perturb(17, 99) for _ in range(3)] == [disclosure.perturb(17, 99)] * 3
    assert disclosure.cell_key([200, 100, 7]) == (307 % 256)
    assert disclosure.cell_key([]) == 0


def test_counts_are_perturbed_with_their_cell_keys():
    counts = {1: 3, 2: 5, 3: 4, 4: 3}
    keys = keys_of(counts)
    dist = protect_distribution(counts, 2, keys)
    assert not dist.suppressed_all and dist.n == 15
    assert dist.counts == {lv: disclosure.perturb(c, keys[lv]) for lv, c in counts.items()}


def test_counts_that_the_group_size_would_pin_are_suppressed_whole():
    counts = {1: 2, 2: 2, 3: 2, 4: 2}  # all four published 0 (at most 2 each) with n = 8
    keys = {lv: next(k for k in range(256) if disclosure.perturb(2, k) == 0) for lv in counts}
    dist = protect_distribution(counts, 1, keys)
    assert dist.suppressed_all and "exactly" in dist.reason


def test_median_needs_enough_others():
    assert not disclosure.enough_others(5, own_in_group=True)  # 4 others
    assert disclosure.enough_others(6, own_in_group=True)
    assert disclosure.enough_others(5, own_in_group=False)
    assert not disclosure.enough_others(10, True, min_others=disclosure.QUARTILE_OTHERS)
    assert disclosure.enough_others(11, True, min_others=disclosure.QUARTILE_OTHERS)


def test_quartiles_are_rounded_to_one_decimal_place():
    assert disclosure.quartile_value(2.125) == 2.1 and disclosure.quartile_value(3.875) == 3.9


def shown_of(counts: dict[int, int], own: int | None, keys: dict[int, int]):
    dist = protect_distribution(counts, own, keys)
    return dist.counts, dist.n


@settings(max_examples=400, deadline=None)
@given(
    others=st.fixed_dictionaries({lv: st.integers(0, 30) for lv in LEVELS}),
    own=st.sampled_from([None, *LEVELS]),
    added=st.sampled_from(LEVELS),
    keys=st.fixed_dictionaries({lv: st.integers(0, 255) for lv in LEVELS}),
    added_key=st.integers(0, 255),
)
def test_one_authority_more_never_gives_its_level(others, own, added, keys, added_key):
    """Two published distributions of groups that differ by one authority (random group,
    random member added, random keys): for the added authority, every consistent reading of
    the two tables leaves at least two levels possible."""
    before = {lv: others[lv] + (1 if lv == own else 0) for lv in LEVELS}
    after = {lv: before[lv] + (1 if lv == added else 0) for lv in LEVELS}
    after_keys = {lv: (keys[lv] + (added_key if lv == added else 0)) % 256 for lv in LEVELS}
    shown_before, n_before = shown_of(before, own, keys)
    shown_after, n_after = shown_of(after, own, after_keys)
    assert added in oracle.consistent_levels(shown_before, shown_after, n_before, n_after)
    assert len(oracle.consistent_levels(shown_before, shown_after, n_before, n_after)) >= 2
