"""AppTest of pages/3_Peer_benchmark.py on the demo database: the distributions, the index strip
and the peer list equal a direct computation from the database."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import oracle

from ehdmm import peers, scoring
from ehdmm.analysis import core
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.ui import RANKING_CAVEAT
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/3_Peer_benchmark.py"
MODEL = load_model()
ROUND = "2026-03"


def array(value: list | dict) -> list:
    """A list from a figure spec: plotly sends numpy arrays as typed arrays in base64."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def bars(specs: list[dict]) -> dict:
    return next(f for f in specs if f["data"][0]["type"] == "bar")


def annotations(fig: dict) -> list[str]:
    return [a["text"].replace("<br>", " ") for a in fig["layout"].get("annotations", [])]


def members(db: Path, code: str, group: str) -> list[str]:
    return oracle.peer_codes(db, LOCAL_VIEWER, code, group)


def rated_members(db: Path, code: str, group: str, rule: str = "gated") -> dict[str, int]:
    """Per strand: peer members (from peer_codes) with a level for it in the round."""
    with connect(db) as conn:
        strands = oracle.strand_levels(conn, LOCAL_VIEWER, ROUND, rule)
    group_members = members(db, code, group)
    mine = strands[strands["authority_code"].isin(group_members) & strands["level"].notna()]
    return {s: int((mine["strand_id"] == s).sum()) for s in MODEL.strand_ids}


def test_strand_counts_sum_to_n_the_members_with_a_level(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="region")
    fig = bars(figures(at))
    expected = rated_members(demo_db, "E06000023", "region")
    assert [t["name"] for t in fig["data"]] == [s.name for s in MODEL.strands]
    for trace, strand in zip(fig["data"], MODEL.strands, strict=True):
        n = expected[strand.id]
        assert sum(trace["y"]) == n == trace["meta"]["n"]
        assert [str(v) for v in trace["y"]] == trace["text"]
    assert all(
        f"(n = {expected[s.id]})" in a
        for s, a in zip(MODEL.strands, annotations(fig), strict=False)
    )
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    group = members(demo_db, "E06000023", "region")
    submitted = int(wide["authority_code"].isin(group).sum())
    subtitle = fig["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")  # lines: a phone
    assert f"n = {submitted} members with a submission" in subtitle
    # the authority's own level is written on its bar and in a line of text
    row = wide[wide["authority_code"] == "E06000023"].iloc[0]
    own = [a for a in annotations(fig) if a.startswith("▼ Bristol, City of")]
    assert own == [
        f"▼ Bristol, City of: {MODEL.level_names[int(row[s])]}" for s in MODEL.strand_ids
    ]
    assert any(m.value.startswith("Bristol, City of: ") for m in at.markdown)


def test_changing_the_authority_changes_the_counts_and_the_mark(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="region")
    before = [t["y"] for t in bars(figures(at))["data"]]
    other = "E08000025"  # Birmingham: another region
    at.sidebar.selectbox[0].select(other).run()
    assert not at.exception
    fig = bars(figures(at))
    expected = rated_members(demo_db, other, "region")
    assert [sum(t["y"]) for t in fig["data"]] == [expected[s] for s in MODEL.strand_ids]
    assert [t["y"] for t in fig["data"]] != before
    assert any(a.startswith("▼ Birmingham: ") for a in annotations(fig))
    assert not any("Bristol" in a for a in annotations(fig))


def test_dimension_toggle_counts_members_with_a_dimension_level(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="neighbours")
    at.radio(key="benchmark_items").set_value("dimension").run()
    fig = bars(figures(at))
    with connect(demo_db) as conn:
        dims = scoring.dimension_levels(conn, LOCAL_VIEWER, ROUND)
    group = members(demo_db, "E06000023", "neighbours")
    mine = dims[dims["authority_code"].isin(group) & dims["level"].notna()]
    assert [t["name"] for t in fig["data"]] == [d.name for d in MODEL.dimensions]
    for trace, dimension in zip(fig["data"], MODEL.dimensions, strict=True):
        levels = mine.loc[mine["dimension_id"] == dimension.id, "level"]
        assert trace["y"] == [int((levels == v).sum()) for v in MODEL.level_names]


def test_index_strip_and_peer_table(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="region")
    wide = core.levels(demo_db, LOCAL_VIEWER, ROUND, "gated")
    group = members(demo_db, "E06000023", "region")
    complete = wide[wide["authority_code"].isin(group) & wide["index"].notna()]
    strip = next(f for f in figures(at) if f["data"][0]["type"] == "box")
    box = strip["data"][0]
    assert sorted(array(box["x"])) == sorted(float(v) for v in complete["index"])
    assert sorted(box["text"]) == sorted(complete["authority_name"])
    assert f"n = {len(complete)}" in strip["layout"]["title"]["subtitle"]["text"]
    own = strip["data"][1]
    value = float(complete.loc[complete["authority_code"] == "E06000023", "index"].iloc[0])
    assert own["x"] == [value] and own["text"] == [f"Bristol, City of: {value:.2f}"]

    table = next(d.value for d in at.dataframe if "LA type" in d.value.columns)
    assert sorted(table["ONS code"]) == sorted(group)
    shown = table.set_index("ONS code").loc["E06000023"]
    assert shown["Chosen"] == "yes" and (table["Chosen"] == "yes").sum() == 1
    row = wide[wide["authority_code"] == "E06000023"].iloc[0]
    for strand in MODEL.strands:
        level = int(row[strand.id])
        assert shown[strand.name] == f"{level} {MODEL.level_names[level]}"
    assert shown["Maturity index"] == scoring.format_index(row["index"])
    assert any(RANKING_CAVEAT in c.value for c in at.caption)
    assert any("CSV" in b.proto.label for b in at.get("download_button"))


def test_an_authority_without_a_submission_is_not_marked(demo_db, run_page, figures):
    wide_all = core.levels(demo_db, LOCAL_VIEWER, None, "gated")
    latest = set(wide_all.loc[wide_all["round_id"] == ROUND, "authority_code"])
    code = sorted(set(wide_all["authority_code"]) - latest)[0]
    at = run_page(demo_db, authority=code, peers="type")
    assert any("has no current submission in round" in i.value for i in at.info)
    fig = bars(figures(at))
    expected = rated_members(demo_db, code, "type")
    assert [sum(t["y"]) for t in fig["data"]] == [expected[s] for s in MODEL.strand_ids]
    assert not any(a.startswith("▼") for a in annotations(fig))
    assert sum(a.endswith(": no submission") for a in annotations(fig)) == len(MODEL.strands)


def test_a_peer_group_of_one(demo_db, run_page, figures):
    peers.save_custom_group(demo_db, "solo", ["E06000023"])
    at = run_page(demo_db, authority="E06000023", peers="custom:solo")
    fig = bars(figures(at))
    assert all(sum(t["y"]) == 1 for t in fig["data"])
    table = next(d.value for d in at.dataframe if "LA type" in d.value.columns)
    assert list(table["ONS code"]) == ["E06000023"]


def test_the_distribution_is_drawn_in_one_column_to_fit_a_phone(demo_db, run_page, figures):
    at = run_page(demo_db, authority="E06000023", peers="region")
    layout = bars(figures(at))["layout"]
    domains = {tuple(v["domain"]) for k, v in layout.items() if k.startswith("xaxis")}
    assert domains == {(0.0, 1.0)}  # every strand's panel as wide as the figure
    for key, axis in layout.items():
        if key.startswith("xaxis"):
            assert axis["tickangle"] == 0 and "2<br>Developing" in axis["ticktext"]
