"""Review summaries (`ehdmm.export.review`): Word, HTML and a tagged PDF from the report's
renderers, user text kept as plain text."""

from __future__ import annotations

import io
import subprocess

import docx
import pandas as pd
import pytest

from ehdmm.export import review

TYPED = "<b>not bold</b> **nor this** =SUM(A1)"
SUMMARY = review.Review(
    "Response of Ann (Police)",
    ("Bristol, City of, round 2026-03.", "Submitted."),
    (
        ("Levels", pd.DataFrame({"Dimension": ["Casework"], "Level": ["2"], "Evidence": [TYPED]})),
        ("Checklist", pd.DataFrame({"Item": ["Privacy notices"], "In place": ["yes"]})),
    ),
    "2026-03",
)


def test_html_escapes_user_text_and_has_header_cells():
    html = review.review_html(SUMMARY)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold" not in html
    assert '<th scope="col">Evidence</th>' in html and 'lang="en-GB"' in html


def test_word_has_the_title_and_the_tables():
    document = docx.Document(io.BytesIO(review.review_bytes(SUMMARY, "docx")))
    assert document.core_properties.title == "Response of Ann (Police)"
    assert len(document.tables) == 2
    assert document.tables[0].cell(1, 2).text == TYPED


def test_pdf_holds_the_text(tmp_path):
    path = tmp_path / "review.pdf"
    path.write_bytes(review.review_bytes(SUMMARY, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Response of Ann (Police)" in text and "Privacy notices" in text


def test_unknown_format_and_file_names():
    with pytest.raises(ValueError, match="unknown format"):
        review.review_bytes(SUMMARY, "odt")
    assert (
        review.review_file_name(["E06000023", "2026-03", "response 7/x"], "pdf")
        == "E06000023_2026-03_response-7-x_review.pdf"
    )
