"""The Assess page's form for one dimension: the published descriptors (or, in guided mode, every
statement in full beside its tick box), the level, the reason for a level other than the one the
ticked statements give, evidence and confidence.

Not a fragment: measured in a browser (a tick every 0.1 s), a fragment per dimension made the
page answer faster (11 ticks clicked in about 3.3 s instead of 4.7 s) and lost no tick once the
form saves what its widgets hold on every run (`data_assess.open_form`); but a fragment's own
reruns skip that step, and they leave the progress, the answers at a glance and what is still
to do out of date until the next full run."""

from __future__ import annotations

import streamlit as st

from ehdmm import assessment, assessment_tables
from ehdmm.model import load_model
from ehdmm.ui import data_assess, widgets
from ehdmm.ui.data_assess import FormContext

TEXT_SAVED = (
    "Saved when you leave the box (click elsewhere or press Tab), press Ctrl+Enter, or press "
    "'Save the draft now'. Text still being typed in a box is not saved if the page is closed."
)


def _statements(ctx: FormContext, dimension) -> None:
    """Every statement in full (plain text that wraps), each with its own tick box (named by
    the statement, for keyboards and screen readers)."""
    model = load_model()
    for level in model.levels:
        st.markdown(f"**{level.number} {level.name}**")
        for index, statement in enumerate(dimension.statements[level.number]):
            box, text = st.columns([1, 24], vertical_alignment="top", gap="small")
            box.checkbox(
                statement,
                key=data_assess.tick_key(dimension.id, level.number, index),
                on_change=data_assess.on_change,
                args=(ctx, "tick", dimension.id, level.number, index),
                label_visibility="collapsed",
            )
            text.markdown(data_assess.plain(statement))


def _level(ctx: FormContext, dimension, draft: assessment.Draft, guided: bool) -> None:
    model = load_model()
    names = model.level_names
    answer = draft.answer(dimension.id)
    if not guided:
        st.radio(
            f"Level for {dimension.name}",
            list(names),
            format_func=lambda n: f"{n} {names[n]}",
            index=None,
            horizontal=True,
            key=data_assess.level_key(dimension.id),
            on_change=data_assess.on_change,
            args=(ctx, "level", dimension.id),
        )
        return
    proposed = assessment.proposed_level(dimension, answer.ticks)
    given = assessment.proposal_text(proposed, model)
    st.caption(f"The ticked statements give: **{given}**.")
    st.radio(
        f"Level for {dimension.name}",
        [0, *names],
        # labels that never change: a radio's choice travels as its label
        format_func=lambda n: "As the ticked statements give" if n == 0 else f"{n} {names[n]}",
        horizontal=True,
        key=data_assess.guided_level_key(dimension.id),
        on_change=data_assess.on_change,
        args=(ctx, "glevel", dimension.id),
    )
    if assessment.is_override(draft, dimension):
        st.text_input(
            "Why a different level than the ticked statements give? (required)",
            key=data_assess.reason_key(dimension.id),
            max_chars=assessment.REASON_MAX_CHARS,
            on_change=data_assess.on_change,
            args=(ctx, "reason", dimension.id),
        )
        if not answer.reason.strip():
            st.warning("Give a reason for this level, or tick the statements that fit.")


def dimension_block(ctx: FormContext, dimension_id: str) -> None:
    """One dimension's part of the form, drawn from the session's draft."""
    model = load_model()
    dimension = model.dimension(dimension_id)
    state = data_assess.form_state()
    if state is None or state.key != ctx.key:
        return
    draft = state.draft
    guided = bool(st.session_state.get(data_assess.GUIDED_KEY))
    with st.container(border=True):
        st.subheader(dimension.name)
        if guided:
            _statements(ctx, dimension)
        else:
            columns = st.columns(len(model.levels))
            for column, level in zip(columns, model.levels, strict=True):
                column.markdown(f"**{level.number} {level.name}**")
                column.markdown(dimension.descriptor(level.number))
        _level(ctx, dimension, draft, guided)
        left, right = st.columns([3, 1])
        left.text_area(
            f"Evidence for {dimension.name}",
            key=data_assess.evidence_key(dimension.id),
            max_chars=assessment.EVIDENCE_MAX_CHARS,
            height=100,
            on_change=data_assess.on_change,
            args=(ctx, "evidence", dimension.id),
            help="What shows this level: documents, systems, examples. " + TEXT_SAVED,
        )
        right.radio(
            f"Confidence in this level ({dimension.name})",
            list(assessment.CONFIDENCES),
            index=None,
            key=data_assess.confidence_key(dimension.id),
            on_change=data_assess.on_change,
            args=(ctx, "confidence", dimension.id),
        )


def form_body(ctx: FormContext, draft: assessment.Draft) -> None:
    """The whole form below its status line: the guided switch, progress, the answers at a
    glance, every strand's dimensions, and the pre-model checklist (the Assess page's form for
    the authority's return, the Responses page's for a respondent's own response)."""
    model = load_model()
    st.toggle(
        "Guided mode: tick the statements that describe your authority",
        key=data_assess.GUIDED_KEY,
        on_change=data_assess.on_change,
        args=(ctx, "guided"),
        help="The tool proposes the level whose statements, and those of every lower level, are "
        "all ticked. You may choose another level, with a reason.",
    )

    rated = len(model.dimensions) - len(assessment.missing_dimensions(draft, model))
    st.progress(
        rated / len(model.dimensions), text=f"{rated} of {len(model.dimensions)} dimensions rated"
    )
    with st.expander("Your answers at a glance", expanded=False):
        widgets.dataframe(
            assessment_tables.summary_table(draft, model), hide_index=True, width="stretch"
        )

    for strand in model.strands:
        st.header(strand.name)
        st.markdown(f"**Evidence to look for (MEASURES):** {strand.measures}")
        if strand.measures_incomplete:
            st.caption(
                "Most of this MEASURES line cannot be read in the published model; only these "
                "fragments are legible: " + " · ".join(strand.measures_fragments)
            )
        for dimension in strand.dimensions:
            dimension_block(ctx, dimension.id)

    st.header("Before you start: the pre-model checklist")
    st.caption(model.checklist_intro)
    for item in model.checklist:
        text, answer_col, note_col = st.columns([3, 1, 3])
        text.markdown(item.text)
        answer_col.radio(
            f"In place: {item.text}",
            list(data_assess.YES_NO),
            index=None,
            horizontal=True,
            key=data_assess.check_key(item.id),
            on_change=data_assess.on_change,
            args=(ctx, "check", item.id),
            label_visibility="collapsed",
        )
        note_col.text_input(
            f"Note on: {item.text}",
            key=data_assess.note_key(item.id),
            max_chars=assessment.NOTE_MAX_CHARS,
            on_change=data_assess.on_change,
            args=(ctx, "note", item.id),
            placeholder="Note (optional)",
            label_visibility="collapsed",
        )
