"""Upload of returns through the browser: what each file holds before it is imported, the
import itself (all-or-nothing per file, through `ehdmm.importer.import_returns`), the import log
and the blank templates. No streamlit here: `pages/8_Upload.py` draws what these return."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ehdmm import access, importer, templates
from ehdmm.importer import changes
from ehdmm.model import Model, load_model
from ehdmm.quoting import file_label
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.storage import submissions as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None

READY = "ready to import"
REJECTED = "rejected: fix the errors and upload it again"
NEEDS_CHOICE = "needs your choice: a return lacks dimensions the current return rates"
ALREADY = "imported before: importing it again needs your choice"
UNCHANGED = "changes nothing: the current returns already hold these values"
MERGE_CHOICE, REPLACE_CHOICE = changes.MERGE_CHOICE, changes.REPLACE_CHOICE
CHOICE_LABELS = {
    MERGE_CHOICE: "Merge: correct only the dimensions in the file, keep the others",
    REPLACE_CHOICE: "Replace: the incomplete return replaces the current one whole",
}
FILE_TYPES: tuple[str, ...] = ("csv", "xlsx")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def can_upload(viewer: Viewer) -> bool:
    """Only the national team (a viewer who sees every authority) imports returns."""
    return viewer.sees_all


def _size(size: int | float) -> str:
    """A byte count in words: '20 MB', '1.5 MB', '104 bytes'."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{int(size):,} bytes"


def limit_text(limit: int | None = None) -> str:
    """The upload size limit in words: '20 MB'."""
    return _size(importer.max_import_bytes() if limit is None else limit)


def too_large(name: str, size: int, limit: int | None = None) -> str | None:
    """A clear message when a file is over the size limit, else None."""
    limit = importer.max_import_bytes() if limit is None else limit
    if size <= limit:
        return None
    return (
        f"{name} is {_size(size)}, over the upload limit of {_size(limit)}: nothing was read. "
        "Split it into smaller files."
    )


Choices = tuple[tuple[tuple[str, str], str], ...]
"""Choices for partial returns: ((authority code, round id), MERGE_CHOICE or REPLACE_CHOICE)."""


@dataclass(frozen=True)
class Preview:
    """What one uploaded file holds and what importing it would change, validated against the
    database, with nothing written. `needs_choice` lists the returns that lack dimensions the
    current return rates (whatever was chosen for them), `choices` what was chosen."""

    file_name: str
    size: int
    plan: importer.ImportPlan
    status: str  # READY, REJECTED, NEEDS_CHOICE, ALREADY or UNCHANGED
    data: bytes = field(default=b"", repr=False)
    result: importer.ImportResult | None = field(default=None, repr=False)
    needs_choice: tuple[changes.Change, ...] = ()
    choices: Choices = ()
    reimport: bool = False

    @property
    def importable(self) -> bool:
        return self.status == READY

    @property
    def changes(self) -> list[changes.Change]:
        return self.result.changes if self.result is not None else []


def _dry_run(db: Db, file_name: str, data: bytes, model: Model, **options: object):
    return importer.import_returns(db, [(file_name, data)], dry_run=True, model=model, **options)[0]


def preview(
    db: Db,
    file_name: str,
    data: bytes,
    *,
    round_id: str | None = None,
    create_round: bool = False,
    model: Model | None = None,
    choices: Choices = (),
    reimport: bool = False,
) -> Preview:
    """Read and validate one file as an import would (a dry run, with the choices made for its
    partial returns and whether to import it again), and tell what importing it would do."""
    model = model or load_model()
    options = {"round_id": round_id or None, "create_round": create_round, "reimport": reimport}
    result = _dry_run(db, file_name, data, model, **options)
    needs = tuple(c for c in result.changes if c.kind == changes.REFUSED)
    if needs and choices:
        result = _dry_run(db, file_name, data, model, partial=dict(choices), **options)
    plan = result.plan
    refused = [c for c in result.changes if c.kind == changes.REFUSED]
    if refused:
        status = NEEDS_CHOICE
    elif not plan.ok:
        status = REJECTED
    elif result.previous and not reimport:
        status = ALREADY
    elif not any(c.kind != changes.UNCHANGED for c in result.changes):
        status = UNCHANGED
    else:
        status = READY
    return Preview(
        file_name, len(data), plan, status, data, result, needs, tuple(choices), reimport
    )


