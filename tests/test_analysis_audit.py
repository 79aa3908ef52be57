"""ehdmm.analysis.audit: filters of the audit log, on small hand-made frames."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from ehdmm.analysis import audit


def log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "logged_at": [
                datetime(2026, 3, 1, 9, 0),
                datetime(2026, 3, 1, 23, 59),
                datetime(2026, 3, 2, 0, 0),
                datetime(2026, 3, 5, 12, 0),
            ],
            "actor": ["cli:root", "a@bristol.gov.uk", "a@bristol.gov.uk", "n@gov.uk"],
            "action": ["user.add", "sign-in", "export", "import"],
            "detail": ["a@bristol.gov.uk role=authority", "role=authority", "x.csv", None],
        }
    )


def test_options_and_bounds():
    assert audit.options(log()) == {
        "actor": ["a@bristol.gov.uk", "cli:root", "n@gov.uk"],
        "action": ["export", "import", "sign-in", "user.add"],
    }
    assert audit.date_bounds(log()) == (date(2026, 3, 1), date(2026, 3, 5))
    today = date.today()
    assert audit.date_bounds(log().iloc[0:0]) == (today, today)


def test_no_filter_keeps_everything_newest_first():
    table = audit.audit_table(audit.filter_log(log()))
    assert list(table.columns) == ["Entry", "When", "Who", "Action", "What"]
    assert list(table["Entry"]) == [4, 3, 2, 1] and table["What"].iloc[0] == ""


def test_each_filter_narrows():
    frame = log()
    assert list(audit.filter_log(frame, actors=["a@bristol.gov.uk"])["id"]) == [2, 3]
    assert list(audit.filter_log(frame, actions=["import", "export"])["id"]) == [3, 4]
    one_day = audit.filter_log(frame, since=date(2026, 3, 1), until=date(2026, 3, 1))
    assert list(one_day["id"]) == [1, 2]  # the whole of the last day is included
    assert list(audit.filter_log(frame, since=date(2026, 3, 2))["id"]) == [3, 4]
    assert list(audit.filter_log(frame, text="BRISTOL")["id"]) == [1, 2, 3]
    assert list(audit.filter_log(frame, text="x.csv", actions=["export"])["id"]) == [3]
    assert audit.filter_log(frame, text="nothing like this").empty
    assert audit.counts_text(2, 4) == "2 of 4 entries match the filters."
