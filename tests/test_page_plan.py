"""The Plan page (AppTest): what it shows, targets and actions saved as the user goes, a new
session finding the plan as it was left, errors named and nothing written, read-only for the
national team, an XLSX plan imported after a preview."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ehdmm import access, plans
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.viewer import LOCAL_VIEWER

PAGE = "pages/13_Plan.py"
LEEDS = "E08000035"
MODEL = load_model()
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-tests",
    "client_id": "ehdmm-tests",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def texts(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.text]
        + [e.value for e in at.markdown]
        + [e.value for e in at.caption]
        + [e.value for e in at.info]
        + [e.value for e in at.error]
        + [e.value for e in at.success]
    )


def _open_dimension(db) -> tuple[str, int]:
    plan = plans.read_plan(db, LOCAL_VIEWER, LEEDS)
    return next((d, lv) for d, lv in plan.levels.items() if lv < 4)


def _counts(db) -> tuple[int, int]:
    with connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("targets", "plan_actions")
        )


def test_shows_every_dimension_with_level_and_target(demo_db, run_page):
    at = run_page(demo_db, authority=LEEDS)
    assert at.title[0].value == "Plan: Leeds"
    assert [s.value for s in at.subheader] == [d.name for d in MODEL.dimensions]
    plan = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS)
    shown = texts(at)
    for dim in MODEL.dimensions:
        level = plan.levels[dim.id]
        assert f"Level now: {MODEL.level_names[level]} · target: no target" in shown
    assert "No targets set yet." in shown
    overview = overview_of(at)  # the demo's targets of other authorities, counted
    with connect(demo_db) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM targets WHERE superseded_by IS NULL"
        ).fetchone()
    assert overview["Targets"].sum() == count > 0
    (met,) = [d.value for d in at.dataframe if "Met" in d.value.columns]
    assert met["Round"].tolist() == ["2025-03", "2026-03"]  # the demo's were set in 2024-03
    counted = met.drop(columns="Round").sum(axis=1).tolist()
    assert counted == [count, count]


def test_a_demo_plan_is_shown(demo_db, run_page):
    with connect(demo_db) as conn:
        code, _, level, by, title = conn.execute(
            "SELECT t.authority_code, t.dimension_id, t.target_level, t.target_round, a.title "
            "FROM targets t JOIN plan_actions a USING (authority_code, dimension_id) "
            "ORDER BY t.authority_code, t.dimension_id LIMIT 1"
        ).fetchone()
    at = run_page(demo_db, authority=code)
    assert f"target: {MODEL.level_names[level]} by {by}" in texts(at)
    assert title in [e.label.split(" (")[0] for e in at.expander]
    assert at.dataframe[0].value["By round"].tolist()  # progress against the demo targets


def test_set_a_target_then_a_bad_one(demo_db, run_page):
    dim, level = _open_dimension(demo_db)
    at = run_page(demo_db, authority=LEEDS)
    at.selectbox(key=f"plan_target_level_{dim}").set_value(level + 1)
    at.text_input(key=f"plan_target_round_{dim}").input("2027-03")
    form_button(at, dim).click().run()
    assert not at.exception
    name = MODEL.level_names[level + 1]
    assert f"target saved ({name} by 2027-03)" in texts(at)
    assert f"target: {name} by 2027-03" in texts(at)
    progress = at.dataframe[0].value
    assert progress["Progress"].tolist() == ["on track"] and progress["Level"].tolist() == [level]
    before = _counts(demo_db)
    at.text_input(key=f"plan_target_round_{dim}").input("2026-03")
    form_button(at, dim).click().run()
    assert "must be later than the current round 2026-03" in texts(at)
    assert _counts(demo_db) == before
    log = access.audit_log(demo_db, LOCAL_VIEWER)
    assert (log["action"] == "plan.target").sum() == 1


def form_button(at: AppTest, dim: str):
    """The 'Save the target' button of a dimension's form."""
    buttons = [b for b in at.button if b.label == "Save the target"]
    index = [d.id for d in MODEL.dimensions].index(dim)
    return buttons[index]


def add_button(at: AppTest, dim: str):
    buttons = [b for b in at.button if b.label == "Add the action"]
    return buttons[[d.id for d in MODEL.dimensions].index(dim)]


