"""ehdmm.charts.theme: the level palette's contrast and order, notes, file names."""

from __future__ import annotations

import itertools

import plotly.graph_objects as go

from ehdmm.charts import theme


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_on_each_level_colour_passes_aa():
    for level, colour in theme.LEVEL_COLOURS.items():
        assert contrast(theme.LEVEL_TEXT[level], colour) >= 4.5, level


def test_levels_get_darker_in_order_so_greyscale_and_colour_blind_readers_see_order():
    values = [luminance(theme.LEVEL_COLOURS[level]) for level in sorted(theme.LEVEL_COLOURS)]
    assert values == sorted(values, reverse=True)
    steps = [contrast(a, b) for a, b in itertools.pairwise(theme.LEVEL_COLOURS.values())]
    assert min(steps) >= 1.4, steps  # neighbouring levels are told apart by lightness alone


def test_the_highlight_and_the_upper_levels_stand_out_from_white():
    # WCAG 1.4.11 (3:1 for graphics): the chosen authority's marker and the two upper levels.
    # The two lighter levels are never the only cue: charts write the level name on or beside
    # every mark, and level 1 is still 1.4:1 from white and from level 2 (test above).
    for colour in [theme.HIGHLIGHT, theme.LEVEL_COLOURS[3], theme.LEVEL_COLOURS[4]]:
        assert contrast(colour, "#ffffff") >= 3.0, colour
    assert contrast(theme.LEVEL_COLOURS[1], "#ffffff") >= 1.4


def test_source_note_and_room_for_it():
    note = theme.source_note("2026-03", 12, "gated")
    assert note.startswith("Self-assessments, 2026-03; n = 12; scoring rule: gated.")
    fig = theme.finish(go.Figure(), title="T", subtitle="S", note=note)
    fig.update_layout(margin={"b": 10})
    theme.ensure_note_space(fig)
    assert fig.layout.margin.b >= 75 + 2 * 15


def test_file_stem():
    assert theme.file_stem("E06000023", "2026-03", "radar", "gated") == (
        "E06000023_2026-03_radar_gated"
    )
    assert theme.file_stem("a/b", None, "x y") == "a-b_x-y"
