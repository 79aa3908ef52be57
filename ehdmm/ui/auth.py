"""Sign-in with Streamlit's OpenID Connect support, and the viewer of this session.

Sign-in is on exactly when Streamlit's secrets hold an `[auth]` section (Streamlit's own
convention). Without it the app runs in local mode, as a national user, and says so. A token
whose email is not verified is refused (`identity`).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ehdmm import access
from ehdmm.analysis.profile import escape_markdown
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


SETTINGS = "ehdmm_auth"
"""The secrets section of ehdmm's sign-in settings (beside Streamlit's own `[auth]`):
`require_email_verified` (true: a token without the `email_verified` claim is refused too) and
`email_claims` (the claims read as the email, in order; default `["email"]`; Entra ID sends
`preferred_username` or `upn` without `email`)."""
EMAIL_CLAIMS = ("email", "preferred_username", "upn")
UNVERIFIED = (
    "Your sign-in provider says the email address of this account is not verified, so ehdmm "
    "cannot let you in. Ask your organisation's IT team, or the national team."
)
NO_VERIFICATION = (
    "Your sign-in provider did not say whether the email address of this account is verified, "
    "and this installation requires it, so ehdmm cannot let you in."
)


def _false(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def identity(
    claims: Mapping[str, object], settings: Mapping[str, object]
) -> tuple[str | None, str | None]:
    """(the email of a signed-in user's token claims, or None; why the token is refused, or
    None). A token whose `email_verified` is false is refused; one without the claim only when
    `settings` say `require_email_verified`. The email comes from the first of
    `settings["email_claims"]` (default: `email` only) that holds an email address."""
    verified = claims.get("email_verified")
    if _false(verified):
        return None, UNVERIFIED
    if verified is None and _true(settings.get("require_email_verified")):
        return None, NO_VERIFICATION
    wanted = settings.get("email_claims") or ["email"]
    names = [wanted] if isinstance(wanted, str) else list(wanted)  # type: ignore[arg-type]
    for name in names:
        if name not in EMAIL_CLAIMS:
            continue
        value = claims.get(str(name))
        if value and access.EMAIL.match(str(value).strip()):
            return str(value).strip().lower(), None
    return None, None


def _settings() -> Mapping[str, object]:
    try:
        return dict(st.secrets.get(SETTINGS, {}))
    except Exception:  # no secrets file at all
        return {}


def _claims() -> dict[str, object]:
    return {name: st.user.get(name) for name in ("email", "email_verified", *EMAIL_CLAIMS)}


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
    email, refused = identity(_claims(), _settings())
    if refused is not None:
        st.error(refused)
        st.button("Sign out", on_click=st.logout, key="ehdmm_logout_refused")
        st.stop()
    viewer = _registered(db, token, email)
    if viewer is None:
        who = escape_markdown(email or "an account without an email address")
        st.error(
            f"You are signed in as {who}, but this "
            "account has no access to ehdmm yet. Ask the national team to add you."
        )
        st.button("Sign out", on_click=st.logout, key="ehdmm_logout_unknown")
        st.stop()
    if not st.session_state.get(_SIGNED_IN_KEY):
        access.audit(db, viewer.name, "sign-in", f"role={viewer.role}")
        st.session_state[_SIGNED_IN_KEY] = True
    with st.sidebar:
        who = viewer.email if viewer.sees_all else f"{viewer.email} ({viewer.authority_code})"
        st.caption(f"Signed in as {escape_markdown(who or '')}, {viewer.role} role.")
        st.button("Sign out", on_click=st.logout, key="ehdmm_logout")
    return _remember(db, viewer)
