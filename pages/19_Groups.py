"""Custom peer groups. The national team creates, renames, edits the members of, publishes and
deletes groups, and takes or declines the groups authority users propose; an authority user
proposes a group and sees what became of its proposals."""

import streamlit as st

from ehdmm.ui import data_rounds, sidebar, widgets

st.set_page_config(page_title="Groups · ehdmm", layout="wide")
sel = sidebar(need_round=False)
st.title("Custom peer groups")
if not sel.rounds:
    st.info("No self-assessments have been submitted yet: groups can be made already.")
data_rounds.show_outcome("groups_outcome")
view = data_rounds.groups_view(sel.db, sel.token, sel.viewer)
viewer = sel.viewer


def done(outcome: tuple[str, str]) -> None:
    data_rounds.finish("groups_outcome", outcome)


def choose_members(key: str, default: tuple[str, ...] = ()) -> list[str]:
    return st.multiselect(
        "Members (search by name, ONS code or DfE number)",
        list(view.authorities),
        default=[c for c in default if c in view.authorities],
        format_func=view.authorities.get,
        key=key,
    )


if view.national:
    st.caption(
        "Authority users can choose a group once it is published. A group too close to "
        "another choosable group (differing by 1 to 4 authorities) cannot be published; the "
        "message names the group it is too close to. A small group is allowed, but its peer "
        "aggregates stay suppressed for authority users."
    )
    widgets.table_with_download(view.groups, stem="ehdmm_custom_groups", key="groups")
    for name, note in view.notes.items():
        st.text(f"{name}: {note}")
    make, edit, queue = st.tabs(["Create", "Edit, publish or delete", "Proposals"])
    with make, st.form("group_create"):
        name = st.text_input("Name", max_chars=80, key="group_new_name")
        members = choose_members("group_new_members")
        if st.form_submit_button("Create the group"):
            done(data_rounds.create_group(sel.db, viewer, name, members))
    with edit:
        chosen = st.selectbox("Group", list(view.members), index=None, key="group_chosen")
        if chosen:
            with st.form("group_edit"):
                new_name = st.text_input("Name", value=chosen, max_chars=80, key="group_rename")
                members = choose_members("group_members", view.members[chosen])
                save, publish, delete = st.columns(3)
                if save.form_submit_button("Save name and members"):
                    done(data_rounds.save_group(sel.db, viewer, chosen, new_name, members))
                if publish.form_submit_button("Publish"):
                    done(data_rounds.publish_group(sel.db, viewer, chosen))
                sure = delete.checkbox("Yes, delete it", key="group_delete_sure")
                if delete.form_submit_button("Delete the group"):
                    if sure:
                        done(data_rounds.delete_group(sel.db, viewer, chosen))
                    st.error("Tick 'Yes, delete it' first: nothing was deleted.")
    with queue:
        widgets.dataframe(view.proposals, key="group_proposals")
        with st.form("group_decide"):
            pid = st.selectbox(
                "Pending proposal",
                list(view.pending),
                format_func=view.pending.get,
                index=None,
                key="group_proposal",
            )
            reason = st.text_area("Reason (needed to decline)", max_chars=2000, key="group_reason")
            take, refuse = st.columns(2)
            if take.form_submit_button("Create and publish") and pid is not None:
                done(data_rounds.accept_proposal(sel.db, viewer, pid))
            if refuse.form_submit_button("Decline") and pid is not None:
                done(data_rounds.decline_proposal(sel.db, viewer, pid, reason))
else:
    st.caption(
        "Propose a group of authorities to compare with: the national team creates and "
        "publishes it, or declines it with a reason. A group too small for its figures to be "
        "shown is allowed, but its peer figures stay suppressed."
    )
    with st.form("group_propose"):
        name = st.text_input("Name", max_chars=80, key="group_propose_name")
        members = st.text_area(
            "Members: one a line, by name, ONS code or DfE number",
            max_chars=20_000,
            key="group_propose_members",
        )
        if st.form_submit_button("Propose the group"):
            done(data_rounds.propose_group(sel.db, viewer, name, members))
    st.subheader("Your authority's proposals")
    widgets.dataframe(view.proposals, key="group_proposals")
