"""Peer benchmark: how the chosen peer group spreads over the four levels per strand (or
dimension) and over the maturity index, where the authority sits, and the peer list.

Peer data comes only from `ehdmm.analysis.aggregates` (through `ehdmm.ui.data_aggregates`): a
national user sees it unrestricted, with every member by name; an authority user sees counts,
quartiles and the number of members after disclosure control, and no other authority by name."""

import streamlit as st

from ehdmm.analysis import benchmark, profile
from ehdmm.charts import benchmark as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, data_aggregates, roles, sidebar, widgets

st.set_page_config(page_title="Peer benchmark · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"Peer benchmark: {sel.authority_name}")
peer_args = (sel.db, sel.token, sel.viewer, sel.authority, sel.peers, sel.round_id, sel.rule)
counts = data_aggregates.group_counts(*peer_args)
own = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
has_submission = profile.has_submission(own, sel.authority)
n = counts.submitted
n_text = benchmark.count_text(n)

st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_label}, {counts.members} members, "
    f"n = {n_text} with a submission in this round · scoring rule: {sel.rule}"
)
if n is None:
    roles.suppressed_note()
if not has_submission:
    st.info(
        f"{sel.authority_name} has no current submission in round {sel.round_id}: the peer "
        "group is shown, without its own position.",
        icon="ℹ️",
    )
if not counts.in_group:
    st.info(
        f"{sel.authority_name} is not a member of {sel.peers_label}: its own level is marked "
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
dist = data_aggregates.distribution(*peer_args, items)
st.markdown(
    profile.escape_markdown(
        benchmark.position_text(dist, sel.authority_name, model, has_submission)
    )
)
widgets.chart(
    charts.distribution_chart(
        dist,
        model,
        round_id=sel.round_id,
        n=n,
        rule=sel.rule,
        authority_name=sel.authority_name,
        peers_label=sel.peers_label,
        has_submission=has_submission,
    ),
    benchmark.distribution_table(dist, sel.authority_name),
    stem=theme.file_stem(sel.authority, sel.round_id, f"distribution-{items}", sel.rule),
    summary=benchmark.distribution_summary(dist),
    key="benchmark_distribution",
)
st.caption(
    f"n = {n_text} members of {sel.peers_label} with a submission; each chart counts those with "
    "a level for its item (an incomplete return has no level for a strand that lacks a "
    "dimension)."
)
if not sel.viewer.sees_all:
    st.caption(benchmark.suppression_rules())

# -- maturity index -----------------------------------------------------------------------------
st.header("Maturity index")
if sel.viewer.sees_all:
    wide = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    members = data.peer_codes(sel.db, sel.token, sel.viewer, sel.authority, sel.peers)
    points = benchmark.index_points(wide, members, sel.authority)
    widgets.chart(
        charts.index_strip(
            points,
            round_id=sel.round_id,
            n=len(points),
            rule=sel.rule,
            authority_name=sel.authority_name,
            peers_label=sel.peers_label,
        ),
        benchmark.index_table(points),
        stem=theme.file_stem(sel.authority, sel.round_id, "index", sel.rule),
        summary=benchmark.index_summary(points, sel.authority_name),
        key="benchmark_index",
    )
else:
    quartiles = data_aggregates.index_summary(*peer_args)
    if quartiles is None:
        roles.suppressed_note()
    else:
        widgets.chart(
            charts.index_box(
                quartiles,
                round_id=sel.round_id,
                rule=sel.rule,
                authority_name=sel.authority_name,
                peers_label=sel.peers_label,
            ),
            benchmark.index_quartiles_table(quartiles, sel.authority_name),
            stem=theme.file_stem(sel.authority, sel.round_id, "index-quartiles", sel.rule),
            summary=benchmark.index_quartiles_summary(quartiles, sel.authority_name),
            key="benchmark_index",
        )
st.caption(
    "The maturity index is the mean of the dimension levels (1.00 to 4.00) of a complete "
    "return; it spreads authorities out and is not a level. " + RANKING_CAVEAT
)

# -- peer list --------------------------------------------------------------------------------
st.header("The peer group")
if sel.viewer.sees_all:
    authorities = data.authorities(sel.db, sel.token)
    widgets.table_with_download(
        benchmark.peer_table(wide, authorities, members, model, sel.authority),
        stem=theme.file_stem(sel.authority, sel.round_id, "peers", sel.rule),
        key="benchmark_peers",
    )
else:
    st.markdown(benchmark.members_text(counts.members, sel.peers_label, counts.in_group))
st.caption(RANKING_CAVEAT)
