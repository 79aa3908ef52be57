"""Self-assessment in the app: drafts, guided mode, validation, submission, history and diffs.

A draft is work in progress on one authority's return for one round, saved in the database as
the user goes (a `submissions` row with status 'draft'); it never counts in benchmarks, which
read submitted returns only. Submitting turns the draft into the current submission; the one
it replaces is kept as 'superseded'.

Concurrency: every form write for an authority and round increments that pair's revision in the
same transaction (`ehdmm.storage.drafts.bump_head`), so two writers conflict and one is retried
by `write_with_retry`. A `Draft` remembers the revision it was loaded at: saving or submitting an
out-of-date copy raises `DraftConflict` (nothing is written; reload and try again), and a
database held by another process for too long raises `DatabaseBusy`. Nothing is lost either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import pandas as pd

from ehdmm import collection, importer, tables
from ehdmm.history import optional as _opt
from ehdmm.model import Dimension, Model, load_model
from ehdmm.storage import access as access_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import drafts as sql
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None

CONFIDENCES: tuple[str, ...] = importer.CONFIDENCES
EVIDENCE_MAX_CHARS = importer.EVIDENCE_MAX_CHARS
NOTE_MAX_CHARS = importer.NOTE_MAX_CHARS
REASON_MAX_CHARS = 1000
NOT_YET = "not yet {name}"  # the proposal when not even the first level's statements are ticked


class DraftConflict(RuntimeError):
    """This copy of the draft is out of date (another session saved or submitted since it was
    loaded). Nothing was written; reload the draft and try again."""


class NotAllowed(PermissionError):
    """The viewer may not assess this authority."""


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be submitted yet: kind is 'missing', 'reason' or 'checklist'."""

    kind: str
    message: str
    items: tuple[str, ...] = ()


class SubmitUnchanged(ValueError):
    """The draft says exactly what the current submission says: nothing was submitted."""


class SubmitRefused(ValueError):
    """The draft is not ready to submit; `problems` says why. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = list(problems)


# ---------------------------------------------------------------------------------------------
# The draft


@dataclass(frozen=True)
class Answer:
    """One dimension's answer: level, evidence, confidence, and in guided mode the statements
    ticked, as (level, statement index) pairs, and the reason for a level that differs from the
    one they give."""

    level: int | None = None
    evidence: str = ""
    confidence: str | None = None
    reason: str = ""
    ticks: frozenset[tuple[int, int]] = frozenset()

    @property
    def empty(self) -> bool:
        return (
            self.level is None
            and not self.evidence.strip()
            and self.confidence is None
            and not self.reason.strip()
            and not self.ticks
        )


@dataclass(frozen=True)
class ChecklistAnswer:
    """One pre-model checklist item: in place (yes / no / not answered yet) and a note."""

    in_place: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Draft:
    """An authority's return for one round as the form holds it.

    `submission_id` is the open draft's row (None until first saved), `revision` the pair's
    revision this copy was loaded or saved at, `base_id` the current submission at that time
    (the content may have been copied from it: `prefilled_from`)."""

    authority_code: str
    round_id: str
    answers: Mapping[str, Answer] = field(default_factory=dict)
    checklist: Mapping[str, ChecklistAnswer] = field(default_factory=dict)
    guided: bool = False
    submission_id: int | None = None
    revision: int = 0
    base_id: int | None = None
    prefilled_from: int | None = None
    saved_at: datetime | None = None
    saved_by: str | None = None

    def answer(self, dimension_id: str) -> Answer:
        return self.answers.get(dimension_id, Answer())

    def checklist_answer(self, item_id: str) -> ChecklistAnswer:
        return self.checklist.get(item_id, ChecklistAnswer())

    def with_answer(self, dimension_id: str, **changes: object) -> Draft:
        """A copy with one dimension's answer changed (fields of `Answer`)."""
        answers = dict(self.answers)
        answers[dimension_id] = replace(self.answer(dimension_id), **changes)
        return replace(self, answers=answers)

    def with_checklist(self, item_id: str, **changes: object) -> Draft:
        """A copy with one checklist answer changed (fields of `ChecklistAnswer`)."""
        answers = dict(self.checklist)
        answers[item_id] = replace(self.checklist_answer(item_id), **changes)
        return replace(self, checklist=answers)

    def levels(self) -> dict[str, int]:
        """The chosen levels, by dimension id."""
        return {d: a.level for d, a in self.answers.items() if a.level is not None}


