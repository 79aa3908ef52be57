"""The one part of ehdmm that imports streamlit: the shared sidebar (`state`), cached wrappers
around the domain (`data`) and page building blocks (`widgets`)."""

from ehdmm.ui.state import DEMO_BANNER, RANKING_CAVEAT, Selection, sidebar

__all__ = ["DEMO_BANNER", "RANKING_CAVEAT", "Selection", "sidebar"]
