"""Figures: pure functions from tidy DataFrames to plotly figures, one theme (`theme`)."""
