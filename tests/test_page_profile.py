"""AppTest of pages/2_Authority_profile.py on the demo database: what the page shows equals a
direct computation from the database."""

from __future__ import annotations

from pathlib import Path

import oracle
import pandas as pd
from streamlit.testing.v1 import AppTest

from ehdmm import scoring
from ehdmm.analysis import core
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.ui import RANKING_CAVEAT
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/2_Authority_profile.py"
MODEL = load_model()
ROUND = "2026-03"


def radar(specs: list[dict]) -> dict:
    found = [f for f in specs if f["data"][0]["type"] == "scatterpolar"]
    assert len(found) == 1
    return found[0]


def table_with(at: AppTest, column: str):
    """The one table on the page with this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def dimension_levels(db: Path, code: str, round_id: str = ROUND) -> list[int | None]:
    """The authority's dimension levels in model order, straight from the scoring."""
    with connect(db) as conn:
        frame = scoring.dimension_levels(conn, LOCAL_VIEWER, round_id)
    own = frame[frame["authority_code"] == code].set_index("dimension_id")["level"]
    return [None if own.isna()[d] else int(own[d]) for d in MODEL.dimension_ids]


def authority_row(db: Path, code: str, round_id: str = ROUND, rule: str = "gated"):
    with connect(db) as conn:
        frame = scoring.authority_levels(conn, LOCAL_VIEWER, round_id, rule)
    return frame[frame["authority_code"] == code]


def test_radar_shows_the_authority_dimension_levels_and_follows_the_sidebar(
    demo_db, run_page, figures
):
    at = run_page(demo_db, authority="E06000023")
    fig = radar(figures(at))
    names = [d.name for d in MODEL.dimensions]
    own = trace(fig, "Bristol, City of")
    assert own["r"] == dimension_levels(demo_db, "E06000023")
    assert own["theta"] == names
    assert fig["layout"]["polar"]["angularaxis"]["categoryarray"] == names
    assert ROUND in fig["layout"]["title"]["subtitle"]["text"]
    legend = [t["name"] for t in fig["data"] if t.get("showlegend") is not False]
    # the default peer group is England: its median is drawn once
    assert legend == ["England median (n = 145)", "Bristol, City of"]

    other = "E08000025"
    at.sidebar.selectbox[0].select(other).run()
    assert not at.exception
    name = authority_row(demo_db, other)["authority_name"].iloc[0]
    changed = trace(radar(figures(at)), name)["r"]
    assert changed == dimension_levels(demo_db, other)
    assert changed != own["r"]


def test_strand_toggle_shows_strand_levels_under_the_rule(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", rule="best-fit", peers="region")
    at.radio(key="profile_items").set_value("strand").run()
    fig = radar(figures(at))
    own = trace(fig, "Bristol, City of")
    row = authority_row(demo_db, "E06000023", rule="best-fit").iloc[0]
    assert own["theta"] == [s.name for s in MODEL.strands]
    assert own["r"] == [int(row[s]) for s in MODEL.strand_ids]
    members = oracle.peer_codes(demo_db, LOCAL_VIEWER, "E06000023", "region")
    submitted = core.levels(demo_db, LOCAL_VIEWER, ROUND, "best-fit")
    n = int(submitted["authority_code"].isin(members).sum())
    assert any(t.get("name") == f"Same region median (n = {n})" for t in fig["data"])
    # the dot plot beside it shows the same values
    dots = next(f for f in figures(at) if "medians" in f["layout"]["title"]["text"])
    assert trace(dots, "Bristol, City of")["x"] == own["r"]


def test_headline_metrics_equal_the_scoring_and_rank(demo_db, run_page):
    at = run_page(demo_db, authority="E06000023", peers="region")
    metrics = {m.label: m.value for m in at.metric}
    row = authority_row(demo_db, "E06000023").iloc[0]
    assert metrics["Overall level (gated)"] == MODEL.level_names[int(row["overall"])]
    assert metrics["Maturity index"] == scoring.format_index(row["index"])
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    members = oracle.peer_codes(demo_db, LOCAL_VIEWER, "E06000023", "region")
    rank = core.rank_in_group(wide, "E06000023", members)
    assert metrics["Rank in Same region"] == f"{rank.rank} of {rank.n}"
    assert any(RANKING_CAVEAT in c.value for c in at.caption)
    # strand cards: one per strand, with what the next level asks and the CBA flag
    assert [s.value for s in at.subheader] == [s.name for s in MODEL.strands]
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("**To reach ") for t in texts)
    names = MODEL.level_names
    for dimension, level in zip(
        MODEL.dimensions, dimension_levels(demo_db, "E06000023"), strict=True
    ):
        if level < 4:
            expected = f"**To reach {names[level + 1]}:** {dimension.descriptor(level + 1)}"
        else:
            expected = f"**{names[4]}:** the highest level"
        assert expected in texts
    assert any("the source text is partly illegible" in c.value for c in at.caption)