def by_status(previews: Sequence[Preview]) -> dict[str, list[Preview]]:
    """The previews by status (every status a key)."""
    out: dict[str, list[Preview]] = {
        s: [] for s in (READY, ALREADY, UNCHANGED, NEEDS_CHOICE, REJECTED)
    }
    for item in previews:
        out[item.status].append(item)
    return out


def choice_question(change: changes.Change, model: Model) -> str:
    """The question asked for a partial return: who, which round, what the file gives and what
    the current return holds."""
    total = len(model.dimension_ids)
    given = ", ".join(model.dimension(d).name for d in change.given or ())
    return (
        f"{change.label}, {change.round_id}: this file rates {len(change.given or ())} of "
        f"{total} dimensions ({given}); the current return rates {len(change.before)}. "
        "What should importing do?"
    )


def choices_stated(previews: Sequence[Preview], model: Model) -> list[str]:
    """What the user chose, in words, to show before the confirm button: per partial return
    merge or replace (and what that keeps or drops), per old file that it is imported again."""
    lines = []
    for item in previews:
        chosen = dict(item.choices)
        for change in item.needs_choice:
            choice = chosen.get((change.authority_code, change.round_id))
            if choice is None:
                continue
            lost = ", ".join(model.dimension(d).name for d in change.lost)
            what = (
                f"merge: the file corrects {len(change.given or ())} dimension(s); {lost} "
                "carried over from the current return"
                if choice == MERGE_CHOICE
                else f"replace: the return becomes incomplete ({lost} no longer rated)"
            )
            lines.append(f"{change.label}, {change.round_id}: {what}")
        if item.reimport and item.status == READY:
            reverted = [c.label for c in item.changes if c.kind != changes.UNCHANGED]
            lines.append(
                f"{item.file_name}: import again (reverts the returns of "
                f"{changes.short_list(reverted)})"
            )
    return lines


def changes_table(previews: Sequence[Preview], model: Model) -> pd.DataFrame:
    """One row per authority and round of the files that can be read: File, Authority, Code,
    Round, Kind, and per strand its level before and after ('Maturing → Developing', gated
    rule)."""
    strands = [s.name for s in model.strands]
    rows = []
    for item in previews:
        for change in item.changes:
            row = {
                "File": item.file_name,
                "Authority": change.authority_name,
                "Code": change.authority_code,
                "Round": change.round_id,
                "Kind": change.kind,
            }
            row.update({s.strand: s.text for s in change.strand_changes(model)})
            rows.append(row)
    return pd.DataFrame(rows, columns=["File", "Authority", "Code", "Round", "Kind", *strands])


