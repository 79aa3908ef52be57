"""ehdmm.peers: built-in and custom peer groups."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm import peers
from ehdmm.storage import connect
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
