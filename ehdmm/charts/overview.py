"""Figures of the national overview: levels per strand, every authority x dimension, and change
since the previous round. Pure functions of the tidy frames from `ehdmm.analysis.overview`."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from ehdmm import tables
from ehdmm.charts import theme
from ehdmm.model import Model

CHANGE_COLOURS: dict[str, str] = {"declined": "#7570b3", "same": "#bdbdbd", "improved": "#1b9e77"}
CHANGE_TEXT: dict[str, str] = {"declined": "#ffffff", "same": "#1b1b1b", "improved": "#ffffff"}
GAP_LABEL = "no level"
# Bar charts put the legend between the subtitle and the plot, clear of the source note.
LEGEND_ON_TOP = {"y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"}
# Strand names in lines short enough to leave the bars room on a phone
LABEL_WIDTH = 18
BAR_MARGIN = 150
# The heatmap's colour key: a bar under the plot, as wide as a phone allows
KEY_PX = 330


def wrap(text: str, width: int = 22) -> str:
    """Break a long label into lines (plotly's <br>)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def at_level(frame: pd.DataFrame, number: int | None) -> pd.DataFrame:
    """Rows of a tidy frame at one level (`None`: rows without a level)."""
    levels = frame["level"].astype("Int64")
    if number is None:
        return frame[levels.isna().to_numpy()]
    return frame[(levels == number).fillna(False).to_numpy(dtype=bool)]


def subtitle(round_id: str | None, group: str, n: int, what: str = "authorities assessed") -> str:
    return f"Round {round_id}; {group}; n = {n} {what}"


def level_counts_chart(
    counts: pd.DataFrame,
    model: Model,
    *,
    round_id: str | None,
    n: int,
    rule: str,
    group: str = "England",
    authority_name: str | None = None,
    authority_levels: dict[str, int | None] | None = None,
) -> go.Figure:
    """Stacked horizontal bars: authorities at each level per strand (and overall), incomplete
    last in the missing colour. The chosen authority's level is marked per strand with a
    HIGHLIGHT diamond named in the legend and hover."""
    items = list(dict.fromkeys(counts["item_id"]))
    names = dict(zip(counts["item_id"], counts["item_name"], strict=False))
    labels = [wrap(names[i], LABEL_WIDTH) for i in items]
    traces: list[dict] = []
    series = [(number, model.level_names[number]) for number in model.level_names]
    series.append((None, tables.INCOMPLETE))
    for number, _ in series:
        rows = at_level(counts, number).set_index("item_id").reindex(items)
        label = tables.level_label(number, model)
        colour = theme.LEVEL_COLOURS[number] if number else theme.MISSING_COLOUR
        text_colour = theme.LEVEL_TEXT[number] if number else "#1b1b1b"
        traces.append(
            {
                "type": "bar",
                "name": label,
                "y": labels,
                "x": [int(c) for c in rows["count"]],
                "orientation": "h",
                "marker": {
                    "color": colour,
                    "line": {"color": "#8c8c8c" if not number else colour},
                },
                "text": [str(int(c)) if c else "" for c in rows["count"]],
                "textposition": "inside",
                "textangle": 0,
                "insidetextanchor": "start",  # the chosen authority's diamond: mid-segment
                "textfont": {"color": text_colour},
                "customdata": [[label, int(t)] for t in rows["n"]],
                "hovertemplate": "%{y}<br>%{customdata[0]}: %{x} of %{customdata[1]}"
                "<extra></extra>",
            }
        )
    if authority_name and authority_levels:
        xs, ys, text = [], [], []
        for item, label in zip(items, labels, strict=True):
            level = authority_levels.get(item)
            level = None if level is None or pd.isna(level) else int(level)
            item_counts = counts[counts["item_id"] == item]
            ordered = [*model.level_names, None]
            before = 0
            for number in ordered:
                count = int(at_level(item_counts, number)["count"].sum())
                if (number is None and level is None) or number == level:
                    xs.append(before + count / 2)
                    break
                before += count
            ys.append(label)
            text.append(f"{authority_name}: {tables.level_label(level, model)}")
        traces.append(
            {
                "type": "scatter",
                "name": f"{authority_name} (selected)",
                "x": xs,
                "y": ys,
                "mode": "markers",
                "marker": {
                    "symbol": "diamond",
                    "size": 13,
                    "color": theme.HIGHLIGHT,
                    "line": {"color": "#ffffff", "width": 1.5},
                },
                "text": text,
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "bargap": 0.3,
        "yaxis": {"autorange": "reversed"},
        "xaxis": {"title": {"text": "Authorities"}, "gridcolor": "#e5e5e5"},
    }
    theme.styled(
        layout,
        title="Authorities at each level, by strand",
        subtitle=subtitle(round_id, group, n),
        note=theme.source_note(round_id, n, rule),
        height=140 + 70 * len(items),
    )
    theme.merge(layout, {"margin": {"l": BAR_MARGIN, "t": 160, "b": 100}, "legend": LEGEND_ON_TOP})
    return theme.figure(traces, layout)


def _unique_labels(frame: pd.DataFrame) -> dict[str, str]:
    """Authority code -> row label (the name; name and code where two share a name)."""
    rows = frame.drop_duplicates("authority_code")
    counts = rows["authority_name"].value_counts()
    return {
        code: name if counts[name] == 1 else f"{name} ({code})"
        for code, name in zip(rows["authority_code"], rows["authority_name"], strict=True)
    }


def level_colourscale(model: Model) -> list[list]:
    """A discrete colourscale for z = 0 (no level) and the level numbers."""
    colours = [theme.MISSING_COLOUR, *[theme.LEVEL_COLOURS[n] for n in model.level_names]]
    bands = len(colours)
    scale: list[list] = []
    for i, colour in enumerate(colours):
        scale.append([i / bands, colour])
        scale.append([(i + 1) / bands, colour])
    return scale


def heatmap_chart(
    cells: pd.DataFrame,
    model: Model,
    *,
    round_id: str | None,
    n: int,
    rule: str,
    group: str = "England",
    authority: str | None = None,
    rows_shown: str = "",
) -> go.Figure:
    """Every authority (rows, highest maturity index at the top) x dimension or strand, coloured
    by level (missing, incomplete or no submission in the missing colour); hover and colour bar
    name the level. The chosen authority's row is outlined and labelled in HIGHLIGHT.
    `rows_shown` (e.g. 'rows 201-400 of 15,300') goes in the subtitle when `cells` is a block."""
    ordered = cells.sort_values("row")
    row_labels = _unique_labels(ordered)
    codes = list(dict.fromkeys(ordered["authority_code"]))
    items = list(dict.fromkeys(ordered["item_id"]))
    item_name = dict(zip(ordered["item_id"], ordered["item_name"], strict=False))
    x = [item_name[i] for i in items]  # upright (tickangle -90): a column each, at any width
    y = [row_labels[c] for c in codes]
    # one pivot per grid (a lookup per cell is quadratic in practice at 15,000 authorities)
    levels = ordered.pivot(index="authority_code", columns="item_id", values="level")
    levels = levels.reindex(index=codes, columns=items)
    z = levels.astype("Float64").fillna(0).astype(int).to_numpy().tolist()
    labels = ordered.pivot(index="authority_code", columns="item_id", values="label")
    custom = labels.reindex(index=codes, columns=items).astype(object).to_numpy().tolist()
    top = max(model.level_names)
    traces = [
        {
            "type": "heatmap",
            "z": z,
            "x": x,
            "y": y,
            "customdata": custom,
            "zmin": -0.5,
            "zmax": top + 0.5,
            "colorscale": level_colourscale(model),
            "xgap": 1,
            "ygap": 1,
            "hovertemplate": "%{y}<br>%{x}: %{customdata}<extra></extra>",
            "colorbar": {
                "tickvals": [0, *model.level_names],
                "ticktext": [GAP_LABEL, *[tables.level_label(k, model) for k in model.level_names]],
                "title": {"text": "Level"},
                "len": min(1.0, 500 / max(500, 15 * len(codes))),
                "y": 1,
                "yanchor": "top",
            },
            "showscale": False,  # the key is the legend: it fits a phone, a colour bar does not
        },
        *[
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "marker": {"symbol": "square", "size": 13, "color": colour},
                "name": name,
                "hoverinfo": "skip",
            }
            for colour, name in zip(
                [theme.MISSING_COLOUR, *[theme.LEVEL_COLOURS[k] for k in model.level_names]],
                [GAP_LABEL, *[tables.level_label(k, model) for k in model.level_names]],
                strict=True,
            )
        ],
    ]
    layout: dict = {"legend": {"orientation": "h", "traceorder": "normal"}}
    ticktext = list(y)
    if authority in codes:
        position = codes.index(authority)
        ticktext[position] = (
            f'<span style="color:{theme.HIGHLIGHT}"><b>▶ {y[position]} (selected)</b></span>'
        )
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": -0.5,
                "x1": len(items) - 0.5,
                "y0": position - 0.5,
                "y1": position + 0.5,
                "line": {"color": theme.HIGHLIGHT, "width": 3},
            }
        ]
    layout["yaxis"] = {
        "autorange": "reversed",
        "tickmode": "array",
        "tickvals": y,
        "ticktext": ticktext,
        "tickfont": {"size": 11},
    }
    layout["xaxis"] = {
        "side": "top",
        "tickangle": -90,
        "tickfont": {"size": 10},
        "tickmode": "array",  # every column labelled, however narrow
        "tickvals": x,
        "ticktext": x,
    }
    longest = max((len(str(name)) for name in x), default=0) * 10 * theme.AVERAGE_EM
    view = "dimension" if len(items) == len(model.dimension_ids) else "strand"
    theme.styled(
        layout,
        title=f"Every authority's level by {view}",
        subtitle=subtitle(round_id, group, n)
        + (f"; {rows_shown}" if rows_shown else "")
        + "; highest maturity index at the top (missing, incomplete or no submission in grey)",
        note=theme.source_note(round_id, n, rule),
        height=max(600, 15 * len(codes) + 420),
    )
    # the key (one row per level at the narrowest) under the subtitle, above the column labels
    legend = 21 * (len(model.level_names) + 1) + 10
    margin = {"l": 230, "t": 125 + legend + round(longest), "r": 30, "b": 90}
    plot = layout["height"] - margin["t"] - margin["b"]
    key = {"y": 1 + (round(longest) + 12) / plot, "yanchor": "bottom", "x": 0}
    theme.merge(layout, {"margin": margin, "legend": key})
    return theme.figure(traces, layout)


