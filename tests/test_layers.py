"""Layering: ehdmm's domain modules never import streamlit; only ehdmm.ui may."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import ehdmm

ROOT = Path(__file__).resolve().parents[1]


def domain_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(ehdmm.__path__, "ehdmm.")]
    return sorted(n for n in names if not n.startswith("ehdmm.ui") and n != "ehdmm.__main__")


def test_there_are_modules_to_check():
    names = domain_modules()
    assert {"ehdmm.model", "ehdmm.scoring", "ehdmm.importer", "ehdmm.storage.db"} <= set(names)


def test_domain_modules_do_not_import_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {domain_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_the_check_itself_would_catch_streamlit():
    code = "import sys, ehdmm.ui\nprint(int('streamlit' in sys.modules))\n"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1"


def test_pages_hold_no_sql():
    pages = [*ROOT.glob("pages/*.py"), ROOT / "app.py"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for marker in ("import duckdb", ".execute(", "SELECT ", "INSERT INTO"):
            assert marker not in text, f"{page.name} holds SQL ({marker!r})"
