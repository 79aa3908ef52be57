"""Custom groups in the app: the national team creates, renames, edits, deletes; an unknown
member or a duplicate name refused with nothing written; authority users propose, the national
team takes or declines with a reason; small groups allowed with a note; every action audited
with names."""

from __future__ import annotations

import duckdb
import pytest

from ehdmm import group_admin
from ehdmm.access import AccessDenied
from ehdmm.viewer import LOCAL_VIEWER, Viewer

NATIONAL = LOCAL_VIEWER
OWN = Viewer(role="authority", authority_code="E06000023", email="a@bristol.gov.uk")
CORE = ["E06000023", "E08000035", "E08000025", "E06000022", "E09000001", "E06000024"]


def _tables(db) -> tuple:
    with duckdb.connect(str(db), read_only=True) as conn:
        return tuple(
            conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("custom_groups", "custom_group_members", "group_proposals")
        )


def _audit(db) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT action, detail FROM audit_log ORDER BY id").fetchall()


def test_create_rename_edit_and_delete(empty_db):
    done = group_admin.create_group(empty_db, NATIONAL, "Core cities", CORE[:3], actor="lead")
    assert "E06000023 (Bristol, City of)" in done.message
    group_admin.rename_group(empty_db, NATIONAL, "Core cities", "Big cities", actor="lead")
    group_admin.set_members(empty_db, NATIONAL, "Big cities", CORE, actor="lead")
    table = group_admin.groups_table(empty_db, NATIONAL)
    assert list(table["name"]) == ["Big cities"] and list(table["members"]) == [6]
    assert set(table["member_codes"][0]) == set(CORE)
    group_admin.delete_group(empty_db, NATIONAL, "Big cities", actor="lead")
    assert group_admin.groups_table(empty_db, NATIONAL).empty
    actions = [a for a, _ in _audit(empty_db)]
    assert actions == ["group.create", "group.rename", "group.members", "group.delete"]
    assert "added E06000022 (Bath and North East Somerset)" in _audit(empty_db)[2][1]


@pytest.mark.parametrize(
    ("name", "members", "message"),
    [
        ("", CORE, "needs a name"),
        ("x\x07", CORE, "control characters"),
        ("Core", ["E99999999", *CORE], "unknown member"),
        ("Core", [], "at least one member"),
        ("Taken", CORE, "exists already"),
    ],
)
def test_bad_groups_are_refused_with_nothing_written(empty_db, name, members, message):
    group_admin.create_group(empty_db, NATIONAL, "Taken", CORE[:2], actor="lead")
    before = (_tables(empty_db), _audit(empty_db))
    with pytest.raises(group_admin.GroupActionRefused, match=message):
        group_admin.create_group(empty_db, NATIONAL, name, members, actor="lead")
    assert (_tables(empty_db), _audit(empty_db)) == before


def test_a_small_group_is_allowed_and_said_to_stay_suppressed(empty_db):
    group_admin.create_group(empty_db, NATIONAL, "Three", CORE[:3], actor="lead")
    note = group_admin.small_group_note(3)
    assert "3 members" in note and "stay suppressed" in note
    assert group_admin.small_group_note(6) is None


def test_authority_users_propose_and_the_national_team_decides(empty_db):
    with pytest.raises(AccessDenied):
        group_admin.create_group(empty_db, OWN, "Mine", CORE, actor=OWN.name)
    group_admin.propose(empty_db, OWN, "Coastal", CORE, actor=OWN.name)
    group_admin.propose(empty_db, OWN, "Odd", CORE[:2], actor=OWN.name)
    queue = group_admin.proposals(empty_db, NATIONAL)
    assert list(queue["name"]) == ["Odd", "Coastal"] and queue["outcome"].isna().all()
    other = Viewer(role="authority", authority_code="E08000035", email="b@leeds.gov.uk")
    assert group_admin.proposals(empty_db, other).empty
    odd, coastal = (int(i) for i in queue["id"])
    with pytest.raises(group_admin.GroupActionRefused, match="needs a reason"):
        group_admin.decline(empty_db, NATIONAL, odd, " ", actor="lead")
    group_admin.decline(empty_db, NATIONAL, odd, "two authorities only", actor="lead")
    group_admin.accept(empty_db, NATIONAL, coastal, actor="lead")
    mine = group_admin.proposals(empty_db, OWN)
    assert dict(zip(mine["name"], mine["outcome"], strict=True)) == {
        "Odd": "declined",
        "Coastal": "accepted",
    }
    assert list(group_admin.groups_table(empty_db, NATIONAL)["name"]) == ["Coastal"]
    with pytest.raises(group_admin.GroupActionRefused, match="accepted already"):
        group_admin.accept(empty_db, NATIONAL, coastal, actor="lead")
    propose = next(d for a, d in _audit(empty_db) if a == "group.propose")
    assert "E06000023 (Bristol, City of)" in propose
