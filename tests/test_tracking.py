"""Response tracking: each authority's state from its submission, draft and reopening; counts
per state; the chase list; a role in place of a person for an authority viewer."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ehdmm import tracking
from ehdmm.viewer import LOCAL_VIEWER, Viewer

T = datetime(2026, 3, 10, 9, 0)
LATER = datetime(2026, 3, 12, 9, 0)


def _rows() -> pd.DataFrame:
    def row(code, sub=None, rated=0, draft=None, reopened=None, by="x@national.gov.uk"):
        return {
            "authority_code": code,
            "name": f"Name {code}",
            "region": "North West" if code < "E3" else "London",
            "la_type": "Unitary",
            "submission_id": 1 if sub else None,
            "submitted_at": sub,
            "submitted_by": by if sub else None,
            "source": "form" if sub else None,
            "rated": rated,
            "draft_at": draft,
            "draft_by": "a@la.gov.uk" if draft else None,
            "reopened_at": reopened,
            "reopened_by": "lead@national.gov.uk" if reopened else None,
        }

    return pd.DataFrame(
        [
            row("E1"),
            row("E2", draft=T),
            row("E3", sub=T, rated=5),
            row("E4", sub=T, rated=8),
            row("E5", sub=T, rated=8, reopened=LATER),
            row("E6", sub=LATER, rated=8, reopened=T),
        ]
    )


ROLES = {"a@la.gov.uk": "authority", "x@national.gov.uk": "national"}


def test_states_counts_and_the_chase_list():
    table = tracking.tracking_table(_rows(), dimensions=8, viewer=LOCAL_VIEWER, roles=ROLES)
    assert list(table["State"]) == [
        "not started",
        "draft",
        "submitted incomplete",
        "submitted complete",
        "reopened",  # reopened after its submission: a new one is due
        "submitted complete",  # submitted again after the reopening
    ]
    assert tracking.counts(table) == {
        "not started": 1,
        "draft": 1,
        "submitted incomplete": 1,
        "submitted complete": 2,
        "reopened": 1,
    }
    assert list(table["By"])[4] == "lead@national.gov.uk"
    contacts = pd.DataFrame({"authority_code": ["E2"], "contacts": ["a@la.gov.uk"]})
    chase = tracking.chase_list(table, contacts)
    assert list(chase["ONS code"]) == ["E1", "E2", "E3", "E5"]
    assert list(chase["Contacts"]) == ["", "a@la.gov.uk", "", ""]
    assert list(tracking.filtered(table, ("London",))["ONS code"]) == ["E3", "E4", "E5", "E6"]


def test_an_authority_viewer_gets_its_own_row_with_roles():
    viewer = Viewer(role="authority", authority_code="E2")
    table = tracking.tracking_table(_rows(), dimensions=8, viewer=viewer, roles=ROLES)
    assert list(table["ONS code"]) == ["E2"] and list(table["By"]) == ["authority user"]
    viewer = Viewer(role="authority", authority_code="E5")
    table = tracking.tracking_table(_rows(), dimensions=8, viewer=viewer, roles=ROLES)
    assert list(table["By"]) == ["a user"]  # lead@national.gov.uk is no registered user


def test_respondents_progress_where_respondents_are_in_use():
    progress = pd.DataFrame({"authority_code": ["E3"], "invited": [4], "submitted": [3]})
    table = tracking.tracking_table(
        _rows(), dimensions=8, viewer=LOCAL_VIEWER, roles=ROLES, progress=progress
    )
    assert list(table["Respondents"]) == ["", "", "3 of 4 submitted", "", "", ""]
