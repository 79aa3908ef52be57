"""One look for every figure: the level palette, fonts, title/subtitle and the source note.

Charts are pure functions from tidy DataFrames to plotly figures; each calls `finish()` so that a
downloaded image stands alone: title, subtitle (round, peer group, n) and a source note
("Self-assessments, <round>; n = ...; scoring rule: ...") are inside the figure.

Print: `for_print` lays a figure out for paper. It is drawn as wide as it will be printed
(`PRINT_WIDTH_CM`, in CSS pixels of 1/96 inch, so that one pixel is 0.75 pt where it is placed at
that width) with every text at least `PRINT_MIN_PT` and titles `PRINT_TITLE_PT`; the screen look
is unchanged.
"""

from __future__ import annotations

import copy
import functools
import html
import json
import math
import re
from collections.abc import Iterator
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
TITLE_PAD = 10  # px between the image's left edge and the title (never flush against it)

# Print sizes. A CSS pixel is 1/96 inch: drawn N cm wide and placed N cm wide, 1 px = 0.75 pt.
PX_PER_CM = 96 / 2.54
PT_PER_PX = 0.75
PRINT_WIDTH_CM = 16.0  # a portrait A4 page's text (Word's default margins leave 15.9 cm)
PRINT_MIN_PT = 9.5  # every text; at least 9 pt even when placed at 15.2 cm
PRINT_TITLE_PT = 12.0  # the figure's title
PRINT_DPI = 300  # PNG pictures
SERIES = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#034e7b", "#666666"]


def rich(text: str) -> str:
    """User text (a custom group's name) for plotly's rich text: its HTML tags shown as
    written, never as links or formatting."""
    return html.escape(text, quote=False)


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
            "pad": {"l": TITLE_PAD},
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
        "align": "left",  # both lines of the note start at the plot's left edge
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


# --------------------------------------------------------------------------------------------
# Print


def print_px(width_cm: float) -> int:
    """CSS pixels (1/96 inch) of a length in centimetres."""
    return round(width_cm * PX_PER_CM)


def _font_holders(node: object, path: str = "") -> Iterator[tuple[str, dict]]:
    """(path, dict) of every font setting in a figure spec: the layout's font and every key
    ending in 'font' (tickfont, textfont, legend font, annotation fonts, title fonts...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key.endswith("font") and isinstance(value, dict):
                yield here, value
            yield from _font_holders(value, here)
    elif isinstance(node, list):
        for number, item in enumerate(node):
            yield from _font_holders(item, f"{path}[{number}]")


def is_title_font(path: str) -> bool:
    """True for the font of the figure's own title (not its subtitle or an axis title)."""
    return path == "layout.title.font"


def font_sizes(spec: dict) -> dict[str, float]:
    """Every text size (px) a figure spec sets, by path; the layout's font size stands for
    every text that sets none (plotly's default is 12)."""
    layout = spec.get("layout", {})
    base = float((layout.get("font") or {}).get("size") or 12)
    sizes = {"layout.font": base}
    for path, font in _font_holders(spec):
        size = font.get("size")
        if isinstance(size, int | float):
            sizes[path] = float(size)
    return sizes


def for_print(spec: dict, width_cm: float = PRINT_WIDTH_CM) -> dict:
    """A copy of a figure spec (a plain dict, `fig.to_dict()`) laid out for paper: `width_cm`
    wide in CSS pixels, so that placed at that width each pixel is 0.75 pt; every text at
    least `PRINT_MIN_PT`, the title `PRINT_TITLE_PT`. The height and margins stay as the chart
    sets them (its layout is in pixels), so the plot takes the width it is given."""
    out = copy.deepcopy(spec)
    layout = out.setdefault("layout", {})
    layout["width"] = print_px(width_cm)
    smallest, title = PRINT_MIN_PT / PT_PER_PX, PRINT_TITLE_PT / PT_PER_PX
    base = layout.setdefault("font", {})
    base["size"] = max(float(base.get("size") or 12), smallest)
    for path, font in _font_holders(out):
        size = font.get("size")
        if isinstance(size, int | float):
            font["size"] = max(float(size), title if is_title_font(path) else smallest)
    title_font = layout.setdefault("title", {}).setdefault("font", {})
    title_font["size"] = max(float(title_font.get("size") or 0), title)
    _fit_titles(layout)
    _fit_note(layout)
    return out


AVERAGE_EM = 0.56  # a line's width estimated as characters x font size x this (Arial: ~0.5)
LINE_HEIGHT = 1.3


