"""Authority profile: one authority's levels against its peers and England, what the next level
asks, its rank in the peer group, its trajectory, its checklist answers and evidence notes."""

import streamlit as st

from ehdmm.analysis import profile
from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data_profile, sidebar, widgets

st.set_page_config(page_title="Authority profile · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"Authority profile: {sel.authority_name}")
st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_label} · scoring rule: {sel.rule}. "
    "Levels are the authority's own self-assessment against the model."
)

# Own data by name (the viewer's reads are filtered to what it may see); peers only as
# aggregates after disclosure control (ehdmm.analysis.aggregates, via ehdmm.ui.data_profile).
head = data_profile.head(sel)

if not head.has_submission:
    st.info(head.no_submission_message, icon="ℹ️")

if head.has_submission:
    # -- headline ---------------------------------------------------------------------------
    cols = st.columns(4)
    cols[0].metric(f"Overall level ({sel.rule})", head.overall)
    cols[1].metric("Maturity index", head.index or "–", help="Mean of the 8 dimension levels.")
    cols[2].metric(
        f"Rank in {sel.peers_label}",
        head.rank_text,
        help="By maturity index, 1 = highest; ties share the best rank.",
    )
    cols[3].metric(
        "Percentile in the peer group",
        head.percentile_text,
        help="Share of the members with a complete return whose index is lower.",
    )
    st.caption(head.rank_caption + " " + RANKING_CAVEAT)
    if not head.in_group:
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
    shown = data_profile.levels(sel, items)
    for prefix, label in (("peer", sel.peers_label), ("england", "England")):
        if shown.notes[prefix]:
            st.info(f"{label} median: {shown.notes[prefix]}", icon="🔒")
    if shown.missing:
        st.warning(
            f"{sel.authority_name} has no level for: {', '.join(shown.missing)} (incomplete: a "
            "gap in the radar, 'incomplete' in the dot plot and tables)."
        )
    left, right = st.columns(2)
    with left:
        widgets.show(shown.radar, key="profile_radar")
    with right:
        widgets.show(shown.dots, key="profile_dots")

    # -- strand cards -------------------------------------------------------------------------
    st.header("Where it is, and what the next level asks")
    st.caption(
        f"Strand levels under the {sel.rule} rule. For each dimension: the descriptor of its "
        "current level and of the next one, from the model."
    )
    for card in data_profile.cards(sel):
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
if profile.submitted_rounds(head.trajectory):
    mode = st.radio(
        "Show",
        ["overall", "strands"],
        format_func=lambda m: "Overall level and maturity index" if m == "overall" else "Strands",
        horizontal=True,
        key="profile_trajectory",
    )
    trajectory = data_profile.trajectory(sel, mode)
    widgets.show(trajectory, key="profile_trajectory_chart")
    st.dataframe(trajectory.table, hide_index=True, width="stretch")
else:
    st.info(f"{sel.authority_name} has no submission in any round yet.")

if head.has_submission:
    # -- evidence and checklist (the authority's own words: shown as plain text) -------------
    evidence, answers = data_profile.evidence(sel)
    st.header("Evidence notes")
    st.dataframe(
        evidence,
        hide_index=True,
        width="stretch",
        key="evidence",
        column_config={"Evidence": st.column_config.TextColumn(width="large")},
    )
    st.header("Pre-model checklist")
    if model.checklist_intro:
        st.caption(profile.escape_markdown(model.checklist_intro))
    st.dataframe(
        answers,
        hide_index=True,
        width="stretch",
        key="checklist",
        column_config={"Item": st.column_config.TextColumn(width="large")},
    )
