"""The consensus: the authority's lead sets the authority's level per dimension from its
respondents' submitted responses and submits it as the authority's return.

Each level starts as the respondents' median, rounded down (`ehdmm.analysis.spread`); a level
that differs from it needs a reason. The consensus is submitted exactly as a form submission
(`ehdmm.assessment.submit`: one current submission per authority and round, the previous one
superseded), and in the same transaction the record of how it was reached (per dimension the
median, the level and the reason, and the responses drawn on) and an audit entry are written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from ehdmm import assessment, responses
from ehdmm.analysis import spread as spread_mod
from ehdmm.assessment import NotAllowed, Submitted
from ehdmm.model import Model, load_model
from ehdmm.storage import access as access_store
from ehdmm.storage import connect
from ehdmm.storage import drafts as drafts_sql
from ehdmm.storage import reference as ref
from ehdmm.storage import responses as sql
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
REASON_MAX_CHARS = assessment.REASON_MAX_CHARS


class ConsensusRefused(ValueError):
    """The consensus cannot be submitted as it stands; nothing was written."""


@dataclass(frozen=True)
class Start:
    """What the lead starts from: the submitted responses, their spread, and the medians."""

    respondents: tuple[responses.Respondent, ...]
    ratings: pd.DataFrame  # respondent_id, dimension_id, level, evidence, ...
    spread: pd.DataFrame  # ehdmm.analysis.spread.spread
    medians: Mapping[str, int | None]
    invited: int


def start(db: Db, viewer: Viewer, authority_code: str, round_id: str) -> Start:
    """The lead's starting point for the authority and round (NotAllowed for anyone else)."""
    model = load_model()
    done, parts = responses.visible_responses(db, viewer, authority_code, round_id)
    invited = len(responses.respondents(db, viewer, authority_code, round_id))
    frame = spread_mod.spread(parts["ratings"], model)
    medians = {
        row.dimension_id: None if pd.isna(row.median) else int(row.median)
        for row in frame.itertuples(index=False)
    }
    return Start(tuple(done), parts["ratings"], frame, medians, invited)


def problems(
    levels: Mapping[str, int | None],
    reasons: Mapping[str, str],
    medians: Mapping[str, int | None],
    model: Model,
) -> list[str]:
    """Why the consensus cannot be submitted (empty when it can): a dimension without a level,
    or a level other than the median without a reason."""
    out = []
    missing = [d.name for d in model.dimensions if levels.get(d.id) not in model.level_names]
    if missing:
        out.append(f"Set a level for every dimension: missing for {'; '.join(missing)}.")
    for dimension in model.dimensions:
        level, median = levels.get(dimension.id), medians.get(dimension.id)
        if level in model.level_names and median is not None and level != median:
            reason = (reasons.get(dimension.id) or "").strip()
            if not reason:
                out.append(
                    f"{dimension.name}: the level set ({level}) differs from the respondents' "
                    f"median ({median}); give a reason."
                )
            elif len(reason) > REASON_MAX_CHARS:
                out.append(f"{dimension.name}: the reason is over {REASON_MAX_CHARS} characters.")
    return out


def submit_consensus(
    db: Db,
    viewer: Viewer,
    authority_code: str,
    round_id: str,
    levels: Mapping[str, int | None],
    reasons: Mapping[str, str],
    *,
    actor: str | None = None,
    model: Model | None = None,
) -> Submitted:
    """Submit the consensus as the authority's return for the round (the lead only). Refused,
    with nothing written, when a dimension has no level, a level differs from the median
    without a reason, or no response has been submitted yet. The return keeps the evidence,
    confidence and checklist of the authority's open draft or current return."""
    model = model or load_model()
    if not responses.is_lead(db, viewer, authority_code):
        raise NotAllowed("only the authority's lead submits the consensus")
    begun = start(db, viewer, authority_code, round_id)
    if not begun.respondents:
        raise ConsensusRefused(
            "No respondent has submitted a response yet: there is nothing to draw a consensus "
            "from. Nothing was submitted."
        )
    found = problems(levels, reasons, begun.medians, model)
    if found:
        raise ConsensusRefused("Not submitted. " + " ".join(found))
    base = assessment.load_draft(db, viewer, authority_code, round_id)
    answers = {
        d.id: replace(base.answer(d.id), level=int(levels[d.id]), ticks=frozenset(), reason="")
        for d in model.dimensions
    }
    draft = replace(base, answers=answers, guided=False)
    actor = actor or viewer.name
    record = [
        (
            d.id,
            begun.medians.get(d.id),
            int(levels[d.id]),
            (reasons.get(d.id) or "").strip() or None,
        )
        for d in model.dimensions
    ]
    sources = [p.id for p in begun.respondents]

    def also(conn, made: Submitted) -> None:
        sql.add_consensus(conn, made.submission_id, record, sources)
        differing = sum(1 for _, median, level, _ in record if median not in (None, level))
        access_store.append_audit(
            conn,
            actor,
            "consensus",
            f"consensus submission {made.submission_id} of {authority_code} for round "
            f"{round_id} from {len(sources)} response(s); {differing} level(s) differ from the "
            "median",
        )

    return assessment.submit(db, viewer, draft, actor=actor, model=model, also=also)


def consensus_levels(db: Db, viewer: Viewer) -> pd.DataFrame:
    """Every consensus level recorded (authority, round, submission, status, dimension,
    median, level, reason, sources) the viewer's authority filter lets through."""
    with connect(db) as conn:
        return sql.consensus_levels(conn, viewer)


def previous_levels(
    db: Db, viewer: Viewer, authority_code: str, round_id: str
) -> tuple[str, dict[str, int]] | None:
    """The latest earlier round with a current return of the authority and that return's
    levels (what a consensus may start from instead of the medians); None without one. The
    lead only."""
    if not responses.is_lead(db, viewer, authority_code):
        raise NotAllowed("only the authority's lead sets the consensus")
    with connect(db) as conn:
        rounds = [r for r in ref.rounds(conn)["id"] if r < round_id]
        for earlier in reversed(rounds):
            current = drafts_sql.current_submission(conn, viewer, authority_code, earlier)
            if current is not None:
                stored = assessment.stored_draft(conn, viewer, int(current["id"]))
                return earlier, stored.levels()
    return None
