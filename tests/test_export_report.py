"""ehdmm.export.report: the authority benchmark report's content (equal to a direct computation
from the database and to the Authority profile view it is rendered from, for every viewer) and
its three formats: Word (headings, Word tables, pictures with alt text, outline golden), PDF
(valid, A4, made from the HTML) and HTML (self-contained, user text escaped), and an authority
user's own report naming no other authority. Pictures need Chromium: those tests skip with the
reason when it is missing and fail when EHDMM_REQUIRE_BROWSER=1 (as tests/test_browser.py). What
makes the documents board-ready and accessible (PDF/UA, Word layout, print sizes, properties) is
in tests/test_export_documents.py.

Golden outline: regenerate with EHDMM_UPDATE_GOLDEN=1 (see tests/test_export_pack.py).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
import zlib
from datetime import date
from pathlib import Path

import docx
import pandas as pd
import pytest

from ehdmm import peers, scoring
from ehdmm.analysis import aggregates, core
from ehdmm.analysis.rounds import load_round
from ehdmm.export import images, pack, report, tables
from ehdmm.model import load_model
from ehdmm.scoring import Rule
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import profile as views_profile
from ehdmm.views import reports
from ehdmm.views.scope import Scope

try:  # tests/ as a package (with __init__.py) or as a folder on sys.path
    from tests.test_export_pack import EVIL, TODAY, build_small_db, check_golden
    from tests.test_export_report_pdf import elements
except ImportError:
    from test_export_pack import EVIL, TODAY, build_small_db, check_golden
    from test_export_report_pdf import elements

MODEL = load_model()
PROBLEM = images.chromium_problem()
if PROBLEM and os.environ.get("EHDMM_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"image export is required here (EHDMM_REQUIRE_BROWSER=1): {PROBLEM}")
needs_chromium = pytest.mark.skipif(
    PROBLEM is not None, reason=f"image export test skipped: {PROBLEM}"
)
BRISTOL = "E06000023"
CHART_KEYS = ["radar", "dots", "distribution", "trajectory"]
H1 = [
    "Summary",
    "Levels against the peer group and England",
    "Where it sits in the peer group",
    "Trajectory across rounds",
    "Where it is, and what the next level asks",
    "Priorities against the peer group",
    "Targets and improvement plan",
    "Evidence notes",
    "Pre-model checklist",
    "Data tables",
    "About this report",
]


@pytest.fixture(scope="module")
def small_db(_empty_template, tmp_path_factory):
    """The small database of tests/test_export_pack.py, built once: these tests only read."""
    path = tmp_path_factory.mktemp("report") / "small.duckdb"
    shutil.copy(_empty_template, path)
    return build_small_db(path)


@pytest.fixture(scope="module")
def bristol(small_db):
    return reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, "2026-03", "region", "gated", TODAY)


def headings(document: docx.document.Document) -> list[list[str]]:
    return [
        [p.style.name, p.text]
        for p in document.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


# -- content ------------------------------------------------------------------------------------


def test_report_content_equals_the_database(small_db, bristol):
    with connect(small_db) as conn:
        wide = scoring.authority_levels(conn, LOCAL_VIEWER, "2026-03", "gated")
    own = wide.set_index("authority_code").loc[BRISTOL]
    assert bristol.overall == MODEL.level_names[int(own["overall"])] == "Developing"
    assert bristol.index == scoring.format_index(own["index"]) == "3.00"
    levels = dict(zip(bristol.strands["Item"], bristol.strands.iloc[:, 2], strict=True))
    numbers = dict(zip(bristol.strands["Item"], bristol.strands.iloc[:, 1], strict=True))
    for strand in MODEL.strands:
        assert (
            levels[strand.name] == f"{int(own[strand.id])} {MODEL.level_names[int(own[strand.id])]}"
        )
        assert numbers[strand.name] == int(own[strand.id])
    # South West members with a submission: Bath, Bristol, North Somerset, Devon
    assert (bristol.member_count, bristol.n) == (15, 4)
    assert bristol.rank == "1 of 3"  # by index among complete returns: 3.00, 2.50, 1.00
    assert [c.key for c in bristol.charts] == CHART_KEYS
    radar = bristol.chart("radar").figure
    own_trace = next(t for t in radar.data if t.name == "Bristol, City of")
    assert list(own_trace.r) == [3, 3, 2, 4, 2, 3, 4, 3]
    assert "2026-03" in radar.layout.title.subtitle.text
    evidence = bristol.evidence.set_index("Dimension")["Evidence"]
    assert evidence[MODEL.dimensions[0].name] == EVIL
    checklist = bristol.checklist.set_index("In place")
    assert set(checklist.index) == {"yes", "no", "not answered"}
    assert [c.name for c in bristol.cards] == [s.name for s in MODEL.strands]
    card = bristol.cards[0].dimensions[0]
    assert card.current == MODEL.dimensions[0].descriptor(3)
    assert card.next_text == MODEL.dimensions[0].descriptor(4)
    assert bristol.generated == TODAY
    assert report.file_name(bristol, "docx") == "E06000023_2026-03_region_gated_report.docx"


def test_a_report_without_a_submission_in_the_round(small_db):
    data = reports.report_data(small_db, LOCAL_VIEWER, "E06000001", "2026-03", "region", "gated")
    assert not data.has_submission
    assert [c.key for c in data.charts] == ["distribution"]
    assert not data.cards
    assert any("no current submission" in n for n in data.notices)
    document = docx.Document(io.BytesIO(report.docx_bytes(data, {})))
    titles = [t for s, t in headings(document) if s == "Heading 1"]
    assert "Evidence notes" not in titles and "Trajectory across rounds" in titles


def test_unknown_round_peers_or_authority_are_report_errors(small_db):
    with pytest.raises(report.ReportError, match="1999-01"):
        reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, "1999-01", "england", "gated")
    with pytest.raises(report.ReportError, match="peer group"):
        reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, None, "friends", "gated")
    with pytest.raises(report.ReportError, match="unknown authority"):
        reports.report_data(small_db, LOCAL_VIEWER, "E99999999", None, "england", "gated")
    with pytest.raises(report.ReportError, match="format"):
        report.render(
            reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, None, "type", "gated"), "odt"
        )


def test_batches_are_for_national_viewers_and_another_authority_is_refused(small_db):
    own = Viewer(role="authority", authority_code=BRISTOL)
    with pytest.raises(PermissionError, match="national team"):
        reports.load_batch(small_db, own, "2026-03", "region", "gated", [BRISTOL])
    kept = load_round(small_db, "2026-03", Rule.GATED)  # the round data the pages keep
    with pytest.raises(PermissionError, match="national team"):
        reports.batch_of(kept, own, str(small_db), (0.0, 0), "region", [BRISTOL])
    for fmt in report.FORMATS:
        with pytest.raises(PermissionError, match="your own authority's report only") as exc:
            reports.report_bytes(small_db, own, "E08000025", "2026-03", "region", "gated", fmt)
        assert "E08000025" not in str(exc.value) and "Birmingham" not in str(exc.value)
    with pytest.raises(PermissionError, match="your own authority's report only"):
        reports.report_data(small_db, own, "E06000022", "2026-03", "region", "gated")


def test_report_tables_are_formula_safe_when_exported(bristol):
    text = tables.csv_bytes(bristol.evidence).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    answers = tables.csv_bytes(bristol.checklist).decode("utf-8-sig")
    assert "'+44 signed" in answers and "'-to recruit" in answers


# -- Word ---------------------------------------------------------------------------------------


def test_docx_outline_is_golden(bristol):
    document = docx.Document(io.BytesIO(report.docx_bytes(bristol, {})))
    outline = headings(document)
    assert [t for s, t in outline if s == "Heading 1"] == H1
    check_golden("report_outline_small.json", outline)


@needs_chromium
def test_docx_has_headings_word_tables_and_pictures_with_alt_text(bristol):
    data = report.render(bristol, "docx")
    document = docx.Document(io.BytesIO(data))
    outline = headings(document)
    assert outline[0] == ["Title", "Data maturity benchmark report: Bristol, City of"]
    assert [t for s, t in outline if s == "Heading 1"] == H1
    # charts: one picture each, alt text (docPr descr) = the chart's one-sentence summary
    # charts: one picture each, its own alt text (docPr descr) and the chart's heading as title
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(CHART_KEYS)
    for shape, chart in zip(shapes, bristol.charts, strict=True):
        assert shape._inline.docPr.get("descr") == chart.alt_text
        assert shape._inline.docPr.get("title") == chart.heading
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        media = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    print_px = round(16 / 2.54 * 300)  # 16 cm at 300 dpi
    assert len(media) == 4
    assert all(abs(images.png_size(m)[0] - print_px) <= 2 for m in media)
    assert all(round(images.png_dpi(m)) == 300 for m in media)
    # tables are Word tables holding the data (not pictures)
    texts = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    evidence = next(
        t
        for t in texts
        if t[0] == ["Strand", "Dimension", "Level number", "Level", "Confidence", "Evidence"]
    )
    assert evidence[1][5] == EVIL  # after the level as a number and as its label
    peer = next(t for t in texts if t[0][:3] == ["Chosen", "Authority", "ONS code"])
    assert len(peer) == 1 + 15 and ["yes", "Bristol, City of", BRISTOL] in [r[:3] for r in peer]
    assert document.tables[0]._tbl.xpath("./w:tr[1]/w:trPr/w:tblHeader")  # header repeats
    assert any("Synthetic" in p.text for p in document.paragraphs) is False
    assert any("not a league table" in p.text for p in document.paragraphs)


# -- PDF ----------------------------------------------------------------------------------------


def media_boxes(data: bytes) -> list[tuple[float, float]]:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [tuple(round(float(v), 2) for v in page.mediabox[2:]) for page in pdf.pages]


@needs_chromium
def test_pdf_is_valid_a4_with_pictures_alt_text_and_outline(bristol):
    import pikepdf

    data = report.render(bristol, "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    portrait, landscape = (595.28, 841.89), (841.89, 595.28)  # A4, the data tables landscape
    boxes = media_boxes(data)
    assert len(boxes) >= 5 and set(boxes) == {portrait, landscape}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        outline = [item.title for item in pdf.open_outline().root]
        figures = [
            element
            for element in elements(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/Figure"
        ]
    assert outline[0] == bristol.title  # headings as bookmarks
    assert len(figures) == len(CHART_KEYS)
    assert [str(f.Alt) for f in figures] == [c.alt_text for c in bristol.charts]


def test_pdf_without_chart_images_says_so_in_their_place(bristol):
    data = report.pdf_bytes(bristol, {})
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert text.count("[Chart not included") == len(CHART_KEYS)
    assert bristol.chart("radar").summary.split(",")[0] in text


# -- HTML ---------------------------------------------------------------------------------------


def test_html_is_self_contained_and_escapes_user_text(bristol):
    text = report.html_bytes(bristol).decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in text
    assert text.count('class="plotly-graph-div"') == len(CHART_KEYS)
    assert re.search(r"<script[^>]+src=", text) is None  # no external script
    markup = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    assert "<link" not in markup and "<img" not in markup and "<iframe" not in markup
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup) is None
    assert text.count("window.PlotlyConfig") == 1  # plotly.js once, inline
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" not in text
    assert "Exported 2026-04-01" in text  # the charts' source notes carry the date
    for title in H1:  # the title is the one h1, the report's parts h2
        assert f">{title}</h2>" in text
    assert text.count("<h1") == 1
    assert '<th scope="col">Evidence</th>' in text
    assert 'role="alert"' not in text  # a document interrupts no one


def test_static_html_is_light_with_pictures_and_their_own_alt_text(bristol):
    fake = {key: _svg(key) for key in CHART_KEYS}
    data = report.html_bytes(bristol, interactive=False, svgs=fake)
    text = data.decode("utf-8")
    assert len(data) < 300_000 and "<script" not in text
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', text)
    assert len(alts) == len(CHART_KEYS) == len(set(alts))  # the radar and dot plot differ
    radar, dots = bristol.chart("radar").alt_text, bristol.chart("dots").alt_text
    assert radar.startswith("Radar chart of Bristol, City of's level") and radar.endswith(".")
    assert dots.startswith("Dot plot of Bristol, City of's level") and "in 0" not in dots


def test_with_england_as_the_peer_group_the_charts_and_alt_text_name_its_median_once(small_db):
    data = reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, "2026-03", "england", "gated")
    for key in ("radar", "dots"):
        chart = data.chart(key)
        assert "with the England median for comparison" in chart.alt_text, chart.alt_text
        assert "England and England" not in chart.alt_text
        legend = [t.name for t in chart.figure.data if t.showlegend is not False]
        assert sum(name.startswith("England median") for name in legend) == 1, legend
    region = reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, "2026-03", "region", "gated")
    assert "the Same region and England medians" in region.chart("radar").alt_text


def _svg(key: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 605 400"><title>{key}</title>'
        '<rect width="605" height="400" fill="white"/></svg>'
    ).encode()


def test_clean_text_removes_what_word_cannot_hold():
    assert report.clean_text("a\x0bb\x00c\td\r\ne") == "abc d\ne"
    assert report.clean_text(2.0) == "2" and report.clean_text(2.5) == "2.5"
    assert report.clean_text(None) == "" and report.clean_text(float("nan")) == ""
    assert report.clean_text(True) == "yes"


def test_reports_zip_holds_one_named_file_per_authority(small_db):
    seen = []
    batch = reports.load_batch(
        small_db, LOCAL_VIEWER, "2026-03", "region", "gated", [BRISTOL, "E06000022"]
    )
    data = reports.reports_zip(
        batch,
        "html",
        progress=lambda done, total, name: seen.append((done, total, name)),
        today=date(2026, 4, 1),
    )
    names = list(pack.zip_contents(data)["File"])
    assert names == [
        "E06000023_2026-03_region_gated_report.html",
        "E06000022_2026-03_region_gated_report.html",
    ]
    assert seen == [(0, 2, ""), (1, 2, "Bristol, City of"), (2, 2, "Bath and North East Somerset")]


# -- an authority user's own report ---------------------------------------------------------------

SMALL_GROUP = "three"  # Bristol, Birmingham and the City of London
SUPPRESSED_NOTE = "Suppressed: fewer than 5 other authorities"
CODE = re.compile(r"\b[EW]\d{8}\b")
OWN_VIEWER = Viewer(role="authority", authority_code=BRISTOL, email="analyst@bristol.gov.uk")


@pytest.fixture(scope="module")
def pool_db(_demo_template, tmp_path_factory) -> Path:
    """The demo database (every authority submitted) with a custom group of 3."""
    path = tmp_path_factory.mktemp("own-report") / "demo.duckdb"
    shutil.copy(_demo_template, path)
    peers.save_custom_group(path, SMALL_GROUP, [BRISTOL, "E08000025", "E09000001"])
    assert peers.publish_group(path, SMALL_GROUP, actor="tests")  # authority users may choose it
    return path


def _model_strings() -> list[str]:
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(MODEL.to_json_dict())
    return sorted({s for s in found if len(s) > 3}, key=len, reverse=True)


def leaks(text: str, db: Path) -> list[str]:
    """Other authorities' ONS codes and names (whole words) in `text`; the published model's
    text (its case studies name four authorities) and Bristol's own name are not peer data."""
    frame = core.authorities(db)
    names = sorted(set(frame.loc[frame["code"] != BRISTOL, "name"]), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")
    found = sorted({c for c in CODE.findall(text) if c != BRISTOL})
    for public in _model_strings():
        if pattern.search(public):
            text = text.replace(public, " ")
    text = text.replace("Bristol, City of", " ")
    return found + sorted(set(pattern.findall(text)))


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell (python-docx), and every XML part of the package
    (headers, footers, alt texts, document properties)."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts += [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    """Every page's text (pypdf, through the fonts' Unicode maps), the document's metadata and
    every structure element's alternative text."""
    import pikepdf
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            parts += [str(e.Alt) for e in elements(root) if "/Alt" in e]
    return "\n".join(parts)


