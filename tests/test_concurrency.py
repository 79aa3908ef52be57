"""Concurrency and no lost data: two sessions saving drafts and submitting at the same moment,
as threads of one process (the app's case: one server, many browser sessions) and as two
processes (the app and the CLI, or two servers) against one database file.

Each worker makes N rounds of load -> save draft -> submit, marking every submission with a
unique evidence text. A clear "try again" (DraftConflict: the copy is out of date; DatabaseBusy:
the file stayed locked) is allowed and retried like a user would; at the end every submit must
be stored exactly once (no loss, no duplicates), chained by `superseded_by` in order, with one
current submission per authority and round, no open draft left, and `python -m ehdmm check`
clean.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from ehdmm import assessment
from ehdmm.model import load_model
from ehdmm.storage import DatabaseBusy, connect, write_with_retry
from ehdmm.storage import drafts as sql
from ehdmm.storage import reference as ref
from ehdmm.viewer import LOCAL_VIEWER

ROOT = Path(__file__).resolve().parents[1]
ROUND = "2027-03"
A, B = "E06000023", "E08000025"
N_THREADS = 25  # iterations per worker: each one save and one submit
N_PROCESSES = 15
MAX_ATTEMPTS = 400


def run_worker(db: str, authority: str, tag: str, n: int, start_at: float) -> dict[str, object]:
    """n times: load the draft, set every level and a unique marker, save it, submit it; on a
    'try again' start that iteration over. Returns the markers submitted and the retries."""
    model = load_model()
    dims = model.dimension_ids
    rng = random.Random(tag)
    submitted: list[tuple[str, int]] = []
    conflicts = busy = saves = 0
    time.sleep(max(0.0, start_at - time.time()))
    for i in range(n):
        marker = f"{tag}-{i}"
        for _ in range(MAX_ATTEMPTS):
            try:
                draft = assessment.load_draft(db, LOCAL_VIEWER, authority, ROUND)
                for k, dim in enumerate(dims):
                    draft = draft.with_answer(dim, level=1 + (i + k) % 4, confidence="medium")
                draft = draft.with_answer(dims[0], evidence=marker)
                draft = assessment.save_draft(db, LOCAL_VIEWER, draft, actor=tag, model=model)
                saves += 1
                result = assessment.submit(db, LOCAL_VIEWER, draft, actor=tag, model=model)
                submitted.append((marker, result.submission_id))
                break
            except assessment.DraftConflict:
                conflicts += 1
            except DatabaseBusy:
                busy += 1
            time.sleep(rng.random() * 0.005)
        else:
            raise AssertionError(f"{marker}: no success in {MAX_ATTEMPTS} attempts")
    return {"submitted": submitted, "conflicts": conflicts, "busy": busy, "saves": saves}


def prepare(db: Path) -> None:
    write_with_retry(db, lambda conn: ref.add_round(conn, ROUND))


def stored(db: Path, authority: str) -> list[dict[str, object]]:
    """Every non-draft submission of the pair in id order, with its marker."""
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT s.id, s.status, s.superseded_by, r.evidence FROM submissions s "
            "LEFT JOIN ratings r ON r.submission_id = s.id AND r.dimension_id = ? "
            "WHERE s.authority_code = ? AND s.round_id = ? AND s.status <> 'draft' ORDER BY s.id",
            [load_model().dimension_ids[0], authority, ROUND],
        ).fetchall()
    return [dict(zip(["id", "status", "superseded_by", "marker"], r, strict=True)) for r in rows]


def assert_no_loss(db: Path, authority: str, results: list[dict[str, object]]) -> None:
    expected = [tuple(pair) for result in results for pair in result["submitted"]]
    rows = stored(db, authority)
    counts = Counter(row["marker"] for row in rows)
    assert len(rows) == len(expected)
    assert counts == Counter(marker for marker, _ in expected)  # each exactly once
    assert {row["id"]: row["marker"] for row in rows} == dict(
        (sid, marker) for marker, sid in expected
    )
    assert [row["status"] for row in rows] == ["superseded"] * (len(rows) - 1) + ["submitted"]
    # the chain: each submission superseded by the next one, in order
    assert [row["superseded_by"] for row in rows[:-1]] == [row["id"] for row in rows[1:]]


def assert_database_sound(db: Path) -> None:
    with connect(db) as conn:
        assert sql.open_draft_counts(conn).empty
        (drafts,) = conn.execute(
            "SELECT count(*) FROM submissions WHERE status = 'draft' AND round_id = ?", [ROUND]
        ).fetchall()[0]
    assert drafts == 0, "every saved draft was submitted in the end"
    out = subprocess.run(
        [sys.executable, "-m", "ehdmm", "check", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert ": ok (" in out.stdout


def report(label: str, results: list[dict[str, object]], seconds: float) -> None:
    submits = sum(len(r["submitted"]) for r in results)
    print(
        f"\n{label}: {submits} submits, {sum(r['saves'] for r in results)} saves in "
        f"{seconds:.1f} s; conflicts retried: {[r['conflicts'] for r in results]}, "
        f"busy retried: {[r['busy'] for r in results]}"
    )


@pytest.mark.parametrize(("first", "second"), [(A, A), (A, B)], ids=["same", "different"])
def test_two_threads_saving_and_submitting_lose_nothing(empty_db, first, second):
    prepare(empty_db)
    results: list[dict[str, object] | BaseException] = [None, None]
    start_at = time.time() + 0.3

    def target(slot: int, authority: str) -> None:
        try:
            results[slot] = run_worker(str(empty_db), authority, f"t{slot}", N_THREADS, start_at)
        except BaseException as exc:  # reported by the assertion below
            results[slot] = exc

    began = time.monotonic()
    threads = [threading.Thread(target=target, args=(i, a)) for i, a in enumerate([first, second])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, dict) for r in results), results
    report(
        f"threads, {'same' if first == second else 'different'} authority",
        results,
        time.monotonic() - began,
    )
    assert all(len(r["submitted"]) == N_THREADS for r in results)
    for authority in {first, second}:
        assert_no_loss(
            empty_db,
            authority,
            [r for r, a in zip(results, [first, second], strict=True) if a == authority],
        )
    if first == second:
        # the race really happened: some copies went stale and were refused, then retried
        assert sum(r["conflicts"] for r in results) > 0
    assert_database_sound(empty_db)


CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
from test_concurrency import run_worker
result = run_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]))
print(json.dumps(result))
"""


