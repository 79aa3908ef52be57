"""Two processes each making 100 submissions (`ehdmm.database.record_submission`) against one
database file at the same moment: all 200 are stored, none lost or duplicated.

Process A submits for 100 different authorities; process B submits 10 times for each of 10 of
those same authorities, so both distinct and repeated authority/round pairs race, and B's
submissions supersede A's and each other's. Every submission carries a unique note. DuckDB lets
one process write at a time: `write_with_retry` waits for the other's lock; a `DatabaseBusy`
(nothing written) is retried like a user would, and counted.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref

ROOT = Path(__file__).resolve().parents[1]
ROUND = "2027-03"
N = 100

WORKER = """
import json, sys, time
from ehdmm.database import record_submission
from ehdmm.model import load_model
from ehdmm.storage import DatabaseBusy
db, tag, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
codes = sys.argv[4].split(",")
model = load_model()
dims = model.dimension_ids
done, busy, waits = [], 0, []
time.sleep(max(0.0, start_at - time.time()))
began = time.monotonic()
for i, code in enumerate(codes):
    note = f"{tag}-{i:03d}"
    ratings = {d: 1 + (i + k) % 4 for k, d in enumerate(dims)}
    for attempt in range(50):
        started = time.monotonic()
        try:
            sid = record_submission(db, code, sys.argv[5], ratings, note=note, model=model,
                                    submitted_by=tag)
            break
        except DatabaseBusy:
            busy += 1
    else:
        raise SystemExit(f"{note}: still busy after 50 tries")
    waits.append(time.monotonic() - started)
    done.append([note, code, sid])
print(json.dumps({"done": done, "busy": busy, "seconds": time.monotonic() - began,
                  "max_wait": max(waits)}))
"""


def test_two_processes_make_200_submissions_and_none_is_lost(empty_db: Path) -> None:
    write_with_retry(empty_db, lambda conn: ref.add_round(conn, ROUND))
    with connect(empty_db) as conn:
        codes = list(ref.authorities(conn)["code"])[:N]
    plans = {
        "A": codes,  # 100 different pairs
        "B": [codes[i % 10] for i in range(N)],  # 10 pairs, 10 times each, shared with A
    }
    start_at = time.time() + 2.0  # both interpreters are up and waiting by then
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}
    procs = {
        tag: subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(empty_db),
                tag,
                str(start_at),
                ",".join(plan),
                ROUND,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag, plan in plans.items()
    }
    results = {}
    for tag, proc in procs.items():
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        results[tag] = json.loads(out)
    print(
        "\n"
        + "; ".join(
            f"{tag}: {len(r['done'])} submissions in {r['seconds']:.1f} s, "
            f"{r['busy']} busy retries, longest wait {r['max_wait']:.2f} s"
            for tag, r in results.items()
        )
    )

    reported = {note: (code, sid) for r in results.values() for note, code, sid in r["done"]}
    assert len(reported) == 2 * N
    with connect(empty_db) as conn:
        rows = conn.execute(
            "SELECT s.id, s.note, s.authority_code, s.status, s.superseded_by, "
            "count(r.dimension_id) FROM submissions s "
            "LEFT JOIN ratings r ON r.submission_id = s.id WHERE s.round_id = ? "
            "GROUP BY ALL ORDER BY s.id",
            [ROUND],
        ).fetchall()
    # all 200 stored, each exactly once, under the id its process was given
    assert len(rows) == 2 * N
    assert Counter(note for _, note, *_ in rows) == Counter(list(reported))
    assert len({sid for sid, *_ in rows}) == 2 * N
    assert {note: (code, sid) for sid, note, code, *_ in rows} == reported
    assert all(n_ratings == 8 for *_, n_ratings in rows)
    # per authority: one current submission, the latest; the others each superseded by the next
    by_code: dict[str, list[tuple]] = {}
    for row in rows:
        by_code.setdefault(row[2], []).append(row)
    assert len(by_code) == N
    for code, chain in by_code.items():
        assert [r[3] for r in chain] == ["superseded"] * (len(chain) - 1) + ["submitted"], code
        assert [r[4] for r in chain[:-1]] == [r[0] for r in chain[1:]], code
    assert sorted(len(chain) for chain in by_code.values()) == [1] * 90 + [11] * 10
    # both processes really ran at once: their submissions interleave in id order
    tags = [note[0] for _, note, *_ in rows]
    switches = sum(1 for a, b in itertools.pairwise(tags) if a != b)
    assert switches >= 2, f"the two processes did not interleave ({switches} switches)"

    check = subprocess.run(
        [sys.executable, "-m", "ehdmm", "check", "--db", str(empty_db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert ": ok (" in check.stdout
