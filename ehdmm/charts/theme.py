"""One look for every figure: the level palette, fonts, title/subtitle and the source note.

Charts are pure functions from tidy DataFrames to plotly figures; each calls `finish()` so that a
downloaded image stands alone: title, subtitle (round, peer group, n) and a source note
("Self-assessments, <round>; n = ...; scoring rule: ...") are inside the figure.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

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


def finish(
    fig: go.Figure, *, title: str, subtitle: str, note: str, height: int | None = None
) -> go.Figure:
    """Apply the house style: fonts, white background, title, subtitle, source note."""
    fig.update_layout(
        title={
            "text": title,
            "subtitle": {"text": subtitle, "font": {"size": 13}},
            "x": 0,
            "xanchor": "left",
            "font": {"size": 18},
        },
        font={"family": FONT, "size": 13, "color": "#1b1b1b"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 60, "r": 30, "t": 90, "b": 90},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=note,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-75,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#505050"},
    )
    return ensure_note_space(fig)


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
    for annotation in fig.layout.annotations:
        text = annotation.text or ""
        if not text.startswith("Self-assessments"):
            continue
        lines = text.count("<br>") + 1
        shift = -(annotation.yshift or 0)
        needed = int(shift + 15 * lines + 12)
        if (fig.layout.margin.b or 0) < needed:
            fig.update_layout(margin={"b": needed})
    return fig
