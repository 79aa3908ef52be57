"""Writing plans into the database: each file in one transaction (all or nothing), the import log,
and the frames the storage layer writes (`plan_frames`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ehdmm import collection
from ehdmm.authorities import AuthorityIndex
from ehdmm.importer import changes as changes_
from ehdmm.importer.columns import LongColumns
from ehdmm.importer.common import ImportPlan, ParsedSubmission, gc_paused
from ehdmm.importer.plan import parse_return
from ehdmm.model import Model, load_model
from ehdmm.quoting import file_label
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.storage.submissions import CHECKLIST_COLUMNS, RATING_COLUMNS, SUBMISSION_COLUMNS

_SUBMISSION_TYPES = {"key": "int64", "submitted_at": "datetime64[us]", "synthetic": "bool"}


def _column_parts(columns: LongColumns, first_key: int, actor: str | None) -> dict[str, list]:
    """A file read column by column: its submissions' columns and its ratings (an Arrow table),
    with no per-rating objects."""
    count = len(columns.codes)
    order = np.argsort(columns.sub, kind="stable")  # by submission, in file order
    ratings = {
        "key": pa.array(columns.sub[order].astype(np.int64) + first_key),
        "dimension_id": columns.dimension.arrow(order),
        "level": pa.array(columns.level[order]),
        "evidence": columns.evidence.arrow(order),
        "confidence": columns.confidence.arrow(order),
    }
    return {
        "key": list(range(first_key, first_key + count)),
        "authority_code": columns.codes,
        "round_id": columns.rounds,
        "submitted_by": [b or actor for b in columns.submitted_by],
        "note": [None] * count,
        "ratings": ratings,
        "checklist": [],
    }


def _parsed_parts(
    submissions: Sequence[ParsedSubmission], first_key: int, actor: str | None
) -> dict[str, list]:
    """Parsed submissions: their columns, ratings (an Arrow table, text dictionary-encoded) and
    checklist rows."""
    keys = list(range(first_key, first_key + len(submissions)))
    found: dict[str, list] = {name: [] for name in RATING_COLUMNS}
    checklist: list[tuple] = []
    for sub_key, sub in zip(keys, submissions, strict=True):
        for dim_id, rating in sub.ratings.items():
            found["key"].append(sub_key)
            found["dimension_id"].append(dim_id)
            found["level"].append(rating.level)
            found["evidence"].append(rating.evidence)
            found["confidence"].append(rating.confidence)
        for item_id, (in_place, note) in sub.checklist.items():
            checklist.append((sub_key, item_id, in_place, note))
    ratings = {
        "key": pa.array(found["key"], type=pa.int64()),
        "level": pa.array(found["level"], type=pa.int64()),
    }
    for name in ("dimension_id", "evidence", "confidence"):
        ratings[name] = pa.array(found[name], type=pa.string()).dictionary_encode()
    return {
        "key": keys,
        "authority_code": [s.authority_code for s in submissions],
        "round_id": [s.round_id for s in submissions],
        "submitted_by": [s.submitted_by or actor for s in submissions],
        "note": [s.note for s in submissions],
        "ratings": ratings,
        "checklist": checklist,
    }


def plan_frames(
    plans: Sequence[ImportPlan],
    *,
    model: Model,
    actor: str | None,
    import_ids: Sequence[int | None],
    submitted_at: datetime,
) -> tuple[pd.DataFrame, pa.Table, pd.DataFrame]:
    """The submissions, ratings (an Arrow table: its text dictionary-encoded) and checklist
    rows of plans, keyed for `write_submissions`."""
    subs: dict[str, list] = {name: [] for name in SUBMISSION_COLUMNS}
    parts: list[pa.Table] = []
    checklist: list[tuple] = []
    key = 0
    for plan, import_id in zip(plans, import_ids, strict=True):
        columns = plan._columns if plan._parsed is None else None
        if columns is not None:
            found = _column_parts(columns, key + 1, actor)
        else:
            found = _parsed_parts(plan.submissions, key + 1, actor)
        count = len(found["key"])
        key += count
        for name in ("key", "authority_code", "round_id", "submitted_by", "note"):
            subs[name] += found[name]
        for name, value in (
            ("model_version", model.version),
            ("status", "submitted"),
            ("source", "import"),
            ("source_file", Path(plan.file_name).name),
            ("content_hash", plan.content_hash),
            ("submitted_at", submitted_at),
            ("import_id", import_id),
            ("synthetic", False),
        ):
            subs[name] += [value] * count
        checklist += found["checklist"]
        parts.append(pa.table({name: found["ratings"][name] for name in RATING_COLUMNS}))
    empty = pa.table(
        {
            "key": pa.array([], pa.int64()),
            "dimension_id": pa.array([], pa.string()).dictionary_encode(),
            "level": pa.array([], pa.int64()),
            "evidence": pa.array([], pa.string()).dictionary_encode(),
            "confidence": pa.array([], pa.string()).dictionary_encode(),
        }
    )
    return (
        pd.DataFrame(
            {
                name: pd.Series(values, dtype=_SUBMISSION_TYPES.get(name, object))
                for name, values in subs.items()
            },
            columns=SUBMISSION_COLUMNS,
        ),
        pa.concat_tables(parts) if parts else empty,
        pd.DataFrame(checklist, columns=CHECKLIST_COLUMNS).astype({"note": object}),
    )


# ---------------------------------------------------------------------------------------------
# Import into the database


class _CodesFirst:
    """An `AuthorityIndex` built only when needed: a reference that is an ONS code (as most are)
    is resolved from a plain set of codes; anything else goes to the full index (names and DfE
    numbers), built on first use. Resolves exactly as `AuthorityIndex.resolve`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._codes = {str(code).upper(): str(code) for code in frame["code"].to_numpy(object)}
        self._index: AuthorityIndex | None = None

    def resolve(self, value: object) -> str:
        if value.__class__ is str:
            code = self._codes.get(value.strip().upper())
            if code is not None:
                return code
        if self._index is None:
            self._index = AuthorityIndex(self._frame)
        return self._index.resolve(value)


