"""A respondent's own response: the same form as the Assess page (levels, guided statements,
evidence, confidence, checklist), saved as they go; a review of the whole response before it is
submitted (printable as PDF or Word for sign-off); the other respondents' submitted responses
side by side only once their own is submitted; start from the previous round."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import assess_form, data_assess, data_partners, sidebar, widgets

st.set_page_config(page_title="Your response · ehdmm", layout="wide")
sel = sidebar(need_round=False)
model = load_model()

st.title("Your response")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet.")
st.caption(
    "Each respondent rates the authority on their own: you see the other respondents' answers "
    "only once you have submitted yours, so that no view is anchored on the first answer."
)
for kind, text in data_partners.messages():
    getattr(st, kind)(data_assess.plain(text))

chosen_id = st.session_state.get(data_partners.ENTRY_KEY)
view = data_partners.responses_view(sel.db, sel.token, sel.viewer, chosen_id)
if not view.entries:
    st.info(
        "You have no invitation to respond. An authority's lead invites respondents on the "
        "Consensus page."
    )
    st.stop()
if len(view.entries) > 1:
    ids = [entry.id for entry in view.entries]
    labels = {entry.id: view.entry_label(entry) for entry in view.entries}
    if st.session_state.get(data_partners.ENTRY_KEY) not in ids:
        st.session_state[data_partners.ENTRY_KEY] = ids[0]
    st.selectbox(
        "Respond as",
        ids,
        format_func=lambda i: labels[i],
        key=data_partners.ENTRY_KEY,
        help="Every invitation of yours (in local mode, every named respondent).",
    )
    view = data_partners.responses_view(
        sel.db, sel.token, sel.viewer, st.session_state[data_partners.ENTRY_KEY]
    )
entry = view.chosen
st.subheader(data_assess.plain(f"{view.entry_label(entry)} ({entry.status})"))

if entry.submitted:
    draft = data_partners.submitted_draft(sel.db, sel.token, sel.viewer, entry)
    st.success(
        f"You submitted this response at {entry.submitted_at:%H:%M on %d %B %Y}. It can no "
        "longer be changed."
    )
    summary = data_partners.response_review(entry, draft, view.names.get(entry.authority_code, ""))
    levels, checklist = summary.tables[0][1], summary.tables[1][1]
    st.header("Your response")
    widgets.dataframe(levels)
    widgets.dataframe(checklist)
    data_partners.review_downloads(
        summary, [entry.authority_code, entry.round_id, f"response-{entry.id}"], "own_review"
    )
    st.header(f"All submitted responses ({view.others.count})")
    st.caption(data_partners.spread_rule_text())
    widgets.dataframe(view.others.spread)
    st.subheader("Evidence side by side")
    widgets.dataframe(view.others.evidence)
    st.stop()

if view.copy_source is not None:
    kind, round_id = view.copy_source
    what = "your response" if kind == "response" else "the authority's return"
    st.info(
        f"You can start from {what} of round {round_id}: its levels, ticks, evidence and "
        "checklist are copied into your draft, to update rather than retype."
    )
    st.button(
        f"Start from {what} of round {round_id}",
        on_click=data_partners.on_copy_forward,
        args=(sel.db, sel.viewer, entry.id),
    )
if entry.copied_from:
    st.warning(
        f"This draft was started from round {entry.copied_from}: every answer was copied. "
        "Check and update each one before you submit."
    )

ctx = data_partners.form_context(sel.db, sel.viewer, entry)
state = data_assess.open_form(ctx, model)
draft = state.draft
data_assess.show_notices()
st.caption(
    "Your draft is saved after every change and never counts in benchmarks; the lead sees it "
    "once you submit."
)
st.caption(f"Text you type: {assess_form.TEXT_SAVED}")
st.button(
    "Save the draft now",
    key="response_save_top",
    on_click=data_assess.save_now,
    args=(ctx,),
    type="primary" if state.unsaved else "secondary",
    help="Saves everything in the form, the box you are typing in too.",
)
assess_form.form_body(ctx, draft)

st.header("Review and submit")
problems = data_assess.take(data_assess.PROBLEMS_KEY, ctx)
if problems:
    st.error("Not submitted. " + " ".join(data_assess.plain(p.message) for p in problems))
st.button(
    "Review and submit the response",
    type="primary",
    on_click=data_assess.ask_submit,
    args=(ctx,),
    help="Shows your whole response, read-only, then asks you to confirm.",
)
if data_assess.awaiting_confirmation(ctx):
    summary = data_partners.response_review(entry, draft, view.names.get(entry.authority_code, ""))
    with st.container(border=True):
        st.markdown("**Review your whole response before you submit it.**")
        widgets.dataframe(summary.tables[0][1])
        widgets.dataframe(summary.tables[1][1])
        data_partners.review_downloads(
            summary, [entry.authority_code, entry.round_id, f"response-{entry.id}"], "review"
        )
        st.write(data_assess.submit_preview(ctx, draft).text)
        yes, no = st.columns(2)
        yes.button(
            "Confirm and submit", type="primary", on_click=data_assess.on_submit, args=(ctx,)
        )
        no.button("Cancel", on_click=data_assess.cancel_submit, args=(ctx,))
if data_assess.take(data_assess.SUBMITTED_KEY, ctx) is not None:
    st.success("Submitted: your response is with the lead.", icon="✅")
