"""Concurrent users on one server, over Streamlit's own websocket: `--sessions` sessions at once
(default 20), each asking for the Authority profile of other authorities (`--renders` each, no
authority asked twice), against the same number of sessions on a one-page app that only draws
ready-made content of the same kind (benchmarks/ready_made.py: 3 plotly charts, 6 tables of 153
rows, 40 text lines, 6 widgets). Not a test: run on demand.

    .venv/bin/python benchmarks/load.py [--sessions 20] [--renders 3] [--rounds 2]

Each client speaks the browser's protocol: it sends `BackMsg(rerun_script=ClientState(
query_string=..., page_name=...))` and times the render until the server's `script_finished`.
Both servers are started here (`streamlit run`, headless, free ports, stopped by their PID),
warmed with one render each, then measured alternately (`--rounds` times each). Throughput is
renders a second over the wall time of all sessions; the goal is ehdmm >= 0.5 x the ready-made
app's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from ehdmm.analysis.rounds import load_catalogue  # noqa: E402
from ehdmm.demo import install_demo  # noqa: E402

PROFILE = "Authority_profile"  # the page's name in the URL
PROFILE_TITLE = "Authority profile: "
READY_TITLE = "Ready-made content"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` on a free port with database `db`; stopped by its PID."""

    def __init__(self, script: Path, db: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                *os.environ.get("EHDMM_LOAD_STREAMLIT_ARGS", "").split(),
            ],
            cwd=ROOT,
            env={**os.environ, "EHDMM_DB": str(db)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.health, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{script.name} did not start in 60 s")

    @property
    def health(self) -> str:
        return f"http://127.0.0.1:{self.port}/_stcore/health"

    @property
    def stream(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Run:
    wall: float
    latencies: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


async def session(
    url: str, page_name: str, queries: list[str], expect: bytes
) -> tuple[list[float], int]:
    """One browser session: a render per query string, each timed to `script_finished`. A
    render that shows an exception, or not the text `expect`, counts as an error."""
    times, errors = [], 0
    async with connect(url, subprotocols=["streamlit"], max_size=None, ping_interval=None) as ws:
        for query in queries:
            message = BackMsg()
            message.rerun_script.query_string = query
            message.rerun_script.page_name = page_name
            started = time.perf_counter()
            await ws.send(message.SerializeToString())
            seen = False
            while True:
                data = await ws.recv()
                seen = seen or expect in data
                answer = ForwardMsg()
                answer.ParseFromString(data)
                kind = answer.WhichOneof("type")
                if kind == "delta" and answer.delta.new_element.WhichOneof("type") == "exception":
                    errors += 1
                if kind == "script_finished":
                    break
            times.append(time.perf_counter() - started)
            errors += not seen
    return times, errors


async def load(url: str, page_name: str, queries: list[list[str]], expect: str) -> Run:
    started = time.perf_counter()
    done = await asyncio.gather(*(session(url, page_name, q, expect.encode()) for q in queries))
    wall = time.perf_counter() - started
    return Run(wall, [t for times, _ in done for t in times], sum(e for _, e in done))


def profile_queries(codes: list[str], sessions: int, renders: int, offset: int) -> list[list[str]]:
    """A different authority for every render of every session."""
    chosen = codes[offset : offset + sessions * renders]
    if len(chosen) < sessions * renders:
        raise SystemExit(f"not enough authorities for {sessions} x {renders} renders")
    return [
        [f"authority={code}&round=2026-03" for code in chosen[s * renders : (s + 1) * renders]]
        for s in range(sessions)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--renders", type=int, default=3, help="renders per session")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each app")
    args = parser.parse_args()

    db = Path(tempfile.mkdtemp(prefix="ehdmm-load-")) / "demo.duckdb"
    install_demo(db)
    codes = list(load_catalogue(db).labels)
    app, ready = Server(ROOT / "app.py", db), Server(HERE / "ready_made.py", db)
    try:
        # warm both: the first render of a process imports and loads what every render shares
        asyncio.run(load(app.stream, PROFILE, [[f"authority={codes[0]}"]], PROFILE_TITLE))
        asyncio.run(load(ready.stream, "", [[""]], READY_TITLE))
        runs: dict[str, list[Run]] = {"ehdmm": [], "ready": []}
        per_round = args.sessions * args.renders
        for number in range(args.rounds):
            queries = profile_queries(codes, args.sessions, args.renders, 1 + number * per_round)
            runs["ehdmm"].append(asyncio.run(load(app.stream, PROFILE, queries, PROFILE_TITLE)))
            plain = [[""] * args.renders for _ in range(args.sessions)]
            runs["ready"].append(asyncio.run(load(ready.stream, "", plain, READY_TITLE)))
    finally:
        app.stop()
        ready.stop()

    def summary(name: str) -> tuple[float, float, int]:
        found = runs[name]
        return (
            statistics.median(r.throughput for r in found),
            statistics.median(r.p95 for r in found),
            sum(r.errors for r in found),
        )

    ours, theirs = summary("ehdmm"), summary("ready")
    ratio = ours[0] / theirs[0]
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores: "
        f"{args.sessions} sessions x {args.renders} renders, median of {args.rounds} rounds "
        "each, run alternately.\n"
    )
    print("| app | renders a second | p95 render s | errors |")
    print("|---|---|---|---|")
    print(
        f"| ehdmm, Authority profile, a new authority each render | {ours[0]:.1f} | "
        f"{ours[1]:.2f} | {ours[2]} |"
    )
    print(
        f"| ready-made content (benchmarks/ready_made.py) | {theirs[0]:.1f} | {theirs[1]:.2f} | "
        f"{theirs[2]} |"
    )
    print(f"\nthroughput ratio ehdmm / ready-made: {ratio:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
