"""The view layer: one module per page, each building one frozen view object from a `Scope`
and the round's data (`ehdmm.analysis.rounds.RoundData`). Pages draw a view (through
`ehdmm.ui`); reports are rendered from the same objects, so a number cannot differ between a
page and a report. Free of streamlit: views can be built and tested without it."""

from ehdmm.scoring import Rule
from ehdmm.views.parts import ChartParts
from ehdmm.views.scope import Scope

__all__ = ["ChartParts", "Rule", "Scope"]
