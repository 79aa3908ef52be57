"""Audit log (national team): sign-ins, submissions, imports, exports and user changes: who,
when, what. Append-only; filter it and download it as CSV or XLSX."""

import streamlit as st

from ehdmm.ui import data, roles, sidebar, widgets
from ehdmm.views import audit

st.set_page_config(page_title="Audit log · ehdmm", layout="wide")
sel = sidebar(need_round=False)
roles.national_only(sel.viewer)

st.title("Audit log")
st.caption(
    "Every sign-in, submission, import, export (download) and change of users, newest first. "
    "Entries are only ever added: nothing here can be edited or removed."
)
if not sel.rounds:
    st.info("No self-assessments have been submitted yet: the log holds sign-ins and changes only.")
view = data.audit_view(sel.db, sel.token, sel.viewer)
shown = view.filtered()
if not view.total:
    st.info("The audit log is empty: nothing has been logged yet.")
else:
    f1, f2, f3, f4 = st.columns(4)
    actors = f1.multiselect(
        "Who", view.choices["actor"], placeholder="Everyone", key="audit_actors"
    )
    actions = f2.multiselect(
        "Action", view.choices["action"], placeholder="Every action", key="audit_actions"
    )
    days = f3.date_input(
        "Days",
        value=(),
        help=f"A day or a range of days; the log runs from {view.first} to {view.last}.",
        key="audit_days",
    )
    text = f4.text_input("Text in who or what", key="audit_text")
    since, until = (days[0], days[-1]) if days else (None, None)
    shown = view.filtered(tuple(actors), tuple(actions), since, until, text)
    st.caption(audit.counts_text(shown.shown, shown.total))
widgets.table_with_download(
    shown.table,
    stem="ehdmm_audit_log",
    key="audit_log",
    column_config={"When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
