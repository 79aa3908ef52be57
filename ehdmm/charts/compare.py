"""Comparison charts: an overlaid radar and small multiples of a few authorities' levels.

Both take the tidy frame of `ehdmm.analysis.compare.comparison_long` (authority_code,
authority_name, item_id, item_name, level, level_label), one authority after another.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ehdmm.charts import theme
from ehdmm.charts.profile import wrap_label
from ehdmm.model import Model, load_model

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
NOUNS = {"dimension": "dimension", "strand": "strand"}
TOP, BOTTOM = 130, 90  # small multiples' margins, px


def _authorities(long: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of each authority, in the frame's order."""
    pairs = dict(zip(long["authority_code"], long["authority_name"], strict=True))
    return list(pairs.items())


def series_colours(codes: list[str], highlight: str | None) -> dict[str, str]:
    """A colour per authority: the highlighted one gets `theme.HIGHLIGHT`, the others the rest
    of `theme.SERIES` in order (never the highlight colour)."""
    others = [c for c in theme.SERIES if c != theme.HIGHLIGHT] + [theme.ENGLAND_COLOUR]
    colours: dict[str, str] = {}
    index = 0
    for code in codes:
        if code == highlight:
            colours[code] = theme.HIGHLIGHT
        else:
            colours[code] = others[index % len(others)]
            index += 1
    return colours


def _subtitle(
    n: int, rule: str, group_label: str | None, highlight_name: str | None, mark: str
) -> str:
    group = f" ({group_label})" if group_label else ""
    text = f"{n} authorit{'y' if n == 1 else 'ies'} with a submission{group}; scoring rule: {rule}"
    if highlight_name:
        text += f". {mark}: {highlight_name} (your authority)"
    return text


def _levels(frame: pd.DataFrame) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in frame["level"]]


