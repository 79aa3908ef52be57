"""Rounds (national team): create a round with its dates, open and close it, and reopen a
closed round for one authority with a reason. Every action is in the audit log."""

import streamlit as st

from ehdmm.ui import data_rounds, roles, sidebar, widgets

st.set_page_config(page_title="Rounds · ehdmm", layout="wide")
sel = sidebar(need_round=False)
roles.national_only(sel.viewer)

st.title("Rounds")
st.caption(
    "While a round is open, authorities submit. Once it is closed, a submission needs the "
    "national team to reopen the round for that authority, with a reason. A round made by an "
    "import counts as closed once a later round exists."
)
if not sel.rounds:
    st.info("No self-assessments have been submitted yet: open a round for authorities to submit.")
data_rounds.show_outcome("rounds_outcome")
view = data_rounds.view(sel.db, sel.token, sel.viewer)
if view.table.empty:
    st.info("There are no rounds yet: create the first one below.")
else:
    widgets.table_with_download(view.table, stem="ehdmm_rounds", key="rounds_table")


def done(outcome: tuple[str, str]) -> None:
    data_rounds.finish("rounds_outcome", outcome)


create_tab, state_tab, reopen_tab = st.tabs(["Create a round", "Open or close", "Reopen"])
with create_tab, st.form("round_create"):
    c1, c2 = st.columns(2)
    new_id = c1.text_input("Round id (YYYY-MM)", max_chars=7, key="round_new_id")
    title = c2.text_input("Title", max_chars=200, key="round_new_title")
    d1, d2 = st.columns(2)
    opens = d1.date_input("Opens", value=None, format="YYYY-MM-DD", key="round_new_opens")
    closes = d2.date_input("Closes", value=None, format="YYYY-MM-DD", key="round_new_closes")
    if st.form_submit_button("Create the round"):
        done(data_rounds.create(sel.db, sel.viewer, new_id, title, opens, closes))

with state_tab:
    o1, o2 = st.columns(2)
    with o1.form("round_open"):
        chosen = st.selectbox("Round to open", view.openable, index=None, key="round_to_open")
        st.caption("Opening lets every authority submit, whatever the round's dates say.")
        if st.form_submit_button("Open the round"):
            if chosen:
                done(data_rounds.open_round(sel.db, sel.viewer, chosen))
            st.error("Choose a round to open: nothing was written.")
    with o2.form("round_close"):
        chosen = st.selectbox("Round to close", view.closable, index=None, key="round_to_close")
        st.caption("Closing ends the round's reopenings too.")
        if st.form_submit_button("Close the round"):
            if chosen:
                done(data_rounds.close_round(sel.db, sel.viewer, chosen))
            st.error("Choose a round to close: nothing was written.")

with reopen_tab:
    with st.form("round_reopen"):
        r1, r2 = st.columns(2)
        chosen = r1.selectbox("Closed round", view.closed, index=None, key="round_reopen_id")
        code = r2.selectbox(
            "Authority",
            list(view.authorities),
            format_func=view.authorities.get,
            index=None,
            placeholder="Search by name or ONS code",
            key="round_reopen_authority",
        )
        reason = st.text_area("Reason (kept in the audit log)", max_chars=2000, key="round_reason")
        if st.form_submit_button("Reopen for this authority"):
            if chosen and code:
                name = view.authorities[code].rsplit(" (", 1)[0]
                done(data_rounds.reopen(sel.db, sel.viewer, chosen, code, name, reason))
            st.error("Choose a closed round and an authority: nothing was written.")
    st.subheader("Reopened now")
    if view.reopenings.empty:
        st.caption("No round is reopened for any authority.")
    else:
        widgets.dataframe(view.reopenings)
