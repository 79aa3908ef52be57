"""ehdmm.export.report.pdf_render: the PDF made by WeasyPrint from the HTML report is a tagged
PDF/UA-1 file. Checked as independent clients read it: the `pdfua` checker (PyPI) finds no error
on the report of an authority with a full submission nor on one without; `pikepdf` shows the
structure tree (H1/H2, P, Table/TR/TH/TD with header scope, Figure with alternative text), the
title shown in the window, language en-GB, every font embedded, ehdmm's version and the round
in the metadata, and the charts placed at their print size (every text at least 9 pt). No
Chromium needed: the pictures are stand-ins of the size the charts are drawn at."""

from __future__ import annotations

import io
import shutil

import pikepdf
import pytest

import ehdmm
from ehdmm.charts import theme
from ehdmm.export import report
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import reports

try:  # tests/ as a package (with __init__.py) or as a folder on sys.path
    from tests.test_export_pack import TODAY, build_small_db
except ImportError:
    from test_export_pack import TODAY, build_small_db

BRISTOL = "E06000023"  # a full submission in the small database


@pytest.fixture(scope="module")
def small_db(_empty_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "small.duckdb"
    shutil.copy(_empty_template, path)
    return build_small_db(path)


def stand_in_svgs(data: report.ReportData) -> dict[str, bytes]:
    """An SVG per chart as wide and tall as it is drawn for print, with its title."""
    out = {}
    for chart in data.charts:
        spec = report.print_spec(data, chart)
        width, height = spec["layout"]["width"], spec["layout"]["height"]
        out[chart.key] = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><title>{chart.key}</title>'
            f'<rect width="{width}" height="{height}" fill="#f2f2f2"/></svg>'
        ).encode()
    return out


def made(db, viewer, code: str, peers: str = "region") -> tuple[report.ReportData, bytes]:
    data = reports.report_data(db, viewer, code, "2026-03", peers, "gated", TODAY)
    return data, report.pdf_bytes(data, stand_in_svgs(data))


def elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from elements(kid)


@pytest.mark.parametrize(
    ("code", "viewer"),
    [
        (BRISTOL, LOCAL_VIEWER),  # a full submission
        ("E06000001", LOCAL_VIEWER),  # Hartlepool: no submission in any round
        (BRISTOL, Viewer(role="authority", authority_code=BRISTOL)),  # its own report
    ],
)
def test_pdfua_finds_no_error(small_db, tmp_path, code, viewer):
    from pdfua import Severity, validate

    data, pdf = made(small_db, viewer, code)
    assert data.has_submission == (code == BRISTOL)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    found = validate(str(path))
    errors = [f for f in found.findings if f.severity == Severity.ERROR]
    assert errors == [], [(f.rule_id, f.message) for f in errors]
    # the header cells carry their scope: no warning is left about them either
    assert not [f for f in found.findings if f.rule_id == "UA-15-003"]


def test_structure_tree_title_language_and_fonts(small_db):
    data, pdf = made(small_db, LOCAL_VIEWER, BRISTOL)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        tree = list(elements(doc.Root.StructTreeRoot))
        roles = {str(e.S) for e in tree}
        assert {"/H1", "/H2", "/H3", "/P", "/Table", "/TR", "/TH", "/TD", "/Figure"} <= roles
        figures = [e for e in tree if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [c.alt_text for c in data.charts]
        headers = [e for e in tree if e.S == "/TH"]
        assert headers and all(str(h.A.Scope) == "/Column" for h in headers)
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(doc.Root.Lang) == "en-GB"
        assert bool(doc.Root.MarkInfo.Marked) is True
        info = doc.docinfo
        assert str(info.Title) == data.title
        assert str(info.Creator) == f"ehdmm {ehdmm.__version__}"
        assert "round 2026-03" in str(info.Keywords)
        assert "round 2026-03" in str(info.Subject)
        with doc.open_metadata() as xmp:
            assert xmp.get("dc:title") == data.title
        fonts = []
        for page in doc.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                fonts.append(font)
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_every_chart_text_is_at_least_9_pt_where_the_pdf_places_it(small_db):
    data, pdf = made(small_db, LOCAL_VIEWER, BRISTOL)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        figures = [e for e in elements(doc.Root.StructTreeRoot) if e.S == "/Figure"]
        placed = [float(f.A.BBox[2]) - float(f.A.BBox[0]) for f in figures]
    assert len(placed) == len(data.charts)
    for width, chart in zip(placed, data.charts, strict=True):
        sizes = theme.print_size_pt(report.print_spec(data, chart), width)
        assert min(sizes.values()) >= 9.0, (chart.key, sizes)
        assert sizes["layout.title.font"] >= 11.0


def test_the_pdf_pages_are_a4_and_the_data_tables_landscape(small_db):
    _, pdf = made(small_db, LOCAL_VIEWER, BRISTOL, "england")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        boxes = [tuple(round(float(v)) for v in page.mediabox[2:]) for page in doc.pages]
        outline = [item.title for item in doc.open_outline().root]
    assert set(boxes) == {(595, 842), (842, 595)}
    assert boxes[0] == (595, 842) and boxes[-1] == (595, 842)  # "About this report": portrait
    assert outline == [data_title(small_db)]


def data_title(db) -> str:
    return reports.report_data(db, LOCAL_VIEWER, BRISTOL, "2026-03", "england", "gated").title


def test_a_batch_of_pdfs_is_laid_out_in_child_processes_in_order(small_db):
    import zipfile

    from ehdmm.export.report.pdf_render import LayoutProcesses

    with LayoutProcesses(2) as layout:
        futures = [
            layout.submit(f"<html lang='en-GB'><title>{n}</title><p>{n}</p></html>")
            for n in range(3)
        ]
        made = [f.result() for f in futures]
    for number, pdf in enumerate(made):
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert str(doc.docinfo.Title) == str(number)
    codes = [BRISTOL, "E06000022", "E06000024"]
    batch = reports.load_batch(small_db, LOCAL_VIEWER, "2026-03", "region", "gated", codes)
    data = reports.reports_zip(batch, "pdf")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        titles = []
        for name in names:
            with pikepdf.open(io.BytesIO(archive.read(name))) as doc:
                titles.append(str(doc.docinfo.Title))
    assert names == [f"{c}_2026-03_region_gated_report.pdf" for c in codes]
    assert titles == [
        "Data maturity benchmark report: Bristol, City of",
        "Data maturity benchmark report: Bath and North East Somerset",
        "Data maturity benchmark report: North Somerset",
    ]


def test_layout_sets_off_no_garbage_collection_and_restores_the_collector(small_db):
    import gc

    from ehdmm.export.report.html_render import html_document
    from ehdmm.export.report.pdf_render import pdf_from_html

    collections = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.enable()
    gc.callbacks.append(count)
    try:
        data = reports.report_data(small_db, LOCAL_VIEWER, BRISTOL, "2026-03", "region", "gated")
        document = html_document(data, interactive=False, svgs=stand_in_svgs(data))
        pdf_from_html(document)  # warm: WeasyPrint imported, its stylesheets parsed
        collections.clear()  # the report's data and HTML were made with the collector on
        pdf_from_html(document)
    finally:
        gc.callbacks.remove(count)
    assert len(collections) <= 1, collections  # about 230 with the collector on
    assert gc.isenabled()
