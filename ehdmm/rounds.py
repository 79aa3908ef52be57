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
