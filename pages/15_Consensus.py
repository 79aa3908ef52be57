"""The authority's lead: invite respondents for a round, see how their submitted responses
spread per dimension with their evidence side by side, set the authority's level per dimension
(starting at the respondents' median, rounded down; a different level needs a reason), review
it and submit it as the authority's return."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import data_assess, data_partners, sidebar, widgets

st.set_page_config(page_title="Consensus · ehdmm", layout="wide")
sel = sidebar(need_round=False)
model = load_model()
names = model.level_names

st.title(f"Consensus: {sel.authority_name}")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet.")
rounds = data_assess.all_rounds(sel.db, sel.token)
if not rounds:
    st.info("There is no assessment round yet: the national team creates rounds.")
    st.stop()
data_assess.prepare_round(rounds, sel.round_id)
round_id = st.selectbox("Round", rounds, key=data_assess.ROUND_KEY)
view = data_partners.consensus_view(sel.db, sel.token, sel.viewer, sel.authority, round_id)
if not view.lead:
    st.info(
        "This page is for the authority's lead (an authority user with the lead flag, set by "
        "the national team). Respondents answer on the Responses page; the national team sees "
        "how many responded and the consensus, not the responses."
    )
    st.stop()
for kind, text in data_partners.messages():
    getattr(st, kind)(data_assess.plain(text))

st.header(f"Respondents ({view.submitted} of {view.invited} submitted)")
if not view.invited:
    st.caption("No respondent invited yet for this round.")
widgets.dataframe(view.respondents)
with st.form("invite", clear_on_submit=False, border=True):
    st.markdown("**Invite a respondent**")
    name_col, role_col, email_col = st.columns(3)
    name_col.text_input("Name", key="invite_name", max_chars=100)
    role_col.text_input(
        "Role label", key="invite_role", max_chars=100, placeholder="e.g. Police, Health"
    )
    email_col.text_input(
        "Email (to sign in)",
        key="invite_email",
        help="Required where people sign in; in local mode a named entry is enough.",
    )
    st.form_submit_button(
        "Invite",
        on_click=data_partners.on_invite,
        args=(sel.db, sel.viewer, sel.authority, round_id),
    )

if view.others is None:
    st.info("No response has been submitted yet: the spread and the consensus follow.")
    st.stop()

st.header("Spread per dimension")
st.caption(data_partners.spread_rule_text())
widgets.dataframe(view.others.spread)
st.subheader("Evidence side by side")
widgets.dataframe(view.others.evidence)

st.header("Set the consensus")
data_partners.start_levels(view)
if view.previous is not None:
    st.button(
        f"Start from the return of round {view.previous[0]}",
        on_click=data_partners.on_copy_consensus,
        args=(view,),
        help="Copies that return's levels into the boxes below; a level that differs from "
        "this round's median then needs a reason.",
    )
copied = data_partners.copied_from(view)
if copied:
    st.caption(f"The levels below were copied from the return of round {copied}.")
for dimension in model.dimensions:
    median = view.medians.get(dimension.id)
    level_col, reason_col = st.columns([1, 2])
    level_col.selectbox(
        dimension.name,
        list(names),
        format_func=lambda n: f"{n} {names[n]}",
        index=None,
        key=data_partners.consensus_level_key(dimension.id),
        help=f"The respondents' median, rounded down: {median} {names.get(median, '')}"
        if median
        else "No respondent rated this dimension.",
    )
    chosen = st.session_state.get(data_partners.consensus_level_key(dimension.id))
    if median is not None and chosen is not None and chosen != median:
        reason_col.text_input(
            f"Why {dimension.name} differs from the median ({median})",
            key=data_partners.consensus_reason_key(dimension.id),
            max_chars=1000,
        )
st.button(
    "Review and submit the consensus",
    type="primary",
    on_click=data_partners.ask_consensus,
    args=(view,),
)
if data_partners.awaiting(view):
    summary = data_partners.consensus_review(view, sel.authority_name)
    with st.container(border=True):
        st.markdown(
            "**Submit this consensus?** It becomes the current return of "
            f"{data_assess.plain(sel.authority_name)} for round {round_id}, exactly as a "
            "submission on the Assess page; an earlier one is kept in the history."
        )
        widgets.dataframe(summary.tables[0][1])
        data_partners.review_downloads(
            summary, [sel.authority, round_id, "consensus"], "consensus_review"
        )
        yes, no = st.columns(2)
        yes.button(
            "Confirm and submit",
            type="primary",
            on_click=data_partners.on_consensus,
            args=(sel.db, sel.viewer, sel.authority, round_id),
        )
        no.button("Cancel", on_click=data_partners.cancel_consensus)
if not view.recorded.empty:
    st.header("The current consensus")
    widgets.dataframe(view.recorded)
