"""ehdmm.analysis.aggregates: the only way an authority user's pages read other authorities'
data. Unit tests on small hand-made frames (suppression of small groups and small cells, the
threshold from configuration), and `peer_figures` over a round of the demo database (national:
unrestricted and equal to a direct computation; authority: its own peers only, suppressed)."""

from __future__ import annotations

import oracle
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm import disclosure, peers, publication
from ehdmm.access import AccessDenied
from ehdmm.analysis import aggregates, benchmark, core, profile
from ehdmm.analysis.profile import item_tidy
from ehdmm.analysis.rounds import load_round
from ehdmm.importer import import_returns
from ehdmm.model import load_model
from ehdmm.storage import publications as pubs
from ehdmm.storage import write_with_retry
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
ROUND = "2026-03"
OWN = "E06000023"
OTHER = "E08000025"
AUTHORITY = Viewer(role="authority", authority_code=OWN, email="a@bristol.gov.uk")
NATIONAL = Viewer(role="national", email="n@communities.gov.uk")
ITEM = "governance"


@pytest.fixture(autouse=True)
def _default_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(disclosure.ENV_THRESHOLD, raising=False)


def tidy_of(levels: dict[str, int | None], item: str = ITEM) -> pd.DataFrame:
    """Tidy levels of one item: {authority code: level or None}."""
    return pd.DataFrame(
        {
            "authority_code": list(levels),
            "round_id": ROUND,
            "item_id": item,
            "level": pd.array(list(levels.values()), dtype="Int64"),
        }
    )


def strand_dist(levels: dict[str, int | None], members: list[str], own: str = "A"):
    """The raw distribution of the first strand, all other strands without levels."""
    tidy = pd.concat(
        [tidy_of(levels, ITEM)] + [tidy_of(dict.fromkeys(levels), s) for s in MODEL.strand_ids[1:]],
        ignore_index=True,
    )
    dist = benchmark.distribution(tidy, members, own, MODEL, "strand")
    mine = benchmark.own_levels(tidy, own, list(MODEL.strand_ids))
    return dist, mine


def figures(db, viewer, authority, group, round_id=ROUND, rule="gated"):
    """`peer_figures` over the round read now."""
    return aggregates.peer_figures(load_round(db, round_id, rule), viewer, authority, group)


def three(db) -> None:
    """A published custom group of three: Bristol, Wigan and the City of London."""
    peers.save_custom_group(db, "three", [OWN, OTHER, "E09000001"])
    assert peers.publish_group(db, "three", actor="test")


def first_item(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["item_id"] == ITEM].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Distributions


def test_a_national_viewer_gets_the_counts_unchanged():
    levels = {"A": 2, "B": 1, "C": 2, "D": 3}
    dist, own = strand_dist(levels, list(levels))
    out = aggregates.protect_distribution(dist, own, True, restrict=False)
    assert list(first_item(out)["count"]) == [1, 2, 1, 0]
    assert list(first_item(out)["n"]) == [4] * 4 and not out["suppressed"].any()
    assert list(first_item(out)["own"]) == [False, True, False, False]


def test_a_group_of_three_is_suppressed_whole_for_an_authority_viewer():
    levels = {"A": 2, "B": 1, "C": 3}
    dist, own = strand_dist(levels, list(levels))
    out = first_item(aggregates.protect_distribution(dist, own, True, restrict=True))
    assert out["count"].isna().all() and out["n"].isna().all() and out["share"].isna().all()
    assert out["suppressed"].all()
    assert set(out["reason"]) == {"fewer than 5 other authorities"}
    assert list(out["own"]) == [False, True, False, False]  # its own level is still marked
    text = benchmark.distribution_table(out, "A")
    assert set(text["Authorities"]) == {"suppressed"} and set(text["n"]) == {"suppressed"}


def test_an_authority_viewer_gets_counts_perturbed_by_their_cell_keys():
    # others: level 1 x1, level 2 x6, level 3 x6, level 4 x0; own at 3
    levels = {"A": 3, "B": 1, **{f"L2_{i}": 2 for i in range(6)}}
    levels |= {f"L3_{i}": 3 for i in range(6)}
    dist, own = strand_dist(levels, list(levels))
    record = {code: (7 * i + 3) % 256 for i, code in enumerate(levels)}
    tidy = tidy_of(levels)
    keys = aggregates.cell_keys_of(tidy, list(levels), record)
    out = first_item(
        aggregates.protect_distribution(dist, own, True, restrict=True, cell_keys=keys)
    )
    raw = [1, 6, 7, 0]
    for level, count in zip(range(1, 5), raw, strict=True):
        members = [c for c, lv in levels.items() if lv == level]
        key = disclosure.cell_key(record[c] for c in members)
        assert keys.get((ITEM, level), 0) == key
        assert out.loc[level - 1, "count"] == disclosure.perturb(count, key)
    assert out.loc[0, "count"] in (0, 3) and out.loc[3, "count"] == 0  # zeros stay zero
    assert int(out.loc[0, "n"]) == 14 and set(out["reason"]) == {disclosure.PERTURBED}
    assert list(out["share"]) == [100.0 * c / 14 for c in out["count"]]


