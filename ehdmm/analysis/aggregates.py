"""Peer aggregates: the one place where other authorities' data are read on behalf of an
authority viewer.

`peer_figures` reads every authority's levels in a round (`ehdmm.analysis.rounds.RoundData`,
loaded once and shared) and returns only aggregates: level counts per item, medians, the
authority's own rank and percentile, and the quartiles of the maturity index. For an authority
viewer every aggregate first goes through `ehdmm.disclosure` (small cells and small groups
suppressed, failing closed); nothing that names or singles out another authority is returned.
A national viewer gets the same aggregates unrestricted. An authority viewer may ask only about
its own authority (`AccessDenied` otherwise, with a message that names no authority).

The pure functions above it work on tidy and wide frames and are unit-tested on small
hand-made ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ehdmm import disclosure
from ehdmm.access import AccessDenied
from ehdmm.analysis import core
from ehdmm.analysis.benchmark import IndexSummary, own_levels
from ehdmm.analysis.benchmark import distribution as raw_distribution
from ehdmm.analysis.profile import Items, item_names
from ehdmm.analysis.rounds import RoundData, load_round
from ehdmm.model import Model
from ehdmm.viewer import Viewer

SUPPRESSED = disclosure.SUPPRESSED
DISTRIBUTION_COLUMNS = [
    "item_id",
    "item_name",
    "level",
    "level_name",
    "count",
    "n",
    "share",
    "own",
    "suppressed",
    "reason",
]
MEDIAN_COLUMNS = ["item_id", "median", "n", "suppressed", "reason"]


def too_few_reason() -> str:
    """Why an aggregate over too small a group is not shown: 'fewer than 5 other authorities'."""
    return f"fewer than {disclosure.threshold()} other authorities"


def suppressed_note(reason: str | None = None) -> str:
    """The plain note shown in place of a suppressed aggregate."""
    return f"Suppressed: {reason or too_few_reason()}"


def restricted(viewer: Viewer) -> bool:
    """True when the viewer sees peers only through suppressed aggregates."""
    return not viewer.sees_all


def check_asker(viewer: Viewer, authority_code: str) -> None:
    """An authority viewer may ask for the peers of its own authority only."""
    if not viewer.can_see(authority_code):
        raise AccessDenied("You can see peer aggregates for your own authority only.")


# ---------------------------------------------------------------------------------------------
# Pure functions on tidy frames


def cell_keys_of(
    tidy: pd.DataFrame, members: list[str], keys: Mapping[str, int]
) -> dict[tuple[str, int], int]:
    """The cell key of every (item, level) cell of the members' distribution: the sum of the
    record keys of the members at that level, mod 256 (`disclosure.cell_key`)."""
    rated = tidy[tidy["authority_code"].isin(members) & tidy["level"].notna()]
    out: dict[tuple[str, int], int] = {}
    for (item, level), codes in rated.groupby(["item_id", "level"], sort=False)["authority_code"]:
        out[(str(item), int(level))] = disclosure.cell_key(keys.get(c, 0) for c in codes)
    return out


def protect_distribution(
    dist: pd.DataFrame,
    own: dict[str, int | None],
    in_group: bool,
    *,
    restrict: bool,
    cell_keys: Mapping[tuple[str, int], int] | None = None,
) -> pd.DataFrame:
    """`analysis.benchmark.distribution` (counts include the authority when it is a member)
    made safe to show: for `restrict`, each item's counts go through
    `disclosure.protect_distribution` with their cells' keys (`cell_keys_of`): published
    counts, shares of n from them; an item suppressed whole has every count, its n and shares
    <NA> and `suppressed` True; `reason` says why."""
    out = dist.copy()
    keys = cell_keys or {}
    counts: list[object] = []
    ns: list[object] = []
    shares: list[object] = []
    whole: list[bool] = []
    reasons: list[str | None] = []
    for item, rows in out.groupby("item_id", sort=False):
        levels = [int(v) for v in rows["level"]]
        raw = dict(zip(levels, (int(c) for c in rows["count"]), strict=True))
        n = int(rows["n"].iloc[0])
        if not restrict:
            counts += list(raw.values())
            ns += [n] * len(levels)
            shares += [100.0 * c / n if n else 0.0 for c in raw.values()]
            whole += [False] * len(levels)
            reasons += [None] * len(levels)
            continue
        own_level = own.get(str(item)) if in_group else None
        item_keys = {level: keys.get((str(item), level), 0) for level in levels}
        shown = disclosure.protect_distribution(raw, own_level, item_keys)
        for level in levels:
            value = shown.counts[level]
            counts.append(pd.NA if value is None else value)
            ns.append(pd.NA if shown.suppressed_all else n)
            shares.append(pd.NA if value is None or not n else 100.0 * value / n)
            whole.append(shown.suppressed_all)
            reasons.append(shown.reason)
    out["count"] = pd.array(counts, dtype="Int64")
    out["n"] = pd.array(ns, dtype="Int64")
    out["share"] = pd.array(shares, dtype="Float64")
    out["suppressed"] = whole
    out["reason"] = reasons
    return out[DISTRIBUTION_COLUMNS].reset_index(drop=True)


def withheld(dist: pd.DataFrame, reason: str) -> pd.DataFrame:
    """A distribution with every count, n and share withheld (`suppressed`, `reason`)."""
    out = dist.copy()
    for column, dtype in (("count", "Int64"), ("n", "Int64"), ("share", "Float64")):
        out[column] = pd.array([pd.NA] * len(out), dtype=dtype)
    out["suppressed"] = True
    out["reason"] = reason
    return out[DISTRIBUTION_COLUMNS].reset_index(drop=True)


def medians_of(
    tidy: pd.DataFrame,
    members: list[str],
    authority_code: str,
    order: list[str],
    *,
    restrict: bool,
) -> pd.DataFrame:
    """Median level per item over the members with a level: item_id, median (Float64), n
    (Int64), suppressed, reason. For `restrict`, an item with fewer than the threshold of
    other authorities behind it has median and n <NA> and `suppressed` True."""
    medians, n_by_item = group_medians(tidy, members, order)
    own = tidy[(tidy["authority_code"] == authority_code) & tidy["level"].notna()]
    own_rated = set(own["item_id"]) if authority_code in members else set()
    return medians_frame(medians, n_by_item, own_rated, order, restrict=restrict)


def group_medians(
    tidy: pd.DataFrame, members: list[str], order: list[str]
) -> tuple[pd.Series, pd.Series]:
    """(median level per item over the members that have one, their number per item): what
    `medians_of` needs of the group, the same for every member asking."""
    rated = tidy[tidy["authority_code"].isin(members) & tidy["level"].notna()]
    return core.medians(rated, members, order), rated.groupby("item_id").size()


def medians_frame(
    medians: pd.Series,
    n_by_item: pd.Series,
    own_rated: set[str],
    order: list[str],
    *,
    restrict: bool,
    withhold: str | None = None,
) -> pd.DataFrame:
    """`medians_of` from the group's medians and numbers (`group_medians`) and the items the
    asking authority has a level for as a member (`own_rated`); `withhold`: every median
    withheld for that reason."""
    rows = []
    for item in order:
        n = int(n_by_item.get(item, 0))
        hide = withhold is not None or (
            restrict and not disclosure.enough_others(n, item in own_rated)
        )
        rows.append(
            {
                "item_id": item,
                "median": pd.NA if hide or pd.isna(medians.get(item)) else medians[item],
                "n": pd.NA if hide else n,
                "suppressed": hide,
                "reason": (withhold or too_few_reason()) if hide else None,
            }
        )
    out = pd.DataFrame(rows, columns=MEDIAN_COLUMNS)
    out["median"] = pd.array(out["median"], dtype="Float64")
    out["n"] = pd.array(out["n"], dtype="Int64")
    return out


def rank_of(
    wide: pd.DataFrame, authority_code: str, members: list[str], *, restrict: bool
) -> core.Rank | None:
    """The authority's rank and percentile by maturity index among the members with one; None
    (suppressed) for `restrict` when fewer than the threshold of others have an index."""
    rank = core.rank_in_group(wide, authority_code, members)
    if not restrict:
        return rank
    own_in = rank.rank is not None
    return rank if disclosure.enough_others(rank.n, own_in) else None


def index_summary_of(
    wide: pd.DataFrame,
    authority_code: str,
    members: list[str],
    *,
    restrict: bool,
    own_wide: pd.DataFrame | None = None,
) -> IndexSummary | None:
    """Quartiles of the members' maturity index; None when no member has one, or (for
    `restrict`) when fewer than `disclosure.QUARTILE_OTHERS` (10) others have one; for
    `restrict` rounded to one decimal place. The authority's own index from `own_wide` (its
    live levels; default `wide`)."""
    group = wide[wide["authority_code"].isin(members) & wide["index"].notna()]
    values = group["index"].astype(float)
    source = wide if own_wide is None else own_wide
    own_rows = source[(source["authority_code"] == authority_code) & source["index"].notna()]
    own = float(own_rows["index"].iloc[0]) if not own_rows.empty else None
    own_in = bool((group["authority_code"] == authority_code).any())
    enough = disclosure.enough_others(len(values), own_in, min_others=disclosure.QUARTILE_OTHERS)
    if values.empty or (restrict and not enough):
        return None
    shown = disclosure.quartile_value if restrict else float
    return IndexSummary(
        q1=shown(float(values.quantile(0.25))),
        median=shown(float(values.median())),
        q3=shown(float(values.quantile(0.75))),
        n=len(values),
        own=own,
    )


def too_few_for_quartiles() -> str:
    """Why the quartiles of a group are not shown to an authority user."""
    limit = max(disclosure.QUARTILE_OTHERS, disclosure.threshold())
    return f"quartiles need at least {limit} other authorities"


@dataclass(frozen=True)
class GroupCounts:
    """How big a peer group is: its members (public), whether the authority is one of them,
    and how many have a current submission in the round (None when suppressed)."""

    members: int
    in_group: bool
    submitted: int | None


def group_counts_of(
    wide: pd.DataFrame, authority_code: str, members: list[str], *, restrict: bool
) -> GroupCounts:
    """Members, membership and (unless suppressed) members with a submission."""
    submitted = int(wide["authority_code"].isin(members).sum())
    own_in = bool((wide["authority_code"] == authority_code).any()) and authority_code in members
    hide = restrict and not disclosure.enough_others(submitted, own_in)
    return GroupCounts(len(members), authority_code in members, None if hide else submitted)


# ---------------------------------------------------------------------------------------------
# The one entry point: a round's data and the viewer in, aggregates out


NOT_PUBLISHED = "not yet published"
NOT_PUBLISHED_NOTE = (
    "The national team has not yet published this round's peer figures: they are shown to "
    "authority users once it is published."
)
GROUP_NOT_PUBLISHED = (
    "That peer group is not published for authority users: choose England, your region, your "
    "LA type, your statistical neighbours or a published custom group."
)


@dataclass(frozen=True)
class PeerFigures:
    """Every peer-group and England aggregate of one authority in a round, as the viewer may
    see them (for an authority viewer: from the round's latest publication, after disclosure
    control; all withheld while the round is not published): the group's counts and
    England's, the authority's rank and the quartiles of the group's index; distributions and
    medians per item kind on demand (built once each). `published_on` says when the round's
    figures were published (None for a national viewer, who sees live data, and for an
    unpublished round)."""

    authority: str
    peers: str
    restrict: bool
    counts: GroupCounts
    england: GroupCounts
    rank: core.Rank | None
    index: IndexSummary | None
    _data: RoundData = field(repr=False, compare=False)
    _members: dict[str, list[str]] = field(repr=False, compare=False)
    _built: dict[tuple[str, ...], pd.DataFrame] = field(
        default_factory=dict, repr=False, compare=False
    )
    published_on: str | None = None
    withheld: str | None = None

    def distribution(self, items: Items) -> pd.DataFrame:
        """Counts of the group's members at each level per item (see `protect_distribution`),
        the authority's own level marked (`own`) even when it is not a member."""
        key = ("distribution", items)
        if key not in self._built:
            model = self._data.model
            tidy = self._data._all_tidy(items)
            members = self._members["peer"]
            dist = raw_distribution(tidy, members, self.authority, model, items)
            own = own_levels(tidy, self.authority, list(item_names(model, items)))
            if self.withheld is not None:
                self._built[key] = withheld(dist, self.withheld)
            else:
                keys = self._data._record_keys if self.restrict else {}
                self._built[key] = protect_distribution(
                    dist,
                    own,
                    self.authority in members,
                    restrict=self.restrict,
                    cell_keys=cell_keys_of(tidy, members, keys) if self.restrict else None,
                )
        return self._built[key]

    def medians(self, group: str, items: Items) -> pd.DataFrame:
        """Median level per item of the peer group (`group='peer'`) or of England
        (`'england'`), see `medians_of`."""
        key = ("medians", group, items)
        if key not in self._built:
            data, members = self._data, self._members[group]
            order = list(item_names(data.model, items))
            tidy = data._all_tidy(items)
            # the group's medians are the same for each of its members: computed once a round
            medians, n_by_item = data._shared(
                ("group_medians", items, tuple(members)),
                lambda: group_medians(tidy, members, order),
            )
            own = data._own_rows(tidy, self.authority)
            own_rated = set(own.loc[own["level"].notna(), "item_id"])
            if self.authority not in members:
                own_rated = set()
            self._built[key] = medians_frame(
                medians,
                n_by_item,
                own_rated,
                order,
                restrict=self.restrict,
                withhold=self.withheld,
            )
        return self._built[key]


