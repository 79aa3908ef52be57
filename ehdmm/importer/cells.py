"""Reading one cell: an authority, a round, a dimension, a level, a confidence, a yes/no answer
or free text. Each reader returns the value or raises `CellError` with what is wrong, in words;
both the row-by-row reading (which reports the error at its row and column) and the
column-by-column reading (which gives up on any error) call these, so each rule is written once.

A file repeats the same few authorities, rounds, dimensions, levels and confidences on many
rows: each distinct cell value (by class and value) is checked once. Answers that are errors are
not remembered, so every row with the error is reported."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Protocol

from ehdmm.authorities import AuthorityLookupError
from ehdmm.importer.common import CONFIDENCES, NO, YES, cell_text
from ehdmm.model import Dimension, Model
from ehdmm.quoting import shown
from ehdmm.rounds import round_problem

_WHOLE_NUMBER = re.compile(r"\s*([0-9]+)\.0+\s*", re.ASCII)


class CellError(ValueError):
    """A cell's value is not what its column needs; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Resolver(Protocol):
    def resolve(self, value: object) -> str: ...


def level_help(model: Model) -> str:
    names = ", ".join(f"{n} {name}" for n, name in model.level_names.items())
    return f"use 1-4 or a level name: {names}"


class Cells:
    """The readers of one file's cells. `rounds_to_create` collects the rounds that do not
    exist yet and are to be created (with `create_round`)."""

    def __init__(
        self,
        model: Model,
        authorities: Resolver,
        known_rounds: Iterable[str],
        round_id: str | None,
        create_round: bool,
    ) -> None:
        self.model = model
        self.authorities = authorities
        self.known_rounds = set(known_rounds)
        self.round_id = round_id
        self.create_round = create_round
        self.rounds_to_create: set[str] = set()
        # successful answers, by (class, raw value); the hot loops read these directly
        self.authority_memo: dict[tuple[type, object], str] = {}
        self.round_memo: dict[tuple[type, object], str] = {}
        self.level_memo: dict[tuple[type, object], int] = {}
        self.dimension_memo: dict[tuple[type, object], Dimension] = {}
        self.confidence_memo: dict[tuple[type, object], str | None] = {}

    def authority(self, raw: object) -> str:
        key = (raw.__class__, raw)
        code = self.authority_memo.get(key)
        if code is not None:
            return code
        try:
            code = self.authorities.resolve(raw)
        except AuthorityLookupError as exc:
            raise CellError(str(exc)) from None
        self.authority_memo[key] = code
        return code

    def round(self, raw: object) -> str:
        key = (raw.__class__, raw)
        value = self.round_memo.get(key)
        if value is None:
            value = self.round_memo[key] = self._round(raw)
        return value

    def _round(self, raw: object) -> str:
        value: str | None
        if isinstance(raw, (datetime, date)):
            value = f"{raw.year:04d}-{raw.month:02d}"
        else:
            value = cell_text(raw)
        if value is None:
            if self.round_id is None:
                raise CellError("the round is empty (use YYYY-MM, e.g. 2021-03)")
            value = self.round_id  # the round given must exist too (or be created)
        problem = round_problem(value)
        if problem is not None:
            raise CellError(problem)
        if self.round_id is not None and value != self.round_id:
            raise CellError(f"the round '{value}' disagrees with the round given ({self.round_id})")
        if value not in self.known_rounds:
            if not self.create_round:
                raise CellError(
                    f"the round '{value}' does not exist; create it with "
                    "--create-round (or choose an existing round)"
                )
            self.rounds_to_create.add(value)
        return value

    def dimension(self, raw: object) -> Dimension:
        key = (raw.__class__, raw)
        found = self.dimension_memo.get(key)
        if found is not None:
            return found
        text = cell_text(raw)
        found = self.model.find_dimension(text) if text else None
        if found is None:
            raise CellError(
                f"{shown(text or '')} is not a dimension of the model "
                f"(use an id: {', '.join(self.model.dimension_ids)}, or the dimension's name)"
            )
        self.dimension_memo[key] = found
        return found

    def level(self, raw: object) -> int:
        key = (raw.__class__, raw)
        level = self.level_memo.get(key)
        if level is None:
            level = self.level_memo[key] = self._level(raw)
        return level

    def _level(self, raw: object) -> int:
        if isinstance(raw, (datetime, date)):
            day = raw.date() if isinstance(raw, datetime) and raw.time() == time() else raw
            raise CellError(f"'{day}' looks like a date, not a level ({level_help(self.model)})")
        if raw.__class__ is str:
            whole = _WHOLE_NUMBER.fullmatch(raw)  # '3.0', as a spreadsheet may write 3
            if whole is not None:
                raw = int(whole.group(1))
        try:
            return self.model.parse_level(raw)
        except ValueError:
            raise CellError(
                f"{shown(cell_text(raw))} is not a level ({level_help(self.model)})"
            ) from None

    def confidence(self, raw: object) -> str | None:
        key = (raw.__class__, raw)
        if key in self.confidence_memo:
            return self.confidence_memo[key]
        value = cell_text(raw)
        if value is not None and value.casefold() not in CONFIDENCES:
            raise CellError(
                f"{shown(value)} is not a confidence (use low, medium or high, or leave it blank)"
            )
        found = self.confidence_memo[key] = None if value is None else value.casefold()
        return found

    @staticmethod
    def free_text(raw: object, limit: int) -> str | None:
        """Text of at most `limit` characters (stripped); None when empty."""
        if raw is None:
            return None
        value = cell_text(raw)
        if value is not None and len(value) > limit:
            raise CellError(f"the text is {len(value):,} characters, over the limit of {limit:,}")
        return value

    @staticmethod
    def yes_no(raw: object) -> bool | None:
        """A checklist answer: True (yes), False (no) or None (blank)."""
        value = cell_text(raw)
        if value is None:
            return None
        if value.casefold() in YES:
            return True
        if value.casefold() in NO:
            return False
        raise CellError(f"{shown(value)} is not yes or no")
