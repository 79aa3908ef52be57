"""ehdmm.charts.profile: radar, dot plot and trajectory figures show the data they are given,
with the house titles, level ticks, highlight colour and source note."""

from __future__ import annotations

import pandas as pd

from ehdmm.analysis import profile
from ehdmm.charts import profile as charts
from ehdmm.charts import theme
from ehdmm.model import load_model

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
STRANDS = list(MODEL.strand_ids)
NAMES = MODEL.level_names
OWN = [1, 2, 3, 4, 1, 2, None, 4]


def tidy_dims() -> pd.DataFrame:
    rows = []
    for code, values in {
        "A": OWN,
        "B": [2, 2, 2, 2, 2, 2, 2, 2],
        "C": [4, 4, 4, 4, 4, 4, 4, 4],
    }.items():
        rows += [
            {"authority_code": code, "round_id": "2026-03", "item_id": d, "level": v}
            for d, v in zip(DIMS, values, strict=True)
        ]
    frame = pd.DataFrame(rows)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def values() -> pd.DataFrame:
    return profile.comparison(tidy_dims(), "A", ["A", "B"], MODEL, "dimension")


OPTIONS = {
    "round_id": "2026-03",
    "n": 2,
    "rule": "gated",
    "authority_name": "Ayton",
    "peers_label": "Same region",
    "england_n": 3,
}


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def note_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_radar_traces_hold_the_levels_and_medians_per_dimension_name():
    fig = charts.radar(values(), MODEL, **OPTIONS)
    own = trace(fig, "Ayton")
    assert list(own.r) == OWN
    assert list(own.theta) == [d.name for d in MODEL.dimensions]
    assert own.line.color == theme.HIGHLIGHT
    assert own.text[6] == "incomplete" and own.text[0] == NAMES[1]
    peer = trace(fig, "Same region median (n = 2)")
    assert list(peer.r) == [1.5, 2.0, 2.5, 3.0, 1.5, 2.0, 2.0, 3.0]
    england = trace(fig, "England median (n = 3)")
    assert list(england.r) == [2.0, 2.0, 3.0, 4.0, 2.0, 2.0, 3.0, 4.0]
    # the closing line joins the last axis to the first, outside the legend
    closing = trace(fig, "Ayton (closing line)")
    assert list(closing.r) == [4, 1] and closing.showlegend is False
    # with a gap the authority's shape is not filled
    assert own.fill == "none"


def test_radar_rings_are_numbered_and_named_in_the_subtitle_axes_named_as_the_model():
    fig = charts.radar(values(), MODEL, **OPTIONS)
    radial = fig.layout.polar.radialaxis
    assert tuple(radial.range) == (0.5, 4)
    assert list(radial.tickvals) == [1, 2, 3, 4]
    assert list(radial.ticktext) == ["1", "2", "3", "4"]  # numbered rings, named above
    assert "Rings: 1 Early, 2 Developing, 3 Maturing, 4 Mature" in fig.layout.title.subtitle.text
    angular = fig.layout.polar.angularaxis
    assert list(angular.categoryarray) == [d.name for d in MODEL.dimensions]
    assert [t.replace("<br>", " ") for t in angular.ticktext] == [d.name for d in MODEL.dimensions]


def test_radar_titles_name_round_and_n_and_the_gap():
    fig = charts.radar(values(), MODEL, **OPTIONS)
    assert "Ayton" in fig.layout.title.text
    subtitle = fig.layout.title.subtitle.text
    assert "2026-03" in subtitle and "n = 2" in subtitle and "n = 3" in subtitle
    assert f"incomplete: {MODEL.dimensions[6].name}" in subtitle
    assert theme.source_note("2026-03", 2, "gated") in note_texts(fig)


def test_radar_by_strand_has_five_axes_and_fills_a_complete_shape():
    wide = pd.DataFrame(
        {"authority_code": ["A", "B"], "round_id": ["r", "r"]}
        | {s: pd.array([2, 3], dtype="Int64") for s in STRANDS}
    )
    tidy = profile.item_tidy(wide, pd.DataFrame(), MODEL, "strand")
    vals = profile.comparison(tidy, "A", ["A", "B"], MODEL, "strand")
    fig = charts.radar(vals, MODEL, **OPTIONS)
    own = trace(fig, "Ayton")
    assert list(own.theta) == [s.name for s in MODEL.strands]
    assert list(own.r) == [2] * 5 and own.fill == "toself"
    assert "level by strand" in fig.layout.title.text


