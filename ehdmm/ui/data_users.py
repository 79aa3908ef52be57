"""Streamlit side of the Users page (national team): every change (add, change the role, set or
clear the lead flag, remove) is first described in words and written only when confirmed; each
is in the audit log (`ehdmm.access`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm import access
from ehdmm.storage import DatabaseBusy, StoreError
from ehdmm.ui.cache import cached
from ehdmm.viewer import Viewer
from ehdmm.views.scope import Token

PENDING_KEY = "users_pending"
MESSAGES_KEY = "users_messages"
ADD_KEYS = ("user_email", "user_role", "user_authority", "user_lead")


@cached(max_entries=16)
def users_table(db: str, token: Token) -> pd.DataFrame:
    """Every user, read once per database state (shared: read-only)."""
    frame = access.list_users(db)
    return pd.DataFrame(
        {
            "Email": frame["email"],
            "Role": frame["role"],
            "Authority": frame["authority_code"].fillna(""),
            "Lead": ["yes" if v else "" for v in frame["lead"]],
            "Added": [f"{v:%Y-%m-%d %H:%M}" for v in frame["added_at"]],
            "Added by": frame["added_by"].fillna(""),
        }
    )


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, text))


def messages() -> list[tuple[str, str]]:
    return st.session_state.pop(MESSAGES_KEY, [])


def pending() -> tuple | None:
    return st.session_state.get(PENDING_KEY)


def describe(db: str, change: tuple) -> str:
    """The change in words, against the user as stored now."""
    users = access.list_users(db).set_index("email")
    kind, email = change[0], change[1]
    now = users.loc[email] if email in users.index else None
    if kind == "add":
        _, _, role, authority, lead = change
        what = f"{role} user" + (f" of {authority}" if authority else "")
        what += ", lead" if lead else ""
        if now is None:
            return f"Add {email}: {what}."
        was = f"{now['role']}" + (
            f" for {now['authority_code']}" if now["role"] == "authority" else ""
        )
        return f"Change {email} from {was}{', lead' if now['lead'] else ''} to {what}."
    if kind == "lead":
        where = now["authority_code"] if now is not None else "their authority"
        if change[2]:
            return f"Make {email} the lead of {where} (invites respondents, submits the consensus)."
        return f"Clear the lead flag of {email} ({where})."
    return f"Remove {email}: they can no longer sign in."


def ask(change: tuple) -> None:
    st.session_state[PENDING_KEY] = change


def ask_add(db: str) -> None:
    email, role, authority, lead = (st.session_state.get(k) for k in ADD_KEYS)
    email = (email or "").strip().lower()
    if not access.EMAIL.match(email):
        _say("error", f"'{email[:80]}' is not an email address: nothing changed.")
        return
    role = role or "authority"
    code = None
    if role == "authority":
        try:
            code = access.resolve_authority(db, authority or "")
        except ValueError as exc:
            _say("error", f"{exc}: nothing changed.")
            return
    ask(("add", email, role, code, bool(lead)))


def cancel() -> None:
    st.session_state.pop(PENDING_KEY, None)


def confirm(db: str, viewer: Viewer) -> None:
    change = st.session_state.pop(PENDING_KEY, None)
    if change is None:
        return
    actor = viewer.name
    try:
        if change[0] == "add":
            _, email, role, authority, lead = change
            code = access.add_user(db, email, role, authority, actor=actor, lead=lead)
            _say("success", f"Saved {email}: {role}" + (f" for {code}" if code else "") + ".")
        elif change[0] == "lead":
            access.set_lead(db, change[1], change[2], actor=actor)
            _say("success", f"Saved: {change[1]} {'is' if change[2] else 'is not'} a lead.")
        else:
            access.remove_user(db, change[1], actor=actor)
            _say("success", f"Removed {change[1]}.")
    except (ValueError, DatabaseBusy, StoreError) as exc:
        _say("error", f"Nothing changed: {exc}.")
