"""The figure a page draws (`ehdmm.ui.widgets._Drawn`): the built figure laid out for any
screen, kept as text, and the built figure left as it was."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from ehdmm.charts import theme
from ehdmm.ui.widgets import _Drawn


def _built() -> go.Figure:
    fig = go.Figure(go.Scatterpolar(r=[1, 2, 3], theta=["A", "B", "C"], name="Own"))
    return theme.finish(fig, title="Levels", subtitle="Round 2026-03", note="Self-assessments")


def test_the_drawn_figure_is_the_built_one_laid_out_for_a_screen():
    fig = _built()
    before = fig.to_dict()
    drawn = _Drawn(fig)
    expected = json.loads(pio.to_json(theme.for_screen(before), validate=False))
    assert drawn.to_dict() == expected
    assert drawn.to_dict()["layout"]["title"]["yref"] == "container"  # laid out, not a copy
    assert fig.to_dict() == before


def test_each_draw_gets_its_own_copy():
    drawn = _Drawn(_built())
    first = drawn.to_dict()
    first["layout"]["title"]["text"] = "changed"
    assert drawn.to_dict()["layout"]["title"]["text"] == "Levels"


def test_the_shell_holds_no_template_of_its_own():
    """Only the text is kept: the empty figure around it has no default template (the
    template is in the text, as the built figure has it)."""
    drawn = _Drawn(_built())
    assert not go.Figure.to_dict(drawn)["layout"].get("template")
    assert drawn.to_dict()["layout"]["template"]["layout"]["colorway"]


def test_a_frame_is_made_arrow_once_while_it_lives():
    import gc

    import pandas as pd
    import pyarrow as pa
    from streamlit.dataframe_util import (
        convert_arrow_table_to_arrow_bytes,
        convert_pandas_df_to_arrow_bytes,
    )

    from ehdmm.ui import widgets

    frame = pd.DataFrame({"Authority": ["Bristol", None], "Level": pd.array([3, None], "Int64")})
    table = widgets.arrow_of(frame)
    assert isinstance(table, pa.Table) and widgets.arrow_of(frame) is table
    # the browser gets the bytes Streamlit would have sent for the frame itself (Streamlit
    # sends a table as convert_arrow_table_to_arrow_bytes writes it)
    sent = convert_arrow_table_to_arrow_bytes(table)
    assert sent == convert_pandas_df_to_arrow_bytes(frame)
    other = frame.copy()
    assert widgets.arrow_of(other) is not table
    key = id(frame)
    del frame, table
    gc.collect()
    assert key not in widgets._ARROW  # gone with its frame


def test_what_is_not_a_frame_is_drawn_as_given():
    import pandas as pd

    from ehdmm.ui import widgets

    styled = pd.DataFrame({"a": [1]}).style
    rows = [{"a": 1}]
    assert widgets.arrow_of(styled) is styled and widgets.arrow_of(rows) is rows
