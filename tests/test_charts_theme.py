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


# -- print ---------------------------------------------------------------------------------------


def _figure() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2], textfont={"size": 8}))
    fig.update_xaxes(tickfont={"size": 9})
    fig.update_layout(width=1100, height=500)
    long = "A subtitle long enough to need two lines at print size: " + "word " * 20
    return theme.finish(
        fig, title="T", subtitle=long, note=theme.source_note("2026-03", 9, "gated")
    )


def test_titles_are_padded_and_the_source_note_lines_start_on_the_left():
    fig = _figure()
    assert fig.layout.title.pad.l == theme.TITLE_PAD > 0  # not flush against the edge
    note = next(a for a in fig.layout.annotations if a.text.startswith("Self-assessments"))
    assert note.align == "left" and note.xanchor == "left"


def test_for_print_draws_at_print_width_with_every_text_legible():
    fig = _figure()
    spec = theme.for_print(fig.to_dict())
    assert spec["layout"]["width"] == round(16 * 96 / 2.54)
    placed = 16 / 2.54 * 72  # placed at 16 cm: points
    sizes = theme.print_size_pt(spec, placed)
    assert min(sizes.values()) >= 9.0, sizes
    assert sizes["layout.title.font"] >= 11.0
    # placed at Word's default text width (15.9 cm) every text is still 9 pt or more
    assert min(theme.print_size_pt(spec, 15.2 / 2.54 * 72).values()) >= 9.0
    # a subtitle too long for the width is broken into lines, and the top margin grows with it
    subtitle = spec["layout"]["title"]["subtitle"]["text"]
    assert "<br>" in subtitle and spec["layout"]["height"] > 500
    assert spec["layout"]["margin"]["t"] > fig.layout.margin.t
    assert fig.layout.width == 1100  # the screen figure is untouched


def test_font_sizes_find_every_font_setting():
    spec = _figure().to_dict()
    sizes = theme.font_sizes(spec)
    assert sizes["layout.font"] == 13
    assert any(path.endswith("tickfont") for path in sizes)
    assert any("annotations" in path for path in sizes)
    assert any(path.startswith("data") and path.endswith("textfont") for path in sizes)


def test_figures_built_in_one_go_hold_only_valid_properties(demo_db):
    """`theme.figure` skips plotly's checks for speed: every chart the pages build is checked
    here instead (plotly raises on any property it does not know, or a value it refuses)."""
    from ehdmm.analysis.rounds import load_round
    from ehdmm.scoring import Rule
    from ehdmm.viewer import LOCAL_VIEWER, Viewer
    from ehdmm.views import benchmark, compare, overview, profile
    from ehdmm.views.scope import Scope

    data = load_round(demo_db, "2026-03", Rule.GATED)
    own = Viewer(role="authority", authority_code="E06000023", email="a@bristol.gov.uk")
    figures = []
    for viewer in (LOCAL_VIEWER, own):
        for code in ("E06000023", "E06000022"):  # with and without a submission in the round
            if not viewer.can_see(code):
                continue
            scope = Scope(str(demo_db), (0.0, 0), viewer, code, "2026-03", "region", Rule.GATED)
            view = profile.build(scope, data)
            for items in ("dimension", "strand"):
                figures += [view.levels(items).radar.fig, view.levels(items).dots.fig]
                figures.append(view.distribution(items).chart.fig)
            figures += [view.trajectory_chart("overall").fig, view.trajectory_chart("strands").fig]
            if view.index.chart is not None:
                figures.append(view.index.chart.fig)
            assert benchmark.build(scope, data).index.chart is not None or not viewer.sees_all
    scope = Scope(
        str(demo_db), (0.0, 0), LOCAL_VIEWER, "E06000023", "2026-03", "region", Rule.GATED
    )
    seen = compare.build(scope, data)
    for items in ("dimension", "strand"):
        result = seen.comparison((*seen.default, "E06000022"), items)
        figures += [result.radar.fig, result.panels.fig]
    board = overview.build(scope, data)
    figures += [board.levels_by_strand.fig, board.heatmap("dimension").fig, board.change.fig]
    for fig in figures:
        go.Figure(fig.to_plotly_json())  # raises ValueError on an invalid property
    assert len(figures) > 20


def _long_figure() -> dict:
    """A bar chart with a long title, subtitle and note, a wide left margin and a horizontal
    legend of six entries, as the Overview's bars are."""
    fig = go.Figure([go.Bar(x=[1], y=["a"], name=f"Level name {k}") for k in range(6)])
    theme.finish(
        fig,
        title="Authorities at each level, by strand and by something longer",
        subtitle="Round 2026-03; England; n = 145 authorities assessed; and more words here",
        note=theme.source_note("2026-03", 145, "gated"),
        height=500,
    )
    fig.update_layout(margin={"l": 210}, xaxis_title="Authorities with a level in both rounds")
    return fig.to_dict()


def test_for_screen_breaks_texts_to_fit_a_phone_and_keeps_their_sizes():
    spec = _long_figure()
    screen = theme.for_screen(spec)
    layout = screen["layout"]
    per_line = {"title": 18, "subtitle": 13}
    room = theme.SCREEN_MIN_PX - 2 * theme.TITLE_PAD
    for text, size in (
        (layout["title"]["text"], per_line["title"]),
        (layout["title"]["subtitle"]["text"], per_line["subtitle"]),
    ):
        assert "<br>" in text
        assert max(len(line) for line in text.split("<br>")) * size * theme.AVERAGE_EM <= room
    [note] = [a for a in layout["annotations"] if a["text"].startswith("Self-assessments")]
    assert note["xshift"] == theme.TITLE_PAD - 210  # from the figure's edge, not the plot's
    assert max(len(line) for line in note["text"].split("<br>")) * 11 * theme.AVERAGE_EM <= room
    assert "<br>" in layout["xaxis"]["title"]["text"] and layout["xaxis"]["automargin"]
    assert theme.font_sizes(screen) == theme.font_sizes(spec)  # nothing is shrunk
    assert spec["layout"]["title"]["text"].count("<br>") == 0  # the figure given is unchanged


def test_for_screen_puts_the_legend_under_the_subtitle_with_room_for_its_rows():
    spec = _long_figure()
    layout = theme.for_screen(spec)["layout"]
    legend, height = layout["legend"], layout["height"]
    assert legend["yref"] == "container" and legend["yanchor"] == "top"
    top_of_legend = (1 - legend["y"]) * height
    title_lines = layout["title"]["text"].count("<br>") + 1
    subtitle_lines = layout["title"]["subtitle"]["text"].count("<br>") + 1
    assert top_of_legend >= title_lines * 18 + subtitle_lines * 13  # under the subtitle
    plot = theme.SCREEN_MIN_PX - 210 - layout["margin"]["r"]
    rows = theme.legend_rows([f"Level name {k}" for k in range(6)], plot, 13)
    assert rows >= 3  # at a phone's width the entries stack
    assert layout["margin"]["t"] >= top_of_legend + rows * theme.LEGEND_ROW_PX
    before = spec["layout"]
    plot_height = before["height"] - before["margin"]["t"] - before["margin"]["b"]
    assert layout["height"] - layout["margin"]["t"] - layout["margin"]["b"] == plot_height
