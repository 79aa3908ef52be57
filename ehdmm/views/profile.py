"""The Authority profile view: one authority's headline (overall level, index, rank and
percentile in its peer group), its levels against the peer-group and England medians, strand
cards with what the next level asks, its trajectory across rounds, evidence notes and
checklist answers; and, shared with the Peer benchmark view, the group's distribution over the
levels, its maturity index and (national viewers) its members.

It holds everything the authority's report shows about the authority, so a report can be
rendered from it (`ProfileView.about` names the authority for a report's title page).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from ehdmm import disclosure, plans, wording
from ehdmm.analysis import core, profile, spread
from ehdmm.analysis import plans as plan_analysis
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import profile as charts
from ehdmm.charts.targets import trajectory_with_targets, with_targets
from ehdmm.storage import connect
from ehdmm.storage import plans as plan_store
from ehdmm.storage import responses as responses_store
from ehdmm.viewer import Viewer
from ehdmm.views.parts import ChartParts
from ehdmm.views.scope import Scope
from ehdmm.views.sections import Levels, PeerView, Subject

ITEMS: tuple[str, ...] = profile.ITEMS
MODES: tuple[str, ...] = ("overall", "strands")
MEASURES_ILLEGIBLE = profile.MEASURES_ILLEGIBLE


@dataclass(frozen=True)
class About:
    """Public facts about the authority: for a report's title page."""

    name: str
    region: str
    la_type: str
    la_number: int | None


@dataclass(frozen=True)
class Headline:
    """Overall level (name), maturity index (two decimals, '' when incomplete), whether the
    authority is a member of the peer group, its rank in words and what the rank is over (or
    why it is suppressed)."""

    overall: str
    index: str
    in_group: bool
    rank: wording.RankWords
    rank_caption: str


@dataclass(frozen=True)
class Trajectory:
    """The authority over every round with submissions: one row per round (`frame`: submitted,
    strands, overall, index), the table for people and one sentence."""

    frame: pd.DataFrame
    table: pd.DataFrame
    summary: str
    rounds_submitted: list[str]


@dataclass(frozen=True)
class Priorities:
    """Per dimension: the level, the peer and England medians (under disclosure control) and
    the gap to each, sorted by the gap to the peer group; the top priorities as cards with the
    next level's statements and the strand's MEASURES; the table for people and downloads."""

    frame: pd.DataFrame
    table: pd.DataFrame
    cards: tuple[plan_analysis.PriorityCard, ...]
    summary: str


@dataclass(frozen=True)
class Respondents:
    """Per dimension the count of respondents at each level, the agreed level and the
    disagreement flag (`spread.report_spread`; empty without submitted responses), and how many
    responses it counts."""

    spread: pd.DataFrame
    counted: int


@dataclass(frozen=True)
class Beside:
    """What a profile shows beside the round's data, read through the viewer: the current
    targets and plan actions of some authorities, and (`response_levels`, None: not read) the
    levels of the round's submitted responses. A batch of reports reads it once for every
    authority (`read_beside`); a page's view reads its own authority's."""

    targets: pd.DataFrame
    actions: pd.DataFrame
    response_levels: pd.DataFrame | None = None

    def of(self, authority: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The authority's targets and actions, as stored (found through an index of each
        frame's rows by authority, made on first use: a page's `Beside` holds every authority
        the viewer may read)."""
        targets, actions = self._rows
        return (
            core.authority_rows(self.targets, targets, authority).reset_index(drop=True),
            core.authority_rows(self.actions, actions, authority).reset_index(drop=True),
        )

    @cached_property
    def _rows(self) -> tuple[dict, dict]:
        return core.rows_index(self.targets), core.rows_index(self.actions)


def read_beside(
    db: str,
    viewer: Viewer,
    codes: list[str] | None,
    round_id: str | None,
    *,
    responses: bool = True,
) -> Beside:
    """The targets and actions of `codes` (None: of every authority the viewer may read), and
    with `responses` the round's response levels, in one connection."""
    with connect(db) as conn:
        targets = plan_store.current_targets(conn, viewer, codes)
        actions = plan_store.current_actions(conn, viewer, codes)
        levels = (
            responses_store.round_levels(conn, viewer, round_id)
            if responses and round_id is not None
            else None
        )
    return Beside(targets, actions, levels)


