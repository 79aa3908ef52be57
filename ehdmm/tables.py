"""Tidy frames turned into tables for people: level names, column headings (no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehdmm.model import Model

INCOMPLETE = "incomplete"


def level_label(value: object, model: Model) -> str:
    """'3 Maturing' for 3; 'incomplete' for a missing level."""
    if value is None or pd.isna(value):
        return INCOMPLETE
    number = int(value)
    return f"{number} {model.level_names[number]}"


def level_labels(values: pd.Series, model: Model) -> pd.Series:
    """`level_label` over a whole column (vectorised)."""
    top = max(model.level_names)
    lookup = np.array([INCOMPLETE] * (top + 1), dtype=object)
    for number, name in model.level_names.items():
        lookup[number] = f"{number} {name}"
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    valid = np.isfinite(numbers) & (numbers >= 1) & (numbers <= top)
    return pd.Series(
        lookup[np.where(valid, numbers, 0).astype(int)], index=values.index, name=values.name
    )


def levels_table(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Authority levels (from `scoring.authority_levels`) with level names and plain headings."""
    strands = {s.id: s.name for s in model.strands}
    columns = {"authority_code": frame["authority_code"], "authority_name": frame["authority_name"]}
    for col in [*strands, "overall"]:
        columns[col] = level_labels(frame[col], model)
    columns["index"] = frame["index"]
    return pd.DataFrame(columns).rename(
        columns={
            "authority_code": "ONS code",
            "authority_name": "Authority",
            **strands,
            "overall": "Overall",
            "index": "Maturity index",
        }
    )
