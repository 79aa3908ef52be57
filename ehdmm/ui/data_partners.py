"""Streamlit side of the Responses and Consensus pages: their views kept per database state,
and the callbacks (invite, copy forward, set and submit the consensus), each leaving a plain
message for the page to show once."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from ehdmm import consensus, responses
from ehdmm.analysis import spread
from ehdmm.assessment import NotAllowed, SubmitUnchanged
from ehdmm.export import review
from ehdmm.model import load_model
from ehdmm.storage import DatabaseBusy, StoreError
from ehdmm.ui import cache, data_assess, roles, widgets
from ehdmm.ui.data_assess import FormContext
from ehdmm.viewer import Viewer
from ehdmm.views import partners
from ehdmm.views.partners import ConsensusView, ResponsesView

ENTRY_KEY = "responses_entry"
MESSAGES_KEY = "partners_messages"
CONFIRM_KEY = "consensus_confirm"
INVITE_KEYS = ("invite_name", "invite_role", "invite_email")


def consensus_level_key(dimension_id: str) -> str:
    return f"consensus_level_{dimension_id}"


def consensus_reason_key(dimension_id: str) -> str:
    return f"consensus_reason_{dimension_id}"


@cache.cached
def responses_view(
    db: str, token: tuple[float, int], viewer: Viewer, chosen_id: int | None
) -> ResponsesView:
    return partners.responses_view(db, viewer, chosen_id, load_model())


@cache.cached
def consensus_view(
    db: str, token: tuple[float, int], viewer: Viewer, authority: str, round_id: str | None
) -> ConsensusView:
    return partners.consensus_view(db, viewer, authority, round_id, load_model())


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, text))


def messages() -> list[tuple[str, str]]:
    """The callbacks' messages, once (kind: success, info, warning, error; plain text)."""
    return st.session_state.pop(MESSAGES_KEY, [])


def form_context(db: str, viewer: Viewer, entry: responses.Respondent) -> FormContext:
    return FormContext(
        db, viewer, entry.authority_code, entry.round_id, viewer.name, respondent_id=entry.id
    )


# -- callbacks ------------------------------------------------------------------------------


def on_invite(db: str, viewer: Viewer, authority: str, round_id: str) -> None:
    """Invite the respondent the invitation form holds; its boxes are cleared when done."""
    name, role, email = (st.session_state.get(k) or "" for k in INVITE_KEYS)
    try:
        made = responses.invite(
            db, viewer, authority, round_id, name=name, role_label=role, email=email or None
        )
    except (ValueError, NotAllowed, DatabaseBusy, StoreError) as exc:
        _say("error", f"Not invited: {exc}.")
        return
    for key in INVITE_KEYS:
        st.session_state[key] = ""
    _say("success", f"Invited {made.label} for round {round_id}.")


def on_copy_forward(db: str, viewer: Viewer, respondent_id: int) -> None:
    try:
        responses.copy_forward(db, viewer, respondent_id, actor=viewer.name)
    except (ValueError, NotAllowed, DatabaseBusy, StoreError) as exc:
        _say("error", f"Nothing copied: {exc}.")
        return
    _say("success", "Started from the previous round: check and update every answer.")


def start_levels(view: ConsensusView) -> None:
    """Set the consensus level boxes to the respondents' medians where the user has not
    chosen yet (a box the user set keeps its value)."""
    for dimension_id, median in view.medians.items():
        key = consensus_level_key(dimension_id)
        if key not in st.session_state:
            st.session_state[key] = median


COPIED_KEY = "consensus_copied"


def on_copy_consensus(view: ConsensusView) -> None:
    """Set the level boxes to the previous round's return (marked as copied; a level that
    differs from this round's median then needs a reason)."""
    if view.previous is None:
        return
    round_id, levels = view.previous
    for dimension_id, level in levels.items():
        st.session_state[consensus_level_key(dimension_id)] = level
    st.session_state[COPIED_KEY] = (view.authority_code, view.round_id, round_id)
    _say("info", f"Levels copied from the return of round {round_id}: check each one.")


def copied_from(view: ConsensusView) -> str | None:
    found = st.session_state.get(COPIED_KEY)
    if found and found[:2] == (view.authority_code, view.round_id):
        return found[2]
    return None


def chosen() -> tuple[dict[str, int | None], dict[str, str]]:
    model = load_model()
    levels = {d.id: st.session_state.get(consensus_level_key(d.id)) for d in model.dimensions}
    reasons = {
        d.id: st.session_state.get(consensus_reason_key(d.id)) or "" for d in model.dimensions
    }
    return levels, reasons


