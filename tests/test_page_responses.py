"""AppTest of pages/14_Responses.py: a respondent fills in their own response with the Assess
page's form (saved as they go), reviews it and submits it; the others' responses appear only
after their own is submitted; copy forward; a signed-in respondent sees only their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_roles import AUTH

from ehdmm import access, assessment, collection, responses
from ehdmm.assessment import Answer, Draft
from ehdmm.model import load_model
from ehdmm.storage import reference, write_with_retry
from ehdmm.ui import data_assess as keys
from ehdmm.ui import data_partners
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/14_Responses.py"
MODEL = load_model()
OWN, ROUND = "E06000023", "2026-03"


def text_of(at) -> str:
    parts = [e.value for e in (*at.info, *at.success, *at.warning, *at.error, *at.caption)]
    parts += [e.value for e in at.markdown]
    parts += [str(e.value) for e in at.subheader] + [str(e.value) for e in at.header]
    return "\n".join(str(p) for p in parts)


def submit_full(db: Path, who: responses.Respondent, level: int, viewer=LOCAL_VIEWER) -> None:
    draft = responses.load_response(db, viewer, who.id)
    answers = {d.id: Answer(level=level, evidence=f"{who.name} saw it") for d in MODEL.dimensions}
    draft = Draft(OWN, ROUND, answers=answers, revision=draft.revision)
    draft = responses.save_response(db, viewer, who.id, draft, actor="t")
    responses.submit_response(db, viewer, who.id, draft, actor="t")


def test_no_invitation_says_so(round_db, run_page):
    at = run_page(round_db)
    assert "You have no invitation to respond" in text_of(at)


def test_a_respondent_fills_reviews_and_submits(round_db, run_page):
    ann = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="Police")
    bob = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Bob", role_label="Health")
    submit_full(round_db, bob, 3)
    at = run_page(round_db)
    at.selectbox(key=data_partners.ENTRY_KEY).set_value(ann.id).run()
    assert "Ann (Police)" in text_of(at)
    assert "Bob saw it" not in str([d.value for d in at.dataframe])  # not before own submit
    for dimension in MODEL.dimensions:
        at.radio(key=keys.level_key(dimension.id)).set_value(2).run()
    at.text_area(key=keys.evidence_key("cba")).input("Our costings, <b>plain</b>").run()
    saved = responses.load_response(round_db, LOCAL_VIEWER, ann.id)
    assert set(saved.levels().values()) == {2}
    assert saved.answer("cba").evidence == "Our costings, <b>plain</b>"
    at.button[[b.label for b in at.button].index("Review and submit the response")].click().run()
    assert "Review your whole response" in text_of(at)
    review = at.dataframe[0].value
    assert list(review["Level"]) == ["2 Developing"] * 8
    assert [b.label for b in at.get("download_button")][:2] == [
        "Review summary (PDF)",
        "Review summary (Word)",
    ]
    at.button[[b.label for b in at.button].index("Confirm and submit")].click().run()
    assert not at.exception
    (entry,) = [e for e in responses.mine(round_db, LOCAL_VIEWER) if e.id == ann.id]
    assert entry.status == "submitted"
    shown = text_of(at)
    assert "You submitted this response" in shown and "All submitted responses (2)" in shown
    evidence = [d.value for d in at.dataframe][-1]
    assert list(evidence.columns) == ["Dimension", "Police", "Health"]
    assert evidence["Health"].iloc[0] == "3 Maturing: Bob saw it"


def test_a_closed_round_refuses_the_submission_and_keeps_the_draft(round_db, run_page):
    ann = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="Police")
    responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Bob", role_label="Health")
    at = run_page(round_db)
    at.selectbox(key=data_partners.ENTRY_KEY).set_value(ann.id).run()
    for dimension in MODEL.dimensions:
        at.radio(key=keys.level_key(dimension.id)).set_value(2).run()
    collection.close_round(round_db, LOCAL_VIEWER, ROUND, actor="t")
    at.button[[b.label for b in at.button].index("Review and submit the response")].click().run()
    at.button[[b.label for b in at.button].index("Confirm and submit")].click().run()
    assert not at.exception
    assert f"Round {ROUND} is closed" in text_of(at)
    (entry,) = [e for e in responses.mine(round_db, LOCAL_VIEWER) if e.id == ann.id]
    assert entry.status == "draft"
    assert set(responses.load_response(round_db, LOCAL_VIEWER, ann.id).levels().values()) == {2}


def test_copy_forward_offered_and_marked(round_db, run_page):
    write_with_retry(round_db, lambda conn: reference.add_round(conn, "2025-03"))
    collection.open_round(round_db, LOCAL_VIEWER, "2025-03", actor="t")  # a past round
    answers = {d.id: Answer(level=3, evidence="last year") for d in MODEL.dimensions}
    assessment.submit(round_db, LOCAL_VIEWER, Draft(OWN, "2025-03", answers=answers), actor="t")
    responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="Police")
    at = run_page(round_db)
    label = "Start from the authority's return of round 2025-03"
    at.button[[b.label for b in at.button].index(label)].click().run()
    shown = text_of(at)
    assert "This draft was started from round 2025-03" in shown
    assert at.radio(key=keys.level_key("cba")).value == 3
    assert at.text_area(key=keys.evidence_key("cba")).value == "last year"


def test_a_signed_in_respondent_sees_only_their_own(round_db, run_page):
    access.add_user(round_db, "lead@bristol.gov.uk", "authority", OWN, actor="t", lead=True)
    lead = access.viewer_for(round_db, "lead@bristol.gov.uk")
    ann = responses.invite(
        round_db, lead, OWN, ROUND, name="Ann", role_label="Police", email="ann@police.uk"
    )
    bob = responses.invite(
        round_db, lead, OWN, ROUND, name="Bob", role_label="Health", email="bob@nhs.uk"
    )
    submit_full(round_db, bob, 3, access.viewer_for(round_db, "bob@nhs.uk"))
    user = {"is_logged_in": True, "email": "ann@police.uk"}
    at = run_page(round_db, secrets={"auth": dict(AUTH)}, user=user)
    assert data_partners.ENTRY_KEY not in [w.key for w in at.selectbox]  # one: no chooser
    shown = text_of(at)
    assert "Ann (Police)" in shown and "Bob" not in shown
    assert "Bob saw it" not in str([d.value for d in at.dataframe])
    del ann


@pytest.mark.parametrize("entry", [10_000, -1])
def test_a_foreign_or_unknown_entry_in_state_falls_back_to_ones_own(round_db, run_page, entry):
    responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="Police")
    at = run_page(round_db)
    at.session_state[data_partners.ENTRY_KEY] = entry
    at.run()
    assert "Ann (Police)" in text_of(at)
