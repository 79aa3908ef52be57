"""ehdmm.charts.trends: trace values equal the input frames; titles, notes and level ticks."""

from __future__ import annotations

import pytest

from ehdmm.analysis import trends
from ehdmm.charts import theme
from ehdmm.charts import trends as charts
from ehdmm.model import load_model
from tests.test_analysis_trends import ROUNDS, frame, row

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
LABELS = [f"{k} {v}" for k, v in MODEL.level_names.items()]


@pytest.fixture
def history():
    return frame(
        row("A", "R1", 1),
        row("B", "R1", 2),
        row("C", "R1", None),
        row("A", "R2", 2),
        row("B", "R2", 2),
        row("C", "R2", 3),
        row("D", "R2", 4),
        row("A", "R3", 1),
    )


def note_of(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if a.text)


def test_shares_chart_has_a_panel_per_strand_with_the_shares(history):
    shares = trends.level_shares(history, MODEL, ROUNDS)
    sizes = trends.round_sizes(history, ROUNDS)
    fig = charts.level_shares_chart(shares, MODEL, sizes=sizes, group="England", rule="gated")
    items = [*STRANDS, "overall"]
    assert len(fig.data) == len(items) * len(LABELS)
    for k, item in enumerate(items):
        panel = fig.data[k * len(LABELS) : (k + 1) * len(LABELS)]
        assert [t.name for t in panel] == LABELS
        for trace, number in zip(panel, MODEL.level_names, strict=True):
            expected = shares[(shares["item_id"] == item) & (shares["level"] == number)]
            assert list(trace.x) == ROUNDS
            assert list(trace.y) == pytest.approx(expected["share"].tolist())
            assert trace.marker.color == theme.LEVEL_COLOURS[number]
            assert trace.customdata[0][0] == LABELS[number - 1]
        per_round = [sum(t.y[i] for t in panel) for i in range(len(ROUNDS))]
        assert per_round == pytest.approx([100.0, 100.0, 100.0])
    # n of the overall panel in R1: A and B have a level, C is incomplete
    overall_early = fig.data[len(STRANDS) * len(LABELS)]
    assert list(overall_early.customdata[0][1:]) == [1, 2, 1]
    subtitle = fig.layout.title.subtitle.text
    assert "R1 to R3" in subtitle and "England" in subtitle
    assert "R1: 3, R2: 4, R3: 1" in subtitle
    assert "Self-assessments, R1 to R3" in note_of(fig) and "gated" in note_of(fig)
    assert sum(1 for t in fig.data if t.showlegend) == len(LABELS)


def test_transition_chart_writes_the_counts_in_the_cells(history):
    matrix = trends.transition_matrix(history, MODEL, "R1", "R2", "overall")
    fig = charts.transition_chart(
        matrix,
        MODEL,
        from_round="R1",
        to_round="R2",
        item_name="Overall",
        group="England",
        rule="best-fit",
        authority_name="Name A",
        authority_levels=trends.authority_transition(history, "A", "R1", "R2"),
    )
    heat = fig.data[0]
    grid = matrix.set_index(["from_level", "to_level"])["count"]
    numbers = list(MODEL.level_names)
    assert [list(r) for r in heat.z] == [[int(grid[(a, b)]) for b in numbers] for a in numbers]
    assert heat.texttemplate == "%{z}"
    ticks = theme.level_ticks(MODEL)
    assert [t.replace("<br>", " ") for t in fig.layout.xaxis.ticktext] == ticks["ticktext"]
    assert list(fig.layout.yaxis.tickvals) == ticks["tickvals"]
    assert heat.customdata[0][1] == [LABELS[0], LABELS[1]]
    shape = fig.layout.shapes[0]
    assert shape.line.color == theme.HIGHLIGHT
    assert (shape.x0 + shape.x1) / 2 == 2 and (shape.y0 + shape.y1) / 2 == 1
    assert any(
        "Name A" in a.text and a.font.color == theme.HIGHLIGHT for a in fig.layout.annotations
    )
    assert "R1 to R2" in fig.layout.title.subtitle.text
    assert "n = 2" in fig.layout.title.subtitle.text
    assert theme.source_note("R1 and R2", 2, "best-fit") in note_of(fig)


def test_transition_chart_without_the_authority_in_both_rounds(history):
    matrix = trends.transition_matrix(history, MODEL, "R1", "R2", "overall")
    fig = charts.transition_chart(
        matrix,
        MODEL,
        from_round="R1",
        to_round="R2",
        item_name="Overall",
        group="England",
        rule="gated",
        authority_name="Name D",
        authority_levels=trends.authority_transition(history, "D", "R1", "R2"),
    )
    assert not fig.layout.shapes
