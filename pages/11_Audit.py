"""Audit log (national team): sign-ins, submissions, imports, exports and user changes: who,
when, what. Append-only; filter it and download it as CSV or XLSX."""

import streamlit as st

from ehdmm.analysis import audit
from ehdmm.ui import data_audit, roles, sidebar, widgets

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
log = data_audit.audit_log(sel.db, sel.token, sel.viewer)
shown = log
if log.empty:
    st.info("The audit log is empty: nothing has been logged yet.")
else:
    choices = audit.options(log)
    first, last = audit.date_bounds(log)
    f1, f2, f3, f4 = st.columns(4)
    actors = f1.multiselect("Who", choices["actor"], placeholder="Everyone", key="audit_actors")
    actions = f2.multiselect(
        "Action", choices["action"], placeholder="Every action", key="audit_actions"
    )
    days = f3.date_input(
        "Days",
        value=(),
        help=f"A day or a range of days; the log runs from {first} to {last}.",
        key="audit_days",
    )
    text = f4.text_input("Text in who or what", key="audit_text")
    since, until = (days[0], days[-1]) if days else (None, None)
    shown = audit.filter_log(
        log, actors=actors, actions=actions, since=since, until=until, text=text
    )
    st.caption(audit.counts_text(len(shown), len(log)))
widgets.table_with_download(
    audit.audit_table(shown),
    stem="ehdmm_audit_log",
    key="audit_log",
    column_config={"When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
