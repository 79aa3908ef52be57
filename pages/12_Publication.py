"""Publication (national team): the snapshots authority users' peer figures come from, per
round, and the custom groups they may choose."""

import streamlit as st

from ehdmm.ui import data_publication, roles, sidebar, widgets
from ehdmm.ui.widgets import plain

st.set_page_config(page_title="Publication · ehdmm", layout="wide")
sel = sidebar(need_round=False)
roles.national_only(sel.viewer)

st.title("Publication")
st.caption(
    "Authority users see a round's peer figures only from its latest publication; the national "
    "team always sees live data. A round is published again only when at least 5 authorities' "
    "returns changed since, so that no single return's effect can be seen."
)

st.header("Rounds")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet: there is nothing to publish.")
else:
    widgets.table_with_download(
        data_publication.rounds_table(sel.db, sel.token, sel.viewer, sel.rounds),
        stem="publications",
        key="publication_rounds",
    )
    round_id = st.selectbox("Round to publish", list(reversed(sel.rounds)), key="publish_round")
    found, text = data_publication.preview(sel.db, sel.token, sel.viewer, round_id)
    st.markdown(plain(text))
    hold_back = False
    if not found.allowed and not found.nothing_changed:
        hold_back = st.checkbox(
            "Publish with the changed authorities held back at their previously published return",
            key="publish_hold_back",
        )
    sure = st.checkbox(f"I have checked what publishing round {round_id} does", key="publish_ok")
    if st.button(
        f"Publish round {round_id}",
        type="primary",
        disabled=not sure or found.nothing_changed or not (found.allowed or hold_back),
        key="publish_round_button",
    ):
        st.session_state["publication_message"] = data_publication.publish(
            sel.db, sel.viewer, round_id, hold_back
        )
        st.rerun()
message = st.session_state.pop("publication_message", None)
if message:
    st.success(plain(message))

st.header("Custom groups")
groups = data_publication.groups_table(sel.db, sel.token, sel.viewer)
if groups.empty:
    st.info("No custom groups: import one with `python -m ehdmm groups import NAME FILE.csv`.")
else:
    widgets.dataframe(groups, key="publication_groups")
    name = st.selectbox("Group", list(groups["Group"]), key="publication_group")
    left, right = st.columns(2)
    if left.button("Publish the group", key="group_publish"):
        st.session_state["group_message"] = data_publication.set_group(
            sel.db, sel.viewer, name, True
        )[1]
        st.rerun()
    if right.button("Unpublish the group", key="group_unpublish"):
        st.session_state["group_message"] = data_publication.set_group(
            sel.db, sel.viewer, name, False
        )[1]
        st.rerun()
group_message = st.session_state.pop("group_message", None)
if group_message:
    st.info(plain(group_message))