def test_dot_plot_shows_the_same_values_with_level_ticks_and_text_labels():
    fig = charts.dot_plot(values(), MODEL, **OPTIONS)
    own = trace(fig, "Ayton")
    assert list(own.x) == OWN
    assert list(own.y) == [d.name for d in MODEL.dimensions]
    assert list(own.text) == [NAMES[v] if v else "incomplete" for v in OWN]
    assert own.marker.color == theme.HIGHLIGHT
    assert trace(fig, "Same region median (n = 2)").x[0] == 1.5
    ticks = theme.level_ticks(MODEL)
    assert list(fig.layout.xaxis.tickvals) == ticks["tickvals"]
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "3", "4"]
    assert all(name in fig.layout.xaxis.title.text for name in ticks["ticktext"])
    gap = trace(fig, "Ayton: incomplete")
    assert list(gap.y) == [MODEL.dimensions[6].name]
    assert "n = 2" in fig.layout.title.subtitle.text
    assert theme.source_note("2026-03", 2, "gated") in note_texts(fig)


def trajectory() -> pd.DataFrame:
    wide = pd.DataFrame(
        {
            "authority_code": ["A", "A"],
            "round_id": ["2023-03", "2025-03"],
            **{s: pd.array([1, 2], dtype="Int64") for s in STRANDS},
            "overall": pd.array([1, 2], dtype="Int64"),
            "index": pd.array([1.5, 2.25], dtype="Float64"),
        }
    )
    return profile.trajectory(wide, "A", ["2023-03", "2024-03", "2025-03"], MODEL)


def test_trajectory_chart_plots_overall_level_and_index_with_gaps():
    fig = charts.trajectory_chart(
        trajectory(), MODEL, round_id="2025-03", n=None, rule="gated", authority_name="Ayton"
    )
    overall = trace(fig, "Overall level")
    assert list(overall.x) == ["2023-03", "2024-03", "2025-03"]
    assert list(overall.y) == [1, None, 2]
    assert list(overall.text) == [NAMES[1], None, NAMES[2]]
    assert list(trace(fig, "Maturity index (right axis)").y) == [1.5, None, 2.25]
    assert list(fig.layout.yaxis.ticktext) == theme.level_ticks(MODEL)["ticktext"]
    assert "no submission" in note_texts(fig)
    assert "2 of 3 rounds" in fig.layout.title.subtitle.text
    assert any(t.startswith("Self-assessments, 2023-03 to 2025-03") for t in note_texts(fig))


def test_trajectory_chart_by_strand_has_one_panel_per_strand():
    fig = charts.trajectory_chart(
        trajectory(),
        MODEL,
        round_id="2025-03",
        n=None,
        rule="best-fit",
        authority_name="Ayton",
        mode="strands",
    )
    assert [t.name for t in fig.data] == [s.name for s in MODEL.strands]
    assert all(list(t.y) == [1, None, 2] for t in fig.data)
    assert list(fig.layout.yaxis5.ticktext) == theme.level_ticks(MODEL)["ticktext"]
    assert note_texts(fig).count("no submission") == len(STRANDS)
    assert any("scoring rule: best-fit" in t for t in note_texts(fig))


def test_the_radar_writes_its_ring_labels_where_ring_labels_places_them():
    from ehdmm.charts.radar_labels import ring_labels

    fig = charts.radar(values(), MODEL, **OPTIONS)
    shown = [list(t.r) for t in fig.data if "closing" not in (t.name or "")]
    angle, side = ring_labels(shown, [1, 2, 3, 4], [NAMES[n] for n in (1, 2, 3, 4)])
    radial = fig.layout.polar.radialaxis
    assert (radial.angle, radial.side) == (angle, side)


def test_with_england_as_the_peer_group_its_median_is_drawn_and_named_once():
    """The peer group England has England's median: one trace, one legend entry, England
    named once in the subtitle (before, the radar and dot plot drew it twice under one name)."""
    england = profile.comparison(tidy_dims(), "A", ["A", "B", "C"], MODEL, "dimension")
    options = {**OPTIONS, "peers_label": "England", "n": 3, "peers_are_england": True}
    for draw in (charts.radar, charts.dot_plot):
        fig = draw(england, MODEL, **options)
        legend = [t.name for t in fig.data if t.showlegend is not False]
        assert legend.count("England median (n = 3)") == 1, (draw.__name__, legend)
        assert len(legend) == len(set(legend)), legend
        subtitle = fig.layout.title.subtitle.text
        assert subtitle.count("England") == 1, subtitle
        assert subtitle.startswith("Round 2026-03 · England (n = 3)")
        # the other groups keep both medians
        both = draw(values(), MODEL, **OPTIONS)
        names = {t.name for t in both.data}
        assert {"Same region median (n = 2)", "England median (n = 3)"} <= names
