"""Trivial page: 20 checkboxes (a twentieth of its time is the framework's cost of a widget)."""

import streamlit as st

for i in range(20):
    st.checkbox(f"Option {i}", key=f"box{i}")
