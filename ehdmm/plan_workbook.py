"""An authority's targets and plan as an XLSX workbook, for those who work in Excel: written by
`plan export` (and the Plan page), read back by `plan import` (and the Plan page's upload).

Sheets: `Targets` (authority_code, dimension, target_level, target_round: one row per dimension
with a target) and `Actions` (authority_code, dimension, title, statement, owner, due, status,
note: one row per action; several statements one per line in the cell).

Reading follows the returns' standards: the file's size and the workbook's unpacked size are
bounded and the sheets read as a stream (`ehdmm.importer.xlsx`); every problem names the file,
the row as Excel shows it and the column; a file with any error writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ehdmm import plans
from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.export.tables import xlsx_bytes
from ehdmm.importer.common import (
    Problem,
    Reject,
    header_key,
    is_filled,
    max_import_bytes,
    size_text,
)
from ehdmm.importer.xlsx import read_xlsx
from ehdmm.model import Model
from ehdmm.quoting import shown
from ehdmm.viewer import Viewer

TARGET_COLUMNS = ["authority_code", "dimension", "target_level", "target_round"]
ACTION_COLUMNS = [
    "authority_code",
    "dimension",
    "title",
    "statement",
    "owner",
    "due",
    "status",
    "note",
]
SHEETS = {"Targets": TARGET_COLUMNS, "Actions": ACTION_COLUMNS}


def plan_frames(plan: plans.Plan) -> dict[str, pd.DataFrame]:
    """The Targets and Actions sheets of one authority's plan."""
    targets = pd.DataFrame(
        {
            "authority_code": plan.targets["authority_code"].astype(object),
            "dimension": plan.targets["dimension_id"].astype(object),
            "target_level": plan.targets["target_level"].astype("Int64"),
            "target_round": plan.targets["target_round"].astype(object),
        },
        columns=TARGET_COLUMNS,
    )
    actions = plan.actions
    due = pd.to_datetime(actions["due"]).dt.strftime("%Y-%m-%d") if len(actions) else []
    frame = pd.DataFrame(
        {
            "authority_code": actions["authority_code"].astype(object),
            "dimension": actions["dimension_id"].astype(object),
            "title": actions["title"].astype(object),
            "statement": actions["statements"].astype(object),
            "owner": actions["owner"].astype(object),
            "due": pd.Series(due, index=actions.index, dtype=object),
            "status": actions["status"].astype(object),
            "note": actions["note"].astype(object),
        },
        columns=ACTION_COLUMNS,
    )
    return {"Targets": targets, "Actions": frame.where(frame.notna(), None)}


def workbook_bytes(plan: plans.Plan, authority_name: str) -> bytes:
    """The plan as XLSX (every text cell neutralised against formulas)."""
    frames = plan_frames(plan)
    notes = {
        "Targets": "one row per dimension with a target: level 1-4 and the round (YYYY-MM) by "
        "which the authority aims to reach it",
        "Actions": "one row per action; statement: the model's statements it works towards, one "
        f"per line; status: {', '.join(plans.STATUSES)}; due: YYYY-MM-DD",
    }
    return xlsx_bytes(
        frames, notes=notes, title=f"Improvement plan: {authority_name}", round_id=None
    )


@dataclass
class PlanFile:
    """What a plan workbook holds once checked: targets and actions per authority, and every
    problem found (any error: nothing is written)."""

    file_name: str
    targets: list[tuple[str, plans.TargetInput]] = field(default_factory=list)
    actions: list[tuple[str, plans.Action]] = field(default_factory=list)
    plans_read: dict[str, plans.Plan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.file_name, row, column, message))


def _table(rows, wanted: list[str], result: PlanFile, sheet: str):
    """The sheet's header (its columns by name) and body rows; problems for missing columns."""
    filled = [(n, r) for n, r in rows if any(is_filled(v) for v in r)]
    if not filled:
        return None, []
    number, header = filled[0]
    columns = {header_key(v): i for i, v in enumerate(header) if is_filled(v)}
    missing = [c for c in wanted if c not in columns]
    if missing:
        result.add(number, None, f"sheet {sheet}: no column {', '.join(missing)} in the header")
        return None, []
    return columns, filled[1:]


def _cell(row: list[object], columns: dict[str, int], name: str) -> object:
    index = columns[name]
    return row[index] if index < len(row) else None


def _authority(
    result: PlanFile, index: AuthorityIndex, viewer: Viewer, value: object, number: int
) -> str | None:
    try:
        code = index.resolve(value)
    except AuthorityLookupError as exc:
        result.add(number, "authority_code", str(exc))
        return None
    if not plans.may_edit(viewer, code):
        result.add(
            number,
            "authority_code",
            f"{code} is not your authority: you may import your own authority's plan only",
        )
        return None
    return code