def test_own_level_is_not_counted_when_the_authority_is_not_a_member():
    levels = {"A": 4, **{f"P{i}": 1 + i % 3 for i in range(9)}}
    members = [c for c in levels if c != "A"]
    dist, own = strand_dist(levels, members)
    out = first_item(aggregates.protect_distribution(dist, own, False, restrict=True))
    assert int(out.loc[0, "n"]) == 9 and out.loc[3, "count"] == 0
    assert list(out["own"]) == [False, False, False, True]


@settings(max_examples=150, deadline=None)
@given(
    others=st.lists(st.integers(min_value=1, max_value=4), min_size=0, max_size=14),
    own=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    seed=st.integers(0, 255),
)
def test_what_an_authority_viewer_sees_follows_the_rules(others, own, seed):
    levels = {"A": own, **{f"P{i}": level for i, level in enumerate(others)}}
    dist, own_levels = strand_dist(levels, list(levels))
    record = {code: (seed + 31 * i) % 256 for i, code in enumerate(levels)}
    keys = aggregates.cell_keys_of(tidy_of(levels), list(levels), record)
    out = first_item(
        aggregates.protect_distribution(dist, own_levels, True, restrict=True, cell_keys=keys)
    )
    if len(others) < 5 or out["suppressed"].any():
        assert out["count"].isna().all() and out["n"].isna().all()
        return
    for level, count in zip(out["level"], out["count"], strict=True):
        true = others.count(level) + (1 if level == own else 0)
        assert count not in (1, 2) and true in disclosure.possible_counts(int(count))
    assert int(out.loc[0, "n"]) == len(others) + (own is not None)


# ---------------------------------------------------------------------------------------------
# Medians, rank, quartiles, group size


def test_medians_need_five_other_authorities_with_a_level():
    levels = {"A": 2, "B": 1, "C": 3, "D": 3, "E": 4, "F": None}
    tidy = tidy_of(levels)
    restricted = aggregates.medians_of(tidy, list(levels), "A", [ITEM], restrict=True)
    assert restricted.loc[0, "suppressed"] and pd.isna(restricted.loc[0, "median"])
    assert pd.isna(restricted.loc[0, "n"])
    national = aggregates.medians_of(tidy, list(levels), "A", [ITEM], restrict=False)
    assert national.loc[0, "median"] == 3.0 and national.loc[0, "n"] == 5
    levels["F"] = 1  # now five others have a level
    shown = aggregates.medians_of(tidy_of(levels), list(levels), "A", [ITEM], restrict=True)
    assert not shown.loc[0, "suppressed"] and shown.loc[0, "median"] == 2.5
    assert shown.loc[0, "n"] == 6


def test_medians_of_a_group_without_the_authority_count_all_its_members():
    levels = {"A": 1, **{f"P{i}": 3 for i in range(5)}}
    members = [c for c in levels if c != "A"]
    out = aggregates.medians_of(tidy_of(levels), members, "A", [ITEM], restrict=True)
    assert out.loc[0, "median"] == 3.0 and out.loc[0, "n"] == 5


def wide_of(index: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "authority_code": list(index),
            "round_id": ROUND,
            "index": pd.array(list(index.values()), dtype="Float64"),
        }
    )


def test_rank_needs_five_others_with_an_index():
    index = {"A": 3.0, "B": 1.0, "C": 2.0, "D": 2.5, "E": 3.5, "F": None}
    wide = wide_of(index)
    assert aggregates.rank_of(wide, "A", list(index), restrict=True) is None
    national = aggregates.rank_of(wide, "A", list(index), restrict=False)
    assert (national.rank, national.n) == (2, 5)
    index["F"] = 4.0
    shown = aggregates.rank_of(wide_of(index), "A", list(index), restrict=True)
    assert (shown.rank, shown.n, shown.percentile) == (3, 6, 60.0)


