"""Queries (moderation): the national team raises a query on a submitted rating and resolves
it; an authority user answers its own (after submitting a revised return on the Assess page,
if it wants one). A query never changes a level by itself."""

import streamlit as st

from ehdmm.ui import data_rounds, sidebar, widgets
from ehdmm.views import queries

st.set_page_config(page_title="Queries · ehdmm", layout="wide")
sel = sidebar()

st.title("Queries")
st.caption(
    "A query asks about one submitted rating. It never changes a level: benchmarks use the "
    "authority's own submitted levels, also while a query is open. Each query is open, "
    "answered or resolved."
)
if not sel.rounds or sel.round_id is None:
    st.info("No self-assessments have been submitted yet: there is nothing to query.")
    st.stop()
data_rounds.show_outcome("queries_outcome")
view = data_rounds.queries_view(sel.db, sel.token, sel.viewer, sel.round_id)


def done(outcome: tuple[str, str]) -> None:
    data_rounds.finish("queries_outcome", outcome)


who = "every authority" if view.national else "your authority"
st.subheader(f"Queries in round {view.round_id} ({who})")
st.caption(queries.counts_text(view.counts))
if view.table.empty:
    st.caption("No queries in this round.")
widgets.table_with_download(
    view.table,
    stem=f"ehdmm_{view.round_id}_queries",
    key="queries_table",
    column_config={
        "Authority": st.column_config.TextColumn(pinned=True),
        "Raised": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    },
)

if view.national:
    raise_tab, resolve_tab = st.tabs(["Raise a query", "Resolve"])
    with raise_tab, st.form("query_raise"):
        q1, q2 = st.columns(2)
        code = q1.selectbox(
            "Authority",
            list(view.authorities),
            format_func=view.authorities.get,
            index=None,
            placeholder="Search by name or ONS code",
            key="query_authority",
        )
        dim = q2.selectbox(
            "Dimension", list(view.dimensions), format_func=view.dimensions.get, key="query_dim"
        )
        question = st.text_area("Question", max_chars=4000, key="query_question")
        level = st.selectbox(
            "Suggested level (optional)",
            list(view.levels),
            format_func=view.levels.get,
            index=None,
            key="query_level",
        )
        if st.form_submit_button("Raise the query"):
            if code:
                done(data_rounds.raise_query(sel, code, dim, question, level))
            st.error("Choose an authority: nothing was written.")
    with resolve_tab, st.form("query_resolve"):
        chosen = st.selectbox(
            "Query",
            list(view.resolvable),
            format_func=view.resolvable.get,
            index=None,
            key="query_to_resolve",
        )
        resolution = st.text_area("Resolution", max_chars=4000, key="query_resolution")
        if st.form_submit_button("Resolve the query"):
            if chosen:
                done(data_rounds.resolve_query(sel, chosen, resolution))
            st.error("Choose a query: nothing was written.")
else:
    st.subheader("Answer a query")
    st.caption(
        "To revise a rating, submit a revised return on the Assess page first: the answer then "
        "records it."
    )
    with st.form("query_answer"):
        chosen = st.selectbox(
            "Open query",
            list(view.answerable),
            format_func=view.answerable.get,
            index=None,
            key="query_to_answer",
        )
        answer = st.text_area("Answer", max_chars=4000, key="query_answer_text")
        if st.form_submit_button("Send the answer"):
            if chosen:
                done(data_rounds.answer_query(sel, chosen, answer))
            st.error("Choose an open query: nothing was written.")
