"""ehdmm.charts.benchmark: the distribution bars and the index strip show the data they are
given, mark the authority in text and colour, and carry round, n and the source note."""

from __future__ import annotations

import pandas as pd

from ehdmm.analysis import benchmark, profile
from ehdmm.charts import benchmark as charts
from ehdmm.charts import theme
from ehdmm.model import load_model

MODEL = load_model()
STRANDS = list(MODEL.strand_ids)
NAMES = MODEL.level_names
LEVELS = {
    "A": [1, 2, 3, 4, 1],
    "B": [2, 2, 3, 4, 2],
    "C": [3, 2, 3, None, 3],
    "D": [3, 4, 4, 4, 4],
}
INDEX = {"A": 2.25, "B": 2.75, "C": None, "D": 3.75}


def wide() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "authority_code": list(LEVELS),
            "authority_name": [f"Name {c}" for c in LEVELS],
            "round_id": ["2026-03"] * len(LEVELS),
            **{
                s: pd.array([v[i] for v in LEVELS.values()], dtype="Int64")
                for i, s in enumerate(STRANDS)
            },
            "index": pd.array(list(INDEX.values()), dtype="Float64"),
        }
    )
    return frame


def dist(authority: str = "C", members: list[str] | None = None) -> pd.DataFrame:
    tidy = profile.item_tidy(wide(), pd.DataFrame(), MODEL, "strand")
    return benchmark.distribution(tidy, members or list(LEVELS), authority, MODEL, "strand")


OPTIONS = {"round_id": "2026-03", "n": 4, "rule": "gated", "peers_label": "Same region"}


def notes(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_one_bar_trace_per_strand_with_counts_that_sum_to_its_n():
    fig = charts.distribution_chart(dist(), MODEL, authority_name="Cee", **OPTIONS)
    assert [t.name for t in fig.data] == [s.name for s in MODEL.strands]
    expected_n = [4, 4, 4, 3, 4]
    for trace, strand, n in zip(fig.data, STRANDS, expected_n, strict=True):
        values = [v[STRANDS.index(strand)] for v in LEVELS.values()]
        counts = [values.count(level) for level in (1, 2, 3, 4)]
        assert list(trace.y) == counts
        assert sum(trace.y) == trace.meta["n"] == n
        assert list(trace.text) == [str(c) for c in counts]
        assert list(trace.x) == theme.level_ticks(MODEL)["ticktext"]
        assert list(trace.marker.color) == [theme.LEVEL_COLOURS[v] for v in (1, 2, 3, 4)]
    titles = notes(fig)
    assert any("(n = 3)" in t for t in titles) and sum("(n = 4)" in t for t in titles) == 4


def test_the_authority_is_marked_in_text_and_outline_on_its_level():
    fig = charts.distribution_chart(dist(), MODEL, authority_name="Cee", **OPTIONS)
    marks = [t for t in notes(fig) if t.startswith("▼")]
    assert len(marks) == 4  # C has a level on 4 strands
    assert all(m.replace("<br>", " ").startswith("▼ Cee:") for m in marks)
    assert marks[0].replace("<br>", " ") == f"▼ Cee: {NAMES[3]}"
    assert "Cee: incomplete" in notes(fig)
    first = fig.data[0]
    assert list(first.marker.line.color) == ["#ffffff", "#ffffff", theme.HIGHLIGHT, "#ffffff"]


def test_an_authority_without_submission_is_said_to_have_none():
    fig = charts.distribution_chart(
        dist("Z"), MODEL, authority_name="Zed", has_submission=False, **OPTIONS
    )
    assert notes(fig).count("Zed: no submission") == len(STRANDS)
    assert not [t for t in notes(fig) if t.startswith("▼")]


def test_distribution_titles_hold_round_n_and_the_source_note():
    fig = charts.distribution_chart(dist(), MODEL, authority_name="Cee", **OPTIONS)
    subtitle = fig.layout.title.subtitle.text
    assert "2026-03" in subtitle and "n = 4" in subtitle and "Same region" in subtitle
    assert "by strand" in fig.layout.title.text
    assert theme.source_note("2026-03", 4, "gated") in notes(fig)


def test_distribution_by_dimension_has_eight_panels():
    dims = pd.DataFrame(
        {
            "authority_code": ["A"] * 8,
            "round_id": ["r"] * 8,
            "dimension_id": list(MODEL.dimension_ids),
            "level": pd.array([1, 2, 3, 4, 4, 3, 2, 1], dtype="Int64"),
        }
    )
    tidy = profile.item_tidy(wide(), dims, MODEL, "dimension")
    frame = benchmark.distribution(tidy, ["A"], "A", MODEL, "dimension")
    fig = charts.distribution_chart(frame, MODEL, authority_name="Ay", **OPTIONS)
    assert [t.name for t in fig.data] == [d.name for d in MODEL.dimensions]
    assert all(sum(t.y) == 1 for t in fig.data)
    assert "by dimension" in fig.layout.title.text


def test_index_strip_shows_every_member_index_with_names_and_the_highlight():
    points = benchmark.index_points(wide(), list(LEVELS), "B")
    fig = charts.index_strip(points, authority_name="Name B", **{**OPTIONS, "n": len(points)})
    box = fig.data[0]
    assert box.type == "box" and box.boxpoints == "all"
    assert sorted(box.x) == [2.25, 2.75, 3.75]
    assert sorted(box.text) == ["Name A", "Name B", "Name D"]
    own = fig.data[1]
    assert list(own.x) == [2.75] and own.marker.color == theme.HIGHLIGHT
    assert own.text[0] == "Name B: 2.75"
    assert "n = 3" in fig.layout.title.subtitle.text and "2026-03" in fig.layout.title.subtitle.text
    assert theme.source_note("2026-03", 3, "gated") in notes(fig)


def test_index_strip_without_an_index_for_the_authority_says_so():
    points = benchmark.index_points(wide(), list(LEVELS), "C")
    fig = charts.index_strip(points, authority_name="Cee", **{**OPTIONS, "n": len(points)})
    assert len(fig.data) == 1
    assert "Cee: no maturity index (incomplete or no return)" in notes(fig)
