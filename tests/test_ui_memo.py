"""ehdmm.ui.memo: built sections are kept per key, shared as the same object, and dropped."""

from __future__ import annotations

import streamlit as st

from ehdmm.ui import memo

CALLS: list[tuple] = []


@memo.section
def built(a: int, b: str = "x") -> dict:
    CALLS.append((a, b))
    return {"a": a, "b": b}


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
    built(1, "y")  # positional and keyword are different keys: built again, never wrong
    assert CALLS == [(1, "x"), (2, "x"), (1, "y"), (1, "y")]


def test_clearing_streamlits_resource_cache_empties_the_store():
    built(1)
    st.cache_resource.clear()
    built(1)
    assert CALLS == [(1, "x"), (1, "x")]


def test_least_recently_used_entries_go_first(monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    built(1)
    built(2)
    built(1)  # 1 is now the most recent
    built(3)  # drops 2
    CALLS.clear()
    built(1)
    built(2)
    assert CALLS == [(2, "x")]
