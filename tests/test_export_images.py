"""ehdmm.export.images: static chart images through kaleido and the system Chromium. PNG (magic
bytes, IHDR width and height; scale 2 doubles them), SVG (parses as XML), PDF (magic bytes, page
size); the export date in the source note; one warm browser for every image; a plain message
when Chromium is missing.

Needs Chromium: without it the export tests skip with the reason; with EHDMM_REQUIRE_BROWSER=1
(set by .ci/run) a missing browser is a failure instead (as tests/test_browser.py).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from ehdmm.export import images, report
from ehdmm.viewer import LOCAL_VIEWER

PROBLEM = images.chromium_problem()
if PROBLEM and os.environ.get("EHDMM_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"image export is required here (EHDMM_REQUIRE_BROWSER=1): {PROBLEM}")
needs_chromium = pytest.mark.skipif(
    PROBLEM is not None, reason=f"image export test skipped: {PROBLEM}"
)


@pytest.fixture(scope="module")
def charts(_demo_template):
    """The charts of Bristol's report (demo data): figures as the pages draw them."""
    data = report.report_data(
        _demo_template, LOCAL_VIEWER, "E06000023", "2026-03", "region", "gated"
    )
    return {c.key: c.figure for c in data.charts}


@needs_chromium
@pytest.mark.parametrize("key", ["radar", "distribution"])
def test_png_is_print_quality_and_scale_doubles_it(charts, key):
    fig = charts[key]
    one = images.figure_bytes(fig, "png", scale=1)
    two = images.figure_bytes(fig, "png")  # the default: scale 2
    assert one[:8] == two[:8] == b"\x89PNG\r\n\x1a\n"
    height = int(fig.layout.height)
    assert report.png_size(one) == (1100, height)
    assert report.png_size(two) == (2200, 2 * height)
    assert report.png_size(images.figure_bytes(fig, "png", scale=3)) == (3300, 3 * height)


@needs_chromium
def test_a_reports_charts_are_drawn_together_in_the_same_browser(charts):
    import kaleido

    images.figure_bytes(charts["radar"], "png")
    server = kaleido._global_server._thread
    pngs = report.figures_png(charts)
    assert list(pngs) == list(charts)
    for key, fig in charts.items():
        assert report.png_size(pngs[key]) == (2200, 2 * int(fig.layout.height)), key
    assert kaleido._global_server._thread is server  # no second browser


@needs_chromium
def test_svg_parses_as_xml_and_holds_the_titles(charts):
    data = images.figure_bytes(images.stamp_export_date(charts["radar"], date(2026, 4, 1)), "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    height = charts["radar"].layout.height
    assert root.get("viewBox") == f"0 0 1100 {height}"  # drawn at 1100 px, shown at scale 2
    assert (root.get("width"), root.get("height")) == ("2200", str(2 * height))
    text = " ".join(t for t in root.itertext())
    assert "Bristol, City of: level by dimension" in text
    assert "Round 2026-03" in text and "scoring rule: gated" in text
    assert "Exported 2026-04-01" in text
    for level in ("Early", "Developing", "Maturing", "Mature"):
        assert level in text


@needs_chromium
def test_pdf_is_a_pdf_of_the_chart_size(charts):
    data = images.figure_bytes(charts["trajectory"], "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)
    assert box is not None
    width, height = float(box.group(1)), float(box.group(2))
    assert width / height == pytest.approx(1100 / charts["trajectory"].layout.height, rel=0.02)


@needs_chromium
def test_one_warm_browser_serves_every_image(charts):
    import kaleido

    images.figure_bytes(charts["dots"], "svg")
    assert images._server_started and kaleido._global_server.is_running()
    before = kaleido._global_server._thread
    for fmt in images.FORMATS:
        images.figure_bytes(charts["dots"], fmt)
    assert kaleido._global_server._thread is before  # the same server thread, not a new one


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
