"""Sign-in with Streamlit's OpenID Connect support, and the viewer of this session.

Sign-in is on exactly when Streamlit's secrets hold an `[auth]` section (Streamlit's own
convention). Without it the app runs in local mode, as a national user, and says so.
"""

from __future__ import annotations

import streamlit as st

from ehdmm import access
from ehdmm.viewer import LOCAL_VIEWER, Viewer

LOCAL_MODE_BANNER = (
    "**Local mode**: sign-in is not configured, so you see every authority as the national "
    "team does. Configure `[auth]` in `.streamlit/secrets.toml` to require sign-in."
)
_SIGNED_IN_KEY = "ehdmm_signin_audited"
_AUDIT_CONTEXT_KEY = "ehdmm_audit_context"


def audit_context() -> tuple[str, str] | None:
    """(database, who) of this session, for audit entries made outside the script run (e.g.
    when a download's data is made); None before the viewer is known."""
    return st.session_state.get(_AUDIT_CONTEXT_KEY)


def _remember(db: str, viewer: Viewer) -> Viewer:
    st.session_state[_AUDIT_CONTEXT_KEY] = (db, viewer.name)
    return viewer


def auth_configured() -> bool:
    """True when the secrets hold an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _user_email() -> str | None:
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


@st.cache_data(show_spinner=False, max_entries=256)
def _registered(db: str, token: tuple[float, int], email: str | None) -> Viewer | None:
    """The users table's answer for an email, once per database state: adding, changing or
    removing a user writes the database, which changes the token and so asks again."""
    return access.viewer_for(db, email)


def session_viewer(db: str, token: tuple[float, int]) -> Viewer:
    """The viewer of this browser session. Stops the page (after a plain message and a sign-in
    button) when sign-in is configured and the user is not signed in or not registered.
    `token` is the database's last-write token."""
    if not auth_configured():
        st.caption(LOCAL_MODE_BANNER)
        return _remember(db, LOCAL_VIEWER)
    if not st.user.get("is_logged_in"):
        st.title("Early help data maturity: benchmarking")
        st.info("Please sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary", key="ehdmm_login")
        st.stop()
    email = _user_email()
    viewer = _registered(db, token, email)
    if viewer is None:
        st.error(
            f"You are signed in as {email or 'an account without an email address'}, but this "
            "account has no access to ehdmm yet. Ask the national team to add you."
        )
        st.button("Sign out", on_click=st.logout, key="ehdmm_logout_unknown")
        st.stop()
    if not st.session_state.get(_SIGNED_IN_KEY):
        access.audit(db, viewer.name, "sign-in", f"role={viewer.role}")
        st.session_state[_SIGNED_IN_KEY] = True
    with st.sidebar:
        who = viewer.email if viewer.sees_all else f"{viewer.email} ({viewer.authority_code})"
        st.caption(f"Signed in as {who}, {viewer.role} role.")
        st.button("Sign out", on_click=st.logout, key="ehdmm_logout")
    return _remember(db, viewer)
