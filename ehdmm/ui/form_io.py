"""Where the assessment form reads and writes: the authority's return (the Assess page) or a
respondent's own response (the Responses page): the same form, two stores."""

from __future__ import annotations

from dataclasses import dataclass

from ehdmm import assessment, responses
from ehdmm.model import Model
from ehdmm.viewer import Viewer


@dataclass(frozen=True)
class FormContext:
    """Where the form writes: database, viewer, authority, round, and who is writing; with
    `respondent_id`, that respondent's own response instead of the authority's return (the same
    form, see `ehdmm.responses`)."""

    db: str
    viewer: Viewer
    authority_code: str
    round_id: str
    actor: str
    respondent_id: int | None = None

    @property
    def key(self) -> tuple[str, str, str] | tuple[str, str, str, int]:
        if self.respondent_id is None:
            return (self.db, self.authority_code, self.round_id)
        return (self.db, self.authority_code, self.round_id, self.respondent_id)


CONFLICTS = (assessment.DraftConflict, responses.ResponseConflict)


def read(ctx: FormContext) -> assessment.Draft:
    if ctx.respondent_id is None:
        return assessment.load_draft(ctx.db, ctx.viewer, ctx.authority_code, ctx.round_id)
    return responses.load_response(ctx.db, ctx.viewer, ctx.respondent_id)


def revision(ctx: FormContext) -> int:
    if ctx.respondent_id is None:
        return assessment.current_revision(ctx.db, ctx.viewer, ctx.authority_code, ctx.round_id)
    return responses.response_revision(ctx.db, ctx.viewer, ctx.respondent_id)


def write(ctx: FormContext, draft: assessment.Draft, model: Model) -> assessment.Draft:
    if ctx.respondent_id is None:
        return assessment.save_draft(ctx.db, ctx.viewer, draft, actor=ctx.actor, model=model)
    return responses.save_response(
        ctx.db, ctx.viewer, ctx.respondent_id, draft, actor=ctx.actor, model=model
    )


def submit(ctx: FormContext, draft: assessment.Draft, model: Model) -> object:
    if ctx.respondent_id is None:
        return assessment.submit(ctx.db, ctx.viewer, draft, actor=ctx.actor, model=model)
    return responses.submit_response(
        ctx.db, ctx.viewer, ctx.respondent_id, draft, actor=ctx.actor, model=model
    )