def test_evidence_and_checklist_are_tables_of_plain_text(demo_db, run_page):
    at = run_page(demo_db, authority="E06000023")
    with connect(demo_db) as conn:
        rated = store.current_ratings(conn, LOCAL_VIEWER, "E06000023", ROUND)
        answers = store.current_checklist(conn, LOCAL_VIEWER, "E06000023", ROUND)
    evidence = table_with(at, "Evidence")
    assert list(evidence["Dimension"]) == [d.name for d in MODEL.dimensions]
    by_name = evidence.set_index("Dimension")
    for row in rated.itertuples():
        shown = by_name.loc[MODEL.dimension(row.dimension_id).name]
        assert shown["Evidence"] == ("" if pd.isna(row.evidence) else row.evidence)
        assert shown["Level"].startswith(str(row.level))
    notes = [e for e in rated["evidence"] if isinstance(e, str) and e]
    assert notes
    assert not any(n in m.value for n in notes for m in at.markdown)
    checklist = table_with(at, "In place")
    assert list(checklist["Item"]) == [item.text for item in MODEL.checklist]
    answered = answers.set_index("item_id")["in_place"]
    for item, shown in zip(MODEL.checklist, checklist["In place"], strict=True):
        if item.id in answered.index:
            assert shown == ("yes" if answered[item.id] else "no")