def html_text(data: bytes) -> str:
    """The HTML without the plotly.js bundle (library code, not report content)."""
    from plotly.offline import get_plotlyjs

    return data.decode("utf-8").replace(get_plotlyjs(), "")


def outline_text(data: report.ReportData) -> str:
    """Every block of the report as text, and every chart's figure spec (what its picture
    shows)."""
    parts = []
    for block in report.outline(data):
        if isinstance(block, report.Table):
            parts.append(block.caption + "\n" + block.frame.to_csv(index=False))
        elif isinstance(block, report.Chart):
            parts.append(block.chart.figure.to_json() + block.chart.summary)
        else:
            parts.append(str(block))
    return "\n".join(parts)


@pytest.mark.parametrize("group", ["region", f"custom:{SMALL_GROUP}", "neighbours", "england"])
def test_an_authority_user_s_own_report_names_no_other_authority(pool_db, group):
    data = reports.report_data(pool_db, OWN_VIEWER, BRISTOL, "2026-03", group, "gated", TODAY)
    assert data.title == "Data maturity benchmark report: Bristol, City of"
    assert data.has_submission and data.overall in {m for m in MODEL.level_names.values()}
    assert [c.key for c in data.charts] == CHART_KEYS
    assert leaks(outline_text(data), pool_db) == []
    assert not any(t.frame.columns.isin(["ONS code", "Authority"]).any() for t in data.tables)
    national = reports.report_data(pool_db, LOCAL_VIEWER, BRISTOL, "2026-03", group, "gated")
    assert leaks(outline_text(national), pool_db)  # the check would catch a named peer


