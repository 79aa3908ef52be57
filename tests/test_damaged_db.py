"""A damaged or unusable database file: the app shows one clear message saying what to do (no
traceback, on every rerun), `python -m ehdmm check` and `levels` print it and exit 1, and the
damaged file is left exactly as it was (it may be recoverable).

The tests run as root, where file permissions do not stop reads: an unreadable path is made with
a folder where the file should be, and with a file where its folder should be.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ehdmm.storage import StoreError, connect

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
BLOCK = 262144  # DuckDB's block size; the file starts with three 4 KB header pages


def scribbled(good: bytes) -> bytes:
    """The demo file with 16 bytes overwritten in the middle of many of its blocks (the
    checksums no longer match)."""
    data = bytearray(good)
    for offset in range(3 * 4096 + 100, len(data) - 16, BLOCK):
        data[offset : offset + 16] = b"\xaa" * 16
    return bytes(data)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda good: bytes((i * 37 + 11) % 256 for i in range(20000)),
    "text": lambda good: b"this is not a database\n" * 500,
    "zero-bytes": lambda good: b"",
    "truncated-half": lambda good: good[: len(good) // 2],
    "header-only": lambda good: good[:12288],
    "checksums-broken": scribbled,
}
DAMAGED_HINT = "it is damaged or is not a DuckDB database file"
WHAT_TO_DO = ("move it aside", "python -m ehdmm init --db", "restore it from a backup")


def make(kind: str, folder: Path, good: bytes) -> Path:
    """A database path of the given kind under folder."""
    if kind == "folder":
        path = folder / "folder.duckdb"
        path.mkdir()
        return path
    if kind == "under-a-file":
        (folder / "afile").write_bytes(b"x")
        return folder / "afile" / "ehdmm.duckdb"
    path = folder / f"{kind}.duckdb"
    path.write_bytes(DAMAGE[kind](good))
    return path


def expected_words(kind: str) -> tuple[str, ...]:
    if kind == "folder":
        return ("it is a folder, not a database file", "Point EHDMM_DB")
    if kind == "under-a-file":
        return ("afile is a file, not a folder", "Point EHDMM_DB")
    return (DAMAGED_HINT, *WHAT_TO_DO)


KINDS = [*DAMAGE, "folder", "under-a-file"]


@pytest.fixture(scope="module")
def good(_demo_template: Path) -> bytes:
    return _demo_template.read_bytes()


@pytest.mark.parametrize("kind", KINDS)
def test_the_app_shows_a_clear_message(
    kind: str, good: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(kind, tmp_path, good)
    before = path.read_bytes() if path.is_file() else None
    monkeypatch.setenv("EHDMM_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    for _ in range(2):  # the first run and a rerun: the same message, never a traceback
        at.run()
        assert not at.exception, at.exception[0].message
        assert len(at.error) == 1
        message = at.error[0].value
        assert str(path) in message
        for words in expected_words(kind):
            assert words in message, message
        assert not at.dataframe and not at.sidebar.selectbox  # the page stopped there
    if before is not None:
        assert path.read_bytes() == before, "the damaged file was changed"
    assert not (tmp_path / "afile").is_dir()


@pytest.mark.parametrize("command", ["check", "levels"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_says_what_to_do_and_exits_1(
    kind: str, command: str, good: bytes, tmp_path: Path
) -> None:
    path = make(kind, tmp_path, good)
    before = path.read_bytes() if path.is_file() else None
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}
    proc = subprocess.run(
        [sys.executable, "-m", "ehdmm", command, "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    if kind == "under-a-file":  # nothing there: check and levels do not create a database
        assert f"No database at {path}" in proc.stderr and "python -m ehdmm init" in proc.stderr
    else:
        for words in expected_words(kind):
            assert words in proc.stderr, proc.stderr
    if before is not None:
        assert path.read_bytes() == before, "the damaged file was changed"


def later_damage(good: bytes, folder: Path) -> list[Path]:
    """Copies of the demo file, each with one broken block that opening does not notice (the
    damage is met by a later read)."""
    found = []
    for block in range(len(good) // BLOCK):
        data = bytearray(good)
        offset = 3 * 4096 + block * BLOCK + 100
        data[offset : offset + 16] = b"\xaa" * 16
        path = folder / f"block{block}.duckdb"
        path.write_bytes(bytes(data))
        try:
            with connect(path) as conn:
                conn.execute("SELECT * FROM authorities").fetchall()
        except StoreError:
            continue
        found.append(path)
    return found


def test_damage_found_only_when_a_page_is_read_is_a_store_error(
    good: bytes, tmp_path: Path
) -> None:
    """A file that opens but has one broken data block: the first read that meets it raises
    StoreError with the same advice (not DuckDB's own exception, not a traceback)."""
    found = []
    for path in later_damage(good, tmp_path):
        try:
            with connect(path) as conn:
                for table in ("submissions", "ratings", "checklist_answers", "import_log"):
                    conn.execute(f"SELECT * FROM {table}").fetchall()
        except StoreError as exc:
            found.append(path)
            assert "Corrupt database file" in str(exc)
            for words in WHAT_TO_DO:
                assert words in str(exc)
    assert found, "no block broke a later read: the test proved nothing"


def test_init_and_demo_on_an_impossible_path_fail_cleanly(tmp_path: Path) -> None:
    (tmp_path / "afile").write_bytes(b"x")
    target = tmp_path / "afile" / "new.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "EHDMM_DB"}
    for command in ("init", "demo"):
        proc = subprocess.run(
            [sys.executable, "-m", "ehdmm", command, "--db", str(target)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"{tmp_path / 'afile'} is a file, not a folder" in proc.stderr
    assert (tmp_path / "afile").read_bytes() == b"x"


PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def damaged_later(good: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The files of `later_damage`, made once for the page tests (which only read them)."""
    return later_damage(good, tmp_path_factory.mktemp("later-damage"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_damage_met_by_a_page_shows_the_message_not_a_traceback(
    page: Path, damaged_later: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wherever the page meets the broken block (the sidebar, a cached loader or a section
    being built), it shows the store's advice once and no exception box."""
    damaged = damaged_later
    assert damaged, "no block could be broken without breaking the opening"
    shown = 0
    for path in reversed(damaged):  # pages meet the later blocks sooner (half the runs)
        before = path.read_bytes()
        monkeypatch.setenv("EHDMM_DB", str(path))
        at = AppTest.from_file(str(page), default_timeout=60)
        at.run()
        assert not at.exception, (path.name, at.exception[0].message)
        errors = [e.value for e in at.error if "Corrupt database file" in e.value]
        if errors:
            shown += 1
            assert len(errors) == 1
            for words in WHAT_TO_DO:
                assert words in errors[0]
        assert path.read_bytes() == before, "the damaged file was changed"
        if shown == 2:  # met twice, in different blocks: enough (each run takes a while)
            break
    assert shown, "no broken block was met by this page: the test proved nothing"
