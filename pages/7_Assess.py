"""Self-assessment: an authority rates itself on the model's dimensions, with the published
descriptors side by side (or, in guided mode, their statements as tick boxes), evidence,
confidence and the pre-model checklist; saved as a draft on every change; submitted when
complete, with the computed levels and the place among peers shown afterwards."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, Rule, assess_form, data, data_assess, sidebar, widgets
from ehdmm.ui.data_assess import FormContext

st.set_page_config(page_title="Self-assessment · ehdmm", layout="wide")
sel = sidebar(need_round=False)
model = load_model()
names = model.level_names

st.title(f"Self-assessment: {sel.authority_name}")
rounds = data_assess.all_rounds(sel.db, sel.token)
if not rounds:
    st.info(
        "No self-assessments have been submitted yet, and there is no assessment round to fill "
        "in. The national team creates rounds when importing returns (Upload page, or "
        "`python -m ehdmm import FILE --create-round`)."
    )
    st.stop()
if not sel.rounds:
    st.info("No self-assessments have been submitted yet: this can be the first.")
if not data_assess.can_assess(sel.viewer, sel.authority):
    st.warning("You can assess only your own authority: choose it in the sidebar.")
    st.stop()

data_assess.prepare_round(rounds, sel.round_id)
round_id = st.selectbox(
    "Round to assess",
    rounds,
    key=data_assess.ROUND_KEY,
    help="Any round in the database, also one with no submission yet. The authority is the "
    "one chosen in the sidebar.",
)
ctx = FormContext(sel.db, sel.viewer, sel.authority, round_id, sel.viewer.name)
try:
    state = data_assess.open_form(ctx, model)
except data_assess.NotAllowed as exc:
    st.warning(str(exc))
    st.stop()
except data_assess.StoreError as exc:
    st.error(str(exc))
    st.stop()
draft = state.draft
args = (ctx,)

data_assess.show_notices()

st.caption(data_assess.plain(data_assess.draft_status(draft, model)))
st.caption(f"Text you type: {assess_form.TEXT_SAVED}")
st.button(
    "Save the draft now",
    key="assess_save_top",
    on_click=data_assess.save_now,
    args=args,
    type="primary" if state.unsaved else "secondary",
    help="Saves everything in the form, the box you are typing in too.",
)

assess_form.form_body(ctx, draft)

st.header("Submit")
problems = data_assess.take(data_assess.PROBLEMS_KEY, ctx)
if problems:
    st.error(
        "Not submitted. " + " ".join(data_assess.plain(problem.message) for problem in problems)
    )
todo = data_assess.submit_problems(draft, model)
if todo and not problems:
    st.caption("Still to do before you can submit: " + " ".join(p.message for p in todo))
left, right = st.columns(2)
left.button(
    "Save the draft now",
    key="assess_save_bottom",
    on_click=data_assess.save_now,
    args=args,
    help="Saves everything in the form, the box you are typing in too.",
)
right.button(
    "Submit the assessment",
    type="primary",
    on_click=data_assess.ask_submit,
    args=args,
    help="Shows what changes against the current submission, then asks you to confirm.",
)
if data_assess.awaiting_confirmation(ctx):
    preview = data_assess.submit_preview(ctx, draft)
    with st.container(border=True):
        if preview.identical:
            st.info(data_assess.plain(preview.text))
            st.button("Close", on_click=data_assess.cancel_submit, args=args)
        else:
            st.markdown(
                "**Submit this assessment?** It becomes the current self-assessment of "
                f"{data_assess.plain(sel.authority_name)} for round {round_id}; an earlier one "
                "is kept in the history."
            )
            st.write(data_assess.plain(preview.text))
            yes, no = st.columns(2)
            yes.button(
                "Confirm and submit", type="primary", on_click=data_assess.on_submit, args=args
            )
            no.button("Cancel", on_click=data_assess.cancel_submit, args=args)

submitted = data_assess.take(data_assess.SUBMITTED_KEY, ctx)
if submitted is not None:
    superseded = (
        " It supersedes the previous submission, which is kept in the history."
        if submitted.superseded_id
        else ""
    )
    st.success(
        f"Submitted at {submitted.submitted_at:%H:%M on %d %B %Y}: this is now the current "
        f"self-assessment of {sel.authority_name} for round {round_id}.{superseded}",
        icon="✅",
    )
current = data.levels(sel.db, sel.token, sel.viewer, round_id, Rule.GATED)
if data_assess.has_levels(current, sel.authority):
    best_fit = data.levels(sel.db, sel.token, sel.viewer, round_id, Rule.BEST_FIT)
    st.header(f"Computed levels of the current submission, round {round_id}")
    widgets.dataframe(
        data_assess.result_table(current, best_fit, sel.authority, model),
        hide_index=True,
        width="stretch",
    )
    st.metric(
        "Maturity index",
        data_assess.index_text(current, sel.authority) or "–",
        help=f"The mean of the {len(model.dimensions)} dimension levels (it orders authorities; "
        "it is not a level).",
    )
    rank = data.rank(sel.db, sel.token, sel.viewer, sel.authority, sel.peers, round_id, Rule.GATED)
    st.write(f"Rank by maturity index in {sel.peers_md}: {data_assess.rank_sentence(rank)}.")
    st.caption(RANKING_CAVEAT)
    widgets.protection_note(sel.viewer, data.catalogue(sel.db, sel.token).published_on(round_id))
    data_assess.profile_link(
        f"See {sel.authority_name} on the Authority profile page",
        {"authority": sel.authority, "round": round_id, "peers": sel.peers, "rule": sel.rule},
    )
