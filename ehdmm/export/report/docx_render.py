"""The report as a Word document (python-docx) that lays out: real headings (Title, Heading 1-3)
with bookmarks, a table of contents whose entries are written from the outline (a TOC field, so
Word can still update it), charts as 300 dpi pictures placed at their print size with their own
alt text, tables as Word tables whose columns are never narrower than their longest word (the
data tables in a landscape section), page numbers and a running header, language en-GB, and
document properties that say what it is (round, peer group, rule, ehdmm's version, real dates).
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime

from ehdmm.export.report import layout
from ehdmm.export.report.data import ReportChart, ReportData, file_name
from ehdmm.export.report.outline import Block, Chart, Contents, Heading, Para, Table, outline
from ehdmm.export.report.pictures import (
    PLACED_WIDTH_CM,
    Pictures,
    chart_pngs,
    missing_picture_text,
    when_needed,
)
from ehdmm.export.report.wording import KEYWORDS, SELF_ASSESSED, clean_text, rows_of

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LANGUAGE = "en-GB"
FONT = "Arial"  # Liberation Sans has its metrics; `layout` measures with it
BODY_PT = 10.0
TABLE_PT = (9.0, 8.0, 7.5)  # a table's text: the first size at which its longest words fit
CELL_PAD_PT = 5.4  # Word's default left and right cell margin (108 twips)
MARGIN_CM = 2.0
A4_CM = (21.0, 29.7)
TWIPS_PER_PT = 20
EMU_PER_CM = 360000


def docx_bytes(report: ReportData, pngs: Pictures = None) -> bytes:
    """The report as a Word document. The pictures go in last, into the paragraphs kept for
    them, so that the document is built while the images are still being drawn (`pngs`: by
    chart key, or a function that waits for them; None: drawn here)."""
    from docx import Document
    from docx.shared import Cm, Pt

    images_of = when_needed(report, pngs, chart_pngs)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    doc.styles["Normal"].font.name = FONT
    doc.styles["Normal"].font.size = Pt(BODY_PT)
    _language(doc)
    _toc_styles(doc)
    _properties(doc, report)
    _header_and_footer(section, report)
    pictures = _body(doc, report)
    found = images_of() if pictures else {}
    for paragraph, chart in pictures:
        _place_picture(paragraph, chart, found.get(chart.key))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _body(doc, report: ReportData) -> list[tuple[object, ReportChart]]:
    """Every block of the outline into `doc`; the paragraphs kept for the pictures."""
    from docx.shared import Pt

    blocks = outline(report)
    bookmarks = {
        id(b): f"_Toc{n}"
        for n, b in enumerate(blocks)
        if isinstance(b, Heading) and b.level in (1, 2)
    }
    pictures: list[tuple[object, ReportChart]] = []
    landscape = False
    for block in blocks:
        if isinstance(block, Heading):
            if block.landscape is not None and block.landscape != landscape:
                _new_section(doc, landscape=block.landscape)
                landscape = block.landscape
            heading = doc.add_heading(clean_text(block.text), block.level)
            if id(block) in bookmarks:
                _bookmark(heading, bookmarks[id(block)])
        elif isinstance(block, Para):
            _paragraph(doc, block)
        elif isinstance(block, Chart):
            picture = doc.add_paragraph()
            picture.paragraph_format.keep_with_next = True  # the picture with its caption
            pictures.append((picture, block.chart))
            caption = doc.add_paragraph(clean_text(block.chart.summary))
            caption.runs[0].italic = True
            caption.runs[0].font.size = Pt(9)
        elif isinstance(block, Table):
            if block.caption:
                caption = doc.add_paragraph()
                caption.paragraph_format.keep_with_next = True
                caption.add_run(clean_text(block.caption)).bold = True
            docx_table(doc, block.frame, _room_pt(doc))
        elif isinstance(block, Contents):
            _contents(doc, blocks, bookmarks)
    return pictures


def _paragraph(doc, block: Para) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = doc.add_paragraph()
    if block.label:
        paragraph.add_run(clean_text(block.label)).bold = True
    run = paragraph.add_run(clean_text(block.text))
    if block.kind in ("note", "warning"):
        run.italic = block.kind == "note"
        run.bold = block.kind == "warning" or run.bold
        run.font.size = Pt(9)
        if block.kind == "warning":
            run.font.color.rgb = RGBColor(0x9C, 0x3D, 0x00)


def _place_picture(paragraph, chart: ReportChart, data: bytes | None) -> None:
    """The chart's picture at its print width, with its own alt text (`descr`) and title."""
    from docx.shared import Cm

    if data is None:  # the caption below still gives the chart's summary
        paragraph.add_run(clean_text(missing_picture_text(chart)))
        return
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(data), width=Cm(PLACED_WIDTH_CM))
    for doc_pr in run._r.iter(f"{{{W}}}docPr", "{*}docPr"):
        doc_pr.set("descr", clean_text(chart.alt_text))
        doc_pr.set("title", clean_text(chart.heading))


