"""Authority profile: one authority's levels against its peers and England, what the next level
asks, its rank in the peer group, its trajectory, its checklist answers and evidence notes."""

import streamlit as st

from ehdmm import disclosure
from ehdmm.analysis import aggregates, profile
from ehdmm.charts import profile as charts
from ehdmm.charts import theme
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, data_aggregates, data_profile, sidebar, widgets

st.set_page_config(page_title="Authority profile · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"Authority profile: {sel.authority_name}")
st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_label} · scoring rule: {sel.rule}. "
    "Levels are the authority's own self-assessment against the model."
)

# Own data by name (the viewer's reads are filtered to what it may see); peers only as
# aggregates after disclosure control (ehdmm.analysis.aggregates).
wide = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
wide_all = data.levels(sel.db, sel.token, sel.viewer, None, sel.rule)
dims = data.dimensions(sel.db, sel.token, sel.viewer, sel.round_id)
peer_args = (sel.db, sel.token, sel.viewer, sel.authority)
counts = data_aggregates.group_counts(*peer_args, sel.peers, sel.round_id, sel.rule)
traj = profile.trajectory(wide_all, sel.authority, sel.rounds, model)
has_submission = profile.has_submission(wide, sel.authority)

if not has_submission:
    st.info(profile.no_submission_message(sel.authority_name, sel.round_id, traj), icon="ℹ️")

if has_submission:
    # -- headline ---------------------------------------------------------------------------
    overall, index, in_group = profile.own_headline(wide, sel.authority, counts.in_group, model)
    rank = data_aggregates.rank(*peer_args, sel.peers, sel.round_id, sel.rule)
    rank_text, percentile_text = profile.rank_display(rank)
    cols = st.columns(4)
    cols[0].metric(f"Overall level ({sel.rule})", overall)
    cols[1].metric("Maturity index", index or "–", help="Mean of the 8 dimension levels.")
    cols[2].metric(
        f"Rank in {sel.peers_label}",
        rank_text,
        help="By maturity index, 1 = highest; ties share the best rank.",
    )
    cols[3].metric(
        "Percentile in the peer group",
        percentile_text,
        help="Share of the members with a complete return whose index is lower.",
    )
    st.caption(
        profile.rank_caption(rank, sel.peers_label, disclosure.threshold()) + " " + RANKING_CAVEAT
    )
    if not in_group:
        st.caption(f"{sel.authority_name} is not a member of this peer group.")

    # -- radar and dot plot -------------------------------------------------------------------
    st.header("Levels against the peer group and England")
    items = st.radio(
        "Show",
        list(profile.ITEMS),
        format_func=lambda i: (
            f"{len(model.dimensions)} dimensions"
            if i == "dimension"
            else f"{len(model.strands)} strands ({sel.rule} rule)"
        ),
        horizontal=True,
        key="profile_items",
    )
    tidy = profile.item_tidy(wide, dims, model, items)
    values = profile.comparison_from(
        tidy,
        sel.authority,
        data_aggregates.medians(*peer_args, sel.peers, sel.round_id, sel.rule, items),
        data_aggregates.medians(*peer_args, "england", sel.round_id, sel.rule, items),
        model,
        items,
    )
    peer_n = counts.submitted
    england_n = data_aggregates.group_counts(
        *peer_args, "england", sel.round_id, sel.rule
    ).submitted
    notes = profile.median_notes(values, aggregates.suppressed_note())
    for prefix, label in (("peer", sel.peers_label), ("england", "England")):
        if notes[prefix]:
            st.info(f"{label} median: {notes[prefix]}", icon="🔒")
    missing = profile.missing_items(values)
    if missing:
        st.warning(
            f"{sel.authority_name} has no level for: {', '.join(missing)} (incomplete: a gap "
            "in the radar, 'incomplete' in the dot plot and tables)."
        )
    table = profile.comparison_table(values, sel.authority_name, sel.peers_label)
    summary = profile.comparison_summary(values, sel.authority_name, sel.peers_label, items)
    options = {
        "round_id": sel.round_id,
        "n": peer_n,
        "rule": sel.rule,
        "authority_name": sel.authority_name,
        "peers_label": sel.peers_label,
        "england_n": england_n,
        "peer_note": notes["peer"],
        "england_note": notes["england"],
    }
    left, right = st.columns(2)
    with left:
        widgets.chart(
            charts.radar(values, model, **options),
            table,
            stem=theme.file_stem(sel.authority, sel.round_id, f"radar-{items}", sel.rule),
            summary=summary,
            key="profile_radar",
        )
    with right:
        widgets.chart(
            charts.dot_plot(values, model, **options),
            table,
            stem=theme.file_stem(sel.authority, sel.round_id, f"dots-{items}", sel.rule),
            summary=summary,
            key="profile_dots",
        )

    # -- strand cards -------------------------------------------------------------------------
    st.header("Where it is, and what the next level asks")
    st.caption(
        f"Strand levels under the {sel.rule} rule. For each dimension: the descriptor of its "
        "current level and of the next one, from the model."
    )
    strand_tidy = profile.item_tidy(wide, dims, model, "strand")
    for card in profile.strand_cards(dims, strand_tidy, sel.authority, model):
        with st.container(border=True):
            st.subheader(card.name)
            st.markdown(f"Strand level: **{card.level_name}**")
            dimension_columns = st.columns(len(card.dimensions))
            for column, dim in zip(dimension_columns, card.dimensions, strict=True):
                with column:
                    st.markdown(f"**{profile.escape_markdown(dim.name)}**: {dim.level_name}")
                    if dim.current:
                        st.markdown(
                            f"*Now ({dim.level_name}):* {profile.escape_markdown(dim.current)}"
                        )
                    st.markdown(f"**{dim.next_heading}:** {profile.escape_markdown(dim.next_text)}")
            st.caption(f"MEASURES: {profile.escape_markdown(card.measures)}")
            if card.measures_incomplete:
                st.caption(
                    f"⚠️ This strand's MEASURES are incomplete: {profile.MEASURES_ILLEGIBLE}."
                )