# ---------------------------------------------------------------------------------------------
# Guided mode


def proposed_level(dimension: Dimension, ticks: Iterable[tuple[int, int]]) -> int | None:
    """The gated level the ticked statements give: the highest level L such that every
    statement of levels 1..L is ticked; None when the first level's are not all ticked."""
    ticked = set(ticks)
    proposed = None
    for level in sorted(dimension.statements):
        count = len(dimension.statements[level])
        if count and all((level, index) in ticked for index in range(count)):
            proposed = level
        else:
            break
    return proposed


def proposal_text(level: int | None, model: Model) -> str:
    """'3 Maturing', or 'not yet Early' when no level is proposed."""
    if level is None:
        first = min(model.level_names)
        return NOT_YET.format(name=model.level_names[first])
    return tables.level_label(level, model)


def is_override(draft: Draft, dimension: Dimension) -> bool:
    """True in guided mode when statements are ticked and a level is chosen that differs from
    the one they give (a dimension with no ticks never needs a reason)."""
    answer = draft.answer(dimension.id)
    if not draft.guided or answer.level is None or not answer.ticks:
        return False
    return answer.level != proposed_level(dimension, answer.ticks)


def follows(draft: Draft, dimension: Dimension) -> bool:
    """True when the dimension's level is the one its ticked statements give (or there is
    neither a level nor a tick): the guided form shows 'as the statements give'."""
    answer = draft.answer(dimension.id)
    if answer.level is None:
        return True
    return bool(answer.ticks) and answer.level == proposed_level(dimension, answer.ticks)


def follow_proposal(
    draft: Draft,
    dimension: Dimension,
    ticks: Iterable[tuple[int, int]],
    follow: bool | None = None,
) -> Draft:
    """Set the ticks of a dimension. With `follow` (the user's choice of 'as the statements
    give'), its level becomes the proposal; with follow=False it stays as chosen. Without it,
    the level follows unless the user chose a different level than the previous proposal."""
    answer = draft.answer(dimension.id)
    new_ticks = frozenset(ticks)
    level = answer.level
    if follow is None:
        before = proposed_level(dimension, answer.ticks)
        follow = level is None or level == before
    if follow:
        level = proposed_level(dimension, new_ticks)
    return draft.with_answer(dimension.id, ticks=new_ticks, level=level)


# ---------------------------------------------------------------------------------------------
# Checks


def check_values(draft: Draft, model: Model) -> None:
    """Raise ValueError for a value the form can never produce (unknown dimension or item,
    level, confidence, tick out of range, text over its limit)."""
    names = model.level_names
    for dim_id, answer in draft.answers.items():
        try:
            dimension = model.dimension(dim_id)
        except KeyError:
            raise ValueError(f"unknown dimension '{dim_id}'") from None
        if answer.level is not None and answer.level not in names:
            raise ValueError(f"{dimension.name}: level {answer.level!r} is not 1-4")
        if answer.confidence is not None and answer.confidence not in CONFIDENCES:
            raise ValueError(
                f"{dimension.name}: confidence must be one of {', '.join(CONFIDENCES)}"
            )
        if len(answer.evidence) > EVIDENCE_MAX_CHARS:
            raise ValueError(
                f"{dimension.name}: the evidence is {len(answer.evidence)} characters, over the "
                f"limit of {EVIDENCE_MAX_CHARS}"
            )
        if len(answer.reason) > REASON_MAX_CHARS:
            raise ValueError(
                f"{dimension.name}: the reason is over the limit of {REASON_MAX_CHARS} characters"
            )
        for level, index in answer.ticks:
            if level not in dimension.statements or not (
                0 <= index < len(dimension.statements[level])
            ):
                raise ValueError(f"{dimension.name}: no statement {index} at level {level}")
    items = {item.id for item in model.checklist}
    for item_id, answer in draft.checklist.items():
        if item_id not in items:
            raise ValueError(f"unknown checklist item '{item_id}'")
        if len(answer.note) > NOTE_MAX_CHARS:
            raise ValueError(f"checklist note over the limit of {NOTE_MAX_CHARS} characters")


def missing_dimensions(draft: Draft, model: Model) -> list[str]:
    """Ids of the dimensions without a level, in model order."""
    return [d.id for d in model.dimensions if draft.answer(d.id).level is None]