def _room_pt(doc) -> float:
    """The text width (pt) of the document's last section."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 12700


def _new_section(doc, *, landscape: bool) -> None:
    """Start a new page in a section of A4 landscape or portrait (same header and footer)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(A4_CM[1]), Cm(A4_CM[0])
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


# --------------------------------------------------------------------------------------------
# Language, properties, header and footer


def _language(doc) -> None:
    """en-GB as the document's default language (spelling and grammar, screen readers)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    properties.append(
        parse_xml(
            f'<w:lang {nsdecls("w")} w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" '
            f'w:bidi="{LANGUAGE}"/>'
        )
    )


def _properties(doc, report: ReportData) -> None:
    now = datetime.now(UTC)
    made = datetime.combine(report.generated, now.time(), tzinfo=UTC)
    props = doc.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.author = "ehdmm"
    props.last_modified_by = f"ehdmm {report.version}"
    props.comments = report.description
    props.keywords = f"{KEYWORDS}; round {report.round_id}; {report.peers_label}; {report.rule}"
    props.category = "Benchmark report"
    props.language = LANGUAGE
    props.version = report.version
    props.identifier = file_name(report, "docx")
    props.content_status = f"Round {report.round_id}"
    props.created = made
    props.modified = made
    props.revision = 1


def _header_and_footer(section, report: ReportData) -> None:
    """A running header (authority, round, peer group) and a footer with the caveat and
    'Page N of M' (PAGE and NUMPAGES fields), shared by every section."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    head = section.header.paragraphs[0]
    head.text = clean_text(report.running_head)
    head.runs[0].font.size = Pt(8)
    caveat = section.footer.paragraphs[0]
    caveat.text = clean_text(f"{report.authority_name}, round {report.round_id}. {SELF_ASSESSED}")
    caveat.runs[0].font.size = Pt(8)
    number = section.footer.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    small = "<w:rPr><w:sz w:val='16'/></w:rPr>"

    def text(value: str) -> str:
        return f"<w:r {nsdecls('w')}>{small}<w:t xml:space='preserve'>{value}</w:t></w:r>"

    def field(instruction: str) -> str:
        return (
            f"<w:fldSimple {nsdecls('w')} w:instr=' {instruction} '>"
            f"<w:r>{small}<w:t>1</w:t></w:r></w:fldSimple>"
        )

    for xml in (text("Page "), field("PAGE"), text(" of "), field("NUMPAGES")):
        number._p.append(parse_xml(xml))


# --------------------------------------------------------------------------------------------
# Contents


def _toc_styles(doc) -> None:
    """The 'toc 1' and 'toc 2' paragraph styles Word uses for contents entries."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    styles = doc.styles.element
    for level in (1, 2):
        indent = (level - 1) * 220
        styles.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC{level}">'
                f'<w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/>'
                '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
                f'<w:pPr><w:spacing w:after="60"/><w:ind w:left="{indent}"/></w:pPr></w:style>'
            )
        )


def _bookmark(paragraph, name: str) -> None:
    """A bookmark `name` ('_Toc<n>') around the heading's text, for its contents entry."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    number = int(name.removeprefix("_Toc"))
    start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="{name}"/>')
    end = parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{number}"/>')
    p = paragraph._p
    first_run = p.find(f"{{{W}}}r")
    if first_run is None:
        p.append(start)
    else:
        first_run.addprevious(start)
    p.append(end)


