"""Targets and improvement plans: what an authority aims for, and the actions that get it there.

A **target** is a level per dimension and the round by which the authority aims to reach it
(Casework: Developing by 2027-03). It must be above the authority's current level (its level in
its latest current submission) and at most 4, and its round later than the latest round in the
database. An **action** works towards descriptor statements of the model (the model's own words,
so plans compare across authorities), with a title, an owner (a role), a due date, a status and
a note. Both keep their history: a change is a new row, the old one kept.

Only the authority's own users edit its targets and plan (and the operator of an install
without sign-in, or the command line); the national team reads every plan. Every change is in
the audit log, in the transaction that writes it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ehdmm.model import Model, load_model
from ehdmm.quoting import shown
from ehdmm.rounds import round_problem
from ehdmm.storage import access as audit_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import plans as store
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
STATUSES: tuple[str, ...] = ("planned", "in progress", "done", "dropped")
TITLE_MAX_CHARS = 200
OWNER_MAX_CHARS = 200
NOTE_MAX_CHARS = 2000
STATEMENT_SEPARATOR = "\n"


class PlanError(ValueError):
    """A target or action that cannot be saved, in words naming what and where."""


class NotAllowed(PermissionError):
    """The viewer may not read or change this authority's targets or plan."""


def may_read(viewer: Viewer, authority_code: str) -> bool:
    """The authority's own users and the national team read its targets and plan."""
    return viewer.can_see(authority_code)


def may_edit(viewer: Viewer, authority_code: str) -> bool:
    """Only the authority's own users edit its targets and plan (and, on an install without
    sign-in, its operator): the national team reads them."""
    if viewer.local:
        return True
    return viewer.role == "authority" and viewer.authority_code == authority_code


def check_edit(viewer: Viewer, authority_code: str) -> None:
    if not may_edit(viewer, authority_code):
        if viewer.sees_all:
            raise NotAllowed("the national team reads plans; editing is the authority's own")
        raise NotAllowed("you may change your own authority's targets and plan only")


def check_read(viewer: Viewer, authority_code: str) -> None:
    if not may_read(viewer, authority_code):
        raise NotAllowed("you may see your own authority's targets and plan only")


# ---------------------------------------------------------------------------------------------
# Checking values (pure)


