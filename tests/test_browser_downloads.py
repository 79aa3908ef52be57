"""Real-browser test: every download of the Reports page (an authority's report, the national
pack, a zip of reports) and a chart's download land in the audit log, with the authorities'
names beside their codes. Downloads run their data only when clicked in a browser, so only a
browser shows this.

Uses the set-up of tests/test_browser.py (server, Chromium, skip rules)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import MISSING, Server, browser, choose, goto, open_page, wait_idle  # noqa: F401

from ehdmm import access
from ehdmm.viewer import LOCAL_VIEWER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]


@pytest.fixture
def server(_demo_template: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    db = tmp_path / "downloads.duckdb"
    shutil.copy(_demo_template, db)
    started = Server(db)
    yield started, db
    started.stop()


def download(page, name: str) -> str:
    with page.expect_download(timeout=120_000) as got:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name=name).first.click()
    return got.value.suggested_filename


def choose_in(page, label: str, option: str) -> None:
    choose(page, page.locator(f'[data-testid="stMultiSelect"]:has-text("{label}")'), option)
    wait_idle(page)


def exports(db: Path) -> list[str]:
    log = access.audit_log(db, LOCAL_VIEWER)
    return list(log[log["action"] == "export"]["detail"])[::-1]


def test_every_report_pack_zip_and_chart_download_is_audited_with_names(
    browser,  # noqa: F811
    server,
) -> None:
    started, db = server
    url = f"{started.url}/Reports?authority=E06000023&round=2026-03"
    page, errors = open_page(browser, url, "downloads-reports")
    try:
        word = download(page, "Word (.docx)")
        pack = download(page, "National pack (XLSX)")
        choose_in(page, "Regions", "North East")
        choose_in(page, "LA types", "Unitary")
        page.get_by_role("button", name="Make the zip").click()
        wait_idle(page)
        zipped = download(page, "Download the zip")
        goto(page, f"{started.url}/Authority_profile?authority=E06000023&round=2026-03")
        wait_idle(page)
        page.get_by_text("Data behind this chart, and downloads").first.click()
        wait_idle(page)
        chart = download(page, "CSV")
        assert not errors, errors
    finally:
        page.close()
    details = exports(db)
    assert details[0] == f"E06000023 (Bristol, City of): {word}"
    assert details[1] == pack
    assert details[2].endswith(f": {zipped}")
    assert "E06000001 (Hartlepool)" in details[2] and "E06000004 (Stockton-on-Tees)" in details[2]
    assert details[3] == f"E06000023 (Bristol, City of): {chart}"
    assert len(details) == 4
