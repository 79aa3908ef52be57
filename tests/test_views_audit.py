"""ehdmm.views.audit: the log for people and its filters."""

from __future__ import annotations

from ehdmm import access
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import audit


def test_filters_narrow_the_log(empty_db):
    access.add_user(empty_db, "a@bristol.gov.uk", "authority", "E06000023", actor="cli:root")
    access.audit(empty_db, "a@bristol.gov.uk", "export", "E06000023_2026-03_radar.csv")
    view = audit.build(access.audit_log(empty_db, LOCAL_VIEWER))
    assert view.total == 2 and view.choices["action"] == ["export", "user.add"]
    everything = view.filtered()
    assert (everything.total, everything.shown) == (2, 2)
    exports = view.filtered(actions=("export",))
    assert exports.shown == 1 and list(exports.table["What"]) == ["E06000023_2026-03_radar.csv"]
    assert audit.counts_text(exports.shown, exports.total) == "1 of 2 entries match the filters."


def test_an_empty_log(empty_db):
    view = audit.build(access.audit_log(empty_db, LOCAL_VIEWER))
    assert view.total == 0 and view.first is None and view.filtered().table.empty
