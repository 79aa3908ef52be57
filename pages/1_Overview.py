"""National overview of one round: who submitted, levels per strand, every authority side by
side, a filterable table and change since the previous round."""

import streamlit as st

from ehdmm import tables
from ehdmm.analysis import overview
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data_overview, roles, sidebar, widgets

st.set_page_config(page_title="Overview: early help data maturity", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title(f"National overview, round {sel.round_id}")

head = data_overview.header(sel)
cover = head.coverage
n = cover.assessed
st.caption(head.caption)

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
    if head.missing.empty:
        st.write("Every authority has a current submission in this round.")
    else:
        widgets.table_with_download(head.missing, stem=head.missing_stem, key="missing")

# -- Levels per strand ------------------------------------------------------------------------
st.header("Levels by strand")
widgets.show(data_overview.levels_by_strand(sel), key="counts")

# -- Every authority ----------------------------------------------------------------------------
st.header("Every authority")
views = {
    "dimension": f"{len(model.dimension_ids)} dimensions",
    "strand": f"{len(model.strands)} strands",
}
view = st.radio(
    "Show", list(views), format_func=views.get, horizontal=True, key="overview_heatmap_view"
)
rows = data_overview.heatmap_rows(sel, view)
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
widgets.show(data_overview.heatmap(sel, view, block), key="heatmap")

# -- Table ----------------------------------------------------------------------------------------
st.header("Levels table")
st.caption(RANKING_CAVEAT)
low, high = overview.index_bounds(model)
f1, f2, f3, f4 = st.columns(4)
regions = f1.multiselect("Region", head.options["region"], placeholder="All regions")
la_types = f2.multiselect("LA type", head.options["la_type"], placeholder="All types")
overall = f3.multiselect("Overall level", head.options["overall"], placeholder="All levels")
index_range = f4.slider(
    "Maturity index", min_value=low, max_value=high, value=(low, high), step=0.125
)
matched, table, stem = data_overview.levels_table(
    sel, tuple(regions), tuple(la_types), tuple(overall), tuple(index_range)
)
st.caption(
    f"{matched} of {n} assessed authorities match the filters. Click a column heading to "
    f"sort. Strands without a level are shown as '{tables.INCOMPLETE}'."
)
widgets.table_with_download(
    table,
    stem=stem,
    key="levels",
    column_config={"Maturity index": st.column_config.NumberColumn(format="%.2f")},
)

# -- Change since the previous round -----------------------------------------------------------
st.header("Change since the previous round")
change = data_overview.change(sel)
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
