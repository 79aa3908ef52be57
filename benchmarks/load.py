"""Concurrent users on one server, over Streamlit's own websocket: `--sessions` sessions at once
(default 20), each asking for the Authority profile of other authorities (`--renders` each, no
authority asked twice), against the same number of sessions on a one-page app that only draws
ready-made content of the same kind (benchmarks/ready_made.py: 3 plotly charts, 6 tables of 153
rows, 40 text lines, 6 widgets). Not a test: run on demand.

    .venv/bin/python benchmarks/load.py [--sessions 20] [--renders 3] [--rounds 2]

Each client speaks the browser's protocol: it sends `BackMsg(rerun_script=ClientState(
query_string=..., page_name=...))` and times the render until the server's `script_finished`.
The three servers (ehdmm, and the ready-made app with Streamlit's settings and with ehdmm's)
are started here (`streamlit run`, headless, free ports, stopped by their PID), warmed with one
render each, then measured alternately (`--rounds` times each). Throughput is renders a second
over the wall time of all sessions; the goal is ehdmm >= 0.5 x the ready-made app's. Each
round of ehdmm is asked a second time at once: every view is then built and kept, so that run
measures what drawing the page alone costs (a bound on the ratio any build could reach). The
ready-made app is also asked to draw as many elements of each kind as the profile does
(`?like=profile`): Streamlit's own cost of drawing that much.
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

    def __init__(self, script: Path, db: Path, cwd: Path = ROOT) -> None:
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
            cwd=cwd,  # where Streamlit reads .streamlit/config.toml
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

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user and system, every thread)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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
    cpu: float = 0.0  # the server's CPU seconds during the run

    @property
    def cpu_per_render(self) -> float:
        return self.cpu / len(self.latencies)

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


def measured(server: Server, page: str, queries: list[list[str]], expect: str) -> Run:
    """`load` on a server, with the CPU time its process used meanwhile."""
    before = server.cpu_seconds()
    run = asyncio.run(load(server.stream, page, queries, expect))
    run.cpu = server.cpu_seconds() - before
    return run


PEER_GROUPS = ("england", "region", "type", "neighbours")
BUILT = "ehdmm, built"  # the same renders asked again: what drawing alone costs
AS_MUCH = "ready, as much"  # the ready-made app drawing as many elements as the profile
LABELS = {  # each run's row label in the table printed (benchmarks/run.py reads rows by them)
    "ehdmm": "ehdmm, Authority profile, a new authority each render",
    "ready": "ready-made content (benchmarks/ready_made.py), Streamlit's default settings",
    "ready, ehdmm's settings": "ready-made content, with ehdmm's .streamlit/config.toml",
    BUILT: "ehdmm, Authority profile, the same renders again (every view already built: "
    "drawing only)",
    AS_MUCH: "ready-made content and as many elements of each kind as the profile draws "
    "(ready_made.py?like=profile: 151), with ehdmm's settings",
}


def profile_queries(codes: list[str], sessions: int, renders: int, number: int) -> list[list[str]]:
    """A profile not asked before for every render of every session: round `number` takes
    the next authorities (from the start again once all were asked) with its own peer group
    (a new peer group is a new view)."""
    count, pool = sessions * renders, len(codes) - 1  # codes[0] warms the server
    if count > pool:
        raise SystemExit(f"not enough authorities for {sessions} x {renders} renders")
    asked = []
    for position in range(number * count, (number + 1) * count):
        code, peers = codes[1 + position % pool], PEER_GROUPS[position // pool % len(PEER_GROUPS)]
        asked.append(f"authority={code}&round=2026-03&peers={peers}")
    return [asked[s * renders : (s + 1) * renders] for s in range(sessions)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--renders", type=int, default=3, help="renders per session")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each app")
    args = parser.parse_args()

    db = Path(tempfile.mkdtemp(prefix="ehdmm-load-")) / "demo.duckdb"
    install_demo(db)
    codes = list(load_catalogue(db).labels)
    # The ready-made app twice: as a plain Streamlit app (its settings Streamlit's defaults:
    # started outside the project folder) and with the project's settings (.streamlit/).
    servers = {
        "ehdmm": Server(ROOT / "app.py", db),
        "ready": Server(HERE / "ready_made.py", db, cwd=HERE),
        "ready, ehdmm's settings": Server(HERE / "ready_made.py", db),
    }
    plain = [[""] * args.renders for _ in range(args.sessions)]
    try:
        # warm each: the first render of a process imports and loads what every render shares
        asyncio.run(
            load(servers["ehdmm"].stream, PROFILE, [[f"authority={codes[0]}"]], PROFILE_TITLE)
        )
        for name in list(servers)[1:]:
            asyncio.run(load(servers[name].stream, "", [[""]], READY_TITLE))
        runs: dict[str, list[Run]] = {name: [] for name in [*servers, BUILT, AS_MUCH]}
        as_much = [["like=profile"] * args.renders for _ in range(args.sessions)]
        for number in range(args.rounds):
            queries = profile_queries(codes, args.sessions, args.renders, number)
            runs["ehdmm"].append(measured(servers["ehdmm"], PROFILE, queries, PROFILE_TITLE))
            # the same renders again: every view is built and kept, so a render only draws
            runs[BUILT].append(measured(servers["ehdmm"], PROFILE, queries, PROFILE_TITLE))
            for name in list(servers)[1:]:
                runs[name].append(measured(servers[name], "", plain, READY_TITLE))
            runs[AS_MUCH].append(
                measured(servers["ready, ehdmm's settings"], "", as_much, READY_TITLE)
            )
    finally:
        for server in servers.values():
            server.stop()

    def summary(name: str) -> tuple[float, float, int, float]:
        found = runs[name]
        return (
            statistics.median(r.throughput for r in found),
            statistics.median(r.p95 for r in found),
            sum(r.errors for r in found),
            statistics.median(r.cpu_per_render for r in found),
        )

    found = {name: summary(name) for name in runs}
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores: "
        f"{args.sessions} sessions x {args.renders} renders, median of {args.rounds} rounds "
        "each, run in turn.\n"
    )
    print("| app | renders a second | p95 render s | errors | server CPU ms a render |")
    print("|---|---|---|---|---|")
    for name, (rate, p95, errors, cpu) in found.items():
        print(f"| {LABELS[name]} | {rate:.1f} | {p95:.2f} | {errors} | {cpu * 1000:.0f} |")
    for ours in ("ehdmm", BUILT):
        for name in [*list(servers)[1:], AS_MUCH]:
            mine, theirs = found[ours], found[name]
            print(
                f"\nthroughput ratio {LABELS[ours]} / {LABELS[name]}: "
                f"{mine[0] / theirs[0]:.2f} (goal >= 0.5); "
                f"server CPU a render, theirs / ours: {theirs[3] / mine[3]:.2f}"
            )


if __name__ == "__main__":
    main()