@dataclass
class ImportResult:
    """What became of one file: `outcome` is imported, no-op (imported before, or nothing to
    change), rejected or dry-run; `changes` says per authority and round what the import does
    (or would do), `previous` lists earlier imports of the same content."""

    plan: ImportPlan
    outcome: str  # imported | no-op | rejected | dry-run
    message: str
    submission_ids: list[int] = field(default_factory=list)
    changes: list[changes_.Change] = field(default_factory=list)
    previous: list[changes_.Previous] = field(default_factory=list)
    closed_rounds: list[str] = field(default_factory=list)
    """Closed rounds the file writes into (only with `closed_ok`: the national team's
    deliberate act, for the audit log)."""

    @property
    def already_imported(self) -> bool:
        """True when the same content was imported before (and not re-applied here)."""
        return bool(self.previous) and not self.submission_ids


def import_returns(
    db: str | os.PathLike[str] | None,
    files: Sequence[tuple[str, bytes]],
    *,
    round_id: str | None = None,
    create_round: bool = False,
    dry_run: bool = False,
    actor: str | None = None,
    sheet: str | None = None,
    model: Model | None = None,
    partial: changes_.Partial = None,
    reimport: bool = False,
    closed_ok: bool = False,
) -> list[ImportResult]:
    """Validate and import each (file name, bytes) as its own all-or-nothing unit.

    A return lacking dimensions that the current return rates is refused unless `partial`
    says to merge it or to replace with it; a file whose content was imported before is a
    no-op unless `reimport`; returns that would not change are not written again. A return
    for a round that is closed (and not reopened for its authority) or not open yet is refused
    unless `closed_ok`."""
    options = _Options(
        round_id=round_id,
        create_round=create_round,
        dry_run=dry_run,
        actor=actor,
        sheet=sheet,
        model=model or load_model(),
        partial=changes_.check_partial(partial),
        reimport=reimport,
        closed_ok=closed_ok,
    )
    with gc_paused():
        return _import_returns(db, files, options)


