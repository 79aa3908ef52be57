"""ehdmm.ui.nav: the navigation says "Home", groups the pages, and shows a viewer only the
pages it may use (AppTest of app.py, where every page is registered)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ehdmm import access
from ehdmm.ui import nav
from ehdmm.ui.roles import NATIONAL_ONLY
from ehdmm.viewer import LOCAL_VIEWER, Viewer

ROOT = Path(__file__).resolve().parents[1]
AUTHORITY = Viewer(role="authority", authority_code="E06000023", email="a@bristol.gov.uk")
NATIONAL_PAGES = {"Compare", "Upload", "Overview", "Trends", "Audit"}


def labels(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def test_every_page_has_one_link():
    paths = {link.path for links in nav.GROUPS.values() for link in links} | {nav.HOME.path}
    on_disk = {"app.py", *(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))}
    assert paths == on_disk


def test_an_authority_viewer_is_offered_only_the_pages_it_may_use():
    shown = {link.label for links in nav.links_for(AUTHORITY).values() for link in links}
    assert not shown & NATIONAL_PAGES
    assert {"Authority profile", "Peer benchmark", "Reports", "Assess", "History"} <= shown
    everything = {link.label for links in nav.links_for(LOCAL_VIEWER).values() for link in links}
    assert everything >= NATIONAL_PAGES


def test_the_national_only_flags_agree_with_the_pages_that_refuse():
    for links in nav.GROUPS.values():
        for link in links:
            text = (ROOT / link.path).read_text(encoding="utf-8")
            assert link.national_only == ("roles.national_only" in text), link.path
    assert NATIONAL_ONLY


def test_home_then_the_groups_in_local_mode(demo_db, monkeypatch):
    monkeypatch.setenv("EHDMM_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert labels(at)[0] == "Home" and "app" not in labels(at)
    assert (
        len(labels(at)) == 22
    )  # 14; Your response, Consensus, How contested, Users; Tracking, Queries, Groups, Rounds
    assert [c.value for c in at.sidebar.caption][:3] == ["Benchmarking", "Assessment", "National"]


@pytest.mark.parametrize(("role", "count"), [("authority", 14), ("national", 22)])
def test_a_signed_in_user_sees_the_links_of_its_role(role, count, demo_db, monkeypatch):
    email = f"{role}@example.gov.uk"
    code = "E06000023" if role == "authority" else None
    access.add_user(demo_db, email, role, code, actor="tests")
    monkeypatch.setenv("EHDMM_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-cookie-secret-for-tests",
        "client_id": "ehdmm-tests",
        "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    assert not at.exception
    assert len(labels(at)) == count
    assert (not NATIONAL_PAGES & set(labels(at))) == (role == "authority")
