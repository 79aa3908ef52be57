"""Summaries of computed levels for the dashboard (pure pandas; no streamlit, no SQL)."""
