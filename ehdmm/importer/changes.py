"""What importing a file would change, decided against the database before anything is written.

Per authority and round of the file, the return is
- new: the authority has no current return for the round;
- a replacement: the file's return replaces the current one whole;
- a merge (on request): the file's dimensions replace those of the current return, the others
  are carried over (a correction of one dimension);
- unchanged: the current return already holds what the file says (nothing is written for it);
- refused: the file's return lacks dimensions the current return rates, so replacing it would
  lose them; the user must choose to merge or to replace (`partial`).

A file whose content was imported before is not applied again unless asked (`reimport`): the
earlier imports are in `Decision.previous`, and the returns it would revert are its changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from ehdmm.importer.common import ImportPlan, ParsedSubmission, Rating
from ehdmm.model import Model
from ehdmm.storage import submissions as store

NEW, REPLACEMENT, MERGE, UNCHANGED, REFUSED = "new", "replacement", "merge", "unchanged", "refused"
MERGE_CHOICE, REPLACE_CHOICE = "merge", "replace"
CHOICES: tuple[str, ...] = (MERGE_CHOICE, REPLACE_CHOICE)

Partial = str | Mapping[tuple[str, str], str] | None
"""How to import a return that lacks dimensions the current return rates: MERGE_CHOICE or
REPLACE_CHOICE for every such return, or per (authority code, round id); None refuses them."""


def choice_for(partial: Partial, pair: tuple[str, str]) -> str | None:
    """The choice made for one authority and round (None: none made)."""
    if partial is None or isinstance(partial, str):
        return partial
    return partial.get(pair)


def check_partial(partial: Partial) -> Partial:
    """`partial` itself; ValueError for a choice that is not merge or replace."""
    values = [partial] if partial is None or isinstance(partial, str) else partial.values()
    for value in values:
        if value is not None and value not in CHOICES:
            raise ValueError(f"unknown choice '{value}' for a partial return (merge or replace)")
    return partial


def gated_strands(levels: Mapping[str, int], model: Model) -> dict[str, int | None]:
    """Each strand's level under the default (gated) rule, as the README states it: the lowest
    level of its dimensions, None when any is missing. (The database scores returns with
    `ehdmm.scoring`; this reads a return not yet written.)"""
    out: dict[str, int | None] = {}
    for strand in model.strands:
        found = [levels.get(d.id) for d in strand.dimensions]
        out[strand.id] = None if None in found else min(found)  # type: ignore[type-var]
    return out


@dataclass(frozen=True)
class StrandChange:
    strand: str  # the strand's name
    before: int | None
    after: int | None
    text: str  # 'Maturing → Developing', 'Maturing (unchanged)', 'none → Mature'


@dataclass
class Change:
    """One authority and round of a file: its current return's dimension levels (`before`,
    empty when it has none), the levels it would have (`after`), what kind of change it is, the
    dimensions the file gives (None for a new return: those of `after`) and, for a refused
    return, the dimensions it would lose. (Not frozen: a large file makes one per return.)"""

    authority_code: str
    authority_name: str
    round_id: str
    kind: str
    before: Mapping[str, int]
    after: Mapping[str, int]
    given: tuple[str, ...] | None
    lost: tuple[str, ...] = ()
    first_row: int | None = None
    has_current: bool = False

    @property
    def label(self) -> str:
        """'Sefton (E08000014)'."""
        return f"{self.authority_name} ({self.authority_code})"

    def strand_changes(self, model: Model) -> list[StrandChange]:
        before, after = gated_strands(self.before, model), gated_strands(self.after, model)
        names = model.level_names

        def word(level: int | None, present: bool) -> str:
            if not present:
                return "none"
            return "incomplete" if level is None else names[level]

        out = []
        for strand in model.strands:
            b, a = before[strand.id], after[strand.id]
            shown_b, shown_a = word(b, self.has_current), word(a, True)
            text = f"{shown_a} (unchanged)" if shown_b == shown_a else f"{shown_b} → {shown_a}"
            out.append(StrandChange(strand.name, b, a, text))
        return out

    def describe(self, model: Model) -> str:
        """'Sefton (E08000014), 2026-03: replacement; Data systems: Maturing → Developing; ...'."""
        strands = "; ".join(f"{s.strand}: {s.text}" for s in self.strand_changes(model))
        return f"{self.label}, {self.round_id}: {self.kind}; {strands}"


@dataclass(frozen=True)
class Previous:
    """An earlier import of the same content."""

    import_id: int
    logged_at: datetime
    actor: str | None
    file_name: str

    def describe(self) -> str:
        who = f" by {self.actor}" if self.actor else ""
        return f"on {self.logged_at:%Y-%m-%d %H:%M:%S}{who} (as '{self.file_name}')"


@dataclass
class Decision:
    """What importing a plan would do: a change per authority and round (file order), the
    merged returns (by authority and round), and earlier imports of the same content."""

    changes: list[Change]
    merged: dict[tuple[str, str], ParsedSubmission] = field(default_factory=dict)
    previous: list[Previous] = field(default_factory=list)

    @property
    def refused(self) -> list[Change]:
        return [c for c in self.changes if c.kind == REFUSED]

    @property
    def changing(self) -> list[Change]:
        """The returns an import would write (or, for a file imported before, revert)."""
        return [c for c in self.changes if c.kind != UNCHANGED]

    @property
    def written(self) -> list[Change]:
        """The returns an import writes: new ones, replacements and merges."""
        return [c for c in self.changes if c.kind in (NEW, REPLACEMENT, MERGE)]

    def writing_plan(self, plan: ImportPlan) -> ImportPlan:
        """The plan to write: the file's own when every return in it is written as it is,
        else one holding only the returns written (merged ones merged)."""
        written = self.written
        if len(written) == len(self.changes) and not self.merged:
            return plan
        file_subs = {(s.authority_code, s.round_id): s for s in plan.submissions}
        subs = []
        for change in written:
            pair = (change.authority_code, change.round_id)
            subs.append(self.merged.get(pair) or file_subs[pair])
        return replace(plan, _parsed=subs, _columns=None)


class _GridRow(Mapping[str, int]):
    """One return's levels, read from a grid of every return's levels (0: no level), so that a
    large file's levels are not copied into a dictionary per return."""

    def __init__(self, grid: np.ndarray, row: int, ids: Sequence[str], count: int) -> None:
        self._grid, self._row, self._ids, self._count = grid, row, ids, count

    def _items(self) -> list[tuple[str, int]]:
        values = self._grid[self._row].tolist()
        return [(d, v) for d, v in zip(self._ids, values, strict=True) if v]

    def __getitem__(self, key: str) -> int:
        return dict(self._items())[key]

    def __iter__(self):
        return iter(d for d, _ in self._items())

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items()) == dict(other.items())

    def __repr__(self) -> str:
        return repr(dict(self._items()))


