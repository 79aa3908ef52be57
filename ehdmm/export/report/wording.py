"""The report's fixed sentences and the plain-text rule every format applies to what it writes."""

from __future__ import annotations

import re

import pandas as pd

from ehdmm import wording

SELF_ASSESSED = wording.RANKING_CAVEAT
DEMO_WARNING = wording.DEMO_NOTE
INDEX_TEXT = wording.INDEX_TEXT
NATIONAL_ONLY = (
    "The national pack, reports for many authorities (zips) and reports that name the peer "
    "group's members are for the national team; an authority user gets its own authority's "
    "report, with its peers as aggregates under disclosure control."
)
OWN_ONLY = (
    "You can get your own authority's report only: other authorities are shown to you as peer "
    "aggregates, never by name."
)
AGGREGATES_TEXT = (
    "Peer-group and England figures are aggregates under disclosure control: no other "
    "authority is named, listed or shown as a point."
)
MODEL_SOURCE = (
    "Data Maturity Model for Early Help Services, Ministry of Housing, Communities & Local "
    "Government, December 2017. Contains public sector information licensed under the Open "
    "Government Licence v3.0."
)
KEYWORDS = "early help; data maturity; self-assessment; benchmark"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object) -> str:
    """A cell or paragraph as plain text: missing as '', numbers without noise, control
    characters (which Word and PDF cannot hold) removed, tabs and carriage returns as spaces."""
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else f"{value:g}"
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def rows_of(frame: pd.DataFrame) -> list[list[str]]:
    """Every cell of `frame` as plain text, row by row."""
    return [[clean_text(v) for v in row] for row in frame.itertuples(index=False)]