def test_own_report_figures_are_the_protected_aggregates(pool_db):
    data = reports.report_data(pool_db, OWN_VIEWER, BRISTOL, "2026-03", "region", "gated", TODAY)
    round_data = load_round(pool_db, "2026-03", Rule.GATED)
    figures = aggregates.peer_figures(round_data, OWN_VIEWER, BRISTOL, "region")
    rank = figures.rank
    assert data.rank == f"{rank.rank} of {rank.n}"
    quartiles = figures.index
    assert data.index_summary.startswith(f"The middle half of the {quartiles.n} members")
    medians = figures.medians("peer", "strand")
    assert list(data.strands["Same region median"]) == [f"{v:g}" for v in medians["median"]]
    dist = figures.distribution("strand")
    table = data.chart("distribution").table
    assert [int(v) for v in table["Authorities"]] == [int(v) for v in dist["count"]]
    assert not {1, 2} & {int(v) for v in table["Authorities"]}  # perturbed: never 1 or 2
    radar = data.chart("radar").figure
    assert [t.name for t in radar.data if t.name and "closing" not in t.name][
        2
    ] == "Bristol, City of"
    assert not any(t.type == "box" and t.boxpoints for t in data.chart("distribution").figure.data)


def test_a_small_custom_group_is_suppressed_in_the_own_report(pool_db):
    group = f"custom:{SMALL_GROUP}"
    data = reports.report_data(pool_db, OWN_VIEWER, BRISTOL, "2026-03", group, "gated", TODAY)
    assert (data.rank, data.percentile, data.n) == ("suppressed", "suppressed", None)
    assert data.rank_sentence.startswith("suppressed (shown only when at least 5 other members")
    assert any(
        b.text == data.rank_sentence for b in report.outline(data) if isinstance(b, report.Para)
    )
    assert f"Custom: {SMALL_GROUP} median: {SUPPRESSED_NOTE}" in data.notices
    assert data.index_summary == f"The maturity index of Custom: {SMALL_GROUP}: {SUPPRESSED_NOTE}."
    assert set(data.strands[f"Custom: {SMALL_GROUP} median"]) == {"suppressed"}
    assert "suppressed" not in set(data.strands["England median"])
    bars = data.chart("distribution").figure
    assert all(list(t.y) == [None] * 4 for t in bars.data if t.type == "bar")
    text = outline_text(data)
    assert SUPPRESSED_NOTE in text and "Custom: three has 3 members" in text
    assert leaks(text, pool_db) == []
    # a national user's report of the same group is not suppressed
    national = reports.report_data(pool_db, LOCAL_VIEWER, BRISTOL, "2026-03", group, "gated")
    assert national.rank != "suppressed" and SUPPRESSED_NOTE not in outline_text(national)


