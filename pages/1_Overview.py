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
low, high = overview.index_bounds(model)
f1, f2, f3, f4 = st.columns(4)
regions = f1.multiselect("Region", round_view.options["region"], placeholder="All regions")
la_types = f2.multiselect("LA type", round_view.options["la_type"], placeholder="All types")
overall = f3.multiselect("Overall level", round_view.options["overall"], placeholder="All levels")
index_range = f4.slider(
    "Maturity index", min_value=low, max_value=high, value=(low, high), step=0.125
)
shown = round_view.levels_table(tuple(regions), tuple(la_types), tuple(overall), tuple(index_range))
st.caption(
    f"{shown.matched} of {n} assessed authorities match the filters. Click a column heading to "
    f"sort. Strands without a level are shown as '{overview.INCOMPLETE}'."
)
widgets.table_with_download(
    shown.table,
    stem=shown.stem,
    key="levels",
    column_config={"Maturity index": st.column_config.NumberColumn(format="%.2f")},
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
