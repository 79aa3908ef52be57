"""The set-up the real-browser tests share: the app started as the README does (`Server`, and
`FreshServers` for a server whose first request is the test's), Debian's Chromium driven by
Playwright (`browser`), `open_page`, and `wait_idle`, which waits for the script runs an action
asked for by reading Streamlit's messages on the page's websocket (`RunWatch`). Every page's
deep link on a fresh server is tested, with its layout and accessibility on the same load, in
tests/test_browser_pages.py.

Needs /usr/bin/chromium and the playwright package. Without them the tests skip with the reason;
with EHDMM_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EHDMM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


MISSING = _browser_missing()
if MISSING and os.environ.get("EHDMM_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"browser tests are required here (EHDMM_REQUIRE_BROWSER=1): {MISSING}")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
]


def page_paths() -> list[tuple[str, str]]:
    """(name, URL path) of app.py and every page in pages/, as Streamlit serves them."""
    paths = [("home", "")]
    for page in sorted((ROOT / "pages").glob("*.py")):
        slug = re.sub(r"^\d+_", "", page.stem)
        paths.append((slug, slug))
    return paths


# Ports for the servers a test process starts: a block of its own for each pytest-xdist worker
# (gw0, gw1, ...), below Linux's ephemeral range (32768-60999), handed out in turn. A port the
# system picked (bind to port 0) could be picked again for another worker's server, whose health
# check a server that failed to bind would then pass.
PORTS_PER_WORKER = 500
_next_ports: Iterator[int] | None = None


def free_port() -> int:
    """A port no other test process is handed and nothing listens on now."""
    global _next_ports
    if _next_ports is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
        start = 20_000 + PORTS_PER_WORKER * (int(worker) if worker.isdigit() else 0)
        _next_ports = iter(range(start, start + PORTS_PER_WORKER))
    for port in _next_ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("this test process has used every port of its block")


class Server:
    """`streamlit run app.py` on a free port (or `port`) with its own database, started in
    `cwd` (where Streamlit reads `.streamlit/`); stopped by its PID. Made once it is healthy,
    or at once with `wait=False` (then `wait_until_healthy()` before use)."""

    def __init__(
        self,
        db: Path,
        *,
        cwd: Path = ROOT,
        host: str = "127.0.0.1",
        port: int | None = None,
        env: dict[str, str] | None = None,
        wait: bool = True,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://{host}:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--server.address",
                host,
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=cwd,
            env={**os.environ, "EHDMM_DB": str(db), **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if wait:
            self.wait_until_healthy()

    def wait_until_healthy(self) -> None:
        """Return once the server answers its health check (which asks for no page)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and self.proc.poll() is None:  # and it is this server
                        return
            except OSError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.proc.stderr.read().decode()}")
        self.stop()
        raise RuntimeError("streamlit did not become healthy in 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class FreshServers:
    """Fresh servers, each on its own copy of `template` in `folder`: `take()` gives the next,
    healthy and never yet asked for a page, and keeps `AHEAD` more starting, so that servers
    start while the one before is in use instead of each test waiting for its own start;
    `retire(server)` asks a used one to stop without waiting for it (`stop()` waits for all)."""

    AHEAD = 1  # a start (about 3 s) is shorter than a test: one ahead is ready when asked for

    def __init__(self, template: Path, folder: Path) -> None:
        self.template = template
        self.folder = folder
        self.started = 0
        self.waiting: list[Server] = []
        self.retired: list[Server] = []

    def _start(self) -> None:
        self.started += 1
        db = self.folder / f"fresh-{self.started}.duckdb"
        shutil.copy(self.template, db)
        self.waiting.append(Server(db, wait=False))

    def take(self) -> Server:
        while len(self.waiting) < self.AHEAD + 1:
            self._start()
        server = self.waiting.pop(0)
        server.wait_until_healthy()
        return server

    def retire(self, server: Server) -> None:
        if server.proc.poll() is None:
            server.proc.terminate()
        self.retired.append(server)

    def stop(self) -> None:
        for server in self.waiting + self.retired:
            server.stop()
        self.waiting.clear()
        self.retired.clear()


@pytest.fixture(scope="module")
def fresh_servers(
    _demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FreshServers]:
    servers = FreshServers(_demo_template, tmp_path_factory.mktemp("fresh"))
    yield servers
    servers.stop()


@pytest.fixture
def fresh_server(fresh_servers: FreshServers) -> Iterator[Server]:
    """A server started for this test alone, on its own copy of the demo database: the test's
    page is the first page it is asked for."""
    server = fresh_servers.take()
    yield server
    fresh_servers.retire(server)


class RunWatch:
    """Which script runs a page has asked for and which have ended, read from its websocket
    (Streamlit's protobuf messages): a widget changed sends `BackMsg(rerun_script=...)`, a run
    starts with `ForwardMsg(new_session=...)` and ends with `ForwardMsg(script_finished=...)`
    (FINISHED_EARLY_FOR_RERUN when a newer request stopped it: another run follows). The page
    is busy while a request has not yet been answered by a run's start or a run has not ended.
    Unlike the page's own marks, this knows of a request the server has not started yet."""

    def __init__(self, page) -> None:
        self.requested = False
        self.running = False
        self.navigating = False  # a navigation asked for: busy until its socket asks for a run
        self._socket = None  # the page's latest websocket: a navigation opens a new one
        page.on("websocket", self._opened)

    @property
    def busy(self) -> bool:
        return self.navigating or self.requested or self.running

    def navigate(self) -> None:
        """A navigation is asked for: busy until the new page's socket asks for its run (what
        the old page's socket still says no longer counts)."""
        self.navigating = True
        self._socket = None

    def _opened(self, socket) -> None:
        self._socket = socket  # what the page's last socket said no longer counts
        self.requested = self.running = False
        socket.on("framesent", lambda payload: self._sent(socket, payload))
        socket.on("framereceived", lambda payload: self._received(socket, payload))

    def _sent(self, socket, payload: bytes | str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if socket is self._socket and isinstance(payload, bytes):
            message = BackMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "rerun_script":
                self.requested = True
                self.navigating = False

    def _received(self, socket, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if socket is not self._socket or not isinstance(payload, bytes):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.running, self.requested, self.navigating = True, False, False
        elif kind == "script_finished":
            self.running = False
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.requested = True


WATCHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # page -> RunWatch
SENT_WITHIN_MS = 150  # an action's rerun request is seen by then (measured: as the click returns)

# Drawn: the script has finished (Streamlit marks its root element), no element of an earlier
# run is left stale and no placeholder (a skeleton) is still to draw.
DRAWN = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}
"""


def wait_idle(page) -> None:
    """After an action (a click, a key, a navigation): until every script run it asked for
    has ended, whenever the server starts it (`RunWatch`), and the page has drawn the last one
    (Streamlit's status widget says "Stop", not "Running", while a script runs, so it cannot
    tell). The page must come from `open_page` or `watched_page`, which start the watch."""
    watch = WATCHES[page]
    page.wait_for_timeout(SENT_WITHIN_MS)
    deadline = time.monotonic() + 60
    while watch.busy:
        assert time.monotonic() < deadline, "a script run asked for has not ended in 60 s"
        page.wait_for_timeout(50)
    page.wait_for_function(DRAWN, timeout=60_000)


def watched_page(browser, width: int = 1400, height: int = 1000):
    """A new page of that size whose script runs `wait_idle` can wait for."""
    page = browser.new_page(viewport={"width": width, "height": height})
    WATCHES[page] = RunWatch(page)
    return page


def goto(page, url: str) -> None:
    """Navigate a watched page; `wait_idle` then waits for the new page's first run, which
    starts only once its websocket has opened (without this it would see the old page's
    finished run and return at once)."""
    WATCHES[page].navigate()
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)


def choose(page, select, option: str, *, typed: str | None = None, tag: str | None = None) -> None:
    """Pick `option` (the option's whole name) in the multiselect `select` (a locator), typing
    `typed` (default: the option) to find it, as a person would: if the list did not open, or
    closed before the pick (seen under load, e.g. while an expander was still opening), choose
    again, up to 3 times, until the chosen tag shows `tag` (default: exactly the option)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = select.locator("input")
    chosen = select.locator('[data-testid="stMultiSelectTagsContainer"]').get_by_text(
        tag or option, exact=tag is None
    )
    for attempt in range(3):
        box.click()
        box.fill(typed or option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            page.keyboard.press("Escape")
            chosen.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")


def open_page(browser, url: str, shot: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = watched_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    goto(page, url)
    page.wait_for_selector('[data-testid="stSidebar"] label:has-text("Authority")', timeout=60_000)
    # until the first run, and any it asked for, has ended (a fresh server's first run can
    # outlast any fixed wait), then a moment for what the browser draws after it (expanders,
    # drop-down lists) on a loaded machine
    wait_idle(page)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    return page, errors