# -- trajectory -------------------------------------------------------------------------------
st.header("Trajectory across rounds")
if profile.submitted_rounds(traj):
    mode = st.radio(
        "Show",
        ["overall", "strands"],
        format_func=lambda m: "Overall level and maturity index" if m == "overall" else "Strands",
        horizontal=True,
        key="profile_trajectory",
    )
    widgets.chart(
        charts.trajectory_chart(
            traj,
            model,
            round_id=sel.round_id,
            n=None,
            rule=sel.rule,
            authority_name=sel.authority_name,
            mode=mode,
        ),
        profile.trajectory_table(traj, model),
        stem=theme.file_stem(sel.authority, sel.round_id, f"trajectory-{mode}", sel.rule),
        summary=profile.trajectory_summary(traj, sel.authority_name, model),
        key="profile_trajectory_chart",
    )
    st.dataframe(profile.trajectory_table(traj, model), hide_index=True, width="stretch")
else:
    st.info(f"{sel.authority_name} has no submission in any round yet.")

if has_submission:
    # -- evidence and checklist (the authority's own words: shown as plain text) -------------
    st.header("Evidence notes")
    ratings = data_profile.ratings(sel.db, sel.token, sel.viewer, sel.authority, sel.round_id)
    st.dataframe(
        profile.evidence_table(ratings, model),
        hide_index=True,
        width="stretch",
        key="evidence",
        column_config={"Evidence": st.column_config.TextColumn(width="large")},
    )
    st.header("Pre-model checklist")
    if model.checklist_intro:
        st.caption(profile.escape_markdown(model.checklist_intro))
    answers = data_profile.checklist(sel.db, sel.token, sel.viewer, sel.authority, sel.round_id)
    st.dataframe(
        profile.checklist_table(answers, model),
        hide_index=True,
        width="stretch",
        key="checklist",
        column_config={"Item": st.column_config.TextColumn(width="large")},
    )
