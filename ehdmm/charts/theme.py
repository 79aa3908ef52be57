"""One look for every figure: the level palette, fonts, title/subtitle and the source note.

Charts are pure functions from tidy DataFrames to plotly figures; each calls `finish()` so that a
downloaded image stands alone: title, subtitle (round, peer group, n) and a source note
("Self-assessments, <round>; n = ...; scoring rule: ...") are inside the figure.
"""

from __future__ import annotations

import functools
import json
from datetime import date

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ehdmm.model import Model, load_model

# Sequential, single-hue (ColorBrewer PuBu) so that order reads without colour vision and in
# greyscale; darker is more mature. Text on a level colour uses LEVEL_TEXT for contrast.
LEVEL_COLOURS: dict[int, str] = {1: "#c6d2e8", 2: "#74a9cf", 3: "#2b7bb9", 4: "#034e7b"}
LEVEL_TEXT: dict[int, str] = {1: "#1b1b1b", 2: "#1b1b1b", 3: "#ffffff", 4: "#ffffff"}
MISSING_COLOUR = "#f2f2f2"
HIGHLIGHT = "#d95f02"  # the chosen authority: an orange that stands apart from the blues
PEER_COLOUR = "#6b6b6b"
ENGLAND_COLOUR = "#1b1b1b"
FONT = "Arial, Helvetica, sans-serif"
SERIES = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#034e7b", "#666666"]


def source_note(
    round_id: str | None, n: int | None, rule: str | None, exported: date | None = None
) -> str:
    """The source line inside every figure."""
    parts = [f"Self-assessments, {round_id}" if round_id else "Self-assessments"]
    if n is not None:
        parts.append(f"n = {n}")
    if rule:
        parts.append(f"scoring rule: {rule}")
    text = "; ".join(parts)
    if exported:
        text += f"; exported {exported.isoformat()}"
    return text + ".<br>Data Maturity Model for Early Help Services (MHCLG, 2017)."


def house_style(*, title: str, subtitle: str, height: int | None = None) -> dict:
    """The house style as layout properties: fonts, white background, title and subtitle."""
    style = {
        "title": {
            "text": title,
            "subtitle": {"text": subtitle, "font": {"size": 13}},
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18},
        },
        "font": {"family": FONT, "size": 13, "color": "#1b1b1b"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 30, "t": 90, "b": 90},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    }
    if height:
        style["height"] = height
    return style


def note_annotation(note: str) -> dict:
    """The source note under the plot, as an annotation's properties."""
    return {
        "text": note,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": -75,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 11, "color": "#505050"},
    }


def finish(
    fig: go.Figure, *, title: str, subtitle: str, note: str, height: int | None = None
) -> go.Figure:
    """Apply the house style: fonts, white background, title, subtitle, source note."""
    fig.update_layout(house_style(title=title, subtitle=subtitle, height=height))
    add_notes(fig, [note_annotation(note)])
    return ensure_note_space(fig)


def styled(
    layout: dict, *, title: str, subtitle: str, note: str, height: int | None = None
) -> dict:
    """`finish` for a figure's layout as a dict (built in one go by `figure`)."""
    merge(layout, house_style(title=title, subtitle=subtitle, height=height))
    layout["annotations"] = [*layout.get("annotations", []), note_annotation(note)]
    return note_space(layout)


def note_margin(annotations: list) -> int:
    """The bottom margin the source note among `annotations` needs (0 without one); each
    annotation a dict or a plotly annotation."""

    def get(annotation: object, name: str) -> object:
        return annotation.get(name) if isinstance(annotation, dict) else annotation[name]

    needed = 0
    for annotation in annotations:
        text = get(annotation, "text") or ""
        if text.startswith("Self-assessments"):
            shift = -(get(annotation, "yshift") or 0)
            needed = max(needed, int(shift + 15 * (text.count("<br>") + 1) + 12))
    return needed


def note_space(layout: dict) -> dict:
    """`ensure_note_space` for a layout as a dict."""
    margin = layout.setdefault("margin", {})
    needed = note_margin(layout.get("annotations", []))
    if needed and (margin.get("b") or 0) < needed:
        margin["b"] = needed
    return layout


def merge(base: dict, extra: dict) -> dict:
    """`base` updated by `extra` as `update_layout` does: nested properties merged, not
    replaced (in place; returned)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


@functools.lru_cache(maxsize=32)
def _grid(
    rows: int, cols: int, titles: int, vertical: float, horizontal: float, shared_yaxes: bool
) -> str:
    """The layout (JSON) of `make_subplots` for this grid, with `titles` placeholder titles."""
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[str(i) for i in range(titles)] or None,
        vertical_spacing=vertical,
        horizontal_spacing=horizontal,
        shared_yaxes=shared_yaxes,
    )
    return json.dumps(fig.layout.to_plotly_json())


def grid(
    rows: int,
    cols: int,
    titles: list[str],
    *,
    vertical_spacing: float,
    horizontal_spacing: float,
    shared_yaxes: bool = False,
) -> dict:
    """The layout of a grid of subplots, as `make_subplots` makes it (axes `xaxis`, `xaxis2`,
    ... row by row; the titles as annotations), for a figure built in one go (`figure`)."""
    layout = json.loads(
        _grid(rows, cols, len(titles), vertical_spacing, horizontal_spacing, shared_yaxes)
    )
    for annotation, text in zip(layout.get("annotations", []), titles, strict=False):
        annotation["text"] = text
    return layout


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure built in one go from its traces and layout as dicts, without plotly's checks
    of every property as it is set (about ten times faster; the same figure: the chart tests
    build every chart checked, `tests/test_charts_theme.py`)."""
    try:
        fig = go.Figure(data=data, layout=layout, _validate=False)
    except (TypeError, ValueError):  # a plotly without the option: built checked
        fig = go.Figure(data=data, layout=layout)
    return ensure_note_space(fig)


def add_notes(fig: go.Figure, notes: list[dict]) -> go.Figure:
    """Append annotations (keyword dicts of `fig.add_annotation`) at once: one at a time, each
    re-checks every annotation before it."""
    if notes:
        fig.layout.annotations += tuple(go.layout.Annotation(**note) for note in notes)
    return fig


def level_ticks(model: Model | None = None) -> dict[str, list]:
    """Tick values 1-4 labelled with the level names."""
    model = model or load_model()
    numbers = list(model.level_names)
    return {"tickvals": numbers, "ticktext": [f"{n} {model.level_names[n]}" for n in numbers]}


def image_config(filename: str, scale: int = 2) -> dict:
    """plotly config: the modebar's camera downloads `filename`.png at `scale`."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": scale},
    }


def file_stem(*parts: str | None) -> str:
    """A safe file name from parts: E06000023_2026-03_radar_gated."""
    cleaned = []
    for part in parts:
        if not part:
            continue
        text = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in str(part))
        cleaned.append(text.strip("-"))
    return "_".join(p for p in cleaned if p)


def ensure_note_space(fig: go.Figure) -> go.Figure:
    """Make the bottom margin tall enough for the source note (charts may change margins after
    `finish`); called again just before a figure is shown or exported."""
    needed = note_margin(fig.layout.annotations)
    if needed and (fig.layout.margin.b or 0) < needed:
        fig.update_layout(margin={"b": needed})
    return fig
