"""The navigation, drawn once at the top of every page's sidebar with `st.page_link` (the
pages keep the classic `pages/` folder, so a deep link to any page works on a fresh server;
Streamlit's own page list is hidden by `client.showSidebarNavigation = false`): "Home", then
the pages in groups, each shown only to a viewer who may use it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.navigation.page import StreamlitPage

from ehdmm.viewer import Viewer


@dataclass(frozen=True)
class Link:
    path: str  # relative to the app's folder
    label: str
    national_only: bool = False


HOME = Link("app.py", "Home")
GROUPS: dict[str, tuple[Link, ...]] = {
    "Benchmarking": (
        Link("pages/2_Authority_profile.py", "Authority profile"),
        Link("pages/3_Peer_benchmark.py", "Peer benchmark"),
        Link("pages/4_Compare.py", "Compare", national_only=True),
        Link("pages/10_Reports.py", "Reports"),
    ),
    "Assessment": (
        Link("pages/6_The_model.py", "The model"),
        Link("pages/7_Assess.py", "Assess"),
        Link("pages/8_Upload.py", "Upload", national_only=True),
        Link("pages/9_History.py", "History"),
        # targets and improvement plans
        Link("pages/13_Plan.py", "Plan"),
        # several respondents per authority
        Link("pages/14_Responses.py", "Your response"),
        Link("pages/15_Consensus.py", "Consensus"),
        # running a round
        Link("pages/17_Tracking.py", "Tracking"),
        Link("pages/18_Queries.py", "Queries"),
        Link("pages/19_Groups.py", "Groups"),
    ),
    "National": (
        Link("pages/1_Overview.py", "Overview", national_only=True),
        Link("pages/5_Trends.py", "Trends", national_only=True),
        Link("pages/11_Audit.py", "Audit", national_only=True),
        Link("pages/12_Publication.py", "Publication", national_only=True),
        # several respondents per authority
        Link("pages/16_Contested.py", "How contested"),
        Link("pages/20_Users.py", "Users", national_only=True),
        Link("pages/21_Rounds.py", "Rounds", national_only=True),
    ),
}


def links_for(viewer: Viewer) -> dict[str, tuple[Link, ...]]:
    """The groups of links the viewer may use (a group left empty is left out)."""
    shown = {
        group: tuple(link for link in links if viewer.sees_all or not link.national_only)
        for group, links in GROUPS.items()
    }
    return {group: links for group, links in shown.items() if links}


_PAGES: dict[str, StreamlitPage] = {}


def _page(link: Link) -> StreamlitPage:
    """The page object of a link, made once per process: a link to it then costs no path
    resolution (a link given by path resolves the path on every run)."""
    if link.path not in _PAGES:
        _PAGES[link.path] = st.Page(link.path, title=link.label, default=link is HOME)
    return _PAGES[link.path]


def navigation(viewer: Viewer) -> None:
    """Draw the links in the sidebar. Nothing is drawn where the pages are not registered (a
    page run on its own, as in tests)."""
    with st.sidebar:
        try:  # by path: fails where the home page is not registered
            st.page_link(HOME.path, label=HOME.label)
        except StreamlitPageNotFoundError:
            return
        for group, links in links_for(viewer).items():
            st.caption(group)
            for link in links:
                st.page_link(_page(link), label=link.label)
