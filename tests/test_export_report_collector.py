"""ehdmm.export.report.collector: the cyclic garbage collector paused for a block, with nested
and concurrent pauses counted, and restored to what it was before the first pause."""

from __future__ import annotations

import gc
import threading

import pytest

from ehdmm.export.report import collector


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_for_the_block_and_back_after():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_after_an_error_in_the_block():
    with pytest.raises(RuntimeError, match="layout failed"), collector.paused():
        raise RuntimeError("layout failed")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one():
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_concurrent_pauses_end_with_the_last_thread():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector.paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collector.paused():
            second_in.set()
            first_out.wait(5)
            seen["while second still paused"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"while second still paused": False}
    assert gc.isenabled()
