"""Plan: an authority's targets (a level per dimension and the round by which to reach it) and
its improvement plan (actions towards the model's statements), saved as you go; progress
against the targets in the round; the plan as XLSX, and an XLSX plan imported after a preview.
The authority's own users edit; the national team reads every plan."""

import streamlit as st

from ehdmm.ui import data_plan, plan_form, sidebar, widgets
from ehdmm.views.plan import READ_ONLY

st.set_page_config(page_title="Plan · ehdmm", layout="wide")
sel = sidebar()

st.title(f"Plan: {sel.authority_name}")
view = data_plan.plan_view(sel)
if data_plan.sync(sel, view):
    view = data_plan.fresh_view(sel)

for kind, text in data_plan.notices():
    getattr(st, kind)(widgets.plain(text))  # may quote what a user typed: plain text
data_plan.notices().clear()

if view.editable:
    st.caption(
        "Set a target level and round per dimension, and the actions that get you there. "
        "Every change is saved as you make it (text when you leave the box) and kept with its "
        "history; drop an action by setting its status to 'dropped'."
    )
else:
    st.info(READ_ONLY)
if view.plan.baseline_round:
    st.caption(
        f"Current levels: {sel.authority_name}'s submission for {view.plan.baseline_round}. "
        f"A target round must be later than {view.plan.latest_round}."
    )
else:
    st.caption(f"{sel.authority_name} has no submission yet: any level may be a target.")

# -- progress -----------------------------------------------------------------------------------
st.header(f"Progress against targets in {sel.round_id}")
if view.progress.empty:
    st.info("No targets set yet.")
else:
    widgets.table_with_download(
        view.progress, stem=f"{sel.authority}_{sel.round_id}_progress", key="plan_progress"
    )

# -- per dimension ------------------------------------------------------------------------------
st.header("Targets and actions")
for dim in view.dimensions:
    plan_form.dimension(sel, view, dim)

# -- the plan as a table and a workbook ---------------------------------------------------------
st.header("The whole plan")
widgets.table_with_download(
    view.actions_table, stem=f"{sel.authority}_plan_actions", key="plan_actions_table"
)
st.download_button(
    "Download the plan (XLSX: Targets and Actions)",
    data=widgets.audited(
        lambda: data_plan.workbook(view), f"{sel.authority}_plan.xlsx", [sel.authority]
    ),
    file_name=f"{sel.authority}_plan.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="plan_xlsx",
    on_click="ignore",
)
if view.editable:
    plan_form.upload(sel)

# -- across authorities -------------------------------------------------------------------------
st.header("Targets across authorities")
st.caption(view.overview_caption)
if view.overview.empty:
    st.info("No authority has set a target yet.")
else:
    widgets.table_with_download(view.overview, stem="england_targets", key="plan_overview")
if not view.met.empty:
    st.header("Targets met, round by round")
    st.caption("Every current target, in each round after the one in which it was set.")
    widgets.table_with_download(view.met, stem="england_targets_met", key="plan_met")