def refuse_if_closed(conn: duckdb.DuckDBPyConnection, round_id: str, authority_code: str) -> None:
    """Raise SubmitRefused when the round is planned or closed and not reopened for the
    authority (in the submitting transaction's connection): a return and a partner's response
    alike."""
    closed = collection.closed_refusal(conn, round_id, authority_code)
    if closed:
        raise SubmitRefused([Problem("closed", closed)])


def submit_problems(draft: Draft, model: Model) -> list[Problem]:
    """Why the draft cannot be submitted (empty when it can): every dimension needs a level; in
    guided mode a level other than the proposed one needs a reason; a checklist note needs a
    yes or no answer."""
    problems = []
    missing = missing_dimensions(draft, model)
    if missing:
        names = [model.dimension(d).name for d in missing]
        problems.append(
            Problem(
                "missing",
                f"Rate every dimension before submitting: {len(missing)} of "
                f"{len(model.dimensions)} not rated yet: {'; '.join(names)}.",
                tuple(missing),
            )
        )
    for dimension in model.dimensions:
        answer = draft.answer(dimension.id)
        if is_override(draft, dimension) and not answer.reason.strip():
            proposed = proposed_level(dimension, answer.ticks)
            problems.append(
                Problem(
                    "reason",
                    f"{dimension.name}: you chose {tables.level_label(answer.level, model)} but "
                    f"the ticked statements give {proposal_text(proposed, model)}; give a reason "
                    "for the different level.",
                    (dimension.id,),
                )
            )
    for item in model.checklist:
        answer = draft.checklist_answer(item.id)
        if answer.in_place is None and answer.note.strip():
            problems.append(
                Problem(
                    "checklist",
                    f"Pre-model checklist, '{item.text}': answer yes or no (or clear the note).",
                    (item.id,),
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Who may assess what; which rounds


def can_assess(viewer: Viewer, authority_code: str) -> bool:
    """True when the viewer may fill in this authority's return (its own, or any for the
    national team)."""
    return viewer.can_see(authority_code)


def assessable_authorities(viewer: Viewer, codes: Iterable[str]) -> list[str]:
    """The codes the viewer may assess, in the given order (one, once sign-in fixes it)."""
    return [code for code in codes if can_assess(viewer, code)]


def assessment_rounds(db: Db) -> list[str]:
    """Every round in the database, newest first (a round may have no submission yet)."""
    with connect(db) as conn:
        return list(reversed(list(ref.rounds(conn)["id"])))


def default_round(rounds: Sequence[str], preferred: str | None) -> str | None:
    """The preferred round (the sidebar's) when it is one of `rounds`, else the newest."""
    if preferred in rounds:
        return preferred
    return rounds[0] if rounds else None


# ---------------------------------------------------------------------------------------------
# Loading, saving, submitting


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _content(
    ratings: pd.DataFrame, checklist: pd.DataFrame, ticks: pd.DataFrame
) -> tuple[dict[str, Answer], dict[str, ChecklistAnswer]]:
    """Answers and checklist answers from one submission's rows."""
    tick_sets: dict[str, set[tuple[int, int]]] = {}
    for row in ticks.itertuples(index=False):
        tick_sets.setdefault(row.dimension_id, set()).add((int(row.level), int(row.statement)))
    answers: dict[str, Answer] = {}
    for row in ratings.itertuples(index=False):
        level = _opt(row.level)
        answers[row.dimension_id] = Answer(
            level=None if level is None else int(level),
            evidence=_text(row.evidence),
            confidence=_opt(row.confidence),
            reason=_text(row.override_reason),
            ticks=frozenset(tick_sets.pop(row.dimension_id, set())),
        )
    for dim_id, ticked in tick_sets.items():
        answers[dim_id] = Answer(ticks=frozenset(ticked))
    items = {}
    for row in checklist.itertuples(index=False):
        in_place = _opt(row.in_place)
        items[row.item_id] = ChecklistAnswer(
            in_place=None if in_place is None else bool(in_place), note=_text(row.note)
        )
    return answers, items


def _load(conn, viewer: Viewer, authority_code: str, round_id: str) -> Draft:
    revision, _, _ = sql.head(conn, viewer, authority_code, round_id)
    draft_row = sql.open_draft(conn, viewer, authority_code, round_id)
    current = sql.current_submission(conn, viewer, authority_code, round_id)
    base_id = int(current["id"]) if current else None
    source = draft_row or current
    if source is None:
        return Draft(authority_code, round_id, revision=revision)
    ids = [int(source["id"])]
    answers, items = _content(
        sql.ratings(conn, viewer, ids),
        sql.checklist(conn, viewer, ids),
        sql.ticks(conn, viewer, ids),
    )
    return Draft(
        authority_code,
        round_id,
        answers=answers,
        checklist=items,
        guided=bool(source["guided"]) if source["guided"] is not None else False,
        submission_id=int(draft_row["id"]) if draft_row else None,
        revision=revision,
        base_id=base_id,
        prefilled_from=None if draft_row else base_id,
        saved_at=draft_row["submitted_at"] if draft_row else None,
        saved_by=draft_row["submitted_by"] if draft_row else None,
    )


def load_draft(db: Db, viewer: Viewer, authority_code: str, round_id: str) -> Draft:
    """The open draft of the authority and round; without one, a new draft holding the current
    submission's answers (to change and submit again); without either, an empty draft."""
    if not can_assess(viewer, authority_code):
        raise NotAllowed(f"you may not assess {authority_code}")
    with connect(db) as conn:
        return _load(conn, viewer, authority_code, round_id)


def current_revision(db: Db, viewer: Viewer, authority_code: str, round_id: str) -> int:
    """The pair's revision now (compare with `Draft.revision` to tell a stale copy)."""
    with connect(db) as conn:
        return sql.head(conn, viewer, authority_code, round_id)[0]


def _rows(draft: Draft, model: Model) -> tuple[list[tuple], list[tuple], list[tuple]]:
    ratings, ticks = [], []
    for dimension in model.dimensions:
        answer = draft.answer(dimension.id)
        for level, index in sorted(answer.ticks):
            ticks.append((dimension.id, level, index))
        if answer.level is None and not (
            answer.evidence.strip() or answer.confidence or answer.reason.strip()
        ):
            continue
        proposed = proposed_level(dimension, answer.ticks) if draft.guided else None
        ratings.append(
            (
                dimension.id,
                answer.level,
                answer.evidence if answer.evidence.strip() else None,
                answer.confidence,
                proposed,
                answer.reason if answer.reason.strip() else None,
            )
        )
    checklist = []
    for item in model.checklist:
        answer = draft.checklist_answer(item.id)
        if answer.in_place is not None or answer.note.strip():
            note = answer.note if answer.note.strip() else None
            checklist.append((item.id, answer.in_place, note))
    return ratings, checklist, ticks


def draft_rows(draft: Draft, model: Model) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """A draft's content as stored: ratings, checklist and tick rows (in the field orders of
    `ehdmm.storage.drafts`); dimensions with nothing in them are left out."""
    return _rows(draft, model)


def answers_from_rows(
    ratings: pd.DataFrame, checklist: pd.DataFrame, ticks: pd.DataFrame
) -> tuple[dict[str, Answer], dict[str, ChecklistAnswer]]:
    """Answers and checklist answers from one stored content's rows (as `draft_rows` gives)."""
    return _content(ratings, checklist, ticks)


def stored_draft(conn, viewer: Viewer, submission_id: int) -> Draft:
    """A stored submission's content, as a draft (answers and checklist only)."""
    ids = [submission_id]
    answers, items = _content(
        sql.ratings(conn, viewer, ids),
        sql.checklist(conn, viewer, ids),
        sql.ticks(conn, viewer, ids),
    )
    return Draft("", "", answers=answers, checklist=items)


def same_content(stored: Draft, draft: Draft, model: Model) -> bool:
    """True when the draft says exactly what a stored submission (`stored_draft`) says."""
    return _rows(replace(stored, guided=draft.guided), model) == _rows(draft, model)


def _conflict(revision: int, at: datetime | None, by: str | None) -> DraftConflict:
    when = f" at {at:%H:%M:%S on %d %B %Y}" if at else ""
    who = f" by {by}" if by else ""
    return DraftConflict(
        f"This assessment was changed in another window or session{when}{who} after this "
        "form was opened. Nothing was written: the form now shows the saved version; make "
        "your change again."
    )


def _check_pair(conn, authority_code: str, round_id: str) -> None:
    if not ref.authority_exists(conn, authority_code):
        raise ValueError(f"unknown authority '{authority_code}'")
    if not ref.round_exists(conn, round_id):
        raise ValueError(f"there is no round '{round_id}'")


def _write_draft(conn, viewer: Viewer, draft: Draft, actor: str | None, model: Model):
    """Check the revision, bump it, and write the draft's content; (draft id, revision, now)."""
    _check_pair(conn, draft.authority_code, draft.round_id)
    revision, at, by = sql.head(conn, viewer, draft.authority_code, draft.round_id)
    if revision != draft.revision:
        raise _conflict(revision, at, by)
    now = datetime.now()
    new_revision = sql.bump_head(conn, draft.authority_code, draft.round_id, actor, now)
    existing = sql.open_draft(conn, viewer, draft.authority_code, draft.round_id)
    if existing is not None:
        draft_id = int(existing["id"])
    else:
        draft_id = sql.create_draft(
            conn,
            authority_code=draft.authority_code,
            round_id=draft.round_id,
            model_version=model.version,
            actor=actor,
            guided=draft.guided,
            now=now,
        )
    ratings, checklist, ticks = _rows(draft, model)
    sql.replace_content(
        conn,
        draft_id,
        ratings=ratings,
        checklist=checklist,
        ticks=ticks,
        guided=draft.guided,
        actor=actor,
        now=now,
    )
    return draft_id, new_revision, now


def save_draft(
    db: Db, viewer: Viewer, draft: Draft, *, actor: str | None, model: Model | None = None
) -> Draft:
    """Save the draft (replacing the open draft's content) in one transaction; the saved copy
    (with its id and new revision) is returned. Raises DraftConflict when this copy is out of
    date, DatabaseBusy when the database stays locked."""
    model = model or load_model()
    if not can_assess(viewer, draft.authority_code):
        raise NotAllowed(f"you may not assess {draft.authority_code}")
    check_values(draft, model)

    def work(conn):
        return _write_draft(conn, viewer, draft, actor, model)

    draft_id, revision, now = write_with_retry(db, work)
    return replace(draft, submission_id=draft_id, revision=revision, saved_at=now, saved_by=actor)


@dataclass(frozen=True)
class Submitted:
    """A submission made: its id, the one it superseded (if any), when and by whom."""

    submission_id: int
    superseded_id: int | None
    authority_code: str
    round_id: str
    submitted_at: datetime
    submitted_by: str | None


def submit(
    db: Db,
    viewer: Viewer,
    draft: Draft,
    *,
    actor: str | None,
    model: Model | None = None,
    also: Callable[[duckdb.DuckDBPyConnection, Submitted], None] | None = None,
) -> Submitted:
    """Save the draft and make it the current submission of its authority and round, in one
    transaction; the previous current submission becomes 'superseded'. `also` writes what goes
    with the submission in the same transaction (a consensus its record). Raises SubmitRefused
    (with the problems) when the draft is not complete, DraftConflict when this copy is out of
    date or another submission arrived since it was loaded, DatabaseBusy when the database
    stays locked. Nothing is written in those cases."""
    model = model or load_model()
    if not can_assess(viewer, draft.authority_code):
        raise NotAllowed(f"you may not assess {draft.authority_code}")
    check_values(draft, model)
    problems = submit_problems(draft, model)
    if problems:
        raise SubmitRefused(problems)

    def work(conn):
        refuse_if_closed(conn, draft.round_id, draft.authority_code)
        current = sql.current_submission(conn, viewer, draft.authority_code, draft.round_id)
        current_id = int(current["id"]) if current else None
        if current_id is not None and same_content(
            stored_draft(conn, viewer, current_id), draft, model
        ):
            raise SubmitUnchanged(
                "Nothing submitted: this is exactly what the current submission says, so "
                "submitting it again would change nothing."
            )
        if current_id != draft.base_id:
            at = current["submitted_at"] if current else None
            when = f" at {at:%H:%M:%S on %d %B %Y}" if at else ""
            raise DraftConflict(
                f"Another submission for this authority and round "
                f"({current['source'] if current else 'none'}){when} was made after this form "
                "was opened. Nothing was submitted; your draft is kept. Look at the form again "
                "and submit again."
            )
        draft_id, _, now = _write_draft(conn, viewer, draft, actor, model)
        superseded = sql.submit_draft(conn, draft_id, actor, now)
        access_store.append_audit(  # in the same transaction: no submission goes unlogged
            conn,
            actor or viewer.name,
            "submission",
            f"submission {draft_id} of {draft.authority_code} for round {draft.round_id}"
            + (f" (supersedes {superseded})" if superseded else ""),
        )
        made = Submitted(draft_id, superseded, draft.authority_code, draft.round_id, now, actor)
        if also is not None:
            also(conn, made)
        return made

    return write_with_retry(db, work)
