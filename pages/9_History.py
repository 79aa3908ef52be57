"""Submission history: every submission of the chosen authority (draft, submitted, superseded)
with its date, source and author, and a side-by-side comparison of any two of them."""

import streamlit as st

from ehdmm.ui import data_history, sidebar, widgets

st.set_page_config(page_title="Submission history · ehdmm", layout="wide")
sel = sidebar(need_round=False)

st.title(f"Submission history: {sel.authority_name}")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet.")
st.caption(
    "Every return of this authority, newest round first: drafts (work in progress, never "
    "counted), the current submission of each round ('submitted') and earlier ones it "
    "replaced ('superseded'). For a draft the date is its last save."
)

view = data_history.history_view(sel)
if view.frame.empty:
    st.info(f"{sel.authority_name} has no submissions or drafts yet.")
    st.stop()

widgets.table_with_download(view.table, stem=f"ehdmm_{sel.authority}_history", key="history")

st.header("Compare two submissions")
labels = view.labels
ids = list(labels)
if view.default_pair is None:
    st.caption("There is only one submission: nothing to compare yet.")
    st.stop()
older, newer = view.default_pair
left, right = st.columns(2)
first = left.selectbox(
    "A (earlier)",
    ids,
    index=ids.index(older),
    format_func=labels.get,
    key=f"history_a_{sel.authority}",
)
second = right.selectbox(
    "B (later)",
    ids,
    index=ids.index(newer),
    format_func=labels.get,
    key=f"history_b_{sel.authority}",
)
diff, summary = data_history.history_diff(sel, first, second)
st.write(summary)
widgets.table_with_download(
    diff, stem=data_history.compare_stem(view, sel.authority, first, second), key="history_diff"
)
