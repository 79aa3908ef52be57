"""Trivial page: 20 paragraphs of markdown (a twentieth of its time is the framework's cost of a
text element: the issue's floor does not count text, this shows what it would add)."""

import streamlit as st

for i in range(20):
    st.markdown(
        f"**Paragraph {i}.** An authority rates itself at the level whose descriptor fits it "
        "best; a strand with a missing dimension has no level, and nothing is ever averaged "
        "over fewer dimensions than the model has."
    )
