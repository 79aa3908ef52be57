"""Blank return templates (CSV and XLSX) for both import layouts, built from the model."""

from __future__ import annotations

import csv
import io

from ehdmm.export.tables import safe_text
from ehdmm.importer import layout_columns
from ehdmm.model import Model, load_model

LAYOUTS: tuple[str, ...] = ("long", "wide")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
TEMPLATE_ROWS = 500  # rows with drop-down lists, in either layout


def header(layout: str, model: Model | None = None) -> list[str]:
    """The column names of a layout (as the importer reads them)."""
    return layout_columns(layout, model)


def _rows(layout: str, model: Model) -> list[list[str]]:
    if layout == "long":
        return [["", "", dim.id, "", "", "", ""] for dim in model.dimensions]
    return []


def template_csv(layout: str, model: Model | None = None) -> bytes:
    """A CSV template (UTF-8 with BOM so that Excel reads it as UTF-8)."""
    model = model or load_model()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [header(layout, model), *_rows(layout, model)]:
        writer.writerow([safe_text(value) for value in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def template_xlsx(layout: str, model: Model | None = None) -> bytes:
    """An XLSX template: the return sheet with drop-down lists of levels (and confidence,
    yes/no), a sheet of the model's descriptors, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    model = model or load_model()
    columns = header(layout, model)
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append([safe_text(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(layout, model):
        sheet.append([safe_text(value) for value in row])
    last = TEMPLATE_ROWS
    names = ",".join(level.name for level in model.levels)
    choices = ",".join(
        [*(level.name for level in model.levels), *(str(level.number) for level in model.levels)]
    )
    lists = {
        "level": DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True),
        "confidence": DataValidation(type="list", formula1='"low,medium,high"', allow_blank=True),
        "yesno": DataValidation(type="list", formula1='"yes,no"', allow_blank=True),
    }
    lists["level"].error = f"Choose a level: {names.replace(',', ', ')} (or 1-4)"
    lists["level"].showErrorMessage = True
    for validation in lists.values():
        sheet.add_data_validation(validation)
    dim_ids = set(model.dimension_ids)
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        kind = None
        if name == "level" or name in dim_ids:
            kind = "level"
        elif name == "confidence" or name.endswith("_confidence"):
            kind = "confidence"
        elif name.startswith("checklist_") and not name.endswith("_note"):
            kind = "yesno"
        if kind:
            lists[kind].add(f"{letter}2:{letter}{last}")
        sheet.column_dimensions[letter].width = 40 if "evidence" in name else 16
    sheet.freeze_panes = "A2"

    _descriptors(book.create_sheet("Descriptors"), model, Font, Alignment)

    notes = book.create_sheet("Instructions")
    lines = [
        f"{model.title} ({model.version}): self-assessment return, {layout} layout.",
        "authority: ONS code (e.g. E10000003), DfE LA number or the authority's name.",
        "round: YYYY-MM (e.g. 2021-03).",
        "level: "
        + ", ".join(f"{lv.number} {lv.name}" for lv in model.levels)
        + " (the number or the name).",
        "confidence: low, medium or high (optional).",
    ]
    if layout == "long":
        lines.append("One row per authority and dimension; dimension: an id or the name.")
    else:
        lines.append("One row per authority and round; checklist columns take yes or no.")
    lines.append("The sheet named Descriptors holds the model's descriptor for every level.")
    for line in lines:
        notes.append([safe_text(line)])
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _descriptors(desc, model: Model, font_cls, alignment_cls) -> None:
    """The sheet of the model's descriptors: one row per dimension, one column per level."""
    desc.append(
        [safe_text(v) for v in ["strand", "dimension id", "dimension", *model.level_names.values()]]
    )
    for cell in desc[1]:
        cell.font = font_cls(bold=True)
    for strand in model.strands:
        for dim in strand.dimensions:
            row = [
                strand.name,
                dim.id,
                dim.name,
                *[dim.descriptors[lv.number] for lv in model.levels],
            ]
            desc.append([safe_text(value) for value in row])
    for letter, width in zip("ABCDEFG", (28, 22, 28, 60, 60, 60, 60), strict=True):
        desc.column_dimensions[letter].width = width
    for row in desc.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = alignment_cls(wrap_text=True, vertical="top")


def template_bytes(layout: str, fmt: str, model: Model | None = None) -> bytes:
    if fmt == "csv":
        return template_csv(layout, model)
    if fmt == "xlsx":
        return template_xlsx(layout, model)
    raise ValueError(f"unknown template format '{fmt}' (use csv or xlsx)")
