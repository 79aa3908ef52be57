"""The install path: the lock files pin, with hashes, a version inside every loose range of
requirements.txt and requirements-dev.txt (so CI fails while a lock is out of date: run
`bash update-lock.sh`), the two locks agree, and the scripts install from them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def ranges(name: str) -> list[Requirement]:
    found = []
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert not line.startswith("-"), f"{name}: options such as {line!r} are not used"
            found.append(Requirement(line))
    return found


def pins(name: str) -> dict[str, list[tuple[Version, Marker | None]]]:
    """Each locked package: its versions (one per environment marker) and markers; every pin
    must carry at least one sha256 hash."""
    found: dict[str, list[tuple[Version, Marker | None]]] = {}
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        assert k + 1 < len(lines) and "--hash=sha256:" in lines[k + 1], (
            f"{name}: {line} has no hash"
        )
        package, version, marker = match.groups()
        found.setdefault(canonicalize_name(package), []).append(
            (Version(version), Marker(marker) if marker else None)
        )
    assert found, f"{name} pins nothing"
    return found


def missing_or_outside(requirements: list[Requirement], locked: dict) -> list[str]:
    problems = []
    for req in requirements:
        versions = locked.get(canonicalize_name(req.name))
        if not versions:
            problems.append(f"{req.name} is not in the lock")
            continue
        outside = [str(v) for v, _ in versions if not req.specifier.contains(v, prereleases=True)]
        if outside:
            problems.append(f"{req.name}: locked {', '.join(outside)}, outside '{req.specifier}'")
    return problems


@pytest.mark.parametrize(
    ("lock", "sources"),
    [
        ("requirements.lock", ["requirements.txt"]),
        ("requirements-dev.lock", ["requirements.txt", "requirements-dev.txt"]),
    ],
)
def test_the_lock_pins_every_range_with_hashes(lock, sources):
    requirements = [req for source in sources for req in ranges(source)]
    problems = missing_or_outside(requirements, pins(lock))
    assert problems == [], f"{lock} is out of date ({'; '.join(problems)}): run bash update-lock.sh"


def test_the_two_locks_agree_on_what_both_hold():
    app, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    differ = {name: (v, dev.get(name)) for name, v in app.items() if dev.get(name) != v}
    assert differ == {}, "run bash update-lock.sh"


def test_a_lock_out_of_date_is_caught():
    """The check itself: a range the lock does not satisfy, and a package it lacks."""
    locked = pins("requirements.lock")
    assert missing_or_outside([Requirement("streamlit>=999")], locked) == [
        f"streamlit: locked {locked['streamlit'][0][0]}, outside '>=999'"
    ]
    assert missing_or_outside([Requirement("no-such-package>=1")], locked) == [
        "no-such-package is not in the lock"
    ]


def test_the_scripts_install_from_the_locks_and_pyproject_reads_the_ranges():
    assert "--require-hashes -r requirements.lock" in (ROOT / "run-app.sh").read_text()
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / "run-tests.sh").read_text()
    assert "bash run-tests.sh" in (ROOT / ".ci" / "run").read_text()
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert "#    bash update-lock.sh" in (ROOT / lock).read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dynamic = project["tool"]["setuptools"]["dynamic"]
    assert dynamic["dependencies"] == {"file": ["requirements.txt"]}
    assert dynamic["optional-dependencies"]["dev"] == {"file": ["requirements-dev.txt"]}
    assert dynamic["version"] == {"attr": "ehdmm.__version__"}
