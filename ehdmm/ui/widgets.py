"""Page building blocks: a chart with its text alternative, data table and downloads; plain
text in markdown."""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ehdmm import access, disclosure, wording
from ehdmm.analysis.profile import escape_markdown
from ehdmm.charts.theme import ensure_note_space, for_screen, image_config
from ehdmm.export import images, tables
from ehdmm.storage import StoreError
from ehdmm.ui import auth
from ehdmm.viewer import Viewer
from ehdmm.views.parts import ChartParts

MISSING = "–"  # a missing value in a table (Streamlit's own default paints "None")


def dataframe(data: object, **kwargs: object) -> object:
    """`st.dataframe` with the house defaults: no index, the full width, and a missing value
    shown as a dash, never as "None"."""
    return st.dataframe(
        arrow_of(data),
        **{"hide_index": True, "width": "stretch", "placeholder": MISSING, **kwargs},
    )


# id of a drawn DataFrame -> (a weak reference to it, its Arrow table); an entry goes with its
# frame (the reference's callback)
_ARROW: dict[int, tuple[weakref.ref, object]] = {}


def arrow_of(data: object) -> object:
    """A DataFrame as the Arrow table `st.dataframe` would make of it on every rerun, made once
    per frame while the frame lives (a view's tables are shared and never changed once built,
    as `ChartParts` and the views say); the same bytes reach the browser. Anything else (a
    Styler, a list) is given back as it is."""
    if type(data) is not pd.DataFrame or _TO_ARROW is None:
        return data
    key = id(data)
    found = _ARROW.get(key)
    if found is not None and found[0]() is data:
        return found[1]
    table = _TO_ARROW(data)
    _ARROW[key] = (weakref.ref(data, lambda _, key=key: _ARROW.pop(key, None)), table)
    return table


try:  # Streamlit's own conversion, so that the browser gets what it would have got
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_table as _TO_ARROW
except ImportError:  # pragma: no cover - a Streamlit without it: frames drawn as given
    _TO_ARROW = None


def plain(text: str) -> str:
    """Text (the model's, an authority's name, a sentence built from data) made safe for
    `st.markdown`: shown as written, never as emphasis, links or maths."""
    return escape_markdown(text)


def protection_note(viewer: Viewer, published_on: str | None) -> None:
    """For an authority user, one sentence on how figures about other authorities are
    protected and the README's section on it, folded (nothing for the national team)."""
    if not viewer.sees_all:
        st.caption(wording.protection_sentence(published_on, disclosure.threshold()))
        section = wording.protection_section()
        if section:
            with st.expander("How figures are protected"):
                st.markdown(section)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Formula-safe UTF-8 CSV (with BOM, for Excel) of a table."""
    return tables.csv_bytes(frame)


def audited(
    make: Callable[[], bytes], file_name: str, codes: Sequence[str] = ()
) -> Callable[[], bytes]:
    """A download's data callable that also writes an 'export' entry to the audit log (who,
    which file, and the authorities it is about with their names: `codes` and any ONS code in
    the file name) when the user downloads it. The session's database and user are taken now,
    while the page runs; the callable runs when the button is clicked."""
    context = auth.audit_context()

    def make_and_log() -> bytes:
        data = make()
        if context is not None:
            db, actor = context
            # a busy database must not cost the user the download
            with contextlib.suppress(StoreError):
                access.audit_export(db, actor, file_name, codes)
        return data

    return make_and_log


def _image_maker(fig: go.Figure, fmt: str):
    def make() -> bytes:
        return images.figure_bytes(images.stamp_export_date(fig), fmt)

    return make


def downloads(fig: go.Figure | None, table: pd.DataFrame, *, stem: str, key: str) -> None:
    """Download buttons: the chart as PNG (scale 2), SVG and PDF, its data as CSV and XLSX.
    Images are made only when a button is clicked, by one warm browser per process."""
    problem = images.chromium_problem() if fig is not None else None
    row = st.container(horizontal=True)  # one block for the row (columns would be six)
    if fig is not None and problem is None:
        for fmt in images.FORMATS:
            row.download_button(
                fmt.upper(),
                audited(_image_maker(fig, fmt), f"{stem}.{fmt}"),
                file_name=f"{stem}.{fmt}",
                mime=images.FORMATS[fmt],
                key=f"{fmt}_{key}",
                on_click="ignore",
                help=f"Download the chart as {fmt.upper()}",
            )
    row.download_button(
        "CSV",
        audited(lambda: tables.csv_bytes(table), f"{stem}.csv"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
        help="Download the data as CSV",
    )
    row.download_button(
        "XLSX",
        audited(lambda: tables.xlsx_bytes({"data": table}), f"{stem}.xlsx"),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        on_click="ignore",
        help="Download the data as XLSX",
    )
    if problem:
        st.caption(
            f"{problem} The camera icon above the chart still downloads a PNG from your browser."
        )


class _Drawn(go.Figure):
    """A built figure as `st.plotly_chart` draws it (laid out for any screen width,
    `for_screen`): only its plain form, made once (Streamlit asks every figure for a deep copy
    of itself on every rerun, and draws that), kept as JSON text: one object, where the form
    as a dict holds some 300 lists and dicts (most of them plotly's template) that Python's
    collector walks on every full collection for as long as the view is kept. Read-only, as
    built figures are; an empty figure otherwise, without even a template."""

    def __init__(self, fig: go.Figure) -> None:
        super().__init__(layout={"template": {}}, _validate=False)
        self._json = pio.to_json(for_screen(fig.to_dict(), in_place=True), validate=False)

    def to_dict(self) -> dict:
        return json.loads(self._json)


def _drawn(parts: ChartParts) -> go.Figure:
    """The figure of built parts as it is drawn, made once per parts (kept on them)."""
    found = parts.__dict__.get("_drawn")
    if found is None:
        try:
            found = _Drawn(ensure_note_space(parts.screen or parts.fig))
        except (TypeError, ValueError):  # a plotly without unchecked building
            found = parts.screen or parts.fig
        parts.__dict__["_drawn"] = found
    return found


def chart(
    fig: go.Figure,
    table: pd.DataFrame,
    *,
    stem: str,
    summary: str,
    key: str | None = None,
    drawn: go.Figure | None = None,
) -> None:
    """Show a figure, a one-sentence text alternative, its data as a table and downloads
    (image and data). `stem` names the downloaded files (e.g. E06000023_2026-03_radar_gated);
    `drawn` is the figure as drawn when it was prepared (`show`)."""
    key = key or stem
    if drawn is None:
        drawn = _Drawn(ensure_note_space(fig))
    # theme=None: the figure keeps the house style, as in a downloaded image
    st.plotly_chart(drawn, config=image_config(stem), key=f"chart_{key}", theme=None)
    st.caption(plain(summary))
    with st.expander("Data behind this chart, and downloads"):
        dataframe(table, key=f"table_{key}")
        downloads(fig, table, stem=stem, key=key)


def show(parts: ChartParts, *, key: str) -> None:
    """`chart` for built parts."""
    chart(
        parts.fig,
        parts.table,
        stem=parts.stem,
        summary=parts.summary,
        key=key,
        drawn=_drawn(parts),
    )


def table_with_download(
    table: pd.DataFrame, *, stem: str, key: str | None = None, **kwargs: object
) -> None:
    """A table and its CSV/XLSX downloads."""
    key = key or stem
    dataframe(table, key=f"table_{key}", **kwargs)
    downloads(None, table, stem=stem, key=key)


def caveat(text: str) -> None:
    st.caption(text)
