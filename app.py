"""ehdmm: benchmarking dashboard for the Data Maturity Model for Early Help Services.

Run with `streamlit run app.py`. This page is the home page: the latest round at a glance.
"""

import streamlit as st

from ehdmm import tables, ui
from ehdmm.storage import StoreError

st.set_page_config(page_title="ehdmm: early help data maturity", layout="wide")
model = ui.model()
st.title("Early help data maturity: benchmarking")
st.caption(f"{model.title} ({model.publisher}, {model.published})")

try:
    round_id, frame, demo = ui.levels(ui.current_viewer())
except StoreError as exc:
    ui.show_store_error(exc)
    st.stop()

if demo:
    st.warning(ui.DEMO_BANNER, icon="⚠️")
if round_id is None:
    st.info(
        "No self-assessments have been submitted yet. Import returns with "
        "`python -m ehdmm import FILE`."
    )
    st.stop()

st.header(f"Levels by strand, round {round_id}")
st.caption(
    f"{len(frame)} authorities with a current submission; scoring rule: gated "
    "(a strand's level is the lowest of its dimensions). " + ui.RANKING_CAVEAT
)
shown = tables.levels_table(frame, model)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={"Maturity index": st.column_config.NumberColumn(format="%.2f")},
)