def wrap_rich(text: str, room_px: float, font_px: float) -> str:
    """Plotly rich text with every line (between <br>) broken at spaces so that its estimated
    width fits `room_px`."""
    per_line = max(10, int(room_px / (font_px * AVERAGE_EM)))
    out = []
    for line in text.split("<br>"):
        words, current = line.split(" "), ""
        for word in words:
            if current and len(_TAG.sub("", f"{current} {word}")) > per_line:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
    return "<br>".join(out)


_TAG = re.compile(r"<[^>]+>")


def _grow(layout: dict, side: str, extra: float) -> None:
    """Add `extra` px to the top or bottom margin and to the height, so that the plot keeps its
    size and whatever is placed in paper coordinates stays where it was against it."""
    height = float(layout.get("height") or 450)
    margin = layout.setdefault("margin", {})
    extra = float(math.ceil(extra))
    margin[side] = float(margin.get(side) or (100 if side == "t" else 80)) + extra
    title = layout.get("title") or {}
    if side == "t" and title.get("yref") == "container" and title.get("y") is not None:
        title["y"] = 1 - (1 - float(title["y"])) * height / (height + extra)
    layout["height"] = height + extra


def _fit_titles(layout: dict, width: float | None = None) -> None:
    """Title and subtitle broken into lines that fit the width (`width`, else the layout's);
    the top margin grows by the lines added."""
    title = layout.get("title") or {}
    room = float(width or layout["width"]) - 2 * TITLE_PAD
    added = 0.0
    for part in (title, title.get("subtitle") or {}):
        text = part.get("text")
        if not text:
            continue
        size = float((part.get("font") or {}).get("size") or layout["font"]["size"])
        wrapped = wrap_rich(text, room, size)
        added += (wrapped.count("<br>") - text.count("<br>")) * size * LINE_HEIGHT
        part["text"] = wrapped
    if added:
        _grow(layout, "t", added)


def _fit_note(layout: dict) -> None:
    """The source note starts at the image's left edge (past the title's padding) and is broken
    into lines that fit; the bottom margin grows by the lines added."""
    margin = layout.get("margin") or {}
    width = float(layout["width"])
    left, right = float(margin.get("l") or 80), float(margin.get("r") or 80)
    plot = max(1.0, width - left - right)
    for note in layout.get("annotations", []):
        text = str(note.get("text") or "")
        if not text.startswith("Self-assessments") or note.get("xref", "paper") != "paper":
            continue
        note["x"] = (TITLE_PAD - left) / plot
        size = float((note.get("font") or {}).get("size") or layout["font"]["size"])
        wrapped = wrap_rich(text, width - 2 * TITLE_PAD, size)
        note["text"] = wrapped
        lines = wrapped.count("<br>") + 1
        needed = -float(note.get("yshift") or 0) + lines * size * LINE_HEIGHT + 8
        bottom = float(margin.get("b") or 80)
        if needed > bottom:
            _grow(layout, "b", needed - bottom)


def print_size_pt(spec: dict, placed_width_pt: float) -> dict[str, float]:
    """Every text size of a drawn figure spec in points where a document places it
    `placed_width_pt` wide."""
    scale = placed_width_pt / float(spec["layout"]["width"])
    return {path: size * scale for path, size in font_sizes(spec).items()}


# --------------------------------------------------------------------------------------------
# Screen

SCREEN_MIN_PX = 340  # the narrowest a chart is drawn: a phone's 390 px less the page's padding
LEGEND_ROW_PX = 21  # one row of legend entries
LEGEND_SYMBOL_PX = 46  # an entry's symbol and the gaps around its text


def for_screen(spec: dict, width_px: float = SCREEN_MIN_PX, *, in_place: bool = False) -> dict:
    """A copy of a figure spec laid out to be legible on any screen from `width_px` (a phone)
    to a laptop, as plotly sizes it to the page: title, subtitle and source note broken into
    lines that fit `width_px` (the note starting at the figure's left edge); a horizontal
    legend above the plot with room for as many rows as it takes at that width; every axis
    making room for its tick labels and title (automargin). Texts keep their sizes.
    `in_place`: the spec itself is laid out (one made for it, e.g. by `fig.to_dict()`)."""
    out = spec if in_place else copy.deepcopy(spec)
    layout = out.setdefault("layout", {})
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text") and title.get("y") is None:
        height = float(layout.get("height") or 450)
        title.update({"yref": "container", "y": 1 - 16 / height, "yanchor": "top"})
    _fit_titles(layout, width_px)
    margin = layout.get("margin") or {}
    plot = width_px - float(margin.get("l") or 80) - float(margin.get("r") or 80)
    added = 0.0  # px the bottom axis titles grew by
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
            if key.startswith("x"):
                added = max(added, _wrap_axis_title(axis, plot, layout))
    _fit_screen_note(layout, width_px, added)
    _fit_screen_legend(layout, out.get("data") or [], width_px)
    return out