def _levels_grid(plan: ImportPlan, model: Model) -> np.ndarray | None:
    """Every return's levels as a grid (one row per return in file order, one column per
    dimension in model order, 0 where none), for a file read column by column; else None."""
    columns = plan._columns if plan._parsed is None else None
    if columns is None:
        return None
    ids = list(model.dimension_ids)
    place = np.array([ids.index(d) for d in columns.dimension.choices], dtype=np.intp)
    grid = np.zeros((len(columns.codes), len(ids)), dtype=np.int8)
    grid[columns.sub, place[columns.dimension.codes]] = columns.level
    return grid


def _content(sub: ParsedSubmission) -> tuple[object, ...]:
    """What a return says, to compare with another: levels, evidence and confidence per
    dimension, checklist answers and note."""
    ratings = {d: (r.level, r.evidence, r.confidence) for d, r in sub.ratings.items()}
    return ratings, dict(sub.checklist), sub.note


def _opt(value: object) -> object | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _current_subs(conn: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]):
    """{(code, round): the current return as a ParsedSubmission} for pairs that have one."""
    subs, ratings, checklist = store.current_returns(conn, pairs)
    by_id: dict[int, ParsedSubmission] = {}
    for row in subs.itertuples(index=False):
        by_id[int(row.id)] = ParsedSubmission(row.authority_code, row.round_id, note=_opt(row.note))
    for row in ratings.itertuples(index=False):
        if _opt(row.level) is None:
            continue
        by_id[int(row.submission_id)].ratings[row.dimension_id] = Rating(
            int(row.level), _opt(row.evidence), _opt(row.confidence)
        )
    for row in checklist.itertuples(index=False):
        in_place = _opt(row.in_place)
        if in_place is not None:
            by_id[int(row.submission_id)].checklist[row.item_id] = (
                bool(in_place),
                _opt(row.note),
            )
    return {(s.authority_code, s.round_id): s for s in by_id.values()}


