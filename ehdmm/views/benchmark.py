"""The Peer benchmark view: how the peer group spreads over the four levels per strand (or
dimension) and over the maturity index, where the authority sits, and the peer list.

A national viewer gets it unrestricted, with every member by name; an authority viewer counts,
quartiles and the number of members after disclosure control, and no other authority by name
(see `ehdmm.views.sections`)."""

from __future__ import annotations

from dataclasses import dataclass

from ehdmm.analysis import benchmark
from ehdmm.analysis.rounds import RoundData
from ehdmm.views.scope import Scope
from ehdmm.views.sections import PeerView, Subject

ITEMS: tuple[str, ...] = benchmark.ITEMS
count_text = benchmark.count_text
suppression_rules = benchmark.suppression_rules


@dataclass(frozen=True)
class BenchmarkView(PeerView):
    @property
    def members_text(self) -> str:
        """How many members the group has, without naming them."""
        counts = self.counts
        return benchmark.members_text(counts.members, self.peers_label, counts.in_group)


def build(scope: Scope, data: RoundData) -> BenchmarkView:
    """The peer benchmark of `scope.authority` (an authority viewer: its own only)."""
    return BenchmarkView(Subject.of(scope, data))