@pytest.mark.parametrize(("first", "second"), [(A, A), (A, B)], ids=["same", "different"])
def test_two_processes_saving_and_submitting_lose_nothing(empty_db, first, second):
    prepare(empty_db)
    start_at = time.time() + 1.5  # both interpreters are up and waiting by then
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(ROOT),
                str(empty_db),
                authority,
                f"p{i}",
                str(N_PROCESSES),
                str(start_at),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, authority in enumerate([first, second])
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    report(
        f"processes, {'same' if first == second else 'different'} authority",
        results,
        time.monotonic() - began,
    )
    assert all(len(r["submitted"]) == N_PROCESSES for r in results)
    for authority in {first, second}:
        assert_no_loss(
            empty_db,
            authority,
            [r for r, a in zip(results, [first, second], strict=True) if a == authority],
        )
    assert_database_sound(empty_db)


def test_a_stale_copy_is_refused_and_writes_nothing(empty_db):
    prepare(empty_db)
    model = load_model()
    first = assessment.load_draft(empty_db, LOCAL_VIEWER, A, ROUND)
    other = assessment.load_draft(empty_db, LOCAL_VIEWER, A, ROUND)
    saved = assessment.save_draft(
        empty_db, LOCAL_VIEWER, first.with_answer("cba", level=2), actor="one", model=model
    )
    with pytest.raises(assessment.DraftConflict, match="another window or session"):
        assessment.save_draft(
            empty_db, LOCAL_VIEWER, other.with_answer("cba", level=4), actor="two", model=model
        )
    again = assessment.load_draft(empty_db, LOCAL_VIEWER, A, ROUND)
    assert again.answer("cba").level == 2 and again.revision == saved.revision
    # after reloading, the second session's change goes through
    assessment.save_draft(
        empty_db, LOCAL_VIEWER, again.with_answer("cba", level=4), actor="two", model=model
    )
    assert assessment.load_draft(empty_db, LOCAL_VIEWER, A, ROUND).answer("cba").level == 4
