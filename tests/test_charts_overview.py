"""ehdmm.charts.overview: trace values equal the input frames; titles, notes and level labels."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm.analysis import overview
from ehdmm.charts import overview as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from tests.test_analysis_overview import FULL, WITH_GAP, authorities, dims_of, frame, wide

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
LABELS = [f"{k} {v}" for k, v in MODEL.level_names.items()]


@pytest.fixture
def levels() -> pd.DataFrame:
    return frame(
        wide("A", FULL, index=2.625),
        wide("B", [1, 1, 1, 1, 1], index=1.0),
        wide("C", WITH_GAP),
    )


def note_of(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if a.text)


def bars(fig) -> list:
    return [t for t in fig.data if t.type == "bar"]


def test_level_counts_chart_traces_equal_the_counts(levels):
    counts = overview.level_counts(levels, MODEL)
    fig = charts.level_counts_chart(counts, MODEL, round_id="R2", n=3, rule="gated")
    traces = bars(fig)
    assert [t.name for t in traces] == [*LABELS, "incomplete"]
    for trace, number in zip(traces, [*MODEL.level_names, None], strict=True):
        expected = charts.at_level(counts, number)["count"].tolist()
        assert list(trace.x) == expected
        colour = theme.LEVEL_COLOURS[number] if number else theme.MISSING_COLOUR
        assert trace.marker.color == colour
    totals = [sum(t.x[i] for t in traces) for i in range(len(STRANDS) + 1)]
    assert totals == [3] * (len(STRANDS) + 1)
    hover = traces[2].customdata[0]
    assert hover[0] == LABELS[2] and hover[1] == 3
    assert "Round R2" in fig.layout.title.subtitle.text
    assert "n = 3" in fig.layout.title.subtitle.text
    assert theme.source_note("R2", 3, "gated") in note_of(fig)
    assert not [t for t in fig.data if t.type == "scatter"]


def test_level_counts_chart_marks_the_chosen_authority(levels):
    counts = overview.level_counts(levels, MODEL)
    mine = overview.levels_of(levels, "C", MODEL)
    fig = charts.level_counts_chart(
        counts,
        MODEL,
        round_id="R2",
        n=3,
        rule="gated",
        authority_name="Name C",
        authority_levels=mine,
    )
    marks = [t for t in fig.data if t.type == "scatter"]
    assert len(marks) == 1
    mark = marks[0]
    assert mark.marker.color == theme.HIGHLIGHT
    assert mark.name == "Name C (selected)"
    assert mark.text[0] == f"Name C: {LABELS[1]}"
    assert mark.text[1] == "Name C: incomplete"
    # the second strand: C is the one incomplete authority, after the 2 with a level
    assert mark.x[1] == 2 + 0.5


def test_heatmap_has_one_column_per_dimension_or_strand(levels):
    auth = authorities("A", "B", "C", "D")
    dims = pd.concat(
        [
            dims_of("A", [3, 3, 2, 3, 4, 1, 2, 3]),
            dims_of("B", [1] * 8),
            dims_of("C", [2, 2, None, 3, 3, 3, 2, 2]),
        ]
    )
    cells = overview.heatmap_cells(levels, dims, auth, MODEL, by="dimension")
    fig = charts.heatmap_chart(cells, MODEL, round_id="R2", n=3, rule="gated", authority="B")
    heat = fig.data[0]
    assert len(heat.x) == len(MODEL.dimension_ids) and len(heat.z) == 4
    assert list(heat.y) == ["Name A", "Name B", "Name C", "Name D"]
    assert list(heat.z[0]) == [3, 3, 2, 3, 4, 1, 2, 3]
    assert heat.z[2][2] == 0 and list(heat.z[3]) == [0] * 8
    assert heat.customdata[0][0] == LABELS[2]
    assert heat.customdata[2][2] == overview.NOT_RATED
    assert heat.customdata[3][0] == overview.NO_SUBMISSION
    assert "customdata" in heat.hovertemplate
    assert list(heat.colorbar.ticktext) == [charts.GAP_LABEL, *theme.level_ticks(MODEL)["ticktext"]]
    assert heat.colorscale[0][1] == theme.MISSING_COLOUR
    assert heat.colorscale[-1][1] == theme.LEVEL_COLOURS[max(MODEL.level_names)]
    ticks = list(fig.layout.yaxis.ticktext)
    assert theme.HIGHLIGHT in ticks[1] and "Name B" in ticks[1] and "selected" in ticks[1]
    assert fig.layout.shapes[0].line.color == theme.HIGHLIGHT
    assert "n = 3" in fig.layout.title.subtitle.text and "R2" in fig.layout.title.subtitle.text
    assert theme.source_note("R2", 3, "gated") in note_of(fig)

    strands = overview.heatmap_cells(levels, dims, auth, MODEL, by="strand")
    fig5 = charts.heatmap_chart(strands, MODEL, round_id="R2", n=3, rule="gated")
    assert len(fig5.data[0].x) == len(STRANDS)
    assert not fig5.layout.shapes


def test_heatmap_height_grows_with_the_number_of_authorities():
    codes = [f"X{i:03d}" for i in range(200)]
    many = frame(*[wide(c, FULL, index=2.0) for c in codes])
    cells = overview.heatmap_cells(many, pd.DataFrame(), authorities(*codes), MODEL, by="strand")
    tall = charts.heatmap_chart(cells, MODEL, round_id="R2", n=200, rule="gated")
    few = cells[cells["authority_code"].isin(codes[:5])]
    short = charts.heatmap_chart(few, MODEL, round_id="R2", n=5, rule="gated")
    assert tall.layout.height > short.layout.height + 2000


def test_change_chart_traces_equal_the_counts():
    before = frame(
        wide("A", [1, 2, 3, 3, 2], round_id="R1"), wide("B", [2, 2, 2, 2, 2], round_id="R1")
    )
    now = frame(wide("A", [2, 2, 2, 3, 2]), wide("B", [2, 2, None, 2, 2]))
    changes = overview.level_changes(now, before, MODEL)
    fig = charts.change_chart(
        changes, MODEL, round_id="R2", previous_round="R1", n=2, rule="best-fit"
    )
    by_name = {t.name: list(t.x) for t in fig.data}
    for change, label in overview.CHANGES.items():
        expected = changes[changes["change"] == change]["count"].tolist()
        assert by_name[label] == expected
    assert "R1" in fig.layout.title.text
    assert (
        "R1 to R2" in fig.layout.title.subtitle.text and "n = 2" in fig.layout.title.subtitle.text
    )
    assert "scoring rule: best-fit" in note_of(fig)
