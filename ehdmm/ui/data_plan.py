"""Streamlit side of the Plan page: the view kept per scope, and the plan's widgets saved as the
user goes.

Each action's widgets have stable keys (`plan_<action id>_<field>`). Their values are set from
the database when the session first draws them, so a new session, a refresh or a server
restart finds the plan as it was left. Every run of the page first saves what the widgets hold
(so a change is kept even when Streamlit stops a callback for a newer run), but only over the
version the widgets were loaded from: an action changed meanwhile in another session is
reloaded with a notice, never overwritten.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from ehdmm import plan_workbook, plans
from ehdmm.model import Model, load_model
from ehdmm.quoting import shown
from ehdmm.storage import StoreError, last_write_token
from ehdmm.ui import cache, data
from ehdmm.ui.state import Selection
from ehdmm.views import plan as plan_views
from ehdmm.views.plan import ActionRow, DimensionPlan, PlanView
from ehdmm.views.scope import Scope

FIELDS = ("title", "statements", "owner", "due", "status", "note")
NOTICES_KEY = "plan_notices"
UPLOAD_KEY = "plan_upload"


@cache.cached
def _view(scope: Scope) -> PlanView:
    return plan_views.build(scope, data.of(scope))


def plan_view(sel: Selection) -> PlanView:
    """The plan of the chosen authority (a plain message and a stop for a viewer who may not
    read it)."""
    try:
        return _view(sel.scope)
    except plans.NotAllowed as exc:
        st.info(str(exc))
        st.stop()
        raise


def fresh_view(sel: Selection) -> PlanView:
    """The plan as the database holds it now (after this run's saves)."""
    return _view(replace(sel.scope, token=last_write_token(sel.db)))


def key(action_id: int | str, field: str) -> str:
    return f"plan_{action_id}_{field}"


def statement_labels(model: Model, dimension_id: str) -> dict[str, str]:
    """Every statement of a dimension -> its label ('Maturing: <the model's words>')."""
    dim = model.dimension(dimension_id)
    return {
        text: f"{model.level_names[n]}: {text}"
        for n, texts in sorted(dim.statements.items())
        for text in texts
    }


def statement_labels_for(dim: DimensionPlan) -> list[str]:
    """The options of an action's statements: every statement of the dimension, labelled."""
    return list(statement_labels(load_model(), dim.dimension_id).values())


def next_labels(dim: DimensionPlan) -> list[str]:
    """The options of a new action: the statements of the levels above the current one."""
    return list(dim.statements)


def _stored(action: ActionRow, labels: dict[str, str]) -> tuple[object, ...]:
    """An action's stored values as its widgets hold them."""
    return (
        action.title,
        [labels[s] for s in action.statements if s in labels],
        action.owner,
        action.due,
        action.status,
        action.note,
    )


def _held(action_id: int) -> tuple[object, ...] | None:
    state = st.session_state
    if any(key(action_id, f) not in state for f in FIELDS):
        return None
    return tuple(state[key(action_id, f)] for f in FIELDS)


def _load(action_id: int, values: tuple[object, ...]) -> None:
    for field, value in zip(FIELDS, values, strict=True):
        st.session_state[key(action_id, field)] = value
    st.session_state[key(action_id, "base")] = values


def notices() -> list[tuple[str, str]]:
    return st.session_state.setdefault(NOTICES_KEY, [])


def _actor(sel: Selection) -> str:
    return sel.viewer.name


def _save_held(sel: Selection, model: Model, dim: DimensionPlan, action: ActionRow, held) -> None:
    by_label = {label: text for text, label in statement_labels(model, dim.dimension_id).items()}
    title, chosen, owner, due, status, note = held
    try:
        checked = plans.Action.checked(
            model,
            dim.dimension_id,
            title,
            [by_label[c] for c in chosen if c in by_label],
            owner,
            due.isoformat() if isinstance(due, date) else due,
            status,
            note,
        )
        plans.save_action(sel.db, sel.viewer, _actor(sel), sel.authority, checked, action.action_id)
    except plans.PlanError as exc:
        notices().append(("error", f"{dim.name}, action {shown_title(action)}: {exc}. Not saved."))
        return
    except (plans.NotAllowed, StoreError) as exc:
        notices().append(("error", f"{dim.name}: {exc}"))
        return
    st.session_state[key(action.action_id, "base")] = held


def shown_title(action: ActionRow) -> str:
    return f"'{action.title[:60]}'"


def _conflict(dim: DimensionPlan, action: ActionRow, held, base) -> str:
    """What a session typed over a version changed meanwhile elsewhere: said, not kept."""
    typed = [
        f"{field} {shown(value)}"
        for field, value, was in zip(FIELDS, held, base or (None,) * len(FIELDS), strict=True)
        if value != was
    ]
    return (
        f"{dim.name}: {shown_title(action)} was changed in another session meanwhile and is "
        f"shown as it is now; your change was not saved ({'; '.join(typed)}): enter it again "
        "if it still applies."
    )


def sync(sel: Selection, view: PlanView) -> bool:
    """Save what each action's widgets hold over the version they were loaded from; load the
    stored values into widgets drawn for the first time (or changed elsewhere). True when
    something was saved."""
    model = load_model()
    saved = False
    for dim in view.dimensions:
        labels = statement_labels(model, dim.dimension_id)
        for action in dim.actions:
            stored = _stored(action, labels)
            held = _held(action.action_id)
            base = st.session_state.get(key(action.action_id, "base"))
            if held is None or held == stored:
                _load(action.action_id, stored)
            elif base == stored and view.editable:
                _save_held(sel, model, dim, action, held)
                saved = True
            elif base != stored:
                _load(action.action_id, stored)
                notices().append(("warning", _conflict(dim, action, held, base)))
    return saved


def set_target(sel: Selection, dim: DimensionPlan, level: object, target_round: str) -> None:
    try:
        done = plans.set_target(
            sel.db, sel.viewer, _actor(sel), sel.authority, dim.dimension_id, level, target_round
        )
    except (plans.PlanError, plans.NotAllowed, StoreError) as exc:
        notices().append(("error", f"{dim.name}: target not saved: {exc}"))
        return
    names = load_model().level_names
    notices().append(
        ("success", f"{dim.name}: target saved ({names[done.level]} by {done.target_round}).")
    )


def withdraw_target(sel: Selection, dim: DimensionPlan) -> None:
    try:
        plans.withdraw_target(sel.db, sel.viewer, _actor(sel), sel.authority, dim.dimension_id)
    except (plans.NotAllowed, StoreError) as exc:
        notices().append(("error", f"{dim.name}: {exc}"))
        return
    notices().append(("success", f"{dim.name}: target withdrawn (kept in the history)."))


def new_key(dimension_id: str, field: str) -> str:
    return f"plan_new_{dimension_id}_{field}"


def add_action(sel: Selection, dim: DimensionPlan) -> None:
    """Save the 'add an action' form of a dimension; its fields are cleared once saved, kept
    (with the message) when refused."""
    state = st.session_state
    model = load_model()
    by_label = {label: text for text, label in statement_labels(model, dim.dimension_id).items()}
    due = state.get(new_key(dim.dimension_id, "due"))
    try:
        checked = plans.Action.checked(
            model,
            dim.dimension_id,
            state.get(new_key(dim.dimension_id, "title")),
            [by_label[c] for c in state.get(new_key(dim.dimension_id, "statements"), [])],
            state.get(new_key(dim.dimension_id, "owner")),
            due.isoformat() if isinstance(due, date) else None,
            state.get(new_key(dim.dimension_id, "status"), "planned"),
            state.get(new_key(dim.dimension_id, "note")),
        )
        plans.save_action(sel.db, sel.viewer, _actor(sel), sel.authority, checked)
    except (plans.PlanError, plans.NotAllowed, StoreError) as exc:
        notices().append(("error", f"{dim.name}: action not added: {exc}"))
        return
    for field in FIELDS:
        state.pop(new_key(dim.dimension_id, field), None)
    notices().append(("success", f"{dim.name}: action added."))


def workbook(view: PlanView) -> bytes:
    return plan_workbook.workbook_bytes(view.plan, view.name)


def read_upload(sel: Selection, name: str, content: bytes) -> plan_workbook.PlanFile:
    return plan_workbook.read_plan_file(sel.db, sel.viewer, content, name, load_model())


def changes_of(result: plan_workbook.PlanFile) -> plans.PlanChanges:
    return plans.plan_changes(result.plans_read, result.targets, result.actions)


def apply_upload(sel: Selection, result: plan_workbook.PlanFile) -> None:
    changes = changes_of(result)
    try:
        plans.apply_changes(
            sel.db, _actor(sel), result.plans_read, changes, result.file_name, load_model()
        )
    except StoreError as exc:
        notices().append(("error", str(exc)))
        return
    # the widgets are reloaded from the database on the next run
    for name in [k for k in st.session_state if str(k).startswith("plan_") and k != UPLOAD_KEY]:
        del st.session_state[name]
    notices().append(("success", f"{result.file_name}: imported ({changes.summary()})."))
