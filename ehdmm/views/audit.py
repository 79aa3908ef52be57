"""The Audit view (national team): the log for people, filtered by who, action, days and text,
and the filters' choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ehdmm.analysis import audit
from ehdmm.views.parts import Built

counts_text = audit.counts_text


@dataclass(frozen=True)
class Shown:
    """Entries in the log (`total`), entries that pass the filters (`shown`) and their table."""

    total: int
    shown: int
    table: pd.DataFrame


@dataclass(frozen=True)
class AuditView(Built):
    total: int
    choices: dict[str, list[str]]  # 'actor' and 'action' -> their values
    first: date | None  # the first and last day in the log
    last: date | None
    _log: pd.DataFrame = field(repr=False, compare=False)

    def filtered(
        self,
        actors: tuple[str, ...] = (),
        actions: tuple[str, ...] = (),
        since: date | None = None,
        until: date | None = None,
        text: str = "",
    ) -> Shown:
        """The entries that pass the filters (every entry with none)."""

        def build() -> Shown:
            if self._log.empty:
                return Shown(0, 0, audit.audit_table(self._log))
            shown = audit.filter_log(
                self._log,
                actors=list(actors),
                actions=list(actions),
                since=since,
                until=until,
                text=text,
            )
            return Shown(self.total, len(shown), audit.audit_table(shown))

        return self._part((actors, actions, since, until, text), build)


def build(log: pd.DataFrame) -> AuditView:
    """The view of the whole log (newest first), as `ehdmm.access.audit_log` reads it."""
    if log.empty:
        return AuditView(0, {}, None, None, log)
    first, last = audit.date_bounds(log)
    return AuditView(len(log), audit.options(log), first, last, log)
