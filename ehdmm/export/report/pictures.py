"""A report's charts as pictures for print: drawn at the size the documents place them
(`theme.for_print`: 16 cm wide, every text at least 9.5 pt), all four side by side in the tabs of
the one warm browser: 300 dpi PNG for Word, SVG for the HTML and the PDF.

Without Chromium there are no pictures ({}): the documents say so in each chart's place and keep
its one-sentence summary and its data table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from ehdmm.charts import theme
from ehdmm.export import images
from ehdmm.export.report.data import ReportChart, ReportData

Pictures = Mapping[str, bytes] | Callable[[], Mapping[str, bytes]] | None
"""Chart pictures by key; or a function that waits for them (a background thread's
`Future.result`); None: made when first needed."""

PLACED_WIDTH_CM = theme.PRINT_WIDTH_CM  # every document places a chart at its print width


def print_spec(report: ReportData, chart: ReportChart) -> dict:
    """The chart as drawn for the documents: the export date in its note, laid out for print."""
    return images.print_specs({chart.key: chart.figure}, report.generated)[chart.key]


def _specs(report: ReportData) -> dict[str, dict]:
    return images.print_specs({c.key: c.figure for c in report.charts}, report.generated)


def chart_pngs(report: ReportData) -> dict[str, bytes]:
    """Every chart of the report as a 300 dpi PNG at its print size ({} without Chromium)."""
    return _drawn(report, images.print_pngs)


def chart_svgs(report: ReportData) -> dict[str, bytes]:
    """Every chart of the report as an SVG at its print size ({} without Chromium)."""
    return _drawn(report, images.print_svgs)


def _drawn(report: ReportData, draw: Callable[[Mapping[str, dict]], dict[str, bytes]]):
    """The charts drawn together; if that fails (a browser hiccup), one by one, twice at most
    each: a chart whose picture fails twice is left out (the document says so in its place)
    rather than failing a whole batch."""
    if images.chromium_problem() or not report.charts:
        return {}
    specs = _specs(report)
    try:
        return draw(specs)
    except images.ImageExportUnavailable:
        return {}
    except Exception:  # a browser hiccup: chart by chart below
        pass
    out = {}
    for key, spec in specs.items():
        for attempt in (1, 2):
            try:
                out[key] = draw({key: spec})[key]
                break
            except images.ImageExportUnavailable:
                return out
            except Exception:
                if attempt == 2:
                    break
    return out


def when_needed(
    report: ReportData, given: Pictures, make: Callable[[ReportData], Mapping[str, bytes]]
) -> Callable[[], Mapping[str, bytes]]:
    """A function giving the pictures: `given` ones, waited for on first call, or made then."""
    if given is None:
        return functools.cache(functools.partial(make, report))
    if not callable(given):
        fixed = given
        return lambda: fixed
    return functools.cache(given)


def missing_picture_text(chart: ReportChart) -> str:
    """What a document says in place of a chart without a picture."""
    problem = images.chromium_problem() or "the image could not be made"
    return f"[Chart not included: {problem}] {chart.summary}"
