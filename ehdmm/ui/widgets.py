"""Page building blocks: a chart with its text alternative, data table and downloads."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ehdmm.charts.theme import ensure_note_space, image_config
from ehdmm.export import images, tables


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Formula-safe UTF-8 CSV (with BOM, for Excel) of a table."""
    return tables.csv_bytes(frame)


def _image_maker(fig: go.Figure, fmt: str):
    def make() -> bytes:
        return images.figure_bytes(images.stamp_export_date(fig), fmt)

    return make


def downloads(fig: go.Figure | None, table: pd.DataFrame, *, stem: str, key: str) -> None:
    """Download buttons: the chart as PNG (scale 2), SVG and PDF, its data as CSV and XLSX.
    Images are made only when a button is clicked, by one warm browser per process."""
    problem = images.chromium_problem() if fig is not None else None
    cols = st.columns(5)
    if fig is not None and problem is None:
        for col, fmt in zip(cols[:3], images.FORMATS, strict=True):
            col.download_button(
                fmt.upper(),
                _image_maker(fig, fmt),
                file_name=f"{stem}.{fmt}",
                mime=images.FORMATS[fmt],
                key=f"{fmt}_{key}",
                on_click="ignore",
                help=f"Download the chart as {fmt.upper()}",
            )
    cols[3].download_button(
        "CSV",
        tables.csv_bytes(table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
        help="Download the data as CSV",
    )
    cols[4].download_button(
        "XLSX",
        lambda: tables.xlsx_bytes({"data": table}),
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


def chart(
    fig: go.Figure, table: pd.DataFrame, *, stem: str, summary: str, key: str | None = None
) -> None:
    """Show a figure, a one-sentence text alternative, its data as a table and downloads
    (image and data). `stem` names the downloaded files (e.g. E06000023_2026-03_radar_gated)."""
    key = key or stem
    ensure_note_space(fig)
    # theme=None: the figure keeps the house style, as in a downloaded image
    st.plotly_chart(fig, config=image_config(stem), key=f"chart_{key}", theme=None)
    st.caption(summary)
    with st.expander("Data behind this chart, and downloads"):
        st.dataframe(table, hide_index=True, width="stretch", key=f"table_{key}")
        downloads(fig, table, stem=stem, key=key)


def table_with_download(
    table: pd.DataFrame, *, stem: str, key: str | None = None, **kwargs: object
) -> None:
    """A table and its CSV/XLSX downloads."""
    key = key or stem
    st.dataframe(table, hide_index=True, width="stretch", key=f"table_{key}", **kwargs)
    downloads(None, table, stem=stem, key=key)


def caveat(text: str) -> None:
    st.caption(text)
