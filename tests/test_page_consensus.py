"""AppTest of pages/15_Consensus.py: the lead invites respondents (bad input refused with a
message), sees the spread and the evidence side by side, sets the consensus (starting at the
median rounded down; a different level needs a reason) and submits it as the authority's
return; anyone but the lead sees a note and no response."""

from __future__ import annotations

import re
from pathlib import Path

from test_roles import AUTH

from ehdmm import access, collection, consensus, responses
from ehdmm.assessment import Answer, Draft
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.ui import data_partners
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/15_Consensus.py"
MODEL = load_model()
OWN, ROUND = "E06000023", "2026-03"


def text_of(at) -> str:
    parts = [e.value for e in (*at.info, *at.success, *at.warning, *at.error, *at.caption)]
    parts += [e.value for e in at.markdown] + [str(e.value) for e in at.header]
    return "\n".join(str(p) for p in parts)


def click(at, label: str) -> None:
    at.button[[b.label for b in at.button].index(label)].click().run()
    assert not at.exception, [e.message for e in at.exception]


def invite(at, name: str, role: str, email: str = "") -> None:
    at.text_input(key="invite_name").input(name)
    at.text_input(key="invite_role").input(role)
    at.text_input(key="invite_email").input(email)
    at.button[[b.label for b in at.button].index("Invite")].click().run()


def submit(db: Path, who: responses.Respondent, levels: dict[str, int]) -> None:
    draft = responses.load_response(db, LOCAL_VIEWER, who.id)
    answers = {d: Answer(level=v, evidence=f"{who.name}: {d}") for d, v in levels.items()}
    draft = Draft(OWN, ROUND, answers=answers, revision=draft.revision)
    draft = responses.save_response(db, LOCAL_VIEWER, who.id, draft, actor="t")
    responses.submit_response(db, LOCAL_VIEWER, who.id, draft, actor="t")


def test_the_lead_invites_and_a_duplicate_is_refused(round_db, run_page):
    at = run_page(round_db, authority=OWN)
    assert "No respondent invited yet" in text_of(at)
    invite(at, "Ann", "Police")
    invite(at, "ann", "Health")
    shown = text_of(at)
    assert "already a respondent" in shown and "Not invited" in shown
    invite(at, "Bob", "Health", "not an email")
    assert "is not an email address" in text_of(at)
    table = at.dataframe[0].value
    assert list(table["Name"]) == ["Ann"] and list(table["Response"]) == ["not started"]
    assert "Respondents (0 of 1 submitted)" in text_of(at)


def test_spread_evidence_and_a_consensus_submitted(round_db, run_page):
    people = [
        responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name=n, role_label=r)
        for n, r in (("Ann", "Police"), ("Bob", "Health"), ("Cy", "Data team"))
    ]
    for who, level in zip(people, (1, 2, 4), strict=True):
        submit(round_db, who, {d.id: level for d in MODEL.dimensions})
    at = run_page(round_db, authority=OWN)
    spread = at.dataframe[1].value
    assert list(spread.iloc[0][["1 Early", "2 Developing", "3 Maturing", "4 Mature"]]) == [
        1,
        1,
        0,
        1,
    ]
    assert spread["Disagreement"].iloc[0] == "levels 2 or more apart; no majority"
    evidence = at.dataframe[2].value
    assert list(evidence.columns) == ["Dimension", "Ann (Police)", "Bob (Health)", "Cy (Data team)"]
    level_box = at.selectbox(key=data_partners.consensus_level_key("cba"))
    assert level_box.value == 2  # the median
    level_box.set_value(3).run()
    click(at, "Review and submit the consensus")
    assert "give a reason" in text_of(at)
    with connect(round_db) as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0
    at.text_input(key=data_partners.consensus_reason_key("cba")).input("Costed in 2025").run()
    click(at, "Review and submit the consensus")
    assert "Submit this consensus?" in text_of(at)
    click(at, "Confirm and submit")
    assert "Consensus submitted at " in text_of(at)
    assert not re.search(r"submission \d", text_of(at))  # a date, never an internal id
    record = consensus.consensus_levels(round_db, LOCAL_VIEWER).set_index("dimension_id")
    assert record.loc["cba", ["median_level", "level", "reason"]].tolist() == [
        2,
        3,
        "Costed in 2025",
    ]
    current = at.dataframe[-1].value
    assert list(current.columns) == ["Dimension", "Respondents' median", "Level set", "Reason"]


def test_not_the_lead_sees_a_note_and_no_response(round_db, run_page):
    access.add_user(round_db, "staff@bristol.gov.uk", "authority", OWN, actor="t")
    who = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="Police")
    submit(round_db, who, {d.id: 2 for d in MODEL.dimensions})
    user = {"is_logged_in": True, "email": "staff@bristol.gov.uk"}
    at = run_page(round_db, secrets={"auth": dict(AUTH)}, user=user, authority=OWN)
    shown = text_of(at)
    assert "This page is for the authority's lead" in shown
    assert "Ann" not in shown and not at.dataframe


def test_the_consensus_can_start_from_the_previous_rounds_return(round_db, run_page):
    from ehdmm import assessment
    from ehdmm.storage import reference, write_with_retry

    write_with_retry(round_db, lambda conn: reference.add_round(conn, "2025-03"))
    collection.open_round(round_db, LOCAL_VIEWER, "2025-03", actor="t")  # a past round
    answers = {d.id: Answer(level=4) for d in MODEL.dimensions}
    assessment.submit(round_db, LOCAL_VIEWER, Draft(OWN, "2025-03", answers=answers), actor="t")
    who = responses.invite(round_db, LOCAL_VIEWER, OWN, ROUND, name="Ann", role_label="X")
    submit(round_db, who, {d.id: 2 for d in MODEL.dimensions})
    at = run_page(round_db, authority=OWN)
    at.selectbox(key="assess_round").select(ROUND).run()  # the sidebar's round is 2025-03
    assert at.selectbox(key=data_partners.consensus_level_key("cba")).value == 2
    click(at, "Start from the return of round 2025-03")
    assert at.selectbox(key=data_partners.consensus_level_key("cba")).value == 4
    assert "copied from the return of round 2025-03" in text_of(at)
    click(at, "Review and submit the consensus")
    assert "give a reason" in text_of(at)  # 4 differs from the median 2
