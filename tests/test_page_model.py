"""AppTest of pages/6_The_model.py: the whole model, as loaded from its file, is on the page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ehdmm.model import load_model

PAGE = "pages/6_The_model.py"
MODEL = load_model()
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning")


def page_text(at: AppTest) -> str:
    """Everything the page shows as text: text elements, tables, dataframes and tab labels."""
    parts: list[str] = []
    for kind in TEXT_ELEMENTS:
        parts.extend(str(element.value) for element in at.get(kind))
    for kind in ("table", "dataframe"):
        for element in at.get(kind):
            parts.append(element.value.to_csv(index=False))
    parts.extend(tab.label for tab in at.tabs)
    return "\n".join(parts)


@pytest.fixture
def text(demo_db, run_page) -> str:
    return page_text(run_page(demo_db))


def test_every_descriptor_is_on_the_page(text):
    descriptors = [d.descriptor(level.number) for d in MODEL.dimensions for level in MODEL.levels]
    assert len(descriptors) == 32
    missing = [d[:60] for d in descriptors if d not in text]
    assert not missing


def test_title_publisher_licence_and_introduction(text):
    for piece in (
        MODEL.title,
        MODEL.publisher,
        MODEL.published,
        MODEL.licence_note,
        *MODEL.introduction,
    ):
        assert piece in text


def test_checklist_case_studies_and_measures(text):
    assert MODEL.checklist_intro in text
    assert len(MODEL.checklist) == 6
    for item in MODEL.checklist:
        assert item.text in text
    assert len(MODEL.case_studies) == 5
    for study in MODEL.case_studies:
        assert study.authority in text and study.text in text
    for strand in MODEL.strands:
        assert strand.name in text and strand.measures in text
        for fragment in strand.measures_fragments:
            assert f"“{fragment}”" in text
    incomplete = [s for s in MODEL.strands if s.measures_incomplete]
    assert incomplete and "cannot be read" in text


def test_levels_overview_with_its_column_labels(text):
    for level in MODEL.levels:
        assert f"{level.number} {level.name}" in text
        for bullets in level.overview.values():
            for bullet in bullets:
                assert bullet in text
    for label in MODEL.overview_columns.values():
        assert label in text
    assert "cut short" in text  # the one overview column flagged incomplete


def test_corrections_are_listed(text):
    assert MODEL.corrections
    for correction in MODEL.corrections:
        assert f"“{correction.from_text}” → “{correction.to_text}”" in text
        assert correction.where in text


def test_the_page_works_without_any_submission(empty_db, run_page):
    at = run_page(empty_db)
    text = page_text(at)
    assert MODEL.dimensions[0].descriptor(1) in text
    assert not any("Synthetic demo data" in w.value for w in at.warning)
    assert [s.label for s in at.sidebar.selectbox][:1] == ["Authority"]
