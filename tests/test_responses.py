"""Respondents and their own responses (`ehdmm.responses`): invitations, who sees and edits
which response, saving and submitting through the form's draft, copy forward, progress."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehdmm import access, assessment, collection, responses
from ehdmm.assessment import Answer, Draft, NotAllowed
from ehdmm.model import load_model
from ehdmm.storage import connect, reference, write_with_retry
from ehdmm.viewer import LOCAL_VIEWER, Viewer

OWN, OTHER, ROUND = "E06000023", "E08000035", "2026-03"
MODEL = load_model()


def rated(draft: Draft, level: int, evidence: str = "") -> Draft:
    answers = {d.id: Answer(level=level, evidence=evidence) for d in MODEL.dimensions}
    return Draft(draft.authority_code, draft.round_id, answers=answers, revision=draft.revision)


@pytest.fixture
def partners(round_db):
    """Bristol with a lead and three invited respondents (emails); Leeds with a lead too."""
    access.add_user(round_db, "lead@bristol.gov.uk", "authority", OWN, actor="t", lead=True)
    access.add_user(round_db, "staff@bristol.gov.uk", "authority", OWN, actor="t")
    access.add_user(round_db, "lead@leeds.gov.uk", "authority", OTHER, actor="t", lead=True)
    access.add_user(round_db, "team@communities.gov.uk", "national", None, actor="t")
    lead = access.viewer_for(round_db, "lead@bristol.gov.uk")
    people = [
        responses.invite(
            round_db, lead, OWN, ROUND, name=name, role_label=label, email=f"{name}@partner.org"
        )
        for name, label in (("ann", "Police"), ("bob", "Health"), ("cy", "Data team"))
    ]
    return round_db, lead, people


def as_viewer(db, email: str) -> Viewer:
    viewer = access.viewer_for(db, email)
    assert viewer is not None
    return viewer


def fill(db, who: responses.Respondent, level: int, *, submit: bool = True) -> Draft:
    viewer = as_viewer(db, who.email)
    draft = responses.load_response(db, viewer, who.id)
    draft = responses.save_response(
        db, viewer, who.id, rated(draft, level, f"{who.name} evidence"), actor=who.email
    )
    if submit:
        responses.submit_response(db, viewer, who.id, draft, actor=who.email)
    return draft


def audit_actions(db) -> list[str]:
    return list(access.audit_log(db, LOCAL_VIEWER)["action"])


def test_the_lead_invites_and_every_invitation_is_audited(partners):
    db, lead, _ = partners
    listed = responses.respondents(db, lead, OWN, ROUND)
    assert [(p.email, p.role_label, p.status) for p in listed] == [
        ("ann@partner.org", "Police", "not started"),
        ("bob@partner.org", "Health", "not started"),
        ("cy@partner.org", "Data team", "not started"),
    ]
    assert audit_actions(db).count("respondent.invite") == 3


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("not-an-email", "Dee", "is not an email address"),
        ("ANN@partner.org", "Ann again", "already a respondent"),
        ("", "Dee", "needs an email address"),
        ("dee@partner.org", "   ", "name is empty"),
        ("dee@partner.org", "x" * 101, "over 100 characters"),
    ],
)
def test_a_bad_invitation_is_refused_and_writes_nothing(partners, email, name, message):
    db, lead, _ = partners
    before = audit_actions(db)
    with pytest.raises(ValueError, match=message):
        responses.invite(db, lead, OWN, ROUND, name=name, role_label="Schools", email=email)
    assert len(responses.respondents(db, lead, OWN, ROUND)) == 3
    assert audit_actions(db) == before


def test_local_mode_invites_named_entries_and_refuses_a_duplicate_name(round_db):
    responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann Smith", role_label="Police")
    with pytest.raises(ValueError, match="already a respondent"):
        responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="ann smith", role_label="Other")
    assert [p.name for p in responses.respondents(round_db, LOCAL_VIEWER, OWN, ROUND)] == [
        "Ann Smith"
    ]


@pytest.mark.parametrize(
    "email", ["staff@bristol.gov.uk", "lead@leeds.gov.uk", "team@communities.gov.uk"]
)
def test_only_the_lead_invites_and_lists(partners, email):
    db, _, _ = partners
    viewer = as_viewer(db, email)
    with pytest.raises(NotAllowed):
        responses.invite(db, viewer, OWN, ROUND, name="Eve", role_label="X", email="e@x.org")
    with pytest.raises(NotAllowed):
        responses.respondents(db, viewer, OWN, ROUND)
    with pytest.raises(NotAllowed):
        responses.visible_responses(db, viewer, OWN, ROUND)
    with pytest.raises(NotAllowed):
        responses.response_levels(db, viewer, ROUND, OWN)


def test_a_respondent_signs_in_as_their_authority(partners):
    db, _, people = partners
    viewer = as_viewer(db, "Ann@Partner.org")
    assert (viewer.role, viewer.authority_code) == ("authority", OWN)
    assert [p.id for p in responses.mine(db, viewer)] == [people[0].id]


def test_a_respondent_edits_only_their_own_response(partners):
    db, _, people = partners
    ann, bob = people[0], people[1]
    fill(db, bob, 3, submit=False)
    viewer = as_viewer(db, ann.email)
    with pytest.raises(NotAllowed):
        responses.load_response(db, viewer, bob.id)
    draft = responses.load_response(db, viewer, ann.id)
    with pytest.raises(NotAllowed):
        responses.save_response(db, viewer, bob.id, rated(draft, 1), actor=ann.email)
    bob_view = as_viewer(db, bob.email)
    assert responses.load_response(db, bob_view, bob.id).levels() == dict.fromkeys(
        (d.id for d in MODEL.dimensions), 3
    )


def test_others_responses_are_hidden_until_your_own_is_submitted(partners):
    db, _, people = partners
    ann, bob, _ = people
    fill(db, bob, 3)
    viewer = as_viewer(db, ann.email)
    fill(db, ann, 2, submit=False)
    with pytest.raises(NotAllowed, match="submit your own response first"):
        responses.visible_responses(db, viewer, OWN, ROUND, as_respondent=ann.id)
    draft = responses.load_response(db, viewer, ann.id)
    responses.submit_response(db, viewer, ann.id, draft, actor=ann.email)
    seen, content = responses.visible_responses(db, viewer, OWN, ROUND, as_respondent=ann.id)
    assert [p.name for p in seen] == ["ann", "bob"]
    assert set(content["ratings"]["evidence"]) == {"ann evidence", "bob evidence"}
    with pytest.raises(NotAllowed):  # another authority's, by parameter
        responses.visible_responses(db, viewer, OTHER, ROUND, as_respondent=ann.id)


def test_a_submitted_response_is_read_only_and_audited(partners):
    db, _, people = partners
    ann = people[0]
    fill(db, ann, 2)
    viewer = as_viewer(db, ann.email)
    draft = responses.load_response(db, viewer, ann.id)
    with pytest.raises(responses.ResponseConflict, match="has been submitted"):
        responses.save_response(db, viewer, ann.id, rated(draft, 4), actor=ann.email)
    assert audit_actions(db).count("response.submit") == 1


def test_an_incomplete_response_is_not_submitted(partners):
    db, _, people = partners
    ann = people[0]
    viewer = as_viewer(db, ann.email)
    draft = responses.load_response(db, viewer, ann.id).with_answer("casework", level=2)
    draft = responses.save_response(db, viewer, ann.id, draft, actor=ann.email)
    with pytest.raises(assessment.SubmitRefused, match="Rate every dimension"):
        responses.submit_response(db, viewer, ann.id, draft, actor=ann.email)
    assert responses.mine(db, viewer)[0].status == "draft"


def test_a_closed_round_refuses_a_response_until_reopened_for_the_authority(partners):
    db, _, people = partners
    ann = people[0]
    viewer = as_viewer(db, ann.email)
    draft = fill(db, ann, 2, submit=False)
    collection.close_round(db, LOCAL_VIEWER, ROUND, actor="t")
    with pytest.raises(assessment.SubmitRefused, match=f"Round {ROUND} is closed"):
        responses.submit_response(db, viewer, ann.id, draft, actor=ann.email)
    assert responses.mine(db, viewer)[0].status == "draft"  # nothing written, draft kept
    assert responses.load_response(db, viewer, ann.id).levels() == draft.levels()
    assert "response.submit" not in audit_actions(db)
    collection.reopen_for(
        db, LOCAL_VIEWER, ROUND, OWN, reason="late partner", actor="t", authority_name="Bristol"
    )
    responses.submit_response(db, viewer, ann.id, draft, actor=ann.email)
    assert responses.mine(db, viewer)[0].status == "submitted"


def test_a_planned_round_refuses_a_response(round_db):
    later = date.today() + timedelta(days=30)
    collection.create_round(
        round_db, LOCAL_VIEWER, "2027-03", opens=later, closes=later + timedelta(days=30), actor="t"
    )
    future = responses.invite(round_db, LOCAL_VIEWER, OWN, "2027-03", name="Di", role_label="X")
    draft = responses.load_response(round_db, LOCAL_VIEWER, future.id)
    draft = responses.save_response(round_db, LOCAL_VIEWER, future.id, rated(draft, 1), actor="t")
    assert collection.state_of_round(round_db, "2027-03") == "planned"
    with pytest.raises(assessment.SubmitRefused, match="Round 2027-03 is not open yet"):
        responses.submit_response(round_db, LOCAL_VIEWER, future.id, draft, actor="t")


def test_a_stale_copy_is_refused(partners):
    db, _, people = partners
    ann = people[0]
    viewer = as_viewer(db, ann.email)
    first = responses.load_response(db, viewer, ann.id)
    responses.save_response(db, viewer, ann.id, first.with_answer("cba", level=1), actor="a")
    with pytest.raises(responses.ResponseConflict, match="another window"):
        responses.save_response(db, viewer, ann.id, first.with_answer("cba", level=2), actor="a")
    assert responses.load_response(db, viewer, ann.id).levels() == {"cba": 1}


def test_drafts_persist_across_sessions(partners):
    db, _, people = partners
    ann = people[0]
    viewer = as_viewer(db, ann.email)
    draft = responses.load_response(db, viewer, ann.id).with_answer(
        "training", evidence='=HYPERLINK("x") typed, not evaluated'
    )
    responses.save_response(db, viewer, ann.id, draft, actor="a")
    again = responses.load_response(db, as_viewer(db, ann.email), ann.id)
    assert again.answer("training").evidence == '=HYPERLINK("x") typed, not evaluated'
    assert again.submission_id == ann.id


def test_copy_forward_from_the_previous_round(round_db):
    write_with_retry(round_db, lambda conn: reference.add_round(conn, "2025-03"))
    collection.open_round(round_db, LOCAL_VIEWER, "2025-03", actor="t")  # a past round
    old = responses.invite(round_db, LOCAL_VIEWER, OWN, "2025-03", name="Ann", role_label="Police")
    draft = responses.load_response(round_db, LOCAL_VIEWER, old.id)
    ticked = rated(draft, 2, "last year").with_answer("cba", ticks=frozenset({(1, 0)}))
    ticked = responses.save_response(round_db, LOCAL_VIEWER, old.id, ticked, actor="t")
    responses.submit_response(round_db, LOCAL_VIEWER, old.id, ticked, actor="t")
    new = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="ann", role_label="police")
    assert responses.previous_source(round_db, LOCAL_VIEWER, new.id) == ("response", "2025-03")
    copied = responses.copy_forward(round_db, LOCAL_VIEWER, new.id, actor="t")
    loaded = responses.load_response(round_db, LOCAL_VIEWER, new.id)
    assert loaded.answers == copied.answers
    assert loaded.answer("cba").ticks == frozenset({(1, 0)})
    assert loaded.answer("casework").evidence == "last year"
    (entry,) = [p for p in responses.mine(round_db, LOCAL_VIEWER) if p.id == new.id]
    assert (entry.status, entry.copied_from) == ("draft", "2025-03")
    with pytest.raises(ValueError, match="already started"):
        responses.copy_forward(round_db, LOCAL_VIEWER, new.id, actor="t")


def test_copy_forward_from_the_authority_return(round_db):
    write_with_retry(round_db, lambda conn: reference.add_round(conn, "2025-03"))
    collection.open_round(round_db, LOCAL_VIEWER, "2025-03", actor="t")  # a past round
    returned = rated(Draft(OWN, "2025-03"), 3, "the return")
    assessment.submit(round_db, LOCAL_VIEWER, returned, actor="t")
    new = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Bob", role_label="Health")
    assert responses.previous_source(round_db, LOCAL_VIEWER, new.id) == ("return", "2025-03")
    responses.copy_forward(round_db, LOCAL_VIEWER, new.id, actor="t")
    loaded = responses.load_response(round_db, LOCAL_VIEWER, new.id)
    assert set(loaded.levels().values()) == {3}
    other = responses.invite(round_db, LOCAL_VIEWER, OTHER, ROUND, name="Cy", role_label="X")
    with pytest.raises(ValueError, match="no earlier response or return"):
        responses.copy_forward(round_db, LOCAL_VIEWER, other.id, actor="t")


def test_progress_counts_invited_and_submitted(partners):
    db, _, people = partners
    fill(db, people[0], 2)
    fill(db, people[1], 3, submit=False)
    progress = responses.respondents_progress(db, LOCAL_VIEWER)
    assert progress.to_dict("records") == [
        {"authority_code": OWN, "round_id": ROUND, "invited": 3, "submitted": 1}
    ]
    leeds = as_viewer(db, "lead@leeds.gov.uk")
    assert responses.respondents_progress(db, leeds).empty


def test_responses_never_count_in_benchmarks(partners):
    db, _, people = partners
    for who in people:
        fill(db, who, 2)
    with connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM submissions").fetchone()
    assert count == 0