def read_plan_file(
    db: plans.Db, viewer: Viewer, data: bytes, file_name: str, model: Model
) -> PlanFile:
    """Read and check a plan workbook against the database (each authority's current level and
    the latest round); nothing is written here."""
    result = PlanFile(file_name)
    limit = max_import_bytes()
    if len(data) > limit:
        result.add(None, None, f"the file is {size_text(len(data))}, over {size_text(limit)}")
        return result
    sheets = {}
    for name in SHEETS:
        try:
            sheets[name] = read_xlsx(data, name).rows
        except Reject as exc:
            if "there is no sheet" in exc.message:
                continue
            result.add(exc.row, exc.column, exc.message)
            return result
    if not sheets:
        result.add(None, None, "the workbook has neither a 'Targets' nor an 'Actions' sheet")
        return result
    index = AuthorityIndex(plans.authority_codes(db))
    if "Targets" in sheets:
        _read_targets(result, sheets["Targets"], db, viewer, index, model)
    if "Actions" in sheets:
        _read_actions(result, sheets["Actions"], db, viewer, index, model)
    return result


def _plan_of(result: PlanFile, db, viewer: Viewer, code: str) -> plans.Plan:
    if code not in result.plans_read:
        result.plans_read[code] = plans.read_plan(db, viewer, code)
    return result.plans_read[code]


def _read_targets(result: PlanFile, rows, db, viewer, index, model: Model) -> None:
    columns, body = _table(rows, TARGET_COLUMNS, result, "Targets")
    seen: dict[tuple[str, str], int] = {}
    for number, row in body:
        code = _authority(result, index, viewer, _cell(row, columns, "authority_code"), number)
        if code is None:
            continue
        plan = _plan_of(result, db, viewer, code)
        dimension = _cell(row, columns, "dimension")
        dim = model.find_dimension(str(dimension)) if dimension is not None else None
        if dim is None:
            result.add(number, "dimension", f"{shown(dimension)} is not a dimension of the model")
            continue
        try:
            level = plans.parse_target_level(
                model, _cell(row, columns, "target_level"), plan.levels.get(dim.id)
            )
        except plans.PlanError as exc:
            result.add(number, "target_level", str(exc))
            continue
        try:
            rnd = plans.parse_target_round(_cell(row, columns, "target_round"), plan.latest_round)
        except plans.PlanError as exc:
            result.add(number, "target_round", str(exc))
            continue
        if (code, dim.id) in seen:
            result.add(
                number,
                "dimension",
                f"a second target for {dim.name} (the first on row {seen[code, dim.id]})",
            )
            continue
        seen[code, dim.id] = number
        result.targets.append((code, plans.TargetInput(dim.id, level, rnd)))


TITLE_MAX = plans.TITLE_MAX_CHARS
_ACTION_FIELDS = ("title", "statement", "owner", "due", "status", "note")


def _read_actions(result: PlanFile, rows, db, viewer, index, model: Model) -> None:
    columns, body = _table(rows, ACTION_COLUMNS, result, "Actions")
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in body:
        code = _authority(result, index, viewer, _cell(row, columns, "authority_code"), number)
        if code is None:
            continue
        _plan_of(result, db, viewer, code)
        values = {name: _cell(row, columns, name) for name in _ACTION_FIELDS}
        dimension = _cell(row, columns, "dimension")
        action = _checked_action(result, number, model, dimension, values)
        if action is None:
            continue
        key = (code, action.dimension_id, action.title)
        if key in seen:
            result.add(number, "title", f"the same title as row {seen[key]} for this dimension")
            continue
        seen[key] = number
        result.actions.append((code, action))


def _checked_action(result: PlanFile, number: int, model: Model, dimension, values):
    """The row's action, or None after recording its problem (with the column at fault)."""
    dim = model.find_dimension(str(dimension)) if dimension is not None else None
    if dim is None:
        result.add(number, "dimension", f"{shown(dimension)} is not a dimension of the model")
        return None
    checks = (
        (
            "title",
            lambda: plans.checked_text(values["title"], "title", plans.TITLE_MAX_CHARS, True),
        ),
        ("statement", lambda: plans.parse_statements(model, dim.id, values["statement"])),
        ("due", lambda: plans.parse_due(values["due"])),
        ("status", lambda: plans.parse_status(values["status"])),
        ("owner", lambda: plans.checked_text(values["owner"], "owner", plans.OWNER_MAX_CHARS)),
        ("note", lambda: plans.checked_text(values["note"], "note", plans.NOTE_MAX_CHARS)),
    )
    for column, check in checks:
        try:
            check()
        except plans.PlanError as exc:
            result.add(number, column, str(exc))
            return None
    return plans.Action.checked(model, dim.id, **values_for_action(values))


def values_for_action(values: dict[str, object]) -> dict[str, object]:
    return {
        "title": values["title"],
        "statements": values["statement"],
        "owner": values["owner"],
        "due": values["due"],
        "status": values["status"],
        "note": values["note"],
    }
