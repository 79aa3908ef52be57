"""The one part of ehdmm that imports streamlit: the shared sidebar (`state`), the pages'
data and views kept between reruns (`data`, through `cache`), the navigation (`nav`) and page
building blocks (`widgets`)."""

from ehdmm.scoring import Rule
from ehdmm.ui.state import Selection, sidebar
from ehdmm.wording import RANKING_CAVEAT

__all__ = ["RANKING_CAVEAT", "Rule", "Selection", "sidebar"]