def respondents_of(view: ProfileView) -> Respondents:
    scope = view.scope
    if scope.round_id is None:
        return Respondents(pd.DataFrame(), 0)
    levels = view.beside.response_levels
    if levels is None:
        with connect(scope.db) as conn:
            levels = responses_store.round_levels(conn, scope.viewer, scope.round_id)
    own = levels[levels["authority_code"] == scope.authority]
    if own.empty:
        return Respondents(pd.DataFrame(), 0)
    ratings = view.subject.data.ratings(scope.viewer, scope.authority)
    agreed = ratings[["dimension_id", "level"]].dropna(subset=["level"])
    table = spread.report_spread(
        own, {d: int(v) for d, v in agreed.itertuples(index=False)}, view.subject.model
    )
    return Respondents(table, int(own.groupby("dimension_id").size().max()))


@dataclass(frozen=True)
class Progress:
    """The authority's targets and its progress against them in the round, and its improvement
    plan's actions (each empty without any, or for a viewer who may not read them)."""

    frame: pd.DataFrame
    table: pd.DataFrame
    actions: pd.DataFrame


def _strand_targets(view: ProfileView) -> list[tuple[int, str, int, str]]:
    """Each target as (its strand's position, dimension name, level, round)."""
    model = view.subject.model
    strands = list(model.strand_ids)
    return [
        (
            strands.index(model.dimension(row.dimension_id).strand_id),
            model.dimension(row.dimension_id).name,
            int(row.target_level),
            str(row.target_round),
        )
        for row in view.progress.frame.itertuples(index=False)
    ]


def _with_targets(view: ProfileView, base: Levels) -> Levels:
    model = view.subject.model
    names = {d.id: d.name for d in model.dimensions}
    targets = {
        names[row.dimension_id]: (
            int(row.target_level),
            model.level_names[int(row.target_level)],
            str(row.target_round),
        )
        for row in view.progress.frame.itertuples(index=False)
    }
    items = list(base.values["item_name"])
    column = [
        f"{targets[i][0]} {targets[i][1]} by {targets[i][2]}" if i in targets else "" for i in items
    ]
    table = base.table.assign(Target=column)
    summary = base.summary + f" Targets are set for {len(targets)} of {len(items)} dimensions."

    def chart(parts: ChartParts) -> ChartParts:
        return ChartParts(with_targets(parts.fig, items, targets), table, parts.stem, summary)

    return replace(
        base, table=table, summary=summary, _draw=lambda kind: chart(getattr(base, kind))
    )


def priorities_of(subject: Subject, values: pd.DataFrame) -> Priorities:
    frame = plan_analysis.priorities(values)
    cards = plan_analysis.priority_cards(frame, subject.model, subject.peers_label)
    if cards:
        summary = f"{subject.name}'s top priorities, furthest behind {subject.peers_label}: " + (
            ", ".join(c.dimension for c in cards) + "."
        )
    else:
        summary = f"{subject.name} is at or above the medians in every dimension."
    return Priorities(
        frame, plan_analysis.priorities_table(frame, subject.peers_label), tuple(cards), summary
    )


