"""Built page sections (figures, tables, summaries) kept between reruns and sessions.

`st.cache_data` copies what it returns (a pickle round trip), which for a plotly figure means
validating it all over again: slower than building it. A section here is built once per key
and handed out as the same object, so it must be treated as read-only by whoever shows it.

The key is the builder's name and its arguments. Builders take the page's `Selection`
(database, its last-write token, the viewer, round, peer group, rule, authority) and the page's
own widget values, so a write to the database, a different viewer or a different choice makes a
new entry; what is built for one viewer is never handed to another.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

import streamlit as st

from ehdmm.storage import StoreError

P = ParamSpec("P")
T = TypeVar("T")

MAX_ENTRIES = 256
_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store() -> OrderedDict[Hashable, object]:
    """One store per process; `st.cache_resource.clear()` empties it with the other caches."""
    return OrderedDict()


def section(build: Callable[P, T]) -> Callable[P, T]:
    """Decorator: memoise a section builder on (name, args, kwargs); every argument must be
    hashable. Least recently used entries go first beyond MAX_ENTRIES."""
    name = f"{build.__module__}.{build.__qualname__}"

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        key = (name, args, tuple(sorted(kwargs.items())))
        store = _store()
        with _LOCK:
            if key in store:
                store.move_to_end(key)
                return store[key]  # type: ignore[return-value]
        value = guarded(build)(*args, **kwargs)
        with _LOCK:
            store[key] = value
            store.move_to_end(key)
            while len(store) > MAX_ENTRIES:
                store.popitem(last=False)
        return value

    return wrapper


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
