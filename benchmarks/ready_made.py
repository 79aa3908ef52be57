"""The load benchmark's yardstick (benchmarks/load.py): a one-page app that only draws
ready-made content of the kind the Authority profile shows: 3 plotly charts, 6 tables of 153
rows, 40 text lines and 6 widgets. Everything is built once per process; a render only draws.

With `?like=profile` it also draws what the profile page draws beyond that, element for element
(`PROFILE_EXTRA`: its page links, download buttons, containers, columns and expanders, headings,
metrics, more text, one more table and a note): the framework's own cost of drawing as much as
the page does, the load benchmark's second yardstick (its page links lead out of the app: a
one-page app has no other page, and such a link costs Streamlit a little less than one to a
page of the app).

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


# What the Authority profile draws beyond the yardstick (counted over the websocket for a
# profile with a submission, targets and plan actions: 151 elements against 55; add_block
# counts containers, columns and expanders, each column being one).
PROFILE_EXTRA = {
    "page_link": 22,
    "add_block": 28,
    "download_button": 17,
    "markdown": 11,
    "heading": 12,
    "metric": 4,
    "dataframe": 1,
    "alert": 1,
}


def _data() -> bytes:
    return b"a,b\n1,2\n"


def profile_extra() -> None:
    """PROFILE_EXTRA's elements, laid out as the profile lays them out."""
    with st.sidebar:  # a one-page app has no page of its own to link to: links out
        for number in range(PROFILE_EXTRA["page_link"]):
            st.page_link(f"https://example.org/page{number}", label=f"Page {number}")
    metrics = st.container(horizontal=True)  # 1 block
    for number in range(PROFILE_EXTRA["metric"]):
        metrics.metric(f"Figure {number}", number)
    st.info("A note on a suppressed median.")
    left, right = st.columns(2)  # 3 blocks
    left.header("Levels")
    right.header("Medians")
    for number in range(3):  # 3 expanders of 5 downloads, each in a row: 6 blocks
        with st.expander(f"Data behind chart {number}, and downloads"):
            row = st.container(horizontal=True)
            for fmt in ("png", "svg", "pdf", "csv", "xlsx"):
                row.download_button(
                    fmt.upper(), _data, file_name=f"c{number}.{fmt}", on_click="ignore"
                )
    for number in range(2):  # 2 rows of 1 download: 2 blocks
        st.container(horizontal=True).download_button(
            "CSV", _data, file_name=f"t{number}.csv", on_click="ignore"
        )
    for number in range(5):  # 5 cards, 3 of them with 2 columns: 5 + 9 blocks
        with st.container(border=True):
            st.subheader(f"Strand {number}")
            if number < 3:
                one, two = st.columns(2)
                one.markdown(f"**Dimension {number}a**: now and next.")
                two.markdown(f"**Dimension {number}b**: now and next.")
            else:
                st.markdown(f"**Dimension {number}**: now and next.")
    st.container().markdown("A closing note.")  # 1 block
    st.container().markdown("Another note.")  # 1 block
    for number in range(PROFILE_EXTRA["heading"] - 7):
        st.header(f"Section {number}")
    for number in range(PROFILE_EXTRA["markdown"] - 10):
        st.markdown(f"Sentence {number} of a section.")
    st.dataframe(tables[0].head(8), hide_index=True)


figures, tables = content()
if st.query_params.get("like") == "profile":
    profile_extra()
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
