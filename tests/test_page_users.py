"""AppTest of pages/20_Users.py (national team): list, add, change role, set and clear the lead
flag, remove; every change previewed in words, written only on confirm, and audited."""

from __future__ import annotations

from test_roles import AUTH

from ehdmm import access
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/20_Users.py"


def click(at, label: str) -> None:
    at.button[[b.label for b in at.button].index(label)].click().run()
    assert not at.exception, [e.message for e in at.exception]


def shown(at) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.success, *at.error, *at.info))


def test_add_a_lead_previewed_then_confirmed(round_db, run_page):
    at = run_page(round_db)
    assert "No users yet" in shown(at)
    at.text_input(key="user_email").input("Lead@Bristol.gov.uk")
    at.selectbox(key="user_role").set_value("authority")
    at.text_input(key="user_authority").input("Bristol")
    at.checkbox(key="user_lead").check()
    click(at, "Preview the change")
    assert "Add lead@bristol.gov.uk: authority user of E06000023, lead." in shown(at)
    assert access.list_users(round_db).empty  # nothing before the confirm
    click(at, "Confirm")
    users = access.list_users(round_db)
    assert users.to_dict("records")[0]["lead"] and users["authority_code"].iloc[0] == "E06000023"
    table = at.dataframe[0].value
    assert list(table["Lead"]) == ["yes"]
    assert list(access.audit_log(round_db, LOCAL_VIEWER)["action"]) == ["user.add"]


def test_clear_lead_and_remove_are_confirmed_and_audited(round_db, run_page):
    access.add_user(round_db, "lead@leeds.gov.uk", "authority", "Leeds", actor="t", lead=True)
    at = run_page(round_db)
    click(at, "Clear the lead flag")
    assert "Clear the lead flag of lead@leeds.gov.uk (E08000035)." in shown(at)
    click(at, "Cancel")
    assert access.list_users(round_db)["lead"].iloc[0]
    click(at, "Clear the lead flag")
    click(at, "Confirm")
    assert not access.list_users(round_db)["lead"].iloc[0]
    click(at, "Remove the user")
    click(at, "Confirm")
    assert access.list_users(round_db).empty
    actions = list(access.audit_log(round_db, LOCAL_VIEWER)["action"])
    assert actions[:2] == ["user.remove", "user.unlead"]


def test_a_bad_email_changes_nothing(round_db, run_page):
    at = run_page(round_db)
    at.text_input(key="user_email").input("not an email")
    click(at, "Preview the change")
    assert "is not an email address: nothing changed" in shown(at)
    assert "Confirm" not in [b.label for b in at.button]


def test_a_national_user_who_is_not_a_lead_cannot_be_made_one(round_db, run_page):
    access.add_user(round_db, "n@communities.gov.uk", "national", None, actor="t")
    at = run_page(round_db)
    click(at, "Make lead")
    click(at, "Confirm")
    assert "Nothing changed: only an authority user can be a lead" in shown(at)


def test_authority_users_are_refused(round_db, run_page):
    access.add_user(round_db, "lead@leeds.gov.uk", "authority", "Leeds", actor="t", lead=True)
    user = {"is_logged_in": True, "email": "lead@leeds.gov.uk"}
    at = run_page(round_db, secrets={"auth": dict(AUTH)}, user=user)
    assert "This page is for the national team." in shown(at)
    assert not at.dataframe