@dataclass(frozen=True)
class _Options:
    round_id: str | None
    create_round: bool
    dry_run: bool
    actor: str | None
    sheet: str | None
    model: Model
    partial: changes_.Partial
    reimport: bool
    closed_ok: bool = False


def _import_returns(
    db: str | os.PathLike[str] | None, files: Sequence[tuple[str, bytes]], options: _Options
) -> list[ImportResult]:
    with connect(db) as conn:
        frame = ref.authorities(conn)
        known_rounds = set(ref.rounds(conn)["id"])
    index = _CodesFirst(frame)
    names = dict(zip(frame["code"].to_numpy(object), frame["name"].to_numpy(object), strict=True))
    results = []
    for file_name, data in files:
        plan = parse_return(
            file_name,
            data,
            authorities=index,
            known_rounds=known_rounds,
            round_id=options.round_id,
            create_round=options.create_round,
            sheet=options.sheet,
            model=options.model,
        )
        if not plan.ok:
            results.append(_rejected(plan))
            continue
        if options.dry_run:
            with connect(db) as conn:
                decision = changes_.decide(conn, plan, options.model, names, options.partial)
                closed = _closed(conn, decision)
            results.append(_checked(plan, decision, options, None, closed))
            continue

        def work(conn, plan=plan):
            decision = changes_.decide(conn, plan, options.model, names, options.partial)
            closed = _closed(conn, decision)
            if closed and not options.closed_ok:
                return decision, closed, None
            return decision, closed, _write(conn, plan, decision, options)

        decision, closed, written = write_with_retry(db, work)
        if closed and not options.closed_ok:
            results.append(_checked(plan, decision, options, None, closed))
            continue
        results.append(_checked(plan, decision, options, written, closed))
        if written:
            known_rounds |= plan.rounds_to_create
    return results


def _closed(conn, decision: changes_.Decision) -> list[tuple[changes_.Change, str]]:
    """The returns the file writes into a round that is not open for their authority, each
    with the reason."""
    written = decision.written
    closed = collection.closed_rounds(conn, {c.round_id for c in written})
    out = []
    for change in written:
        if change.round_id in closed:
            state, reopened = closed[change.round_id]
            if change.authority_code not in reopened:
                reason = collection.refusal_text(
                    state, change.round_id, change.authority_code, change.authority_name
                )
                out.append((change, reason))
    return out


def _checked(
    plan: ImportPlan,
    decision: changes_.Decision,
    options: _Options,
    written: list[int] | None,
    closed: list[tuple[changes_.Change, str]],
) -> ImportResult:
    """The result, after the rounds' states: a return for a closed round refuses the file
    unless `closed_ok` (then the result names the closed rounds written into)."""
    if closed and not options.closed_ok:
        for change, reason in closed:
            plan.add(
                change.first_row,
                None,
                f"{reason} (From the command line, --closed-ok imports into it anyway.)",
            )
        return _rejected(plan, decision)
    result = _result(plan, decision, options, written)
    result.closed_rounds = sorted({change.round_id for change, _ in closed})
    return result


def _rejected(plan: ImportPlan, decision: changes_.Decision | None = None) -> ImportResult:
    return ImportResult(
        plan,
        "rejected",
        f"{file_label(plan.file_name)}: rejected, {len(plan.errors)} error(s); nothing was written",
        changes=decision.changes if decision else [],
        previous=decision.previous if decision else [],
    )


def _noop_reason(decision: changes_.Decision, options: _Options) -> str | None:
    """Why importing changes nothing (None: it changes something)."""
    if decision.refused:
        return None
    if decision.previous and not options.reimport:
        earlier = decision.previous[0].describe()
        text = f"already imported {earlier}"
        if len(decision.previous) > 1:
            text += f" and {len(decision.previous) - 1} more time(s) since"
        changing = decision.changing
        if not changing:
            return text + "; nothing changed"
        reverted = changes_.short_list([f"{c.label} for {c.round_id}" for c in changing])
        return (
            f"{text}; later imports or submissions changed the returns since, and importing it "
            f"again would revert those of {reverted}; nothing changed (give --reimport to apply "
            "it again)"
        )
    if not decision.written:
        held = changes_.short_list([f"{c.label} for {c.round_id}" for c in decision.changes])
        return f"nothing to import: the current returns of {held} already hold these values"
    return None


