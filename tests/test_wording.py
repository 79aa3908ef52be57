"""ehdmm.wording: the shared sentences and the one wording of a rank."""

from __future__ import annotations

import pytest

from ehdmm import disclosure, wording
from ehdmm.analysis.core import Rank


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (100, "100th"),
        (0, "0th"),
    ],
)
def test_ordinal(number, text):
    assert wording.ordinal(number) == text


def test_a_rank_in_words():
    words = wording.rank_words(Rank(3, 15, 85.7))
    assert (words.rank, words.percentile) == ("3 of 15", "86th")
    assert words.sentence == "3 of 15 (percentile 86th)"
    assert Rank(3, 15, 85.7).text == words.sentence  # the same words everywhere


def test_no_index_means_no_rank():
    words = wording.rank_words(Rank(None, 12, None))
    assert (words.rank, words.percentile, words.sentence) == (
        "–",
        "–",
        "no rank (incomplete return)",
    )


def test_a_suppressed_rank_says_why_with_the_configured_threshold(monkeypatch):
    monkeypatch.setenv(disclosure.ENV_THRESHOLD, "8")
    words = wording.rank_words(None)
    assert (words.rank, words.percentile) == ("suppressed", "suppressed")
    assert "at least 8 other members" in words.sentence
    assert "at least 5 other members" in wording.rank_words(None, threshold=5).sentence


def test_the_shared_sentences():
    assert wording.DEMO_NOTE.startswith(wording.DEMO_TITLE)
    assert "not a league table" in wording.RANKING_CAVEAT


def test_the_protection_sentence_points_below_or_links_where_a_url_is_set(monkeypatch):
    monkeypatch.delenv(wording.PROTECTION_DOCS_ENV, raising=False)
    below = wording.protection_sentence("2026-04-01", 5)
    assert below.endswith("see how figures are protected, below.") and "](" not in below
    assert "publication of 2026-04-01" in below and "fewer than 5 other" in below
    monkeypatch.setenv(wording.PROTECTION_DOCS_ENV, "https://example.org/dmm#disclosure")
    linked = wording.protection_sentence(None, 7)
    assert linked.endswith("[how figures are protected](https://example.org/dmm#disclosure).")
    assert "once the national team publishes" in linked and "fewer than 7 other" in linked


def test_the_protection_section_is_the_readme_s_own(tmp_path):
    section = wording.protection_section()
    assert section is not None and section.startswith("Pages never read")
    assert "cell-key method" in section and wording.PROTECTION_END not in section
    assert "\n### " not in section and "\n## " not in section  # one section, no other
    assert wording.protection_section(tmp_path / "missing.md") is None
