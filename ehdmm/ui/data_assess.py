"""Streamlit side of the Assess, Upload and History pages: cached loaders, and the assessment
form's state (widget keys, loading the draft into them, saving on every change, submitting).

The form's source of truth is the `Draft` in session state (`FORM_KEY`); each widget has a
stable key (`level_<dimension id>` and so on) whose value is set from the draft before the
widget is drawn: from the database in a new browser session, so a refresh, a closed tab or a
server restart loses nothing that was saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ehdmm import assessment, upload
from ehdmm.analysis.profile import escape_markdown
from ehdmm.importer import max_import_bytes
from ehdmm.model import Model, load_model
from ehdmm.storage import DatabaseBusy, StoreError, last_write_token
from ehdmm.ui import cache
from ehdmm.ui.state import Selection
from ehdmm.viewer import Viewer

FORM_KEY = "assess_form"
NOTICES_KEY = "assess_notices"
PROBLEMS_KEY = "assess_problems"
SUBMITTED_KEY = "assess_submitted"
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


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def history(db: str, token: tuple[float, int], viewer: Viewer, authority: str) -> pd.DataFrame:
    return assessment.history(db, viewer, authority)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=128)
def submission_ratings(
    db: str, token: tuple[float, int], viewer: Viewer, ids: tuple[int, ...]
) -> pd.DataFrame:
    return assessment.submission_ratings(db, viewer, list(ids))


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def import_log(db: str, token: tuple[float, int]) -> pd.DataFrame:
    return upload.import_log(db)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def database_rounds(db: str, token: tuple[float, int], viewer: Viewer) -> pd.DataFrame:
    return upload.database_rounds(db, viewer)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=32)
def preview(
    db: str,
    token: tuple[float, int],
    file_name: str,
    data: bytes,
    round_id: str | None,
    create_round: bool,
) -> upload.Preview:
    return upload.preview(db, file_name, data, round_id=round_id, create_round=create_round)


@cache.guarded
@st.cache_data(show_spinner=False)
def template_files() -> list[upload.Template]:
    return upload.template_files()


def upload_limit_bytes() -> int:
    """The smaller of ehdmm's import limit and Streamlit's own upload limit."""
    streamlit_limit = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    return min(max_import_bytes(), streamlit_limit)


# ---------------------------------------------------------------------------------------------
# Widget keys


def level_key(dimension_id: str) -> str:
    return f"level_{dimension_id}"


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
class FormContext:
    """Where the form writes: database, viewer, authority, round, and who is writing."""

    db: str
    viewer: Viewer
    authority_code: str
    round_id: str
    actor: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.db, self.authority_code, self.round_id)


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
    draft = assessment.load_draft(ctx.db, ctx.viewer, ctx.authority_code, ctx.round_id)
    st.session_state[FORM_KEY] = FormState(ctx.key, draft)
    _install(draft, model, overwrite=True)
    return draft


@cache.guarded
def open_form(ctx: FormContext, model: Model) -> FormState:
    """The form's state for the authority and round: loaded from the database when the page is
    opened in a new session, when the authority or round changed, or when another session
    saved since; otherwise the session's own. Widget keys are set before the widgets exist."""
    state: FormState | None = st.session_state.get(FORM_KEY)
    if state is None or state.key != ctx.key:
        _load(ctx, model)
    elif not state.unsaved:
        # The database file unchanged since the last look means no other session saved: skip
        # opening it (a connection per rerun is most of this page's own time).
        token = last_write_token(ctx.db)
        if st.session_state.get(_CHECKED_KEY) == (ctx.key, token):
            _install(state.draft, model, overwrite=False)
            return st.session_state[FORM_KEY]
        revision = assessment.current_revision(ctx.db, ctx.viewer, ctx.authority_code, ctx.round_id)
        st.session_state[_CHECKED_KEY] = (ctx.key, token)
        if revision != state.draft.revision:
            _load(ctx, model)
            _notify(
                "info",
                "This assessment was changed in another window or session: the form now shows "
                "the latest saved version.",
            )
        else:
            _install(state.draft, model, overwrite=False)
    else:
        _install(state.draft, model, overwrite=False)
    return st.session_state[FORM_KEY]


