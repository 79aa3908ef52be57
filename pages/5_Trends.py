"""Change over rounds for England or the sidebar's peer group: level shares per round, level
transitions between two rounds and the biggest movers of the maturity index."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, roles, sidebar, widgets

st.set_page_config(page_title="Trends: early help data maturity", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title("Trends across rounds")
view = data.trends_view(sel.scope)
peers_name = f"{sel.peers_md} ({sel.authority_name})"
groups = {"england": "England", "peers": peers_name}
choice = st.radio(
    "Authorities",
    list(groups),
    format_func=groups.get,
    horizontal=True,
    key="trends_group",
    help="England, or the peer group chosen in the sidebar for the chosen authority.",
)
chosen = view.group(choice)
if choice == "peers" and sel.peers == "england":
    st.caption("The sidebar's peer group is England: choose another one there to narrow this.")

rounds = list(sel.rounds)
st.caption(f"Scoring rule: {sel.rule}. {chosen.sizes_text} (authorities with a submission).")

# -- Shares per round ---------------------------------------------------------------------------
st.header("Levels by round")
widgets.show(view.shares(choice), key="shares")
st.caption("Shares are of the authorities with a level for the strand in that round.")

# -- Transitions ----------------------------------------------------------------------------------
st.header("Level changes between two rounds")
if len(rounds) < 2:
    st.info("There is only one round with submissions, so there are no changes to show yet.")
    st.stop()
default_from = sel.previous_round or rounds[-2]
default_to = sel.round_id if sel.round_id in rounds else rounds[-1]
names = view.items
c1, c2, c3 = st.columns(3)
from_round = c1.selectbox(
    "From round", rounds, index=rounds.index(default_from), key=f"trends_from_{sel.round_id}"
)
to_round = c2.selectbox(
    "To round", rounds, index=rounds.index(default_to), key=f"trends_to_{sel.round_id}"
)
item = c3.selectbox(
    "Strand", list(names), index=len(names) - 1, format_func=names.get, key="trends_item"
)
if from_round == to_round:
    st.info("Choose two different rounds to see changes.")
    st.stop()

transitions, table_stem = view.transitions(choice, from_round, to_round, item)
widgets.show(transitions, key="transitions")
widgets.table_with_download(transitions.table, stem=table_stem, key="transition_table")

# -- Biggest movers -------------------------------------------------------------------------------
st.header("Biggest movers of the maturity index")
st.caption(
    f"{RANKING_CAVEAT} The index is the mean of the {len(model.dimension_ids)} dimension levels; "
    "only authorities "
    f"with every dimension rated in both {from_round} and {to_round} are included. Ties are "
    "listed by name."
)
moved = view.movers(choice, from_round, to_round)
two_decimals = {
    column: st.column_config.NumberColumn(format="%+.2f" if column == "Change" else "%.2f")
    for column in moved.rises.columns[2:]
}
st.subheader(f"Largest rises ({len(moved.rises)})")
widgets.table_with_download(
    moved.rises, stem=moved.rises_stem, key="rises", column_config=two_decimals
)
st.subheader(f"Largest falls ({len(moved.falls)})")
widgets.table_with_download(
    moved.falls, stem=moved.falls_stem, key="falls", column_config=two_decimals
)
