"""The Rounds view: states for people, newest first; which rounds each action applies to;
reopenings with the authority's name beside its code."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ehdmm.views import rounds


def test_the_view_offers_each_action_its_rounds():
    table = pd.DataFrame(
        {
            "round_id": ["2025-03", "2026-03", "2026-09"],
            "title": ["a", "b", "c"],
            "opens": [None, None, date(2026, 9, 1)],
            "closes": [None, None, date(2026, 10, 1)],
            "state": ["closed", "open", "planned"],
        }
    )
    reopenings = pd.DataFrame(
        {
            "round_id": ["2025-03"],
            "authority_code": ["E06000023"],
            "reopened_at": [pd.Timestamp("2026-04-01")],
            "reopened_by": ["lead"],
            "reason": ["late"],
        }
    )
    authorities = pd.DataFrame({"code": ["E06000023"], "name": ["Bristol, City of"]})
    view = rounds.build(table, reopenings, authorities)
    assert list(view.table["Round"]) == ["2026-09", "2026-03", "2025-03"]
    assert list(view.table["State"]) == ["Planned", "Open", "Closed"]
    assert view.openable == ("2026-09", "2025-03")
    assert view.closable == ("2026-03", "2025-03")  # a closed round with reopenings
    assert view.closed == ("2025-03",)
    assert list(view.reopenings["Authority"]) == ["Bristol, City of (E06000023)"]
