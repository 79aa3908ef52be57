"""AppTest of pages/10_Reports.py on the demo database: the chosen authority's report buttons
(named files, made on click), the national pack button, and a zip of a filtered set of reports
made with a progress bar, whose files are listed and hold the reports."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_roles import AUTH  # the [auth] secrets every sign-in test uses

from ehdmm.analysis import core, exports
from ehdmm.export import report
from ehdmm.ui import RANKING_CAVEAT

PAGE = "pages/10_Reports.py"


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def buttons(at: AppTest) -> dict[str, object]:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_report_buttons_follow_the_sidebar(demo_db, run_page):
    at = run_page(demo_db, timeout=120, authority="E06000023", round="2025-03", rule="best-fit")
    assert at.header[0].value == "Benchmark report: Bristol, City of"
    shown = buttons(at)
    assert list(shown)[:3] == ["Word (.docx)", "PDF", "HTML (interactive, offline)"]
    for label in list(shown)[:3]:
        assert shown[label].deferred_file_id  # made when clicked, not on every run
    for fmt in ("docx", "pdf", "html"):
        assert f"E06000023_2025-03_england_best-fit_report.{fmt}" in captions(at)
    assert any(RANKING_CAVEAT in c for c in captions(at))
    at.sidebar.selectbox[0].select("E08000025").run()
    assert not at.exception
    assert at.header[0].value == "Benchmark report: Birmingham"
    assert "E08000025_2025-03_england_best-fit_report.docx" in captions(at)


def test_national_pack_button_and_its_rounds(demo_db, run_page):
    at = run_page(demo_db, timeout=120, authority="E06000023")
    assert "National pack (XLSX)" in buttons(at)
    assert "england_all-rounds_pack_gated.xlsx" in captions(at)
    at.radio(key="pack_rounds").set_value("2026-03").run()
    assert "england_2026-03_pack_gated.xlsx" in captions(at)


def test_a_zip_of_one_region_with_a_progress_bar(demo_db, run_page):
    at = run_page(demo_db, timeout=120, authority="E06000023", peers="region")
    expected = exports.filter_codes(core.authorities(demo_db), ["North East"])
    assert len(expected) == 12
    at.multiselect[0].select("North East").run()
    at.radio(key="batch_format").set_value("html").run()
    assert any(c.startswith("12 authorities · round 2026-03") for c in captions(at))
    at.button(key="make_zip").click().run()
    assert not at.exception, [e.message for e in at.exception]
    bar = at.get("progress")[0].proto
    assert bar.value == 100 and bar.text.startswith("12 of 12 reports made")
    name = "reports_North-East_2026-03_region_gated_html.zip"
    assert at.success[0].value.startswith(f"12 reports in {name}")
    assert re.search(r"made in \d+\.\d s\.$", at.success[0].value)  # measured, not estimated
    assert "Download the zip" in buttons(at)
    listed = at.dataframe[0].value
    assert list(listed["File"]) == [f"{c}_2026-03_region_gated_report.html" for c in expected]
    _, data, _ = at.session_state["ehdmm_reports_zip"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == list(listed["File"])
        first = archive.read(archive.namelist()[0]).decode("utf-8")
        sizes = [info.file_size for info in archive.infolist()]
    assert "Data maturity benchmark report" in first and "Round 2026-03" in first
    assert "<script" not in first and max(sizes) < 300_000  # static charts: light files
    # a different choice hides the zip made for the previous one
    at.radio(key="batch_format").set_value("docx").run()
    assert not at.success and "Download the zip" not in buttons(at)


# -- an authority user ---------------------------------------------------------------------------

OWN, OTHER = "E06000023", "E08000025"  # Bristol; Birmingham
USER = "analyst@bristol.gov.uk"


@pytest.fixture
def signed_db(demo_db: Path) -> Path:
    from ehdmm import access, peers

    access.add_user(demo_db, USER, "authority", OWN, actor="tests")
    peers.save_custom_group(demo_db, "three", [OWN, OTHER, "E09000001"])
    assert peers.publish_group(demo_db, "three", actor="tests")
    return demo_db


def test_an_authority_user_gets_its_own_report_and_no_pack_or_zip(signed_db, run_page):
    at = run_page(
        signed_db,
        timeout=120,
        secrets={"auth": dict(AUTH)},
        user={"is_logged_in": True, "email": USER},
        authority=OTHER,
        peers="custom:three",
    )
    assert at.header[0].value == "Benchmark report: Bristol, City of"  # the link was refused
    assert any("authority in the link was refused" in i.value for i in at.info)
    assert [h.value for h in at.main.header] == ["Benchmark report: Bristol, City of"]
    shown = buttons(at)
    assert list(shown) == ["Word (.docx)", "PDF", "HTML (interactive, offline)"]
    assert all(b.deferred_file_id for b in shown.values())
    assert "E06000023_2026-03_custom-three_gated_report.pdf" in captions(at)
    infos = [i.value for i in at.info]
    assert report.NATIONAL_ONLY in infos  # instead of the pack and the zips
    assert any(report.AGGREGATES_TEXT in i for i in infos)
    assert not at.main.multiselect and not at.main.button and not at.main.radio
    assert "National pack (XLSX)" not in shown and not at.get("progress")
    assert not any(OTHER in c or "Birmingham" in c for c in captions(at))


def test_the_cached_report_is_keyed_by_the_viewer(signed_db):
    from ehdmm.scoring import Rule
    from ehdmm.ui import data, data_reports
    from ehdmm.viewer import LOCAL_VIEWER, Viewer
    from ehdmm.views.scope import Scope

    own = Viewer(role="authority", authority_code=OWN, email=USER)
    token = data.token(str(signed_db))

    def scope(viewer: Viewer, authority: str = OWN) -> Scope:
        return Scope(
            str(signed_db), token, viewer, authority, "2026-03", "custom:three", Rule.GATED
        )

    national = data_reports.report_file(scope(LOCAL_VIEWER), "html")
    mine = data_reports.report_file(scope(own), "html")
    assert "Birmingham" in national.decode("utf-8")  # the national report names the members
    text = mine.decode("utf-8")
    assert "Birmingham" not in text and OTHER not in text
    assert "Suppressed: fewer than 5 other authorities" in text
    with pytest.raises(PermissionError, match="your own authority's report only"):
        data_reports.report_file(scope(own, OTHER), "html")


def test_a_round_without_the_authority_s_submission_says_so(demo_db, run_page):
    at = run_page(demo_db, timeout=120, authority="E06000022", round="2026-03")  # Bath: none
    assert any(
        i.value.startswith("Bath and North East Somerset has no current submission in round")
        for i in at.info
    )
    assert "E06000022_2026-03_england_gated_report.docx" in captions(at)


def test_the_batch_caption_says_what_every_report_took_when_measured(demo_db, run_page):
    from ehdmm.export.report import measured

    record = measured.load()  # written by benchmarks/exports.py --record
    assert record["reports"] == 153 and {"docx", "pdf", "html"} <= set(record["seconds"])
    at = run_page(demo_db, authority="E06000023")
    text = next(c for c in captions(at) if c.startswith("153 authorities"))
    took = measured.duration(record["seconds"]["docx"])  # Word: the first choice
    assert f"all 153 reports took {took}" in text and "Measured on" in text
    at.multiselect[0].select("North East").run()
    text = next(c for c in captions(at) if c.startswith("12 authorities"))
    assert "so about" in text and "for these 12" in text
