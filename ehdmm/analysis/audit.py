"""The audit log for people: filter options, filtering and the table shown and downloaded.

Pure pandas on the frame of `ehdmm.access.audit_log` (id, logged_at, actor, action, detail).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

AUDIT_COLUMNS = {
    "id": "Entry",
    "logged_at": "When",
    "actor": "Who",
    "action": "Action",
    "detail": "What",
}


def options(log: pd.DataFrame) -> dict[str, list[str]]:
    """Choices for the filters: {'actor': [...], 'action': [...]} (sorted)."""
    return {
        column: sorted({str(v) for v in log[column].dropna()}) for column in ("actor", "action")
    }


def date_bounds(log: pd.DataFrame) -> tuple[date, date]:
    """The first and last day in the log (today twice for an empty log)."""
    if log.empty:
        today = date.today()
        return today, today
    stamps = pd.to_datetime(log["logged_at"])
    return stamps.min().date(), stamps.max().date()


def filter_log(
    log: pd.DataFrame,
    *,
    actors: list[str] | None = None,
    actions: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> pd.DataFrame:
    """The entries matching every filter given (empty filters match all): who, action, days
    from `since` to `until` inclusive, and `text` anywhere in who or what (case ignored)."""
    keep = pd.Series(True, index=log.index)
    if actors:
        keep &= log["actor"].isin(actors)
    if actions:
        keep &= log["action"].isin(actions)
    stamps = pd.to_datetime(log["logged_at"])
    if since is not None:
        keep &= stamps >= datetime.combine(since, time.min)
    if until is not None:
        keep &= stamps <= datetime.combine(until, time.max)
    needle = text.strip().casefold()
    if needle:
        haystack = log["actor"].fillna("").astype(str) + " " + log["detail"].fillna("").astype(str)
        keep &= haystack.str.casefold().str.contains(needle, regex=False)
    return log[keep]


def audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """The log for people, newest first: Entry, When, Who, Action, What."""
    out = log.sort_values("id", ascending=False)[list(AUDIT_COLUMNS)].rename(columns=AUDIT_COLUMNS)
    out["What"] = out["What"].fillna("")
    return out.reset_index(drop=True)


def counts_text(shown: int, total: int) -> str:
    return f"{shown} of {total} entries match the filters."
