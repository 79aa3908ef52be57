"""Import of self-assessment returns (CSV and XLSX), validated before anything is written.

Two layouts, detected from the header:
- long: one row per authority x dimension: authority, round, dimension, level, and optionally
  evidence, confidence, submitted_by;
- wide: one row per authority and round: authority, round, one column per dimension id (level),
  optionally <dimension>_evidence, <dimension>_confidence, checklist_<item> (yes/no),
  checklist_<item>_note, submitted_by, note.

Each file is one all-or-nothing unit: every problem is reported with file, row (as Excel shows
it) and column, and a file with any error writes nothing.

The parts: `reading` (bytes to rows: encodings, CSV, XLSX), `cells` (one cell's value: authority,
round, dimension, level, confidence, text), `header` (the layout), `long` and `wide` (the rows of
each layout), `columns` (a clean long-layout CSV read column by column, for speed, by the same
cell readers), `plan` (one file read and validated into an `ImportPlan`) and `write` (plans
written to the database, and the import log).
"""

from ehdmm.importer import changes, xlsx
from ehdmm.importer.common import (
    CONFIDENCES,
    EVIDENCE_MAX_CHARS,
    MAX_IMPORT_BYTES,
    NOTE_MAX_CHARS,
    ConfigurationError,
    ImportPlan,
    ParsedSubmission,
    Problem,
    Rating,
    content_hash,
    max_import_bytes,
)
from ehdmm.importer.header import layout_columns
from ehdmm.importer.plan import parse_return
from ehdmm.importer.write import ImportResult, import_returns, plan_frames

__all__ = [
    "CONFIDENCES",
    "EVIDENCE_MAX_CHARS",
    "MAX_IMPORT_BYTES",
    "NOTE_MAX_CHARS",
    "ConfigurationError",
    "ImportPlan",
    "ImportResult",
    "ParsedSubmission",
    "Problem",
    "Rating",
    "changes",
    "content_hash",
    "import_returns",
    "layout_columns",
    "max_import_bytes",
    "parse_return",
    "plan_frames",
    "xlsx",
]
