"""ehdmm.charts.radar_labels: the radar's ring labels are placed clear of the data lines where
they can be, and never worse than at the former fixed place."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm.model import load_model

NAMES = load_model().level_names


def _label_gaps(lines, angle, side):
    """How far (in radar radii) each ring label lies from the data lines."""
    from ehdmm.charts.radar_labels import (
        RING_LABEL_HALF_WIDTH,
        _label_strokes,
        _segment_gap,
    )
    from ehdmm.charts.radar_labels import _display_point as point

    count, step = len(lines[0]), 360 / len(lines[0])
    segments = [
        (
            point(line[i], 90 - i * step),
            point(line[(i + 1) % count], 90 - (i + 1) * step),
        )
        for line in lines
        for i in range(count)
    ]
    names = [NAMES[n] for n in (1, 2, 3, 4)]
    widths = [RING_LABEL_HALF_WIDTH * len(n) / 10 for n in names]
    return [
        min(_segment_gap(edge, s) for s in segments for edge in box)
        for box in _label_strokes(angle, side, [1, 2, 3, 4], widths)
    ]


def test_ring_labels_are_placed_clear_of_the_data_lines_where_they_can_be():
    from ehdmm.charts.radar_labels import RING_LABEL_CLEAR, ring_labels

    names = [NAMES[n] for n in (1, 2, 3, 4)]
    # the former fixed place (between the first two axes) puts 'Developing' on this line
    lines = [[3.5, 1.5, 4.0, 2.5, 2.0, 1.0, 2.5, 4.0]]
    assert min(_label_gaps(lines, 67.5, "clockwise")) < RING_LABEL_CLEAR
    angle, side = ring_labels(lines, [1, 2, 3, 4], names)
    assert min(_label_gaps(lines, angle, side)) >= RING_LABEL_CLEAR
    assert -180 <= angle <= 180


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 4), min_size=8, max_size=8), min_size=1, max_size=3))
def test_ring_labels_are_never_worse_placed_than_between_the_first_two_axes(levels):
    from ehdmm.charts.radar_labels import RING_LABEL_CLEAR, ring_labels

    lines = [[float(v) for v in line] for line in levels]
    angle, side = ring_labels(lines, [1, 2, 3, 4], [NAMES[n] for n in (1, 2, 3, 4)])
    chosen = sum(g >= RING_LABEL_CLEAR for g in _label_gaps(lines, angle, side))
    former = sum(g >= RING_LABEL_CLEAR for g in _label_gaps(lines, 67.5, "clockwise"))
    assert chosen >= former


def _brute_force_choice(lines, names):
    """The choice measured against every segment (the reference the pruned search keeps)."""
    import math

    from ehdmm.charts.radar_labels import (
        RING_LABEL_CLEAR,
        RING_LABEL_HALF_WIDTH,
        STEEP_SINE,
        _clear_of_axis_names,
        _label_strokes,
    )

    count = len(lines[0])
    angles = [90 - (k + 0.5) * 360 / count for k in range(count)]
    steep = [a for a in angles if abs(math.sin(math.radians(a))) >= STEEP_SINE]
    widths = [RING_LABEL_HALF_WIDTH * len(n) / 10 for n in names]
    best, best_score = ((steep or angles)[0], "clockwise"), (False, -1, -1.0)
    for angle in steep or angles:
        for side in ("clockwise", "counterclockwise"):
            gaps = _label_gaps(lines, angle, side)
            boxes = _label_strokes(angle, side, [1, 2, 3, 4], widths)
            score = (
                _clear_of_axis_names(boxes[-1], count),
                sum(g >= RING_LABEL_CLEAR for g in gaps),
                sum(min(g, 0.15) for g in gaps),
            )
            if score > best_score:
                best, best_score = (angle, side), score
    angle, side = best
    return (angle + 180) % 360 - 180, side


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]), min_size=8, max_size=8),
        min_size=1,
        max_size=3,
    )
)
def test_the_pruned_search_chooses_what_measuring_every_segment_chooses(lines):
    from ehdmm.charts.radar_labels import ring_labels

    names = [NAMES[n] for n in (1, 2, 3, 4)]
    assert ring_labels(lines, [1, 2, 3, 4], names) == _brute_force_choice(lines, names)