@dataclass(frozen=True)
class ProfileView(PeerView):
    about: About
    demo: bool
    no_submission_message: str
    headline: Headline | None  # None without a submission in the round
    cards: tuple[profile.StrandCard, ...]  # empty without a submission
    trajectory: Trajectory
    evidence: pd.DataFrame
    checklist: pd.DataFrame
    checklist_intro: str
    progress: Progress
    beside: Beside = field(repr=False, compare=False)

    def levels_with_targets(self, items: profile.Items = "dimension") -> Levels:
        """`levels`, with the authority's targets as a third trace ("Target") on the radar and
        the dot plot, and a Target column in their table, for dimensions with targets."""
        base = self.levels(items)
        if items != "dimension" or self.progress.frame.empty:
            return base
        return self._part(("levels_targets", items), lambda: _with_targets(self, base))

    @property
    def respondents(self) -> Respondents:
        """The spread of the authority's respondents' submitted responses in the round beside
        its agreed levels (no respondent named; read on first use: only reports show it)."""
        return self._part("respondents", lambda: respondents_of(self))

    @property
    def priorities(self) -> Priorities:
        """Where the authority is furthest behind its peers (built on first use)."""
        return self._part(
            "priorities",
            lambda: priorities_of(self.subject, self.levels("dimension").values),
        )

    def trajectory_chart(self, mode: str = "overall") -> ChartParts:
        """The overall level and index (`mode='overall'`) or the strands over the rounds."""
        if mode not in MODES:
            raise ValueError(f"unknown trajectory mode {mode!r} (use one of: {', '.join(MODES)})")

        def build() -> ChartParts:
            scope, traj = self.scope, self.trajectory
            fig = charts.trajectory_chart(
                traj.frame,
                self.subject.model,
                round_id=scope.round_id,
                n=None,
                rule=scope.rule,
                authority_name=self.authority_name,
                mode=mode,
            )
            if mode == "strands":
                fig = trajectory_with_targets(
                    fig, list(traj.frame["round_id"]), _strand_targets(self)
                )
            return ChartParts(
                fig,
                traj.table,
                stem=self.subject.stem(f"trajectory-{mode}"),
                summary=traj.summary,
            )

        return self._part(("trajectory", mode), build)


def _about(data: RoundData, authority: str) -> About:
    frame = data.catalogue.authorities
    rows = frame[frame["code"] == authority]
    if rows.empty:
        return About(authority, "", "", None)
    row = rows.iloc[0]
    number = row["la_number"]
    return About(
        str(row["name"]),
        str(row["region"]),
        str(row["la_type"]),
        None if pd.isna(number) else int(number),
    )


def build(scope: Scope, data: RoundData, beside: Beside | None = None) -> ProfileView:
    """The profile of `scope.authority` (the viewer must be allowed to see it by name: an
    authority viewer its own authority only, `AccessDenied` otherwise). `beside`: the targets,
    actions and response levels already read (a batch's); read here when not given."""
    subject = Subject.of(scope, data)
    plans.check_read(scope.viewer, scope.authority)
    if beside is None:
        beside = read_beside(scope.db, scope.viewer, [scope.authority], None, responses=False)
    model = subject.model
    viewer, authority = scope.viewer, scope.authority
    traj = profile.trajectory(data.own_history(viewer, authority), authority, data.rounds, model)
    trajectory = Trajectory(
        traj,
        profile.trajectory_table(traj, model),
        profile.trajectory_summary(traj, subject.name, model),
        profile.submitted_rounds(traj),
    )
    headline, cards = None, ()
    if subject.has_submission:
        figures = subject.figures
        overall, index, in_group = profile.own_headline(
            subject.own_levels(), authority, figures.counts.in_group, model
        )
        headline = Headline(
            overall,
            index,
            in_group,
            wording.rank_words(figures.rank),
            profile.rank_caption(figures.rank, subject.peers_label, disclosure.threshold()),
        )
        dims = subject.own_dimensions()
        cards = tuple(profile.strand_cards(dims, subject.own_tidy("strand"), authority, model))
    return ProfileView(
        subject=subject,
        about=_about(data, authority),
        demo=data.demo,
        no_submission_message=profile.no_submission_message(subject.name, scope.round_id, traj),
        headline=headline,
        cards=cards,
        trajectory=trajectory,
        evidence=profile.evidence_table(data.ratings(viewer, authority), model),
        checklist=profile.checklist_table(data.checklist(viewer, authority), model),
        checklist_intro=model.checklist_intro,
        progress=progress_of(scope, data, beside),
        beside=beside,
    )


def progress_of(scope: Scope, data: RoundData, beside: Beside) -> Progress:
    """The authority's targets, its progress in the round and its plan's actions (its own users
    and the national team only: storage filtered them by the viewer)."""
    targets, actions = beside.of(scope.authority)
    dims = data.own_dimensions(scope.viewer, scope.authority)
    frame = plan_analysis.progress(targets, dims, scope.round_id or "")
    return Progress(
        frame,
        plan_analysis.progress_table(frame, data.model),
        plan_analysis.actions_table(actions, data.model),
    )
