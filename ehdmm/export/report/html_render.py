"""The report as one self-contained HTML file, and the HTML the PDF is made from.

Two variants of one document:
- interactive: plotly charts with plotly.js inline (about 5 MB; works offline, makes no network
  request);
- static (light, well under 300 KB): the charts as SVG pictures with alternative text, as the
  PDF shows them. Batches use it by default.

The stylesheet holds the screen look and the print look (A4, a running header, page numbers,
headings kept with what follows, tables repeating their header row, the data tables on landscape
pages), which WeasyPrint applies for the PDF. The contents are links (and the PDF's bookmarks);
page numbers in them would cost WeasyPrint a second layout, a fifth of a PDF's time. Everything
a user sent is escaped: plain text, never markup.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Mapping

import plotly.io as pio

from ehdmm.charts import theme
from ehdmm.export import images
from ehdmm.export.report import layout
from ehdmm.export.report.data import ReportChart, ReportData
from ehdmm.export.report.outline import Block, Chart, Contents, Heading, Para, Table, outline
from ehdmm.export.report.pictures import (
    Pictures,
    chart_svgs,
    missing_picture_text,
    when_needed,
)
from ehdmm.export.report.wording import KEYWORDS, SELF_ASSESSED, clean_text, rows_of

TABLE_PT = 9.0  # table text in print
CELL_PAD_PT = 4.0  # left and right padding of a table cell in print
PORTRAIT_ROOM_PT = (21.0 - 4.0) / 2.54 * 72  # A4 with 2 cm margins
LANDSCAPE_ROOM_PT = (29.7 - 4.0) / 2.54 * 72

_CSS = """
body { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif;
       color: #1b1b1b; max-width: 1140px; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; color: #1b1b1b; }
h2 { color: #034e7b; font-size: 1.4rem; border-bottom: 2px solid #c6d2e8; padding-top: 1rem; }
h3 { color: #034e7b; font-size: 1.15rem; }
h4 { font-size: 1rem; margin-bottom: 0.2rem; }
p.note { color: #505050; font-style: italic; font-size: 0.9rem; }
p.warning { background: #fff4e5; border-left: 4px solid #d95f02; padding: 0.5rem 0.8rem;
            font-weight: bold; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #bdbdbd; padding: 0.2rem 0.4rem; text-align: left;
         vertical-align: top; }
th { background: #e2eaf4; }
td.nw, th.nw { white-space: nowrap; }
caption { text-align: left; font-weight: bold; padding: 0.2rem 0; }
figure { margin: 0.5rem 0 1.5rem; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #505050; font-style: italic; font-size: 0.9rem; }
nav ul { columns: 2; }
@page { size: A4; margin: 2cm 2cm 2.2cm 2cm;
        @top-left { content: "RUNNING_HEAD"; font-size: 8pt; color: #505050;
                    font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
        @bottom-left { content: "SELF_ASSESSED"; font-size: 7.5pt; color: #505050;
                       font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt;
                        color: #505050;
                        font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; } }
@page wide { size: A4 landscape; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.35; }
  h1 { font-size: 18pt; }
  h2 { font-size: 14pt; padding-top: 0.2cm; }
  h3 { font-size: 12pt; }
  h4 { font-size: 10.5pt; }
  h1, h2, h3, h4, caption { break-after: avoid; break-inside: avoid; }
  p.note, figcaption { font-size: 9pt; }
  section.wide { page: wide; break-before: page; break-after: page; }
  figure { break-inside: avoid; }
  table { table-layout: fixed; font-size: 9pt; }
  th, td { padding: 1.5pt 4pt; border-width: 0.75pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  nav ul { columns: 1; list-style: none; padding-left: 0; }
  nav a { color: #1b1b1b; text-decoration: none; }
}
"""


def css_string(text: str) -> str:
    """`text` as the inside of a CSS string: quotes, backslashes, line breaks and '<' escaped
    (so that no text can close the string or the style element)."""
    out = clean_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return out.replace("\n", "\\A ")


def _css(report: ReportData) -> str:
    return _CSS.replace("SELF_ASSESSED", css_string(SELF_ASSESSED)).replace(
        "RUNNING_HEAD", css_string(report.running_head)
    )


def html_bytes(report: ReportData, *, interactive: bool = True, svgs: Pictures = None) -> bytes:
    """The report as one self-contained HTML file: interactive charts with plotly.js inline
    (`interactive`), or static SVG pictures with alternative text (light)."""
    return html_document(report, interactive=interactive, svgs=svgs).encode("utf-8")


def html_document(report: ReportData, *, interactive: bool = False, svgs: Pictures = None) -> str:
    """The report's HTML (see `html_bytes`); the static variant is what the PDF is made from."""
    blocks = outline(report)
    anchors = {
        id(b): _anchor(b.text, i)
        for i, b in enumerate(blocks)
        if isinstance(b, Heading) and b.level in (1, 2)
    }
    pictures = None if interactive else when_needed(report, svgs, chart_svgs)
    parts: list[str] = []
    wide, first_chart = False, True
    for block in blocks:
        if isinstance(block, Heading):
            if block.landscape is not None and block.landscape != wide:
                parts.append('<section class="wide">' if block.landscape else "</section>")
                wide = block.landscape
            parts.append(_heading(block, anchors.get(id(block))))
        elif isinstance(block, Para):
            parts.append(_para(block))
        elif isinstance(block, Chart):
            if pictures is None:
                parts.append(_interactive_chart(report, block.chart, first_chart))
                first_chart = False
            else:
                parts.append(_static_chart(block.chart, pictures))
        elif isinstance(block, Table):
            room = LANDSCAPE_ROOM_PT if wide else PORTRAIT_ROOM_PT
            parts.append(html_table(block.frame, block.caption, room))
        elif isinstance(block, Contents):
            parts.append(_contents(blocks, anchors))
    if wide:
        parts.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        + _meta(report)
        + f"<style>{_css(report)}</style></head><body><main>\n"
        + "\n".join(parts)
        + "\n</main></body></html>\n"
    )


def _text(value: object) -> str:
    return html.escape(clean_text(value))


def _meta(report: ReportData) -> str:
    """Title and document properties: what it is, the round, who made it and when (WeasyPrint
    writes them into the PDF's metadata)."""
    keywords = f"{KEYWORDS}; round {report.round_id}; {report.peers_label}; {report.rule}"
    created = report.generated.isoformat()
    fields = {
        "description": report.description,
        "keywords": keywords,
        "author": "ehdmm",
        "generator": f"ehdmm {report.version}",
        "dcterms.created": created,
        "dcterms.modified": created,
        "dcterms.coverage": f"Round {report.round_id}",
    }
    return f"<title>{_text(report.title)}</title>" + "".join(
        f'<meta name="{name}" content="{_text(value)}">' for name, value in fields.items()
    )


def _anchor(text: str, number: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"s{number}-{slug}"[:60]


def _heading(block: Heading, anchor: str | None) -> str:
    level = block.level + 1  # the title is the one h1; the report's parts h2, h3, h4
    attr = f' id="{anchor}"' if anchor else ""
    return f"<h{level}{attr}>{_text(block.text)}</h{level}>"


def _para(block: Para) -> str:
    label = f"<strong>{_text(block.label)}</strong>" if block.label else ""
    css = f' class="{block.kind}"' if block.kind != "body" else ""
    text = _text(block.text).replace("\n", "<br>")
    return f"<p{css}>{label}{text}</p>"


def _contents(blocks: list[Block], anchors: Mapping[int, str]) -> str:
    links = "".join(
        f'<li><a href="#{anchors[id(b)]}">{_text(b.text)}</a></li>'
        for b in blocks
        if isinstance(b, Heading) and b.level == 1 and id(b) in anchors
    )
    return f'<nav aria-label="Contents"><h2>Contents</h2><ul>{links}</ul></nav>'


def _interactive_chart(report: ReportData, chart: ReportChart, with_library: bool) -> str:
    div = pio.to_html(
        images.stamped_spec(chart.figure, report.generated),
        full_html=False,
        include_plotlyjs=with_library,
        config=theme.image_config(chart.stem),
        div_id=f"chart-{chart.key}",
        default_width="100%",
        validate=False,
    )
    return (
        f'<figure><div role="img" aria-label="{_text(chart.alt_text)}">{div}</div>'
        f"<figcaption>{_text(chart.summary)}</figcaption></figure>"
    )


def _static_chart(chart: ReportChart, pictures: Callable[[], Mapping[str, bytes]]) -> str:
    svg = pictures().get(chart.key)
    if svg is None:
        return f'<p class="note">{_text(missing_picture_text(chart))}</p>'
    width, height = _svg_size(svg)
    source = base64.b64encode(svg).decode("ascii")
    return (
        f'<figure><img src="data:image/svg+xml;base64,{source}" alt="{_text(chart.alt_text)}"'
        f' width="{width}" height="{height}">'
        f"<figcaption>{_text(chart.summary)}</figcaption></figure>"
    )


def _svg_size(svg: bytes) -> tuple[int, int]:
    """(width, height) in CSS pixels of an SVG drawn for print (its viewBox)."""
    found = re.search(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg[:2000])
    if found is None:
        return theme.print_px(theme.PRINT_WIDTH_CM), images.DEFAULT_HEIGHT
    return round(float(found.group(1))), round(float(found.group(2)))


def html_table(frame, caption: str = "", room: float = PORTRAIT_ROOM_PT) -> str:
    """A table with its header row (`th scope="col"`), its columns as wide as the print page
    gives them (`layout.column_widths`), one-line columns kept on one line."""
    header = [clean_text(c) for c in frame.columns]
    rows = rows_of(frame)
    columns = layout.column_widths(header, rows, room, TABLE_PT, CELL_PAD_PT)
    total = columns.total or 1.0
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in columns.widths)
    keep = [' class="nw"' if one else "" for one in columns.one_line]
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{k}>{html.escape(v).replace(chr(10), '<br>')}</td>"
            for v, k in zip(row, keep, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{_text(caption)}</caption>" if caption else ""
    return (
        f"<table>{cap}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
