"""AppTest of pages/4_Compare.py on the demo database: what the page shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ehdmm import scoring
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/4_Compare.py"
MODEL = load_model()
ROUND = "2026-03"


def radar(specs: list[dict]) -> list[dict]:
    return specs[0]["data"]


def comparison_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Differs" in d.value.columns)


def show_radio(at: AppTest):
    return next(r for r in at.radio if r.label == "Show")


def facts(db: Path, rule: str = "gated"):
    """Dimension levels, wide levels and reference data straight from the database."""
    with connect(db) as conn:
        dims = scoring.dimension_levels(conn, LOCAL_VIEWER, ROUND)
        wide = scoring.authority_levels(conn, LOCAL_VIEWER, ROUND, rule)
        neighbours = {code: ref.neighbours(conn, code) for code in ["E06000023", "E08000025"]}
    return dims, wide, neighbours


def levels_of(dims: pd.DataFrame, code: str) -> list[int | None]:
    rows = dims[dims["authority_code"] == code]
    assert list(rows["dimension_id"]) == list(MODEL.dimension_ids)
    return [None if pd.isna(v) else int(v) for v in rows["level"]]


def label(value: object) -> str:
    return "incomplete" if pd.isna(value) else f"{int(value)} {MODEL.level_names[int(value)]}"


def test_default_is_the_authority_and_three_neighbours_with_their_dimension_levels(
    demo_db, run_page, figures
):
    dims, wide, neighbours = facts(demo_db)
    at = run_page(demo_db, authority="E06000023", round=ROUND)
    chooser = at.multiselect[0]
    assert chooser.value == ["E06000023", *neighbours["E06000023"][:3]]
    assert chooser.proto.max_selections == 8
    submitted = [c for c in chooser.value if c in set(wide["authority_code"])]
    names = dict(zip(wide["authority_code"], wide["authority_name"], strict=True))
    traces = radar(figures(at))
    assert [t["name"] for t in traces] == [names[c] for c in submitted]
    for trace, code in zip(traces, submitted, strict=True):
        assert trace["r"][:-1] == levels_of(dims, code)
        assert trace["theta"][:-1] == [d.name for d in MODEL.dimensions]
    panels = figures(at)[1]["data"]
    assert [p["x"] for p in panels] == [levels_of(dims, c) for c in submitted]
    assert any("not a league table" in c.value for c in at.caption)


def test_changing_the_sidebar_authority_changes_the_comparison(demo_db, run_page, figures):
    dims, _, neighbours = facts(demo_db)
    at = run_page(demo_db, authority="E06000023", round=ROUND)
    before = radar(figures(at))
    at.sidebar.selectbox[0].select("E08000025").run()
    assert not at.exception
    assert at.multiselect[0].value == ["E08000025", *neighbours["E08000025"][:3]]
    after = radar(figures(at))
    assert after != before
    assert after[0]["name"] == "Birmingham"
    assert after[0]["r"][:-1] == levels_of(dims, "E08000025")
    assert after[0]["line"]["color"] == "#d95f02"  # the sidebar's authority is highlighted


def test_a_ninth_authority_cannot_be_selected(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", round=ROUND)
    options = at.multiselect[0].options
    assert len(options) > 100
    eight = at.multiselect[0].value + [
        o
        for o in ["E06000001", "E06000002", "E06000003", "E06000004"]
        if o not in at.multiselect[0].value
    ]
    at.multiselect[0].set_value(eight[:8]).run()
    assert not at.exception
    assert len(radar(figures(at))) <= 8
    at.multiselect[0].set_value([*eight[:8], "E06000005"]).run()
    assert at.exception  # Streamlit itself refuses more than max_selections
    assert "max_selections" in at.exception[0].message
    assert not at.get("plotly_chart")


def test_the_peer_group_button_takes_at_most_eight(demo_db, run_page, figures):
    _, wide, neighbours = facts(demo_db)
    at = run_page(demo_db, authority="E06000023", round=ROUND, peers="neighbours")
    at.toggle[0].set_value(True).run()
    assert not at.exception
    assert not at.multiselect
    notes = " ".join(m.value for m in at.markdown)
    assert "has 11 members" in notes and "first 7 others" in notes
    chosen = ["E06000023", *neighbours["E06000023"][:7]]
    submitted = [c for c in chosen if c in set(wide["authority_code"])]
    names = dict(zip(wide["authority_code"], wide["authority_name"], strict=True))
    traces = radar(figures(at))
    assert 0 < len(traces) <= 8
    assert [t["name"] for t in traces] == [names[c] for c in submitted]
    subtitle = figures(at)[0]["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
    assert "DfE statistical neighbours" in subtitle  # on lines that fit a phone
    at.sidebar.selectbox[2].select("england").run()
    assert len(radar(figures(at))) <= 8
    assert radar(figures(at))[0]["name"] == "Bristol, City of"


def test_the_table_matches_the_database_and_flags_differences(demo_db, run_page):
    dims, wide, _ = facts(demo_db, "best-fit")
    names = dict(zip(wide["authority_code"], wide["authority_name"], strict=True))
    by_code = {c: levels_of(dims, c) for c in wide["authority_code"]}
    # Two authorities that agree on the first dimension and differ on the second.
    codes = sorted(by_code)
    pair = next(
        (a, b)
        for a in codes
        for b in codes
        if a < b
        and by_code[a][0] is not None
        and by_code[a][0] == by_code[b][0]
        and by_code[a][1] != by_code[b][1]
    )
    at = run_page(demo_db, authority=pair[0], round=ROUND, rule="best-fit")
    at.multiselect[0].set_value(list(pair)).run()
    assert not at.exception
    table = comparison_table(at)
    assert list(table.columns) == ["Type", "Item", names[pair[0]], names[pair[1]], "Differs"]
    rows = table.set_index(["Type", "Item"])
    first, second = MODEL.dimensions[0].name, MODEL.dimensions[1].name
    assert rows.loc[("Dimension", first), "Differs"] == "no"
    assert rows.loc[("Dimension", second), "Differs"] == "yes"
    levels = wide.set_index("authority_code")
    for code in pair:
        column = table[names[code]].tolist()
        assert column[: len(MODEL.dimensions)] == [label(v) for v in by_code[code]]
        strands = column[len(MODEL.dimensions) : len(MODEL.dimensions) + len(MODEL.strands)]
        assert strands == [label(levels.at[code, s]) for s in MODEL.strand_ids]
        assert column[-2] == label(levels.at[code, "overall"])
        assert column[-1] == scoring.format_index(levels.at[code, "index"]) or "incomplete"
    for _, row in table.iterrows():
        cells = {row[names[pair[0]]], row[names[pair[1]]]}
        assert row["Differs"] == ("yes" if len(cells) > 1 else "no")
    assert any(d.proto.label == "Download this table (CSV)" for d in at.get("download_button"))


def test_strands_follow_the_scoring_rule(demo_db, run_page, figures):
    _, gated, _ = facts(demo_db, "gated")
    _, best, _ = facts(demo_db, "best-fit")
    at = run_page(demo_db, authority="E06000023", round=ROUND)
    show_radio(at).set_value("strand").run()
    codes = [c for c in at.multiselect[0].value if c in set(gated["authority_code"])]
    for frame in (gated, best):
        traces = radar(figures(at))
        for trace, code in zip(traces, codes, strict=True):
            row = frame.set_index("authority_code").loc[code]
            assert trace["theta"][:-1] == [s.name for s in MODEL.strands]
            assert trace["r"][:-1] == [
                None if pd.isna(row[s]) else int(row[s]) for s in MODEL.strand_ids
            ]
        at.sidebar.radio[0].set_value("best-fit").run()


def test_an_authority_without_a_submission_is_named_and_left_out(demo_db, run_page, figures):
    _, wide, _ = facts(demo_db)
    with connect(demo_db) as conn:
        everyone = ref.authorities(conn)
    missing = next(c for c in everyone["code"] if c not in set(wide["authority_code"]))
    missing_name = everyone.set_index("code").at[missing, "name"]
    at = run_page(demo_db, authority="E06000023", round=ROUND)
    at.multiselect[0].set_value(["E06000023", missing]).run()
    assert not at.exception
    note = next(m.value for m in at.markdown if "Not in the charts" in m.value)
    assert f"{missing_name} ({missing})" in note and ROUND in note
    assert [t["name"] for t in radar(figures(at))] == ["Bristol, City of"]
    assert missing_name not in comparison_table(at).columns
    at.multiselect[0].set_value([missing]).run()
    assert not at.exception
    assert not at.get("plotly_chart")
    assert any("Choose at least one authority" in i.value for i in at.info)
