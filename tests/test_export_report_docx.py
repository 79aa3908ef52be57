"""ehdmm.export.report.docx_render: a Word report that lays out, checked from the docx XML as Word
would read it: no table column narrower than its longest word at the table's font size
(measured with the font's metrics: Liberation Sans, Arial's metrics, or DejaVu Sans), language
en-GB, page numbers in the footer, a table of contents with its entries, document properties
(description, real dates, ehdmm's version, the round), and pictures placed so that every text
of every chart is at least 9 pt on paper. No Chromium needed: the pictures are stand-ins of the
size the charts are drawn at."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree
from PIL import Image, ImageFont

import ehdmm
from ehdmm.charts import theme
from ehdmm.export import report
from ehdmm.export.report import layout
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import reports

try:  # tests/ as a package (with __init__.py) or as a folder on sys.path
    from tests.test_export_pack import TODAY
except ImportError:
    from test_export_pack import TODAY

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CELL_MARGIN_PT = 5.4  # Word's default left and right cell margins (108 twips each)


def stand_in_pngs(data: report.ReportData) -> dict[str, bytes]:
    """White PNGs as wide and tall as each chart is drawn for print, at 300 dpi."""
    out = {}
    for chart in data.charts:
        spec = report.print_spec(data, chart)
        size = (
            round(spec["layout"]["width"] * 300 / 96),
            round(spec["layout"]["height"] * 300 / 96),
        )
        buffer = io.BytesIO()
        Image.new("RGB", (size[0] // 10, size[1] // 10), "white").save(buffer, "PNG", dpi=(30, 30))
        out[chart.key] = buffer.getvalue()
    return out


@pytest.fixture(scope="module", params=["region", "england"])
def word(request, _demo_template):
    data = reports.report_data(
        _demo_template, LOCAL_VIEWER, "E08000035", "2026-03", request.param, "gated", TODAY
    )
    return data, report.docx_bytes(data, stand_in_pngs(data))


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def font_for(bold: bool) -> ImageFont.FreeTypeFont:
    path = layout.font_file(bold)
    assert path is not None, "no Liberation Sans or DejaVu Sans font to measure with"
    return ImageFont.truetype(str(path), 100)


def test_no_table_column_is_narrower_than_its_longest_word(word):
    _, document = word
    body = part(document, "word/document.xml")
    fonts = {False: font_for(False), True: font_for(True)}
    tables = body.iter(f"{W}tbl")
    checked = 0
    for table in tables:
        assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(c.get(f"{W}w")) / 20 for c in table.iter(f"{W}gridCol")]
        for row in table.iter(f"{W}tr"):
            for width, cell in zip(grid, row.iter(f"{W}tc"), strict=True):
                for run in cell.iter(f"{W}r"):
                    size = int(run.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2
                    bold = run.find(f"{W}rPr/{W}b") is not None
                    text = "".join(t.text or "" for t in run.iter(f"{W}t"))
                    for word_ in text.split():
                        needed = fonts[bold].getlength(word_) * size / 100
                        assert needed <= width - 2 * CELL_MARGIN_PT, (word_, size, width)
                        checked += 1
    assert checked > 200


def test_language_page_numbers_and_contents(word):
    _, document = word
    styles = part(document, "word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}val") == "en-GB"
    footers = []
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        names = [n for n in archive.namelist() if n.startswith("word/footer")]
        footers = [archive.read(n).decode("utf-8") for n in names]
        body = archive.read("word/document.xml").decode("utf-8")
    assert any("PAGE" in f and "NUMPAGES" in f for f in footers)
    # the contents: a TOC field whose shown entries are the report's parts, each a link
    opened = docx.Document(io.BytesIO(document))
    entries = [p.text for p in opened.paragraphs if p.style.name in ("toc 1", "toc 2")]
    headings = [p.text for p in opened.paragraphs if p.style.name == "Heading 1"]
    assert [e for e in entries if e in headings] == headings
    assert "TOC \\o" in body and 'w:hyperlink w:anchor="_Toc' in body.replace("'", '"')


def test_document_properties_say_what_it_is(word):
    data, document = word
    props = docx.Document(io.BytesIO(document)).core_properties
    assert props.language == "en-GB"
    assert props.title == data.title
    assert "round 2026-03" in props.keywords and data.peers_label in props.keywords
    assert props.comments == data.description and "python-docx" not in props.comments
    assert props.version == ehdmm.__version__
    assert props.created.date() == TODAY and props.modified == props.created
    assert props.created.year != 2013  # not the template's date


def test_every_chart_text_is_at_least_9_pt_where_word_places_it(word):
    data, document = word
    shapes = list(docx.Document(io.BytesIO(document)).inline_shapes)
    assert len(shapes) == len(data.charts)
    for shape, chart in zip(shapes, data.charts, strict=True):
        placed_pt = shape.width / 12700
        spec = report.print_spec(data, chart)
        sizes = theme.print_size_pt(spec, placed_pt)
        assert min(sizes.values()) >= 9.0, (chart.key, sizes)
        assert sizes["layout.title.font"] >= 11.0
        assert shape._inline.docPr.get("descr") == chart.alt_text
