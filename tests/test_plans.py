"""Targets and improvement plans: what may be set, who may set it, history kept, audit log."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehdmm import access, plans
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import plans as store
from ehdmm.viewer import LOCAL_VIEWER, Viewer

MODEL = load_model()
LEEDS = "E08000035"
BRISTOL = "E06000023"
LEEDS_USER = Viewer("authority", LEEDS, "lead@leeds.gov.uk")
NATIONAL = Viewer("national", email="team@communities.gov.uk")


def _free_dimension(db, code: str = LEEDS) -> tuple[str, int]:
    """A dimension below Mature for the authority, and its current level."""
    plan = plans.read_plan(db, LOCAL_VIEWER, code)
    dim, level = next((d, lv) for d, lv in plan.levels.items() if lv < 4)
    return dim, level


def _statement(dimension_id: str, level: int) -> str:
    return MODEL.dimension(dimension_id).statements[level][0]


def _counts(db) -> tuple[int, int, int]:
    with connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("targets", "plan_actions", "audit_log")
        )


def test_set_target_keeps_history_and_logs(demo_db):
    dim, level = _free_dimension(demo_db)
    before = _counts(demo_db)
    plans.set_target(demo_db, LEEDS_USER, "lead@leeds.gov.uk", LEEDS, dim, level + 1, "2027-03")
    plans.set_target(demo_db, LEEDS_USER, "lead@leeds.gov.uk", LEEDS, dim, 4, "2028-03")
    plan = plans.read_plan(demo_db, LEEDS_USER, LEEDS)
    mine = plan.targets[plan.targets["dimension_id"] == dim]
    assert mine[["target_level", "target_round"]].values.tolist() == [[4, "2028-03"]]
    with connect(demo_db) as conn:
        history = store.target_history(conn, LEEDS_USER, LEEDS)
    mine = history[history["dimension_id"] == dim]
    assert mine["target_level"].tolist()[-2:] == [level + 1, 4]  # the old one is kept
    assert mine["superseded_by"].isna().sum() == 1
    assert mine["set_by"].tolist()[-1] == "lead@leeds.gov.uk"
    assert mine["baseline_level"].tolist()[-1] == level
    log = access.audit_log(demo_db, LOCAL_VIEWER)
    assert _counts(demo_db)[2] == before[2] + 2
    assert log["action"].iloc[0] == "plan.target"
    assert f"{LEEDS} {MODEL.dimension(dim).name}: Mature by 2028-03" == log["detail"].iloc[0]


def test_withdraw_target_is_kept_as_history(demo_db):
    dim, level = _free_dimension(demo_db)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", LEEDS, dim, level + 1, "2027-03")
    assert plans.withdraw_target(demo_db, LOCAL_VIEWER, "me", LEEDS, dim)
    plan = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS)
    assert dim not in set(plan.targets["dimension_id"])
    assert not plans.withdraw_target(demo_db, LOCAL_VIEWER, "me", LEEDS, dim)
    with connect(demo_db) as conn:
        history = store.target_history(conn, LOCAL_VIEWER, LEEDS)
    assert len(history[history["dimension_id"] == dim]) >= 2


@pytest.mark.parametrize(
    ("dimension", "level", "rnd", "message"),
    [
        ("casework", "current", "2027-03", "above the current level"),
        ("casework", "below", "2027-03", "above the current level"),
        ("casework", 5, "2027-03", "at most 4"),
        ("casework", "Mature-ish", "2027-03", "is not a level"),
        ("nonsense", 4, "2027-03", "not a dimension"),
        ("casework", 4, "2026-03", "later than the current round 2026-03"),
        ("casework", 4, "2025-03", "later than the current round"),
        ("casework", 4, "March 2027", "not a round of the form YYYY-MM"),
        ("casework", 4, "2027-13", "not a round of the form YYYY-MM"),
        ("casework", 4, "", "not a round of the form YYYY-MM"),
    ],
)
def test_bad_targets_change_nothing(demo_db, dimension, level, rnd, message):
    plan = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS)
    current = plan.levels["casework"]
    if level == "current":
        level = current
    elif level == "below":
        level = max(1, current - 1)
    before = _counts(demo_db)
    with pytest.raises(plans.PlanError, match=message):
        plans.set_target(demo_db, LEEDS_USER, "x", LEEDS, dimension, level, rnd)
    assert _counts(demo_db) == before


def test_unknown_authority_is_refused(demo_db):
    before = _counts(demo_db)
    with pytest.raises(plans.NotAllowed):
        plans.set_target(demo_db, LEEDS_USER, "x", "E99999999", "casework", 4, "2027-03")
    with pytest.raises(plans.PlanError, match="'E99999999' is not an authority"):
        plans.set_target(demo_db, LOCAL_VIEWER, "x", "E99999999", "casework", 4, "2027-03")
    action = plans.Action.checked(MODEL, "casework", "A", [_statement("casework", 4)])
    with pytest.raises(plans.PlanError, match="not an authority"):
        plans.save_action(demo_db, LOCAL_VIEWER, "x", "E99999999", action)
    assert _counts(demo_db) == before


def test_who_may_edit_and_read(demo_db):
    dim, level = _free_dimension(demo_db)
    before = _counts(demo_db)
    with pytest.raises(plans.NotAllowed, match="national team reads"):
        plans.set_target(demo_db, NATIONAL, "n", LEEDS, dim, level + 1, "2027-03")
    with pytest.raises(plans.NotAllowed):
        plans.set_target(demo_db, LEEDS_USER, "x", BRISTOL, "casework", 4, "2027-03")
    action = plans.Action.checked(MODEL, "casework", "A", [_statement("casework", 4)])
    with pytest.raises(plans.NotAllowed):
        plans.save_action(demo_db, LEEDS_USER, "x", BRISTOL, action)
    with pytest.raises(plans.NotAllowed):
        plans.read_plan(demo_db, LEEDS_USER, BRISTOL)
    assert _counts(demo_db) == before
    assert plans.read_plan(demo_db, NATIONAL, LEEDS).authority_code == LEEDS


def test_an_authority_cannot_change_another_authoritys_action(demo_db):
    bristol_user = Viewer("authority", BRISTOL, "b@bristol.gov.uk")
    action = plans.Action.checked(MODEL, "casework", "Ours", [_statement("casework", 4)])
    action_id = plans.save_action(demo_db, bristol_user, "b", BRISTOL, action)
    before = _counts(demo_db)
    with pytest.raises(plans.NotAllowed):
        plans.save_action(demo_db, LEEDS_USER, "x", LEEDS, action, action_id=action_id)
    assert _counts(demo_db) == before


def test_actions_keep_their_versions(demo_db):
    statement = _statement("casework", 3)
    action = plans.Action.checked(
        MODEL, "Casework", "  Procure a case system ", [statement], "Head of EH", "2027-01-31"
    )
    assert action.title == "Procure a case system" and action.due == date(2027, 1, 31)
    action_id = plans.save_action(demo_db, LEEDS_USER, "me", LEEDS, action)
    assert plans.save_action(demo_db, LEEDS_USER, "me", LEEDS, action, action_id) is None
    done = plans.Action.checked(
        MODEL, "casework", action.title, [statement], "Head of EH", "2027-01-31", "Done"
    )
    assert plans.save_action(demo_db, LEEDS_USER, "me", LEEDS, done, action_id) == action_id
    plan = plans.read_plan(demo_db, LEEDS_USER, LEEDS)
    row = plan.actions[plan.actions["action_id"] == action_id].iloc[0]
    assert row["status"] == "done" and row["statements"] == statement
    with connect(demo_db) as conn:
        history = store.action_history(conn, LEEDS_USER, LEEDS)
    assert history[history["action_id"] == action_id]["status"].tolist() == ["planned", "done"]
    log = access.audit_log(demo_db, LOCAL_VIEWER)
    assert log["action"].tolist()[:2] == ["plan.action", "plan.action"]
    assert "action changed" in log["detail"].iloc[0] and "(done)" in log["detail"].iloc[0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "finished"}, "not a status"),
        ({"due": "31/01/2027"}, "not a date"),
        ({"due": "2027-02-30"}, "not a date"),
        ({"statements": ["We are great."]}, "not one of the model's statements"),
        ({"statements": []}, "at least one"),
        ({"title": "   "}, "title is empty"),
        ({"dimension": "nope"}, "not a dimension"),
        ({"note": "x" * 2001}, "longer than 2,000"),
    ],
)
def test_bad_actions_are_refused(fields, message):
    values = {
        "dimension": "casework",
        "title": "T",
        "statements": [_statement("casework", 2)],
        "owner": None,
        "due": None,
        "status": "planned",
        "note": None,
    } | fields
    with pytest.raises(plans.PlanError, match=message):
        plans.Action.checked(MODEL, **values)


def test_statements_match_with_spaces_normalised():
    text = _statement("research", 3)
    found = plans.parse_statements(MODEL, "research", "  " + text.replace(" ", "  ") + "\n\n")
    assert found == (text,)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_user_text_is_kept_as_typed(text):
    if not text.strip():
        return
    action = plans.Action.checked(MODEL, "cba", text, [_statement("cba", 2)], owner=text, note=text)
    assert action.title == text.strip() and action.note == text.strip()
