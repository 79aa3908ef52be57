"""The Responses and Consensus views: a respondent's own response with, once submitted, the
others' side by side; the lead's respondents, the spread per dimension, the evidence side by
side and the starting levels of the consensus; the review summary of a whole response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ehdmm import consensus, responses, tables
from ehdmm.analysis import aggregates, spread
from ehdmm.assessment import Draft, proposal_text, proposed_level
from ehdmm.model import Model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

NOT_RATED = "not rated yet"
_READER = Viewer(role="national")  # reads for aggregates only


@dataclass(frozen=True)
class Others:
    """Submitted responses side by side: how many, the spread per dimension, the evidence."""

    count: int
    spread: pd.DataFrame  # spread.spread_table
    evidence: pd.DataFrame  # spread.evidence_side_by_side


def _others(
    people: list[responses.Respondent], ratings: pd.DataFrame, model: Model, *, named: bool
) -> Others:
    labels = {p.id: p.label if named else p.role_label for p in people}
    if len(set(labels.values())) < len(labels):  # two with one role label: number them
        labels = {pid: f"{label} ({n})" for n, (pid, label) in enumerate(labels.items(), 1)}
    frame = spread.spread(ratings, model)
    return Others(
        len(people),
        spread.spread_table(frame, model),
        spread.evidence_side_by_side(labels, ratings, model),
    )


@dataclass(frozen=True)
class ResponsesView:
    """What a respondent sees: the entries they answer as, the chosen one, what it may start
    from, and the others' submitted responses once their own is submitted (None before)."""

    entries: tuple[responses.Respondent, ...]
    names: Mapping[str, str]  # authority code -> name
    chosen: responses.Respondent | None
    copy_source: tuple[str, str] | None
    others: Others | None

    def entry_label(self, entry: responses.Respondent) -> str:
        """'Ann (Police): Bristol, City of, round 2026-03': the same whatever the response's
        status (a chooser whose labels change forgets the user's choice)."""
        name = self.names.get(entry.authority_code, entry.authority_code)
        return f"{entry.label}: {name}, round {entry.round_id}"


def _names(db: str) -> dict[str, str]:
    with connect(db) as conn:
        frame = ref.authorities(conn)
    return dict(zip(frame["code"], frame["name"], strict=True))


def responses_view(db: str, viewer: Viewer, chosen_id: int | None, model: Model) -> ResponsesView:
    entries = tuple(responses.mine(db, viewer))
    chosen = next((e for e in entries if e.id == chosen_id), entries[0] if entries else None)
    source = others = None
    if chosen is not None:
        if chosen.status == "not started":
            source = responses.previous_source(db, viewer, chosen.id)
        if chosen.submitted:
            people, parts = responses.visible_responses(
                db, viewer, chosen.authority_code, chosen.round_id, as_respondent=chosen.id
            )
            others = _others(people, parts["ratings"], model, named=False)
    return ResponsesView(entries, _names(db), chosen, source, others)


@dataclass(frozen=True)
class ConsensusView:
    """What the lead sees for the authority and round (`lead` False: only a note is shown)."""

    lead: bool
    authority_code: str
    round_id: str | None
    respondents: pd.DataFrame  # Name, Role, Email, Response, Started from
    invited: int
    submitted: int
    others: Others | None
    medians: Mapping[str, int | None]
    recorded: pd.DataFrame  # the current consensus's record (empty: none yet)
    previous: tuple[str, Mapping[str, int]] | None = None  # an earlier round's return levels


def _respondent_table(people: list[responses.Respondent]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [p.name for p in people],
            "Role": [p.role_label for p in people],
            "Email": [p.email or "(named entry)" for p in people],
            "Response": [p.status for p in people],
            "Started from": [f"round {p.copied_from}" if p.copied_from else "" for p in people],
        }
    )


def consensus_view(
    db: str, viewer: Viewer, authority_code: str, round_id: str | None, model: Model
) -> ConsensusView:
    empty = pd.DataFrame()
    if round_id is None or not responses.is_lead(db, viewer, authority_code):
        return ConsensusView(False, authority_code, round_id, empty, 0, 0, None, {}, empty)
    people = responses.respondents(db, viewer, authority_code, round_id)
    begun = consensus.start(db, viewer, authority_code, round_id)
    others = (
        _others(list(begun.respondents), begun.ratings, model, named=True)
        if begun.respondents
        else None
    )
    record = consensus.consensus_levels(db, viewer)
    record = record[
        (record["authority_code"] == authority_code)
        & (record["round_id"] == round_id)
        & (record["status"] == "submitted")
    ]
    return ConsensusView(
        True,
        authority_code,
        round_id,
        _respondent_table(people),
        len(people),
        len(begun.respondents),
        others,
        dict(begun.medians),
        record_table(record, model),
        consensus.previous_levels(db, viewer, authority_code, round_id),
    )


