"""ehdmm.export.images: static chart images through kaleido and the system Chromium, drawn for
print. PNG (16 cm at 300 dpi, `pHYs` and title in the file; an explicit scale still multiplies
the layout's size), SVG (parses as XML, `<title>` and `<desc>`, the size it is drawn at in cm),
PDF (one A4 page, landscape when the chart fits, titled with the chart's title, tagged); every
text at least 9 pt on paper; the export date in the source note; one warm browser for every
image; a plain message when Chromium is missing.

Needs Chromium: without it the export tests skip with the reason; with EHDMM_REQUIRE_BROWSER=1
(set by .ci/run) a missing browser is a failure instead (as tests/test_browser.py).
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from datetime import date

import plotly.graph_objects as go
import pytest

from ehdmm.charts import theme
from ehdmm.export import images, report
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import reports

PROBLEM = images.chromium_problem()
if PROBLEM and os.environ.get("EHDMM_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"image export is required here (EHDMM_REQUIRE_BROWSER=1): {PROBLEM}")
needs_chromium = pytest.mark.skipif(
    PROBLEM is not None, reason=f"image export test skipped: {PROBLEM}"
)


@pytest.fixture(scope="module")
def charts(_demo_template):
    """The charts of Bristol's report (demo data): figures as the pages draw them."""
    data = reports.report_data(
        _demo_template, LOCAL_VIEWER, "E06000023", "2026-03", "region", "gated"
    )
    return {c.key: c.figure for c in data.charts}


PRINT_PX = round(16 / 2.54 * 96)  # 16 cm in CSS pixels


