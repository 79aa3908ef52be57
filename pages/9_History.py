"""Submission history: every submission of the chosen authority (draft, submitted, superseded)
with its date, source and author, and a side-by-side comparison of any two of them."""

import streamlit as st

from ehdmm import assessment
from ehdmm.model import load_model
from ehdmm.ui import data_assess, sidebar, widgets

st.set_page_config(page_title="Submission history · ehdmm", layout="wide")
sel = sidebar(need_round=False)
model = load_model()

st.title(f"Submission history: {sel.authority_name}")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet.")
st.caption(
    "Every return of this authority, newest round first: drafts (work in progress, never "
    "counted), the current submission of each round ('submitted') and earlier ones it "
    "replaced ('superseded'). For a draft the date is its last save."
)

frame = data_assess.history(sel.db, sel.token, sel.viewer, sel.authority)
if frame.empty:
    st.info(f"{sel.authority_name} has no submissions or drafts yet.")
    st.stop()

widgets.table_with_download(
    assessment.history_table(frame),
    stem=f"ehdmm_{sel.authority}_history",
    key="history",
)

st.header("Compare two submissions")
labels = assessment.submission_labels(frame)
ids = list(labels)
if len(ids) < 2:
    st.caption("There is only one submission: nothing to compare yet.")
    st.stop()
older, newer = assessment.default_pair(frame, sel.round_id)
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
ratings = data_assess.submission_ratings(sel.db, sel.token, sel.viewer, (first, second))
diff = assessment.diff_table(
    assessment.ratings_of(ratings, first), assessment.ratings_of(ratings, second), model
)
st.write(assessment.diff_summary(diff, len(model.dimensions)))
widgets.table_with_download(
    diff, stem=f"ehdmm_{sel.authority}_compare_{first}_{second}", key="history_diff"
)