def peer_figures(data: RoundData, viewer: Viewer, authority: str, peers: str) -> PeerFigures:
    """The aggregates of `authority`'s peer group `peers` (and of England) in the round, for a
    viewer allowed to ask about `authority` and to choose `peers` (`AccessDenied` otherwise:
    an authority viewer may choose only England, its region, LA type, neighbours and published
    custom groups). This is where every aggregate an authority viewer sees is made: from the
    round's latest publication, never from live data."""
    check_asker(viewer, authority)
    restrict = restricted(viewer)
    if not data.catalogue.may_choose(viewer, peers):
        raise AccessDenied(GROUP_NOT_PUBLISHED)
    source: RoundData | None = data
    if restrict:
        source = data._snapshot()
    members = {
        "peer": data.catalogue.members(authority, peers),
        "england": data.catalogue.members(authority, "england"),
    }
    if source is None:  # an authority viewer, and the round is not published
        hidden = GroupCounts(len(members["peer"]), authority in members["peer"], None)
        return PeerFigures(
            authority=authority,
            peers=peers,
            restrict=restrict,
            counts=hidden,
            england=GroupCounts(len(members["england"]), authority in members["england"], None),
            rank=None,
            index=None,
            _data=data,
            _members=members,
            withheld=NOT_PUBLISHED,
        )
    wide = source._all_levels
    return PeerFigures(
        authority=authority,
        peers=peers,
        restrict=restrict,
        counts=group_counts_of(wide, authority, members["peer"], restrict=restrict),
        england=group_counts_of(wide, authority, members["england"], restrict=restrict),
        rank=rank_of(wide, authority, members["peer"], restrict=restrict),
        index=index_summary_of(
            wide, authority, members["peer"], restrict=restrict, own_wide=data._all_levels
        ),
        _data=source,
        _members=members,
        published_on=data.published_on if restrict else None,
    )