def _contents(doc, blocks: list[Block], bookmarks: dict[int, str]) -> None:
    """A table of contents: a TOC field over Heading 1-2 whose shown result is the report's own
    headings, each a link to its heading (Word can update the field to add page numbers)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc.add_paragraph().add_run("Contents").bold = True
    entries = [b for b in blocks if isinstance(b, Heading) and id(b) in bookmarks]
    ns = nsdecls("w")
    for number, heading in enumerate(entries):
        begin = (
            f"<w:r {ns}><w:fldChar w:fldCharType='begin'/></w:r>"
            f"<w:r {ns}><w:instrText xml:space='preserve'> TOC \\o \"1-2\" \\h \\z \\u "
            f"</w:instrText></w:r><w:r {ns}><w:fldChar w:fldCharType='separate'/></w:r>"
            if number == 0
            else ""
        )
        last = number == len(entries) - 1
        end = f"<w:r {ns}><w:fldChar w:fldCharType='end'/></w:r>" if last else ""
        link = (
            f"<w:hyperlink {ns} w:anchor='{bookmarks[id(heading)]}' w:history='1'>"
            f"<w:r><w:t xml:space='preserve'>{html.escape(clean_text(heading.text))}</w:t></w:r>"
            "</w:hyperlink>"
        )
        paragraph = doc.add_paragraph(style=f"toc {heading.level}")
        for xml in (begin, link, end):
            if xml:
                for element in parse_xml(f"<w:p {ns}>{xml}</w:p>"):
                    paragraph._p.append(element)


# --------------------------------------------------------------------------------------------
# Tables


def docx_table(doc, frame, room_pt: float) -> None:
    """A real Word table (header row repeated on each page, rows not split), built as XML in
    one pass (fast even for the 153 rows of England). Fixed column widths from
    `layout.column_widths`: no column narrower than its longest word; a table whose words do
    not fit at 9 pt is set at 8 or 7.5 pt."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    header = [clean_text(c) for c in frame.columns]
    rows = rows_of(frame)
    for size in TABLE_PT:
        columns = layout.column_widths(header, rows, room_pt, size, CELL_PAD_PT)
        if columns.fits(room_pt):
            break
    twips = [round(w * TWIPS_PER_PT) for w in columns.widths]
    half_points = round(size * 2)
    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for old in tbl_pr.findall(f"{{{W}}}tblW"):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(twips)}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    for col, twip in zip(tbl.tblGrid.iterchildren(), twips, strict=False):
        col.set(f"{{{W}}}w", str(twip))

    def cell(text: str, twip: int, bold: bool) -> str:
        props = f"<w:rPr>{'<w:b/>' if bold else ''}<w:sz w:val='{half_points}'/></w:rPr>"
        lines = text.split("\n") or [""]
        runs = (
            f"<w:r>{props}"
            + "<w:br/>".join(
                f'<w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t>'
                for line in lines
            )
            + "</w:r>"
        )
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{twip}" w:type="dxa"/></w:tcPr>'
            f"<w:p><w:pPr><w:spacing w:before='0' w:after='0'/></w:pPr>{runs}</w:p></w:tc>"
        )

    header_xml = (
        f"<w:tr {nsdecls('w')}><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        + "".join(cell(h, t, True) for h, t in zip(header, twips, strict=True))
        + "</w:tr>"
    )
    tbl.append(parse_xml(header_xml))
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(cell(v, t, False) for v, t in zip(row, twips, strict=True))
        + "</w:tr>"
        for row in rows
    )
    if body:
        holder = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
        for tr in list(holder):
            tbl.append(tr)
    doc.add_paragraph()
