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
