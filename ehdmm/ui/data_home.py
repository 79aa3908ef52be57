"""Built table of the home page, kept between reruns (see `ehdmm.ui.memo`)."""

from __future__ import annotations

import pandas as pd

from ehdmm import tables
from ehdmm.model import load_model
from ehdmm.ui import data, memo
from ehdmm.ui.state import Selection


@memo.section
def levels_table(sel: Selection) -> tuple[int, pd.DataFrame]:
    """(authorities with a current submission the viewer can see, their levels for people):
    every authority for the national team, its own for an authority user."""
    frame = data.levels(sel.db, sel.token, sel.viewer, sel.round_id, sel.rule)
    return len(frame), tables.levels_table(frame, load_model())
