"""ehdmm: benchmarking dashboard for the Data Maturity Model for Early Help Services.

Run with `streamlit run app.py` (or `bash run-app.sh`). This is the home page: the chosen round
at a glance; the other pages are in pages/.
"""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import RANKING_CAVEAT, data, sidebar, widgets
from ehdmm.ui.footer import footer

st.set_page_config(page_title="ehdmm: early help data maturity", layout="wide")
sel = sidebar()
model = load_model()
st.title("Early help data maturity: benchmarking")
st.caption(f"{model.title} ({model.publisher}, {model.published})")

# The viewer's read: every authority for the national team, its own for an authority user.
view = data.home_view(sel.scope)

st.header(f"Levels by strand, round {sel.round_id}")
st.caption(
    (
        f"{view.assessed} authorities with a current submission"
        if sel.viewer.sees_all
        else f"Your authority's levels ({sel.authority_name}); other authorities are shown "
        "only as peer aggregates, on the Authority profile and Peer benchmark pages"
    )
    + f"; scoring rule: {sel.rule}. "
    + RANKING_CAVEAT
)
if not view.assessed and not sel.viewer.sees_all:
    st.info(
        f"{sel.authority_name} has no current submission in round {sel.round_id}. Other "
        "authorities submitted in this round: the Authority profile and Peer benchmark pages "
        "show them as peer aggregates. Choose another round in the sidebar for your own levels, "
        "or fill in this round on the Assess page.",
        icon="ℹ️",
    )
widgets.dataframe(
    view.table,
    hide_index=True,
    width="stretch",
    column_config={"Maturity index": st.column_config.NumberColumn(format="%.2f")},
)
st.markdown(
    "Use the pages in the sidebar for the national overview, an authority's profile, peer "
    "benchmarks, comparisons, trends and the model itself."
)
footer(sel)
