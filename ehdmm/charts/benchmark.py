"""Figures of an authority among its peers: the group's spread over the four levels per item
(small multiples, one bar chart per strand or dimension) and the spread of the maturity index.

Inputs are the tidy frames of `ehdmm.analysis.benchmark` (`distribution`, `index_points`).
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from ehdmm.analysis.benchmark import IndexSummary
from ehdmm.charts import theme
from ehdmm.disclosure import SUPPRESSED
from ehdmm.model import Model
from ehdmm.scoring import format_index
from ehdmm.tables import INCOMPLETE

MARK = "▼"  # written above the authority's own bar


def _wrap(text: str, width: int = 28) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def level_categories(model: Model) -> list[str]:
    """The bar categories: "1 Early" ... "4 Mature" (the level ticks' labels)."""
    return list(theme.level_ticks(model)["ticktext"])


def own_label(authority_name: str, level_name: str) -> str:
    """The text that marks the authority's own level on a bar."""
    return f"{MARK} {authority_name}: {level_name}"


def _n_text(n: object) -> str:
    """A count, or 'suppressed' when disclosure control hid it."""
    return SUPPRESSED if n is None or pd.isna(n) else str(int(n))


def _suppressed_notes(part: pd.DataFrame, categories: list[str], axis: str) -> list[dict]:
    """'suppressed' where disclosure control hid a count (never a bar of 0), and the reason
    across a chart whose counts are all hidden: annotations to add."""
    if bool(part["count"].isna().all()):
        reason = part["reason"].iloc[0] if "reason" in part else None
        return [
            dict(
                x=0.5,
                y=0.45,
                xref=f"x{axis} domain",
                yref=f"y{axis} domain",
                text=_wrap(f"Suppressed: {reason}" if reason else SUPPRESSED, 30),
                showarrow=False,
                font={"color": "#595959", "size": 12},
            )
        ]
    return [
        dict(
            x=categories[int(level) - 1],
            y=0,
            xref=f"x{axis}",
            yref=f"y{axis}",
            text=SUPPRESSED,
            textangle=-90,
            yanchor="bottom",
            showarrow=False,
            font={"color": "#595959", "size": 11},
        )
        for level, count in zip(part["level"], part["count"], strict=True)
        if pd.isna(count)
    ]


ROW_HEIGHT = 210  # px of one row of bar charts
ROW_GAP = 125  # px between rows: tick labels, then the next row's titles
TOP = 165  # px above the first row: title, subtitle, the first row's titles


def distribution_chart(
    dist: pd.DataFrame,
    model: Model,
    *,
    round_id: str,
    n: int | None,
    rule: str,
    authority_name: str,
    peers_label: str,
    has_submission: bool = True,
    columns: int | None = None,
) -> go.Figure:
    """One bar chart per item of the group's members at each level (counts written on the
    bars, the authority's own level marked in text). `dist` is `analysis.benchmark.distribution`;
    `n` is the number of members with a submission; each item's own n is in its title."""
    peers_label = theme.rich(peers_label)  # a custom group's name is user text
    order = list(dict.fromkeys(dist["item_id"]))
    # each item's rows by level, split once (a filter per item cost more than the chart)
    parts = dict(iter(dist.sort_values("level", kind="stable").groupby("item_id", sort=False)))
    count = max(1, len(order))
    cols = columns or (3 if count <= 6 else 4)
    cols = max(1, min(cols, count))
    rows = max(1, math.ceil(count / cols))
    plot_height = rows * ROW_HEIGHT + (rows - 1) * ROW_GAP
    height = plot_height + TOP + 100
    titles = []
    for item in order:
        part = parts[item]
        titles.append(f"{_wrap(part['item_name'].iloc[0])}<br>(n = {_n_text(part['n'].iloc[0])})")
    layout = theme.grid(
        rows,
        cols,
        titles,
        vertical_spacing=ROW_GAP / plot_height if rows > 1 else 0.0,
        horizontal_spacing=0.06,
    )
    categories = level_categories(model)
    shown_counts = dist["count"].dropna() if not dist.empty else dist["count"]
    top = max(1, int(shown_counts.max()) if len(shown_counts) else 1)
    bars: list[dict] = []
    notes: list[dict] = []
    for position, item in enumerate(order):
        part = parts[item]
        levels = [int(v) for v in part["level"]]
        raw_n = part["n"].iloc[0]
        item_n = None if pd.isna(raw_n) else int(raw_n)
        counts = [None if pd.isna(c) else int(c) for c in part["count"]]
        axis = "" if position == 0 else str(position + 1)
        bars.append(
            {
                "type": "bar",
                "x": [categories[v - 1] for v in levels],
                "y": counts,
                "name": str(part["item_name"].iloc[0]),
                "meta": {"item_id": item, "n": item_n},
                "text": [SUPPRESSED if c is None else str(c) for c in counts],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [
                    [_n_text(item_n), SUPPRESSED if pd.isna(s) else round(float(s), 1)]
                    for s in part["share"]
                ],
                "hovertemplate": "%{x}: %{text} of %{customdata[0]} members (%{customdata[1]}%)"
                "<extra>%{fullData.name}</extra>",
                "marker": {
                    "color": [theme.LEVEL_COLOURS[v] for v in levels],
                    "line": {
                        "color": [theme.HIGHLIGHT if o else "#ffffff" for o in part["own"]],
                        "width": [4 if o else 1 for o in part["own"]],
                    },
                },
                "showlegend": False,
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
            }
        )
        notes += _suppressed_notes(part, categories, axis)
        notes.append(_own_note(part, levels, categories, axis, authority_name, has_submission))
    for position in range(rows * cols):
        axis = "" if position == 0 else str(position + 1)
        theme.merge(
            layout[f"yaxis{axis}"],
            {"range": [0, top * 1.75 + 1], "gridcolor": "#eeeeee", "rangemode": "tozero"},
        )
        if position % cols == 0:
            theme.merge(layout[f"yaxis{axis}"], {"title": {"text": "Authorities"}})
        theme.merge(
            layout[f"xaxis{axis}"],
            {
                "categoryorder": "array",
                "categoryarray": categories,
                # "2<br>Developing": four names side by side fit a phone's width
                "tickmode": "array",
                "tickvals": categories,
                "ticktext": [c.replace(" ", "<br>", 1) for c in categories],
                "tickangle": 0,
                "tickfont": {"size": 11},
            },
        )
    is_dimension = bool(order) and set(order) <= set(model.dimension_ids)
    word = "dimension" if is_dimension else "strand"
    theme.merge(
        layout,
        theme.house_style(
            title=f"{peers_label}: members at each level, by {word}",
            subtitle=f"Round {round_id} · {peers_label} · n = {_n_text(n)} members with a "
            f"submission (each chart's n: members with a level for it) · {authority_name} "
            f"marked {MARK}",
            height=height,
        ),
    )
    layout["annotations"] = [
        *layout.get("annotations", []),
        *notes,
        theme.note_annotation(theme.source_note(round_id, n, rule)),
    ]
    theme.merge(
        layout,
        {
            "margin": {"t": TOP},
            "title": {"yref": "container", "y": 1 - 16 / height, "yanchor": "top"},
        },
    )
    return theme.figure(bars, layout)


def _own_note(
    part: pd.DataFrame,
    levels: list[int],
    categories: list[str],
    axis: str,
    authority_name: str,
    has_submission: bool,
) -> dict:
    """The authority's own level written above its bar (or why it has none)."""
    mine = part[part["own"]]
    if mine.empty:
        return {
            "x": 0.5,
            "y": 1.0,
            "xref": f"x{axis} domain",
            "yref": f"y{axis} domain",
            "text": f"{authority_name}: {INCOMPLETE if has_submission else 'no submission'}",
            "showarrow": False,
            "yanchor": "top",
            "font": {"color": theme.HIGHLIGHT, "size": 12},
        }
    level = int(mine["level"].iloc[0])
    text = own_label(authority_name, str(mine["level_name"].iloc[0]))
    anchor = "left" if level == min(levels) else "right" if level == max(levels) else None
    return {
        "x": categories[level - 1],
        "y": 1.0,
        "xref": f"x{axis}",
        "yref": f"y{axis} domain",
        "text": _wrap(text, 26),
        "showarrow": False,
        "xanchor": anchor or "center",
        "xshift": {"left": -30, "right": 30}.get(anchor or "", 0),
        "yanchor": "top",
        "align": {"left": "left", "right": "right"}.get(anchor or "", "center"),
        "font": {"color": theme.HIGHLIGHT, "size": 12},
    }


def index_strip(
    points: pd.DataFrame,
    *,
    round_id: str,
    n: int,
    rule: str,
    authority_name: str,
    peers_label: str,
) -> go.Figure:
    """Box and jittered points of the group's maturity index (hover: authority names), the
    authority highlighted and labelled. `points` is `analysis.benchmark.index_points`; `n` is
    the number of members with an index."""
    peers_label = theme.rich(peers_label)  # a custom group's name is user text
    group = f"{peers_label} (n = {n})"
    box = {
        "type": "box",
        "x": points["index"].to_numpy(dtype=float),  # sent as one typed array
        "y0": group,  # one category: not a list of the same name for every point
        "orientation": "h",
        "name": group,
        "boxpoints": "all",
        "jitter": 0.6,
        "pointpos": 0,
        "text": list(points["authority_name"]),
        "hovertemplate": "%{text}: %{x:.2f}<extra></extra>",
        "marker": {"color": theme.PEER_COLOUR, "size": 7, "opacity": 0.7},
        "line": {"color": "#8c8c8c"},
        "fillcolor": "rgba(0,0,0,0)",
        "showlegend": False,
    }
    own = points[points["is_authority"]]
    value = None if own.empty else float(own["index"].iloc[0])
    traces, layout = _own_index([box], {}, value, group, authority_name)
    theme.styled(
        layout,
        title=f"{peers_label}: maturity index",
        subtitle=f"Round {round_id} · {peers_label} · n = {n} members with a complete return",
        note=theme.source_note(round_id, n, rule),
        height=360,
    )
    return theme.figure(traces, layout)


def index_box(
    summary: IndexSummary,
    *,
    round_id: str,
    rule: str,
    authority_name: str,
    peers_label: str,
) -> go.Figure:
    """The anonymous variant of `index_strip`: a box drawn from the group's quartiles only (no
    whiskers to a minimum or maximum, no points, no names), the authority marked and labelled.
    `summary` is `analysis.aggregates.index_summary`."""
    peers_label = theme.rich(peers_label)  # a custom group's name is user text
    group = f"{peers_label} (n = {summary.n})"
    box = {
        "type": "box",
        "q1": [summary.q1],
        "median": [summary.median],
        "q3": [summary.q3],
        "lowerfence": [summary.q1],
        "upperfence": [summary.q3],
        "y": [group],
        "orientation": "h",
        "name": f"{peers_label}: quartiles",
        "boxpoints": False,
        "hoverinfo": "x",
        "line": {"color": "#8c8c8c"},
        "fillcolor": "rgba(117, 112, 179, 0.15)",
        "showlegend": False,
    }
    notes = [
        {
            "x": value,
            "y": 0,
            "yref": "paper",
            "text": f"{label}<br>{format_index(value)}",
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": "#595959", "size": 11},
        }
        for value, label in (
            (summary.q1, "lower quartile"),
            (summary.median, "median"),
            (summary.q3, "upper quartile"),
        )
    ]
    traces, layout = _own_index([box], {"annotations": notes}, summary.own, group, authority_name)
    theme.styled(
        layout,
        title=f"{peers_label}: maturity index, middle half of the group",
        subtitle=f"Round {round_id} · {peers_label} · n = {summary.n} members with a complete "
        "return · the box spans the lower to the upper quartile (line: median)",
        note=theme.source_note(round_id, summary.n, rule),
        height=360,
    )
    return theme.figure(traces, layout)


def _own_index(
    traces: list[dict], layout: dict, value: float | None, group: str, authority_name: str
) -> tuple[list[dict], dict]:
    """The authority's index as a labelled diamond in HIGHLIGHT (or a note that it has none),
    and the index axis shared by the strip and the box."""
    if value is not None:
        traces.append(
            {
                "type": "scatter",
                "x": [value],
                "y": [group],
                "name": authority_name,
                "mode": "markers+text",
                "text": [f"{authority_name}: {format_index(value)}"],
                "textposition": "top center",
                "textfont": {"color": theme.HIGHLIGHT, "size": 13},
                "hovertemplate": "%{text}<extra></extra>",
                "showlegend": False,
                "marker": {
                    "color": theme.HIGHLIGHT,
                    "size": 16,
                    "symbol": "diamond",
                    "line": {"color": "#ffffff", "width": 1.5},
                },
            }
        )
    else:
        layout.setdefault("annotations", []).append(
            {
                "x": 0.5,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "text": f"{authority_name}: no maturity index (incomplete or no return)",
                "showarrow": False,
                "font": {"color": theme.HIGHLIGHT},
            }
        )
    layout["xaxis"] = {
        "range": [0.9, 4.1],
        "tickvals": [1, 1.5, 2, 2.5, 3, 3.5, 4],
        "title": {"text": "Maturity index (mean of the dimension levels; not a level)"},
        "gridcolor": "#e5e5e5",
        "zeroline": False,
    }
    layout["yaxis"] = {"showticklabels": False}
    return traces, layout
