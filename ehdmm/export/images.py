"""Static chart images (PNG, SVG, PDF) through kaleido and the system Chromium.

One warm browser per process is reused for every image (kaleido's sync server), started on the
first export. When no Chromium is found, `chromium_problem()` says so and how to install it;
plotly's in-browser download (the modebar camera) still works.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import warnings
from datetime import date

import plotly.graph_objects as go

from ehdmm.charts.theme import ensure_note_space

FORMATS: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
INSTALL_HINT = "Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) and restart."

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


def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    import kaleido

    path = chromium_path()
    if path and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = path
    kaleido.start_sync_server(silence_warnings=True)
    _server_started = True
    atexit.register(_stop_server)


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


def figure_bytes(
    fig: go.Figure,
    fmt: str,
    *,
    scale: float = 2,
    width: int | None = None,
    height: int | None = None,
) -> bytes:
    """The figure as PNG, SVG or PDF bytes (PNG at `scale`, 2 or more for print)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format '{fmt}' (use png, svg or pdf)")
    problem = chromium_problem()
    if problem:
        raise ImageExportUnavailable(problem)
    width = width or fig.layout.width or 1100
    height = height or fig.layout.height or 650
    with _lock, warnings.catch_warnings():
        # plotly warns that per-call browser options are ignored by the warm server
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _ensure_server()
        return fig.to_image(format=fmt, scale=scale, width=width, height=height)
