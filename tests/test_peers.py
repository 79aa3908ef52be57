"""ehdmm.peers: built-in and custom peer groups."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm import peers
from ehdmm.storage import connect
from ehdmm.storage import publications as pubs
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

BRISTOL = "E06000023"


def members(db, group):
    with connect(db) as conn:
        return peers.peer_members(conn, LOCAL_VIEWER, BRISTOL, peers.parse_peer_group(group))


def test_built_in_groups(empty_db):
    with connect(empty_db) as conn:
        frame = ref.authorities(conn).set_index("code")
    assert len(members(empty_db, "england")) == 153
    region = members(empty_db, "region")
    assert BRISTOL in region and set(frame.loc[region, "region"]) == {"South West"}
    assert len(region) == (frame["region"] == "South West").sum()
    la_type = members(empty_db, "type")
    assert set(frame.loc[la_type, "la_type"]) == {"Unitary"}
    neighbours = members(empty_db, "neighbours")
    assert len(neighbours) == 11 and BRISTOL in neighbours


def test_neighbours_are_dfe_2025_closest_first(empty_db):
    with connect(empty_db) as conn:
        near = ref.neighbours(conn, BRISTOL)
    assert len(near) == 10
    frame = pd.read_csv(ref.NEIGHBOURS_CSV, dtype=str)
    rows = frame[frame["gss_code"] == BRISTOL].sort_values("rank", key=lambda s: s.astype(int))
    assert near == list(rows["neighbour_gss_code"])


def test_custom_group_from_csv(empty_db):
    index = peers.authority_index(empty_db)
    data = b"authority,note\nBristol,core city\n330\nE08000035\nLeeds\n"
    codes, errors = peers.parse_group_csv("core.csv", data, index)
    assert errors == []
    peers.save_custom_group(empty_db, "core cities", codes, "Core Cities")
    assert members(empty_db, "custom:core cities") == sorted(codes)
    assert len(codes) == 3  # Leeds is E08000035 (a duplicate)
    with connect(empty_db) as conn:
        listed = ref.custom_groups(conn)
    assert listed.loc[0, "name"] == "core cities" and listed.loc[0, "members"] == 3


def test_custom_group_csv_errors_name_file_row_and_column(empty_db):
    index = peers.authority_index(empty_db)
    _, errors = peers.parse_group_csv("g.csv", b"authority\nBristol\nNowhere\n", index)
    assert errors == [
        "g.csv, row 3, column 'authority': unknown authority 'Nowhere' (give an "
        "ONS code such as E10000003, a DfE LA number or the authority's name)"
    ]
    _, errors = peers.parse_group_csv("g.csv", b"name\nBristol\n", index)
    assert "missing required column 'authority'" in errors[0]


@pytest.mark.parametrize("value", ["", "nearby", "custom:", "England "])
def test_unknown_group_keys(value):
    if value == "England ":
        with pytest.raises(ValueError):
            peers.parse_peer_group("England")
        return
    with pytest.raises(ValueError, match="unknown peer group"):
        peers.parse_peer_group(value)


def test_group_keys_round_trip():
    for key in ["england", "region", "type", "neighbours", "custom:core cities"]:
        assert peers.parse_peer_group(key).key == key


# ---------------------------------------------------------------------------------------------
# Publishing custom groups


def codes_where(db, column: str | None = None, value: str | None = None) -> list[str]:
    with connect(db) as conn:
        frame = ref.authorities(conn)
    if column is not None:
        frame = frame[frame[column] == value]
    return sorted(frame["code"])


def neighbours_of(db, code: str) -> list[str]:
    with connect(db) as conn:
        return sorted({code, *ref.neighbours(conn, code)})


def audit_actions(db) -> list[str]:
    from ehdmm import access
    from ehdmm.viewer import Viewer

    return list(access.audit_log(db, Viewer(role="national", email="t"))["action"])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("region", "the region North East by 1 authority"),
        ("type", "the LA type County by 2 authorities"),
        ("england", "England by 3 authorities"),
        ("neighbours", "the statistical neighbours of"),
        ("custom", "the published custom group 'spread' by 2 authorities"),
    ],
)
def test_a_group_too_close_to_another_is_refused_naming_it(empty_db, kind, expected):
    spread = codes_where(empty_db)[::19]  # 9 authorities across England
    peers.save_custom_group(empty_db, "spread", spread)
    assert peers.publish_group(empty_db, "spread", actor="t")
    members = {
        "region": codes_where(empty_db, "region", "North East")[1:],
        "type": codes_where(empty_db, "la_type", "County")[2:],
        "england": codes_where(empty_db)[3:],
        "neighbours": neighbours_of(empty_db, "E06000023")[1:],
        "custom": [*spread, *codes_where(empty_db)[1:3]],
    }[kind]
    peers.save_custom_group(empty_db, "close", members)
    with pytest.raises(peers.GroupRefused, match=expected):
        peers.publish_group(empty_db, "close", actor="t")
    with connect(empty_db) as conn:
        published = set(pubs.published_groups(conn)["group_name"])
    assert published == {"spread"}  # nothing changed
    assert audit_actions(empty_db).count("group.publish") == 1


def test_a_group_equal_to_a_region_or_five_apart_is_published(empty_db):
    north_east = codes_where(empty_db, "region", "North East")
    peers.save_custom_group(empty_db, "ne", north_east)
    assert peers.publish_group(empty_db, "ne", actor="t")
    assert not peers.publish_group(empty_db, "ne", actor="t")  # already: no-op
    peers.save_custom_group(empty_db, "ne+5", [*north_east, *codes_where(empty_db)[:5]])
    assert peers.publish_group(empty_db, "ne+5", actor="t")
    assert peers.unpublish_group(empty_db, "ne", actor="t")
    assert not peers.unpublish_group(empty_db, "ne", actor="t")
    assert audit_actions(empty_db).count("group.unpublish") == 1


def test_changing_a_published_groups_members_unpublishes_it(empty_db):
    north_east = codes_where(empty_db, "region", "North East")
    peers.save_custom_group(empty_db, "ne", north_east)
    assert peers.publish_group(empty_db, "ne", actor="t")
    assert peers.save_custom_group(empty_db, "ne", north_east[1:], actor="t")
    with connect(empty_db) as conn:
        assert pubs.published_groups(conn).empty
    with pytest.raises(peers.GroupRefused, match="by 1 authority"):
        peers.publish_group(empty_db, "ne", actor="t")
