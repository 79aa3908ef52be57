"""ehdmm.views.reports: the documents made from the views. A batch reads the round once and
renders each report from the authority's profile view, in the order asked, with progress; it
refuses what it cannot make (no round, an unknown peer group or authority) and is for national
viewers; the national pack is read for national viewers only. The reports' content is tested
in tests/test_export_report.py, the pack's in tests/test_export_pack.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ehdmm.analysis.rounds import load_round
from ehdmm.export import report
from ehdmm.scoring import Rule
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import reports

try:  # tests/ as a package (with __init__.py) or as a folder on sys.path
    from tests.test_export_pack import TODAY, build_small_db
except ImportError:
    from test_export_pack import TODAY, build_small_db

BRISTOL, BATH = "E06000023", "E06000022"
OWN = Viewer(role="authority", authority_code=BRISTOL, email="analyst@bristol.gov.uk")


@pytest.fixture(scope="module")
def small_db(_empty_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small database of tests/test_export_pack.py, built once: these tests only read."""
    path = tmp_path_factory.mktemp("views-reports") / "small.duckdb"
    shutil.copy(_empty_template, path)
    return build_small_db(path)


def test_a_batch_renders_each_report_from_its_view_in_order(small_db):
    batch = reports.load_batch(small_db, LOCAL_VIEWER, None, "region", "gated", [BATH, BRISTOL])
    assert batch.data.round_id == "2026-03" and len(batch) == 2  # the latest round by default
    made = list(batch.reports(TODAY))
    assert [r.authority for r in made] == [BATH, BRISTOL]
    view = batch.view(BRISTOL)
    assert made[1].overall == view.headline.overall and made[1].rank == view.headline.rank.rank
    seen = []
    files = reports.report_files(
        batch, "html", lambda done, total, name: seen.append((done, total, name)), TODAY
    )
    names = [name for name, _ in files]
    assert names == [f"{c}_2026-03_region_gated_report.html" for c in (BATH, BRISTOL)]
    assert seen == [(0, 2, ""), (1, 2, "Bath and North East Somerset"), (2, 2, "Bristol, City of")]


def test_a_batch_refuses_what_it_cannot_make(small_db):
    with pytest.raises(report.ReportError, match="no custom peer group 'nobody'"):
        reports.load_batch(small_db, LOCAL_VIEWER, None, "custom:nobody", "gated")
    with pytest.raises(report.ReportError, match="unknown authority code"):
        reports.load_batch(small_db, LOCAL_VIEWER, None, "region", "gated", ["E99999999"])
    with pytest.raises(report.ReportError, match="unknown scoring rule"):
        reports.load_batch(small_db, LOCAL_VIEWER, None, "region", "lenient")
    data = load_round(small_db, "2026-03", Rule.GATED)
    with pytest.raises(PermissionError, match="national team"):
        reports.batch_of(data, OWN, str(small_db), (0.0, 0), "region", [BRISTOL])
    batch = reports.batch_of(data, LOCAL_VIEWER, str(small_db), (0.0, 0), "region", [BRISTOL])
    with pytest.raises(report.ReportError, match="not among the authorities"):
        batch.report(BATH)


def test_a_database_without_submissions_has_nothing_to_report(empty_db):
    with pytest.raises(report.ReportError, match="nothing to report"):
        reports.report_data(empty_db, LOCAL_VIEWER, BRISTOL, None, "england", "gated")


def test_the_national_pack_is_for_national_viewers(small_db):
    with pytest.raises(PermissionError, match="national team only"):
        reports.national_pack(small_db, OWN)
    assert reports.national_pack(small_db, LOCAL_VIEWER, "2026-03").startswith(b"PK")