def test_index_summary_is_quartiles_only_and_suppressed_for_small_groups():
    index = {"A": 2.0, **{f"P{i}": 1.0 + 0.125 * i for i in range(10)}}  # 10 others
    summary = aggregates.index_summary_of(wide_of(index), "A", list(index), restrict=True)
    values = pd.Series(list(index.values()))
    assert (summary.q1, summary.median, summary.q3) == (
        round(values.quantile(0.25), 1),
        round(values.median(), 1),
        round(values.quantile(0.75), 1),
    )
    assert (summary.n, summary.own) == (11, 2.0)
    assert not hasattr(summary, "min") and not hasattr(summary, "max")
    national = aggregates.index_summary_of(wide_of(index), "A", list(index), restrict=False)
    assert national.q1 == values.quantile(0.25)  # exact for the national team
    del index["P9"]  # 9 others: quartiles need 10
    assert aggregates.index_summary_of(wide_of(index), "A", list(index), restrict=True) is None
    assert aggregates.index_summary_of(wide_of(index), "A", list(index), restrict=False)
    assert aggregates.index_summary_of(wide_of({}), "A", [], restrict=False) is None


def test_group_counts_hide_the_number_of_submissions_of_small_groups():
    wide = wide_of({"A": 2.0, "B": 1.0, "C": None})
    small = aggregates.group_counts_of(wide, "A", ["A", "B", "C", "D"], restrict=True)
    assert (small.members, small.in_group, small.submitted) == (4, True, None)
    national = aggregates.group_counts_of(wide, "A", ["A", "B", "C", "D"], restrict=False)
    assert national.submitted == 3


# ---------------------------------------------------------------------------------------------
# The threshold from configuration


@pytest.mark.parametrize("raw", ["", "0", "-1", "abc", "3"])
def test_a_bad_or_lower_threshold_means_five(raw, monkeypatch):
    monkeypatch.setenv(disclosure.ENV_THRESHOLD, raw)
    levels = {"A": 2, "B": 1, "C": 3, "D": 3, "E": 4}  # 4 others
    out = aggregates.medians_of(tidy_of(levels), list(levels), "A", [ITEM], restrict=True)
    assert out.loc[0, "suppressed"] and aggregates.suppressed_note() == (
        "Suppressed: fewer than 5 other authorities"
    )


def test_a_higher_threshold_suppresses_more(demo_db, monkeypatch):
    region = figures(demo_db, AUTHORITY, OWN, "region").medians("peer", "strand")
    assert not region["suppressed"].any()  # 14 others in the South West
    monkeypatch.setenv(disclosure.ENV_THRESHOLD, "20")
    raised = figures(demo_db, AUTHORITY, OWN, "region")
    region = raised.medians("peer", "strand")
    assert region["suppressed"].all() and region["median"].isna().all()
    assert set(region["reason"]) == {"fewer than 20 other authorities"}
    assert raised.rank is None


# ---------------------------------------------------------------------------------------------
# `peer_figures` on the demo database


def test_an_authority_viewer_asks_for_its_own_peers_only(demo_db):
    data = load_round(demo_db, ROUND, "gated")
    names = set(core.authorities(demo_db)["name"])
    for group in ("region", "england", "custom:three"):
        with pytest.raises(AccessDenied) as refused:
            aggregates.peer_figures(data, AUTHORITY, OTHER, group)
        message = str(refused.value)
        assert OTHER not in message and not any(name in message for name in names)


def test_a_national_viewer_gets_what_a_direct_computation_gives(demo_db):
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    dims = core.dimensions(demo_db, LOCAL_VIEWER, ROUND)
    members = oracle.peer_codes(demo_db, LOCAL_VIEWER, OWN, "neighbours")
    got = figures(demo_db, NATIONAL, OWN, "neighbours")
    for items in ("strand", "dimension"):
        tidy = item_tidy(wide, dims, MODEL, items)
        expected = benchmark.distribution(tidy, members, OWN, MODEL, items)
        dist = got.distribution(items)
        assert list(dist["count"]) == list(expected["count"])
        assert list(dist["own"]) == list(expected["own"])
        order = list(dict.fromkeys(expected["item_id"]))
        medians = got.medians("peer", items)
        assert list(medians["median"]) == list(core.medians(tidy, members, order))
    assert got.rank == core.rank_in_group(wide, OWN, members)
    assert got.counts == aggregates.GroupCounts(len(members), True, len(members))


def test_an_authority_viewer_of_a_custom_group_of_three_sees_only_suppression(demo_db):
    three(demo_db)
    got = figures(demo_db, AUTHORITY, OWN, "custom:three")
    dist = got.distribution("dimension")
    assert dist["count"].isna().all() and dist["suppressed"].all()
    assert got.medians("peer", "strand")["median"].isna().all()
    assert got.rank is None and got.index is None
    assert (got.counts.members, got.counts.in_group, got.counts.submitted) == (3, True, None)
    # England is big enough: its medians are shown
    assert got.medians("england", "strand")["median"].notna().all()
    # the national team sees the same group unrestricted
    national = figures(demo_db, NATIONAL, OWN, "custom:three").distribution("strand")
    assert national["count"].notna().all()