@dataclass(frozen=True)
class ReportFigures:
    """Every peer and England aggregate of one authority's report, after disclosure control
    for an authority viewer: counts of the peer group and of England, the authority's rank,
    the quartiles of the group's index, the strand distribution, and the peer and England
    medians per strand and per dimension (keyed 'peer:strand', 'england:dimension', ...)."""

    counts: GroupCounts
    england: GroupCounts
    rank: core.Rank | None
    index: IndexSummary | None
    distribution: pd.DataFrame
    medians: dict[str, pd.DataFrame]


def report_figures(
    db: core.Db,
    viewer: Viewer,
    authority_code: str,
    group_key: str,
    round_id: str,
    rule: str,
    model: Model | None = None,
) -> ReportFigures:
    """The aggregates of `authority_code`'s report (see `ReportFigures`): `peer_figures` of the
    round read now."""
    check_asker(viewer, authority_code)
    figures = peer_figures(load_round(db, round_id, rule, model), viewer, authority_code, group_key)
    return ReportFigures(
        counts=figures.counts,
        england=figures.england,
        rank=figures.rank,
        index=figures.index,
        distribution=figures.distribution("strand"),
        medians={
            f"{group}:{items}": figures.medians(group, items)
            for group in ("peer", "england")
            for items in ("strand", "dimension")
        },
    )