def test_actions_are_saved_as_you_go_and_found_by_a_new_session(demo_db, run_page):
    dim, _ = _open_dimension(demo_db)
    at = run_page(demo_db, authority=LEEDS)
    at.text_input(key=f"plan_new_{dim}_title").input("Map our data flows")
    label = next(iter(at.multiselect(key=f"plan_new_{dim}_statements").options))
    at.multiselect(key=f"plan_new_{dim}_statements").select(label)
    at.text_input(key=f"plan_new_{dim}_owner").input("Head of Early Help")
    add_button(at, dim).click().run()
    assert not at.exception
    assert f"{MODEL.dimension(dim).name}: action added." in texts(at)
    (action,) = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS).actions.itertuples()
    aid = action.action_id
    assert at.text_input(key=f"plan_{aid}_title").value == "Map our data flows"
    # an edit is saved on the next run, without a button
    at.text_input(key=f"plan_{aid}_title").input("Map *all* our <b>data</b> flows").run()
    at.selectbox(key=f"plan_{aid}_status").set_value("in progress").run()
    stored = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS).actions.iloc[0]
    assert stored["title"] == "Map *all* our <b>data</b> flows"
    assert stored["status"] == "in progress"
    # a new session finds the plan as it was left
    again = run_page(demo_db, authority=LEEDS)
    assert again.text_input(key=f"plan_{aid}_title").value == "Map *all* our <b>data</b> flows"
    assert again.selectbox(key=f"plan_{aid}_status").value == "in progress"
    assert again.text_input(key=f"plan_{aid}_owner").value == "Head of Early Help"
    # the expander's label is markdown: the title in it is escaped, shown as typed
    (label,) = [e.label for e in again.expander if "our" in e.label]
    assert label == "Map \\*all\\* our \\<b\\>data\\</b\\> flows (in progress)"
    table = again.dataframe[0].value  # the whole plan (no targets: no progress table)
    assert table["Action"].tolist() == ["Map *all* our <b>data</b> flows"]  # plain text


def test_an_emptied_title_is_refused_and_kept_stored(demo_db, run_page):
    dim, _ = _open_dimension(demo_db)
    statement = MODEL.dimension(dim).statements[4][0]
    action = plans.Action.checked(MODEL, dim, "Keep me", [statement])
    aid = plans.save_action(demo_db, LOCAL_VIEWER, "me", LEEDS, action)
    at = run_page(demo_db, authority=LEEDS)
    before = _counts(demo_db)
    at.text_input(key=f"plan_{aid}_title").input("  ").run()
    assert "title is empty" in texts(at) and "Not saved." in texts(at)
    assert _counts(demo_db) == before
    assert plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS).actions["title"].tolist() == ["Keep me"]


def test_national_user_reads_only(demo_db, run_page):
    access.add_user(demo_db, "lead@communities.gov.uk", "national", None, actor="t")
    dim, level = _open_dimension(demo_db)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", LEEDS, dim, level + 1, "2027-03")
    statement = MODEL.dimension(dim).statements[4][0]
    plans.save_action(
        demo_db, LOCAL_VIEWER, "me", LEEDS, plans.Action.checked(MODEL, dim, "Do it", [statement])
    )
    at = run_page(
        demo_db,
        authority=LEEDS,
        secrets={"auth": AUTH},
        user={"is_logged_in": True, "email": "lead@communities.gov.uk"},
    )
    assert "The national team reads plans" in texts(at)
    assert not [b for b in at.button if b.label in ("Save the target", "Add the action")]
    assert not at.text_input and not at.get("file_uploader")
    assert f"Works towards: {statement}" in texts(at)
    assert at.dataframe[0].value["Progress"].tolist() == ["on track"]


def test_download_button_gives_the_plan_workbook(demo_db, run_page):
    at = run_page(demo_db, authority=LEEDS)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the plan (XLSX: Targets and Actions)" in labels
    assert at.get("file_uploader")  # the import (AppTest cannot upload: see test_plan_workbook)


def test_progress_and_overview_after_targets(demo_db, run_page):
    authority = LEEDS
    dim, level = _open_dimension(demo_db)
    plans.set_target(demo_db, LOCAL_VIEWER, "me", authority, dim, level + 1, "2027-03")
    at = run_page(demo_db, authority=authority)
    overview = overview_of(at)
    assert overview["Targets"].sum() >= 1
    assert f"{level + 1} {MODEL.level_names[level + 1]}" in overview["Target level"].tolist()


def overview_of(at):
    """The table of targets across authorities (by round and level)."""
    (found,) = [d.value for d in at.dataframe if "Target level" in d.value.columns]
    return found


def test_a_change_made_elsewhere_is_reloaded_never_overwritten(demo_db, run_page):
    dim, _ = _open_dimension(demo_db)
    statement = MODEL.dimension(dim).statements[4][0]
    first = plans.Action.checked(MODEL, dim, "First title", [statement])
    aid = plans.save_action(demo_db, LOCAL_VIEWER, "me", LEEDS, first)
    at = run_page(demo_db, authority=LEEDS)  # this session loads 'First title'
    other = plans.Action.checked(MODEL, dim, "Set in another session", [statement], "Lead")
    plans.save_action(demo_db, LOCAL_VIEWER, "other", LEEDS, other, aid)
    at.text_input(key=f"plan_{aid}_title").input("Typed here").run()
    stored = plans.read_plan(demo_db, LOCAL_VIEWER, LEEDS).actions.iloc[0]
    assert (stored["title"], stored["owner"]) == ("Set in another session", "Lead")
    shown = "\n".join(w.value for w in at.warning)
    assert "was changed in another session meanwhile" in shown
    assert "your change was not saved (title 'Typed here')" in shown
    assert at.text_input(key=f"plan_{aid}_title").value == "Set in another session"
