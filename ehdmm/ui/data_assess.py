"""Streamlit side of the Assess page: cached loaders, the assessment form's state (widget
keys, loading the draft into them, saving on every change, submitting), and what the page
shows of a draft and of the computed levels (the domain's functions it calls, named here so
that the page imports only `ehdmm.ui`).

The form's source of truth is the session's `Draft` (`form_state()`); each widget has a
stable key (`level_<dimension id>` and so on) whose value is set from the draft before the
widget is drawn: from the database in a new browser session, so a refresh, a closed tab or a
server restart loses nothing that was saved.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ehdmm import assessment, assessment_tables, wording
from ehdmm.analysis.core import Rank
from ehdmm.analysis.profile import escape_markdown
from ehdmm.model import Model, load_model
from ehdmm.storage import DatabaseBusy, StoreError, last_write_token
from ehdmm.ui import cache, form_io
from ehdmm.ui.form_io import CONFLICTS, FormContext

FORM_KEY = "assess_form"
NOTICES_KEY = "assess_notices"
PROBLEMS_KEY = "assess_problems"
SUBMITTED_KEY = "assess_submitted"
CONFIRM_KEY = "assess_confirm"  # the form whose submission awaits confirmation
ROUND_KEY = "assess_round"
ROUND_SEEN_KEY = "assess_round_sidebar"
GUIDED_KEY = "assess_guided"
_CHECKED_KEY = "assess_revision_checked"  # (form key, database token) of the last check
YES_NO = ("yes", "no")
PROFILE_PAGE = "pages/2_Authority_profile.py"


# ---------------------------------------------------------------------------------------------
# Cached loaders (db and token in every key: a write makes fresh entries)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def all_rounds(db: str, token: tuple[float, int]) -> list[str]:
    """Every round in the database, newest first."""
    return assessment.assessment_rounds(db)


# ---------------------------------------------------------------------------------------------
# Widget keys


def level_key(dimension_id: str) -> str:
    return f"level_{dimension_id}"


def guided_level_key(dimension_id: str) -> str:
    """The guided mode's level chooser: 0 is 'as the ticked statements give', 1-4 a level the
    user chose. The page never sets it while the user ticks (only the user does), so a click on
    its way from the browser is never undone by a value the page set."""
    return f"glevel_{dimension_id}"


def evidence_key(dimension_id: str) -> str:
    return f"evidence_{dimension_id}"


def confidence_key(dimension_id: str) -> str:
    return f"confidence_{dimension_id}"


def reason_key(dimension_id: str) -> str:
    return f"reason_{dimension_id}"


def tick_key(dimension_id: str, level: int, index: int) -> str:
    return f"tick_{dimension_id}_{level}_{index}"


def check_key(item_id: str) -> str:
    return f"check_{item_id}"


def note_key(item_id: str) -> str:
    return f"checknote_{item_id}"


def widget_values(draft: assessment.Draft, model: Model) -> dict[str, object]:
    """Every form widget's value for a draft, by widget key."""
    values: dict[str, object] = {GUIDED_KEY: draft.guided}
    for dimension in model.dimensions:
        answer = draft.answer(dimension.id)
        values[level_key(dimension.id)] = answer.level
        follows = assessment.follows(draft, dimension)
        values[guided_level_key(dimension.id)] = 0 if follows else answer.level
        values[evidence_key(dimension.id)] = answer.evidence
        values[confidence_key(dimension.id)] = answer.confidence
        values[reason_key(dimension.id)] = answer.reason
        for level, statements in dimension.statements.items():
            for index in range(len(statements)):
                values[tick_key(dimension.id, level, index)] = (level, index) in answer.ticks
    for item in model.checklist:
        answer = draft.checklist_answer(item.id)
        values[check_key(item.id)] = (
            None if answer.in_place is None else YES_NO[0] if answer.in_place else YES_NO[1]
        )
        values[note_key(item.id)] = answer.note
    return values


# ---------------------------------------------------------------------------------------------
# The form's state


@dataclass(frozen=True)
class FormState:
    key: tuple[str, str, str]
    draft: assessment.Draft
    unsaved: bool = False  # a save failed (database busy): the draft holds unsaved changes


def prepare_round(rounds: list[str], sidebar_round: str | None) -> None:
    """Set the 'Round to assess' chooser (`ROUND_KEY`) to the sidebar's round when the sidebar's
    round changed (or on first use); the user may then choose any round."""
    default = assessment.default_round(rounds, sidebar_round)
    if (
        st.session_state.get(ROUND_SEEN_KEY) != sidebar_round
        or st.session_state.get(ROUND_KEY) not in rounds
    ):
        st.session_state[ROUND_KEY] = default
    st.session_state[ROUND_SEEN_KEY] = sidebar_round