def ask_consensus(view: ConsensusView) -> None:
    levels, reasons = chosen()
    found = consensus.problems(levels, reasons, view.medians, load_model())
    if found:
        _say("error", "Not submitted. " + " ".join(found))
        st.session_state.pop(CONFIRM_KEY, None)
        return
    st.session_state[CONFIRM_KEY] = (view.authority_code, view.round_id)


def awaiting(view: ConsensusView) -> bool:
    return st.session_state.get(CONFIRM_KEY) == (view.authority_code, view.round_id)


def cancel_consensus() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def on_consensus(db: str, viewer: Viewer, authority: str, round_id: str) -> None:
    st.session_state.pop(CONFIRM_KEY, None)
    levels, reasons = chosen()
    try:
        made = consensus.submit_consensus(db, viewer, authority, round_id, levels, reasons)
    except SubmitUnchanged as exc:
        _say("info", str(exc))
    except (ValueError, NotAllowed, DatabaseBusy, StoreError, RuntimeError) as exc:
        _say("error", str(exc))
    else:
        superseded = (
            " It supersedes the previous submission, which is kept in the history."
            if made.superseded_id
            else ""
        )
        _say(
            "success",
            f"Consensus submitted at {made.submitted_at:%H:%M on %d %B %Y}: it is now the "
            f"authority's return for round {round_id}.{superseded}",
        )


# -- review summaries -----------------------------------------------------------------------


def response_review(entry: responses.Respondent, draft, authority_name: str) -> review.Review:
    levels, checklist = partners.review_tables(draft, load_model())
    state = (
        f"Submitted at {entry.submitted_at:%H:%M on %d %B %Y}."
        if entry.submitted and entry.submitted_at
        else "Not submitted yet (a draft)."
    )
    return review.Review(
        f"Response of {entry.name} ({entry.role_label})",
        (
            f"{authority_name}, round {entry.round_id}: a respondent's own self-assessment, one "
            "of the views the authority's consensus draws on.",
            state,
            f"Made {datetime.now():%d %B %Y}.",
        ),
        (("Levels, reasons and evidence", levels), ("Pre-model checklist", checklist)),
        entry.round_id,
    )


def consensus_review(view: ConsensusView, authority_name: str) -> review.Review:
    levels, reasons = chosen()
    model = load_model()
    rows = [
        {
            "Dimension": d.name,
            "Respondents' median": "" if view.medians.get(d.id) is None else view.medians[d.id],
            "Level set": levels.get(d.id) or "",
            "Reason": reasons.get(d.id, ""),
        }
        for d in model.dimensions
    ]
    tables = [("The consensus", pd.DataFrame(rows))]
    if view.others is not None:
        tables.append(("Spread of the respondents' levels", view.others.spread))
    return review.Review(
        f"Consensus of {authority_name}, round {view.round_id}",
        (
            f"Drawn from {view.submitted} submitted response(s) of {view.invited} invited. "
            + spread_rule_text(),
            f"Made {datetime.now():%d %B %Y}.",
        ),
        tuple(tables),
        view.round_id or "",
    )


def spread_rule_text() -> str:
    return f"{spread.MEDIAN_RULE} {spread.FLAG_RULE}"


def review_downloads(summary: review.Review, parts: list[str], key: str) -> None:
    """Download buttons for the review summary as PDF and Word (made when clicked, and each
    download in the audit log). `parts[0]` is the authority's code."""
    left, right = st.columns(2)
    for column, fmt, label in ((left, "pdf", "PDF"), (right, "docx", "Word")):
        name = review.review_file_name(parts, fmt)
        column.download_button(
            f"Review summary ({label})",
            data=widgets.audited(
                lambda fmt=fmt: review.review_bytes(summary, fmt), name, (parts[0],)
            ),
            file_name=name,
            key=f"{key}_{fmt}",
            on_click="ignore",
        )


def submitted_draft(db: str, token: tuple[float, int], viewer: Viewer, entry: responses.Respondent):
    """The respondent's own submitted response (read-only), as the form's draft, read once per
    database state; the form's one-off 'submitted' message is taken here (the page shows its
    own)."""
    data_assess.take(data_assess.SUBMITTED_KEY, form_context(db, viewer, entry))
    return _response(db, token, viewer, entry.id)


@cache.cached
def _response(db: str, token: tuple[float, int], viewer: Viewer, respondent_id: int):
    return responses.load_response(db, viewer, respondent_id)


@cache.cached
def contested_view(
    db: str, token: tuple[float, int], viewer: Viewer, round_id: str | None
) -> partners.ContestedView:
    return partners.contested_view(db, viewer, round_id, load_model())


def suppressed_note() -> None:
    roles.suppressed_note()