def _save(ctx: FormContext, draft: assessment.Draft, model: Model, what: str) -> None:
    try:
        saved = assessment.save_draft(ctx.db, ctx.viewer, draft, actor=ctx.actor, model=model)
    except assessment.DraftConflict as exc:
        _load(ctx, model)
        _notify("warning", f"{exc} (Not saved: {what}.)")
    except DatabaseBusy as exc:
        st.session_state[FORM_KEY] = FormState(ctx.key, draft, unsaved=True)
        _notify(
            "error",
            f"Not saved: {exc} Your change ({what}) is kept in this window: press "
            "'Save the draft now' to try again.",
        )
    except ValueError as exc:
        _load(ctx, model)
        _notify("error", f"Not saved: {exc}.")
    else:
        st.session_state[FORM_KEY] = FormState(ctx.key, saved)


def on_change(
    ctx: FormContext, field: str, target: str = "", level: int = 0, index: int = 0
) -> None:
    """Widget callback: apply the changed widget's value to the draft and save it."""
    model = load_model()
    state: FormState | None = st.session_state.get(FORM_KEY)
    if state is None or state.key != ctx.key:
        return
    draft = state.draft
    ss = st.session_state
    what = field
    if field == "guided":
        draft = replace(draft, guided=bool(ss[GUIDED_KEY]))
        what = "guided mode"
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
        draft = assessment.follow_proposal(draft, model.dimension(target), ticks)
        ss[level_key(target)] = draft.answer(target).level
        what = f"a statement of {model.dimension(target).name}"
    elif field == "check":
        answer = ss.get(check_key(target))
        draft = draft.with_checklist(target, in_place=None if answer is None else answer == "yes")
        what = "a checklist answer"
    elif field == "note":
        draft = draft.with_checklist(target, note=ss.get(note_key(target)) or "")
        what = "a checklist note"
    _save(ctx, draft, model, what)


def save_now(ctx: FormContext) -> None:
    """Button callback: save the session's draft again (after a failed save)."""
    state: FormState | None = st.session_state.get(FORM_KEY)
    if state is not None and state.key == ctx.key:
        _save(ctx, state.draft, load_model(), "the draft")


def on_submit(ctx: FormContext) -> None:
    """Button callback: submit the draft; keep the problems, the conflict or the result for the
    page to show."""
    model = load_model()
    state: FormState | None = st.session_state.get(FORM_KEY)
    if state is None or state.key != ctx.key:
        return
    try:
        result = assessment.submit(ctx.db, ctx.viewer, state.draft, actor=ctx.actor, model=model)
    except assessment.SubmitRefused as exc:
        st.session_state[PROBLEMS_KEY] = (ctx.key, exc.problems)
    except assessment.DraftConflict as exc:
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


# -- built sections of the History page (see `ehdmm.ui.cache`) ------------------------------------


@dataclass(frozen=True)
class History:
    frame: pd.DataFrame  # every submission and draft of the authority (empty: none)
    table: pd.DataFrame
    labels: dict[int, str]  # submission id -> label for the pickers
    default_pair: tuple[int, int] | None  # (older, newer) to compare first


@cache.cached
def history_view(sel: Selection) -> History:
    """The authority's submissions for people, and the pickers' choices."""
    frame = history(sel.db, sel.token, sel.viewer, sel.authority)
    if frame.empty:
        return History(frame, frame, {}, None)
    labels = assessment.submission_labels(frame)
    pair = assessment.default_pair(frame, sel.round_id) if len(labels) >= 2 else None
    return History(frame, assessment.history_table(frame), labels, pair)


@cache.cached
def history_diff(sel: Selection, first: int, second: int) -> tuple[pd.DataFrame, str]:
    """Two submissions' ratings side by side, and a sentence saying how many differ."""
    model = load_model()
    ratings = submission_ratings(sel.db, sel.token, sel.viewer, (first, second))
    diff = assessment.diff_table(
        assessment.ratings_of(ratings, first), assessment.ratings_of(ratings, second), model
    )
    return diff, assessment.diff_summary(diff, len(model.dimensions))
