"""AppTest of pages/5_Trends.py on the demo database: what the trends page shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ehdmm import cli, scoring
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/5_Trends.py"
MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
ROUNDS = ["2023-03", "2024-03", "2025-03", "2026-03"]
LEVELS = len(MODEL.level_names)


def all_levels(db: Path, rule: str = "gated") -> pd.DataFrame:
    with connect(db) as conn:
        return scoring.authority_levels(conn, LOCAL_VIEWER, None, rule)


def figure(specs: list[dict], starts: str) -> dict:
    """The one figure whose title starts so, its title and subtitle read as one line each
    (the page breaks them into lines that fit a phone)."""
    found = [
        spec
        for spec in specs
        if spec["layout"]["title"]["text"].replace("<br>", " ").startswith(starts)
    ]
    assert len(found) == 1
    title = found[0]["layout"]["title"]
    title["text"] = title["text"].replace("<br>", " ")
    if title.get("subtitle"):
        title["subtitle"]["text"] = title["subtitle"]["text"].replace("<br>", " ")
    return found[0]


def overall_n(spec: dict) -> list[int]:
    """n per round of the overall panel (from the hover data of its first level)."""
    trace = spec["data"][len(STRANDS) * LEVELS]
    return [c[2] for c in trace["customdata"]]


def test_shares_per_round_sum_to_100_with_n_from_scoring(demo_db, run_page, figures):
    at = run_page(demo_db)
    levels = all_levels(demo_db)
    spec = figure(figures(at), "Share of authorities")
    data = spec["data"]
    assert len(data) == (len(STRANDS) + 1) * LEVELS
    for k in range(len(STRANDS) + 1):
        panel = data[k * LEVELS : (k + 1) * LEVELS]
        assert panel[0]["x"] == ROUNDS
        for i in range(len(ROUNDS)):
            assert sum(t["y"][i] for t in panel) == pytest.approx(100.0)
            assert sum(t["customdata"][i][1] for t in panel) == panel[0]["customdata"][i][2]
    expected = [int(levels[levels["round_id"] == r]["overall"].notna().sum()) for r in ROUNDS]
    assert overall_n(spec) == expected
    first = data[0]  # first strand, lowest level
    in_2023 = levels[levels["round_id"] == ROUNDS[0]][STRANDS[0]]
    share = 100 * (in_2023 == 1).sum() / in_2023.notna().sum()
    assert first["y"][0] == pytest.approx(share)
    sizes = [int((levels["round_id"] == r).sum()) for r in ROUNDS]
    assert f"{ROUNDS[0]}: {sizes[0]}" in spec["layout"]["title"]["subtitle"]["text"]


def expected_transitions(levels: pd.DataFrame, a: str, b: str, item: str, members=None) -> int:
    if members is not None:
        levels = levels[levels["authority_code"].isin(members)]
    before = levels[levels["round_id"] == a][["authority_code", item]]
    after = levels[levels["round_id"] == b][["authority_code", item]]
    both = before.merge(after, on="authority_code", suffixes=("_a", "_b"))
    return int((both[f"{item}_a"].notna() & both[f"{item}_b"].notna()).sum())


def test_transition_matrix_total_equals_those_with_levels_in_both_rounds(
    demo_db, run_page, figures
):
    at = run_page(demo_db)
    levels = all_levels(demo_db)
    assert at.selectbox(key="trends_from_2026-03").value == "2025-03"
    assert at.selectbox(key="trends_to_2026-03").value == "2026-03"
    heat = figure(figures(at), "Level changes")["data"][0]
    total = sum(sum(r) for r in heat["z"])
    assert total == expected_transitions(levels, "2025-03", "2026-03", "overall") > 100
    table = next(d.value for d in at.dataframe if "Level in 2025-03" in d.value.columns)
    assert table["Total"].sum() == total

    at.selectbox(key="trends_from_2026-03").select("2023-03").run()
    at.selectbox(key="trends_item").select(STRANDS[2]).run()
    assert not at.exception
    spec = figure(figures(at), "Level changes")
    assert MODEL.strands[2].name in spec["layout"]["title"]["text"]
    total = sum(sum(r) for r in spec["data"][0]["z"])
    assert total == expected_transitions(levels, "2023-03", "2026-03", STRANDS[2])


def test_movers_show_the_index_change(demo_db, run_page):
    at = run_page(demo_db)
    levels = all_levels(demo_db).set_index(["authority_code", "round_id"])["index"]
    tables = [d.value for d in at.dataframe if "Change" in d.value.columns]
    assert len(tables) == 2
    up, down = tables
    assert 0 < len(up) <= 10 and 0 < len(down) <= 10
    assert (up["Change"] > 0).all() and (down["Change"] < 0).all()
    assert up["Change"].is_monotonic_decreasing and down["Change"].is_monotonic_increasing
    for table in (up, down):
        for row in table.itertuples(index=False):
            then = float(levels[(row[1], "2025-03")])
            now = float(levels[(row[1], "2026-03")])
            assert row[2] == float(scoring.format_index(then))
            assert row[3] == float(scoring.format_index(now))
            assert row[4] == float(scoring.format_index(now - then))
    assert any("not a league table" in c.value for c in at.caption)


def test_the_peer_group_toggle_changes_n(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="region")
    levels = all_levels(demo_db)
    england = overall_n(figure(figures(at), "Share of authorities"))
    at.radio(key="trends_group").set_value("peers").run()
    assert not at.exception
    spec = figure(figures(at), "Share of authorities")
    peers = overall_n(spec)
    with connect(demo_db) as conn:
        meta = ref.authorities(conn).set_index("code")
    members = set(meta.index[meta["region"] == meta.loc["E06000023", "region"]])
    in_group = levels[levels["authority_code"].isin(members)]
    expected = [int(in_group[in_group["round_id"] == r]["overall"].notna().sum()) for r in ROUNDS]
    assert peers == expected
    assert peers != england and max(peers) < min(england)
    assert "Same region" in spec["layout"]["title"]["subtitle"]["text"]
    heat = figure(figures(at), "Level changes")["data"][0]
    assert sum(sum(r) for r in heat["z"]) == expected_transitions(
        levels, "2025-03", "2026-03", "overall", members
    )


def test_a_single_round_says_there_are_no_changes_yet(empty_db, tmp_path, run_page, figures):
    header = ["authority", "round", *MODEL.dimension_ids]
    lines = [",".join(header)]
    for code, level in (("E06000023", 2), ("E09000002", 3)):
        lines.append(",".join([code, "2022-03", *[str(level)] * len(MODEL.dimension_ids)]))
    csv = tmp_path / "returns.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["import", str(csv), "--db", str(empty_db), "--create-round"]) == 0
    at = run_page(empty_db)
    assert any("only one round" in i.value for i in at.info)
    spec = figure(figures(at), "Share of authorities")
    assert overall_n(spec) == [2]
    assert not [c for c in at.get("plotly_chart") if "Level changes" in c.proto.spec]
