"""National overview of one round: who submitted, levels per strand, every authority side by
side, a filterable table and change since the previous round."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, roles, sidebar, widgets
from ehdmm.views import overview

st.set_page_config(page_title="Overview: early help data maturity", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title(f"National overview, round {sel.round_id}")

round_view = data.overview_view(sel.scope)
cover = round_view.coverage
n = cover.assessed
st.caption(round_view.caption)

# -- Who submitted ----------------------------------------------------------------------------
left, middle, right = st.columns(3)
left.metric(
    "Assessed",
    cover.assessed,
    help="Authorities with a current (submitted) self-assessment in this round.",
)
middle.metric(
    "Complete returns",
    cover.complete,
    help=f"Assessed authorities that rated all {len(model.dimension_ids)} dimensions.",
)
right.metric("No submission", cover.missing, help="Authorities with no submission in this round.")
with st.expander(f"Authorities with no submission in {sel.round_id} ({cover.missing})"):
    if round_view.missing.empty:
        st.write("Every authority has a current submission in this round.")
    else:
        widgets.table_with_download(round_view.missing, stem=round_view.missing_stem, key="missing")

# -- Levels per strand ------------------------------------------------------------------------
st.header("Levels by strand")
widgets.show(round_view.levels_by_strand, key="counts")

# -- Every authority ----------------------------------------------------------------------------
st.header("Every authority")
shows = {
    "dimension": f"{len(model.dimension_ids)} dimensions",
    "strand": f"{len(model.strands)} strands",
}
view = st.radio(
    "Show", list(shows), format_func=shows.get, horizontal=True, key="overview_heatmap_view"
)
rows = round_view.heatmap_rows(view)
block = 0
if len(rows.blocks) > 1:
    block = st.select_slider(
        "Rows shown (highest maturity index first)",
        options=range(len(rows.blocks)),
        value=rows.selected_block,
        format_func=lambda i: overview.block_label(rows.blocks[i], rows.total),
        key="overview_heatmap_rows",
    )
    st.caption(
        f"{rows.total:,} authorities: the heatmap shows {overview.HEATMAP_ROWS} at a time "
        "(the block with the chosen authority first). The levels table below holds them all."
    )
widgets.show(round_view.heatmap(view, block), key="heatmap")

# -- Table ----------------------------------------------------------------------------------------
st.header("Levels table")
st.caption(RANKING_CAVEAT)
st.caption(round_view.peer_note)
low, high = overview.index_bounds(model)
f1, f2 = st.columns(2)  # half the width each: a chosen region's chip is not cut
regions = f1.multiselect(
    "Region", round_view.options["region"], placeholder="All regions", key="ov_regions"
)
la_types = f2.multiselect(
    "LA type", round_view.options["la_type"], placeholder="All types", key="ov_types"
)
f3, f4 = st.columns(2)
overall = f3.multiselect("Overall level", round_view.options["overall"], placeholder="All levels")
index_range = f4.slider(
    "Maturity index", min_value=low, max_value=high, value=(low, high), step=0.125
)
q1, q2, q3 = st.columns([2, 1, 1])
quick = q1.segmented_control(
    "Quick view",
    ["lowest", "highest"],
    format_func=lambda v: f"{v.capitalize()} N by maturity index",
    key="ov_quick",
    help="The N lowest or highest authorities in the chosen regions and types (and the "
    "sidebar's peer group). Incomplete returns have no index and are left out.",
)
quick_n = q2.number_input("N", min_value=1, max_value=50, value=5, step=1, key="ov_quick_n")
sort = q3.selectbox(
    "Sort by",
    list(overview.SORT_KEYS),
    format_func=overview.SORT_KEYS.get,
    key="ov_sort",
    help="Incomplete returns (no overall level or index) come last whichever way.",
)
descending = q3.toggle("Highest first", value=True, key="ov_desc")
if quick:
    shown = round_view.quick_view(int(quick_n), quick == "lowest", tuple(regions), tuple(la_types))
    st.caption(
        f"The {shown.matched} {quick} by maturity index"
        + (f" in {', '.join(regions)}" if regions else "")
        + (f" ({', '.join(la_types)})" if la_types else "")
        + ". Clear the quick view to see the whole table."
    )
else:
    shown = round_view.levels_table(
        tuple(regions), tuple(la_types), tuple(overall), tuple(index_range), sort, not descending
    )
    st.caption(
        f"{shown.matched} of {n} assessed authorities match the filters. Strands without a "
        f"level are shown as '{overview.INCOMPLETE}'; 'Open queries' counts the authority's "
        "ratings under an unresolved query."
    )
widgets.table_with_download(
    shown.table,
    stem=shown.stem,
    key="levels",
    column_config={
        "Authority": st.column_config.TextColumn(pinned=True, width="medium"),
        "Overall": st.column_config.TextColumn(width="small"),
        "Maturity index": st.column_config.NumberColumn(format="%.2f", width="small"),
        "Open queries": st.column_config.NumberColumn(width="small"),
    },
)

# -- Change since the previous round -----------------------------------------------------------
st.header("Change since the previous round")
change = round_view.change
if change is None:
    st.info(
        f"There is no round before {sel.round_id} with submissions, so there is no change to show."
    )
else:
    widgets.show(change, key="change")
    st.caption(
        "Only authorities with a level for the strand in both rounds are compared; "
        "incomplete returns are left out."
    )