# -- how contested each dimension is (consensus against the respondents' median) -----------------


def contested_figures(
    consensus: pd.DataFrame, viewer: Viewer, round_id: str, model: Model
) -> pd.DataFrame:
    """Per dimension, over the round's current consensus returns (`ehdmm.analysis.spread.
    contested`): consensuses, how many differ from the respondents' median, and the share. For
    an authority viewer a dimension is suppressed (`suppressed`, `reason`; no counts) unless
    enough other authorities' consensuses are in it: one authority's choice cannot be told."""
    from ehdmm.analysis import spread

    rows = consensus[consensus["round_id"] == round_id] if not consensus.empty else consensus
    frame = spread.contested(rows, model)
    frame["suppressed"] = False
    frame["reason"] = ""
    if not restricted(viewer):
        return frame
    current = rows[rows["status"] == "submitted"] if not rows.empty else rows
    own_in = set(current.loc[current["authority_code"] == viewer.authority_code, "dimension_id"])
    for index, row in frame.iterrows():
        own = row["dimension_id"] in own_in
        if not disclosure.enough_others(int(row["consensuses"]), own):
            frame.loc[index, ["suppressed", "reason"]] = [True, too_few_reason()]
            frame.loc[index, ["consensuses", "differing"]] = [0, 0]
            frame.loc[index, "share"] = None
    return frame
