"""The targets' trace on the radar and the dot plot: a new figure, markers at the target levels
(gaps where no target), the round in the hover text; the figure given is left as it was."""

from __future__ import annotations

import plotly.graph_objects as go

from ehdmm.charts.targets import TARGET_NAME, with_targets

ITEMS = ["Casework", "Research", "Training"]
TARGETS = {"Casework": (3, "Maturing", "2027-03"), "Training": (4, "Mature", "2028-03")}


def test_radar_gets_a_target_trace_and_the_original_is_unchanged():
    fig = go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=ITEMS, name="Own"))
    out = with_targets(fig, ITEMS, TARGETS)
    assert len(fig.data) == 1 and len(out.data) == 2
    trace = out.data[1]
    assert trace.type == "scatterpolar" and trace.name == TARGET_NAME
    assert list(trace.r) == [3, None, 4] and list(trace.theta) == ITEMS
    assert list(trace.text) == ["Maturing by 2027-03", "", "Mature by 2028-03"]
    assert trace.mode == "markers"


def test_dot_plot_gets_a_target_trace_on_its_items_axis():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=ITEMS, name="Own"))
    trace = with_targets(fig, ITEMS, TARGETS).data[1]
    assert trace.type == "scatter" and list(trace.x) == [3, None, 4] and list(trace.y) == ITEMS


def test_no_targets_gives_the_figure_itself():
    fig = go.Figure(go.Scatter(x=[1], y=["Casework"]))
    assert with_targets(fig, ["Casework"], {}) is fig


def test_trajectory_gets_a_marker_at_the_target_round_on_its_strand():
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True)
    fig.add_trace(go.Scatter(x=["2025-03", "2026-03"], y=[1, 2]), row=1, col=1)
    fig.add_trace(go.Scatter(x=["2025-03", "2026-03"], y=[2, 2]), row=2, col=1)
    out = with_targets_of(fig)
    marker = out.data[2]
    assert (list(marker.x), list(marker.y), marker.xaxis, marker.yaxis) == (
        ["2027-03"],
        [3],
        "x2",
        "y2",
    )
    assert list(out.layout.xaxis2.categoryarray) == ["2025-03", "2026-03", "2027-03"]
    assert len(fig.data) == 2


def with_targets_of(fig: go.Figure) -> go.Figure:
    from ehdmm.charts.targets import trajectory_with_targets

    return trajectory_with_targets(fig, ["2025-03", "2026-03"], [(1, "Casework", 3, "2027-03")])


def test_figures_with_targets_hold_only_valid_properties():
    """The copies are built without plotly's checks (`theme.figure`): built checked, they are
    the same figures (plotly raises on a property it does not know or a value it refuses)."""
    from plotly.subplots import make_subplots

    radar = with_targets(go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=ITEMS)), ITEMS, TARGETS)
    dots = with_targets(go.Figure(go.Scatter(x=[1, 2, 3], y=ITEMS)), ITEMS, TARGETS)
    strands = make_subplots(rows=2, cols=1, shared_xaxes=True)
    strands.add_trace(go.Scatter(x=["2025-03"], y=[1]), row=1, col=1)
    trajectory = with_targets_of(strands)
    for fig in (radar, dots, trajectory):
        assert go.Figure(fig.to_dict()).to_dict() == fig.to_dict()
