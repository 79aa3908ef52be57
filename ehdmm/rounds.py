"""The rule for round ids, checked everywhere a round can come from (a command-line option, a
file's cell, the app): ASCII `YYYY-MM`, with a plausible year (2015 to the year after next)."""

from __future__ import annotations

import re
from datetime import date

from ehdmm.quoting import shown

ROUND_ID = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])", re.ASCII)
MIN_YEAR = 2015


def max_year(today: date | None = None) -> int:
    """The latest plausible year: the year after next."""
    return (today or date.today()).year + 2


def round_problem(value: str, today: date | None = None) -> str | None:
    """Why `value` is not a round id (None when it is one)."""
    if not isinstance(value, str) or ROUND_ID.fullmatch(value) is None:
        return f"{shown(value)} is not a round of the form YYYY-MM (e.g. 2021-03)"
    year, latest = int(value[:4]), max_year(today)
    if not MIN_YEAR <= year <= latest:
        return (
            f"{shown(value)} is not a plausible round: its year must be from {MIN_YEAR} to {latest}"
        )
    return None


def is_round_id(value: object) -> bool:
    return isinstance(value, str) and round_problem(value) is None


STATES: tuple[str, ...] = ("planned", "open", "closed")
"""A round's states, in the order a round goes through them."""


def round_state(
    status: str | None,
    opens: date | None,
    closes: date | None,
    later_round_exists: bool,
    today: date | None = None,
) -> str:
    """A round's state: `status` when the national team set one ('open' or 'closed');
    otherwise from the dates (planned before `opens`, closed after `closes`, open between);
    a round without dates (made by an import) is closed once a later round exists."""
    if status in ("open", "closed", "planned"):
        return status
    today = today or date.today()
    if opens is None and closes is None:
        return "closed" if later_round_exists else "open"
    if opens is not None and today < opens:
        return "planned"
    if closes is not None and today > closes:
        return "closed"
    return "open"


def dates_problem(opens: date | None, closes: date | None) -> str | None:
    """Why a round's dates do not fit (None when they do): both needed, closing not before
    opening."""
    if opens is None or closes is None:
        return "a round needs an opening and a closing date"
    if closes < opens:
        return f"the closing date {closes:%d %B %Y} is before the opening date {opens:%d %B %Y}"
    return None
