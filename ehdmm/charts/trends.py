"""Figures of change over rounds: level shares per strand and round (small multiples) and the
transition matrix between two rounds. Pure functions of the frames from
`ehdmm.analysis.trends`."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ehdmm import tables
from ehdmm.charts import theme
from ehdmm.charts.overview import wrap
from ehdmm.model import Model

COUNT_SCALE = [[0.0, "#ffffff"], [1.0, "#54278f"]]  # counts (not levels): white to purple
COLUMNS = 3


def sizes_text(sizes: dict[str, int]) -> str:
    """'n per round: 2023-03: 146, 2024-03: 139'."""
    return "n per round: " + ", ".join(f"{r}: {n}" for r, n in sizes.items())


def level_shares_chart(
    shares: pd.DataFrame,
    model: Model,
    *,
    sizes: dict[str, int],
    group: str,
    rule: str,
    columns: int = COLUMNS,
) -> go.Figure:
    """One panel per strand (and overall), `columns` to a row: 100% stacked bars per round,
    one colour per level (named in the legend, hover and the bar text); n per round in the
    subtitle and hover."""
    rounds = list(sizes)
    items = list(dict.fromkeys(shares["item_id"]))
    names = dict(zip(shares["item_id"], shares["item_name"], strict=False))
    cols = max(1, columns)
    rows = max(1, math.ceil(len(items) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[wrap(names[i], 36) for i in items],
        shared_yaxes=True,
        vertical_spacing=0.22 / rows + 0.06,
        horizontal_spacing=0.04,
    )
    for k, item in enumerate(items):
        row, col = k // cols + 1, k % cols + 1
        panel = shares[shares["item_id"] == item]
        for number in model.level_names:
            label = tables.level_label(number, model)
            data = panel[panel["level"] == number].set_index("round_id").reindex(rounds)
            fig.add_bar(
                name=label,
                legendgroup=label,
                showlegend=k == 0,
                x=rounds,
                y=[float(v) for v in data["share"]],
                marker={"color": theme.LEVEL_COLOURS[number]},
                text=[f"{v:.0f}%" if v >= 8 else "" for v in data["share"]],
                textposition="inside",
                textangle=0,
                insidetextanchor="middle",
                textfont={"color": theme.LEVEL_TEXT[number], "size": 11},
                customdata=[
                    [label, int(c), int(n), int(i)]
                    for c, n, i in zip(data["count"], data["n"], data["incomplete"], strict=True)
                ],
                hovertemplate=(
                    f"{names[item]}<br>Round %{{x}}<br>%{{customdata[0]}}: %{{y:.1f}}% "
                    "(%{customdata[1]} of n = %{customdata[2]}; "
                    "%{customdata[3]} incomplete)<extra></extra>"
                ),
                row=row,
                col=col,
            )
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(range=[0, 100], ticksuffix="%", gridcolor="#e5e5e5")
    fig.update_xaxes(type="category")
    for k in range(len(items), rows * cols):  # hide unused panels
        fig.update_xaxes(visible=False, row=k // cols + 1, col=k % cols + 1)
        fig.update_yaxes(visible=False, row=k // cols + 1, col=k % cols + 1)
    fig.update_annotations(font={"size": 13}, yshift=8)  # clear of the "100%" tick below
    period = f"{rounds[0]} to {rounds[-1]}" if rounds else None
    theme.finish(
        fig,
        title="Share of authorities at each level, by round",
        subtitle=f"Rounds {period}; {group}; {sizes_text(sizes)} (shares of those with a level)",
        note=theme.source_note(period, None, rule),
        height=220 + 300 * rows,
    )
    fig.update_layout(margin={"t": 120, "b": 110}, legend={"y": -0.08})
    return fig


def transition_chart(
    matrix: pd.DataFrame,
    model: Model,
    *,
    from_round: str,
    to_round: str,
    item_name: str,
    group: str,
    rule: str,
    authority_name: str | None = None,
    authority_levels: tuple[int | None, int | None] = (None, None),
) -> go.Figure:
    """Counts of authorities from each level (rows) to each level (columns), written in the
    cells; the chosen authority's cell is outlined and labelled in HIGHLIGHT."""
    numbers = list(model.level_names)
    labels = [tables.level_label(k, model) for k in numbers]
    grid = matrix.set_index(["from_level", "to_level"])["count"]
    z = [[int(grid.get((a, b), 0)) for b in numbers] for a in numbers]
    n = int(matrix["count"].sum())
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=numbers,
            y=numbers,
            customdata=[[[a, b] for b in labels] for a in labels],
            colorscale=COUNT_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            texttemplate="%{z}",
            textfont={"size": 15},
            showscale=False,  # each cell says its count; a colour bar left a phone no room
            hovertemplate=(
                f"{from_round}: %{{customdata[0]}}<br>{to_round}: %{{customdata[1]}}<br>"
                "%{z} authorities<extra></extra>"
            ),
        )
    )
    before, after = authority_levels
    if authority_name and before is not None and after is not None:
        fig.add_shape(
            type="rect",
            x0=after - 0.5,
            x1=after + 0.5,
            y0=before - 0.5,
            y1=before + 0.5,
            line={"color": theme.HIGHLIGHT, "width": 4},
        )
        fig.add_annotation(
            x=after,
            y=before,
            yshift=-22,
            text=f"{authority_name} (selected)",
            showarrow=False,
            font={"color": theme.HIGHLIGHT, "size": 11},
            bgcolor="#ffffff",
        )
    ticks = theme.level_ticks(model)
    fig.update_yaxes(
        autorange="reversed", title_text=f"Level in {from_round}", tickmode="array", **ticks
    )
    fig.update_xaxes(
        title_text=f"Level in {to_round}",
        tickmode="array",
        tickvals=ticks["tickvals"],
        ticktext=[t.replace(" ", "<br>", 1) for t in ticks["ticktext"]],  # four fit a phone
        tickangle=0,
        tickfont={"size": 11},
    )
    theme.finish(
        fig,
        title=f"Level changes, {item_name}",
        subtitle=f"Round {from_round} to {to_round}; {group}; n = {n} authorities with a level "
        "in both rounds",
        note=theme.source_note(f"{from_round} and {to_round}", n, rule),
        height=560,
    )
    fig.update_layout(margin={"l": 110, "b": 110})
    return fig