def test_profile_comparison_from_aggregates_equals_the_direct_one_for_national(demo_db):
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    dims = core.dimensions(demo_db, LOCAL_VIEWER, ROUND)
    members = oracle.peer_codes(demo_db, LOCAL_VIEWER, OWN, "region")
    tidy = item_tidy(wide, dims, MODEL, "dimension")
    direct = profile.comparison(tidy, OWN, members, MODEL, "dimension")
    got = figures(demo_db, NATIONAL, OWN, "region")
    values = profile.comparison_from(
        tidy,
        OWN,
        got.medians("peer", "dimension"),
        got.medians("england", "dimension"),
        MODEL,
        "dimension",
    )
    pd.testing.assert_frame_equal(values[profile.COMPARISON_COLUMNS], direct, check_dtype=False)
    assert not values["peer_suppressed"].any() and not values["england_suppressed"].any()
    assert profile.median_notes(values, "note") == {"peer": None, "england": None}


def test_profile_tables_say_suppressed_for_an_authority_of_a_small_group(demo_db):
    three(demo_db)
    own = core.levels(demo_db, AUTHORITY, ROUND, "gated")
    tidy = item_tidy(own, None, MODEL, "strand")
    got = figures(demo_db, AUTHORITY, OWN, "custom:three")
    values = profile.comparison_from(
        tidy,
        OWN,
        got.medians("peer", "strand"),
        got.medians("england", "strand"),
        MODEL,
        "strand",
    )
    assert profile.median_notes(values, "note") == {"peer": "note", "england": None}
    table = profile.comparison_table(values, "Bristol", "Custom: three")
    assert set(table["Custom: three median"]) == set(table["Custom: three n"]) == {"suppressed"}
    assert "suppressed" not in set(table["England median"])
    assert "median is suppressed" in profile.comparison_summary(
        values, "Bristol", "Custom: three", "strand"
    )


@pytest.mark.parametrize("viewer", [AUTHORITY, NATIONAL], ids=["authority", "national"])
@pytest.mark.parametrize("group", ["region", "custom:three"])
def test_report_figures_are_the_peer_figures_of_the_round(demo_db, viewer, group):
    three(demo_db)
    got = aggregates.report_figures(demo_db, viewer, OWN, group, ROUND, "gated", MODEL)
    each = figures(demo_db, viewer, OWN, group)
    assert (got.counts, got.england, got.rank, got.index) == (
        each.counts,
        each.england,
        each.rank,
        each.index,
    )
    pd.testing.assert_frame_equal(got.distribution, each.distribution("strand"))
    for key, frame in got.medians.items():
        prefix, items = key.split(":")
        pd.testing.assert_frame_equal(frame, each.medians(prefix, items))
    if viewer is AUTHORITY and group == "custom:three":
        assert got.rank is None and got.index is None and got.counts.submitted is None
    with pytest.raises(AccessDenied):
        aggregates.report_figures(demo_db, AUTHORITY, OTHER, group, ROUND, "gated")


# ---------------------------------------------------------------------------------------------
# The attacks: what an authority user combining pages could work out (through `peer_figures`,
# as the pages call it)

LEEDS = "E08000035"
NO_RETURN = ["E06000022", "E06000031", "E06000041", "E06000045", "E08000013"]  # none in 2026-03


def region_codes(db, region: str) -> list[str]:
    frame = core.authorities(db)
    return sorted(frame.loc[frame["region"] == region, "code"])


def item_tables(dist: pd.DataFrame) -> dict[str, tuple[dict[int, int | None], int | None]]:
    """{item: ({level: published count or None}, n or None)} of a distribution."""
    out = {}
    for item, rows in dist.groupby("item_id", sort=False):
        counts = {
            int(lv): (None if pd.isna(c) else int(c))
            for lv, c in zip(rows["level"], rows["count"], strict=True)
        }
        n = rows["n"].iloc[0]
        out[str(item)] = (counts, None if pd.isna(n) else int(n))
    return out


