"""A round's data, loaded once and shared by every page and report: every authority's levels
under one scoring rule (dimensions, strands, overall, maturity index) in the round and in every
round, the round's ratings and checklist answers, and the public catalogue (authorities, peer
groups, rounds with submissions).

Three loaders, one short connection each, so that a caller can keep each for as long as it
holds:
- `load_catalogue(db)`: what anyone may know (per database state);
- `load_scores(db, rule)`: the one scoring query (`ehdmm.scoring.score`), every round (per
  database state and rule);
- `load_returns(db, round_id)`: the round's ratings with evidence and confidence, and its
  checklist answers (per database state and round).
`RoundData.of` puts them together without reading anything; `load_round` does all of it.

A RoundData holds every authority's data, read by an internal national reader. It hands rows
out only through methods that take the viewer: a national viewer gets every authority, an
authority viewer its own authority's rows and nothing else. Peer figures for an authority
viewer come only from `ehdmm.analysis.aggregates`, which reads the whole round (the private
`_all_*` members below) and returns aggregates after disclosure control.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import pandas as pd

from ehdmm import peers as peer_groups
from ehdmm import scoring
from ehdmm.access import AccessDenied
from ehdmm.analysis import core
from ehdmm.model import Model, load_model
from ehdmm.scoring import Rule
from ehdmm.storage import connect, last_write_token, resolve_db_path
from ehdmm.storage import exports as bulk
from ehdmm.storage import publications as pubs
from ehdmm.storage import reference as ref
from ehdmm.storage import scoring as scored
from ehdmm.storage import submissions as store
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
T = TypeVar("T")

_READER = Viewer(role="national", email="ehdmm.analysis.rounds")
"""Reads every authority's data so that a round can be shared; never leaves this module."""

PEER_LIST_NATIONAL_ONLY = (
    "The members of a peer group are listed for the national team only; other authorities "
    "are shown to you as peer aggregates."
)
META = ["region", "la_type", "la_number"]


@dataclass(frozen=True)
class Catalogue:
    """What anyone may know about the database: every authority (code, name, region, la_type,
    la_number, synthetic; ordered by code), DfE statistical neighbours (closest first), custom
    peer groups (members ordered by code), the rounds with a current submission of any
    authority (oldest first) and whether the data are the synthetic demo set."""

    authorities: pd.DataFrame = field(repr=False)
    neighbours: Mapping[str, tuple[str, ...]] = field(repr=False)
    custom_groups: Mapping[str, tuple[str, ...]] = field(repr=False)
    rounds: tuple[str, ...]
    demo: bool
    published_groups: frozenset[str] = frozenset()
    publications: Mapping[str, str] = field(default_factory=dict)

    def published_on(self, round_id: str | None) -> str | None:
        """When the round's latest publication was made ('2026-03-31 14:02'), None when the
        round has none: authority users' peer aggregates come from it."""
        return self.publications.get(round_id or "")

    def offered_groups(self, viewer: Viewer) -> list[str]:
        """The custom groups the viewer may choose: every one for a viewer who sees every
        authority, the published ones otherwise."""
        if viewer.sees_all:
            return self.group_names
        return [name for name in self.group_names if name in self.published_groups]

    def may_choose(self, viewer: Viewer, peers: str) -> bool:
        """True when the viewer may choose the peer group `peers` (an authority viewer: England,
        its region, its LA type, its neighbours and published custom groups)."""
        group = peer_groups.parse_peer_group(peers)
        if group.kind != "custom":
            return True
        return (group.custom_name or "") in self.offered_groups(viewer)

    @cached_property
    def names(self) -> dict[str, str]:
        """Code -> name of every authority."""
        return dict(zip(self.authorities["code"], self.authorities["name"], strict=True))

    @cached_property
    def labels(self) -> dict[str, str]:
        """Picker labels of the reference (non-synthetic) authorities, by name:
        {code: "Bristol, City of (E06000023, DfE 801)"}."""
        return core.authority_labels(self.authorities)

    @property
    def group_names(self) -> list[str]:
        """The custom peer groups' names, in order."""
        return sorted(self.custom_groups)

    @cached_property
    def _by_column(self) -> dict[str, tuple[dict[str, str], dict[str, list[str]]]]:
        """For 'region' and 'la_type': (code -> value, value -> member codes in code order)."""
        out = {}
        for column in ("region", "la_type"):
            of = dict(zip(self.authorities["code"], self.authorities[column], strict=True))
            groups: dict[str, list[str]] = {}
            for code, value in of.items():
                groups.setdefault(value, []).append(code)
            out[column] = (of, groups)
        return out

    @cached_property
    def _codes(self) -> list[str]:
        return list(self.authorities["code"])

    def members(self, authority: str, peers: str) -> list[str]:
        """Member codes of a peer group (`england`, `region`, `type`, `neighbours`,
        `custom:<name>`) for an authority, ordered by code, the authority itself included (a
        custom group only when it is a member). Membership is public; listing other
        authorities to a viewer is not (see `RoundData.members`)."""
        group = peer_groups.parse_peer_group(peers)
        if group.kind == "england":
            return list(self._codes)
        if group.kind == "custom":
            return list(self.custom_groups.get(group.custom_name or "", ()))
        if group.kind == "neighbours":
            found = {authority, *self.neighbours.get(authority, ())}
        else:
            of, groups = self._by_column["region" if group.kind == "region" else "la_type"]
            found = {*groups.get(of.get(authority), ()), authority}
        return sorted(found)

    def previous_round(self, round_id: str | None) -> str | None:
        """The round with submissions before `round_id` (None for the first or an unknown)."""
        if round_id not in self.rounds:
            return None
        index = self.rounds.index(round_id)
        return self.rounds[index - 1] if index > 0 else None


