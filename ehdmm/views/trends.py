"""The Trends view: change over the rounds for England or the sidebar's peer group (national
viewers only): level shares per round, transitions between two rounds, biggest movers of the
maturity index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from ehdmm.analysis import overview, trends
from ehdmm.analysis.rounds import RoundData
from ehdmm.charts import theme
from ehdmm.charts import trends as charts
from ehdmm.peers import parse_peer_group
from ehdmm.views.parts import Built, ChartParts
from ehdmm.views.scope import Scope

GROUPS: tuple[str, ...] = ("england", "peers")
T = TypeVar("T")


@dataclass(frozen=True)
class Group:
    """England (`members` None) or the peer group: its label, the first part of downloaded
    files' names, and its size per round (authorities with a submission)."""

    members: list[str] | None
    label: str
    prefix: str
    sizes: dict[str, int]

    @property
    def sizes_text(self) -> str:
        return charts.sizes_text(self.sizes)


@dataclass(frozen=True)
class Movers:
    rises: pd.DataFrame
    falls: pd.DataFrame
    rises_stem: str
    falls_stem: str


@dataclass(frozen=True)
class TrendsView(Built):
    scope: Scope
    authority_name: str
    peers_label: str
    rounds: tuple[str, ...]
    items: dict[str, str]  # strand id -> name, 'overall' last
    _data: RoundData = field(repr=False, compare=False)

    @property
    def _history(self) -> pd.DataFrame:
        return self._data.history(self.scope.viewer)

    def _keep(self, choice: str, key: tuple, build: Callable[[], T]) -> T:
        """England's parts are the same for every authority: built once per round's data (see
        `RoundData.kept`); the peer group's, once per view."""
        if choice == "england":
            return self._data.kept(self.scope.viewer, ("trends", *key), build)
        return self._part(key, build)

    def group(self, choice: str) -> Group:
        """England (`choice='england'`) or the sidebar's peer group (`'peers'`)."""

        def build() -> Group:
            scope = self.scope
            if choice == "peers":
                members = self._data.members(scope.viewer, scope.authority, scope.peers)
                label = f"{self.peers_label} ({self.authority_name}) ({len(members)} authorities)"
                prefix = scope.authority
            else:
                members, label, prefix = None, "England", "england"
            sizes = trends.round_sizes(self._history, list(self.rounds), members)
            return Group(members, label, prefix, sizes)

        return self._keep(choice, ("group", choice), build)

    def shares(self, choice: str) -> ChartParts:
        """The share of authorities at each level per strand and round."""

        def build() -> ChartParts:
            model, chosen = self._data.model, self.group(choice)
            table = trends.level_shares(self._history, model, list(self.rounds), chosen.members)
            options = {"sizes": chosen.sizes, "group": chosen.label, "rule": self.scope.rule}
            return ChartParts(
                charts.level_shares_chart(table, model, **options),
                trends.level_shares_table(table),
                stem=theme.file_stem(
                    chosen.prefix, self.scope.round_id, "level-shares", self.scope.rule
                ),
                summary=trends.shares_summary(table, model),
                screen=charts.level_shares_chart(table, model, columns=1, **options),
            )

        return self._keep(choice, ("shares", choice), build)

    def transitions(
        self, choice: str, from_round: str, to_round: str, item: str
    ) -> tuple[ChartParts, str]:
        """The transition matrix of one strand (or overall) between two rounds, and the file
        stem of its table."""
        key = ("transitions", choice, from_round, to_round, item)
        return self._part(key, lambda: self._transitions(choice, from_round, to_round, item))

    def _transitions(
        self, choice: str, from_round: str, to_round: str, item: str
    ) -> tuple[ChartParts, str]:
        scope, model, chosen = self.scope, self._data.model, self.group(choice)
        frame = self._history
        between = f"{from_round}-to-{to_round}"

        def matrix_parts() -> tuple[pd.DataFrame, pd.DataFrame, str]:
            matrix = trends.transition_matrix(
                frame, model, from_round, to_round, item, chosen.members
            )
            return (
                matrix,
                trends.transition_table(matrix, from_round, to_round),
                trends.transition_summary(matrix, self.items[item], from_round, to_round),
            )

        key = ("matrix", choice, from_round, to_round, item)
        matrix, table, summary = self._keep(choice, key, matrix_parts)
        parts = ChartParts(
            charts.transition_chart(
                matrix,
                model,
                from_round=from_round,
                to_round=to_round,
                item_name=self.items[item],
                group=chosen.label,
                rule=scope.rule,
                authority_name=self.authority_name,
                authority_levels=trends.authority_transition(
                    frame, scope.authority, from_round, to_round, item
                ),
            ),
            table,
            stem=theme.file_stem(chosen.prefix, between, f"transitions-{item}", scope.rule),
            summary=summary,
        )
        return parts, theme.file_stem(chosen.prefix, between, f"transition-table-{item}")

    def movers(self, choice: str, from_round: str, to_round: str) -> Movers:
        """The largest rises and falls of the maturity index between two rounds."""

        def build() -> Movers:
            chosen = self.group(choice)
            changes = trends.index_changes(self._history, from_round, to_round, chosen.members)
            up, down = trends.movers(changes, from_round, to_round)
            between = f"{from_round}-to-{to_round}"
            return Movers(
                up,
                down,
                theme.file_stem(chosen.prefix, between, "rises"),
                theme.file_stem(chosen.prefix, between, "falls"),
            )

        return self._keep(choice, ("movers", choice, from_round, to_round), build)


def build(scope: Scope, data: RoundData) -> TrendsView:
    """The Trends page's view (every authority: a national viewer's page)."""
    return TrendsView(
        scope=scope,
        authority_name=data.name(scope.authority),
        peers_label=parse_peer_group(scope.peers).label,
        rounds=data.rounds,
        items=overview.item_names(data.model),
        _data=data,
    )