def record_table(record: pd.DataFrame, model: Model) -> pd.DataFrame:
    """A consensus record for people: Dimension, Respondents' median, Level set, Reason."""
    if record.empty:
        return pd.DataFrame()
    by_dim = record.set_index("dimension_id")
    rows = []
    for dimension in model.dimensions:
        if dimension.id not in by_dim.index:
            continue
        row = by_dim.loc[dimension.id]
        median = row["median_level"]
        rows.append(
            {
                "Dimension": dimension.name,
                "Respondents' median": ""
                if pd.isna(median)
                else tables.level_label(int(median), model),
                "Level set": tables.level_label(int(row["level"]), model),
                "Reason": "" if pd.isna(row["reason"]) else str(row["reason"]),
            }
        )
    return pd.DataFrame(rows)


def review_tables(draft: Draft, model: Model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The whole response, read-only, for review and sign-off: per dimension the strand, level,
    (guided) the level the statements give and the reason for another, confidence and evidence
    in full; and the pre-model checklist (item, in place, note)."""
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
                row["The statements give"] = proposal_text(
                    proposed_level(dimension, answer.ticks), model
                )
                row["Reason"] = answer.reason
            row["Confidence"] = answer.confidence or ""
            row["Evidence"] = answer.evidence
            rows.append(row)
    checklist = pd.DataFrame(
        [
            {
                "Item": item.text,
                "In place": {None: "", True: "yes", False: "no"}[
                    draft.checklist_answer(item.id).in_place
                ],
                "Note": draft.checklist_answer(item.id).note,
            }
            for item in model.checklist
        ]
    )
    return pd.DataFrame(rows), checklist


@dataclass(frozen=True)
class ContestedView:
    """How contested each dimension is in a round (consensus against the respondents' median)
    and the respondents per authority (an authority viewer: its own only; the figures across
    England as aggregates under disclosure control)."""

    round_id: str | None
    counts: pd.DataFrame  # Authority, Round, Invited, Started, Submitted
    contested: pd.DataFrame  # Dimension, Consensuses, Differing from the median, Share
    suppressed: int  # dimensions suppressed for this viewer


def contested_view(db: str, viewer: Viewer, round_id: str | None, model: Model) -> ContestedView:
    names = _names(db)
    counts = responses.counts(db, viewer)
    if round_id is not None:
        counts = counts[counts["round_id"] == round_id]
    table = pd.DataFrame(
        {
            "Authority": [f"{names.get(c, c)} ({c})" for c in counts["authority_code"]],
            "Round": list(counts["round_id"]),
            "Invited": [int(v) for v in counts["invited"]],
            "Started": [int(v) for v in counts["drafts"]],
            "Submitted": [int(v) for v in counts["submitted"]],
        }
    )
    if round_id is None:
        return ContestedView(None, table, pd.DataFrame(), 0)
    # every authority's consensus is read for the aggregates; an authority viewer gets only
    # counts under disclosure control (`aggregates.contested_figures`), never the rows
    every = consensus.consensus_levels(db, _READER)
    frame = aggregates.contested_figures(every, viewer, round_id, model)
    shown = pd.DataFrame(
        {
            "Dimension": frame["dimension"],
            "Consensuses": [
                aggregates.SUPPRESSED if s else int(n)
                for s, n in zip(frame["suppressed"], frame["consensuses"], strict=True)
            ],
            "Differing from the median": [
                aggregates.SUPPRESSED if s else int(n)
                for s, n in zip(frame["suppressed"], frame["differing"], strict=True)
            ],
            "Share differing": [
                aggregates.SUPPRESSED if s else ("" if pd.isna(v) else f"{v:.0%}")
                for s, v in zip(frame["suppressed"], frame["share"], strict=True)
            ],
        }
    )
    return ContestedView(round_id, table, shown, int(frame["suppressed"].sum()))
