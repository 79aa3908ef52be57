"""How contested each dimension is across England: how often an authority's consensus differs
from its respondents' median, and how many respondents each authority had. Authority users see
their own authority's respondents and the figures across England as aggregates only, with
small numbers suppressed."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import data_partners, sidebar, widgets

st.set_page_config(page_title="How contested · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"How contested, round {sel.round_id}")
view = data_partners.contested_view(sel.db, sel.token, sel.viewer, sel.round_id)
st.header("Consensus against the respondents' median, per dimension")
st.caption(
    "Over the round's current returns made as a consensus of several respondents: how many "
    "set a level other than their respondents' median (rounded down). A high share means the "
    "respondents' views often needed settling."
)
widgets.dataframe(view.contested)
if view.suppressed:
    data_partners.suppressed_note()
st.header("Respondents per authority")
if sel.viewer.sees_all:
    st.caption("Counts only: the national team does not see individual responses.")
else:
    st.caption("Your own authority only.")
if view.counts.empty:
    st.info("No respondents have been invited for this round.")
else:
    widgets.dataframe(view.counts)
