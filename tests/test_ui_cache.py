"""ehdmm.ui.cache: one value per arguments, handed out as the same object, dropped with
Streamlit's resource cache; a database problem stops the page with the store's message."""

from __future__ import annotations

import pytest
import streamlit as st

from ehdmm.scoring import Rule
from ehdmm.storage import StoreError
from ehdmm.ui import cache
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views.scope import Scope

CALLS: list[tuple] = []


@cache.cached
def built(a: int, b: str = "x") -> dict:
    CALLS.append((a, b))
    return {"a": a, "b": b}


@cache.cached(max_entries=2)
def few(a: int) -> list[int]:
    CALLS.append((a,))
    return [a]


@cache.cached
def of_scope(scope: Scope) -> list[str]:
    CALLS.append((scope.viewer.role, scope.authority))
    return [scope.viewer.role]


def scope(viewer: Viewer, authority: str = "E06000023") -> Scope:
    return Scope("db", (1.0, 2), viewer, authority, "2026-03", "england", Rule.GATED)


def setup_function() -> None:
    st.cache_resource.clear()
    CALLS.clear()


def test_same_arguments_build_once_and_share_the_object():
    first = built(1)
    assert built(1) is first
    assert CALLS == [(1, "x")]


def test_any_argument_change_builds_again():
    built(1)
    built(2)
    built(1, b="y")
    assert CALLS == [(1, "x"), (2, "x"), (1, "y")]


def test_clearing_streamlits_resource_cache_empties_it():
    built(1)
    st.cache_resource.clear()
    built(1)
    assert CALLS == [(1, "x"), (1, "x")]


def test_entries_beyond_the_limit_are_dropped():
    for a in (1, 2, 3):
        few(a)
    CALLS.clear()
    for a in (1, 2, 3):
        few(a)
    assert len(CALLS) >= 1  # at most two are kept


def test_a_scope_is_a_key_and_viewers_never_share_an_entry():
    authority = Viewer(role="authority", authority_code="E06000023", email="a@bristol.gov.uk")
    national = of_scope(scope(LOCAL_VIEWER))
    own = of_scope(scope(authority))
    assert national == ["national"] and own == ["authority"]
    assert of_scope(scope(LOCAL_VIEWER)) is national
    of_scope(scope(LOCAL_VIEWER, "E08000025"))
    assert len(CALLS) == 3


def test_a_store_error_stops_the_page_with_its_message(monkeypatch):
    shown: list[str] = []

    class Stopped(Exception):
        pass

    def stop() -> None:
        raise Stopped

    monkeypatch.setattr(st, "error", lambda text, **_: shown.append(text))
    monkeypatch.setattr(st, "stop", stop)

    @cache.cached
    def broken() -> None:
        raise StoreError("The database file is damaged: restore a backup.")

    with pytest.raises(Stopped):
        broken()
    assert shown == ["The database file is damaged: restore a backup."]
