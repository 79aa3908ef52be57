"""`python -m ehdmm rounds publish ID`: exit codes, what is written, the audit log."""

from __future__ import annotations

from ehdmm import access, cli
from ehdmm.storage import connect
from ehdmm.storage import publications as pubs
from ehdmm.viewer import Viewer

NATIONAL = Viewer(role="national", email="tests")
LATE = ["E06000022", "E06000031", "E06000041", "E06000045", "E08000013"]  # none in 2026-03


def publications(db) -> list[tuple[str, int]]:
    with connect(db) as conn:
        frame = pubs.latest_publications(conn)
    return list(zip(frame["round_id"], frame["id"], strict=True))


def test_the_demo_rounds_are_published_and_nothing_changed_is_a_no_op(
    demo_db, import_levels, capsys
):
    before = publications(demo_db)
    assert [r for r, _ in before] == ["2023-03", "2024-03", "2025-03", "2026-03"]
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 0
    assert "nothing was written" in capsys.readouterr().out
    assert publications(demo_db) == before


def test_fewer_than_five_changed_returns_are_refused_with_nothing_written(
    demo_db, import_levels, capsys
):
    import_levels(demo_db, LATE[:2])
    before = publications(demo_db)
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "2 authorities' current returns differ" in err and "at least 5" in err
    assert "Nothing was written" in err
    assert publications(demo_db) == before
    assert "round.publish" not in set(access.audit_log(demo_db, NATIONAL)["action"])


def test_hold_back_publishes_the_changed_authorities_at_their_last_publication(
    demo_db, import_levels, capsys
):
    import_levels(demo_db, LATE[:2])
    with connect(demo_db) as conn:
        previous = pubs.publication_members(conn, dict(publications(demo_db))["2026-03"])
    args = ["rounds", "publish", "2026-03", "--hold-back", "--actor", "lead", "--db"]
    assert cli.main([*args, str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "Held back at their previously published return (2)" in out
    assert "Bath and North East Somerset (E06000022)" in out  # named for the national team
    new_id = dict(publications(demo_db))["2026-03"]
    with connect(demo_db) as conn:
        assert pubs.publication_members(conn, new_id) == previous
    log = access.audit_log(demo_db, NATIONAL)
    entry = log[log["action"] == "round.publish"].iloc[0]
    assert entry["actor"] == "lead" and "held back: E06000022, E06000031" in entry["detail"]


def test_five_changed_returns_are_published(demo_db, import_levels, capsys):
    import_levels(demo_db, LATE)
    assert cli.main(["rounds", "publish", "2026-03", "--db", str(demo_db)]) == 0
    assert "Round 2026-03 published" in capsys.readouterr().out
    new_id = dict(publications(demo_db))["2026-03"]
    with connect(demo_db) as conn:
        members = pubs.publication_members(conn, new_id)
    assert set(LATE) <= set(members)
    log = access.audit_log(demo_db, NATIONAL)
    assert "5 changed since the last" in log[log["action"] == "round.publish"].iloc[0]["detail"]


def test_an_unknown_round_is_a_usage_error(demo_db, import_levels, run_cli):
    done = run_cli("rounds", "publish", "2019-03", "--db", str(demo_db))
    assert done.returncode == 2 and "unknown round '2019-03'" in done.stderr
    done = run_cli("rounds", "publish", "--db", str(demo_db))
    assert done.returncode == 2