def overlaid_radar(
    long: pd.DataFrame,
    model: Model | None = None,
    *,
    round_id: str | None,
    n: int,
    rule: str,
    items: str = "dimension",
    highlight: str | None = None,
    group_label: str | None = None,
) -> go.Figure:
    """One closed Scatterpolar line per authority (legend: its name), angular axis the items'
    names from the model, radial axis the levels 1-4 labelled with their names. The trace's
    ``r`` holds the levels in item order, then the first again to close the shape; an incomplete
    item is a gap (None) and reads "incomplete" on hover."""
    model = model or load_model()
    noun = NOUNS[items]
    traces: list[dict] = []
    authorities = _authorities(long)
    colours = series_colours([c for c, _ in authorities], highlight)
    highlight_name = None
    for index, (code, name) in enumerate(authorities):
        rows = long[long["authority_code"] == code]
        levels = _levels(rows)
        thetas = list(rows["item_name"])
        mine = code == highlight
        if mine:
            highlight_name = name
        who = f"{name} (your authority)" if mine else name
        hover = [
            f"<b>{who}</b><br>{t}: {label}"
            for t, label in zip(thetas, rows["level_label"], strict=True)
        ]
        traces.append(
            {
                "type": "scatterpolar",
                "r": [*levels, levels[0]] if levels else [],
                "theta": [*thetas, thetas[0]] if thetas else [],
                "name": name,
                "mode": "lines+markers",
                "line": {
                    "color": colours[code],
                    "width": 4 if mine else 2,
                    "dash": DASHES[index % len(DASHES)],
                },
                "marker": {"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 9 if mine else 7},
                "text": [*hover, hover[0]] if hover else [],
                "hovertemplate": "%{text}<extra></extra>",
                "connectgaps": False,
            }
        )
    ticks = theme.level_ticks(model)
    n_items = max(long["item_id"].nunique(), 1)
    names = list(dict.fromkeys(long["item_name"]))
    gaps = long[long["level"].isna()]
    layout = {
        "polar": {
            "radialaxis": {
                "range": [0, max(model.level_names)],
                "tickvals": ticks["tickvals"],
                "ticktext": ticks["ticktext"],
                "angle": 90 + 180 / n_items,
                "tickangle": 90 + 180 / n_items,
                "tickfont": {"size": 10},
                "gridcolor": "#d0d0d0",
                "showline": False,
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "gridcolor": "#d0d0d0",
                # the names broken over lines, so that they fit beside a phone-sized radar
                "tickmode": "array",
                "tickvals": names,
                "ticktext": [wrap_label(name, 14) for name in names],
                "tickfont": {"size": 12},
            },
            "bgcolor": "#ffffff",
        },
        "legend": {"title": {"text": "Authority"}},
        "showlegend": True,
        "annotations": [],
    }
    if not gaps.empty:
        layout["annotations"].append(
            {
                "text": "Gaps are incomplete returns:<br>"
                + "<br>".join(
                    f"{name}: {item}"
                    for name, item in zip(gaps["authority_name"], gaps["item_name"], strict=True)
                ),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                "showarrow": False,
                "font": {"size": 11, "color": "#505050"},
            }
        )
    theme.merge(
        layout,
        theme.house_style(
            title=f"Levels by {noun}, round {round_id}",
            subtitle=_subtitle(n, rule, group_label, highlight_name, "Thick orange line"),
            height=660,
        ),
    )
    layout["annotations"].append(theme.note_annotation(theme.source_note(round_id, n, rule)))
    theme.merge(
        layout,
        {
            # the legend above the radar, which keeps the figure's whole width
            "margin": {"t": 210, "l": 105, "r": 105},
            "legend": {"orientation": "h", "x": 0, "y": 1.08, "yanchor": "bottom"},
        },
    )
    return theme.figure(traces, layout)


def small_multiples(
    long: pd.DataFrame,
    model: Model | None = None,
    *,
    round_id: str | None,
    n: int,
    rule: str,
    items: str = "dimension",
    highlight: str | None = None,
    group_label: str | None = None,
    columns: int = 4,
) -> go.Figure:
    """One horizontal bar panel per authority (subplot title: its name); bars are the items'
    levels, coloured by `theme.LEVEL_COLOURS` and labelled with the level's name; an incomplete
    item reads "incomplete". The highlighted authority's panel is framed in `theme.HIGHLIGHT`."""
    model = model or load_model()
    noun = NOUNS[items]
    authorities = _authorities(long)
    count = max(len(authorities), 1)
    cols = min(count, columns)
    rows = math.ceil(count / cols)
    item_names = list(dict.fromkeys(long["item_name"]))
    layout = theme.grid(
        rows,
        cols,
        [name for _, name in authorities] or [""],
        shared_yaxes=True,
        horizontal_spacing=0.03,
        vertical_spacing=0.12 if rows > 1 else 0.05,
    )
    ticks = theme.level_ticks(model)
    height = TOP + BOTTOM + rows * (34 * max(len(item_names), 1) + 70)
    highlight_name = None
    bars: list[dict] = []
    notes: list[dict] = []
    shapes: list[dict] = []
    for index, (code, name) in enumerate(authorities):
        axis = "" if index == 0 else str(index + 1)
        frame = long[long["authority_code"] == code]
        levels = _levels(frame)
        mine = code == highlight
        if mine:
            highlight_name = name
        bars.append(
            {
                "type": "bar",
                "x": levels,
                "y": list(frame["item_name"]),
                "orientation": "h",
                "name": name,
                "marker": {
                    "color": [theme.LEVEL_COLOURS.get(v, theme.MISSING_COLOUR) for v in levels],
                    "line": {"color": "#1b1b1b", "width": 0.5},
                },
                "text": list(frame["level_label"]),
                "textposition": "inside",
                "insidetextanchor": "start",
                "textfont": {
                    "color": [theme.LEVEL_TEXT.get(v, "#1b1b1b") for v in levels],
                    "size": 11,
                },
                "hovertemplate": f"<b>{name}</b><br>%{{y}}: %{{text}}<extra></extra>",
                "showlegend": False,
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
            }
        )
        for item, level in zip(frame["item_name"], levels, strict=True):
            if level is None:
                notes.append(
                    {
                        "x": 0.05,
                        "y": item,
                        "text": "incomplete",
                        "showarrow": False,
                        "xanchor": "left",
                        "font": {"size": 11, "color": "#505050"},
                        "xref": f"x{axis}",
                        "yref": f"y{axis}",
                    }
                )
        if mine:
            # Take in the subplot title (about 30 px above the panel).
            title_room = 30 / max(height - TOP - BOTTOM, 1)
            x_domain = layout[f"xaxis{axis}"]["domain"]
            y_domain = layout[f"yaxis{axis}"]["domain"]
            shapes.append(
                {
                    "type": "rect",
                    "xref": "paper",
                    "yref": "paper",
                    "x0": x_domain[0] - 0.005,
                    "x1": x_domain[1] + 0.005,
                    "y0": y_domain[0] - 0.01,
                    "y1": y_domain[1] + title_room,
                    "line": {"color": theme.HIGHLIGHT, "width": 3},
                }
            )
    for position in range(rows * cols):
        axis = "" if position == 0 else str(position + 1)
        theme.merge(
            layout[f"xaxis{axis}"],
            {
                "range": [0, max(model.level_names) + 0.05],
                "tickvals": ticks["tickvals"],
                "ticktext": ticks["ticktext"],
                "tickfont": {"size": 10},
                "gridcolor": "#e0e0e0",
            },
        )
        theme.merge(
            layout[f"yaxis{axis}"],
            {"categoryorder": "array", "categoryarray": item_names[::-1], "automargin": True},
        )
    layout["annotations"] = [*layout.get("annotations", []), *notes]
    if highlight_name:
        for annotation in layout["annotations"]:
            if annotation.get("text") == highlight_name:
                theme.merge(annotation, {"font": {"color": theme.HIGHLIGHT}})
    if shapes:
        layout["shapes"] = shapes
    theme.merge(
        layout,
        theme.house_style(
            title=f"Levels by {noun}, one panel per authority, round {round_id}",
            subtitle=_subtitle(n, rule, group_label, highlight_name, "Orange frame"),
            height=height,
        ),
    )
    layout["annotations"].append(theme.note_annotation(theme.source_note(round_id, n, rule)))
    theme.merge(layout, {"margin": {"t": TOP, "b": BOTTOM}})
    return theme.figure(bars, layout)
