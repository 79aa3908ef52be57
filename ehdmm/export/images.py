"""Static chart images (PNG, SVG, PDF) through kaleido and the system Chromium, ready for print.

One warm browser per process is reused for every image (kaleido's sync server, with `TABS` tabs
so that a report's charts are drawn side by side), started on the first export. When no Chromium
is found, `chromium_problem()` says so and how to install it; plotly's in-browser download (the
modebar camera) still works.

A chart file stands alone on paper: it is drawn at its print size (`theme.for_print`: 16 cm
wide, every text at least 9.5 pt where it is placed at that width); a PNG at 300 dpi that says so
(`pHYs`) and carries its title; an SVG with `<title>` and `<desc>` that declares the size it is
drawn at (in cm); a PDF of one A4 page (landscape when the chart fits it) made from the SVG by
WeasyPrint as a tagged PDF (PDF/UA-1) titled with the chart's title.
"""

from __future__ import annotations

import atexit
import html
import os
import re
import shutil
import struct
import tempfile
import threading
import warnings
import zlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go

import ehdmm
from ehdmm.charts import theme
from ehdmm.charts.theme import ensure_note_space

if TYPE_CHECKING:
    import kaleido

FORMATS: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
INSTALL_HINT = "Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) and restart."
TABS = 4  # tabs of the one warm browser: a report's four charts are drawn side by side
DEFAULT_HEIGHT = 650
# A4 in CSS pixels and the page margin of a chart's PDF
A4_CM = (21.0, 29.7)
PDF_MARGIN_CM = 1.5

_lock = threading.Lock()
_server_started = False


class ImageExportUnavailable(RuntimeError):
    """No browser for static image export."""


def chromium_path() -> str | None:
    """The Chromium kaleido will use (BROWSER_PATH, else the usual system paths)."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and os.path.exists(configured):
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


def chromium_problem() -> str | None:
    """None when image export can work; otherwise a plain sentence saying what is missing."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "Image export needs the kaleido package (pip install -r requirements.txt)."
    if chromium_path() is None:
        return f"Image export (PNG, SVG, PDF) needs Chromium, which was not found. {INSTALL_HINT}"
    return None


def page() -> kaleido.PageGenerator:
    """The page kaleido draws in: plotly.js from the installed plotly package and no MathJax.
    Kaleido's default page loads MathJax from a CDN at every tab reload; offline (a council
    network, this project's CI) that request stalls a drawing for seconds, and online it sends
    a request outside for every chart. Chart text is plain text, so MathJax has nothing to do."""
    import kaleido

    return kaleido.PageGenerator(mathjax=False)


def _ensure_server() -> None:
    """Start the one warm browser (with `TABS` tabs) unless it runs. Call under `_lock`."""
    global _server_started
    import kaleido

    if _server_started and kaleido._global_server.is_running():
        return
    path = chromium_path()
    if path and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = path
    # a no-op when it is running
    kaleido.start_sync_server(n=TABS, silence_warnings=True, page_generator=page())
    if not _server_started:
        atexit.register(_stop_server)
    _server_started = True


def _stop_server() -> None:
    global _server_started
    if _server_started:
        import kaleido

        try:
            kaleido.stop_sync_server(silence_warnings=True)
        finally:
            _server_started = False


def stamp_export_date(fig: go.Figure, on: date | None = None) -> go.Figure:
    """A copy of `fig` whose source note (the annotation starting "Self-assessments") ends
    with the date exported."""
    out = go.Figure(fig)
    stamp = f" Exported {(on or date.today()).isoformat()}."
    notes = []
    for annotation in out.layout.annotations:
        text = annotation.text or ""
        if text.startswith("Self-assessments") and "Exported" not in text:
            annotation.text = text + stamp
        notes.append(annotation)
    out.layout.annotations = notes
    return ensure_note_space(out)


def stamped_spec(fig: go.Figure | dict, on: date) -> dict:
    """The figure as a plain dict whose source note ends with the date exported (as
    `stamp_export_date` gives, with room for the note), without building and validating a
    second figure."""
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    spec = {**spec, "layout": dict(spec.get("layout", {}))}
    layout = spec["layout"]
    stamp = f" Exported {on.isoformat()}."
    annotations = []
    for annotation in layout.get("annotations", []):
        text = annotation.get("text") or ""
        if text.startswith("Self-assessments"):
            if "Exported" not in text:
                annotation = {**annotation, "text": text + stamp}
            lines = annotation["text"].count("<br>") + 1
            needed = int(-(annotation.get("yshift") or 0) + 15 * lines + 12)
            margin = layout["margin"] = dict(layout.get("margin") or {})
            if (margin.get("b") or 0) < needed:
                margin["b"] = needed
        annotations.append(annotation)
    if annotations:
        layout["annotations"] = annotations
    return spec


