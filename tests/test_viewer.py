"""ehdmm.viewer."""

import pytest

from ehdmm.viewer import LOCAL_VIEWER, Viewer


def test_local_viewer_sees_everything():
    assert LOCAL_VIEWER.sees_all and LOCAL_VIEWER.can_see("E06000023")
    assert LOCAL_VIEWER.sql_filter_params == [True, ""]


def test_authority_viewer_sees_only_itself():
    viewer = Viewer(role="authority", authority_code="E06000023")
    assert viewer.can_see("E06000023") and not viewer.can_see("E06000001")
    assert viewer.sql_filter_params == [False, "E06000023"]


def test_bad_viewers_are_refused():
    with pytest.raises(ValueError):
        Viewer(role="authority")
    with pytest.raises(ValueError):
        Viewer(role="admin")  # type: ignore[arg-type]
