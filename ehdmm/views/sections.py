"""What the Authority profile and Peer benchmark views share: the authority a page is about
(`Subject`) and its sections against the peer group (levels against the medians, the group's
distribution over the levels, the maturity index, the peer list).

Own data comes from the round's data through the viewer (`RoundData.levels(viewer)` and the
like); peer and England figures only from `ehdmm.analysis.aggregates.peer_figures`
(disclosure control for an authority viewer); members by name only for a viewer who sees every
authority.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from ehdmm.analysis import aggregates, benchmark, profile
from ehdmm.analysis.aggregates import GroupCounts, PeerFigures
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import benchmark as benchmark_charts
from ehdmm.charts import profile as profile_charts
from ehdmm.charts import theme
from ehdmm.model import Model
from ehdmm.peers import parse_peer_group
from ehdmm.views.parts import Built, ChartParts
from ehdmm.views.scope import Scope


@dataclass(frozen=True)
class Subject:
    """The authority a page is about, in its scope: names, whether it has a current submission
    in the round, and its peer figures as the viewer may see them."""

    scope: Scope
    data: RoundData = field(repr=False, compare=False)
    name: str
    peers_label: str
    has_submission: bool
    figures: PeerFigures = field(repr=False, compare=False)

    @classmethod
    def of(cls, scope: Scope, data: RoundData) -> Subject:
        return cls(
            scope=scope,
            data=data,
            name=data.name(scope.authority),
            peers_label=parse_peer_group(scope.peers).label,
            has_submission=data.has_submission(scope.viewer, scope.authority),
            figures=aggregates.peer_figures(data, scope.viewer, scope.authority, scope.peers),
        )

    @property
    def model(self) -> Model:
        return self.data.model

    @property
    def counts(self) -> GroupCounts:
        return self.figures.counts

    def stem(self, kind: str, rule: bool = True) -> str:
        """A download's file stem: E06000023_2026-03_<kind>_gated."""
        scope = self.scope
        return theme.file_stem(scope.authority, scope.round_id, kind, scope.rule if rule else None)

    def own_levels(self) -> pd.DataFrame:
        """The authority's wide levels in the round (no row without a submission)."""
        return self.data.own_levels(self.scope.viewer, self.scope.authority)

    def own_dimensions(self) -> pd.DataFrame:
        """The authority's tidy dimension levels in the round."""
        return self.data.own_dimensions(self.scope.viewer, self.scope.authority)

    def own_tidy(self, items: profile.Items) -> pd.DataFrame:
        """The authority's tidy levels (authority_code, round_id, item_id, level)."""
        return profile.item_tidy(self.own_levels(), self.own_dimensions(), self.model, items)


@dataclass(frozen=True)
class Levels:
    """The authority's levels of dimensions or strands against the peer-group and England
    medians: the values, their table and one-sentence summary, notes for a median suppressed
    on every item, the items without a level, and the radar with its dot-plot twin (each drawn
    on first use: a report needs the strands' table but not their charts)."""

    items: str
    values: pd.DataFrame
    table: pd.DataFrame
    summary: str
    notes: dict[str, str | None]
    missing: list[str]
    _draw: Callable[[str], ChartParts] = field(repr=False, compare=False)
    peers_are_england: bool = False  # the peer median is England's: drawn once

    @property
    def peer_shown(self) -> bool:
        """Whether the charts draw a peer median besides England's."""
        return self.notes["peer"] is None and not self.peers_are_england

    @cached_property
    def radar(self) -> ChartParts:
        return self._draw("radar")

    @cached_property
    def dots(self) -> ChartParts:
        return self._draw("dots")


def levels(subject: Subject, items: profile.Items) -> Levels:
    scope, figures, model = subject.scope, subject.figures, subject.model
    values = profile.comparison_from(
        subject.own_tidy(items),
        scope.authority,
        figures.medians("peer", items),
        figures.medians("england", items),
        model,
        items,
    )
    notes = profile.median_notes(values, aggregates.suppressed_note())
    england = parse_peer_group(scope.peers).kind == "england"
    options = {
        "round_id": scope.round_id,
        "n": figures.counts.submitted,
        "rule": scope.rule,
        "authority_name": subject.name,
        "peers_label": subject.peers_label,
        "england_n": figures.england.submitted,
        "peer_note": notes["peer"],
        "england_note": notes["england"],
        "peers_are_england": england,
    }
    table = profile.comparison_table(values, subject.name, subject.peers_label)
    summary = profile.comparison_summary(values, subject.name, subject.peers_label, items)
    make = {"radar": profile_charts.radar, "dots": profile_charts.dot_plot}

    def draw(kind: str) -> ChartParts:
        fig = make[kind](values, model, **options)
        return ChartParts(fig, table, subject.stem(f"{kind}-{items}"), summary)

    missing = profile.missing_items(values)
    return Levels(items, values, table, summary, notes, missing, draw, england)


@dataclass(frozen=True)
class Distribution:
    """The peer group's members at each level per item (after disclosure control for an
    authority viewer), where the authority sits in words, and the chart."""

    items: str
    frame: pd.DataFrame
    position: str
    chart: ChartParts


def _distribution_chart(
    subject: Subject, dist: pd.DataFrame, columns: int | None = None
) -> go.Figure:
    scope = subject.scope
    return benchmark_charts.distribution_chart(
        dist,
        subject.model,
        round_id=scope.round_id,
        n=subject.counts.submitted,
        rule=scope.rule,
        authority_name=subject.name,
        peers_label=subject.peers_label,
        has_submission=subject.has_submission,
        columns=columns,
    )