def test_an_own_report_in_a_round_without_its_submission(pool_db, tmp_path):
    db = tmp_path / "gap.duckdb"
    shutil.copy(pool_db, db)
    with connect(db) as conn:  # Bristol withdraws its 2026-03 return (a test-only edit)
        conn.execute(
            "UPDATE submissions SET status = 'superseded' WHERE authority_code = ? "
            "AND round_id = ? AND status = 'submitted'",
            [BRISTOL, "2026-03"],
        )
    data = reports.report_data(db, OWN_VIEWER, BRISTOL, "2026-03", "region", "gated", TODAY)
    assert not data.has_submission and [c.key for c in data.charts] == [
        "distribution",
        "trajectory",
    ]
    assert any("no current submission in round 2026-03" in n for n in data.notices)
    assert leaks(outline_text(data), db) == []
    assert report.html_bytes(data).startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", list(report.FORMATS))
def test_own_report_files_name_no_other_authority_and_say_suppressed(pool_db, fmt):
    name, data = reports.report_bytes(
        pool_db, OWN_VIEWER, BRISTOL, "2026-03", f"custom:{SMALL_GROUP}", "gated", fmt, TODAY
    )
    assert name == f"E06000023_2026-03_custom-{SMALL_GROUP}_gated_report.{fmt}"
    text = {"docx": docx_text, "pdf": pdf_text, "html": html_text}[fmt](data)
    assert "Bristol" in text and "E06000023" in text
    assert SUPPRESSED_NOTE in text.replace("\n", " ")
    assert leaks(text, pool_db) == []
    _, wider = reports.report_bytes(
        pool_db, OWN_VIEWER, BRISTOL, "2026-03", "region", "gated", fmt, TODAY
    )
    assert leaks({"docx": docx_text, "pdf": pdf_text, "html": html_text}[fmt](wider), pool_db) == []