def _notify(kind: str, text: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append((kind, text))


def _install(draft: assessment.Draft, model: Model, *, overwrite: bool) -> None:
    for key, value in widget_values(draft, model).items():
        if overwrite or key not in st.session_state:
            st.session_state[key] = value


def _load(ctx: FormContext, model: Model) -> assessment.Draft:
    draft = form_io.read(ctx)
    _set_form(FormState(ctx.key, draft))
    _install(draft, model, overwrite=True)
    return draft


# The form's state is kept outside `st.session_state`: assigning to `st.session_state` is a
# point where Streamlit may stop a callback for a newer run, and a draft saved to the database
# whose new revision then never reached the session made the next change look like another
# window's (measured: ticks every 0.1 s in a browser lost ticks this way). A plain dictionary,
# by browser session, cannot be interrupted; the oldest sessions' forms are forgotten first
# (a forgotten form is loaded again from the database).
_FORMS: OrderedDict[str, FormState] = OrderedDict()
_FORMS_KEPT = 2000
_SESSION_KEY = "assess_session"


def _session() -> str:
    """This browser session's own key (kept in its session state; not Streamlit's session id,
    which one test harness gives every session)."""
    key = st.session_state.get(_SESSION_KEY)
    if key is None:
        key = uuid.uuid4().hex
        st.session_state[_SESSION_KEY] = key
    return key


def form_state() -> FormState | None:
    """This browser session's form state (None before the form is opened)."""
    session = _session()
    with _LOCKS_GUARD:
        return _FORMS.get(session)


def _set_form(state: FormState) -> None:
    session = _session()
    with _LOCKS_GUARD:
        _FORMS[session] = state
        _FORMS.move_to_end(session)
        while len(_FORMS) > _FORMS_KEPT:
            _FORMS.popitem(last=False)


# One browser session's form callbacks can run at the same time: when a tick arrives while the
# previous tick's run is still going, Streamlit may start the new run (and its callbacks) in a
# new thread before the old one has finished its own. Measured in a browser (ticks every 0.1 s):
# two callbacks saved from the same copy of the draft, one was refused as "changed in another
# window", and the form was reloaded without the ticks just made. Every read and write of the
# form's state holds the session's lock, so callbacks apply one after the other.
_LOCKS: OrderedDict[str, threading.RLock] = OrderedDict()  # as many kept as forms
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _form_lock() -> Iterator[None]:
    session = _session()
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(session, threading.RLock())
        _LOCKS.move_to_end(session)
        while len(_LOCKS) > _FORMS_KEPT:
            _LOCKS.popitem(last=False)
    with lock:
        yield


def _serialised(function: Callable) -> Callable:
    """Run under the session's form lock."""

    @functools.wraps(function)
    def locked(*args, **kwargs):
        with _form_lock():
            return function(*args, **kwargs)

    return locked


@cache.guarded
@_serialised
def open_form(ctx: FormContext, model: Model) -> FormState:
    """The form's state for the authority and round: loaded from the database when the page is
    opened in a new session, when the authority or round changed, or when another session
    saved since; otherwise the session's own, with any change the widgets hold that a callback
    did not get to save (see `_reconcile`). Widget keys are set before the widgets exist."""
    state: FormState | None = form_state()
    if state is None or state.key != ctx.key:
        _load(ctx, model)
        return form_state()
    if not state.unsaved:
        # The database file unchanged since the last look means no other session saved: skip
        # opening it (a connection per rerun is most of this page's own time).
        token = last_write_token(ctx.db)
        if st.session_state.get(_CHECKED_KEY) != (ctx.key, token):
            revision = form_io.revision(ctx)
            if revision != state.draft.revision:
                _load(ctx, model)
                _notify(
                    "info",
                    "This assessment was changed in another window or session: the form now "
                    "shows the latest saved version.",
                )
                return form_state()
            st.session_state[_CHECKED_KEY] = (ctx.key, token)
    _install(state.draft, model, overwrite=False)
    _reconcile(ctx, model)
    return form_state()


def draft_from_widgets(draft: assessment.Draft, model: Model) -> assessment.Draft:
    """The draft as the form's widgets show it: what the user did, whether or not each
    widget's callback ran to the end (Streamlit may stop a callback when a newer run starts)."""
    ss = st.session_state
    guided = bool(ss.get(GUIDED_KEY, draft.guided))
    out = replace(draft, guided=guided)
    for dimension in model.dimensions:
        answer = out.answer(dimension.id)
        ticks = {
            (level, index)
            for level, statements in dimension.statements.items()
            for index in range(len(statements))
            if ss.get(tick_key(dimension.id, level, index), (level, index) in answer.ticks)
        }
        if guided:
            chosen = ss.get(guided_level_key(dimension.id))
            chosen = chosen if chosen in model.level_names else 0
            # 'as the statements give' follows the ticks; with none ticked, a level chosen
            # before guided mode stands
            level = chosen or (
                assessment.proposed_level(dimension, ticks) if ticks else answer.level
            )
        else:
            level = ss.get(level_key(dimension.id), answer.level)
        changes = {
            "ticks": frozenset(ticks),
            "level": level,
            "evidence": ss.get(evidence_key(dimension.id), answer.evidence) or "",
            "confidence": ss.get(confidence_key(dimension.id), answer.confidence),
            "reason": ss.get(reason_key(dimension.id), answer.reason) or "",
        }
        if any(getattr(answer, k) != v for k, v in changes.items()):
            out = out.with_answer(dimension.id, **changes)
    for item in model.checklist:
        answer = out.checklist_answer(item.id)
        in_place = answer.in_place
        if check_key(item.id) in ss:
            shown = ss[check_key(item.id)]
            in_place = None if shown is None else shown == YES_NO[0]
        note = ss.get(note_key(item.id), answer.note) or ""
        if (in_place, note) != (answer.in_place, answer.note):
            out = out.with_checklist(item.id, in_place=in_place, note=note)
    return out


def _reconcile(ctx: FormContext, model: Model) -> None:
    """Save what the widgets hold when it differs from the session's draft (a callback that
    Streamlit stopped before it saved); only the guided-mode switch opens no draft."""
    state = form_state()
    wanted = draft_from_widgets(state.draft, model)
    if wanted == state.draft:
        return
    if wanted.submission_id is None and replace(wanted, guided=state.draft.guided) == state.draft:
        _set_form(replace(state, draft=wanted))  # only the switch: no draft yet
        return
    _save(ctx, wanted, model, "your latest changes")


def _save(ctx: FormContext, draft: assessment.Draft, model: Model, what: str) -> None:
    try:
        saved = form_io.write(ctx, draft, model)
    except CONFLICTS as exc:
        _load(ctx, model)
        _notify("warning", f"{exc} (Not saved: {what}.)")
    except DatabaseBusy as exc:
        _set_form(FormState(ctx.key, draft, unsaved=True))
        _notify(
            "error",
            f"Not saved: {exc} Your change ({what}) is kept in this window: press "
            "'Save the draft now' to try again.",
        )
    except ValueError as exc:
        _load(ctx, model)
        _notify("error", f"Not saved: {exc}.")
    else:
        _set_form(FormState(ctx.key, saved))


@_serialised
def on_change(
    ctx: FormContext, field: str, target: str = "", level: int = 0, index: int = 0
) -> None:
    """Widget callback: apply the changed widget's value to the draft and save it."""
    model = load_model()
    state: FormState | None = form_state()
    if state is None or state.key != ctx.key:
        return
    draft = state.draft
    ss = st.session_state
    what = field
    if field == "guided":
        draft = replace(draft, guided=bool(ss[GUIDED_KEY]))
        shown = "glevel_" if draft.guided else "level_"  # the level choosers now shown
        for key, value in widget_values(draft, model).items():
            if key.startswith(shown):
                ss[key] = value
        if draft.submission_id is None:  # a draft opens on the first real answer, not this
            _set_form(replace(state, draft=draft))
            return
        what = "guided mode"
    elif field == "glevel":
        dimension = model.dimension(target)
        chosen = ss.get(guided_level_key(target)) or 0
        ticks = draft.answer(target).ticks
        level = chosen or assessment.proposed_level(dimension, ticks)
        draft = draft.with_answer(target, level=level)
        what = f"level of {dimension.name}"
    elif field in ("level", "evidence", "confidence", "reason"):
        key = {
            "level": level_key,
            "evidence": evidence_key,
            "confidence": confidence_key,
            "reason": reason_key,
        }[field](target)
        value = ss.get(key)
        if field in ("evidence", "reason"):
            value = value or ""
        draft = draft.with_answer(target, **{field: value})
        what = f"{field} of {model.dimension(target).name}"
    elif field == "tick":
        ticks = set(draft.answer(target).ticks)
        if ss.get(tick_key(target, level, index)):
            ticks.add((level, index))
        else:
            ticks.discard((level, index))
        follow = not ss.get(guided_level_key(target))  # 0 or unset: as the statements give
        draft = assessment.follow_proposal(draft, model.dimension(target), ticks, follow=follow)
        what = f"a statement of {model.dimension(target).name}"
    elif field == "check":
        answer = ss.get(check_key(target))
        draft = draft.with_checklist(target, in_place=None if answer is None else answer == "yes")
        what = "a checklist answer"
    elif field == "note":
        draft = draft.with_checklist(target, note=ss.get(note_key(target)) or "")
        what = "a checklist note"
    _save(ctx, draft, model, what)


@_serialised
def save_now(ctx: FormContext) -> None:
    """Button callback: save the session's draft (what was typed in a box reaches the draft
    first: the box lost focus when the button was clicked), or say there is nothing to save."""
    state: FormState | None = form_state()
    if state is None or state.key != ctx.key:
        return
    _reconcile(ctx, load_model())
    state = form_state()
    draft = state.draft
    if (
        draft.submission_id is None
        and not state.unsaved
        and all(a.empty for a in draft.answers.values())
    ):
        _notify("info", "Nothing to save yet: the draft opens with your first answer.")
        return
    _save(ctx, draft, load_model(), "the draft")
    if not form_state().unsaved:
        _notify("success", "Draft saved.")


@_serialised
def ask_submit(ctx: FormContext) -> None:
    """Button callback: say what is still missing, or show what submitting would change and
    ask to confirm."""
    state: FormState | None = form_state()
    if state is None or state.key != ctx.key:
        return
    _reconcile(ctx, load_model())  # a change whose own callback was stopped counts too
    state = form_state()
    problems = assessment.submit_problems(state.draft, load_model())
    if problems:
        st.session_state[PROBLEMS_KEY] = (ctx.key, problems)
        st.session_state.pop(CONFIRM_KEY, None)
        return
    st.session_state[CONFIRM_KEY] = ctx.key


def cancel_submit(ctx: FormContext) -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def awaiting_confirmation(ctx: FormContext) -> bool:
    return st.session_state.get(CONFIRM_KEY) == ctx.key


def submit_preview(ctx: FormContext, draft: assessment.Draft) -> assessment_tables.SubmitPreview:
    if ctx.respondent_id is not None:  # a response is reviewed whole (the page shows it)
        return assessment_tables.SubmitPreview(
            False,
            "Once submitted, your response can no longer be changed, and you see the other "
            "respondents' submitted responses.",
        )
    return assessment_tables.submit_preview(ctx.db, ctx.viewer, draft, load_model())


@_serialised
def on_submit(ctx: FormContext) -> None:
    """Button callback: submit the draft; keep the problems, the conflict or the result for the
    page to show."""
    model = load_model()
    state: FormState | None = form_state()
    if state is None or state.key != ctx.key:
        return
    st.session_state.pop(CONFIRM_KEY, None)
    _reconcile(ctx, model)
    state = form_state()
    try:
        result = form_io.submit(ctx, state.draft, model)
    except assessment.SubmitUnchanged as exc:
        _notify("info", str(exc))
    except assessment.SubmitRefused as exc:
        st.session_state[PROBLEMS_KEY] = (ctx.key, exc.problems)
    except CONFLICTS as exc:
        _load(ctx, model)
        _notify("warning", str(exc))
    except (DatabaseBusy, StoreError) as exc:
        _notify("error", f"Not submitted: {exc}")
    else:
        st.session_state[SUBMITTED_KEY] = (ctx.key, result)
        _load(ctx, model)


def take(key: str, ctx: FormContext) -> object | None:
    """A one-off message for this form (problems or a submission), removed once taken."""
    value = st.session_state.get(key)
    if value is None or value[0] != ctx.key:
        return None
    del st.session_state[key]
    return value[1]


def show_notices() -> None:
    """Show (once) the notices the callbacks left: plain text, never markdown."""
    for kind, text in st.session_state.pop(NOTICES_KEY, []):
        {"info": st.info, "warning": st.warning, "error": st.error, "success": st.success}[kind](
            escape_markdown(text)
        )
        if kind in ("warning", "error"):  # also where the user is looking, far down the form
            st.toast(escape_markdown(text), icon="⚠️", duration="long")


def plain(text: str) -> str:
    """User or file text made safe to show in markdown-rendering elements (no HTML, links or
    emphasis)."""
    return escape_markdown(text)


def profile_link(label: str, query: dict[str, str]) -> None:
    """A link to the Authority profile page (a note where the page is not registered, as when
    a page runs on its own in tests)."""
    try:
        st.page_link(PROFILE_PAGE, label=label, icon="📊", query_params=query)
    except StreamlitPageNotFoundError:
        st.caption("Open the Authority profile page from the sidebar to see it among its peers.")


# ---------------------------------------------------------------------------------------------
# What the page shows of a draft and of the computed levels

NotAllowed = assessment.NotAllowed  # refused: the viewer may not assess this authority
NOTE_MAX_CHARS = assessment.NOTE_MAX_CHARS
can_assess = assessment.can_assess
missing_dimensions = assessment.missing_dimensions
submit_problems = assessment.submit_problems
draft_status = assessment_tables.draft_status
summary_table = assessment_tables.summary_table
has_levels = assessment_tables.has_levels
result_table = assessment_tables.result_table
index_text = assessment_tables.index_text


def rank_sentence(rank: Rank | None) -> str:
    """The authority's rank in its peer group in words, or why disclosure control hides it."""
    return wording.rank_words(rank).sentence
