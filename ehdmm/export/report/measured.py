"""Batch times as measured by `benchmarks/exports.py` (every authority's report, per format, on
the machine it ran on), kept in `measured.json` beside this module so that the Reports page says
what a batch took when measured instead of an estimate."""

from __future__ import annotations

import json
from pathlib import Path

FILE = Path(__file__).with_name("measured.json")


def load() -> dict:
    """The recorded measurement ({} when there is none or it cannot be read)."""
    try:
        return json.loads(FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save(record: dict) -> None:
    """Record a measurement (the benchmark calls this)."""
    FILE.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def duration(seconds: float) -> str:
    """'2 min 10 s', '45 s'."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def batch_text(choice: str, count: int) -> str:
    """'Measured on 2 cores (2026-12-05): all 153 reports took 2 min 10 s (0.85 s each), so
    about 10 s for these 12.' ('' when `choice` was not measured)."""
    record = load()
    seconds = (record.get("seconds") or {}).get(choice)
    reports = record.get("reports")
    if not seconds or not reports:
        return ""
    each = seconds / reports
    text = (
        f"Measured on {record.get('cores', '?')} cores ({record.get('date', '?')}): all {reports} "
        f"reports took {duration(seconds)} ({each:.2f} s each)"
    )
    if count != reports:
        text += f", so about {duration(each * count)} for these {count}"
    return text + "."
