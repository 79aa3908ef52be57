"""The authority benchmark report: one authority, round, peer group and scoring rule, as a Word
document, a PDF or a self-contained HTML file.

- `build`: `report_from(view)`, the report of an authority's profile view
  (`ehdmm.views.profile.ProfileView`, the Authority profile page's own), so page and report
  show the same numbers; a national viewer's report names the peer group, an authority
  viewer's shows its peers only as aggregates under disclosure control;
- `data`: the report as one frozen `ReportData`, the single input of every renderer;
- `outline`: the report as ordered blocks, so that every format holds the same content;
- `docx_render` (Word), `html_render` (HTML, interactive or static) and `pdf_render` (the PDF,
  made by WeasyPrint from the static HTML): one report design, three outputs;
- `pictures`: the charts drawn at their print size (PNG for Word, SVG for HTML and PDF);
  `layout`: table column widths from the font's metrics.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ehdmm.export.report.build import report_from
from ehdmm.export.report.data import (
    FORMATS,
    ReportChart,
    ReportData,
    ReportError,
    ReportTable,
    check_format,
    check_report_access,
    file_name,
    report_file_name,
)
from ehdmm.export.report.docx_render import docx_bytes
from ehdmm.export.report.html_render import html_bytes, html_document
from ehdmm.export.report.outline import Block, Chart, Contents, Heading, Para, Table, outline
from ehdmm.export.report.pdf_render import pdf_bytes
from ehdmm.export.report.pictures import chart_pngs, chart_svgs, print_spec
from ehdmm.export.report.wording import (
    AGGREGATES_TEXT,
    DEMO_WARNING,
    INDEX_TEXT,
    NATIONAL_ONLY,
    OWN_ONLY,
    SELF_ASSESSED,
    clean_text,
)

__all__ = [
    "AGGREGATES_TEXT",
    "DEMO_WARNING",
    "FORMATS",
    "INDEX_TEXT",
    "NATIONAL_ONLY",
    "OWN_ONLY",
    "SELF_ASSESSED",
    "Block",
    "Chart",
    "Contents",
    "Heading",
    "Para",
    "ReportChart",
    "ReportData",
    "ReportError",
    "ReportTable",
    "Table",
    "chart_pngs",
    "chart_svgs",
    "check_format",
    "check_report_access",
    "clean_text",
    "docx_bytes",
    "file_name",
    "html_bytes",
    "html_document",
    "outline",
    "pdf_bytes",
    "pictures_for",
    "print_spec",
    "render",
    "render_with",
    "report_file_name",
    "report_from",
]


def pictures_for(fmt: str, interactive: bool = True):
    """The function that draws a report's pictures for `fmt` (None: the format has none)."""
    if fmt == "docx":
        return chart_pngs
    if fmt == "pdf" or (fmt == "html" and not interactive):
        return chart_svgs
    return None


def render_with(report: ReportData, fmt: str, pictures, *, interactive: bool = True) -> bytes:
    """The report as `fmt` bytes with its pictures given (a mapping, or a function that waits
    for them; None: drawn as needed)."""
    check_format(fmt)
    if fmt == "docx":
        return docx_bytes(report, pictures)
    if fmt == "pdf":
        return pdf_bytes(report, pictures)
    return html_bytes(report, interactive=interactive, svgs=pictures)


def render(report: ReportData, fmt: str, *, interactive: bool = True) -> bytes:
    """The report as docx, pdf or html bytes (HTML: interactive charts unless `interactive` is
    False). The browser draws the pictures in a background thread while this one builds the
    document around them."""
    check_format(fmt)
    draw = pictures_for(fmt, interactive)
    if draw is None:
        return render_with(report, fmt, None, interactive=interactive)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ehdmm-charts") as pool:
        pictures = pool.submit(draw, report)
        return render_with(report, fmt, pictures.result, interactive=interactive)
