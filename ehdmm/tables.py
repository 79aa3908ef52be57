"""Tidy frames turned into tables for people: level names, column headings (no streamlit)."""

from __future__ import annotations

import pandas as pd

from ehdmm.model import Model

INCOMPLETE = "incomplete"


def level_label(value: object, model: Model) -> str:
    """'3 Maturing' for 3; 'incomplete' for a missing level."""
    if value is None or pd.isna(value):
        return INCOMPLETE
    number = int(value)
    return f"{number} {model.level_names[number]}"


def levels_table(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Authority levels (from `scoring.authority_levels`) with level names and plain headings."""
    strands = {s.id: s.name for s in model.strands}
    out = frame[["authority_code", "authority_name", *strands, "overall", "index"]].copy()
    for col in [*strands, "overall"]:
        out[col] = out[col].map(lambda v: level_label(v, model))
    return out.rename(
        columns={
            "authority_code": "ONS code",
            "authority_name": "Authority",
            **strands,
            "overall": "Overall",
            "index": "Maturity index",
        }
    )