# --------------------------------------------------------------------------------------------
# Drawing


def draw(specs: Mapping[str, dict], fmt: str, scale: float = 1) -> dict[str, bytes]:
    """Figure specs (plain dicts with layout width and height) as PNG or SVG bytes, in one
    call to the warm browser: drawn side by side in its tabs. Under `_lock`, as every export."""
    import kaleido

    problem = chromium_problem()
    if problem:
        raise ImageExportUnavailable(problem)
    with (
        _lock,
        tempfile.TemporaryDirectory(prefix="ehdmm-charts-") as folder,
        warnings.catch_warnings(),
    ):
        # plotly and kaleido warn that per-call browser options are ignored by the warm server
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _ensure_server()
        files = {key: Path(folder) / f"{number}.{fmt}" for number, key in enumerate(specs)}
        kaleido.write_fig_from_object_sync(
            [
                {
                    "fig": spec,
                    "path": str(files[key]),
                    "opts": {
                        "format": fmt,
                        "scale": scale,
                        "width": int(spec["layout"].get("width") or 1100),
                        "height": int(spec["layout"].get("height") or DEFAULT_HEIGHT),
                    },
                }
                for key, spec in specs.items()
            ],
            cancel_on_error=True,
        )
        return {key: file.read_bytes() for key, file in files.items()}


def print_specs(figures: Mapping[str, go.Figure | dict], on: date | None = None) -> dict[str, dict]:
    """Each figure as the spec drawn for print: export date in its note, `theme.for_print`."""
    day = on or date.today()
    return {key: theme.for_print(stamped_spec(fig, day)) for key, fig in figures.items()}


def print_pngs(specs: Mapping[str, dict]) -> dict[str, bytes]:
    """Print specs as 300 dpi PNGs (pHYs and title in each), drawn together."""
    drawn = draw(specs, "png", scale=theme.PRINT_DPI / 96)
    return {key: png_for_print(drawn[key], specs[key]) for key in specs}


def print_svgs(specs: Mapping[str, dict]) -> dict[str, bytes]:
    """Print specs as SVGs (title, description and size in cm in each), drawn together."""
    drawn = draw(specs, "svg")
    return {key: svg_for_print(drawn[key], specs[key]) for key in specs}


def figure_bytes(
    fig: go.Figure,
    fmt: str,
    *,
    scale: float | None = None,
    width: int | None = None,
    height: int | None = None,
) -> bytes:
    """The figure as a PNG, SVG or PDF file. Without `scale` or `width`: drawn for print (16 cm
    wide, 300 dpi PNG, SVG with title and size, A4 PDF; see the module). With them: the figure
    as laid out, `width` px wide (default 1100), PNG at `scale` (default 2)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format '{fmt}' (use png, svg or pdf)")
    problem = chromium_problem()
    if problem:
        raise ImageExportUnavailable(problem)
    if scale is None and width is None and height is None:
        spec = theme.for_print(fig.to_dict())
        if fmt == "png":
            return print_pngs({"chart": spec})["chart"]
        svg = print_svgs({"chart": spec})["chart"]
        return svg if fmt == "svg" else chart_pdf(svg, spec)
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    layout["width"] = width or layout.get("width") or 1100
    layout["height"] = height or layout.get("height") or DEFAULT_HEIGHT
    if fmt == "pdf":
        return chart_pdf(draw({"chart": spec}, "svg")["chart"], spec)
    return draw({"chart": spec}, fmt, scale=2 if scale is None else scale)["chart"]


# --------------------------------------------------------------------------------------------
# What a chart file says about itself

_TAGS = re.compile(r"<[^>]+>")


def plain(text: object) -> str:
    """Plotly rich text as plain text (line breaks as spaces, tags removed)."""
    value = str(text or "").replace("<br>", " ").replace("<br/>", " ")
    return html.unescape(_TAGS.sub("", value)).strip()


def chart_title(spec: dict) -> str:
    """The chart's title as plain text ('Chart' when it has none)."""
    title = spec.get("layout", {}).get("title") or {}
    return plain(title.get("text") if isinstance(title, dict) else title) or "Chart"