def test_the_stamped_spec_is_the_stamped_figure_without_a_copy(bristol, pool_db):
    own = reports.report_data(pool_db, OWN_VIEWER, BRISTOL, "2026-03", "custom:three", "gated")
    for data in (bristol, own):
        for chart in data.charts:
            expected = images.stamp_export_date(chart.figure, TODAY).to_dict()
            assert images.stamped_spec(chart.figure, TODAY) == expected, chart.key


def test_docx_pictures_are_placed_in_order_when_the_images_come_later(bristol):
    fake = {key: _png(number + 2) for number, key in enumerate(CHART_KEYS)}
    calls = []

    def later() -> dict[str, bytes]:
        calls.append(1)
        return fake

    document = docx.Document(io.BytesIO(report.docx_bytes(bristol, later)))
    assert calls == [1]  # waited for once
    shapes = list(document.inline_shapes)
    assert [s._inline.docPr.get("title") for s in shapes] == [c.heading for c in bristol.charts]
    part = document.part
    blobs = [
        part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        for s in shapes
    ]
    assert blobs == [fake[k] for k in CHART_KEYS]
    missing = docx.Document(io.BytesIO(report.docx_bytes(bristol, lambda: {})))
    assert not missing.inline_shapes
    assert sum("[Chart not included" in p.text for p in missing.paragraphs) == len(CHART_KEYS)
    svgs = []

    def svgs_later() -> dict[str, bytes]:
        svgs.append(1)
        return {key: _svg(key) for key in CHART_KEYS}

    html = report.html_bytes(bristol, interactive=False, svgs=svgs_later).decode("utf-8")
    assert svgs == [1] and html.count("<img ") == len(CHART_KEYS)