def _short_list(values: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def preview_table(previews: Sequence[Preview]) -> pd.DataFrame:
    """One row per file: what was understood (layout, authorities, rounds, counts) and what
    happens on import."""
    rows = []
    for item in previews:
        plan = item.plan
        rows.append(
            {
                "File": item.file_name,
                "Size (KB)": round(item.size / 1024, 1),
                "Layout": plan.layout or "",
                "Sheet": plan.sheet or "",
                "Authorities": len(plan.authorities),
                "Authority codes": _short_list(plan.authorities),
                "Rounds": ", ".join(plan.rounds),
                "New rounds": ", ".join(sorted(plan.rounds_to_create)),
                "Submissions": len(plan.submissions),
                "Ratings": plan.rating_count,
                "Errors": len(plan.errors),
                "Warnings": len(plan.warnings),
                "Outcome": item.status,
            }
        )
    return pd.DataFrame(rows)


def problems_table(previews: Sequence[Preview]) -> pd.DataFrame:
    """Every error and warning of the files: File, Row (as Excel shows it), Column, Severity,
    Problem."""
    rows = [
        {
            "File": problem.file,
            "Row": problem.row,
            "Column": problem.column or "",
            "Severity": problem.severity,
            "Problem": problem.message,
        }
        for item in previews
        for problem in item.plan.problems
    ]
    frame = pd.DataFrame(rows, columns=["File", "Row", "Column", "Severity", "Problem"])
    frame["Row"] = frame["Row"].astype("Int64")
    return frame


def import_file(
    db: Db,
    file_name: str,
    data: bytes,
    *,
    actor: str | None,
    round_id: str | None = None,
    create_round: bool = False,
    model: Model | None = None,
    choices: Choices = (),
    reimport: bool = False,
) -> importer.ImportResult:
    """Import one file, all or nothing, with the choices made for its partial returns and
    whether to import it again; the attempt and its outcome go to the audit log right after."""
    result = importer.import_returns(
        db,
        [(file_name, data)],
        round_id=round_id or None,
        create_round=create_round,
        actor=actor,
        model=model or load_model(),
        partial=dict(choices) or None,
        reimport=reimport,
    )[0]
    access.audit(db, actor or "unknown", "import", audit_detail(result))
    return result


def audit_detail(result: importer.ImportResult) -> str:
    """What an import did, for the audit log: file, outcome, submissions written."""
    written = len(result.submission_ids)
    return f"{file_label(result.plan.file_name)}: {result.outcome}, {written} submission(s) written"


def results_table(results: Sequence[importer.ImportResult]) -> pd.DataFrame:
    """What each import did: File, Outcome, Submissions written, Message."""
    return pd.DataFrame(
        [
            {
                "File": result.plan.file_name,
                "Outcome": result.outcome,
                "Submissions written": len(result.submission_ids),
                "Message": result.message,
            }
            for result in results
        ],
        columns=["File", "Outcome", "Submissions written", "Message"],
    )


def import_log(db: Db) -> pd.DataFrame:
    """The import log for people, newest first: When, Who, File, Hash, Layout, Outcome,
    Submissions, Ratings, Message."""
    with connect(db) as conn:
        log = store.import_log(conn)
    return pd.DataFrame(
        {
            "When": pd.to_datetime(log["logged_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Who": log["actor"].astype(object).where(log["actor"].notna(), ""),
            "File": log["file_name"],
            "Hash (SHA-256)": log["content_hash"],
            "Layout": log["layout"].astype(object).where(log["layout"].notna(), ""),
            "Outcome": log["outcome"],
            "Submissions": log["submissions"],
            "Ratings": log["ratings"],
            "Message": log["message"].astype(object).where(log["message"].notna(), ""),
        }
    )


def rounds_summary(rounds: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Per round (newest first): its label and how many submissions are current, superseded
    and drafts. `rounds` from `reference.rounds`, `history` from `submission_history`."""
    counts = (
        history.groupby(["round_id", "status"]).size().unstack(fill_value=0)
        if not history.empty
        else pd.DataFrame()
    )
    rows = []
    for round_id, label in zip(rounds["id"], rounds["label"], strict=True):
        got = counts.loc[round_id] if round_id in counts.index else {}
        rows.append(
            {
                "Round": round_id,
                "Label": label,
                "Current submissions": int(got.get("submitted", 0)),
                "Superseded": int(got.get("superseded", 0)),
                "Drafts": int(got.get("draft", 0)),
            }
        )
    return pd.DataFrame(
        list(reversed(rows)),
        columns=["Round", "Label", "Current submissions", "Superseded", "Drafts"],
    )


def database_rounds(db: Db, viewer: Viewer) -> pd.DataFrame:
    """`rounds_summary` of the database."""
    with connect(db) as conn:
        rounds = ref.rounds(conn)
        history = store.submission_history(conn, viewer)
    return rounds_summary(rounds, history)


@dataclass(frozen=True)
class Template:
    label: str
    file_name: str
    mime: str
    data: bytes


def template_files(model: Model | None = None) -> list[Template]:
    """The blank templates: both layouts, XLSX (with level drop-downs) and CSV."""
    model = model or load_model()
    out = []
    for layout in templates.LAYOUTS:
        for fmt in ("xlsx", "csv"):
            out.append(
                Template(
                    label=f"{layout.capitalize()} layout ({fmt.upper()})",
                    file_name=f"ehdmm-return-{layout}.{fmt}",
                    mime=MIME[fmt],
                    data=templates.template_bytes(layout, fmt, model),
                )
            )
    return out


def file_type(name: str) -> str:
    """The lower-case suffix of a file name without the dot ('csv')."""
    return Path(name).suffix.lower().lstrip(".")
