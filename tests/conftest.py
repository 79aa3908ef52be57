"""Shared fixtures: real DuckDB files in temporary folders (never a mock), and running a page
with Streamlit's AppTest. The project root and tests/ are on sys.path (pyproject's
`pythonpath`)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from ehdmm.database import init_db
from ehdmm.demo import install_demo

ROOT = Path(__file__).resolve().parents[1]


def _scan_once() -> Callable[[], list]:
    """Streamlit's scan of every installed package for custom components, made once per test
    process: AppTest repeats it for each AppTest it makes (about 0.2 s, over 1 s on a busy
    machine, more than most page runs), and no test installs a package, so every scan finds
    the same. Each caller gets its own copy of the list."""
    scan = manifest_scanner.scan_component_manifests
    found: list = []

    def scan_once(*args, **kwargs) -> list:
        if not found:
            found.append(scan(*args, **kwargs))
        return list(found[0])

    return scan_once


manifest_scanner.scan_component_manifests = _scan_once()


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    init_db(path)
    return path


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    install_demo(path)
    return path


@pytest.fixture
def empty_db(_empty_template: Path, tmp_path: Path) -> Path:
    """A fresh database with the reference data and no submissions."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(_empty_template, path)
    return path


def _folder_state(folder: Path) -> list[tuple[str, int, int]]:
    """What is in `folder`: each entry's name, size and last change (ns)."""
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())


class _SharedDemo:
    """One copy of the demo database per test process, in a folder of its own, handed to each
    test that asks for `demo_db` as it was made. The pages cache what they build by database
    path and last-write token, so tests reading the same unchanged file share those builds
    instead of each building them cold (a page's first run costs 5 to 20 times a later one)."""

    def __init__(self, template: Path, folder: Path) -> None:
        self.template = template
        self.path = folder / "demo.duckdb"
        self._reset()

    def _reset(self) -> None:
        folder = self.path.parent
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copy(self.template, self.path)
        self.made = _folder_state(folder)

    def give(self) -> Path:
        """The file as made: made again if the last test changed the file or its folder (it
        wrote, deleted, renamed or left something beside it)."""
        if not self.path.parent.exists() or _folder_state(self.path.parent) != self.made:
            self._reset()
        return self.path


@pytest.fixture(scope="session")
def _shared_demo(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> _SharedDemo:
    return _SharedDemo(_demo_template, tmp_path_factory.mktemp("demo") / "db")


@pytest.fixture
def demo_db(_shared_demo: _SharedDemo) -> Iterator[Path]:
    """The demo database (153 authorities, 4 rounds) as made, in a folder of its own that the
    test may change: what a test changes is undone before the next test gets it."""
    path = _shared_demo.give()
    yield path
    _shared_demo.give()  # changed by this test: made again now, not when next asked for


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-r", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def run_read_only() -> Callable[..., subprocess.CompletedProcess]:
    """`run(args, folders, **kwargs)`: run a command with `folders` mounted read-only, as a
    read-only disk shows to a program whoever runs it (root included: file permissions do not
    stop root). Made with a user and mount namespace (`unshare -r -m`, then a read-only bind
    mount of each folder); skipped, saying why, where the system does not allow one."""
    if not _can_unshare():
        pytest.skip("needs `unshare -r -m` (user and mount namespaces) for a read-only mount")

    def run(args: list[str], folders: list[Path], **kwargs) -> subprocess.CompletedProcess:
        mounts = " && ".join(
            f"mount --bind {shlex.quote(str(f))} {shlex.quote(str(f))} && "
            f"mount -o remount,bind,ro {shlex.quote(str(f))}"
            for f in folders
        )
        return subprocess.run(
            ["unshare", "-r", "-m", "sh", "-c", f'{mounts} && exec "$@"', "sh", *args], **kwargs
        )

    return run


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess]:
    """`run_cli(*args, **kwargs)`: `python -m ehdmm ARGS` in a child process started from the
    project root without EHDMM_DB, its output captured as text (kwargs go to subprocess.run)."""
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}

    def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "ehdmm", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            **kwargs,
        )

    return run


@pytest.fixture(scope="session")
def _round_template(_empty_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ehdmm.storage import reference, write_with_retry

    path = tmp_path_factory.mktemp("template") / "round.duckdb"
    shutil.copy(_empty_template, path)
    write_with_retry(path, lambda conn: reference.add_round(conn, "2026-03"))
    return path


@pytest.fixture
def round_db(_round_template: Path, tmp_path: Path) -> Path:
    """A fresh database with the reference data, the round 2026-03 and no submissions."""
    path = tmp_path / "round.duckdb"
    shutil.copy(_round_template, path)
    return path


@pytest.fixture
def run_page(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., AppTest]:
    """`run_page(db, **params)`: the test module's `PAGE` (or `page=`, a path from the
    project's folder or absolute) run once by AppTest on database `db`, with `params` as the
    URL's query parameters (and `secrets`, `user` as AppTest's, for sign-in); fails the test
    if the page raised."""

    def run(
        db: Path,
        *,
        page: str | Path | None = None,
        timeout: float = 90,
        secrets: dict | None = None,
        user: dict | None = None,
        **params: str,
    ) -> AppTest:
        monkeypatch.setenv("EHDMM_DB", str(db))
        path = ROOT / (page or request.module.PAGE)
        at = AppTest.from_file(str(path), default_timeout=timeout)
        for key, value in (secrets or {}).items():
            at.secrets[key] = value
        if user is not None:
            at.user = user
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def chart_specs(at: AppTest) -> list[dict]:
    """The plotly figures a page drew, as the browser gets them (JSON specs), in order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.fixture
def figures() -> Callable[[AppTest], list[dict]]:
    """`figures(at)`: the plotly figure specs a page drew, in order."""
    return chart_specs


@pytest.fixture(scope="session")
def import_levels() -> Callable[..., None]:
    """`import_levels(db, codes, round_id="2026-03", level=4)`: a return for each authority
    with every dimension at `level`, imported (as a late return arriving)."""
    from ehdmm.importer import import_returns
    from ehdmm.model import load_model

    def run(db: Path, codes: list[str], round_id: str = "2026-03", level: int = 4) -> None:
        dims = list(load_model().dimension_ids)
        rows = [f"{code},{round_id}," + ",".join([str(level)] * len(dims)) for code in codes]
        text = "authority,round," + ",".join(dims) + "\n" + "\n".join(rows)
        [result] = import_returns(db, [("late.csv", text.encode())], actor="tests")
        assert result.outcome == "imported", result

    return run


AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-tests",
    "client_id": "ehdmm-tests",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def signed_in_as(run_page) -> Callable[..., AppTest]:
    """`signed_in_as(db, email, **params)`: the module's page run with sign-in configured and
    `email` signed in."""

    def run(db: Path, email: str, **params: str) -> AppTest:
        return run_page(
            db,
            secrets={"auth": dict(AUTH_SECRETS)},
            user={"is_logged_in": True, "email": email},
            **params,
        )

    return run
