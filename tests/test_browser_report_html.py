"""Real-browser test: the HTML authority report opened from a file in Debian's Chromium with the
network cut off. Every request that is not the file itself is aborted and recorded; none may be
attempted, and the interactive charts must draw.

Uses the Chromium and skip rules of tests/test_browser.py (skipped with the reason when Chromium
or playwright is missing; a failure instead with EHDMM_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, MISSING

from ehdmm.export import report
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import reports

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]
LOCAL = ("file:", "data:", "blob:", "about:")


def test_html_report_opens_offline_and_draws_its_charts(_demo_template, tmp_path):
    from playwright.sync_api import sync_playwright

    data = reports.report_data(_demo_template, LOCAL_VIEWER, "E06000023", None, "region", "gated")
    path = tmp_path / report.file_name(data, "html")
    path.write_bytes(report.html_bytes(data))
    attempted: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 1000})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request",
                lambda request: (
                    None if request.url.startswith(LOCAL) else attempted.append(request.url)
                ),
            )
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            charts = page.locator(".js-plotly-plot")
            page.wait_for_function(
                "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                arg=len(data.charts),
                timeout=60_000,
            )
            assert charts.count() == len(data.charts) == 4
            for number in range(charts.count()):
                chart = charts.nth(number)
                assert chart.locator(".main-svg").count() >= 1
                assert chart.bounding_box()["height"] > 200
            radar_text = charts.nth(0).inner_text()
            assert "Bristol, City of: level by dimension" in radar_text
            assert page.locator("h1").first.inner_text().startswith("Data maturity benchmark")
            assert page.get_by_text("Synthetic demo data", exact=False).count() >= 1
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-html-offline.png"), full_page=False)
            context.close()
        finally:
            browser.close()
    assert attempted == [], f"network requests attempted: {attempted}"
    assert errors == [], errors
