"""Several respondents per authority and round: invitations, each respondent's own response
(the same form as a return: levels, guided statements, evidence, confidence, checklist), copy
forward from the previous round, and who may see which response.

Who sees what:
- a respondent sees and edits only their own response, and sees the others' (submitted ones)
  only once they have submitted theirs, so views are not anchored on the first answer;
- the authority's lead (an authority user with the lead flag) invites respondents and sees
  every response of the authority;
- the national team sees counts (invited, submitted) and the consensus, not the responses;
- in local mode (no sign-in) the local user acts as lead and as any respondent, so the workflow
  can be tried on the demo.

Every invitation and response submission is in the audit log, written in the same transaction.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

from ehdmm import assessment
from ehdmm.access import EMAIL
from ehdmm.assessment import Draft, NotAllowed, SubmitRefused
from ehdmm.model import Model, load_model
from ehdmm.storage import access as access_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import drafts as drafts_sql
from ehdmm.storage import reference as ref
from ehdmm.storage import responses as sql
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
NAME_MAX_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ResponseConflict(RuntimeError):
    """This copy of the response is out of date (saved elsewhere since). Nothing was written."""


@dataclass(frozen=True)
class Respondent:
    id: int
    authority_code: str
    round_id: str
    email: str | None
    name: str
    role_label: str
    status: str  # 'not started', 'draft' or 'submitted'
    copied_from: str | None = None
    submitted_at: datetime | None = None

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def label(self) -> str:
        """'Ann Smith (Police)'."""
        return f"{self.name} ({self.role_label})"


def _respondent(row: dict | pd.Series) -> Respondent:
    def opt(key: str) -> object | None:
        value = row[key]
        return None if value is None or pd.isna(value) else value

    return Respondent(
        id=int(row["id"]),
        authority_code=str(row["authority_code"]),
        round_id=str(row["round_id"]),
        email=opt("email"),
        name=str(row["name"]),
        role_label=str(row["role_label"]),
        status=str(row["status"]),
        copied_from=opt("copied_from"),
        submitted_at=opt("submitted_at"),
    )


# ---------------------------------------------------------------------------------------------
# Roles


def is_lead(db: Db, viewer: Viewer, authority_code: str) -> bool:
    """True when the viewer leads the authority's assessment: an authority user of it with the
    lead flag, or the local user of an install without sign-in."""
    if viewer.local:
        return True
    if viewer.role != "authority" or viewer.authority_code != authority_code or not viewer.email:
        return False
    with connect(db) as conn:
        return sql.is_lead(conn, viewer.email, authority_code)


def sees_responses(db: Db, viewer: Viewer, authority_code: str) -> bool:
    """True when the viewer may see every response of the authority (its lead)."""
    return is_lead(db, viewer, authority_code)


# ---------------------------------------------------------------------------------------------
# Invitations


def _clean_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValueError(f"the respondent's {what} is empty")
    if len(text) > NAME_MAX_CHARS:
        raise ValueError(f"the respondent's {what} is over {NAME_MAX_CHARS} characters")
    if _CONTROL.search(text):
        raise ValueError(f"the respondent's {what} holds a control character")
    return text


def invite(
    db: Db,
    viewer: Viewer,
    authority_code: str,
    round_id: str,
    *,
    name: str,
    role_label: str,
    email: str | None = None,
    actor: str | None = None,
) -> Respondent:
    """Invite a respondent (the lead only). With sign-in an email is required (the respondent
    signs in with it); in local mode a named entry is enough. ValueError, with nothing written,
    on an email that is not one, an empty or over-long name or role label, or a respondent
    already invited (the same email, or without email the same name) for the round."""
    if not is_lead(db, viewer, authority_code):
        raise NotAllowed("only the authority's lead invites respondents")
    name = _clean_text(name, "name")
    role_label = _clean_text(role_label, "role label")
    address = (email or "").strip().lower() or None
    if address is not None and not EMAIL.match(address):
        raise ValueError(f"'{address[:80]}' is not an email address")
    if address is None and not viewer.local:
        raise ValueError("a respondent who signs in needs an email address")
    actor = actor or viewer.name

    def work(conn):
        if not ref.authority_exists(conn, authority_code):
            raise ValueError(f"unknown authority '{authority_code}'")
        if not ref.round_exists(conn, round_id):
            raise ValueError(f"there is no round '{round_id}'")
        existing = sql.respondents(conn, viewer, authority_code, round_id)
        for row in existing.itertuples(index=False):
            same_email = address is not None and row.email == address
            same_name = address is None and str(row.name).casefold() == name.casefold()
            if same_email or same_name:
                raise ValueError(
                    f"{row.name} ({row.role_label}) is already a respondent of "
                    f"{authority_code} for round {round_id}: nothing added"
                )
        now = datetime.now()
        new_id = sql.add_respondent(
            conn,
            authority_code=authority_code,
            round_id=round_id,
            email=address,
            name=name,
            role_label=role_label,
            actor=actor,
            now=now,
        )
        access_store.append_audit(
            conn,
            actor,
            "respondent.invite",
            f"respondent {new_id} of {authority_code} for round {round_id}: "
            f"{address or name} ({role_label})",
        )
        return new_id

    new_id = write_with_retry(db, work)
    return Respondent(new_id, authority_code, round_id, address, name, role_label, "not started")


def respondents(db: Db, viewer: Viewer, authority_code: str, round_id: str) -> list[Respondent]:
    """The authority's respondents for the round, for its lead (NotAllowed for anyone else:
    others see `counts`)."""
    if not is_lead(db, viewer, authority_code):
        raise NotAllowed("only the authority's lead sees its respondents")
    with connect(db) as conn:
        frame = sql.respondents(conn, viewer, authority_code, round_id)
    return [_respondent(row) for _, row in frame.iterrows()]


def mine(db: Db, viewer: Viewer) -> list[Respondent]:
    """The respondent entries the viewer answers as: those of their email; in local mode every
    named entry (the local user tries the workflow as any of them)."""
    with connect(db) as conn:
        if viewer.local:
            frame = sql.respondents(conn, viewer)
        elif viewer.email:
            frame = sql.respondents_by_email(conn, viewer.email)
        else:
            return []
    return [_respondent(row) for _, row in frame.iterrows()]


def _own(db: Db, viewer: Viewer, respondent_id: int) -> Respondent:
    """The respondent the viewer answers as, one of `mine` (NotAllowed for anyone else's),
    read alone: listing every entry of the viewer's to find it made each load and save as slow
    as there are respondents."""
    row = None
    with connect(db) as conn:
        if viewer.local:
            row = sql.respondent(conn, viewer, respondent_id)
        elif viewer.email:
            row = sql.respondent_of_email(conn, viewer.email, respondent_id)
    if row is None:
        raise NotAllowed("you may see and edit only your own response")
    return _respondent(row)


def counts(db: Db, viewer: Viewer) -> pd.DataFrame:
    """Per authority and round: respondents invited, with a draft, and submitted (what the
    tracking and national views show; an authority viewer gets its own authority only)."""
    with connect(db) as conn:
        return sql.progress(conn, viewer)


def respondents_progress(db: Db, viewer: Viewer) -> pd.DataFrame:
    """Per authority and round with respondents: `authority_code`, `round_id`, `invited` and
    `submitted` (the respondents' progress on the tracking page)."""
    return counts(db, viewer)[["authority_code", "round_id", "invited", "submitted"]]


# ---------------------------------------------------------------------------------------------
# A respondent's response, through the assessment form


def _load(conn, viewer: Viewer, who: Respondent) -> Draft:
    row = sql.respondent(conn, viewer, who.id)
    if row is None or row["revision"] is None or pd.isna(row["revision"]):
        return Draft(who.authority_code, who.round_id)
    parts = sql.content(conn, viewer, [who.id])
    answers, items = assessment.answers_from_rows(
        parts["ratings"], parts["checklist"], parts["ticks"]
    )
    return Draft(
        who.authority_code,
        who.round_id,
        answers=answers,
        checklist=items,
        guided=bool(row["guided"]) if row["guided"] is not None else False,
        submission_id=who.id,
        revision=int(row["revision"]),
        saved_at=row["saved_at"],
        saved_by=row["saved_by"],
    )


def load_response(db: Db, viewer: Viewer, respondent_id: int) -> Draft:
    """The respondent's response as a form draft (empty before the first answer). Its
    `submission_id` is the respondent's id once a draft is saved."""
    who = _own(db, viewer, respondent_id)
    with connect(db) as conn:
        return _load(conn, viewer, who)


def response_revision(db: Db, viewer: Viewer, respondent_id: int) -> int:
    with connect(db) as conn:
        row = sql.respondent(conn, viewer, respondent_id)
    if row is None or row["revision"] is None or pd.isna(row["revision"]):
        return 0
    return int(row["revision"])


def _write(conn, viewer, who: Respondent, draft: Draft, actor, model, copied_from=None):
    row = sql.respondent(conn, viewer, who.id)
    if row is None:
        raise NotAllowed("you may see and edit only your own response")
    if row["status"] == "submitted":
        raise ResponseConflict(
            "This response has been submitted: it can no longer be changed. Nothing was written."
        )
    revision = 0 if row["revision"] is None or pd.isna(row["revision"]) else int(row["revision"])
    if revision != draft.revision:
        raise ResponseConflict(
            "This response was changed in another window or session after this form was "
            "opened. Nothing was written: the form now shows the saved version."
        )
    now = datetime.now()
    keep = row["copied_from"] if copied_from is None else copied_from
    keep = None if keep is None or pd.isna(keep) else keep
    new_revision = sql.bump_response(
        conn, who.id, guided=draft.guided, copied_from=keep, actor=actor, now=now
    )
    ratings, checklist, ticks = assessment.draft_rows(draft, model)
    sql.replace_content(conn, who.id, ratings=ratings, checklist=checklist, ticks=ticks)
    return new_revision, now


def save_response(
    db: Db,
    viewer: Viewer,
    respondent_id: int,
    draft: Draft,
    *,
    actor: str | None,
    model: Model | None = None,
) -> Draft:
    """Save the respondent's draft (their own only); the saved copy is returned. Raises
    ResponseConflict when this copy is out of date or the response was submitted."""
    model = model or load_model()
    who = _own(db, viewer, respondent_id)
    assessment.check_values(draft, model)
    revision, now = write_with_retry(
        db, lambda conn: _write(conn, viewer, who, draft, actor, model)
    )
    return replace(draft, submission_id=who.id, revision=revision, saved_at=now, saved_by=actor)


def submit_response(
    db: Db,
    viewer: Viewer,
    respondent_id: int,
    draft: Draft,
    *,
    actor: str | None,
    model: Model | None = None,
) -> datetime:
    """Save and submit the respondent's response (every dimension rated; a guided level other
    than the statements' needs a reason), audited in the same transaction. From then on the
    response is read-only and the respondent sees the others' submitted responses. A round
    that is planned or closed (and not reopened for the authority) refuses the submission, as
    it refuses the authority's return: SubmitRefused, nothing written, the draft kept."""
    model = model or load_model()
    who = _own(db, viewer, respondent_id)
    assessment.check_values(draft, model)
    problems = assessment.submit_problems(draft, model)
    if problems:
        raise SubmitRefused(problems)
    actor = actor or viewer.name

    def work(conn):
        assessment.refuse_if_closed(conn, who.round_id, who.authority_code)
        _, now = _write(conn, viewer, who, draft, actor, model)
        sql.mark_submitted(conn, who.id, now)
        access_store.append_audit(
            conn,
            actor,
            "response.submit",
            f"response of respondent {who.id} ({who.role_label}) of {who.authority_code} for "
            f"round {who.round_id}",
        )
        return now

    return write_with_retry(db, work)


# ---------------------------------------------------------------------------------------------
# Copy forward


def previous_source(db: Db, viewer: Viewer, respondent_id: int) -> tuple[str, str] | None:
    """What a new response can start from: ('response', round) for the same respondent's
    (same email, or same name and role label) submitted response of an earlier round, else
    ('return', round) for the authority's current return of the latest earlier round; None
    when there is neither."""
    who = _own(db, viewer, respondent_id)
    found = _previous(db, viewer, who)
    return None if found is None else (found[0], found[1])


def _previous(db: Db, viewer: Viewer, who: Respondent):
    with connect(db) as conn:
        earlier = sql.respondents(conn, viewer, who.authority_code)
        earlier = earlier[(earlier["round_id"] < who.round_id) & (earlier["status"] == "submitted")]
        for _, row in earlier.sort_values("round_id", ascending=False).iterrows():
            same = (who.email is not None and row["email"] == who.email) or (
                who.email is None
                and str(row["name"]).casefold() == who.name.casefold()
                and str(row["role_label"]).casefold() == who.role_label.casefold()
            )
            if same:
                return ("response", str(row["round_id"]), int(row["id"]))
        rounds = [r for r in ref.rounds(conn)["id"] if r < who.round_id]
        for round_id in reversed(rounds):
            current = drafts_sql.current_submission(conn, viewer, who.authority_code, round_id)
            if current is not None:
                return ("return", round_id, int(current["id"]))
    return None


def copy_forward(
    db: Db, viewer: Viewer, respondent_id: int, *, actor: str | None, model: Model | None = None
) -> Draft:
    """Start the respondent's response from the previous round (`previous_source`): levels,
    ticks, evidence, confidence and checklist copied into a draft marked as copied from that
    round. Refused (ValueError, nothing written) once the response has any answer."""
    model = model or load_model()
    who = _own(db, viewer, respondent_id)
    if who.status != "not started":
        raise ValueError("this response has already started: nothing was copied over it")
    found = _previous(db, viewer, who)
    if found is None:
        raise ValueError("there is no earlier response or return to start from")
    kind, round_id, source_id = found
    with connect(db) as conn:
        if kind == "response":
            source = _load(conn, viewer, replace(who, id=source_id))
        else:
            source = assessment.stored_draft(conn, viewer, source_id)
    draft = Draft(
        who.authority_code,
        who.round_id,
        answers=source.answers,
        checklist=source.checklist,
        guided=source.guided,
    )
    assessment.check_values(draft, model)
    revision, now = write_with_retry(
        db, lambda conn: _write(conn, viewer, who, draft, actor, model, copied_from=round_id)
    )
    return replace(draft, submission_id=who.id, revision=revision, saved_at=now, saved_by=actor)


# ---------------------------------------------------------------------------------------------
# Others' responses


def visible_responses(
    db: Db, viewer: Viewer, authority_code: str, round_id: str, *, as_respondent: int | None = None
) -> tuple[list[Respondent], dict[str, pd.DataFrame]]:
    """The submitted responses of the authority and round the viewer may see, and their
    content: every one for the lead; for a respondent (`as_respondent`, their own id) every
    one once their own is submitted, none before. NotAllowed for anyone else."""
    if as_respondent is not None:
        own = _own(db, viewer, as_respondent)
        if (own.authority_code, own.round_id) != (authority_code, round_id):
            raise NotAllowed("you may see the responses of your own authority and round only")
        if not own.submitted:
            raise NotAllowed("submit your own response first: then you see the others'")
    elif not is_lead(db, viewer, authority_code):
        raise NotAllowed("only the authority's lead sees its respondents' responses")
    with connect(db) as conn:
        frame = sql.respondents(conn, viewer, authority_code, round_id)
        people = [_respondent(row) for _, row in frame.iterrows()]
        done = [p for p in people if p.submitted]
        return done, sql.content(conn, viewer, [p.id for p in done])


def response_levels(
    db: Db, viewer: Viewer, round_id: str, authority_code: str | None = None
) -> pd.DataFrame:
    """Every respondent of the round (of one authority, or all): authority_code, respondent,
    role_label, status ('draft' or 'submitted'; respondents not started are left out) and one
    column per dimension id holding the level (None where unrated). For the operator (the local
    viewer, as the command line is) and for an authority's lead (their authority only)."""
    if not viewer.local and not (
        authority_code is not None and is_lead(db, viewer, authority_code)
    ):
        raise NotAllowed("respondents' levels are for the authority's lead")
    model = load_model()
    with connect(db) as conn:
        if not ref.round_exists(conn, round_id):
            raise ValueError(f"there is no round '{round_id}'")
        people = sql.respondents(conn, viewer, authority_code, round_id)
        people = people[people["status"] != "not started"]
        ratings = sql.content(conn, viewer, [int(i) for i in people["id"]])["ratings"]
    dims = [d.id for d in model.dimensions]
    rows = []
    for person in people.itertuples(index=False):
        own = ratings[ratings["respondent_id"] == person.id]
        levels = {
            r.dimension_id: None if pd.isna(r.level) else int(r.level)
            for r in own.itertuples(index=False)
        }
        who = person.email if isinstance(person.email, str) and person.email else person.name
        rows.append(
            [person.authority_code, who, person.role_label, person.status]
            + [levels.get(d) for d in dims]
        )
    columns = ["authority_code", "respondent", "role_label", "status", *dims]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def open_for_import(db: Db, viewer: Viewer, pairs: list[tuple[str, str, str]]) -> list[str]:
    """For the (authority code, label, round) pairs an import would write: a sentence for each
    that has respondents in that round (an import is a consensus return: it becomes the
    authority's return without drawing on them)."""
    if not pairs:
        return []
    with connect(db) as conn:
        progress = sql.progress(conn, viewer)
    found = {
        (r.authority_code, r.round_id): (int(r.invited), int(r.submitted))
        for r in progress.itertuples(index=False)
    }
    lines = []
    for code, label, round_id in pairs:
        if (code, round_id) in found:
            invited, submitted = found[(code, round_id)]
            lines.append(
                f"{label}, {round_id}: {invited} respondent(s) invited, {submitted} response(s) "
                "submitted. The imported return becomes the authority's return as a consensus "
                "would, without drawing on them."
            )
    return lines
