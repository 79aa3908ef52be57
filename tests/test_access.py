"""ehdmm.access: users, roles, viewers of signed-in users, the audit log."""

from __future__ import annotations

import pytest

from ehdmm import access
from ehdmm.viewer import LOCAL_VIEWER, Viewer


def test_users_add_update_list_remove_with_audit(empty_db):
    assert (
        access.add_user(empty_db, " Ann@Example.org ", "authority", "Bristol", actor="cli:root")
        == "E06000023"
    )
    access.add_user(empty_db, "nat@example.org", "national", None, actor="cli:root")
    users = access.list_users(empty_db).set_index("email")
    assert users.loc["ann@example.org", "authority_code"] == "E06000023"
    assert users.loc["nat@example.org", "role"] == "national"
    access.add_user(empty_db, "ann@example.org", "authority", "801", actor="cli:root")
    assert access.remove_user(empty_db, "nat@example.org", actor="cli:root")
    assert not access.remove_user(empty_db, "nobody@example.org", actor="cli:root")
    log = access.audit_log(empty_db, LOCAL_VIEWER)
    assert list(log["action"]) == ["user.remove", "user.add", "user.add", "user.add"]
    assert set(log["actor"]) == {"cli:root"}


@pytest.mark.parametrize(
    ("email", "role", "authority", "message"),
    [
        ("not-an-email", "national", None, "not an email"),
        ("a@b.org", "admin", None, "unknown role"),
        ("a@b.org", "authority", None, "needs --authority"),
        ("a@b.org", "authority", "Atlantis", "unknown authority"),
        ("a@b.org", "national", "E06000023", "no --authority"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_written(empty_db, email, role, authority, message):
    with pytest.raises(ValueError, match=message):
        access.add_user(empty_db, email, role, authority, actor="t")
    assert access.list_users(empty_db).empty
    assert access.audit_log(empty_db, LOCAL_VIEWER).empty


def test_viewer_for_a_signed_in_user(empty_db):
    access.add_user(empty_db, "ann@example.org", "authority", "E06000023", actor="t")
    viewer = access.viewer_for(empty_db, "ANN@example.org")
    assert viewer == Viewer(role="authority", authority_code="E06000023", email="ann@example.org")
    assert access.viewer_for(empty_db, "stranger@example.org") is None
    assert access.viewer_for(empty_db, None) is None


def test_audit_log_is_national_only(empty_db):
    access.audit(empty_db, "ann@example.org", "export", "report docx")
    with pytest.raises(access.AccessDenied):
        access.audit_log(empty_db, Viewer(role="authority", authority_code="E06000023"))
    assert access.audit_log(empty_db, LOCAL_VIEWER).iloc[0]["detail"] == "report docx"


def test_an_export_is_logged_with_names_beside_codes(empty_db):
    access.audit_export(empty_db, "ann@example.org", "E06000023_2026-03_report_gated.docx")
    access.audit_export(
        empty_db, "ann@example.org", "england_2026-03_reports.zip", ["E08000014", "E08000035"]
    )
    access.audit_export(empty_db, "ann@example.org", "england_all-rounds_pack_gated.xlsx")
    details = list(access.audit_log(empty_db, LOCAL_VIEWER)["detail"])[::-1]
    assert details == [
        "E06000023 (Bristol, City of): E06000023_2026-03_report_gated.docx",
        "E08000014 (Sefton), E08000035 (Leeds): england_2026-03_reports.zip",
        "england_all-rounds_pack_gated.xlsx",
    ]