def chart_description(spec: dict) -> str:
    """The chart's subtitle and source note as plain text: what it shows, of which round and
    where from."""
    layout = spec.get("layout", {})
    title = layout.get("title") or {}
    parts = [plain((title.get("subtitle") or {}).get("text"))] if isinstance(title, dict) else []
    parts += [
        plain(a.get("text"))
        for a in layout.get("annotations", [])
        if str(a.get("text") or "").startswith("Self-assessments")
    ]
    return " ".join(p for p in parts if p)


def chart_round(spec: dict) -> str:
    """The round(s) a chart shows, as its source note states them ('2026-03', or '2023-03 to
    2026-03'); '' when it does not say."""
    for annotation in spec.get("layout", {}).get("annotations", []):
        text = plain(annotation.get("text"))
        if text.startswith("Self-assessments, "):
            return re.split(r"[;.]", text[len("Self-assessments, ") :], maxsplit=1)[0].strip()
    return ""


def png_for_print(data: bytes, spec: dict, dpi: int = theme.PRINT_DPI) -> bytes:
    """A PNG with its resolution (`pHYs`, so that it is placed at its print size) and text
    chunks (title, description, software, the round) inserted after the header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    per_metre = round(dpi / 0.0254)
    chunks = [_png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))]
    texts = {
        "Title": chart_title(spec),
        "Description": chart_description(spec),
        "Software": f"ehdmm {ehdmm.__version__}",
        "Source": f"round {chart_round(spec)}" if chart_round(spec) else "",
    }
    for key, value in texts.items():
        if value:
            body = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
            chunks.append(_png_chunk(b"iTXt", body))
    end_of_header = 8 + 12 + 13  # signature, IHDR (length, type, CRC and 13 bytes of data)
    return data[:end_of_header] + b"".join(chunks) + data[end_of_header:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png_dpi(data: bytes) -> float | None:
    """The resolution a PNG declares (pHYs, dots per inch), or None."""
    at = data.find(b"pHYs")
    if at < 0:
        return None
    x, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    return x * 0.0254 if unit == 1 else None


_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def svg_for_print(data: bytes, spec: dict) -> bytes:
    """An SVG that declares the size it is drawn at (width and height in cm, the drawing in its
    viewBox) and holds the chart's title and description (`<title>`, `<desc>`) first."""
    opening = _SVG_OPEN.search(data)
    if opening is None:
        raise ValueError("not an SVG")
    tag = opening.group(0).decode("utf-8")
    width_px = float(spec["layout"]["width"])
    height_px = float(spec["layout"].get("height") or DEFAULT_HEIGHT)
    tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
    if "viewBox" not in tag:
        tag = tag[:-1] + f' viewBox="0 0 {width_px:g} {height_px:g}">'
    size = (
        f' width="{width_px / theme.PX_PER_CM:.2f}cm" height="{height_px / theme.PX_PER_CM:.2f}cm"'
    )
    tag = tag[:4] + size + tag[4:]
    about = (
        f"<title>{html.escape(chart_title(spec))}</title>"
        f"<desc>{html.escape(chart_description(spec))}</desc>"
    )
    out = data[: opening.start()] + tag.encode("utf-8") + about.encode("utf-8")
    return out + data[opening.end() :]


def chart_pdf(svg: bytes, spec: dict) -> bytes:
    """One chart as a one-page A4 PDF (landscape when the chart fits its height), tagged
    (PDF/UA-1, the picture a figure with the chart's description as its alternative text) and
    titled with the chart's title; the round and ehdmm's version in its metadata."""
    import base64

    from ehdmm.export.report.pdf_render import pdf_from_html

    width_px = float(spec["layout"]["width"])
    height_px = float(spec["layout"].get("height") or DEFAULT_HEIGHT)
    short, long = (theme.print_px(side - 2 * PDF_MARGIN_CM) for side in A4_CM)
    landscape = height_px <= short
    room_w, room_h = (long, short) if landscape else (short, long)
    fit = min(1.0, room_w / width_px, room_h / height_px)
    title = chart_title(spec)
    source = base64.b64encode(svg).decode("ascii")
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="description" content="{html.escape(chart_description(spec))}">'
        f'<meta name="keywords" content="round {html.escape(chart_round(spec))}">'
        f'<meta name="generator" content="ehdmm {ehdmm.__version__}">'
        "<style>@page { size: A4"
        + (" landscape" if landscape else "")
        + f"; margin: {PDF_MARGIN_CM}cm }} body {{ margin: 0 }} img {{ display: block }}</style>"
        f'</head><body><img src="data:image/svg+xml;base64,{source}" '
        f'width="{width_px * fit:.0f}" height="{height_px * fit:.0f}" '
        f'alt="{html.escape(title + ". " + chart_description(spec))}"></body></html>'
    )
    return pdf_from_html(page)
