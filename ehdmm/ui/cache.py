"""The one caching idiom of the pages: `cached`, Streamlit's resource cache (one object per
key, shared by every session and handed out as it is, never copied), and `guarded`.

The key is the function and its arguments. Loaders take the database path and its last-write
token; views take a `Scope` (database, token, viewer, authority, round, peer group, rule) and
the page's own widget values. So a write to the database, another viewer or another choice
makes a new entry, and what is built for one viewer is never handed to another. What a cached
function returns is shared: whoever shows it must treat it as read-only.

`st.cache_data` is not used: it copies what it returns on every hit (a pickle round trip),
which for a plotly figure means validating it all over again, slower than building it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar, overload

import streamlit as st

from ehdmm.storage import StoreError
from ehdmm.viewer import Viewer
from ehdmm.views.scope import Scope

P = ParamSpec("P")
T = TypeVar("T")

MAX_ENTRIES = 256
# Frozen values of plain fields: their repr is their identity (a hash could collide).
_HASH_FUNCS: dict = {Scope: repr, Viewer: repr}


def register(kind: type) -> None:
    """Key arguments of `kind` (a frozen dataclass of plain fields) by their repr."""
    _HASH_FUNCS[kind] = repr


@overload
def cached(build: Callable[P, T]) -> Callable[P, T]: ...


@overload
def cached(*, max_entries: int = MAX_ENTRIES) -> Callable[[Callable[P, T]], Callable[P, T]]: ...


def cached(build=None, *, max_entries: int = MAX_ENTRIES):
    """Decorator (bare or with `max_entries`): one value per arguments, built once and shared
    (least recently used entries go beyond `max_entries`); a database problem met while
    building shows the store's message and stops the page (see `guarded`)."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        kept = st.cache_resource(
            show_spinner=False, max_entries=max_entries, hash_funcs=_HASH_FUNCS
        )(function)
        wrapper = guarded(kept)
        wrapper.clear = kept.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate(build) if build is not None else decorate


def guarded(load: Callable[P, T]) -> Callable[P, T]:
    """Decorator: a database problem met while a page loads or builds (e.g. a broken block
    found by the first query that reads it) shows the store's message, which says what to do,
    and stops the page, instead of a traceback."""

    @functools.wraps(load)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return load(*args, **kwargs)
        except StoreError as exc:
            st.error(str(exc))
            st.stop()
            raise  # not reached: st.stop() raises

    return wrapper
