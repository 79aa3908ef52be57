"""Comparison charts: trace values equal the input, titles, source note, level ticks, highlight."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm.analysis import compare
from ehdmm.charts import compare as charts
from ehdmm.charts import theme
from ehdmm.model import load_model

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)


def long_frame(ratings: dict[str, list[int | None]], items: str = "dimension") -> pd.DataFrame:
    """A `comparison_long`-shaped frame built by hand."""
    names = (
        [d.name for d in MODEL.dimensions]
        if items == "dimension"
        else [s.name for s in MODEL.strands]
    )
    ids = DIMS if items == "dimension" else list(MODEL.strand_ids)
    rows = []
    for code, levels in ratings.items():
        for item_id, item_name, level in zip(ids, names, levels, strict=True):
            rows.append(
                {
                    "authority_code": code,
                    "authority_name": f"Name {code}",
                    "item_id": item_id,
                    "item_name": item_name,
                    "level": level,
                    "level_label": "incomplete"
                    if level is None
                    else f"{level} {MODEL.level_names[level]}",
                }
            )
    frame = pd.DataFrame(rows)
    frame["level"] = frame["level"].astype("Int64")
    return frame


RATINGS = {
    "A": [1, 2, 3, 4, 1, 2, 3, 4],
    "B": [2, None, 2, 2, 3, 3, 4, 4],
    "C": [4, 4, 4, 4, 4, 4, 4, 4],
}


def annotation_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_radar_has_one_trace_per_authority_with_its_levels():
    long = long_frame(RATINGS)
    fig = charts.overlaid_radar(
        long, MODEL, round_id="2026-03", n=3, rule="gated", highlight="B", group_label="Region"
    )
    assert [t.name for t in fig.data] == ["Name A", "Name B", "Name C"]
    for trace, (_code, levels) in zip(fig.data, RATINGS.items(), strict=True):
        assert trace.type == "scatterpolar"
        assert list(trace.r[:-1]) == levels
        assert trace.r[-1] == levels[0]  # the shape is closed
        assert list(trace.theta[:-1]) == [d.name for d in MODEL.dimensions]
    assert "incomplete" in fig.data[1].text[1]
    assert "Name B (your authority)" in fig.data[1].text[0]


def test_radar_titles_note_ticks_and_highlight():
    fig = charts.overlaid_radar(
        long_frame(RATINGS), MODEL, round_id="2026-03", n=3, rule="best-fit", highlight="B"
    )
    assert "2026-03" in fig.layout.title.text
    subtitle = fig.layout.title.subtitle.text
    assert "3 authorities" in subtitle and "Name B (your authority)" in subtitle
    assert theme.source_note("2026-03", 3, "best-fit") in annotation_texts(fig)
    ticks = theme.level_ticks(MODEL)
    assert list(fig.layout.polar.radialaxis.tickvals) == ticks["tickvals"]
    assert list(fig.layout.polar.radialaxis.ticktext) == ticks["ticktext"]
    colours = [t.line.color for t in fig.data]
    assert colours[1] == theme.HIGHLIGHT and theme.HIGHLIGHT not in (colours[0], colours[2])
    assert fig.data[1].line.width > fig.data[0].line.width
    gaps = [t for t in annotation_texts(fig) if t.startswith("Gaps")]
    assert gaps and f"Name B: {MODEL.dimensions[1].name}" in gaps[0]


def test_radar_of_strands_uses_strand_names_and_no_gap_note_when_complete():
    ratings = {"A": [1, 2, 3, 4, 1], "B": [2, 2, 2, 2, 2]}
    fig = charts.overlaid_radar(
        long_frame(ratings, "strand"),
        MODEL,
        round_id="2025-03",
        n=2,
        rule="gated",
        items="strand",
    )
    assert list(fig.data[0].theta[:-1]) == [s.name for s in MODEL.strands]
    assert list(fig.data[1].r[:-1]) == ratings["B"]
    assert "strand" in fig.layout.title.text and "2025-03" in fig.layout.title.text
    assert not [t for t in annotation_texts(fig) if t.startswith("Gaps")]
    assert theme.HIGHLIGHT not in [t.line.color for t in fig.data]


def test_small_multiples_one_panel_per_authority_with_level_colours_and_names():
    long = long_frame(RATINGS)
    fig = charts.small_multiples(long, MODEL, round_id="2026-03", n=3, rule="gated", highlight="C")
    assert len(fig.data) == 3
    texts = annotation_texts(fig)
    assert texts[:3] == ["Name A", "Name B", "Name C"]  # subplot titles
    for trace, (_code, levels) in zip(fig.data, RATINGS.items(), strict=True):
        assert trace.type == "bar" and trace.orientation == "h"
        assert list(trace.x) == levels
        assert list(trace.y) == [d.name for d in MODEL.dimensions]
        assert list(trace.marker.color) == [
            theme.LEVEL_COLOURS.get(v, theme.MISSING_COLOUR) for v in levels
        ]
        assert list(trace.text) == [
            "incomplete" if v is None else f"{v} {MODEL.level_names[v]}" for v in levels
        ]
    assert texts.count("incomplete") == 1
    assert theme.source_note("2026-03", 3, "gated") in texts
    assert "2026-03" in fig.layout.title.text and "3 authorities" in fig.layout.title.subtitle.text
    ticks = theme.level_ticks(MODEL)
    assert list(fig.layout.xaxis.ticktext) == ticks["ticktext"]
    assert list(fig.layout.xaxis3.tickvals) == ticks["tickvals"]
    frames = [s for s in fig.layout.shapes if s.line.color == theme.HIGHLIGHT]
    assert len(frames) == 1
    assert frames[0].x0 < fig.layout.xaxis3.domain[0] < fig.layout.xaxis3.domain[1] < frames[0].x1
    title_c = next(a for a in fig.layout.annotations if a.text == "Name C")
    assert title_c.font.color == theme.HIGHLIGHT


def test_small_multiples_wrap_after_four_panels():
    ratings = {f"X{i}": [2] * 8 for i in range(6)}
    fig = charts.small_multiples(long_frame(ratings), MODEL, round_id="r", n=6, rule="gated")
    assert len(fig.data) == 6
    assert fig.data[4].xaxis == "x5" and fig.data[4].yaxis == "y5"
    assert fig.layout.yaxis5.domain[1] < fig.layout.yaxis.domain[0]  # second row is lower
    assert not [s for s in fig.layout.shapes if s.line.color == theme.HIGHLIGHT]


@pytest.mark.parametrize("highlight", [None, "A", "H"])
def test_series_colours_reserve_the_highlight_colour(highlight):
    codes = list("ABCDEFGH")
    colours = charts.series_colours(codes, highlight)
    assert len(set(colours.values())) == len(codes)
    for code, colour in colours.items():
        assert (colour == theme.HIGHLIGHT) == (code == highlight)


def test_charts_accept_the_analysis_output(demo_db):
    from ehdmm.analysis import core
    from ehdmm.viewer import LOCAL_VIEWER

    wide = core.levels(demo_db, LOCAL_VIEWER, "2026-03", "gated")
    dims = core.dimensions(demo_db, LOCAL_VIEWER, "2026-03")
    codes = list(wide["authority_code"][:2])
    long = compare.comparison_long(dims, wide, codes, "dimension", MODEL)
    fig = charts.overlaid_radar(long, MODEL, round_id="2026-03", n=2, rule="gated")
    expected = dims[dims["authority_code"] == codes[0]]["level"]
    assert list(fig.data[0].r[:-1]) == [None if pd.isna(v) else int(v) for v in expected]
