"""National overview of one round: who submitted, levels per strand, every authority side by
side, a filterable table and change since the previous round."""

import streamlit as st

from ehdmm import tables
from ehdmm.analysis import overview
from ehdmm.charts import overview as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, roles, sidebar, widgets

st.set_page_config(page_title="Overview: early help data maturity", layout="wide")
sel = sidebar()
roles.national_only(sel.viewer)
model = load_model()

st.title(f"National overview, round {sel.round_id}")

frame = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
authorities = data.authorities(sel.db, sel.token)
dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
cover = overview.coverage(frame, authorities, model)
n = cover.assessed
st.caption(
    f"Scoring rule: {sel.rule}. {cover.total} authorities in England. "
    + overview.selected_note(frame, sel.authority, sel.authority_name, sel.round_id)
)

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
missing = overview.missing_authorities(frame, authorities)
with st.expander(f"Authorities with no submission in {sel.round_id} ({cover.missing})"):
    if missing.empty:
        st.write("Every authority has a current submission in this round.")
    else:
        widgets.table_with_download(
            missing, stem=theme.file_stem("england", sel.round_id, "no-submission"), key="missing"
        )

# -- Levels per strand ------------------------------------------------------------------------
st.header("Levels by strand")
counts = overview.level_counts(frame, model)
widgets.chart(
    charts.level_counts_chart(
        counts,
        model,
        round_id=sel.round_id,
        n=n,
        rule=sel.rule,
        authority_name=sel.authority_name,
        authority_levels=overview.levels_of(frame, sel.authority, model),
    ),
    overview.level_counts_table(counts),
    stem=theme.file_stem("england", sel.round_id, "levels-by-strand", sel.rule),
    summary=overview.counts_summary(counts, sel.round_id),
    key="counts",
)

# -- Every authority ----------------------------------------------------------------------------
st.header("Every authority")
views = {
    "dimension": f"{len(model.dimension_ids)} dimensions",
    "strand": f"{len(model.strands)} strands",
}
view = st.radio(
    "Show", list(views), format_func=views.get, horizontal=True, key="overview_heatmap_view"
)
cells = overview.heatmap_cells(frame, dims, authorities, model, by=view)
widgets.chart(
    charts.heatmap_chart(
        cells, model, round_id=sel.round_id, n=n, rule=sel.rule, authority=sel.authority
    ),
    overview.heatmap_table(cells),
    stem=theme.file_stem("england", sel.round_id, f"heatmap-{view}", sel.rule),
    summary=overview.heatmap_summary(cells, model, sel.round_id),
    key="heatmap",
)

# -- Table ----------------------------------------------------------------------------------------
st.header("Levels table")
st.caption(RANKING_CAVEAT)
options = overview.filter_options(frame, model)
low, high = overview.index_bounds(model)
f1, f2, f3, f4 = st.columns(4)
regions = f1.multiselect("Region", options["region"], placeholder="All regions")
la_types = f2.multiselect("LA type", options["la_type"], placeholder="All types")
overall = f3.multiselect("Overall level", options["overall"], placeholder="All levels")
index_range = f4.slider(
    "Maturity index", min_value=low, max_value=high, value=(low, high), step=0.125
)
shown = overview.filter_levels(
    frame, model, regions=regions, la_types=la_types, overall=overall, index_range=index_range
)
st.caption(
    f"{len(shown)} of {n} assessed authorities match the filters. Click a column heading to "
    f"sort. Strands without a level are shown as '{tables.INCOMPLETE}'."
)
widgets.table_with_download(
    overview.authority_table(shown, model),
    stem=theme.file_stem("england", sel.round_id, "levels", sel.rule),
    key="levels",
    column_config={"Maturity index": st.column_config.NumberColumn(format="%.2f")},
)

# -- Change since the previous round -----------------------------------------------------------
st.header("Change since the previous round")
if sel.previous_round is None:
    st.info(
        f"There is no round before {sel.round_id} with submissions, so there is no change to show."
    )
else:
    before = data.levels(sel.db, sel.token, sel.viewer, sel.previous_round, sel.rule)
    changes = overview.level_changes(frame, before, model)
    both = overview.assessed_in_both(frame, before)
    widgets.chart(
        charts.change_chart(
            changes,
            model,
            round_id=sel.round_id,
            previous_round=sel.previous_round,
            n=both,
            rule=sel.rule,
        ),
        overview.level_changes_table(changes),
        stem=theme.file_stem("england", sel.round_id, "change", sel.rule),
        summary=overview.changes_summary(changes, sel.round_id, sel.previous_round),
        key="change",
    )
    st.caption(
        "Only authorities with a level for the strand in both rounds are compared; "
        "incomplete returns are left out."
    )
