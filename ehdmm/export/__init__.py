"""Exports: chart images (`images`), data tables as CSV/XLSX (`tables`), reports and packs.

Functions take data or figures and a format and return bytes (or write a file); the pages and
the CLI both call them.
"""