def _png(width: int) -> bytes:
    """A small valid PNG (white, `width` x 2 px; different widths make different images)."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff" * 3 * width for _ in range(2))
    header = struct.pack(">IIBBBBB", width, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("group", ["region", f"custom:{SMALL_GROUP}"])
@pytest.mark.parametrize("viewer", [LOCAL_VIEWER, OWN_VIEWER], ids=["national", "authority"])
def test_the_report_s_numbers_are_the_profile_view_s(pool_db, viewer, group):
    """The report, loaded and built on its own, shows the numbers of the Authority profile view
    built independently from the round's data: headline level, index, rank, the medians per
    dimension and strand, the counts and the peer group's spread."""
    data = load_round(pool_db, "2026-03", Rule.GATED)
    scope = Scope(str(pool_db), (0.0, 0), viewer, BRISTOL, "2026-03", group, Rule.GATED)
    view = views_profile.build(scope, data)
    made = reports.report_data(pool_db, viewer, BRISTOL, "2026-03", group, "gated", TODAY)
    head = view.headline
    assert (made.overall, made.index, made.in_group) == (head.overall, head.index, head.in_group)
    assert (made.rank, made.percentile) == (head.rank.rank, head.rank.percentile)
    assert made.rank_sentence == head.rank.sentence  # the one wording of a rank
    assert (made.member_count, made.n) == (view.counts.members, view.counts.submitted)
    pd.testing.assert_frame_equal(made.chart("radar").table, view.levels("dimension").table)
    # the medians per dimension, as the aggregates compute them for this viewer
    figures = aggregates.peer_figures(data, viewer, BRISTOL, group)
    by_dimension = made.tables[0].frame.set_index("Item")
    for prefix, column in (("peer", f"{view.peers_label} median"), ("england", "England median")):
        medians = figures.medians(prefix, "dimension")
        expected = [
            "suppressed" if hidden else f"{float(value):g}"
            for value, hidden in zip(medians["median"], medians["suppressed"], strict=True)
        ]
        names = [MODEL.dimension(d).name for d in medians["item_id"]]
        assert list(by_dimension.loc[names, column]) == expected, prefix
    pd.testing.assert_frame_equal(made.strands, view.levels("strand").table)
    spread = view.distribution("strand")
    pd.testing.assert_frame_equal(made.chart("distribution").table, spread.chart.table)
    assert made.position == spread.position and made.index_summary == view.index.summary
    pd.testing.assert_frame_equal(made.chart("trajectory").table, view.trajectory.table)
    assert made.trajectory_summary == view.trajectory.summary
    pd.testing.assert_frame_equal(made.evidence, view.evidence)
    pd.testing.assert_frame_equal(made.checklist, view.checklist)
    assert made.cards == view.cards and made.demo == view.demo
    assert (made.authority_name, made.la_number) == (view.about.name, view.about.la_number)
    assert made.named == (viewer is LOCAL_VIEWER)


