"""The Queries view: the table for people (dimension names, level names, no submission ids),
the queries an authority can answer and the national team can resolve."""

from __future__ import annotations

from ehdmm import moderation
from ehdmm.model import load_model
from ehdmm.viewer import LOCAL_VIEWER
from ehdmm.views import queries


def test_the_view_of_a_round_s_queries(demo_db):
    for code in ("E06000023", "E08000035"):
        moderation.raise_query(
            demo_db,
            LOCAL_VIEWER,
            authority_code=code,
            round_id="2026-03",
            dimension_id="training",
            question="?",
            suggested_level=3,
            actor="lead",
        )
    frame = moderation.round_queries(demo_db, LOCAL_VIEWER, "2026-03")
    first = int(frame["id"].min())
    moderation.resolve_query(demo_db, LOCAL_VIEWER, first, "fine", actor="lead")
    frame = moderation.round_queries(demo_db, LOCAL_VIEWER, "2026-03")
    view = queries.build("2026-03", frame, {}, load_model(), national=True)
    assert view.counts == {"open": 1, "answered": 0, "resolved": 1}
    assert list(view.table.columns)[:3] == ["Authority", "Dimension", "State"]
    assert "submission_id" not in view.table.columns
    assert set(view.table["Suggested level"]) == {"Maturing"}
    assert list(view.resolvable) == [first + 1] and list(view.answerable) == [first + 1]
    label = view.answerable[first + 1]
    assert label.startswith("Training and development, raised 20") and "Query" not in label
    assert queries.counts_text(view.counts) == "1 open, 0 answered, 1 resolved"
