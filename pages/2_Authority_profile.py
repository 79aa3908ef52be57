"""Authority profile: one authority's levels against its peers and England, what the next level
asks, its rank in the peer group, its trajectory, its checklist answers and evidence notes."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, sidebar, widgets
from ehdmm.ui.widgets import plain
from ehdmm.views import profile

st.set_page_config(page_title="Authority profile · ehdmm", layout="wide")
sel = sidebar()
model = load_model()

st.title(f"Authority profile: {sel.authority_name}")
st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_md} · scoring rule: {sel.rule}. "
    "Levels are the authority's own self-assessment against the model."
)
widgets.protection_note(sel.viewer, sel.published_on)

# Own data by name (the viewer's rows only); peers only as aggregates after disclosure control
# (ehdmm.analysis.aggregates, through the view).
view = data.profile_view(sel.scope)
head = view.headline

if head is None:
    st.info(view.no_submission_message, icon="ℹ️")
else:
    # -- headline ---------------------------------------------------------------------------
    metrics = st.container(horizontal=True)  # one block (columns would be five)
    metrics.metric(f"Overall level ({sel.rule})", head.overall)
    metrics.metric("Maturity index", head.index or "–", help="Mean of the 8 dimension levels.")
    metrics.metric(
        f"Rank in {sel.peers_md}",
        head.rank.rank,
        help="By maturity index, 1 = highest; ties share the best rank.",
    )
    metrics.metric(
        "Percentile in the peer group",
        head.rank.percentile,
        help="Share of the members with a complete return whose index is lower.",
    )
    st.caption(plain(head.rank_caption) + " " + RANKING_CAVEAT)
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
    shown = view.levels_with_targets(items)
    for prefix, label in (("peer", sel.peers_md), ("england", "England")):
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

    # -- priorities: where it is furthest behind its peers ------------------------------------
    st.header("Priorities against the peer group")
    prio = view.priorities
    st.caption(
        f"Per dimension: the level, the {sel.peers_md} and England medians and the gap to "
        "each (median minus level; positive: behind), sorted by the gap to the peer group, "
        "then the lowest level. " + plain(prio.summary)
    )
    widgets.table_with_download(
        prio.table, stem=view.subject.stem("priorities"), key="profile_priorities"
    )
    for card in prio.cards:
        with st.container(border=True):
            st.markdown(f"**{plain(card.dimension)}**: {card.level_name} ({plain(card.gap_text)})")
            st.markdown(f"*To reach {card.next_level_name}:*")
            st.markdown("\n".join(f"- {plain(text)}" for text in card.statements))
            st.caption(f"MEASURES ({plain(card.strand)}): {plain(card.measures)}")

    # -- progress against its targets -------------------------------------------------------
    if not view.progress.table.empty:
        st.header("Progress against targets")
        widgets.table_with_download(
            view.progress.table,
            stem=view.subject.stem("targets", rule=False),
            key="profile_targets",
        )

    # -- strand cards -------------------------------------------------------------------------
    st.header("Where it is, and what the next level asks")
    st.caption(
        f"Strand levels under the {sel.rule} rule. For each dimension: the descriptor of its "
        "current level and of the next one, from the model."
    )
    for card in view.cards:
        with st.container(border=True):
            st.subheader(card.name)
            st.markdown(f"Strand level: **{card.level_name}**")
            # side by side when the strand has more than one dimension
            places = st.columns(len(card.dimensions)) if len(card.dimensions) > 1 else [st]
            for place, dim in zip(places, card.dimensions, strict=True):
                now = f"\n\n*Now ({dim.level_name}):* {plain(dim.current)}" if dim.current else ""
                place.markdown(f"**{plain(dim.name)}**: {dim.level_name}{now}")
                place.markdown(f"**{dim.next_heading}:** {plain(dim.next_text)}")
            incomplete = (
                f"  \n⚠️ This strand's MEASURES are incomplete: {profile.MEASURES_ILLEGIBLE}."
                if card.measures_incomplete
                else ""
            )
            st.caption(f"MEASURES: {plain(card.measures)}{incomplete}")

# -- trajectory -------------------------------------------------------------------------------
st.header("Trajectory across rounds")
if view.trajectory.rounds_submitted:
    mode = st.radio(
        "Show",
        list(profile.MODES),
        format_func=lambda m: "Overall level and maturity index" if m == "overall" else "Strands",
        horizontal=True,
        key="profile_trajectory",
    )
    trajectory = view.trajectory_chart(mode)
    widgets.show(trajectory, key="profile_trajectory_chart")
    widgets.dataframe(trajectory.table)
else:
    st.info(f"{sel.authority_name} has no submission in any round yet.")

if head is not None:
    # -- evidence and checklist (the authority's own words: shown as plain text) -------------
    st.header("Evidence notes")
    widgets.dataframe(
        view.evidence,
        hide_index=True,
        width="stretch",
        key="evidence",
        column_config={"Evidence": st.column_config.TextColumn(width="large")},
    )
    st.header("Pre-model checklist")
    if view.checklist_intro:
        st.caption(plain(view.checklist_intro))
    widgets.dataframe(
        view.checklist,
        hide_index=True,
        width="stretch",
        key="checklist",
        column_config={"Item": st.column_config.TextColumn(width="large")},
    )
