"""The header row: which layout a file is in, and every column each layout reads."""

from __future__ import annotations

from ehdmm.importer.common import ImportPlan
from ehdmm.model import Model, load_model
from ehdmm.quoting import shown


def layout_columns(layout: str, model: Model | None = None) -> list[str]:
    """Every column a layout reads, in template order."""
    model = model or load_model()
    if layout == "long":
        return [
            "authority",
            "round",
            "dimension",
            "level",
            "evidence",
            "confidence",
            "submitted_by",
        ]
    if layout != "wide":
        raise ValueError(f"unknown layout '{layout}' (use long or wide)")
    columns = ["authority", "round"]
    for dim in model.dimensions:
        columns += [dim.id, f"{dim.id}_evidence", f"{dim.id}_confidence"]
    for item in model.checklist:
        columns += [f"checklist_{item.id}", f"checklist_{item.id}_note"]
    return [*columns, "submitted_by", "note"]


def read_header(
    plan: ImportPlan,
    model: Model,
    header_row: int,
    header: list[str | None],
    round_id: str | None,
) -> dict[str, int] | None:
    """The header's columns ({key: index}) and the file's layout (in `plan.layout`); None when
    the header is wrong (its errors added)."""
    dim_ids = set(model.dimension_ids)
    seen: dict[str, int] = {}
    for index, key in enumerate(header):
        if key is None:
            continue
        if key in seen:
            plan.add(header_row, key, f"the column {shown(key)} appears twice")
        seen[key] = index
    if plan.errors:
        return None
    has_long = "dimension" in seen or "level" in seen
    wide_dims = [k for k in seen if k in dim_ids]
    if has_long and wide_dims:
        plan.add(
            header_row,
            wide_dims[0],
            "the header mixes the long layout (dimension, level) and the wide "
            f"layout (dimension columns such as '{wide_dims[0]}'); use one layout per file",
        )
        return None
    if not has_long and not wide_dims:
        plan.add(
            header_row,
            None,
            "the header is not a return: expected either 'authority, round, "
            "dimension, level' (long layout) or 'authority, round' and one column per dimension "
            f"id ({', '.join(model.dimension_ids)}) (wide layout)",
        )
        return None
    plan.layout = "long" if has_long else "wide"
    required = ["authority", "dimension", "level"] if has_long else ["authority"]
    if round_id is None:
        required.insert(1, "round")
    missing = [c for c in required if c not in seen]
    if missing:
        for column in missing:
            hint = " (or give the round with --round)" if column == "round" else ""
            plan.add(header_row, column, f"missing required column '{column}'{hint}")
        return None

    known = set(layout_columns(plan.layout, model))
    unknown = [key for key in seen if key not in known]
    if len(unknown) == 1:
        plan.add(header_row, unknown[0], f"unknown column {shown(unknown[0])} ignored", "warning")
    elif unknown:  # one line, however many
        listed = ", ".join(shown(key) for key in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        plan.add(
            header_row,
            None,
            f"{len(unknown):,} unknown columns ignored: {listed}{more}",
            "warning",
        )
    return seen