def test_a_report_from_the_cached_view_is_the_report_read_on_its_own(pool_db):
    """The Reports page renders the profile view it keeps; a batch renders a view per
    authority of the round read once; both equal a report read for the one authority."""
    data = load_round(pool_db, "2026-03", Rule.GATED)
    scope = Scope(str(pool_db), (0.0, 0), OWN_VIEWER, BRISTOL, "2026-03", "region", Rule.GATED)
    from_view = report.report_from(views_profile.build(scope, data), TODAY)
    alone = reports.report_data(pool_db, OWN_VIEWER, BRISTOL, "2026-03", "region", "gated", TODAY)
    assert outline_text(from_view) == outline_text(alone)
    batch = reports.load_batch(pool_db, LOCAL_VIEWER, "2026-03", "region", "gated", [BRISTOL])
    national = reports.report_data(pool_db, LOCAL_VIEWER, BRISTOL, None, "region", "gated", TODAY)
    assert outline_text(batch.report(BRISTOL, TODAY)) == outline_text(national)
    with pytest.raises(report.ReportError, match="not among"):
        batch.report("E08000025")


# -- priorities, targets and the improvement plan --------------------------------------------


def test_the_report_holds_priorities_progress_and_the_plan(demo_db):
    from ehdmm import plans

    peers.save_custom_group(demo_db, SMALL_GROUP, [BRISTOL, "E08000025", "E09000001"])
    assert peers.publish_group(demo_db, SMALL_GROUP, actor="tests")  # authority users may choose it
    mine = plans.read_plan(demo_db, LOCAL_VIEWER, BRISTOL)
    dim, level = next((d, lv) for d, lv in mine.levels.items() if lv < 4)
    plans.set_target(demo_db, OWN_VIEWER, "analyst", BRISTOL, dim, level + 1, "2027-03")
    statement = MODEL.dimension(dim).statements[4][0]
    title = "<script>alert(2)</script> =1+1"
    action = plans.Action.checked(MODEL, dim, title, [statement], "Head of EH", "2027-01-31")
    plans.save_action(demo_db, OWN_VIEWER, "analyst", BRISTOL, action)
    other = plans.Action.checked(MODEL, dim, "Birmingham's own action", [statement])
    plans.save_action(demo_db, LOCAL_VIEWER, "b", "E08000025", other)

    data = reports.report_data(demo_db, OWN_VIEWER, BRISTOL, "2026-03", "england", "gated", TODAY)
    progress = data.progress.set_index("Dimension").loc[MODEL.dimension(dim).name]
    assert (progress["Level"], progress["Target"], progress["Progress"]) == (
        level,
        level + 1,
        "on track",
    )
    assert data.plan["Action"].tolist() == [title]  # its own plan only
    assert data.plan["Works towards"].tolist() == [statement]
    assert data.priorities["Level"].notna().all() and data.priority_cards
    # the target is the radar's third trace, and a column of the dimensions' table
    assert "Target" in [t.name for t in data.chart("radar").figure.data]
    by_dimension = next(t.frame for t in data.tables if t.title.startswith("Levels by dimension"))
    assert f"{level + 1} " in " ".join(by_dimension["Target"])
    blocks = [b for b in report.outline(data) if isinstance(b, report.Table)]
    assert any(b.caption == "Improvement plan" for b in blocks)
    assert leaks(outline_text(data), demo_db) == []
    html = report.html_bytes(data).decode("utf-8")
    assert "&lt;script&gt;alert(2)&lt;/script&gt; =1+1" in html
    assert ">Targets and improvement plan</h2>" in html
    # under disclosure control a group of 3 gives no peer median: no gap to it either
    small = reports.report_data(
        demo_db, OWN_VIEWER, BRISTOL, "2026-03", f"custom:{SMALL_GROUP}", "gated", TODAY
    )
    assert small.priorities[f"Gap to Custom: {SMALL_GROUP}"].isna().all()
    assert small.priorities["Gap to England"].notna().all()