@dataclass(frozen=True)
class Scores:
    """Every authority's levels in every round under one rule, from one scoring query:
    `levels` (authority_code, authority_name, round_id, submission_id, region, la_type,
    la_number, one column per strand id, overall, index, rated, expected) and `dimensions`
    (authority_code, round_id, one column per dimension id), row for row."""

    rule: Rule
    levels: pd.DataFrame = field(repr=False)
    dimensions: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Returns:
    """A round's ratings (authority_code, dimension_id, level, evidence, confidence) and
    checklist answers (authority_code, item_id, in_place, note), every authority."""

    ratings: pd.DataFrame = field(repr=False)
    checklist: pd.DataFrame = field(repr=False)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python strings in NumPy object arrays: the round's frames are filtered
    and taken from on every new authority, which is many times faster than on Arrow-backed
    text (pandas 3's default for what DuckDB returns)."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def load_catalogue(db: Db) -> Catalogue:
    """The catalogue of the database, in one connection."""
    with connect(db) as conn:
        authorities = ref.authorities(conn)
        links = ref.neighbour_links(conn)
        custom = ref.custom_group_members(conn)
        names = list(ref.custom_groups(conn)["name"])
        rounds = tuple(scored.rounds_with_submissions(conn))
        demo = store.is_demo(conn)
        published = frozenset(pubs.published_groups(conn)["group_name"])
        latest = pubs.latest_publications(conn)
    neighbours: dict[str, list[str]] = {}
    for code, neighbour in zip(links["authority_code"], links["neighbour_code"], strict=True):
        neighbours.setdefault(code, []).append(neighbour)
    groups: dict[str, list[str]] = {name: [] for name in names}
    for name, code in zip(custom["group_name"], custom["authority_code"], strict=True):
        groups.setdefault(name, []).append(code)
    return Catalogue(
        authorities=_plain(authorities),
        neighbours={code: tuple(codes) for code, codes in neighbours.items()},
        custom_groups={name: tuple(codes) for name, codes in groups.items()},
        rounds=rounds,
        demo=demo,
        published_groups=published,
        publications={
            str(r): f"{pd.Timestamp(at):%Y-%m-%d %H:%M}"
            for r, at in zip(latest["round_id"], latest["published_at"], strict=True)
        },
    )


@dataclass(frozen=True)
class Published:
    """What authority viewers' peer aggregates are made from: every round's latest publication
    scored under one rule, and the authorities' record keys (secret: for the cell-key method
    of `ehdmm.disclosure`, never shown)."""

    scores: Scores = field(repr=False)
    keys: Mapping[str, int] = field(repr=False)


def load_published(db: Db, rule: str, model: Model | None = None) -> Published:
    """Every round's latest publication scored under `rule`, with the record keys."""
    model = model or load_model()
    checked = Rule.of(rule)
    with connect(db) as conn:
        levels, dimensions = scoring.score(conn, _READER, None, checked, model, published=True)
        authorities = ref.authorities(conn)
        keys = pubs.record_keys(conn)
    return Published(_scores_of(checked, levels, dimensions, authorities, model), keys)


def _scores_of(
    rule: Rule,
    levels: pd.DataFrame,
    dimensions: pd.DataFrame,
    authorities: pd.DataFrame,
    model: Model,
) -> Scores:
    meta = authorities.rename(columns={"code": "authority_code"})[["authority_code", *META]]
    levels = levels.merge(meta, on="authority_code", how="left")
    columns = ["authority_code", "authority_name", "round_id", "submission_id", *META]
    columns += [*model.strand_ids, "overall", "index", "rated", "expected"]
    return Scores(rule, _plain(levels[columns]), _plain(dimensions))


def load_scores(db: Db, rule: str, model: Model | None = None) -> Scores:
    """Every authority's levels in every round under `rule`: one scoring query."""
    model = model or load_model()
    checked = Rule.of(rule)
    with connect(db) as conn:
        levels, dimensions = scoring.score(conn, _READER, None, checked, model)
        authorities = ref.authorities(conn)
    return _scores_of(checked, levels, dimensions, authorities, model)


def load_returns(db: Db, round_id: str | None) -> Returns:
    """The round's ratings and checklist answers (empty frames for no round)."""
    with connect(db) as conn:
        ratings = bulk.round_ratings(conn, _READER, round_id or "")
        checklist = bulk.round_checklist(conn, _READER, round_id or "")
    ratings["level"] = ratings["level"].astype("Int64")
    return Returns(_plain(ratings), _plain(checklist))


def database_state(db: Db) -> tuple[str, tuple[float, int]]:
    """The database's path and its last-write token: what a view's `Scope` names, so that
    what is built from data read now is never taken for what a later write changed."""
    return str(resolve_db_path(db)), last_write_token(db)


def load_round(db: Db, round_id: str | None, rule: str, model: Model | None = None) -> RoundData:
    """A round's data (see `RoundData`), read now."""
    return RoundData.of(
        load_catalogue(db),
        load_scores(db, rule, model),
        load_returns(db, round_id),
        round_id,
        load_published(db, rule, model),
    )


@dataclass(frozen=True)
class RoundData:
    """One round under one rule, for every authority, shared read-only by every viewer's
    pages and reports (see the module's docstring for who gets which rows)."""

    round_id: str | None
    rule: Rule
    catalogue: Catalogue = field(repr=False)
    _all_levels: pd.DataFrame = field(repr=False)  # the round, every authority
    _all_history: pd.DataFrame = field(repr=False)  # every round, every authority
    _all_dimensions: pd.DataFrame = field(repr=False)  # the round, wide
    _returns: Returns = field(repr=False)
    model: Model = field(repr=False, compare=False, default_factory=load_model)
    _published: Published | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(
        cls,
        catalogue: Catalogue,
        scores: Scores,
        returns: Returns,
        round_id: str | None,
        published: Published | None = None,
    ) -> RoundData:
        """Put loaded parts together (no reading). `round_id` None: every round. `published`:
        the latest publications (without them, no round is published)."""
        history = scores.levels
        if round_id is None:
            levels, dims = history, scores.dimensions
        else:
            rows = (history["round_id"] == round_id).to_numpy()
            levels = history[rows].reset_index(drop=True)
            dims = scores.dimensions[rows].reset_index(drop=True)
        return cls(
            round_id,
            scores.rule,
            catalogue,
            levels,
            history,
            dims,
            returns,
            _published=published,
        )

    @property
    def published_on(self) -> str | None:
        """When the round's latest publication was made (None: not published)."""
        return self.catalogue.published_on(self.round_id)

    def _snapshot(self) -> RoundData | None:
        """The round as its latest publication froze it (every authority's published
        submission), for `ehdmm.analysis.aggregates` only; None when the round has none."""
        if self._published is None or self.published_on is None:
            return None
        published = self._published
        return self._shared(
            ("snapshot",),
            lambda: RoundData.of(
                self.catalogue, published.scores, self._returns, self.round_id, published
            ),
        )

    @property
    def _record_keys(self) -> Mapping[str, int]:
        return self._published.keys if self._published is not None else {}

    # -- what anyone may know ----------------------------------------------------------------

    @property
    def rounds(self) -> tuple[str, ...]:
        return self.catalogue.rounds

    @property
    def demo(self) -> bool:
        return self.catalogue.demo

    @property
    def previous_round(self) -> str | None:
        return self.catalogue.previous_round(self.round_id)

    def kept(self, viewer: Viewer, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from the round's rows that `viewer` may see, the same for any
        authority (a table of every authority, a chart without a chosen one): built once per
        round data, viewer's rows and key, then shared. Read-only."""
        rows = None if viewer.sees_all else viewer.authority_code
        return self._shared(("kept", rows, key), build)

    def _shared(self, key: Hashable, build: Callable[[], T]) -> T:
        """Built once per round data and key (for this module and `aggregates`)."""
        store = self.__dict__.setdefault("_store", {})
        if key not in store:
            store[key] = build()
        return store[key]

    def _own_rows(self, frame: pd.DataFrame, authority: str) -> pd.DataFrame:
        """`frame`'s rows of one authority (every authority's frame of this round data),
        found through an index built once per frame."""
        index = self._shared(("rows", id(frame)), lambda: core.rows_index(frame))
        return core.authority_rows(frame, index, authority)

    def own_levels(self, viewer: Viewer, authority: str) -> pd.DataFrame:
        """The authority's row of `levels` (none without a submission, or when the viewer may
        not see it by name)."""
        frame = self._all_levels
        return self._own_rows(frame, authority) if viewer.can_see(authority) else frame.iloc[:0]

    def own_history(self, viewer: Viewer, authority: str) -> pd.DataFrame:
        """The authority's rows of `history`."""
        frame = self._all_history
        return self._own_rows(frame, authority) if viewer.can_see(authority) else frame.iloc[:0]

    def own_dimensions(self, viewer: Viewer, authority: str) -> pd.DataFrame:
        """The authority's rows of `dimensions`."""
        frame = self._dimension_tidy
        return self._own_rows(frame, authority) if viewer.can_see(authority) else frame.iloc[:0]

    def name(self, authority: str) -> str:
        """The authority's name (its code when unknown)."""
        return self.catalogue.names.get(authority, authority)

    # -- rows by name, for the viewer ----------------------------------------------------------

    @staticmethod
    def _for(viewer: Viewer, frame: pd.DataFrame) -> pd.DataFrame:
        if viewer.sees_all:
            return frame
        return frame[frame["authority_code"] == viewer.authority_code].reset_index(drop=True)

    def levels(self, viewer: Viewer) -> pd.DataFrame:
        """Wide levels of the round (one row per authority with a current submission: strands,
        overall, index, rated, expected, region, la_type, la_number) the viewer may see by
        name. Shared: read-only."""
        return self._for(viewer, self._all_levels)

    def history(self, viewer: Viewer) -> pd.DataFrame:
        """`levels` of every round (ordered by round, then code). Shared: read-only."""
        return self._for(viewer, self._all_history)

    def dimensions(self, viewer: Viewer) -> pd.DataFrame:
        """Tidy dimension levels of the round the viewer may see: authority_code, round_id,
        strand_id, dimension_id, level (<NA> when not rated), by authority then model order."""
        return self._for(viewer, self._dimension_tidy)

    def has_submission(self, viewer: Viewer, authority: str) -> bool:
        """True when the authority has a current submission in the round that the viewer may
        see."""
        return viewer.can_see(authority) and authority in self._submitted

    def ratings(self, viewer: Viewer, authority: str) -> pd.DataFrame:
        """The authority's ratings in the round (dimension_id, level, evidence, confidence);
        empty when the viewer may not see it by name."""
        return self._own(self._returns.ratings, viewer, authority)

    def checklist(self, viewer: Viewer, authority: str) -> pd.DataFrame:
        """The authority's checklist answers in the round (item_id, in_place, note); empty when
        the viewer may not see it by name."""
        return self._own(self._returns.checklist, viewer, authority)

    def members(self, viewer: Viewer, authority: str, peers: str) -> list[str]:
        """Member codes of a peer group, for a viewer who sees every authority
        (`AccessDenied` otherwise: an authority viewer gets the group's size and figures from
        `ehdmm.analysis.aggregates`, never its members)."""
        if not viewer.sees_all:
            raise AccessDenied(PEER_LIST_NATIONAL_ONLY)
        return self.catalogue.members(authority, peers)

    @staticmethod
    def _own(frame: pd.DataFrame, viewer: Viewer, authority: str) -> pd.DataFrame:
        columns = [c for c in frame.columns if c != "authority_code"]
        if not viewer.can_see(authority):
            return frame.loc[frame.index[:0], columns]
        return frame.loc[frame["authority_code"] == authority, columns].reset_index(drop=True)

    # -- shared derived frames (every authority; for this module and `aggregates`) ------------

    @cached_property
    def _submitted(self) -> frozenset[str]:
        return frozenset(self._all_levels["authority_code"])

    @cached_property
    def _dimension_tidy(self) -> pd.DataFrame:
        ids = list(self.model.dimension_ids)
        wide = self._all_dimensions
        tidy = pd.DataFrame(
            {
                "authority_code": wide["authority_code"].repeat(len(ids)).to_numpy(),
                "round_id": wide["round_id"].repeat(len(ids)).to_numpy(),
                "strand_id": [self.model.dimension(d).strand_id for d in ids] * len(wide),
                "dimension_id": ids * len(wide),
                "level": pd.array(wide[ids].to_numpy().ravel(), dtype="Int64"),
            }
        )
        return _plain(tidy)

    @cached_property
    def _strand_tidy(self) -> pd.DataFrame:
        """Tidy strand levels of the round: authority_code, round_id, item_id, level."""
        ids = list(self.model.strand_ids)
        wide = self._all_levels
        return _plain(
            pd.DataFrame(
                {
                    "authority_code": wide["authority_code"].repeat(len(ids)).to_numpy(),
                    "round_id": wide["round_id"].repeat(len(ids)).to_numpy(),
                    "item_id": ids * len(wide),
                    "level": pd.array(wide[ids].to_numpy().ravel(), dtype="Int64"),
                }
            )
        )

    def _all_tidy(self, items: str) -> pd.DataFrame:
        """Tidy levels of every authority in the round (authority_code, round_id, item_id,
        level) of dimensions or strands."""
        if items == "dimension":
            return self._item_dimensions
        if items == "strand":
            return self._strand_tidy
        raise ValueError(f"unknown items {items!r} (use one of: dimension, strand)")

    @cached_property
    def _item_dimensions(self) -> pd.DataFrame:
        frame = self._dimension_tidy
        return frame[["authority_code", "round_id", "dimension_id", "level"]].rename(
            columns={"dimension_id": "item_id"}
        )