def test_an_incomplete_return_leaves_a_gap_and_says_so(demo_db, run_page, figures):
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    code = wide.loc[wide["index"].isna(), "authority_code"].iloc[0]
    at = run_page(demo_db, authority=code)
    levels = dimension_levels(demo_db, code)
    assert None in levels
    name = wide.loc[wide["authority_code"] == code, "authority_name"].iloc[0]
    assert trace(radar(figures(at)), name)["r"] == levels
    missing = [d.name for d, v in zip(MODEL.dimensions, levels, strict=True) if v is None]
    assert any(all(m in w.value for m in missing) and "incomplete" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Overall level (gated)"] == "incomplete"


def test_an_authority_without_a_submission_gets_a_notice_and_its_trajectory(
    demo_db, run_page, figures
):
    wide_all = core.levels(demo_db, LOCAL_VIEWER, None, "gated")
    latest = set(wide_all.loc[wide_all["round_id"] == ROUND, "authority_code"])
    code = sorted(set(wide_all["authority_code"]) - latest)[0]
    at = run_page(demo_db, authority=code)
    name = wide_all.loc[wide_all["authority_code"] == code, "authority_name"].iloc[0]
    assert any(
        i.value.startswith(f"{name} has no current submission in round {ROUND}") for i in at.info
    )
    shown = figures(at)
    assert [f["data"][0]["type"] for f in shown] == ["scatter"]  # the trajectory only
    rounds = sorted(wide_all["round_id"].unique())
    overall = trace(shown[0], "Overall level")
    assert overall["x"] == rounds
    own = wide_all[wide_all["authority_code"] == code].set_index("round_id")["overall"]
    expected = [None if r not in own.index or own.isna()[r] else int(own[r]) for r in rounds]
    assert overall["y"] == expected and expected[-1] is None
    assert not at.metric


# -- priorities against the peer group, and progress against targets ---------------------------


def test_priorities_give_numeric_levels_gaps_and_the_next_levels_statements(demo_db, run_page):
    at = run_page(demo_db, authority="E08000035", peers="england")
    table = table_with(at, "Gap to England")
    with connect(demo_db) as conn:
        dims = scoring.dimension_levels(conn, LOCAL_VIEWER, ROUND)
    medians = dims.groupby("dimension_id")["level"].median()
    own = dict(zip(MODEL.dimension_ids, dimension_levels(demo_db, "E08000035"), strict=True))
    names = {d.name: d.id for d in MODEL.dimensions}
    for row in table.itertuples(index=False):
        dim = names[row.Dimension]
        assert row.Level == own[dim] and row[2] == MODEL.level_names[own[dim]]
        assert row[3] == round(float(medians[dim]), 2)  # the England median
        assert abs(row[4] - (medians[dim] - own[dim])) < 1e-9  # its gap, as a number
    gaps = table["Gap to England"].tolist()
    assert gaps == sorted(gaps, reverse=True)
    top = table[table["Top priority"] == "yes"]
    assert 1 <= len(top) <= 3 and (top["Gap to England"] > 0).all()
    texts = [m.value for m in at.markdown]
    for name in top["Dimension"]:
        dim = MODEL.dimension(names[name])
        following = own[dim.id] + 1
        bullets = "\n".join(f"- {s}" for s in dim.statements[following])
        assert any(t.replace("\\", "") == bullets.replace("\\", "") for t in texts), name
    measures = [c.value for c in at.caption if c.value.startswith("MEASURES (")]
    assert len(measures) == len(top)


def test_progress_against_targets_on_the_profile(demo_db, run_page):
    from ehdmm import plans

    plan = plans.read_plan(demo_db, LOCAL_VIEWER, "E08000035")
    dim, level = next((d, lv) for d, lv in plan.levels.items() if lv < 4)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", "E08000035", dim, level + 1, "2027-03")
    at = run_page(demo_db, authority="E08000035")
    table = table_with(at, "Progress")
    row = table[table["Dimension"] == MODEL.dimension(dim).name].iloc[0]
    assert (row["Level"], row["Target"], row["By round"]) == (level, level + 1, "2027-03")
    assert row["Progress"] == "on track"


def test_targets_are_a_third_trace_on_the_radar_and_dot_plot(demo_db, run_page, figures):
    from ehdmm import plans

    plan = plans.read_plan(demo_db, LOCAL_VIEWER, "E08000035")
    dim, level = next((d, lv) for d, lv in plan.levels.items() if lv < 4)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", "E08000035", dim, level + 1, "2027-03")
    at = run_page(demo_db, authority="E08000035")
    fig = radar(figures(at))
    target = trace(fig, "Target")
    names = [d.name for d in MODEL.dimensions]
    expected = [level + 1 if d.id == dim else None for d in MODEL.dimensions]
    assert target["theta"] == names and target["r"] == expected
    dots = next(
        f
        for f in figures(at)
        if f["data"][0]["type"] == "scatter" and "Target" in [t.get("name") for t in f["data"]]
    )
    assert trace(dots, "Target")["x"] == expected
    # the radar's and the dot plot's data, each with its Target column
    (table, again) = [d.value for d in at.dataframe if "Leeds (level)" in d.value.columns]
    assert table.equals(again)
    assert f"{level + 1} {MODEL.level_names[level + 1]} by 2027-03" in table["Target"].tolist()


def test_the_strands_trajectory_marks_a_target_at_its_round(demo_db, run_page, figures):
    from ehdmm import plans

    plan = plans.read_plan(demo_db, LOCAL_VIEWER, "E08000035")
    dim, level = next((d, lv) for d, lv in plan.levels.items() if lv < 4)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", "E08000035", dim, level + 1, "2028-03")
    at = run_page(demo_db, authority="E08000035")
    at.radio(key="profile_trajectory").set_value("strands").run()
    strands = next(
        f
        for f in figures(at)
        if f["layout"]["title"]["text"].replace("<br>", " ").endswith("strand levels by round")
    )
    marker = trace(strands, "Target")
    assert marker["x"] == ["2028-03"] and marker["y"] == [level + 1]
    assert "2028-03" in strands["layout"]["xaxis"]["categoryarray"]
