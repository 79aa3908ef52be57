"""ehdmm.ui.auth: the session's viewer comes from the users table, looked up once per database
state; a change to the users table (a write) takes effect on the next rerun."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_roles import AUTH  # the [auth] secrets every sign-in test uses

from ehdmm import access
from ehdmm.ui import auth

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EMAIL = "lead@communities.gov.uk"


@pytest.fixture
def db(_demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "auth.duckdb"
    shutil.copy(_demo_template, path)
    monkeypatch.setenv("EHDMM_DB", str(path))
    return path


def signed_in() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.user = {"is_logged_in": True, "email": EMAIL}
    return at


def test_removing_a_user_takes_effect_on_the_next_rerun(db: Path):
    access.add_user(db, EMAIL, "national", None, actor="tests")
    at = signed_in()
    at.run()
    assert not at.exception and not at.error
    assert at.sidebar.selectbox  # the dashboard is shown
    assert f"Signed in as {EMAIL}, national role." in [c.value for c in at.sidebar.caption]
    access.remove_user(db, EMAIL, actor="tests")
    at.run()
    assert [e.value for e in at.error] == [
        f"You are signed in as {EMAIL}, but this account has no access to ehdmm yet. Ask the "
        "national team to add you."
    ]
    assert not at.sidebar.selectbox


def test_changing_a_role_takes_effect_on_the_next_rerun(db: Path):
    access.add_user(db, EMAIL, "national", None, actor="tests")
    at = signed_in()
    at.run()
    assert len(at.sidebar.selectbox[0].options) == 153
    access.add_user(db, EMAIL, "authority", "E06000023", actor="tests")
    at.run()
    assert not at.exception
    options = at.sidebar.selectbox[0].options
    assert len(options) == 1 and "Bristol, City of" in options[0]
    assert f"Signed in as {EMAIL} (E06000023), authority role." in [
        c.value for c in at.sidebar.caption
    ]


# ---------------------------------------------------------------------------------------------
# Which token claims are trusted as the email


@pytest.mark.parametrize("verified", [False, "false", "False"])
def test_a_token_whose_email_is_not_verified_is_refused(verified):
    email, refused = auth.identity({"email": EMAIL, "email_verified": verified}, {})
    assert email is None and refused == auth.UNVERIFIED


def test_a_token_without_the_claim_is_accepted_unless_the_secrets_require_it():
    assert auth.identity({"email": EMAIL}, {}) == (EMAIL, None)
    assert auth.identity({"email": EMAIL, "email_verified": True}, {}) == (EMAIL, None)
    strict = {"require_email_verified": True}
    assert auth.identity({"email": EMAIL}, strict) == (None, auth.NO_VERIFICATION)
    assert auth.identity({"email": EMAIL, "email_verified": "true"}, strict) == (EMAIL, None)


def test_preferred_username_or_upn_is_the_email_only_where_configured():
    claims = {"preferred_username": "Lead@Communities.gov.uk", "upn": "x@y.example"}
    assert auth.identity(claims, {}) == (None, None)  # default: the email claim only
    configured = {"email_claims": ["email", "preferred_username", "upn"]}
    assert auth.identity(claims, configured) == (EMAIL, None)
    assert auth.identity({"upn": EMAIL}, configured) == (EMAIL, None)
    assert auth.identity({"upn": "not an email"}, configured) == (None, None)
    assert auth.identity({"name": EMAIL}, {"email_claims": ["name"]}) == (None, None)


def test_a_registered_national_user_with_an_unverified_email_is_refused(db: Path):
    access.add_user(db, EMAIL, "national", None, actor="tests")
    at = signed_in()
    at.user = {"is_logged_in": True, "email": EMAIL, "email_verified": False}
    at.run()
    assert [e.value for e in at.error] == [auth.UNVERIFIED]
    assert not at.sidebar.selectbox  # no dashboard
    assert "sign-in" not in set(access.audit_log(db, access_viewer())["action"])


def test_entra_id_tokens_sign_in_with_preferred_username_where_configured(db: Path):
    access.add_user(db, EMAIL, "national", None, actor="tests")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.secrets[auth.SETTINGS] = {"email_claims": ["email", "preferred_username"]}
    at.user = {"is_logged_in": True, "preferred_username": EMAIL}
    at.run()
    assert not at.exception and not at.error
    assert f"Signed in as {EMAIL}, national role." in [c.value for c in at.sidebar.caption]


def access_viewer():
    from ehdmm.viewer import Viewer

    return Viewer(role="national", email="tests")
