"""The Plan page's widgets: a dimension's target form, an action's fields (saved as the user
goes, see `ehdmm.ui.data_plan`) and the form that adds an action. User text is drawn in
widgets and `st.text`, never as markdown."""

from __future__ import annotations

import streamlit as st

from ehdmm import plans
from ehdmm.ui import data_plan, widgets
from ehdmm.ui.state import Selection
from ehdmm.views.plan import ActionRow, DimensionPlan, PlanView

STATUSES = plans.STATUSES


def target_form(sel: Selection, view: PlanView, dim: DimensionPlan) -> None:
    """The target level and round of a dimension, saved by a button (and withdrawn by one)."""
    levels = list(dim.target_levels)
    with st.form(f"plan_target_form_{dim.dimension_id}", border=False):
        left, right = st.columns(2)
        level = left.selectbox(
            "Target level",
            levels,
            index=levels.index(dim.target_level) if dim.target_level in levels else 0,
            format_func=lambda n: f"{n} {view.level_names[n]}",
            key=f"plan_target_level_{dim.dimension_id}",
        )
        by = right.text_input(
            "By round (YYYY-MM)",
            value=dim.target_round or "",
            key=f"plan_target_round_{dim.dimension_id}",
        )
        if st.form_submit_button("Save the target"):
            data_plan.set_target(sel, dim, level, by)
            st.rerun()
    if dim.target_level is not None and st.button(
        "Withdraw the target", key=f"plan_withdraw_{dim.dimension_id}"
    ):
        data_plan.withdraw_target(sel, dim)
        st.rerun()


def action_fields(view: PlanView, dim: DimensionPlan, action: ActionRow) -> None:
    """An action: its fields to edit (their values come from the session, loaded from the
    database), or its values as plain text for a reader."""
    aid = action.action_id
    label = f"{widgets.plain(action.title)} ({action.status})"  # a user's words: plain text
    with st.expander(label, expanded=view.editable):
        if not view.editable:
            st.text(f"Works towards: {' / '.join(action.statements)}")
            st.text(f"Owner: {action.owner or '–'} · due: {action.due or '–'}")
            if action.note:
                st.text(f"Note: {action.note}")
            return
        st.text_input("Title", key=data_plan.key(aid, "title"))
        st.multiselect(
            "Works towards (the model's statements)",
            data_plan.statement_labels_for(dim),
            key=data_plan.key(aid, "statements"),
        )
        a, b, c = st.columns(3)
        a.text_input("Owner (a role)", key=data_plan.key(aid, "owner"))
        b.date_input("Due", key=data_plan.key(aid, "due"), format="YYYY-MM-DD")
        c.selectbox("Status", STATUSES, key=data_plan.key(aid, "status"))
        st.text_area("Note", key=data_plan.key(aid, "note"), height=68)


def new_action_form(sel: Selection, dim: DimensionPlan) -> None:
    """Add an action to a dimension (kept with the message when refused)."""
    new = data_plan.new_key
    d = dim.dimension_id
    with st.expander("Add an action"), st.form(f"plan_new_form_{d}", border=False):
        st.text_input("Title", key=new(d, "title"))
        st.multiselect(
            "Works towards (the model's statements)",
            data_plan.next_labels(dim),
            key=new(d, "statements"),
        )
        a, b, c = st.columns(3)
        a.text_input("Owner (a role)", key=new(d, "owner"))
        b.date_input("Due", value=None, key=new(d, "due"), format="YYYY-MM-DD")
        c.selectbox("Status", STATUSES, key=new(d, "status"))
        st.text_area("Note", key=new(d, "note"))
        st.form_submit_button("Add the action", on_click=data_plan.add_action, args=(sel, dim))


def dimension(sel: Selection, view: PlanView, dim: DimensionPlan) -> None:
    """One dimension of the plan: level, target (and its form), actions."""
    with st.container(border=True):
        st.subheader(dim.name)
        st.text(f"Level now: {dim.level_name} · target: {dim.target_text}")
        if view.editable and dim.target_levels:
            target_form(sel, view, dim)
        for action in dim.actions:
            action_fields(view, dim, action)
        if view.editable:
            new_action_form(sel, dim)


def upload(sel: Selection) -> None:
    """Import a plan workbook: checked, previewed, then written on confirmation."""
    file = st.file_uploader(
        "Import a plan (XLSX with a Targets and/or an Actions sheet)",
        type=["xlsx"],
        key=data_plan.UPLOAD_KEY,
    )
    if file is None:
        return
    result = data_plan.read_upload(sel, file.name, file.getvalue())
    if not result.ok:
        st.error("This file cannot be imported; nothing was written:")
        st.text("\n".join(str(p) for p in result.problems))
        return
    changes = data_plan.changes_of(result)
    st.text(f"Importing it would write: {changes.summary()}.")
    if not changes.empty:
        st.button(
            "Import the plan",
            on_click=data_plan.apply_upload,
            args=(sel, result),
            key="plan_import",
        )