def _merged(current: ParsedSubmission, new: ParsedSubmission) -> ParsedSubmission:
    """The current return with the file's dimensions, checklist answers and note put over it."""
    return replace(
        new,
        ratings={**current.ratings, **new.ratings},
        checklist={**current.checklist, **new.checklist},
        note=new.note if new.note is not None else current.note,
    )


def _levels(sub: ParsedSubmission | None) -> dict[str, int]:
    return {} if sub is None else {d: r.level for d, r in sub.ratings.items()}


def _one(
    new: ParsedSubmission, current: ParsedSubmission | None, choice: str | None, model: Model
) -> tuple[str, ParsedSubmission, tuple[str, ...]]:
    """(kind, the return to write, the dimensions a refused return would lose)."""
    if current is None:
        return NEW, new, ()
    lost = tuple(d for d in model.dimension_ids if d in current.ratings and d not in new.ratings)
    result, kind = new, REPLACEMENT
    if lost and choice == MERGE_CHOICE:
        result, kind = _merged(current, new), MERGE
    elif lost and choice != REPLACE_CHOICE:
        return REFUSED, new, lost
    if _content(result) == _content(current):
        return UNCHANGED, result, ()
    return kind, result, ()


def decide(
    conn: duckdb.DuckDBPyConnection,
    plan: ImportPlan,
    model: Model,
    names: Mapping[str, str],
    partial: Partial = None,
) -> Decision:
    """What importing the (valid) plan would change; `names` are the authorities' names by
    code. Reads only."""
    pairs = plan.pairs
    current = _current_subs(conn, pairs)
    previous = [
        Previous(int(r.id), r.logged_at, _opt(r.actor), r.file_name)
        for r in store.earlier_imports(conn, plan.content_hash).itertuples(index=False)
    ]
    decision = Decision([], previous=previous)
    grid = None if current else _levels_grid(plan, model)
    ids = model.dimension_ids
    if grid is not None:  # every return new: read from the columns, no object per rating
        counts = np.count_nonzero(grid, axis=1).tolist()
        for k, (pair, first) in enumerate(zip(pairs, plan.first_rows, strict=True)):
            after = _GridRow(grid, k, ids, counts[k])
            decision.changes.append(_change(pair, names, NEW, {}, after, None, first, False))
        return decision
    for sub in plan.submissions:
        pair = (sub.authority_code, sub.round_id)
        now = current.get(pair)
        kind, result, lost = _one(sub, now, choice_for(partial, pair), model)
        given = tuple(d for d in ids if d in sub.ratings)
        after = _levels(now if kind == REFUSED else result)
        change = _change(pair, names, kind, _levels(now), after, given, sub.first_row, bool(now))
        decision.changes.append(replace(change, lost=lost))
        if kind == MERGE:
            decision.merged[pair] = result
    return decision


def _change(
    pair: tuple[str, str],
    names: Mapping[str, str],
    kind: str,
    before: Mapping[str, int],
    after: Mapping[str, int],
    given: tuple[str, ...] | None,
    first_row: int,
    has_current: bool,
) -> Change:
    code, round_id = pair
    return Change(
        code,
        names.get(code, code),
        round_id,
        kind,
        before=before,
        after=after,
        given=given,
        first_row=first_row,
        has_current=has_current,
    )


def refusal(change: Change, model: Model) -> str:
    """Why a partial return is refused, naming the authority and what would be lost."""
    count = len(model.dimension_ids)
    rated = len(change.before)
    given = ", ".join(model.dimension(d).name for d in change.given)
    lost = ", ".join(model.dimension(d).name for d in change.lost)
    current = (
        "a complete return" if rated == count else f"a return rating {rated} of {count} dimensions"
    )
    return f"{change.label} has {current} for {change.round_id}" + (
        f"; this file rates {len(change.given)} of its {count} dimensions ({given}), so "
        f"importing it would lose the levels of {len(change.lost)}: {lost}. Use --merge to "
        "correct only the dimensions in the file and keep the others, or --allow-incomplete to "
        "replace the return with the incomplete one"
    )


def short_list(labels: Sequence[str], limit: int = 10) -> str:
    """'a, b, c' or 'a, b, ... and 12 more'."""
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")
