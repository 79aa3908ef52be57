"""Peer benchmark: how the chosen peer group spreads over the four levels per strand (or
dimension) and over the maturity index, where the authority sits, and the peer list.

Peer data comes only from `ehdmm.analysis.aggregates` (through `ehdmm.views.benchmark`): a
national user sees it unrestricted, with every member by name; an authority user sees counts,
quartiles and the number of members after disclosure control, and no other authority by name."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, roles, sidebar, widgets
from ehdmm.ui.widgets import plain
from ehdmm.views import benchmark

st.set_page_config(page_title="Peer benchmark · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"Peer benchmark: {sel.authority_name}")
view = data.benchmark_view(sel.scope)
counts, has_submission = view.counts, view.has_submission
n = counts.submitted
n_text = benchmark.count_text(n)

st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_md}, {counts.members} members, "
    f"n = {n_text} with a submission in this round · scoring rule: {sel.rule}"
)
widgets.protection_note(sel.viewer, sel.published_on)
if n is None:
    roles.suppressed_note(view.withheld)
if not has_submission:
    st.info(
        f"{sel.authority_name} has no current submission in round {sel.round_id}: the peer "
        "group is shown, without its own position.",
        icon="ℹ️",
    )
if not counts.in_group:
    st.info(
        f"{sel.authority_name} is not a member of {sel.peers_md}: its own level is marked "
        "for comparison but not counted."
    )

# -- distribution over the levels -------------------------------------------------------------
st.header("Members at each level")
items = st.radio(
    "Show",
    list(benchmark.ITEMS),
    format_func=lambda i: (
        f"{len(model.strands)} strands ({sel.rule} rule)"
        if i == "strand"
        else f"{len(model.dimensions)} dimensions"
    ),
    horizontal=True,
    key="benchmark_items",
)
distribution = view.distribution(items)
st.markdown(plain(distribution.position))
widgets.show(distribution.chart, key="benchmark_distribution")
st.caption(
    f"n = {n_text} members of {sel.peers_md} with a submission; each chart counts those with "
    "a level for its item (an incomplete return has no level for a strand that lacks a "
    "dimension)."
)
if not sel.viewer.sees_all:
    st.caption(benchmark.suppression_rules())

# -- maturity index -----------------------------------------------------------------------------
st.header("Maturity index")
index = view.index.chart
if index is None:
    roles.suppressed_note()
else:
    widgets.show(index, key="benchmark_index")
st.caption(
    "The maturity index is the mean of the dimension levels (1.00 to 4.00) of a complete "
    "return; it spreads authorities out and is not a level. " + RANKING_CAVEAT
)

# -- peer list --------------------------------------------------------------------------------
st.header("The peer group")
if sel.viewer.sees_all:
    table, stem = view.peer_list
    widgets.table_with_download(table, stem=stem, key="benchmark_peers")
else:
    st.markdown(plain(view.members_text))
st.caption(RANKING_CAVEAT)
