"""AppTest of pages/1_Overview.py on the demo database: what the national overview shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ehdmm import scoring
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/1_Overview.py"
MODEL = load_model()
STRANDS = list(MODEL.strand_ids)


def direct(db: Path, round_id: str, rule: str = "gated") -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(db) as conn:
        levels = scoring.authority_levels(conn, LOCAL_VIEWER, round_id, rule)
        authorities = ref.authorities(conn)
    return levels, authorities


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def figure(specs: list[dict], starts: str) -> dict:
    """The one figure whose title starts so."""
    found = [spec for spec in specs if spec["layout"]["title"]["text"].startswith(starts)]
    assert len(found) == 1, [spec["layout"]["title"]["text"] for spec in specs]
    return found[0]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_metrics_equal_a_direct_computation(demo_db, run_page):
    at = run_page(demo_db)
    levels, authorities = direct(demo_db, "2026-03")
    assert metrics(at) == {
        "Assessed": len(levels),
        "Complete returns": int((levels["rated"] == len(MODEL.dimension_ids)).sum()),
        "No submission": len(set(authorities["code"]) - set(levels["authority_code"])),
    }
    assert 0 < metrics(at)["No submission"] < 153
    assert metrics(at)["Complete returns"] < metrics(at)["Assessed"]
    missing = table_with(at, "Region")
    assert set(missing["ONS code"]) == set(authorities["code"]) - set(levels["authority_code"])
    assert any("2026-03" in t.value for t in at.title)


def test_another_round_and_rule_from_the_link(demo_db, run_page, figures):
    at = run_page(demo_db, round="2024-03", rule="best-fit")
    levels, authorities = direct(demo_db, "2024-03", "best-fit")
    assert metrics(at)["Assessed"] == len(levels)
    assert metrics(at)["No submission"] == len(authorities) - len(levels)
    counts = figure(figures(at), "Authorities at each level")
    bars = [t for t in counts["data"] if t["type"] == "bar"]
    top = bars[len(MODEL.level_names) - 1]
    assert top["x"][:-1] == [int((levels[s] == max(MODEL.level_names)).sum()) for s in STRANDS]


def test_level_counts_per_strand_sum_to_the_number_assessed(demo_db, run_page, figures):
    at = run_page(demo_db)
    levels, _ = direct(demo_db, "2026-03")
    spec = figure(figures(at), "Authorities at each level")
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    assert [b["name"] for b in bars] == [
        *[f"{k} {v}" for k, v in MODEL.level_names.items()],
        "incomplete",
    ]
    totals = [sum(b["x"][i] for b in bars) for i in range(len(STRANDS) + 1)]
    assert totals == [len(levels)] * (len(STRANDS) + 1)
    for k, number in enumerate(MODEL.level_names):
        expected = [int((levels[s] == number).sum()) for s in [*STRANDS, "overall"]]
        assert bars[k]["x"] == expected
    assert bars[-1]["x"] == [int(levels[s].isna().sum()) for s in [*STRANDS, "overall"]]
    assert f"n = {len(levels)}" in spec["layout"]["title"]["subtitle"]["text"]


def test_the_chosen_authority_is_marked_and_follows_the_sidebar(demo_db, run_page, figures):
    at = run_page(demo_db)
    levels, authorities = direct(demo_db, "2026-03")
    name = dict(zip(authorities["code"], authorities["name"], strict=True))
    first = at.sidebar.selectbox[0].value
    mark = next(t for t in figure(figures(at), "Authorities")["data"] if t["type"] == "scatter")
    assert mark["name"] == f"{name[first]} (selected)"
    other = levels[levels["authority_code"] != first]["authority_code"].iloc[-1]
    at.sidebar.selectbox[0].select(other).run()
    assert not at.exception
    mark = next(t for t in figure(figures(at), "Authorities")["data"] if t["type"] == "scatter")
    assert mark["name"] == f"{name[other]} (selected)"
    row = levels.set_index("authority_code").loc[other]
    assert mark["text"][-1].endswith(f"{row['overall']} {MODEL.level_names[row['overall']]}")
    heat = figure(figures(at), "Every authority")
    ticks = heat["layout"]["yaxis"]["ticktext"]
    assert sum("selected" in t for t in ticks) == 1
    assert any(name[other] in t and "selected" in t for t in ticks)


def test_heatmap_toggle_switches_between_dimensions_and_strands(demo_db, run_page, figures):
    at = run_page(demo_db)
    levels, authorities = direct(demo_db, "2026-03")
    heat = figure(figures(at), "Every authority")["data"][0]
    assert len(heat["x"]) == len(MODEL.dimension_ids) == 8
    assert len(heat["y"]) == len(heat["z"]) == len(authorities)
    assert all(len(row) == 8 for row in heat["z"])
    order = levels.sort_values("index", ascending=False)
    assert heat["y"][0] in set(order[order["index"] == order["index"].max()]["authority_name"])
    at.radio(key="overview_heatmap_view").set_value("strand").run()
    assert not at.exception
    heat = figure(figures(at), "Every authority")["data"][0]
    assert len(heat["x"]) == len(STRANDS) == 5
    assert all(len(row) == 5 for row in heat["z"])
    by_name = dict(zip(heat["y"], heat["customdata"], strict=True))
    some = levels[levels[STRANDS[0]].notna()].iloc[0]
    level = int(some[STRANDS[0]])
    assert by_name[some["authority_name"]][0] == f"{level} {MODEL.level_names[level]}"


def test_invalid_round_in_the_link_shows_a_notice(demo_db, run_page):
    at = run_page(demo_db, round="1999-01")
    assert any("not valid" in i.value for i in at.info)
    levels, _ = direct(demo_db, "2026-03")
    assert metrics(at)["Assessed"] == len(levels)


def test_table_filters_narrow_the_rows(demo_db, run_page):
    at = run_page(demo_db)
    levels, _ = direct(demo_db, "2026-03")
    table = table_with(at, "LA type")
    assert len(table) == len(levels)
    assert any("not a league table" in c.value for c in at.caption)
    with connect(demo_db) as conn:
        meta = ref.authorities(conn).set_index("code")
    region = "London"
    at.multiselect[0].select(region).run()
    table = table_with(at, "LA type")
    expected = levels[levels["authority_code"].map(meta["region"]) == region]
    assert set(table["ONS code"]) == set(expected["authority_code"]) and len(table) > 5
    assert (table["Region"] == region).all()
    at.slider[0].set_range(3.0, 4.0).run()
    table = table_with(at, "LA type")
    index = expected.set_index("authority_code")["index"]
    assert set(table["ONS code"]) == set(index[index >= 3.0].index)
    label = table.iloc[0][MODEL.strands[0].name]
    assert label.split(" ", 1)[1] in MODEL.level_names.values() or label == "incomplete"


def test_change_since_the_previous_round(demo_db, run_page, figures):
    at = run_page(demo_db)
    now, _ = direct(demo_db, "2026-03")
    before, _ = direct(demo_db, "2025-03")
    both = now.merge(before, on="authority_code", suffixes=("", "_b"))
    item = STRANDS[0]
    valid = both[both[item].notna() & both[f"{item}_b"].notna()]
    diff = valid[item].astype(int) - valid[f"{item}_b"].astype(int)
    spec = figure(figures(at), "Change in level since 2025-03")
    by_name = {t["name"]: t["x"] for t in spec["data"]}
    assert by_name["Improved"][0] == int((diff > 0).sum())
    assert by_name["Declined"][0] == int((diff < 0).sum())
    assert by_name["Same level"][0] == int((diff == 0).sum())


def test_the_first_round_says_there_is_no_previous_round(demo_db, run_page, figures):
    at = run_page(demo_db, round="2023-03")
    assert any("no round before 2023-03" in i.value for i in at.info)
    assert not [t for t in figures(at) if t["layout"]["title"]["text"].startswith("Change")]


def test_heatmap_pages_through_more_than_200_authorities(tmp_path, run_page, figures):
    from ehdmm.analysis import overview
    from ehdmm.demo import install_demo

    db = tmp_path / "x2.duckdb"
    install_demo(db, scale=2)
    at = run_page(db)
    rows = at.select_slider(key="overview_heatmap_rows")
    heat = figure(figures(at), "Every authority")
    total = len(direct(db, "2026-03")[1])
    assert total > overview.HEATMAP_ROWS
    chosen = rows.value
    block = overview.row_blocks(total)[chosen]
    assert len(heat["data"][0]["y"]) == block[1] - block[0]
    assert (
        f"rows {overview.block_label(block, total)}" in heat["layout"]["title"]["subtitle"]["text"]
    )
    assert sum("selected" in t for t in heat["layout"]["yaxis"]["ticktext"]) == 1
    other = 1 - chosen
    rows.set_value(other).run()
    heat = figure(figures(at), "Every authority")
    block = overview.row_blocks(total)[other]
    assert len(heat["data"][0]["y"]) == block[1] - block[0]
    assert not any("selected" in t for t in heat["layout"]["yaxis"]["ticktext"])


# -- An overview that answers questions ------------------------------------------------------


def levels_table(at: AppTest) -> pd.DataFrame:
    return table_with(at, "Open queries")


def test_the_table_reads_authority_overall_index_first_and_flags_open_queries(demo_db, run_page):
    from ehdmm import moderation

    moderation.raise_query(
        demo_db,
        LOCAL_VIEWER,
        authority_code="E06000023",
        round_id="2026-03",
        dimension_id="cba",
        question="Which costs?",
        actor="lead",
    )
    at = run_page(demo_db)
    table = levels_table(at)
    assert list(table.columns[:4]) == ["Authority", "Overall", "Maturity index", "Open queries"]
    flagged = table[table["Open queries"] > 0]
    assert list(flagged["ONS code"]) == ["E06000023"]
    assert "None" not in table.astype(str).to_numpy().tolist()


def test_sorting_puts_incomplete_returns_last_whichever_way(demo_db, run_page):
    at = run_page(demo_db)
    for highest_first in (True, False):
        at.toggle(key="ov_desc").set_value(highest_first).run()
        index = levels_table(at)["Maturity index"]
        present = index.notna().to_numpy()
        assert present.any() and not present.all()
        assert not (present[1:] & ~present[:-1]).any(), "a missing value before a present one"
        values = index.dropna().to_numpy()
        assert (
            (values[:-1] >= values[1:]).all()
            if highest_first
            else (values[:-1] <= values[1:]).all()
        )


def test_the_five_lowest_in_a_region(demo_db, run_page):
    at = run_page(demo_db)
    at.multiselect(key="ov_regions").select("North West").run()
    at.segmented_control(key="ov_quick").set_value("lowest").run()
    quick = levels_table(at)
    levels, authorities = direct(demo_db, "2026-03")
    north_west = set(authorities.loc[authorities["region"] == "North West", "code"])
    region = levels[levels["authority_code"].isin(north_west)].dropna(subset=["index"])
    expected = region.sort_values(["index", "overall", "authority_name"]).head(5)
    assert list(quick["ONS code"]) == list(expected["authority_code"])
    assert any("The 5 lowest by maturity index in North West" in c.value for c in at.caption)


def test_the_sidebar_peer_group_narrows_the_table(demo_db, run_page):
    at = run_page(demo_db, authority="E06000023", peers="region")
    table = levels_table(at)
    assert set(table["Region"]) == {"South West"}
    assert any("Peer group of Bristol, City of" in c.value for c in at.caption)
    england = run_page(demo_db, authority="E06000023")
    assert len(levels_table(england)) > len(table)
    assert any("Peer group: England" in c.value for c in england.caption)
