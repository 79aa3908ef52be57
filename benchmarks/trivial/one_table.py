"""Trivial page: draw one ready-made 153-row table (the framework's cost of a table)."""

import pandas as pd
import streamlit as st

TABLE = pd.DataFrame(
    {
        "code": [f"E{i:08d}" for i in range(153)],
        "level": [i % 4 + 1 for i in range(153)],
        "index": [1 + (i % 25) / 8 for i in range(153)],
    }
)
st.dataframe(TABLE)
