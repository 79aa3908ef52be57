"""The load benchmark's yardstick (benchmarks/load.py): a one-page app that only draws
ready-made content of the kind the Authority profile shows: 3 plotly charts, 6 tables of 153
rows, 40 text lines and 6 widgets. Everything is built once per process; a render only draws.

    streamlit run benchmarks/ready_made.py
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

ITEMS = [f"Dimension {i}" for i in range(1, 9)]
LEVELS = ["Early", "Developing", "Maturing", "Mature"]


@st.cache_resource(show_spinner=False)
def content() -> tuple[list[go.Figure], list[pd.DataFrame]]:
    rng = np.random.default_rng(7)
    radar = go.Figure()
    for name in ("Authority", "Peer median", "England median"):
        values = [int(v) for v in rng.integers(1, 5, len(ITEMS))]
        radar.add_scatterpolar(r=values, theta=ITEMS, name=name, mode="lines+markers")
    radar.update_layout(title={"text": "Level by dimension", "subtitle": {"text": "Round"}})
    dots = go.Figure()
    for name in ("Authority", "Peer median", "England median"):
        dots.add_scatter(x=rng.integers(1, 5, len(ITEMS)), y=ITEMS, mode="markers", name=name)
    dots.update_layout(title={"text": "Levels and medians"}, height=560)
    rounds = ["2023-03", "2024-03", "2025-03", "2026-03"]
    trend = go.Figure()
    trend.add_scatter(x=rounds, y=[1, 2, 2, 3], name="Overall level", mode="lines+markers")
    trend.add_scatter(x=rounds, y=[1.5, 2.1, 2.4, 3.0], name="Index", yaxis="y2")
    trend.update_layout(yaxis2={"overlaying": "y", "side": "right"}, title={"text": "By round"})
    tables = [
        pd.DataFrame(
            {
                "Authority": [f"Authority {i}" for i in range(153)],
                "ONS code": [f"E{i:08d}" for i in range(153)],
                "Level": [f"{i % 4 + 1} {LEVELS[i % 4]}" for i in range(153)],
                "Maturity index": [1 + (i % 25) / 8 for i in range(153)],
                "Evidence": [f"Note {i} on the return" for i in range(153)],
            }
        )
        for _ in range(6)
    ]
    return [radar, dots, trend], tables


figures, tables = content()
with st.sidebar:
    st.selectbox("Authority", [f"Authority {i}" for i in range(153)], key="authority")
    st.selectbox("Round", ["2026-03", "2025-03"], key="round")
    st.selectbox("Peer group", ["England", "Same region"], key="peers")
    st.radio("Scoring rule", ["gated", "best-fit"], key="rule")
st.title("Ready-made content")
for i in range(21):  # with the title and 18 captions: 40 text lines
    st.markdown(f"**Line {i}.** A descriptor of what the next level asks, as the model says it.")
st.radio("Show", ["dimensions", "strands"], horizontal=True, key="items")
st.radio("Trajectory", ["overall", "strands"], horizontal=True, key="mode")
for number, fig in enumerate(figures):
    st.plotly_chart(fig, key=f"chart{number}")
    st.caption(f"Chart {number}: one sentence saying what it shows.")
for number, table in enumerate(tables):
    st.caption(f"Table {number}")
    st.dataframe(table, hide_index=True, key=f"table{number}")
for i in range(9):
    st.caption(f"Caption {i}: a note under the charts.")
