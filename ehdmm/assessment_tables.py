"""What the Assess page shows beside the form: the answers at a glance, where the draft is
saved, what submitting would change, the computed levels and the rank among peers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import assessment, scoring, tables
from ehdmm.assessment import Db, Draft, proposal_text, proposed_level
from ehdmm.history import NOT_RATED, diff_summary, diff_table
from ehdmm.model import Model
from ehdmm.storage import connect, drafts
from ehdmm.viewer import Viewer


@dataclass(frozen=True)
class SubmitPreview:
    """What submitting the draft would change, in words, to confirm before submitting."""

    identical: bool
    text: str
    current_id: int | None = None


def _levels_frame(draft: Draft) -> pd.DataFrame:
    rows = [
        (d, a.level, a.evidence.strip() or None, a.confidence) for d, a in draft.answers.items()
    ]
    return pd.DataFrame(rows, columns=["dimension_id", "level", "evidence", "confidence"])


def submit_preview(db: Db, viewer: Viewer, draft: Draft, model: Model) -> SubmitPreview:
    """What submitting the draft changes against the current submission: identical (nothing to
    submit), the first submission of the round, or which levels, evidence, confidence and
    checklist answers change."""
    with connect(db) as conn:
        current = drafts.current_submission(conn, viewer, draft.authority_code, draft.round_id)
        if current is None:
            return SubmitPreview(
                False, f"This will be the first submission for round {draft.round_id}."
            )
        current_id = int(current["id"])
        stored = assessment.stored_draft(conn, viewer, current_id)
    if assessment.same_content(stored, draft, model):
        return SubmitPreview(
            True,
            "This is identical to the current submission: there is nothing to submit.",
            current_id,
        )
    diff = diff_table(_levels_frame(stored), _levels_frame(draft), model)
    parts = ["Compared with the current submission: "]
    parts.append(diff_summary(diff, len(model.dimensions)))
    for column, what in (("Evidence changed", "evidence"), ("Confidence changed", "confidence")):
        names = list(diff.loc[diff[column], "Dimension"])
        if names:
            parts.append(f" The {what} changes for {'; '.join(names)}.")
    items = [
        item.text
        for item in model.checklist
        if stored.checklist_answer(item.id) != draft.checklist_answer(item.id)
    ]
    if items:
        parts.append(f" {len(items)} checklist answer(s) change.")
    return SubmitPreview(False, "".join(parts), current_id)


def summary_table(draft: Draft, model: Model) -> pd.DataFrame:
    """One row per dimension: strand, dimension, level chosen, (guided) proposed level,
    confidence and evidence length: the draft at a glance."""
    rows = []
    for strand in model.strands:
        for dimension in strand.dimensions:
            answer = draft.answer(dimension.id)
            row = {
                "Strand": strand.name,
                "Dimension": dimension.name,
                "Level": NOT_RATED
                if answer.level is None
                else tables.level_label(answer.level, model),
            }
            if draft.guided:
                row["Proposed by the statements"] = proposal_text(
                    proposed_level(dimension, answer.ticks), model
                )
                row["Reason given"] = "yes" if answer.reason.strip() else ""
            row["Confidence"] = answer.confidence or ""
            row["Evidence (characters)"] = len(answer.evidence)
            rows.append(row)
    return pd.DataFrame(rows)


def result_table(
    gated: pd.DataFrame, best_fit: pd.DataFrame, authority_code: str, model: Model
) -> pd.DataFrame:
    """Strand and overall levels of one authority under both rules, from the frames of
    `scoring.authority_levels` (one round): Strand, Gated, Best fit ('incomplete' where
    missing)."""
    items = [(s.id, s.name) for s in model.strands] + [("overall", "Overall")]
    own = {}
    for rule, frame in (("gated", gated), ("best-fit", best_fit)):
        rows = frame[frame["authority_code"] == authority_code]
        own[rule] = rows.iloc[0] if not rows.empty else None
    return pd.DataFrame(
        {
            "Strand": [name for _, name in items],
            "Gated": [
                tables.level_label(own["gated"][i] if own["gated"] is not None else None, model)
                for i, _ in items
            ],
            "Best fit": [
                tables.level_label(
                    own["best-fit"][i] if own["best-fit"] is not None else None, model
                )
                for i, _ in items
            ],
        }
    )


def has_levels(wide: pd.DataFrame, authority_code: str) -> bool:
    """True when the authority has a current submission in these levels (one round)."""
    return bool((wide["authority_code"] == authority_code).any())


def index_text(wide: pd.DataFrame, authority_code: str) -> str:
    """The authority's maturity index with two decimals ('' when incomplete or absent)."""
    own = wide[wide["authority_code"] == authority_code]
    return "" if own.empty else scoring.format_index(own["index"].iloc[0])


def draft_status(draft: Draft, model: Model) -> str:
    """One line on where the form's content is saved."""
    if draft.submission_id is not None:
        when = f" at {draft.saved_at:%H:%M:%S on %d %B %Y}" if draft.saved_at else ""
        who = f" by {draft.saved_by}" if draft.saved_by else ""
        return (
            "Draft: saved automatically after every change (last "
            f"saved{when}{who}). A draft never counts in benchmarks until it is submitted."
        )
    if draft.prefilled_from is not None:
        return (
            "No open draft: the form shows the current submission "
            "of this round. Your first change opens a draft, saved automatically; submitting "
            "it replaces the current submission, which stays in the history."
        )
    return (
        "No draft yet for this round: your first change is saved as a draft, and every change "
        "after it, automatically."
    )
