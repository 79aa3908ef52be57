"""The header row (ehdmm/importer/header.py): unknown columns are one warning however many there
are, and header cells are quoted cut short and escaped."""

from __future__ import annotations

from ehdmm.importer.common import ImportPlan
from ehdmm.importer.header import read_header
from ehdmm.model import load_model

MODEL = load_model()


def header(*extra: str) -> list[str | None]:
    return ["authority", "round", "dimension", "level", *extra]


def test_thousands_of_unknown_columns_are_one_warning() -> None:
    plan = ImportPlan("many.csv", "x")
    extra = [f"extra_{n}" for n in range(9_994)]
    seen = read_header(plan, MODEL, 1, header(*extra), None)
    assert seen is not None and plan.layout == "long"
    [warning] = plan.warnings
    assert warning.message.startswith("9,994 unknown columns ignored: 'extra_0', 'extra_1'")
    assert warning.message.endswith("and 9,989 more")
    assert len(warning.message) < 300 and warning.column is None


def test_one_unknown_column_is_named_with_its_column() -> None:
    plan = ImportPlan("one.csv", "x")
    read_header(plan, MODEL, 1, header("notes"), None)
    [warning] = plan.warnings
    assert (warning.column, warning.message) == ("notes", "unknown column 'notes' ignored")


def test_a_huge_or_odd_header_cell_is_quoted_cut_short_and_escaped() -> None:
    plan = ImportPlan("odd.csv", "x")
    odd = "\x1b[2J" + "y" * 5000
    read_header(plan, MODEL, 1, header(odd, odd), None)
    [error] = plan.errors
    text = str(error)
    assert "\x1b" not in text and "\\x1b" in text
    assert len(text) < 400
