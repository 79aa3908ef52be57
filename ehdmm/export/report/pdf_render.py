"""The report as a PDF: the HTML report with static SVG charts (`html_render`), laid out for A4 by
its print stylesheet and written by WeasyPrint as a tagged PDF/UA-1 file (headings, paragraphs,
tables with header cells, figures with alternative text; title shown in the window; language
en-GB; fonts embedded). One report design, two outputs.

WeasyPrint (`weasyprint`, with Debian's Pango: `libpango-1.0-0 libpangoft2-1.0-0`) tags a table's
header cells without saying which cells they head; `_scope_headers` marks each as the header of
its column (or, outside the first row, of its row), as PDF/UA asks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ehdmm.export.report import collector
from ehdmm.export.report.data import ReportData

PDF_VARIANT = "pdf/ua-1"


def pdf_bytes(report: ReportData, svgs: Mapping[str, bytes] | Callable | None = None) -> bytes:
    """The report as an A4 PDF/UA-1 file: the same HTML as the HTML report, with its charts as
    static SVG pictures (`svgs` by chart key, or a function giving them; drawn here when None;
    a chart without a picture is described in words in its place)."""
    from ehdmm.export.report.html_render import html_document

    return pdf_from_html(html_document(report, interactive=False, svgs=svgs))


def pdf_from_html(document: str) -> bytes:
    """An HTML document (self-contained: only data: URLs) as a tagged PDF/UA-1 file."""
    import weasyprint

    # data: URLs only: a report never reads a file or the network
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    with collector.paused():  # the layout's heap, walked again and again for nothing
        html = weasyprint.HTML(string=document, url_fetcher=fetcher, base_url=".")
        return html.write_pdf(pdf_variant=PDF_VARIANT, finisher=_scope_headers)


def _scope_headers(document: object, pdf: object) -> None:
    """Give every table header cell (`/TH`) a `/Scope`: `/Column` in a table's first row (the
    header row, repeated on each page), `/Row` elsewhere. WeasyPrint names each header cell
    `<table>-<row>-<column>` in its `/ID`."""
    import pydyf

    for element in pdf.objects:  # type: ignore[attr-defined]
        if not isinstance(element, dict) or element.get("S") != "/TH":
            continue
        attributes = element.get("A")
        if not isinstance(attributes, dict):
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        identifier = element.get("ID")
        text = str(getattr(identifier, "string", "")) if identifier is not None else ""
        row = text.split("-")[1] if text.count("-") == 2 else "0"
        attributes["Scope"] = "/Column" if row == "0" else "/Row"


# --------------------------------------------------------------------------------------------
# Batches: WeasyPrint in child processes


class LayoutProcesses:
    """`count` child processes (Python running `_serve`) that each lay out
    one HTML document at a time into a PDF, so that a batch uses every core. Documents and PDFs
    cross a pipe as length-prefixed bytes. Use as a context manager; `submit` returns a future."""

    def __init__(self, count: int) -> None:
        import os
        import queue
        import subprocess
        import sys
        from concurrent.futures import ThreadPoolExecutor
        from pathlib import Path

        root = str(Path(__file__).resolve().parents[3])  # the folder holding ehdmm
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        code = "from ehdmm.export.report.pdf_render import _serve; _serve()"
        self._children = [
            subprocess.Popen(
                [sys.executable, "-c", code],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
            for _ in range(count)
        ]
        self._idle: queue.Queue = queue.Queue()
        for child in self._children:
            self._idle.put(child)
        self._threads = ThreadPoolExecutor(max_workers=count, thread_name_prefix="ehdmm-pdf")

    def submit(self, document: str):
        return self._threads.submit(self._lay_out, document.encode("utf-8"))

    def _lay_out(self, document: bytes) -> bytes:
        child = self._idle.get()
        try:
            _send(child.stdin, document)
            status, body = _receive(child.stdout)
        finally:
            self._idle.put(child)
        if status != b"0":
            raise RuntimeError(f"PDF layout failed: {body.decode('utf-8', 'replace')}")
        return body

    def __enter__(self) -> LayoutProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        self._threads.shutdown(wait=True)
        for child in self._children:
            try:
                child.stdin.close()  # the child's loop ends at the end of its input
                child.wait(timeout=10)
            except Exception:
                child.kill()


def _send(pipe, body: bytes, status: bytes = b"") -> None:
    pipe.write(status + len(body).to_bytes(8, "big") + body)
    pipe.flush()


def _receive(pipe) -> tuple[bytes, bytes]:
    status = pipe.read(1)
    size = int.from_bytes(pipe.read(8), "big")
    return status, pipe.read(size)


def _serve() -> None:
    """A layout process: HTML documents in on stdin, PDFs (status b'0') or errors out."""
    import sys

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while header := source.read(8):
        document = source.read(int.from_bytes(header, "big")).decode("utf-8")
        try:
            _send(sink, pdf_from_html(document), b"0")
        except Exception as exc:  # reported to the parent, which raises it
            _send(sink, f"{type(exc).__name__}: {exc}".encode(), b"1")