def statement_levels(model: Model, dimension_id: str) -> dict[str, int]:
    """Every descriptor statement of a dimension (the model's words) and its level."""
    dimension = model.dimension(dimension_id)
    return {text: level for level, texts in dimension.statements.items() for text in texts}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_statements(model: Model, dimension_id: str, value: object) -> tuple[str, ...]:
    """The model statements named by `value` (a sequence, or text with one per line), each
    matched with its spaces normalised; `PlanError` for one that is not the model's."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        items: list[str] = []
    elif isinstance(value, str):
        items = [line for line in value.splitlines() if line.strip()]
    else:
        items = [str(v) for v in value if str(v).strip()]
    known = {_squash(text): text for text in statement_levels(model, dimension_id)}
    found: list[str] = []
    for item in items:
        text = known.get(_squash(item))
        if text is None:
            raise PlanError(
                f"{shown(item)} is not one of the model's statements for "
                f"{model.dimension(dimension_id).name} (choose the model's own words)"
            )
        if text not in found:
            found.append(text)
    if not found:
        raise PlanError("choose at least one of the model's statements the action works towards")
    return tuple(found)


def parse_target_level(model: Model, value: object, current: int | None) -> int:
    """A target level: a level of the model, above `current` (the authority's current level)."""
    try:
        level = model.parse_level(value)
    except ValueError:
        text = str(value).strip()
        if re.fullmatch(r"[0-9]+(\.0+)?", text) and float(text) > 4:
            raise PlanError(f"{shown(value)} is above 4: a target is at most 4 (Mature)") from None
        raise PlanError(
            f"{shown(value)} is not a level (use 2, 3 or 4, or Developing, Maturing, Mature)"
        ) from None
    if current is not None and level <= current:
        raise PlanError(
            f"a target must be above the current level ({current} {model.level_names[current]}); "
            f"{level} {model.level_names[level]} is not"
        )
    return level


def parse_target_round(value: object, latest_round: str | None) -> str:
    """A target round: a round id later than `latest_round` (the latest round there is)."""
    text = "" if value is None else str(value).strip()
    problem = round_problem(text)
    if problem:
        raise PlanError(problem)
    if latest_round is not None and text <= latest_round:
        raise PlanError(
            f"the target round {text} must be later than the current round {latest_round}"
        )
    return text


def parse_status(value: object) -> str:
    text = "" if value is None else str(value).strip().lower()
    if text not in STATUSES:
        raise PlanError(f"{shown(value)} is not a status (use {', '.join(STATUSES)})")
    return text


def parse_due(value: object) -> date | None:
    """A due date: a date, or text as YYYY-MM-DD; empty for none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise PlanError(f"{shown(value)} is not a date (write it as YYYY-MM-DD, e.g. 2027-03-31)")


def checked_text(value: object, what: str, limit: int, required: bool = False) -> str | None:
    """Stripped text (None when empty), at most `limit` characters; `required`: not empty."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    if not text:
        if required:
            raise PlanError(f"the {what} is empty: every action needs a {what}")
        return None
    if len(text) > limit:
        raise PlanError(f"the {what} is longer than {limit:,} characters ({len(text):,})")
    return text


@dataclass(frozen=True)
class Action:
    """An action as checked: everything the plan stores about it."""

    dimension_id: str
    title: str
    statements: tuple[str, ...]
    owner: str | None
    due: date | None
    status: str
    note: str | None

    @classmethod
    def checked(
        cls,
        model: Model,
        dimension: object,
        title: object,
        statements: object,
        owner: object = None,
        due: object = None,
        status: object = "planned",
        note: object = None,
    ) -> Action:
        """An action from what a user gave (`PlanError` naming the first problem)."""
        dim = model.find_dimension(str(dimension)) if dimension is not None else None
        if dim is None:
            raise PlanError(f"{shown(dimension)} is not a dimension of the model")
        checked_due = parse_due(due)
        return cls(
            dimension_id=dim.id,
            title=checked_text(title, "title", TITLE_MAX_CHARS, True) or "",
            statements=parse_statements(model, dim.id, statements),
            owner=checked_text(owner, "owner", OWNER_MAX_CHARS),
            due=checked_due,
            status=parse_status(status),
            note=checked_text(note, "note", NOTE_MAX_CHARS),
        )

    def same_as(self, row: pd.Series) -> bool:
        """True when a stored action row says the same."""
        due = row["due"]
        stored_due = None if due is None or pd.isna(due) else pd.Timestamp(due).date()
        return (
            str(row["title"]) == self.title
            and str(row["statements"]) == STATEMENT_SEPARATOR.join(self.statements)
            and _opt(row["owner"]) == self.owner
            and stored_due == self.due
            and str(row["status"]) == self.status
            and _opt(row["note"]) == self.note
        )


def _opt(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Plan:
    """An authority's current targets and actions, with what they are checked against: its
    latest round with a submission and its dimension levels there, and the latest round."""

    authority_code: str
    targets: pd.DataFrame
    actions: pd.DataFrame
    baseline_round: str | None
    levels: dict[str, int]
    latest_round: str | None


def read_plan(db: Db, viewer: Viewer, authority_code: str) -> Plan:
    """The authority's plan, for a viewer who may read it (`NotAllowed` otherwise; `PlanError`
    for an authority that is not in the database)."""
    check_read(viewer, authority_code)
    with connect(db) as conn:
        if not ref.authority_exists(conn, authority_code):
            raise PlanError(f"{shown(authority_code)} is not an authority in the database")
        targets = store.current_targets(conn, viewer, [authority_code])
        actions = store.current_actions(conn, viewer, [authority_code])
        baseline, levels = store.latest_levels(conn, viewer, authority_code)
        rounds = store.round_ids(conn)
    return Plan(authority_code, targets, actions, baseline, levels, rounds[-1] if rounds else None)


def all_targets(db: Db, viewer: Viewer) -> pd.DataFrame:
    """The current targets the viewer may read (every authority's for the national team)."""
    with connect(db) as conn:
        return store.current_targets(conn, viewer)


# ---------------------------------------------------------------------------------------------
# Writing (each change a new row, with its audit entry, in one transaction)


@dataclass(frozen=True)
class TargetInput:
    dimension_id: str
    level: int | None  # None: withdraw
    target_round: str | None


def check_target(model: Model, plan: Plan, dimension: object, level: object, rnd: object):
    """A target checked against the plan's current level and latest round."""
    dim = model.find_dimension(str(dimension)) if dimension is not None else None
    if dim is None:
        raise PlanError(f"{shown(dimension)} is not a dimension of the model")
    current = plan.levels.get(dim.id)
    return TargetInput(
        dim.id,
        parse_target_level(model, level, current),
        parse_target_round(rnd, plan.latest_round),
    )


def _target_detail(model: Model, code: str, target: TargetInput) -> str:
    name = model.dimension(target.dimension_id).name
    if target.level is None:
        return f"{code} {name}: target withdrawn"
    return f"{code} {name}: {model.level_names[target.level]} by {target.target_round}"


def _write_target(conn, model: Model, plan: Plan, target: TargetInput, actor: str, now) -> None:
    store.insert_target(
        conn,
        authority_code=plan.authority_code,
        dimension_id=target.dimension_id,
        target_level=target.level,
        target_round=target.target_round,
        set_in_round=plan.latest_round,
        baseline_level=plan.levels.get(target.dimension_id),
        actor=actor,
        now=now,
    )
    audit_store.append_audit(
        conn, actor, "plan.target", _target_detail(model, plan.authority_code, target)
    )


def set_target(
    db: Db,
    viewer: Viewer,
    actor: str,
    authority_code: str,
    dimension: object,
    level: object,
    target_round: object,
    model: Model | None = None,
) -> TargetInput:
    """Set (or change) a target; the old one is kept as history. `PlanError` for a bad value,
    `NotAllowed` for a viewer who may not edit the authority's plan."""
    model = model or load_model()
    check_edit(viewer, authority_code)
    plan = read_plan(db, viewer, authority_code)
    target = check_target(model, plan, dimension, level, target_round)
    write_with_retry(
        db, lambda conn: _write_target(conn, model, plan, target, actor, datetime.now())
    )
    return target


def withdraw_target(
    db: Db, viewer: Viewer, actor: str, authority_code: str, dimension_id: str, model=None
) -> bool:
    """Withdraw the current target of a dimension (kept as history); False when there is none."""
    model = model or load_model()
    check_edit(viewer, authority_code)
    plan = read_plan(db, viewer, authority_code)
    if not (plan.targets["dimension_id"] == dimension_id).any():
        return False
    target = TargetInput(dimension_id, None, None)
    write_with_retry(
        db, lambda conn: _write_target(conn, model, plan, target, actor, datetime.now())
    )
    return True


def _write_action(conn, model: Model, code: str, action: Action, action_id, actor, now) -> int:
    new_id = store.insert_action(
        conn,
        action_id=action_id,
        authority_code=code,
        dimension_id=action.dimension_id,
        title=action.title,
        statements=STATEMENT_SEPARATOR.join(action.statements),
        owner=action.owner,
        due=action.due,
        status=action.status,
        note=action.note,
        actor=actor,
        now=now,
    )
    what = "new action" if action_id is None else "action changed"
    audit_store.append_audit(
        conn,
        actor,
        "plan.action",
        f"{code} {model.dimension(action.dimension_id).name}: {what} {new_id} "
        f"{shown(action.title)} ({action.status})",
    )
    return new_id


def save_action(
    db: Db,
    viewer: Viewer,
    actor: str,
    authority_code: str,
    action: Action,
    action_id: int | None = None,
    model: Model | None = None,
) -> int | None:
    """Add an action (`action_id` None) or save a new version of one; returns its action id, or
    None when it is unchanged (nothing written)."""
    model = model or load_model()
    check_edit(viewer, authority_code)

    def work(conn) -> int | None:
        if not ref.authority_exists(conn, authority_code):
            raise PlanError(f"{shown(authority_code)} is not an authority in the database")
        if action_id is not None:
            owner = store.action_owner(conn, action_id)
            if owner != authority_code:
                raise NotAllowed(f"action {action_id} is not one of this authority's actions")
            current = store.current_actions(conn, viewer, [authority_code])
            row = current[current["action_id"] == action_id]
            if not row.empty and action.same_as(row.iloc[0]):
                return None
        return _write_action(conn, model, authority_code, action, action_id, actor, datetime.now())

    return write_with_retry(db, work)


# ---------------------------------------------------------------------------------------------
# A whole plan at once (the XLSX import): all or nothing


@dataclass(frozen=True)
class PlanChanges:
    """What importing a plan would write: targets set, actions added and changed (each with the
    authority), and what is the same already."""

    targets: tuple[tuple[str, TargetInput], ...]
    new_actions: tuple[tuple[str, Action], ...]
    changed_actions: tuple[tuple[str, int, Action], ...]
    unchanged: int

    @property
    def empty(self) -> bool:
        return not (self.targets or self.new_actions or self.changed_actions)

    def summary(self) -> str:
        return (
            f"{len(self.targets)} target(s) set, {len(self.new_actions)} action(s) added, "
            f"{len(self.changed_actions)} changed, {self.unchanged} unchanged"
        )


def plan_changes(
    plans: dict[str, Plan],
    targets: Sequence[tuple[str, TargetInput]],
    actions: Sequence[tuple[str, Action]],
) -> PlanChanges:
    """Compare checked rows with the current plans: an action is matched by its authority,
    dimension and title; targets that say the same are left alone."""
    new_targets = []
    for code, target in targets:
        current = plans[code].targets
        same = current[
            (current["dimension_id"] == target.dimension_id)
            & (current["target_level"] == target.level)
            & (current["target_round"] == target.target_round)
        ]
        if same.empty:
            new_targets.append((code, target))
    new, changed, unchanged = [], [], len(targets) - len(new_targets)
    for code, action in actions:
        current = plans[code].actions
        match = current[
            (current["dimension_id"] == action.dimension_id) & (current["title"] == action.title)
        ]
        if match.empty:
            new.append((code, action))
        elif action.same_as(match.iloc[0]):
            unchanged += 1
        else:
            changed.append((code, int(match.iloc[0]["action_id"]), action))
    return PlanChanges(tuple(new_targets), tuple(new), tuple(changed), unchanged)


def apply_changes(
    db: Db, actor: str, plans: dict[str, Plan], changes: PlanChanges, file_name: str, model: Model
) -> None:
    """Write every change of an imported plan in one transaction, with its audit entries."""

    def work(conn) -> None:
        now = datetime.now()
        for code, target in changes.targets:
            _write_target(conn, model, plans[code], target, actor, now)
        for code, action in changes.new_actions:
            _write_action(conn, model, code, action, None, actor, now)
        for code, action_id, action in changes.changed_actions:
            _write_action(conn, model, code, action, action_id, actor, now)
        audit_store.append_audit(
            conn,
            actor,
            "plan.import",
            f"{', '.join(sorted(plans))}: {file_name}: {changes.summary()}",
        )

    write_with_retry(db, work)


def authority_codes(db: Db) -> pd.DataFrame:
    """The authorities (code, name), for resolving a plan file's codes."""
    with connect(db) as conn:
        return ref.authorities(conn)
