"""The Tracking view: filters narrow the table and the counts; the chase list only for the
national team."""

from __future__ import annotations

from ehdmm import tracking
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import tracking as view_of


def test_filters_counts_and_the_chase_list(demo_db):
    table, contacts = tracking.read(demo_db, LOCAL_VIEWER, "2026-03")
    view = view_of.build("2026-03", table, contacts, national=True)
    every = view.shown()
    assert sum(every.counts.values()) == 153
    london = view.shown(("London",))
    assert set(london.table["Region"]) == {"London"} and sum(london.counts.values()) < 153
    assert set(every.chase["State"]) <= set(tracking.CHASED)
    assert view_of.counts_text({"draft": 0, "not started": 2}) == "2 not started"
    own, none = tracking.read(
        demo_db, Viewer(role="authority", authority_code="E06000023"), "2026-03"
    )
    view = view_of.build("2026-03", own, none, national=False)
    assert len(view.shown().table) == 1 and view.shown().chase.empty
