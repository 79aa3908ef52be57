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

from ehdmm.authorities import AuthorityIndex
from ehdmm.importer.columns import LongColumns
from ehdmm.importer.common import ImportPlan, ParsedSubmission, gc_paused
from ehdmm.importer.plan import parse_return
from ehdmm.model import Model, load_model
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
        self._codes = {str(code).upper(): str(code) for code in frame["code"]}
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
    plan: ImportPlan
    outcome: str  # imported | no-op | rejected | dry-run
    message: str
    submission_ids: list[int] = field(default_factory=list)


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
) -> list[ImportResult]:
    """Validate and import each (file name, bytes) as its own all-or-nothing unit."""
    with gc_paused():
        return _import_returns(
            db,
            files,
            round_id=round_id,
            create_round=create_round,
            dry_run=dry_run,
            actor=actor,
            sheet=sheet,
            model=model,
        )


def _import_returns(
    db: str | os.PathLike[str] | None,
    files: Sequence[tuple[str, bytes]],
    *,
    round_id: str | None,
    create_round: bool,
    dry_run: bool,
    actor: str | None,
    sheet: str | None,
    model: Model | None,
) -> list[ImportResult]:
    model = model or load_model()
    with connect(db) as conn:
        frame = ref.authorities(conn)
        known_rounds = set(ref.rounds(conn)["id"])
    index = _CodesFirst(frame)
    results = []
    for file_name, data in files:
        plan = parse_return(
            file_name,
            data,
            authorities=index,
            known_rounds=known_rounds,
            round_id=round_id,
            create_round=create_round,
            sheet=sheet,
            model=model,
        )
        if not plan.ok:
            results.append(
                ImportResult(
                    plan,
                    "rejected",
                    f"{plan.file_name}: rejected, {len(plan.errors)} error(s); nothing was written",
                )
            )
            continue
        summary = (
            f"{len(plan.pairs)} submission(s) for {len(plan.authorities)} "
            f"authorit{'y' if len(plan.authorities) == 1 else 'ies'}, "
            f"{plan.rating_count} rating(s), round(s) {', '.join(plan.rounds)}"
        )
        if dry_run:
            results.append(
                ImportResult(
                    plan,
                    "dry-run",
                    f"{plan.file_name}: valid ({plan.layout} "
                    f"layout): {summary}; nothing written (dry run)",
                )
            )
            continue

        def work(conn, plan=plan, summary=summary):
            pairs = plan.pairs
            hashes = store.current_content_hashes(conn, pairs)
            if all(hashes.get(p) == plan.content_hash for p in pairs):
                message = f"{plan.file_name}: already imported (same content); nothing changed"
                store.log_import(
                    conn,
                    actor=actor,
                    file_name=plan.file_name,
                    content_hash=plan.content_hash,
                    layout=plan.layout,
                    outcome="no-op",
                    submissions=0,
                    ratings=0,
                    message=message,
                )
                return ImportResult(plan, "no-op", message)
            for rnd in sorted(plan.rounds_to_create):
                ref.add_round(conn, rnd)
            message = f"{plan.file_name}: imported {summary}"
            import_id = store.log_import(
                conn,
                actor=actor,
                file_name=plan.file_name,
                content_hash=plan.content_hash,
                layout=plan.layout,
                outcome="imported",
                submissions=len(pairs),
                ratings=plan.rating_count,
                message=message,
            )
            subs, ratings, checklist = plan_frames(
                [plan],
                model=model,
                actor=actor,
                import_ids=[import_id],
                submitted_at=datetime.now(),
            )
            ids = store.write_submissions(conn, subs, ratings, checklist)
            return ImportResult(plan, "imported", message, sorted(ids.values()))

        results.append(write_with_retry(db, work))
        known_rounds |= plan.rounds_to_create
    return results
