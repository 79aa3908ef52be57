"""Crash safety: an import process killed with SIGKILL at a random moment leaves a database that
opens, passes `python -m ehdmm check`, and holds each file's import whole or not at all.

Two kinds of trial, with seeded random delays:
- `python -m ehdmm import big.csv --create-round` (3,672 rows, three new rounds), killed anywhere
  from start-up to exit (most kills land in start-up or parsing; some in the write);
- a process importing one file after another into the same round (each file supersedes the
  previous one), killed after it is ready: the kill lands inside some import, so the files done
  must be a prefix of the list, each whole, and the rest absent, with the last one current.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ehdmm.database import init_db
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import reference as ref
from ehdmm.storage.db import fetch_one

if not hasattr(signal, "SIGKILL"):  # pragma: no cover
    pytest.skip("needs SIGKILL (POSIX)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
MODEL = load_model()
BIG_ROUNDS = ("2019-03", "2020-03", "2021-03")
LOOP_ROUND = "2022-03"
CLI_TRIALS = 6
LOOP_TRIALS = 6
LOOP_FILES = 300
SEED = 20240607

DRIVER = """
import sys
from pathlib import Path
from ehdmm.importer import import_returns
db, folder, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
files = [(f"part{k:03d}.csv", (folder / f"part{k:03d}.csv").read_bytes()) for k in range(count)]
print("ready", flush=True)
for name, data in files:
    [result] = import_returns(db, [(name, data)], create_round=True)
    assert result.outcome == "imported", result.message
    print(name, flush=True)
"""


def long_csv(codes: list[str], rounds: tuple[str, ...], shift: int) -> bytes:
    lines = ["authority,round,dimension,level,evidence,confidence"]
    for rnd in rounds:
        for i, code in enumerate(codes):
            for j, dim in enumerate(MODEL.dimension_ids):
                level = (i + j + shift) % 4 + 1
                lines.append(f"{code},{rnd},{dim},{level},Evidence {shift} {i} {j},medium")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("crash")
    base = folder / "base.duckdb"
    init_db(base)
    with connect(base) as conn:
        codes = list(ref.authorities(conn)["code"])
    big = folder / "big.csv"
    big.write_bytes(long_csv(codes, BIG_ROUNDS, 0))
    parts = folder / "parts"
    parts.mkdir()
    for k in range(LOOP_FILES):
        (parts / f"part{k:03d}.csv").write_bytes(long_csv(codes, (LOOP_ROUND,), k + 1))
    return {"folder": folder, "base": base, "big": big, "parts": parts, "n": len(codes)}


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}


def run_check(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ehdmm", "check", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert ": ok (" in proc.stdout and "Traceback" not in proc.stderr


def counts_for(db: Path, content_hash: str) -> tuple[int, int, int, set[str]]:
    """Submissions, ratings and import-log rows carrying a file's hash, and the rounds there."""
    with connect(db) as conn:
        (subs,) = fetch_one(
            conn, "SELECT count(*) FROM submissions WHERE content_hash = ?", [content_hash]
        )
        (ratings,) = fetch_one(
            conn,
            "SELECT count(*) FROM ratings r JOIN submissions s ON s.id = r.submission_id "
            "WHERE s.content_hash = ?",
            [content_hash],
        )
        (logged,) = fetch_one(
            conn,
            "SELECT count(*) FROM import_log WHERE content_hash = ? AND outcome = 'imported'",
            [content_hash],
        )
        rounds = set(ref.rounds(conn)["id"])
    return subs, ratings, logged, rounds


def kill(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL after `delay` seconds; True when the process was still running then."""
    time.sleep(delay)
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return running


def test_killed_cli_import_is_all_or_nothing(setup: dict[str, object], tmp_path: Path) -> None:
    base, big, n = setup["base"], setup["big"], setup["n"]
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    command = [sys.executable, "-m", "ehdmm", "import", "--create-round", str(big), "--db"]

    # one run to the end: what "whole" looks like, and how long a run takes here
    whole_db = tmp_path / "whole.duckdb"
    shutil.copy(base, whole_db)
    started = time.monotonic()
    done = subprocess.run([*command, str(whole_db)], cwd=ROOT, capture_output=True, env=env())
    full = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert counts_for(whole_db, digest)[:3] == (n * len(BIG_ROUNDS), n * len(BIG_ROUNDS) * 8, 1)

    rng = random.Random(SEED)
    outcomes = []
    for trial in range(CLI_TRIALS):
        db = tmp_path / f"cli{trial}.duckdb"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [*command, str(db)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env(),
        )
        kill(proc, rng.uniform(0.5, 1.1) * full)
        run_check(db)
        subs, ratings, logged, rounds = counts_for(db, digest)
        if subs:
            assert (subs, ratings, logged) == (n * 3, n * 24, 1), f"trial {trial}: partial"
            assert set(BIG_ROUNDS) <= rounds
            outcomes.append("whole")
        else:
            assert (ratings, logged) == (0, 0), f"trial {trial}: partial"
            assert not set(BIG_ROUNDS) & rounds, f"trial {trial}: rounds without their import"
            outcomes.append("none")
    print(f"CLI kills: {outcomes.count('whole')} whole, {outcomes.count('none')} none")


def test_killed_import_loop_keeps_every_file_whole_or_absent(
    setup: dict[str, object], tmp_path: Path
) -> None:
    base, parts, n = setup["base"], setup["parts"], setup["n"]
    hashes = [
        hashlib.sha256((parts / f"part{k:03d}.csv").read_bytes()).hexdigest()
        for k in range(LOOP_FILES)
    ]
    rng = random.Random(SEED + 1)
    progress = []
    for trial in range(LOOP_TRIALS):
        db = tmp_path / f"loop{trial}.duckdb"
        shutil.copy(base, db)
        proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(db), str(parts), str(LOOP_FILES)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env(),
        )
        assert proc.stdout.readline().strip() == "ready"
        assert kill(proc, rng.uniform(0.0, 1.2)), "the loop ended before the kill"
        reported = proc.stdout.read().split()
        proc.stdout.close()
        run_check(db)
        with connect(db) as conn:
            rows = conn.execute(
                "SELECT s.content_hash, count(DISTINCT s.id), count(r.dimension_id), "
                "count(DISTINCT s.status), min(s.status) "
                "FROM submissions s LEFT JOIN ratings r ON r.submission_id = s.id "
                "GROUP BY s.content_hash"
            ).fetchall()
            (logged,) = fetch_one(conn, "SELECT count(*) FROM import_log")
            (current,) = fetch_one(
                conn, "SELECT count(*) FROM submissions WHERE status = 'submitted'"
            )
        found = {h: (subs, ratings, kinds, status) for h, subs, ratings, kinds, status in rows}
        done = [k for k, h in enumerate(hashes) if h in found]
        assert done == list(range(len(done))), f"trial {trial}: not a prefix: {done[:10]}"
        assert len(done) >= len(reported), f"trial {trial}: a reported import is missing"
        assert logged == len(done)
        for k in done:
            subs, ratings, kinds, status = found[hashes[k]]
            assert (subs, ratings, kinds) == (n, n * 8, 1), f"trial {trial}: part {k} partial"
            assert status == ("submitted" if k == len(done) - 1 else "superseded")
        assert current == (n if done else 0)
        progress.append(len(done))
    print(f"loop kills: files done per trial {progress}")
    assert any(progress), "no trial got as far as one whole file: the kills proved nothing"
