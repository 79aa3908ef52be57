"""Compare: up to eight authorities side by side, for the sidebar's round and scoring rule."""

import streamlit as st

from ehdmm.analysis import compare
from ehdmm.charts import compare as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, data_compare, roles, sidebar, widgets

st.set_page_config(page_title="Compare authorities", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title("Compare authorities")
st.caption(
    f"Up to {compare.MAX_AUTHORITIES} authorities, round {sel.round_id}, scoring rule "
    f"{sel.rule}. {RANKING_CAVEAT}"
)

labels = compare.authority_labels(data.authorities(sel.db, sel.token))
neighbours = data_compare.neighbours(sel.db, sel.token, sel.authority)
use_group = st.toggle(
    f"Use the sidebar's peer group ({sel.peers_label})",
    key="compare_use_group",
    help=f"Compare {sel.authority_name} with the members of the peer group chosen in the "
    f"sidebar (at most {compare.MAX_AUTHORITIES} authorities).",
)
if use_group:
    members = data.peer_codes(sel.db, sel.token, sel.viewer, sel.authority, sel.peers)
    chosen, group_size = compare.peer_selection(sel.authority, members, neighbours)
    group_label = sel.peers_label
    if group_size > compare.MAX_AUTHORITIES:
        st.markdown(
            f"The peer group *{sel.peers_label}* has {group_size} members, more than "
            f"{compare.MAX_AUTHORITIES} can be compared at once: this shows {sel.authority_name} "
            f"and the first {compare.MAX_AUTHORITIES - 1} others (DfE statistical neighbours "
            "first, closest first, then by ONS code)."
        )
    st.markdown(f"Comparing: {compare.names_text(chosen, labels)}.")
else:
    chosen = st.multiselect(
        f"Authorities to compare (up to {compare.MAX_AUTHORITIES})",
        list(labels),
        default=compare.default_selection(sel.authority, neighbours, allowed=labels),
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
    compare.ITEM_KINDS,
    format_func=lambda kind: (
        f"{len(model.dimensions)} dimensions"
        if kind == "dimension"
        else f"{len(model.strands)} strands"
    ),
    horizontal=True,
    key="compare_items",
)

wide = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
present, missing = compare.split_by_submission(chosen, wide)
if missing:
    st.markdown(
        f"Not in the charts or the table: {compare.names_text(missing, labels)}: no current "
        f"submission in round {sel.round_id}"
        + ("." if sel.viewer.sees_all else " that you can see.")
    )
if not present:
    st.info("Choose at least one authority with a submission in this round to compare.")
    st.stop()

n = len(present)
long = compare.comparison_long(dims, wide, present, items, model)
radar_tab, panels_tab = st.tabs(["Overlaid radar", "One panel per authority"])
with radar_tab:
    widgets.chart(
        charts.overlaid_radar(
            long,
            model,
            round_id=sel.round_id,
            n=n,
            rule=sel.rule,
            items=items,
            highlight=sel.authority,
            group_label=group_label,
        ),
        compare.chart_table(long, items),
        stem=theme.file_stem(sel.authority, sel.round_id, f"compare-radar-{items}", sel.rule),
        summary=compare.summary(long, items, sel.authority),
        key="compare_radar",
    )
with panels_tab:
    widgets.chart(
        charts.small_multiples(
            long,
            model,
            round_id=sel.round_id,
            n=n,
            rule=sel.rule,
            items=items,
            highlight=sel.authority,
            group_label=group_label,
        ),
        compare.chart_table(long, items),
        stem=theme.file_stem(sel.authority, sel.round_id, f"compare-panels-{items}", sel.rule),
        summary=compare.summary(long, items, sel.authority),
        key="compare_panels",
    )

st.subheader("Side by side")
table = compare.comparison_table(dims, wide, present, model)
st.caption(
    "Every dimension, strand, the overall level and the maturity index (the mean of the eight "
    'dimension levels, not a level). Rows where the authorities differ say "yes" under '
    "Differs and are shaded."
)
st.dataframe(
    compare.highlight_differences(table),
    hide_index=True,
    width="stretch",
    height="content",
    key="compare_table",
)
st.download_button(
    "Download this table (CSV)",
    widgets.audited(
        lambda: widgets.csv_bytes(table),
        f"{theme.file_stem(sel.authority, sel.round_id, 'compare-table', sel.rule)}.csv",
    ),
    file_name=f"{theme.file_stem(sel.authority, sel.round_id, 'compare-table', sel.rule)}.csv",
    mime="text/csv",
    key="compare_table_csv",
)
