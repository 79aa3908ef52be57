"""Response tracking for a round: every authority's state, its last change and by whom, counts
per state, filters by region and type, and the chase list (with contacts) to download. An
authority user sees its own authority only."""

import streamlit as st

from ehdmm.ui import data_rounds, sidebar, widgets
from ehdmm.views import tracking

st.set_page_config(page_title="Tracking · ehdmm", layout="wide")
sel = sidebar(need_round=False)

st.title("Response tracking")
rounds = data_rounds.round_choices(sel.db, sel.token)
if not sel.rounds:
    st.info("No self-assessments have been submitted yet" + ("." if rounds else ", in no round."))
if not rounds:
    st.stop()
default = rounds.index(sel.round_id) if sel.round_id in rounds else 0
round_id = st.selectbox("Round", rounds, index=default, key="tracking_round")
view = data_rounds.tracking_view(sel.db, sel.token, sel.viewer, round_id)
if view.national:
    f1, f2 = st.columns(2)
    regions = f1.multiselect("Region", view.regions, placeholder="Every region", key="tr_region")
    types = f2.multiselect("Type", view.types, placeholder="Every type", key="tr_type")
    shown = view.shown(tuple(regions), tuple(types))
else:
    st.caption("Your own authority's return in this round; changes by others show their role.")
    shown = view.shown()
cols = st.columns(len(shown.counts))
for col, (state, n) in zip(cols, shown.counts.items(), strict=True):
    col.metric(state.capitalize(), n)
st.caption(tracking.counts_text(shown.counts))
widgets.table_with_download(
    shown.table,
    stem=f"ehdmm_{round_id}_tracking",
    key="tracking_table",
    column_config={
        "Authority": st.column_config.TextColumn(pinned=True),
        "Last change": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    },
)
if view.national:
    st.subheader("Chase list")
    st.caption(
        "Authorities whose complete return is still due (not started, draft, submitted "
        "incomplete, reopened), with their users' emails from the users table."
    )
    widgets.table_with_download(
        shown.chase, stem=f"ehdmm_{round_id}_chase-list", key="tracking_chase"
    )
