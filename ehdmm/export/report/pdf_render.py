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
