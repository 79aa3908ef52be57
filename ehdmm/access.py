"""Who may see what: users and roles, the viewer of a signed-in user, and the audit log.

Roles: `national` (every authority by name, uploads, the national pack) and `authority` (its own
authority by name; everything else only as peer aggregates, see `ehdmm.disclosure`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import pandas as pd

from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.storage import access as store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.storage import responses as responses_store
from ehdmm.viewer import Viewer

ROLES: tuple[str, ...] = ("national", "authority")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Db = str | os.PathLike[str] | None


class AccessDenied(PermissionError):
    """The viewer may not see or do this."""


def add_user(
    db: Db, email: str, role: str, authority: str | None, *, actor: str, lead: bool = False
) -> str:
    """Add or update a user; returns the authority code (or '') it was given. `lead` marks an
    authority user as its authority's lead (who invites respondents and sets the consensus).
    ValueError on a bad email, role or authority, or a lead who is not an authority user."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ValueError(f"'{email}' is not an email address")
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}' (use national or authority)")
    code = None
    if role == "authority":
        if not authority:
            raise ValueError("an authority user needs --authority CODE")
        code = resolve_authority(db, authority)
    elif authority:
        raise ValueError("a national user has no --authority")
    if lead and role != "authority":
        raise ValueError("only an authority user can be a lead (--lead needs --role authority)")

    def work(conn):
        store.upsert_user(conn, email, role, code, actor)
        responses_store.set_lead(conn, email, lead)
        store.append_audit(
            conn,
            actor,
            "user.add",
            f"{email} role={role} authority={code or ''}" + (" lead" if lead else ""),
        )

    write_with_retry(db, work)
    return code or ""


def resolve_authority(db: Db, value: str) -> str:
    """The ONS code of an authority given by code, DfE number or name (ValueError if none)."""
    with connect(db) as conn:
        index = AuthorityIndex(ref.authorities(conn))
    try:
        return index.resolve(value)
    except AuthorityLookupError as exc:
        raise ValueError(str(exc)) from exc


def set_lead(db: Db, email: str, lead: bool, *, actor: str) -> None:
    """Set or clear an authority user's lead flag (audited). ValueError for an unknown email
    or a national user."""
    email = email.strip().lower()

    def work(conn):
        found = store.get_user(conn, email)
        if found is None:
            raise ValueError(f"no user {email}")
        if found[0] != "authority":
            raise ValueError("only an authority user can be a lead")
        responses_store.set_lead(conn, email, lead)
        store.append_audit(conn, actor, "user.lead" if lead else "user.unlead", email)

    write_with_retry(db, work)


def remove_user(db: Db, email: str, *, actor: str) -> bool:
    email = email.strip().lower()

    def work(conn):
        existed = store.delete_user(conn, email)
        if existed:
            store.append_audit(conn, actor, "user.remove", email)
        return existed

    return write_with_retry(db, work)


def list_users(db: Db) -> pd.DataFrame:
    with connect(db) as conn:
        return store.users(conn)


def viewer_for(db: Db, email: str | None) -> Viewer | None:
    """The viewer of a signed-in user, or None when the email is not in the users table."""
    if not email:
        return None
    with connect(db) as conn:
        found = store.get_user(conn, email)
        if found is None:  # an invited respondent signs in to answer for their authority
            invited = responses_store.respondents_by_email(conn, email)
            if not invited.empty:
                found = ("authority", str(invited["authority_code"].iloc[0]))
    if found is None:
        return None
    role, code = found
    return Viewer(role=role, authority_code=code, email=email.strip().lower())  # type: ignore[arg-type]


def audit(db: Db, actor: str, action: str, detail: str | None = None) -> int:
    """Append to the audit log (sign-ins, submissions, imports, exports, user changes)."""
    return write_with_retry(db, lambda conn: store.append_audit(conn, actor, action, detail))


ONS_CODE = re.compile(r"(?<![A-Za-z0-9])[EWSN]\d{8}(?![0-9])")


def export_detail(db: Db, file_name: str, codes: Sequence[str] = ()) -> str:
    """What a download was, for the audit log: the file's name, after the authorities it is
    about (those given, and any ONS code in the name) with their names beside their codes:
    'E06000023 (Bristol, City of): E06000023_2026-03_report_gated.docx'."""
    found = list(dict.fromkeys([*codes, *ONS_CODE.findall(file_name)]))
    if not found:
        return file_name
    with connect(db) as conn:
        frame = ref.authorities(conn)
    names = dict(zip(frame["code"].to_numpy(object), frame["name"].to_numpy(object), strict=True))
    about = ", ".join(f"{code} ({names[code]})" if code in names else code for code in found)
    return f"{about}: {file_name}"


def audit_export(db: Db, actor: str, file_name: str, codes: Sequence[str] = ()) -> int:
    """An 'export' entry for a download (a chart, a table, a report, the pack or a zip)."""
    return audit(db, actor, "export", export_detail(db, file_name, codes))


def audit_log(db: Db, viewer: Viewer, limit: int | None = None) -> pd.DataFrame:
    """The audit log, for national users only."""
    if not viewer.sees_all:
        raise AccessDenied("the audit log is for the national team")
    with connect(db) as conn:
        return store.audit_log(conn, limit)
