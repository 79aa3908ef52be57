"""Bulk reads for exports: one round's current ratings and checklist answers for every
authority the viewer may see, in one query each (a batch of reports loads them once)."""

from __future__ import annotations

import duckdb
import pandas as pd

from ehdmm.viewer import Viewer


def round_ratings(conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The current submissions' ratings in a round: authority_code, dimension_id, level,
    evidence, confidence (as `submissions.current_ratings`, for every authority at once)."""
    return conn.execute(
        """
        SELECT s.authority_code, r.dimension_id, r.level, r.evidence, r.confidence
        FROM submissions s JOIN ratings r ON r.submission_id = s.id
        WHERE s.status = 'submitted' AND s.round_id = ?
          AND (? OR s.authority_code = ?)
        ORDER BY s.authority_code, r.dimension_id
        """,
        [round_id, *viewer.sql_filter_params],
    ).df()


def round_checklist(conn: duckdb.DuckDBPyConnection, viewer: Viewer, round_id: str) -> pd.DataFrame:
    """The current submissions' checklist answers in a round: authority_code, item_id,
    in_place, note."""
    return conn.execute(
        """
        SELECT s.authority_code, c.item_id, c.in_place, c.note
        FROM submissions s JOIN checklist_answers c ON c.submission_id = s.id
        WHERE s.status = 'submitted' AND s.round_id = ?
          AND (? OR s.authority_code = ?)
        ORDER BY s.authority_code, c.item_id
        """,
        [round_id, *viewer.sql_filter_params],
    ).df()
