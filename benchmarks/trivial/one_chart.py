"""Trivial page: draw one ready-made plotly chart (the framework's cost of a chart)."""

import plotly.graph_objects as go
import streamlit as st

FIG = go.Figure(go.Bar(x=["Early", "Developing", "Maturing", "Mature"], y=[12, 40, 61, 26]))
st.plotly_chart(FIG)
