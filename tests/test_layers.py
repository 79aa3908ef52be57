"""Layering: the import contracts of pyproject.toml hold (import-linter: storage imports none
of the layers above it, charts and export import nothing from storage, analysis, charts and
export import nothing from views or ui, only ehdmm.ui and the pages import streamlit, pages
import only ehdmm.ui, ehdmm.views and ehdmm.model), the checks would catch a break, and
ehdmm's domain modules import without streamlit."""

from __future__ import annotations

import ast
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import ehdmm

ROOT = Path(__file__).resolve().parents[1]
PAGE_LAYERS = ("ehdmm.ui", "ehdmm.views", "ehdmm.model")


def lint_imports(config: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`lint-imports` (no cache written) in the project folder, as CI would run it."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(config_filename=sys.argv[1] or None, no_cache=True, "
        "no_logo=True))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(config or "")],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_import_contracts_are_kept():
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


def test_export_importing_a_view_breaks_its_contract(tmp_path):
    """The report is rendered from a view handed to it: the view's type is named for type
    checkers only. Counting that import too, the check sees an upward import and fails."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    path = tmp_path / "contracts.toml"
    flag = "exclude_type_checking_imports = true"
    assert flag in text
    path.write_text(text.replace(flag, "exclude_type_checking_imports = false"), encoding="utf-8")
    done = lint_imports(path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Analysis, charts and export import nothing above them (views, ui) BROKEN" in done.stdout
    assert "ehdmm.export.report.build -> ehdmm.views.profile" in done.stdout


def test_a_page_importing_below_the_views_breaks_its_contract(tmp_path):
    """The project's contracts, run on a copy of the pages with one more page that imports
    storage: the check catches it."""
    shutil.copytree(ROOT / "pages", tmp_path / "pages")
    (tmp_path / "pages" / "99_Bad.py").write_text(
        "from ehdmm.storage import connect\n", encoding="utf-8"
    )
    (tmp_path / "ehdmm").symlink_to(ROOT / "ehdmm", target_is_directory=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    done = lint_imports(tmp_path / "pyproject.toml", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Pages import only ehdmm.ui, ehdmm.views and ehdmm.model BROKEN" in done.stdout
    assert "pages.99_Bad -> ehdmm.storage" in done.stdout


def test_the_pages_contract_forbids_every_other_module_of_ehdmm():
    pages = next(c for c in contracts() if c.get("source_modules") == ["pages"])
    top = {f"ehdmm.{m.name}" for m in pkgutil.iter_modules(ehdmm.__path__)}
    assert set(pages["forbidden_modules"]) == top - {*PAGE_LAYERS, "ehdmm.__main__"}


def test_the_home_page_imports_only_what_pages_may():
    """app.py is not in a package, so import-linter does not see it: checked here."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    ours = [name for name in names if name.split(".")[0] == "ehdmm"]
    assert ours and all(name.startswith(PAGE_LAYERS) for name in ours), ours


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
