"""What an import changes, decided against the database before anything is written: a partial
return over a fuller one is refused unless merged or replaced on purpose; an old file imported
again is a no-op that says when, by whom and what it would revert; every import and dry run says,
per authority, the levels before and after and whether the return is new, a replacement, a merge
or unchanged; unchanged returns are not written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehdmm.importer import changes, import_returns
from ehdmm.model import load_model
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
ROUND = "2026-03"
SEFTON = "E08000014"
LEEDS = "E08000035"
HEADER = "authority,round,dimension,level,evidence,confidence\n"


@pytest.fixture
def db(round_db: Path) -> Path:
    return round_db


def full(code: str = SEFTON, level: int = 3, evidence: str = "", dims=DIMS) -> str:
    return "".join(f"{code},{ROUND},{d},{level},{evidence},\n" for d in dims)


def csv(*bodies: str) -> bytes:
    return (HEADER + "".join(bodies)).encode()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with connect(db) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("submissions", "ratings", "checklist_answers", "import_log", "rounds")
        }


def current(db: Path, code: str = SEFTON) -> dict[str, tuple]:
    from ehdmm.storage import submissions as store

    with connect(db) as conn:
        frame = store.current_ratings(conn, LOCAL_VIEWER, code, ROUND)
    return {
        r.dimension_id: (int(r.level), r.evidence if isinstance(r.evidence, str) else None)
        for r in frame.itertuples()
    }


def count_current(db: Path) -> int:
    with connect(db) as conn:
        query = "SELECT count(*) FROM submissions WHERE status = 'submitted'"
        return conn.execute(query).fetchone()[0]


# -- a partial return over a complete one ------------------------------------------------------


def test_a_partial_return_over_a_complete_one_is_refused_naming_what_would_be_lost(
    db: Path,
) -> None:
    [first] = import_returns(db, [("full.csv", csv(full(level=3)))], actor="alice")
    assert first.outcome == "imported"
    before = snapshot(db)
    one_row = b"authority;round;dimension;level\nSefton;2026-03;cba;2\n"
    [result] = import_returns(db, [("one.csv", one_row)], actor="bob")
    assert result.outcome == "rejected"
    assert "nothing was written" in result.message
    [error] = result.plan.errors
    assert error.row == 2
    text = error.message
    assert "Sefton (E08000014)" in text and "2026-03" in text
    assert "complete" in text
    lost = [MODEL.dimension(d).name for d in DIMS if d != "cba"]
    assert all(name in text for name in lost), text
    assert "--merge" in text and "--allow-incomplete" in text
    assert snapshot(db) == before
    assert [c.kind for c in result.changes] == [changes.REFUSED]
    assert result.changes[0].lost == tuple(d for d in DIMS if d != "cba")


def test_merge_corrects_the_given_dimensions_and_carries_the_rest_over(db: Path) -> None:
    import_returns(db, [("full.csv", csv(full(level=3, evidence="kept")))])
    one_row = csv(f"{SEFTON},{ROUND},cba,2,corrected,high\n")
    [result] = import_returns(db, [("fix.csv", one_row)], partial="merge")
    assert result.outcome == "imported", [str(p) for p in result.plan.problems]
    [change] = result.changes
    assert change.kind == changes.MERGE
    assert change.before == dict.fromkeys(DIMS, 3)
    assert change.after == {**dict.fromkeys(DIMS, 3), "cba": 2}
    now = current(db)
    assert now["cba"] == (2, "corrected")
    assert all(now[d] == (3, "kept") for d in DIMS if d != "cba")
    assert count_current(db) == 1


def test_allow_incomplete_replaces_with_the_incomplete_return(db: Path) -> None:
    import_returns(db, [("full.csv", csv(full(level=3)))])
    [result] = import_returns(
        db, [("part.csv", csv(f"{SEFTON},{ROUND},cba,2,,\n"))], partial="replace"
    )
    assert result.outcome == "imported"
    assert [c.kind for c in result.changes] == [changes.REPLACEMENT]
    assert current(db) == {"cba": (2, None)}


def test_choices_are_per_authority_and_round(db: Path) -> None:
    import_returns(db, [("full.csv", csv(full(SEFTON, 3), full(LEEDS, 3)))])
    data = csv(f"{SEFTON},{ROUND},cba,2,,\n", f"{LEEDS},{ROUND},cba,1,,\n")
    [refused] = import_returns(db, [("two.csv", data)], partial={(SEFTON, ROUND): "merge"})
    assert refused.outcome == "rejected"
    [error] = refused.plan.errors
    assert "Leeds (E08000035)" in error.message and error.row == 3
    [done] = import_returns(
        db, [("two.csv", data)], partial={(SEFTON, ROUND): "merge", (LEEDS, ROUND): "replace"}
    )
    assert done.outcome == "imported"
    assert {c.authority_code: c.kind for c in done.changes} == {
        SEFTON: changes.MERGE,
        LEEDS: changes.REPLACEMENT,
    }
    assert len(current(db, SEFTON)) == len(DIMS) and current(db, LEEDS) == {"cba": (1, None)}


def test_an_incomplete_return_that_loses_nothing_needs_no_choice(db: Path) -> None:
    import_returns(db, [("a.csv", csv(full(dims=DIMS[:3])))], partial="replace")
    [result] = import_returns(db, [("b.csv", csv(full(level=2, dims=DIMS[:4])))])
    assert result.outcome == "imported"
    assert [c.kind for c in result.changes] == [changes.REPLACEMENT]


# -- an old file imported again ----------------------------------------------------------------


def test_an_old_file_imported_again_is_a_noop_saying_when_by_whom_and_what_it_would_revert(
    db: Path,
) -> None:
    a = csv(full(SEFTON, 1), full(LEEDS, 1))
    b = csv(full(SEFTON, 4), full(LEEDS, 1))
    [first] = import_returns(db, [("a.csv", a)], actor="alice")
    import_returns(db, [("b.csv", b)], actor="bob")
    before = snapshot(db)
    [again] = import_returns(db, [("a-copy.csv", a)], actor="carol")
    assert again.outcome == "no-op"
    message = again.message
    assert "already imported" in message and "alice" in message and "a.csv" in message
    assert str(first_logged_at(db).date()) in message
    assert "would revert" in message and "Sefton (E08000014)" in message
    assert "Leeds" not in message.split("would revert")[1]
    assert "--reimport" in message
    after = snapshot(db)
    assert {k: v for k, v in after.items() if k != "import_log"} == {
        k: v for k, v in before.items() if k != "import_log"
    }
    assert len(after["import_log"]) == len(before["import_log"]) + 1
    assert current(db)["cba"] == (4, None), "B's correction stays"
    assert [p.actor for p in again.previous] == ["alice"]
    assert first.outcome == "imported"


def first_logged_at(db: Path):
    with connect(db) as conn:
        return conn.execute("SELECT min(logged_at) FROM import_log").fetchone()[0]


def test_reimport_applies_an_old_file_again_on_purpose(db: Path) -> None:
    a = csv(full(SEFTON, 1), full(LEEDS, 1))
    import_returns(db, [("a.csv", a)])
    import_returns(db, [("b.csv", csv(full(SEFTON, 4), full(LEEDS, 1)))])
    [again] = import_returns(db, [("a.csv", a)], reimport=True)
    assert again.outcome == "imported"
    assert {c.authority_code: c.kind for c in again.changes} == {
        SEFTON: changes.REPLACEMENT,
        LEEDS: changes.UNCHANGED,
    }
    assert current(db)["cba"] == (1, None)
    assert len(again.submission_ids) == 1, "Leeds is unchanged: not written again"


def test_the_same_file_imported_twice_says_so(db: Path) -> None:
    data = csv(full())
    import_returns(db, [("same.csv", data)], actor="alice")
    [again] = import_returns(db, [("same.csv", data)])
    assert again.outcome == "no-op"
    assert "already imported" in again.message and "alice" in again.message
    assert "nothing changed" in again.message and "would revert" not in again.message


# -- what every import says it does -------------------------------------------------------------


def test_a_dry_run_shows_each_authority_before_and_after_and_the_kind(db: Path) -> None:
    import_returns(db, [("old.csv", csv(full(SEFTON, 3), full(LEEDS, 3)))])
    data = csv(full(SEFTON, 2), full(LEEDS, 3), full("E06000023", 4))
    snap = snapshot(db)
    [dry] = import_returns(db, [("new.csv", data)], dry_run=True)
    assert dry.outcome == "dry-run" and snapshot(db) == snap
    kinds = {(c.authority_name, c.round_id): c.kind for c in dry.changes}
    assert kinds == {
        ("Sefton", ROUND): changes.REPLACEMENT,
        ("Leeds", ROUND): changes.UNCHANGED,
        ("Bristol, City of", ROUND): changes.NEW,
    }
    sefton = next(c for c in dry.changes if c.authority_code == SEFTON)
    strands = sefton.strand_changes(MODEL)
    assert [s.strand for s in strands] == [s.name for s in MODEL.strands]
    assert all(s.text == "Maturing → Developing" for s in strands)
    line = sefton.describe(MODEL)
    assert line.startswith("Sefton (E08000014), 2026-03: replacement")
    assert "Data systems: Maturing → Developing" in line
    bristol = next(c for c in dry.changes if c.authority_code == "E06000023")
    assert bristol.strand_changes(MODEL)[0].text == "none → Mature"
    leeds = next(c for c in dry.changes if c.authority_code == LEEDS)
    assert leeds.strand_changes(MODEL)[0].text == "Maturing (unchanged)"


def test_unchanged_returns_are_not_written_and_the_message_names_the_authorities(
    db: Path,
) -> None:
    import_returns(db, [("old.csv", csv(full(SEFTON, 3), full(LEEDS, 3)))])
    [result] = import_returns(db, [("new.csv", csv(full(SEFTON, 2), full(LEEDS, 3)))])
    assert result.outcome == "imported"
    assert len(result.submission_ids) == 1 and count_current(db) == 2
    assert "Sefton (E08000014)" in result.message
    assert "unchanged: Leeds (E08000035)" in result.message


def test_a_file_that_changes_nothing_is_a_noop(db: Path) -> None:
    import_returns(db, [("old.csv", csv(full(SEFTON, 3)))])
    before = snapshot(db)
    [result] = import_returns(db, [("other-name.csv", csv(full(SEFTON, 3)) + b"\n")])
    assert result.outcome == "no-op", result.message
    assert "already hold" in result.message and "Sefton (E08000014)" in result.message
    assert snapshot(db)["submissions"] == before["submissions"]


def test_merge_with_no_current_return_is_a_new_return(db: Path) -> None:
    [result] = import_returns(db, [("p.csv", csv(full(dims=["cba"])))], partial="merge")
    assert result.outcome == "imported"
    assert [c.kind for c in result.changes] == [changes.NEW]


def test_the_same_file_for_another_round_is_not_already_imported(db: Path) -> None:
    write_with_retry(db, lambda conn: ref.add_round(conn, "2025-03"))
    data = ("authority,dimension,level\n" + "".join(f"{SEFTON},{d},2\n" for d in DIMS)).encode()
    # 2025-03 is closed (a later round exists): the earlier round needs closed_ok
    [first] = import_returns(db, [("no-round.csv", data)], round_id="2025-03", closed_ok=True)
    [second] = import_returns(db, [("no-round.csv", data)], round_id=ROUND)
    assert (first.outcome, second.outcome) == ("imported", "imported"), second.message
    [again] = import_returns(db, [("no-round.csv", data)], round_id=ROUND)
    assert again.outcome == "no-op" and "already imported" in again.message
