"""Users (national team): who may sign in, with which role, and which authority users lead
their authority's assessment. Every change is described first and written when confirmed, and
is in the audit log."""

import streamlit as st

from ehdmm.ui import data_assess, data_users, roles, sidebar, widgets

st.set_page_config(page_title="Users · ehdmm", layout="wide")
sel = sidebar(need_round=False)
roles.national_only(sel.viewer)

st.title("Users")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet.")
for kind, text in data_users.messages():
    getattr(st, kind)(data_assess.plain(text))
table = data_users.users_table(sel.db, sel.token)
if table.empty:
    st.info("No users yet: with sign-in configured, nobody can see the dashboard.")
widgets.dataframe(table)

st.header("Add a user or change their role")
with st.form("user_add", border=True):
    email_col, role_col, authority_col = st.columns(3)
    email_col.text_input("Email", key="user_email")
    role_col.selectbox("Role", ["authority", "national"], key="user_role")
    authority_col.text_input(
        "Authority (authority users)", key="user_authority", help="ONS code, DfE number or name"
    )
    st.checkbox(
        "Lead: invites respondents and submits the consensus (authority users)", key="user_lead"
    )
    st.form_submit_button("Preview the change", on_click=data_users.ask_add, args=(sel.db,))

emails = list(table["Email"]) if not table.empty else []
if emails:
    st.header("Lead flag, or remove a user")
    chosen = st.selectbox("User", emails, key="user_chosen")
    lead, clear, remove = st.columns(3)
    lead.button("Make lead", on_click=data_users.ask, args=(("lead", chosen, True),))
    clear.button("Clear the lead flag", on_click=data_users.ask, args=(("lead", chosen, False),))
    remove.button("Remove the user", on_click=data_users.ask, args=(("remove", chosen),))

change = data_users.pending()
if change is not None:
    with st.container(border=True):
        st.markdown("**Confirm this change?**")
        st.write(data_assess.plain(data_users.describe(sel.db, change)))
        yes, no = st.columns(2)
        yes.button(
            "Confirm", type="primary", on_click=data_users.confirm, args=(sel.db, sel.viewer)
        )
        no.button("Cancel", on_click=data_users.cancel)