def _summary(plan: ImportPlan, decision: changes_.Decision) -> str:
    """'2 submission(s) for 2 authorities, 16 rating(s), round(s) 2026-03: Sefton (E08000014)
    2026-03 replacement, ...; unchanged: Leeds (E08000035)'."""
    written = decision.written
    codes = {c.authority_code for c in written}
    ratings = sum(len(c.after) for c in written)
    rounds = sorted({c.round_id for c in written})
    what = changes_.short_list(
        [f"{c.label} {c.round_id} {c.kind}" for c in decision.changes if c.kind != "unchanged"]
    )
    text = (
        f"{len(written)} submission(s) for {len(codes)} "
        f"authorit{'y' if len(codes) == 1 else 'ies'}, {ratings} rating(s), "
        f"round(s) {', '.join(rounds)}: {what}"
    )
    unchanged = [c.label for c in decision.changes if c.kind == changes_.UNCHANGED]
    if unchanged:
        text += f"; unchanged: {changes_.short_list(unchanged)}"
    return text


def _write(
    conn, plan: ImportPlan, decision: changes_.Decision, options: _Options
) -> list[int] | None:
    """Write what the decision says (in the caller's transaction): None when the file is
    refused, [] when it is a no-op (logged), else the ids of the submissions written."""
    if decision.refused:
        return None
    reason = _noop_reason(decision, options)
    if reason is not None:
        store.log_import(
            conn,
            actor=options.actor,
            file_name=plan.file_name,
            content_hash=plan.content_hash,
            layout=plan.layout,
            outcome="no-op",
            submissions=0,
            ratings=0,
            message=f"{file_label(plan.file_name)}: {reason}",
        )
        return []
    rounds = {c.round_id for c in decision.written}
    for rnd in sorted(plan.rounds_to_create & rounds):
        ref.add_round(conn, rnd)
    import_id = store.log_import(
        conn,
        actor=options.actor,
        file_name=plan.file_name,
        content_hash=plan.content_hash,
        layout=plan.layout,
        outcome="imported",
        submissions=len(decision.written),
        ratings=sum(len(c.after) for c in decision.written),
        message=f"{file_label(plan.file_name)}: imported {_summary(plan, decision)}",
    )
    writing = decision.writing_plan(plan)
    subs, ratings, checklist = plan_frames(
        [writing],
        model=options.model,
        actor=options.actor,
        import_ids=[import_id],
        submitted_at=datetime.now(),
    )
    ids = store.write_submissions(conn, subs, ratings, checklist)
    return sorted(ids.values())


def _result(
    plan: ImportPlan,
    decision: changes_.Decision,
    options: _Options,
    written: list[int] | None,
) -> ImportResult:
    """The result of a file whose plan is valid: refused, no-op, imported or a dry run."""
    if decision.refused:
        for change in decision.refused:
            plan.add(change.first_row, None, changes_.refusal(change, options.model))
        return _rejected(plan, decision)
    reason = _noop_reason(decision, options)
    extra = {"changes": decision.changes, "previous": decision.previous}
    if written is None:  # a dry run
        what = reason or f"would import {_summary(plan, decision)}"
        message = f"{file_label(plan.file_name)}: valid ({plan.layout} layout): {what}"
        message += "; nothing written (dry run)"
        return ImportResult(plan, "dry-run", message, **extra)
    if reason is not None:
        return ImportResult(plan, "no-op", f"{file_label(plan.file_name)}: {reason}", **extra)
    message = f"{file_label(plan.file_name)}: imported {_summary(plan, decision)}"
    return ImportResult(plan, "imported", message, written, **extra)
