"""Small screens, in Chromium: every page at 390x844 (a phone) and 1280x720 (a laptop),
screenshots saved to test-artifacts/screenshots/layout-*.png, and in every chart no two texts
(title, subtitle, legend entries, axis titles and tick labels, annotations) overlap and none is
cut by the chart's edge; the sidebar's controls are reachable at both sizes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, MISSING, Server, browser, page_paths  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]

SIZES = {"phone": (390, 844), "laptop": (1280, 720)}

# Every visible text of every plotly chart, with its box, and the chart's own box.
TEXT_BOXES = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot, index) => {
  const outer = plot.getBoundingClientRect();
  const texts = Array.from(plot.querySelectorAll('svg text')).filter(t => {
    const style = window.getComputedStyle(t);
    return t.textContent.trim() && style.display !== 'none' && style.visibility !== 'hidden'
      && style.opacity !== '0' && !t.closest('.hovertext, .hoverlayer, .modebar');
  }).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent.trim().slice(0, 60), x0: r.left, y0: r.top, x1: r.right,
            y1: r.bottom, cls: t.getAttribute('class') || ''};
  }).filter(b => b.x1 - b.x0 > 0 && b.y1 - b.y0 > 0);
  return {index, x0: outer.left, y0: outer.top, x1: outer.right, y1: outer.bottom, texts};
})
"""
SLACK = 1.0  # px: anti-aliasing and rounding


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x0"] + SLACK < b["x1"]
                and b["x0"] + SLACK < a["x1"]
                and a["y0"] + SLACK < b["y1"]
                and b["y0"] + SLACK < a["y1"]
            ):
                found.append((a["text"], b["text"]))
    return found


def cut(plot: dict) -> list[str]:
    return [
        t["text"]
        for t in plot["texts"]
        if t["x0"] < plot["x0"] - SLACK
        or t["x1"] > plot["x1"] + SLACK
        or t["y0"] < plot["y0"] - SLACK
        or t["y1"] > plot["y1"] + SLACK
    ]


@pytest.fixture(scope="module")
def layout_server(_demo_template: Path, tmp_path_factory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("layout") / "layout.duckdb"
    shutil.copy(_demo_template, db)
    server = Server(db)
    yield server
    server.stop()


def _settle(page) -> None:
    """Wait until the script has run and every chart is drawn at its final size."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText"
        ".includes('Running')",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'))"
        ".every(c => c.querySelector('.js-plotly-plot .main-svg'))",
        timeout=30_000,
    )
    page.wait_for_timeout(500)


def _cases() -> list:
    return [
        pytest.param(name, path, size, id=f"{name}-{size}")
        for name, path in page_paths()
        for size in SIZES
    ]


@pytest.mark.parametrize(("name", "path", "size"), _cases())
def test_no_chart_text_overlaps_or_is_cut(browser, layout_server, name, path, size):  # noqa: F811
    width, height = SIZES[size]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        url = f"{layout_server.url}/{path}?authority=E06000023&round=2026-03"
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{size}.png"), full_page=True)
        problems = []
        for plot in page.evaluate(TEXT_BOXES):
            for a, b in overlaps(plot["texts"]):
                problems.append(f"chart {plot['index']}: '{a}' overlaps '{b}'")
            for text in cut(plot):
                problems.append(f"chart {plot['index']}: '{text}' is cut by the chart's edge")
        (ARTIFACTS / f"layout-{name}-{size}.json").write_text(json.dumps(problems, indent=1))
        assert not problems, "\n".join(problems)
        # the sidebar's controls are reachable (on a phone: after opening the sidebar)
        sidebar = page.locator('[data-testid="stSidebar"]')
        if not sidebar.get_by_text("Round", exact=True).first.is_visible():
            page.locator(
                '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] '
                "button"
            ).first.click()
            page.wait_for_timeout(800)
        assert sidebar.get_by_text("Round", exact=True).first.is_visible()
    finally:
        page.close()