def distribution(subject: Subject, items: profile.Items) -> Distribution:
    model = subject.model
    dist = subject.figures.distribution(items)
    return Distribution(
        items,
        dist,
        benchmark.position_text(dist, subject.name, model, subject.has_submission),
        ChartParts(
            _distribution_chart(subject, dist),
            benchmark.distribution_table(dist, subject.name),
            stem=subject.stem(f"distribution-{items}"),
            summary=benchmark.distribution_summary(dist),
            screen=_distribution_chart(subject, dist, columns=1),
        ),
    )


@dataclass(frozen=True)
class Index:
    """The peer group's maturity index: every member as a named point for a viewer who sees
    all (`points`), otherwise the quartiles (`quartiles`; None when suppressed). `summary` is
    one sentence, `chart` None when suppressed, `table` the figures for people."""

    points: pd.DataFrame | None
    quartiles: aggregates.IndexSummary | None
    summary: str
    table: pd.DataFrame
    chart: ChartParts | None


def index(subject: Subject) -> Index:
    scope = subject.scope
    if scope.viewer.sees_all:
        members = subject.data.members(scope.viewer, scope.authority, scope.peers)
        points = benchmark.index_points(subject.data.levels(scope.viewer), members, scope.authority)
        table = benchmark.index_table(points)
        summary = benchmark.index_summary(points, subject.name)
        chart = benchmark_charts.index_strip(
            points,
            round_id=scope.round_id,
            n=len(points),
            rule=scope.rule,
            authority_name=subject.name,
            peers_label=subject.peers_label,
        )
        return Index(
            points, None, summary, table, ChartParts(chart, table, subject.stem("index"), summary)
        )
    quartiles = subject.figures.index
    if quartiles is None:
        own = profile.own_headline(
            subject.own_levels(), scope.authority, subject.counts.in_group, subject.model
        )[1]
        table = pd.DataFrame(
            {
                "Statistic": ["Lower quartile", "Median", "Upper quartile", subject.name],
                "Maturity index": [aggregates.SUPPRESSED] * 3 + [own or benchmark.NO_INDEX],
            }
        )
        summary = f"The maturity index of {subject.peers_label}: {aggregates.suppressed_note()}."
        return Index(None, None, summary, table, None)
    table = benchmark.index_quartiles_table(quartiles, subject.name)
    summary = benchmark.index_quartiles_summary(quartiles, subject.name)
    chart = benchmark_charts.index_box(
        quartiles,
        round_id=scope.round_id,
        rule=scope.rule,
        authority_name=subject.name,
        peers_label=subject.peers_label,
    )
    return Index(
        None,
        quartiles,
        summary,
        table,
        ChartParts(chart, table, subject.stem("index-quartiles"), summary),
    )


def peer_list(subject: Subject) -> tuple[pd.DataFrame, str]:
    """Every member of the peer group by name and its file stem; a viewer who sees every
    authority only (`PermissionError` otherwise)."""
    scope = subject.scope
    if not scope.viewer.sees_all:
        raise PermissionError("The peer list names other authorities: national users only.")
    data = subject.data
    members = data.members(scope.viewer, scope.authority, scope.peers)
    # the group's table is the same for each of its members but for the "Chosen" mark
    shared = data.kept(
        scope.viewer,
        ("peer_table", tuple(members)),
        lambda: benchmark.peer_table(
            data.levels(scope.viewer), data.catalogue.authorities, members, subject.model
        ),
    )
    table = shared.copy()
    table["Chosen"] = ["yes" if code == scope.authority else "" for code in table["ONS code"]]
    return table, subject.stem("peers")


@dataclass(frozen=True)
class PeerView(Built):
    """An authority among its peers: what the Authority profile and Peer benchmark views
    share. The sections that depend on a page's own choice (items) are built on first use."""

    subject: Subject

    @property
    def scope(self) -> Scope:
        return self.subject.scope

    @property
    def authority_name(self) -> str:
        return self.subject.name

    @property
    def peers_label(self) -> str:
        return self.subject.peers_label

    @property
    def has_submission(self) -> bool:
        return self.subject.has_submission

    @property
    def counts(self) -> GroupCounts:
        return self.subject.figures.counts

    @property
    def withheld(self) -> str | None:
        """Why every peer figure is withheld (an authority viewer, an unpublished round)."""
        return self.subject.figures.withheld

    @property
    def england(self) -> GroupCounts:
        return self.subject.figures.england

    def levels(self, items: profile.Items = "dimension") -> Levels:
        """Levels against the peer-group and England medians (dimensions or strands)."""
        return self._part(("levels", items), lambda: levels(self.subject, items))

    def distribution(self, items: profile.Items = "strand") -> Distribution:
        """The peer group's members at each level (strands or dimensions)."""
        return self._part(("distribution", items), lambda: distribution(self.subject, items))

    @property
    def index(self) -> Index:
        """The peer group's maturity index (points, or quartiles for an authority viewer)."""
        return self._part("index", lambda: index(self.subject))

    @property
    def peer_list(self) -> tuple[pd.DataFrame, str]:
        """The peer group's members by name (national viewers only)."""
        return self._part("peer_list", lambda: peer_list(self.subject))
