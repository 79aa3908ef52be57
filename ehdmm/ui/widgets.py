"""Page building blocks: a chart with its data table, CSV download and text alternative."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ehdmm.charts.theme import image_config


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, for Excel) of a table."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def chart(
    fig: go.Figure, table: pd.DataFrame, *, stem: str, summary: str, key: str | None = None
) -> None:
    """Show a figure, a one-sentence text alternative, and its data as a table with a CSV
    download. `stem` names the downloaded image and CSV files."""
    key = key or stem
    st.plotly_chart(fig, config=image_config(stem), key=f"chart_{key}")
    st.caption(summary)
    with st.expander("Data behind this chart"):
        st.dataframe(table, hide_index=True, width="stretch", key=f"table_{key}")
        st.download_button(
            "Download the data (CSV)",
            csv_bytes(table),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"csv_{key}",
        )


def table_with_download(
    table: pd.DataFrame, *, stem: str, key: str | None = None, **kwargs: object
) -> None:
    """A table and its CSV download."""
    key = key or stem
    st.dataframe(table, hide_index=True, width="stretch", key=f"table_{key}", **kwargs)
    st.download_button(
        "Download this table (CSV)",
        csv_bytes(table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
    )


def caveat(text: str) -> None:
    st.caption(text)
