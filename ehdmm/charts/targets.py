"""The authority's targets as a third trace ("Target") on the profile's radar and dot plot: a
pure function from a figure and the targets to a new figure (the figure given is not changed).
Targets are markers only (an open star, in the peer colour's darker twin) with their round in
the hover text, so that the three traces stay apart in greyscale and for colour-blind readers.
"""

from __future__ import annotations

import copy

import plotly.graph_objects as go

from ehdmm.charts import theme

TARGET_NAME = "Target"
TARGET_MARKER = {
    "color": theme.ENGLAND_COLOUR,
    "size": 15,
    "symbol": "star-open",
    "line": {"width": 2, "color": theme.ENGLAND_COLOUR},
}


def with_targets(
    fig: go.Figure, items: list[str], targets: dict[str, tuple[int, str, str]]
) -> go.Figure:
    """A copy of a radar (scatterpolar) or dot plot (scatter, items on the y axis) with the
    targets as a trace: `items` the figure's item names in order, `targets` item name ->
    (level, level name, round)."""
    if not targets:
        return fig
    levels = [targets[i][0] if i in targets else None for i in items]
    words = [f"{targets[i][1]} by {targets[i][2]}" if i in targets else "" for i in items]
    polar = bool(fig.data) and fig.data[0].type == "scatterpolar"
    trace: dict = {
        "type": "scatterpolar" if polar else "scatter",
        "name": TARGET_NAME,
        "mode": "markers",
        "marker": copy.deepcopy(TARGET_MARKER),
        "text": words,
        "connectgaps": False,
    }
    if polar:
        trace |= {
            "r": levels,
            "theta": items,
            "hovertemplate": "%{theta}: %{text}<extra>Target</extra>",
        }
    else:
        trace |= {"x": levels, "y": items, "hovertemplate": "%{y}: %{text}<extra>Target</extra>"}
    spec = fig.to_dict()
    return theme.figure([*spec["data"], trace], spec["layout"])


def trajectory_with_targets(
    fig: go.Figure, rounds: list[str], targets: list[tuple[int, str, int, str]]
) -> go.Figure:
    """A copy of the strands' trajectory (one subplot per strand, sharing the rounds axis) with
    each target as a marker at its round on its strand's subplot: `targets` as (strand's
    position, dimension name, level, round). The rounds axis reaches the latest target round."""
    if not targets:
        return fig
    spec = fig.to_dict()
    for number, (position, name, level, round_id) in enumerate(targets):
        axis = "" if position == 0 else str(position + 1)
        spec["data"].append(
            {
                "type": "scatter",
                "x": [round_id],
                "y": [level],
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "name": TARGET_NAME,
                "legendgroup": TARGET_NAME,
                "showlegend": number == 0,
                "mode": "markers",
                "marker": copy.deepcopy(TARGET_MARKER),
                "text": [f"{name}: target by {round_id}"],
                "hovertemplate": "%{text}<extra>Target</extra>",
            }
        )
    axis_rounds = sorted({*rounds, *(t[3] for t in targets)})
    spec["layout"].setdefault("xaxis", {})
    for key, axis in spec["layout"].items():
        if key.startswith("xaxis"):
            axis["categoryarray"] = axis_rounds
    return theme.figure(spec["data"], spec["layout"])
