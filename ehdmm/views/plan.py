"""The Plan view: one authority's targets and improvement plan, per dimension, with its level,
the statements of the levels above it to work towards, its progress against its targets in the
round, and the overview of targets across authorities (aggregates only: counts of authorities
under the disclosure threshold are suppressed for an authority viewer).

Only the authority's own users (and the operator of an install without sign-in) edit; the
national team reads (`PlanView.editable`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ehdmm import disclosure, plans
from ehdmm.analysis import plans as analysis
from ehdmm.analysis.rounds import RoundData
from ehdmm.model import Model
from ehdmm.storage import connect, scoring
from ehdmm.storage import plans as store
from ehdmm.viewer import Viewer
from ehdmm.views.scope import Scope

_READER = Viewer(role="national", email="ehdmm.views.plan")  # reads for aggregates only
READ_ONLY = "The national team reads plans; only the authority's own users edit them."


@dataclass(frozen=True)
class ActionRow:
    """An action as the page draws it (its stored values)."""

    action_id: int
    title: str
    statements: tuple[str, ...]
    owner: str
    due: object  # datetime.date or None
    status: str
    note: str

    def values(self) -> tuple[object, ...]:
        return (self.title, self.statements, self.owner, self.due, self.status, self.note)


@dataclass(frozen=True)
class DimensionPlan:
    """One dimension of the plan: the level now, the target, the levels a target may take, the
    statements an action may work towards (label -> the model's words), and its actions."""

    dimension_id: str
    name: str
    level: int | None
    level_name: str
    target_level: int | None
    target_round: str | None
    target_text: str
    target_levels: tuple[int, ...]
    statements: dict[str, str]
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class PlanView:
    authority: str
    name: str
    round_id: str | None
    editable: bool
    read_only_reason: str
    plan: plans.Plan
    dimensions: tuple[DimensionPlan, ...]
    progress: pd.DataFrame
    overview: pd.DataFrame
    met: pd.DataFrame
    overview_caption: str
    level_names: dict[int, str]
    model: Model

    @property
    def actions_table(self) -> pd.DataFrame:
        """Every action for people and downloads (user text as typed; CSV/XLSX writers
        neutralise it)."""
        return analysis.actions_table(self.plan.actions, self.model)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _actions(frame: pd.DataFrame, dimension_id: str) -> tuple[ActionRow, ...]:
    rows = frame[frame["dimension_id"] == dimension_id]
    out = []
    for row in rows.itertuples(index=False):
        due = None if row.due is None or pd.isna(row.due) else pd.Timestamp(row.due).date()
        statements = tuple(s for s in str(row.statements).split(plans.STATEMENT_SEPARATOR) if s)
        out.append(
            ActionRow(
                int(row.action_id),
                str(row.title),
                statements,
                _text(row.owner),
                due,
                str(row.status),
                _text(row.note),
            )
        )
    return tuple(out)


def _statement_options(model: Model, dimension_id: str, level: int | None) -> dict[str, str]:
    dimension = model.dimension(dimension_id)
    options = {}
    for number, texts in sorted(dimension.statements.items()):
        if level is not None and number <= level:
            continue
        for text in texts:
            options[f"{model.level_names[number]}: {text}"] = text
    return options


def _dimension(model: Model, plan: plans.Plan, dim) -> DimensionPlan:
    level = plan.levels.get(dim.id)
    target = plan.targets[plan.targets["dimension_id"] == dim.id]
    t_level = None if target.empty else int(target["target_level"].iloc[0])
    t_round = None if target.empty else str(target["target_round"].iloc[0])
    names = model.level_names
    return DimensionPlan(
        dimension_id=dim.id,
        name=dim.name,
        level=level,
        level_name=names[level] if level else "not rated",
        target_level=t_level,
        target_round=t_round,
        target_text=f"{names[t_level]} by {t_round}" if t_level else "no target",
        target_levels=tuple(n for n in sorted(names) if level is None or n > level),
        statements=_statement_options(model, dim.id, level),
        actions=_actions(plan.actions, dim.id),
    )


def targets_overview(scope: Scope, model: Model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many targets aim for each level by each round, and how many were met (or not) in
    each round since they were set: aggregates, counts of fewer authorities than the
    disclosure threshold suppressed for an authority viewer."""
    restrict = not scope.viewer.sees_all
    with connect(scope.db) as conn:
        every = store.current_targets(conn, _READER)
        dims = scoring.dimension_levels(conn, _READER) if not every.empty else None
        rounds = store.round_ids(conn)
    aims = analysis.targets_overview(every, model, restrict=restrict)
    if dims is None:
        return aims, pd.DataFrame()
    return aims, analysis.met_by_round(every, dims, rounds, restrict=restrict)


def _overview_caption(viewer: Viewer) -> str:
    text = "How many targets aim for each level by each round, and how many authorities set them"
    if viewer.sees_all:
        return text + "."
    return (
        f"{text}; a count of fewer than {disclosure.threshold()} authorities is suppressed "
        "(shown empty)."
    )


def build(scope: Scope, data: RoundData) -> PlanView:
    """The plan of `scope.authority` for a viewer who may read it (`plans.NotAllowed`
    otherwise)."""
    model = data.model
    plan = plans.read_plan(scope.db, scope.viewer, scope.authority)
    dims = data.own_dimensions(scope.viewer, scope.authority)
    progress = analysis.progress(plan.targets, dims, scope.round_id or "")
    aims, met = targets_overview(scope, model)
    return PlanView(
        authority=scope.authority,
        name=data.name(scope.authority),
        round_id=scope.round_id,
        editable=plans.may_edit(scope.viewer, scope.authority),
        read_only_reason="" if plans.may_edit(scope.viewer, scope.authority) else READ_ONLY,
        plan=plan,
        dimensions=tuple(_dimension(model, plan, d) for d in model.dimensions),
        progress=analysis.progress_table(progress, model),
        overview=aims,
        met=met,
        overview_caption=_overview_caption(scope.viewer),
        level_names=dict(model.level_names),
        model=model,
    )
