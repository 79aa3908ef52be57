"""Compare: up to eight authorities side by side, for the sidebar's round and scoring rule."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, roles, sidebar, widgets
from ehdmm.views import compare

st.set_page_config(page_title="Compare authorities", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title("Compare authorities")
st.caption(
    f"Up to {compare.MAX_AUTHORITIES} authorities, round {sel.round_id}, scoring rule "
    f"{sel.rule}. {RANKING_CAVEAT}"
)

view = data.compare_view(sel.scope)
labels = view.labels
use_group = st.toggle(
    f"Use the sidebar's peer group ({sel.peers_md})",
    key="compare_use_group",
    help=f"Compare {sel.authority_name} with the members of the peer group chosen in the "
    f"sidebar (at most {compare.MAX_AUTHORITIES} authorities).",
)
if use_group:
    chosen, group_size = view.group_selection
    group_label = sel.peers_label
    if group_size > compare.MAX_AUTHORITIES:
        st.markdown(
            f"The peer group *{sel.peers_md}* has {group_size} members, more than "
            f"{compare.MAX_AUTHORITIES} can be compared at once: this shows {sel.authority_name} "
            f"and the first {compare.MAX_AUTHORITIES - 1} others (DfE statistical neighbours "
            "first, closest first, then by ONS code)."
        )
    st.markdown(f"Comparing: {view.names_text(chosen)}.")
else:
    chosen = st.multiselect(
        f"Authorities to compare (up to {compare.MAX_AUTHORITIES})",
        list(labels),
        default=view.default,
        format_func=labels.get,
        max_selections=compare.MAX_AUTHORITIES,
        key=f"compare_authorities_{sel.authority}",
        placeholder="Type a name or ONS code",
        help=f"Starts with {sel.authority_name} and its {compare.DEFAULT_NEIGHBOURS} closest "
        "DfE statistical neighbours.",
    )
    group_label = None
chosen = chosen[: compare.MAX_AUTHORITIES]

items = st.radio(
    "Show",
    list(compare.ITEMS),
    format_func=lambda kind: (
        f"{len(model.dimensions)} dimensions"
        if kind == "dimension"
        else f"{len(model.strands)} strands"
    ),
    horizontal=True,
    key="compare_items",
)

result = view.comparison(tuple(chosen), items, group_label)
if result.missing:
    st.markdown(
        f"Not in the charts or the table: {view.names_text(result.missing)}: no "
        f"current submission in round {sel.round_id}"
        + ("." if sel.viewer.sees_all else " that you can see.")
    )
if not result.present:
    st.info("Choose at least one authority with a submission in this round to compare.")
    st.stop()

radar_tab, panels_tab = st.tabs(["Overlaid radar", "One panel per authority"])
with radar_tab:
    widgets.show(result.radar, key="compare_radar")
with panels_tab:
    widgets.show(result.panels, key="compare_panels")

st.subheader("Side by side")
st.caption(
    "Every dimension, strand, the overall level and the maturity index (the mean of the eight "
    'dimension levels, not a level). Rows where the authorities differ say "yes" under '
    "Differs and are shaded."
)
widgets.dataframe(
    result.styled_table,
    hide_index=True,
    width="stretch",
    height="content",
    key="compare_table",
)
st.download_button(
    "Download this table (CSV)",
    widgets.audited(lambda: widgets.csv_bytes(result.table), f"{result.table_stem}.csv"),
    file_name=f"{result.table_stem}.csv",
    mime="text/csv",
    key="compare_table_csv",
)