def test_attack_two_groups_differing_by_one_authority_recovers_no_level(demo_db):
    north_east = region_codes(demo_db, "North East")
    assert len(north_east) == 12
    peers.save_custom_group(demo_db, "North East", north_east)
    peers.save_custom_group(demo_db, "North East and Leeds", [*north_east, LEEDS])
    assert peers.publish_group(demo_db, "North East", actor="test")  # the region itself: 0 apart
    with pytest.raises(peers.GroupRefused, match="by 1 authority"):
        peers.publish_group(demo_db, "North East and Leeds", actor="test")
    with pytest.raises(AccessDenied):  # the second group cannot be chosen, in any loader
        figures(demo_db, AUTHORITY, OWN, "custom:North East and Leeds")
    # The second line: were both published (forced here), the two perturbed tables still leave
    # Leeds at two or more levels on every item.
    write_with_retry(demo_db, lambda c: pubs.set_group_published(c, "North East and Leeds", True))
    without = figures(demo_db, AUTHORITY, OWN, "custom:North East")
    with_leeds = figures(demo_db, AUTHORITY, OWN, "custom:North East and Leeds")
    checked = 0
    for items in ("strand", "dimension"):
        before = item_tables(without.distribution(items))
        after = item_tables(with_leeds.distribution(items))
        for item, (counts, n) in before.items():
            counts_after, n_after = after[item]
            assert n is not None and n_after is not None
            if n_after == n:  # Leeds has no level for this item: nothing to find
                continue
            levels = oracle.consistent_levels(counts, counts_after, n, n_after)
            assert len(levels) >= 2, (item, counts, counts_after, levels)
            checked += 1
    assert checked >= 8


def test_attack_before_and_after_one_first_return_sees_nothing_move(demo_db, import_levels):
    before = figures(demo_db, AUTHORITY, OWN, "england")
    national_before = figures(demo_db, NATIONAL, OWN, "england").counts.submitted
    import_levels(demo_db, NO_RETURN[:1])
    after = figures(demo_db, AUTHORITY, OWN, "england")
    for items in ("strand", "dimension"):
        pd.testing.assert_frame_equal(before.distribution(items), after.distribution(items))
        for group in ("peer", "england"):
            pd.testing.assert_frame_equal(before.medians(group, items), after.medians(group, items))
    assert (before.counts, before.rank, before.index) == (after.counts, after.rank, after.index)
    # the national team sees the new return at once
    assert figures(demo_db, NATIONAL, OWN, "england").counts.submitted == national_before + 1
    # and re-publishing needs five changed returns
    with pytest.raises(publication.PublicationRefused, match="1 authority's"):
        publication.publish(demo_db, ROUND, actor="test")
    import_levels(demo_db, NO_RETURN[1:])
    done = publication.publish(demo_db, ROUND, actor="test")
    assert done is not None and set(done.changed) == set(NO_RETURN)
    moved = figures(demo_db, AUTHORITY, OWN, "england")
    assert moved.counts.submitted == before.counts.submitted + 5


def test_attack_quartiles_of_a_small_group_are_not_shown(demo_db):
    national = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    complete = national[national["index"].notna() & (national["authority_code"] != OWN)]
    five = sorted(complete["authority_code"].head(5))
    peers.save_custom_group(demo_db, "five", [OWN, *five])
    assert peers.publish_group(demo_db, "five", actor="test")
    small = figures(demo_db, AUTHORITY, OWN, "custom:five")
    assert small.index is None  # quartiles need ten others
    assert figures(demo_db, NATIONAL, OWN, "custom:five").index is not None
    region = figures(demo_db, AUTHORITY, OWN, "region")  # 14 others in the South West
    exact = figures(demo_db, NATIONAL, OWN, "region").index
    for shown, true in ((region.index.q1, exact.q1), (region.index.q3, exact.q3)):
        assert shown == round(true, 1) and abs(shown - true) <= 0.05


def test_an_unpublished_round_shows_authority_users_no_peer_figures(demo_db, import_levels):
    import_levels(demo_db, NO_RETURN[:1])
    # a new round, never published
    dims = list(MODEL.dimension_ids)
    text = "authority,round," + ",".join(dims) + "\n"
    text += "\n".join(f"{c},2026-09," + ",".join(["2"] * len(dims)) for c in [OWN, OTHER])
    [result] = import_returns(db := demo_db, [("new.csv", text.encode())], create_round=True)
    assert result.outcome == "imported"
    got = figures(db, AUTHORITY, OWN, "england", round_id="2026-09")
    assert got.withheld == aggregates.NOT_PUBLISHED and got.published_on is None
    assert got.distribution("strand")["count"].isna().all()
    assert set(got.medians("england", "strand")["reason"]) == {aggregates.NOT_PUBLISHED}
    assert got.rank is None and got.index is None and got.counts.submitted is None
    national = figures(db, NATIONAL, OWN, "england", round_id="2026-09")
    assert national.counts.submitted == 2 and national.withheld is None