@needs_chromium
@pytest.mark.parametrize("key", ["radar", "distribution"])
def test_png_is_drawn_at_print_size_at_300_dpi_and_says_so(charts, key):
    fig = charts[key]
    data = images.figure_bytes(fig, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    spec = theme.for_print(fig.to_dict())
    width, height = images.png_size(data)
    assert abs(width - 16 / 2.54 * 300) <= 2  # 16 cm at 300 dpi
    assert abs(height - spec["layout"]["height"] * 300 / 96) <= 2
    assert round(images.png_dpi(data)) == 300
    assert images.chart_title(spec).encode() in data  # iTXt Title
    assert b"ehdmm " in data  # iTXt Software: ehdmm and its version
    # as laid out, an explicit scale still multiplies the size
    one = images.figure_bytes(fig, "png", scale=1)
    assert images.png_size(one) == (1100, int(fig.layout.height))
    assert images.png_size(images.figure_bytes(fig, "png", scale=3)) == (
        3300,
        3 * int(fig.layout.height),
    )


@needs_chromium
def test_a_reports_charts_are_drawn_together_in_the_same_browser(charts):
    import kaleido

    images.figure_bytes(charts["radar"], "png")
    server = kaleido._global_server._thread
    specs = images.print_specs(charts, date(2026, 4, 1))
    pngs = images.print_pngs(specs)
    assert list(pngs) == list(charts)
    for key in charts:
        assert abs(images.png_size(pngs[key])[0] - 16 / 2.54 * 300) <= 2, key
    assert kaleido._global_server._thread is server  # no second browser


@needs_chromium
def test_svg_parses_as_xml_declares_its_size_and_holds_title_and_description(charts):
    data = images.figure_bytes(images.stamp_export_date(charts["radar"], date(2026, 4, 1)), "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    spec = theme.for_print(charts["radar"].to_dict())
    height = spec["layout"]["height"]
    assert root.get("viewBox") == f"0 0 {PRINT_PX} {height:g}"  # drawn at 16 cm
    assert root.get("width") == f"{PRINT_PX / (96 / 2.54):.2f}cm"
    assert root.get("height") == f"{height / (96 / 2.54):.2f}cm"
    ns = "{http://www.w3.org/2000/svg}"
    children = list(root)
    assert children[0].tag == f"{ns}title" and children[1].tag == f"{ns}desc"
    assert children[0].text == "Bristol, City of: level by dimension"
    assert "Round 2026-03" in children[1].text and "Exported 2026-04-01" in children[1].text
    text = " ".join(t for t in root.itertext())
    assert "scoring rule: gated" in text
    for level in ("Early", "Developing", "Maturing", "Mature"):
        assert level in text


@needs_chromium
@pytest.mark.parametrize(("key", "landscape"), [("trajectory", True), ("distribution", False)])
def test_pdf_is_one_a4_page_titled_with_the_chart(charts, key, landscape):
    import pikepdf

    data = images.figure_bytes(charts[key], "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        box = [round(float(v), 1) for v in pdf.pages[0].mediabox[2:]]
        title = str(pdf.docinfo["/Title"])
        creator = str(pdf.docinfo["/Creator"])
        keywords = str(pdf.docinfo["/Keywords"])
        tagged = "/StructTreeRoot" in pdf.Root
    assert box == ([841.9, 595.3] if landscape else [595.3, 841.9])
    assert title == images.chart_title(charts[key].to_dict())
    assert "kaleido" not in title.lower() and "chrom" not in creator.lower()
    assert creator.startswith("ehdmm ") and "2026-03" in keywords
    assert tagged


@needs_chromium
def test_one_warm_browser_serves_every_image(charts):
    import kaleido

    images.figure_bytes(charts["dots"], "svg")
    assert images._server_started and kaleido._global_server.is_running()
    before = kaleido._global_server._thread
    for fmt in images.FORMATS:
        images.figure_bytes(charts["dots"], fmt)
    assert kaleido._global_server._thread is before  # the same server thread, not a new one


@needs_chromium
def test_the_browser_page_loads_nothing_from_the_network(charts, monkeypatch):
    """Kaleido's default page fetches MathJax from a CDN at each tab reload: offline, a drawing
    then stalls for seconds. The warm browser must be given a page of local scripts only."""
    import kaleido

    started = []
    real_start = kaleido.start_sync_server

    def start(*args, **kwargs):
        started.append(kwargs)
        return real_start(*args, **kwargs)

    images._stop_server()
    monkeypatch.setattr(kaleido, "start_sync_server", start)
    images.figure_bytes(charts["dots"], "svg")
    (kwargs,) = started
    index = kwargs["page_generator"].generate_index()
    sources = re.findall(r'<script src="([^"]+)"', index)
    assert sources and all(src.startswith("file://") for src in sources), sources
    assert "mathjax" not in index.lower()


@needs_chromium
def test_latex_like_text_stays_plain_text():
    fig = go.Figure(go.Bar(x=["$a$", "b"], y=[1, 2]))
    fig.update_layout(title="$x^2$ per authority")
    svg = images.figure_bytes(fig, "svg", width=600).decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "$a$" in texts and "$x^2$ per authority" in texts


def test_export_date_is_stamped_on_a_copy(charts):
    fig = charts["radar"]
    stamped = images.stamp_export_date(fig, date(2026, 4, 1))
    notes = [a.text for a in stamped.layout.annotations if a.text.startswith("Self-assessments")]
    assert len(notes) == 1 and notes[0].endswith("Exported 2026-04-01.")
    assert "gated" in notes[0] and "2026-03" in notes[0]
    assert not any("Exported" in (a.text or "") for a in fig.layout.annotations)
    again = images.stamp_export_date(stamped, date(2026, 4, 2))
    assert sum("Exported" in a.text for a in again.layout.annotations) == 1


def test_missing_chromium_is_said_plainly(charts, monkeypatch, tmp_path):
    monkeypatch.setattr(images, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    problem = images.chromium_problem()
    assert (
        problem is not None and "Chromium" in problem and "apt-get install -y chromium" in problem
    )
    with pytest.raises(images.ImageExportUnavailable):
        images.figure_bytes(charts["radar"], "png")
    assert report.chart_pngs(report.ReportData.__new__(report.ReportData)) == {}
    with pytest.raises(ValueError, match="unknown image format"):
        images.figure_bytes(charts["radar"], "gif")
