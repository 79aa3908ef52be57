"""ehdmm.ui.footer: the Home page's footer shows the version and the round the data reach."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ehdmm import __version__
from ehdmm.scoring import Rule
from ehdmm.ui.footer import footer_text
from ehdmm.views.scope import Scope

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_home_page_ends_with_the_version_and_the_latest_round(demo_db, monkeypatch):
    monkeypatch.setenv("EHDMM_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.main.children[len(at.main.children) - 1].value == (
        f"ehdmm {__version__} · data up to round 2026-03"
    )
    at.sidebar.selectbox(key="ehdmm_widget_round").set_value("2024-03").run()
    assert any(c.value == f"ehdmm {__version__} · data up to round 2026-03" for c in at.caption)


def test_the_footer_of_a_database_without_returns():
    from ehdmm.ui.state import Selection
    from ehdmm.viewer import LOCAL_VIEWER

    sel = Selection(
        scope=Scope("x.duckdb", (0.0, 0), LOCAL_VIEWER, "E06000023", None, "england", Rule.GATED),
        authority_name="Bristol, City of",
        peers_label="England",
        rounds=(),
        demo=False,
    )
    assert footer_text(sel) == f"ehdmm {__version__} · no returns in the data yet"
    assert footer_text(replace(sel, rounds=("2024-03", "2025-03"))).endswith("round 2025-03")