def _wrap_axis_title(axis: dict, plot_px: float, layout: dict) -> float:
    """An x axis title broken into lines that fit the plot's width at the narrowest screen;
    the px it grew by under the plot (0 for an axis at the top)."""
    title = axis.get("title")
    if not isinstance(title, dict) or not title.get("text"):
        return 0.0
    domain = axis.get("domain") or [0, 1]
    room = max(80.0, plot_px * (float(domain[1]) - float(domain[0])))
    base = float((layout.get("font") or {}).get("size") or 12)
    size = float((title.get("font") or {}).get("size") or base)
    text = str(title["text"])
    title["text"] = wrap_rich(text, room, size)
    added = (title["text"].count("<br>") - text.count("<br>")) * size * LINE_HEIGHT
    return 0.0 if axis.get("side") == "top" else added


def _fit_screen_note(layout: dict, width: float, below: float = 0.0) -> None:
    """The source note starts at the figure's left edge (past the title's padding, whatever
    the left margin), is broken into lines that fit `width` and moves `below` px further
    down (under an axis title that grew)."""
    margin = layout.setdefault("margin", {})
    base = float((layout.get("font") or {}).get("size") or 12)
    for note in layout.get("annotations", []):
        text = str(note.get("text") or "")
        if not text.startswith("Self-assessments") or note.get("xref", "paper") != "paper":
            continue
        left = float(margin.get("l") or 80)
        note.update({"x": 0, "xanchor": "left", "xshift": TITLE_PAD - left})
        note["yshift"] = float(note.get("yshift") or 0) - below
        size = float((note.get("font") or {}).get("size") or base)
        note["text"] = wrap_rich(text, width - 2 * TITLE_PAD, size)
        lines = note["text"].count("<br>") + 1
        needed = -float(note.get("yshift") or 0) + lines * size * LINE_HEIGHT + 8
        bottom = float(margin.get("b") or 80)
        if needed > bottom:
            _grow(layout, "b", needed - bottom)


def legend_rows(names: list[str], width: float, font_px: float) -> int:
    """Rows a horizontal legend of these entries takes in `width` px (estimated)."""
    rows, used = 1, 0.0
    for name in names:
        entry = LEGEND_SYMBOL_PX + len(_TAG.sub("", name)) * font_px * AVERAGE_EM
        if used and used + entry > width:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


def _title_block(layout: dict) -> float:
    """The height (px) the title and subtitle take from the top of the figure."""
    title = layout.get("title") or {}
    base = float((layout.get("font") or {}).get("size") or 12)
    height = 16.0
    for part, default in ((title, 18.0), (title.get("subtitle") or {}, 13.0)):
        text = part.get("text")
        if text:
            size = float((part.get("font") or {}).get("size") or default or base)
            height += (text.count("<br>") + 1) * size * LINE_HEIGHT + 6
    return height


def _above_plot(layout: dict) -> float:
    """The height (px) of the texts written just above the plot (the first row's subplot
    titles), which the legend must clear."""
    base = float((layout.get("font") or {}).get("size") or 12)
    tallest = 0.0
    for note in layout.get("annotations", []):
        y = note.get("y")
        if note.get("yref") != "paper" or not isinstance(y, int | float) or y < 0.999:
            continue
        if note.get("yanchor") != "bottom":
            continue
        size = float((note.get("font") or {}).get("size") or base)
        lines = str(note.get("text") or "").count("<br>") + 1
        tallest = max(tallest, lines * size * LINE_HEIGHT + float(note.get("yshift") or 0))
    return tallest


def _fit_screen_legend(layout: dict, data: list[dict], width: float) -> None:
    """A horizontal legend goes above the plot, under the subtitle, and the top margin grows
    to hold every row it takes at `width`."""
    legend = layout.get("legend") or {}
    if legend.get("orientation") != "h":
        return
    names = [
        str(t.get("name"))
        for t in data
        if t.get("name") and t.get("showlegend", True) is not False and t.get("type") != "heatmap"
    ]
    if not names:
        return
    font = legend.get("font") or layout.get("font") or {}
    size = float(font.get("size") or 12)
    block = _title_block(layout)
    # plotly breaks a horizontal legend's rows at the plot's width (not the figure's)
    margin = layout.get("margin") or {}
    plot = max(60.0, width - float(margin.get("l") or 80) - float(margin.get("r") or 80))
    needed = block + legend_rows(names, plot, size) * LEGEND_ROW_PX + 14 + _above_plot(layout)
    top = float((layout.get("margin") or {}).get("t") or 100)
    if needed > top:
        _grow(layout, "t", needed - top)
    height = float(layout.get("height") or 450)
    legend.update(
        {
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - block / height,
            "yanchor": "top",
        }
    )