def test_the_report_shows_the_respondents_spread_beside_the_agreed_level(demo_db):
    """An authority with demo respondents: counts per level and the agreed level, no one
    named; an authority without respondents has no such section."""
    from ehdmm.export.report.outline import Heading, outline

    with connect(demo_db) as conn:
        with_partners, without = conn.execute(
            "SELECT (SELECT min(authority_code) FROM respondents), (SELECT min(a.code) FROM "
            "authorities a WHERE a.code NOT IN (SELECT authority_code FROM respondents))"
        ).fetchone()
        names = {r[0] for r in conn.execute("SELECT name FROM respondents").fetchall()}
    viewer = Viewer(role="authority", authority_code=with_partners)
    data = reports.report_data(demo_db, viewer, with_partners, "2026-03", "england", "gated")
    assert not data.spread.empty and 2 <= data.respondents <= 5
    assert list(data.spread.columns) == [
        "Dimension",
        "1 Early",
        "2 Developing",
        "3 Maturing",
        "4 Mature",
        "Range",
        "Agreed level",
        "Disagreement",
    ]
    assert (data.spread.iloc[:, 1:5].sum(axis=1) <= data.respondents).all()
    headings = [b.text for b in outline(data) if isinstance(b, Heading)]
    assert "Where the respondents' views differ" in headings
    html = report.render(data, "html", interactive=False).decode()
    assert not any(name in html for name in names)
    other = reports.report_data(
        demo_db,
        Viewer(role="authority", authority_code=without),
        without,
        "2026-03",
        "england",
        "gated",
    )
    assert other.spread.empty