def change_chart(
    changes: pd.DataFrame,
    model: Model,
    *,
    round_id: str | None,
    previous_round: str | None,
    n: int,
    rule: str,
    group: str = "England",
) -> go.Figure:
    """Stacked horizontal bars per strand: authorities that declined, kept or improved their
    level since the previous round (only those with a level in both)."""
    del model  # the strands come in the frame; kept for the common chart signature
    items = list(dict.fromkeys(changes["item_id"]))
    names = dict(zip(changes["item_id"], changes["item_name"], strict=False))
    labels = [wrap(names[i], LABEL_WIDTH) for i in items]
    fig = go.Figure()
    for change in ("declined", "same", "improved"):
        rows = changes[changes["change"] == change].set_index("item_id").reindex(items)
        label = str(rows["change_label"].iloc[0]) if len(rows) else change
        fig.add_bar(
            name=label,
            y=labels,
            x=[int(c) for c in rows["count"]],
            orientation="h",
            marker={"color": CHANGE_COLOURS[change]},
            text=[str(int(c)) if c else "" for c in rows["count"]],
            textposition="inside",
            textangle=0,
            insidetextanchor="middle",
            textfont={"color": CHANGE_TEXT[change]},
            customdata=[[label, int(t)] for t in rows["n"]],
            hovertemplate="%{y}<br>%{customdata[0]}: %{x} of %{customdata[1]}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Authorities with a level in both rounds", gridcolor="#e5e5e5")
    theme.finish(
        fig,
        title=f"Change in level since {previous_round}, by strand",
        subtitle=f"Round {previous_round} to {round_id}; {group}; n = {n} authorities "
        "assessed in both rounds",
        note=theme.source_note(round_id, n, rule),
        height=140 + 70 * len(items),
    )
    fig.update_layout(margin={"l": BAR_MARGIN, "t": 160, "b": 100}, legend=LEGEND_ON_TOP)
    return fig
