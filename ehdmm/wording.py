"""Sentences shared by the pages and the reports, each written once, and the one wording of a
rank (pure Python: no streamlit, no data access)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ehdmm import disclosure
from ehdmm.disclosure import SUPPRESSED

RANKING_CAVEAT = (
    "Levels are self-assessed by each authority against the model: they are not a league table."
)
DEMO_TITLE = "Synthetic demo data."
DEMO_TEXT = (
    "These self-assessments were made by ehdmm's demo generator: they describe no real authority."
)
DEMO_NOTE = f"{DEMO_TITLE} {DEMO_TEXT}"
INDEX_TEXT = (
    "The maturity index is the mean of the dimension levels (1.00 to 4.00) of a complete return; "
    "it orders and spreads authorities out and is not a level."
)


class RankLike(Protocol):
    """What a rank holds (`ehdmm.analysis.core.Rank`): rank 1 is the highest maturity index."""

    rank: int | None
    n: int
    percentile: float | None


@dataclass(frozen=True)
class RankWords:
    """A rank in words: `rank` and `percentile` short (for a metric: '3 of 15', '86th'),
    `sentence` whole ('3 of 15 (percentile 86)')."""

    rank: str
    percentile: str
    sentence: str


PROTECTION_DOCS_ENV = "EHDMM_PROTECTION_URL"
"""Where the protection sentence may link to: a published copy of the README's "Disclosure
control" section. Without it the pages show that section themselves (`protection_section`)."""
README = Path(__file__).resolve().parents[1] / "README.md"
PROTECTION_HEADING = "### Disclosure control"
PROTECTION_END = "Every page that shows protected figures"


def protection_sentence(published_on: str | None, threshold: int = 5) -> str:
    """How figures about other authorities are protected, in one sentence (markdown; no user
    text in it), ending with a link to `EHDMM_PROTECTION_URL` where it is set, else pointing
    to the section the page shows below it."""
    url = os.environ.get(PROTECTION_DOCS_ENV, "").strip()
    source = (
        f"come from the round's publication of {published_on}"
        if published_on
        else "are shown once the national team publishes this round"
    )
    where = f"[how figures are protected]({url})" if url else "see how figures are protected, below"
    return (
        f"Figures about other authorities {source}, counts are perturbed (a 0 means 0 to 2, "
        "any other count is within 2 of the true one), quartiles need 10 other authorities "
        f"and anything over fewer than {threshold} other authorities is suppressed: {where}."
    )


def protection_section(readme: Path = README) -> str | None:
    """The README's "Disclosure control" section (markdown, the project's own text), from its
    heading to the paragraph on this very note; None where the README is not there."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return None
    start = text.find(PROTECTION_HEADING)
    end = text.find(PROTECTION_END, start)
    if start < 0 or end < 0:
        return None
    return text[start + len(PROTECTION_HEADING) : end].strip()


def ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rank_words(rank: RankLike | None, threshold: int | None = None) -> RankWords:
    """The one wording of a rank and percentile in a peer group. `rank` None means disclosure
    control suppressed it (`threshold`, the fewest other members it needs, defaults to the
    configured one); a rank without a position means the authority has no maturity index."""
    if rank is None:
        limit = disclosure.threshold() if threshold is None else threshold
        why = f"shown only when at least {limit} other members of the group have a complete return"
        return RankWords(SUPPRESSED, SUPPRESSED, f"{SUPPRESSED} ({why})")
    if rank.rank is None or rank.percentile is None:
        return RankWords("–", "–", "no rank (incomplete return)")
    position, percentile = f"{rank.rank} of {rank.n}", ordinal(int(rank.percentile + 0.5))
    return RankWords(position, percentile, f"{position} (percentile {percentile})")
