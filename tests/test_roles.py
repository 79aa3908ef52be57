"""Who sees what, page by page (AppTest, parametrised over app.py and every page in pages/):
an authority user, a national user, a signed-in user who is not registered, a signed-out
visitor (sign-in configured through an `[auth]` secrets section) and local mode (no sign-in).

The leak test collects everything a page renders (every element's protobuf: markdown,
captions, metrics, notices, widget labels and options, plotly figure specs; and the values of
every dataframe) and checks that no other authority's ONS code or name appears in it. The
README's role matrix lists what each of these tests covers.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ehdmm import access, assessment, peers, upload
from ehdmm.analysis import core
from ehdmm.export import report
from ehdmm.model import load_model
from ehdmm.ui.roles import NATIONAL_ONLY
from ehdmm.viewer import LOCAL_VIEWER, Viewer
from ehdmm.views import reports

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
IDS = [p.stem for p in PAGES]
NATIONAL_PAGES = {
    "1_Overview",
    "4_Compare",
    "5_Trends",
    "8_Upload",
    "11_Audit",
    "12_Publication",
    "20_Users",
    "21_Rounds",
}
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-tests",
    "client_id": "ehdmm-tests",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
OWN = "E06000023"  # Bristol, City of
OWN_NAME = "Bristol, City of"
OTHER = "E08000025"  # Birmingham (another region)
AUTHORITY_USER = "analyst@bristol.gov.uk"
NATIONAL_USER = "lead@communities.gov.uk"
STRANGER = "someone@example.org"
SMALL_GROUP = "three"  # Bristol and two others: every peer aggregate is suppressed
SUPPRESSED_NOTE = "Suppressed: fewer than 5 other authorities"
CODE = re.compile(r"\b[EW]\d{8}\b")


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def roles_db(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for the module, with the three users and a custom group of 3."""
    db = tmp_path_factory.mktemp("roles") / "roles.duckdb"
    shutil.copy(_demo_template, db)
    access.add_user(db, AUTHORITY_USER, "authority", OWN, actor="tests")
    access.add_user(db, NATIONAL_USER, "national", None, actor="tests")
    peers.save_custom_group(db, SMALL_GROUP, [OWN, OTHER, "E09000001"])
    assert peers.publish_group(db, SMALL_GROUP, actor="tests")  # authority users may choose it
    return db


@pytest.fixture(autouse=True)
def _database(roles_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EHDMM_DB", str(roles_db))
    monkeypatch.delenv("EHDMM_MIN_PEERS", raising=False)


def run(page: Path, user: dict | None, *, auth: bool = True, **params: str) -> AppTest:
    at = AppTest.from_file(str(page), default_timeout=90)
    if auth:
        at.secrets["auth"] = dict(AUTH)
        at.user = user or {"is_logged_in": False}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email}


def page_path(stem: str) -> Path:
    return next(p for p in PAGES if p.stem == stem)


def _walk(node: object) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def rendered_text(at: AppTest) -> str:
    """Everything the page shows, as one string: every element's protobuf (text, labels,
    options, values, figure specs) and the values of every dataframe."""
    parts: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if getattr(node, "type", None) == "plotly_chart":
            # texts are broken into lines to fit a phone: a name split by <br> is still found
            spec = json.dumps(json.loads(proto.spec), ensure_ascii=False)
            parts.append(spec.replace("<br>", " "))
        if type(node).__name__ == "Dataframe":
            frame = node.value
            parts.append(" | ".join(str(c) for c in frame.columns))
            parts.append(frame.to_csv(index=False))
    parts += [f"{k}={v}" for k, v in at.query_params.items()]
    # protobuf text escapes quotes and non-ASCII; figure specs are JSON: unescape both
    return bytes("\n".join(parts), "utf-8").decode("unicode_escape", errors="ignore")


def _model_strings() -> list[str]:
    """Every string of the published model (its case studies name four authorities: that
    public text is not peer data), longest first."""
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(load_model().to_json_dict())
    return sorted({s for s in found if len(s) > 3}, key=len, reverse=True)


MODEL_STRINGS = _model_strings()


@functools.cache
def forbidden(db: Path, own: str = OWN) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A pattern of every other authority's name (whole words, case as written) and the
    model's strings that hold one of them (removed from the text before matching)."""
    frame = core.authorities(db)
    names = sorted(set(frame.loc[frame["code"] != own, "name"]), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")
    public = tuple(s for s in MODEL_STRINGS if pattern.search(s))
    return pattern, public


def leaks(at: AppTest, db: Path, own: str = OWN, own_name: str = OWN_NAME) -> list[str]:
    """Other authorities' codes and names found in what the page shows (own ones allowed)."""
    text = rendered_text(at)
    found = sorted({c for c in CODE.findall(text) if c != own})
    pattern, public = forbidden(db, own)
    for model_text in public:
        text = text.replace(model_text, " ")
    text = text.replace(own_name, " ")
    return found + sorted(set(pattern.findall(text)))


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# ---------------------------------------------------------------------------------------------
# The check itself


def test_the_leak_check_would_catch_a_name_or_a_code(roles_db):
    at = run(page_path("1_Overview"), signed_in(NATIONAL_USER))
    found = leaks(at, roles_db)
    assert OTHER in found and "Birmingham" in found
    assert OWN not in found and OWN_NAME not in found


def test_every_page_is_covered():
    assert len(PAGES) >= 12 and {"app", "11_Audit", "10_Reports"} <= set(IDS)


# ---------------------------------------------------------------------------------------------
# Authority user


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_an_authority_user_sees_no_other_authority_even_when_the_link_asks(page, roles_db):
    at = run(page, signed_in(AUTHORITY_USER), authority=OTHER, peers="region")
    assert leaks(at, roles_db) == []
    # the link's authority is refused with a notice that does not repeat it
    refused = [i.value for i in at.info if "refused" in i.value]
    assert refused == [
        "You can only see your own authority's data by name, so the authority in the link was "
        f"refused; showing {OWN_NAME} ({OWN}, DfE 801)."
    ]
    assert at.sidebar.selectbox[0].value == OWN and dict(at.query_params)["authority"] == OWN
    assert at.sidebar.selectbox[0].options == [f"{OWN_NAME} ({OWN}, DfE 801)"]
    if page.stem in NATIONAL_PAGES:
        assert [i.value for i in at.info if i.value not in refused] == [NATIONAL_ONLY]
        assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    else:
        assert NATIONAL_ONLY not in [i.value for i in at.info]


@pytest.mark.parametrize(
    ("stem", "params"),
    [
        ("2_Authority_profile", {"peers": "neighbours"}),
        ("2_Authority_profile", {"peers": "type", "round": "2024-03", "rule": "best-fit"}),
        ("3_Peer_benchmark", {"peers": "neighbours"}),
        ("3_Peer_benchmark", {"peers": "england", "round": "2024-03", "rule": "best-fit"}),
        ("7_Assess", {"peers": "neighbours"}),
        ("9_History", {"round": "2024-03"}),
    ],
)
def test_peer_views_leak_nothing_for_every_peer_group(stem, params, roles_db):
    at = run(page_path(stem), signed_in(AUTHORITY_USER), **params)
    assert leaks(at, roles_db) == []
    radio = [r for r in at.radio if r.key in ("profile_items", "benchmark_items")]
    if radio and params["peers"] == "neighbours":  # the other item kind too
        other = next(o for o in radio[0].options if o != radio[0].value)
        radio[0].set_value(other).run()
        assert not at.exception
        assert leaks(at, roles_db) == []


def test_profile_for_an_authority_user_uses_suppressed_aggregates(roles_db):
    at = run(page_path("2_Authority_profile"), signed_in(AUTHORITY_USER), peers="region")
    assert at.title[0].value == f"Authority profile: {OWN_NAME}"
    metrics = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d+ of \d+", metrics["Rank in Same region"])  # 14 others: allowed
    radar = next(f for f in figures(at) if f["data"][0]["type"] == "scatterpolar")
    names = [t["name"] for t in radar["data"] if "closing" not in t["name"]]
    assert names[0].startswith("England median") and names[1].startswith("Same region median")
    assert names[2] == OWN_NAME
    assert not [i for i in at.info if SUPPRESSED_NOTE in i.value]
    assert leaks(at, roles_db) == []


def test_small_peer_group_medians_and_rank_are_suppressed_with_a_note(roles_db):
    at = run(
        page_path("2_Authority_profile"),
        signed_in(AUTHORITY_USER),
        peers=f"custom:{SMALL_GROUP}",
    )
    assert any(i.value == f"Custom: {SMALL_GROUP} median: {SUPPRESSED_NOTE}" for i in at.info)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"Rank in Custom: {SMALL_GROUP}"] == "suppressed"
    assert metrics["Percentile in the peer group"] == "suppressed"
    for fig in figures(at)[:2]:  # radar and dot plot: no peer-median trace, the note instead
        names = [t.get("name", "") for t in fig["data"]]
        assert not any(n.startswith(f"Custom: {SMALL_GROUP} median") for n in names)
        assert any(n.startswith("England median") for n in names)
        assert SUPPRESSED_NOTE in fig["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
    table = next(d.value for d in at.dataframe if f"Custom: {SMALL_GROUP} median" in d.value)
    assert set(table[f"Custom: {SMALL_GROUP} median"]) == {"suppressed"}
    assert set(table[f"Custom: {SMALL_GROUP} n"]) == {"suppressed"}
    assert "suppressed" not in set(table["England median"])
    assert leaks(at, roles_db) == []


def test_small_peer_group_distributions_and_index_are_suppressed(roles_db):
    at = run(
        page_path("3_Peer_benchmark"),
        signed_in(AUTHORITY_USER),
        peers=f"custom:{SMALL_GROUP}",
    )
    assert [i.value for i in at.info].count(SUPPRESSED_NOTE) == 2  # group size, index
    bars = next(f for f in figures(at) if f["data"][0]["type"] == "bar")
    for trace in bars["data"]:
        assert trace["y"] == [None] * 4 and trace["text"] == ["suppressed"] * 4
    notes = [a["text"].replace("<br>", " ") for a in bars["layout"]["annotations"]]
    assert notes.count(SUPPRESSED_NOTE) == len(load_model().strands)
    assert any(a.startswith(f"▼ {OWN_NAME}") for a in notes)  # its own position is marked
    assert not any(f["data"][0]["type"] == "box" for f in figures(at))
    table = next(d.value for d in at.dataframe if "Authorities" in d.value)
    assert set(table["Authorities"]) == {"suppressed"} and set(table["n"]) == {"suppressed"}
    assert any(f"Custom: {SMALL_GROUP} has 3 members" in m.value for m in at.markdown)
    assert leaks(at, roles_db) == []


def test_counts_are_perturbed_and_the_index_is_a_box_of_quartiles(roles_db):
    at = run(page_path("3_Peer_benchmark"), signed_in(AUTHORITY_USER), peers="region")
    bars = next(f for f in figures(at) if f["data"][0]["type"] == "bar")
    table = next(d.value for d in at.dataframe if "Authorities" in d.value)
    shown = [v for t in bars["data"] for v in t["y"]]
    assert [int(v) for v in table["Authorities"]] == [int(v) for v in shown]
    assert not {1, 2} & {int(v) for v in table["Authorities"]}  # never 1 or 2 (cell key)
    assert any("how figures are protected" in c.value for c in at.caption)
    (folded,) = [e for e in at.expander if e.label == "How figures are protected"]
    assert "cell-key method" in " ".join(m.value for m in folded.markdown)  # the README's own
    box = next(f for f in figures(at) if f["data"][0]["type"] == "box")
    trace = box["data"][0]
    assert trace["boxpoints"] is False and "x" not in trace and "text" not in trace
    assert trace["lowerfence"] == trace["q1"] and trace["upperfence"] == trace["q3"]
    assert [t.get("name") for t in box["data"][1:]] == [OWN_NAME]
    assert not [d for d in at.dataframe if "ONS code" in d.value]  # no peer table
    assert any("Same region has 15 members" in m.value for m in at.markdown)
    assert leaks(at, roles_db) == []


def test_reports_for_an_authority_user_are_its_own_report_without_pack_or_zips(roles_db):
    at = run(page_path("10_Reports"), signed_in(AUTHORITY_USER), peers=f"custom:{SMALL_GROUP}")
    assert [h.value for h in at.main.header] == [f"Benchmark report: {OWN_NAME}"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Word (.docx)", "PDF", "HTML (interactive, offline)"]
    assert report.NATIONAL_ONLY in [i.value for i in at.info]
    assert not at.main.multiselect and not at.main.button  # no pack rounds, no zip
    assert leaks(at, roles_db) == []
    # the report itself: own levels by name, the small group suppressed, no other authority
    viewer = access.viewer_for(roles_db, AUTHORITY_USER)
    name, data = reports.report_bytes(
        roles_db, viewer, OWN, None, f"custom:{SMALL_GROUP}", "gated", "html"
    )
    text = data.decode("utf-8")
    assert name.startswith(OWN) and OWN_NAME in text and SUPPRESSED_NOTE in text
    assert OTHER not in text and "Birmingham" not in text and "E09000001" not in text
    with pytest.raises(PermissionError, match="your own authority's report only"):
        reports.report_bytes(roles_db, viewer, OTHER, None, "region", "gated", "html")


def test_history_and_assess_are_the_authority_s_own(roles_db):
    history = run(page_path("9_History"), signed_in(AUTHORITY_USER))
    assert history.title[0].value == f"Submission history: {OWN_NAME}"
    assert len(history.dataframe[0].value) >= 1
    assess = run(page_path("7_Assess"), signed_in(AUTHORITY_USER))
    assert assess.title[0].value == f"Self-assessment: {OWN_NAME}"
    assert not assess.warning or all("only your own" not in w.value for w in assess.warning)
    assert any(r.label.startswith("Level for ") for r in assess.radio)


def test_the_model_page_is_the_same_for_every_role(roles_db):
    page = page_path("6_The_model")
    shown = [
        [m.value for m in run(page, signed_in(email)).markdown]
        for email in (AUTHORITY_USER, NATIONAL_USER)
    ]
    assert shown[0] == shown[1] and len(shown[0]) > 50


# ---------------------------------------------------------------------------------------------
# National user, unregistered user, signed-out visitor, local mode


NAMED_PAGES = {"app", "1_Overview", "3_Peer_benchmark", "4_Compare", "5_Trends"}


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_a_national_user_sees_every_page_and_other_authorities_by_name(page, roles_db):
    at = run(page, signed_in(NATIONAL_USER), authority=OWN)
    assert NATIONAL_ONLY not in [i.value for i in at.info]
    assert any("national role" in c.value for c in at.sidebar.caption)
    if page.stem in NAMED_PAGES:
        assert len(leaks(at, roles_db)) >= 2  # other authorities' codes and names
    if page.stem == "11_Audit":
        table = at.dataframe[0].value
        assert {"sign-in", "user.add"} <= set(table["Action"])


def test_a_national_user_sees_small_groups_unsuppressed(roles_db):
    at = run(
        page_path("3_Peer_benchmark"),
        signed_in(NATIONAL_USER),
        authority=OWN,
        peers=f"custom:{SMALL_GROUP}",
    )
    bars = next(f for f in figures(at) if f["data"][0]["type"] == "bar")
    assert all(None not in t["y"] for t in bars["data"])
    table = next(d.value for d in at.dataframe if "ONS code" in d.value)
    assert sorted(table["ONS code"]) == sorted([OWN, OTHER, "E09000001"])
    assert not [i for i in at.info if SUPPRESSED_NOTE in i.value]


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_an_unregistered_user_sees_only_a_message(page, roles_db):
    at = run(page, signed_in(STRANGER), authority=OWN)
    assert [e.value for e in at.error] == [
        f"You are signed in as {STRANGER}, but this account has no access to ehdmm yet. Ask "
        "the national team to add you."
    ]
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert not at.sidebar.selectbox and not at.header and not at.markdown
    assert rendered_text(at).count("Bristol") == 0


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_a_signed_out_visitor_sees_the_sign_in_button(page, roles_db):
    at = run(page, {"is_logged_in": False}, authority=OWN)
    assert [b.label for b in at.button] == ["Sign in"]
    assert any("Please sign in" in i.value for i in at.info)
    assert not at.get("plotly_chart") and not at.dataframe and not at.sidebar.selectbox
    assert leaks(at, roles_db) == [] and "Bristol" not in rendered_text(at)


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_local_mode_is_national_with_a_banner(page, roles_db):
    at = run(page, None, auth=False, authority=OTHER)
    assert any(c.value.startswith("**Local mode**") for c in at.caption)
    assert at.sidebar.selectbox[0].value == OTHER  # any authority, by name
    assert NATIONAL_ONLY not in [i.value for i in at.info]
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]


def test_sign_in_and_downloads_go_to_the_audit_log(roles_db):
    before = access.audit_log(roles_db, LOCAL_VIEWER)
    at = run(page_path("9_History"), signed_in(AUTHORITY_USER))
    log = access.audit_log(roles_db, LOCAL_VIEWER)
    new = log[~log["id"].isin(before["id"])]
    assert list(new["action"]) == ["sign-in"] and list(new["actor"]) == [AUTHORITY_USER]
    # a second run of the same session is not another sign-in
    at.run()
    assert len(access.audit_log(roles_db, LOCAL_VIEWER)) == len(log)


def test_submissions_and_imports_go_to_the_audit_log(demo_db):
    viewer = Viewer(role="authority", authority_code=OWN, email=AUTHORITY_USER)
    draft = assessment.load_draft(demo_db, viewer, OWN, "2026-03")
    for dimension in load_model().dimension_ids:
        draft = draft.with_answer(dimension, level=3)
    done = assessment.submit(demo_db, viewer, draft, actor=AUTHORITY_USER)
    log = access.audit_log(demo_db, LOCAL_VIEWER)
    entry = log.iloc[0]
    assert (entry["actor"], entry["action"]) == (AUTHORITY_USER, "submission")
    assert entry["detail"].startswith(f"submission {done.submission_id} of {OWN} for round 2026-03")

    data = b"authority,round,dimension,level\nE08000025,2026-03,casework,2\n"
    merge = ((("E08000025", "2026-03"), upload.MERGE_CHOICE),)  # a correction of one dimension
    result = upload.import_file(demo_db, "one.csv", data, actor=NATIONAL_USER, choices=merge)
    assert result.outcome == "imported"
    entry = access.audit_log(demo_db, LOCAL_VIEWER).iloc[0]
    assert (entry["actor"], entry["action"]) == (NATIONAL_USER, "import")
    assert entry["detail"] == f"one.csv: {result.outcome}, 1 submission(s) written"


# ---------------------------------------------------------------------------------------------
# Rounds: an authority user picks from every round with submissions, its own or not

GAP = "E06000022"  # Bath and North East Somerset: no submission in the demo's 2026-03
GAP_NAME = "Bath and North East Somerset"
GAP_USER = "analyst@bathnes.gov.uk"
AUTHORITY_PAGES = ["app", "2_Authority_profile", "3_Peer_benchmark", "7_Assess", "9_History"]


@pytest.fixture(scope="module")
def gap_user(roles_db: Path) -> str:
    access.add_user(roles_db, GAP_USER, "authority", GAP, actor="tests")
    return GAP_USER


@pytest.mark.parametrize("stem", [*AUTHORITY_PAGES, "10_Reports"])
def test_an_authority_without_a_submission_in_the_round_is_told_so(stem, roles_db, gap_user):
    at = run(page_path(stem), signed_in(gap_user), round="2026-03")
    picker = next(s for s in at.sidebar.selectbox if s.label == "Round")
    assert picker.options == ["2026-03", "2025-03", "2024-03", "2023-03"]  # every round's pool
    assert picker.value == "2026-03"
    shown = " ".join(i.value for i in at.info)
    if stem in ("app", "2_Authority_profile", "3_Peer_benchmark", "10_Reports"):
        assert f"{GAP_NAME} has no current submission in round 2026-03" in shown
    assert leaks(at, roles_db, GAP, GAP_NAME) == []


def test_the_round_list_is_the_pool_s_for_every_viewer(roles_db, gap_user):
    viewer = access.viewer_for(roles_db, gap_user)
    pool = core.rounds_with_submissions(roles_db, LOCAL_VIEWER)
    assert core.rounds_with_submissions(roles_db, viewer) == pool
    assert core.own_rounds(roles_db, viewer, GAP) == ["2023-03", "2024-03", "2025-03"]
    assert core.own_rounds(roles_db, viewer, OWN) == []  # another authority: nothing


# ---------------------------------------------------------------------------------------------
# Targets and improvement plans: another authority's are out of reach by page, link or export

SECRET_ACTION = "Birmingham's secret action"


@pytest.fixture(scope="module")
def other_plan(roles_db: Path) -> str:
    """Birmingham (OTHER) with a target and an action of its own."""
    from ehdmm import plans

    model = load_model()
    mine = plans.read_plan(roles_db, LOCAL_VIEWER, OTHER)
    dim, level = next((d, lv) for d, lv in mine.levels.items() if lv < 4)
    other_user = Viewer("authority", OTHER, "analyst@birmingham.gov.uk")
    plans.set_target(roles_db, other_user, "b", OTHER, dim, level + 1, "2027-03")
    statement = model.dimension(dim).statements[level + 1][0]
    action = plans.Action.checked(model, dim, SECRET_ACTION, [statement], "Head of EH")
    plans.save_action(roles_db, other_user, "b", OTHER, action)
    return dim


@pytest.mark.parametrize("stem", ["13_Plan", "2_Authority_profile", "10_Reports"])
def test_another_authority_s_plan_is_not_reached_by_a_link(stem, roles_db, other_plan):
    at = run(page_path(stem), signed_in(AUTHORITY_USER), authority=OTHER)
    assert at.sidebar.selectbox[0].value == OWN
    assert leaks(at, roles_db) == [] and SECRET_ACTION not in rendered_text(at)


def test_the_plan_page_is_the_authority_s_own_and_editable(roles_db, other_plan):
    at = run(page_path("13_Plan"), signed_in(AUTHORITY_USER))
    assert at.title[0].value == f"Plan: {OWN_NAME}"
    assert [b for b in at.button if b.label == "Save the target"]  # its own: editable
    assert SECRET_ACTION not in rendered_text(at)
    overview = overview_of(at)  # across authorities: counts only, small ones suppressed
    assert list(overview.columns) == ["By round", "Target level", "Targets", "Authorities"]
    assert overview["Authorities"].dropna().ge(5).all()


def test_the_national_team_reads_every_plan_but_edits_none(roles_db, other_plan):
    at = run(page_path("13_Plan"), signed_in(NATIONAL_USER), authority=OTHER)
    assert SECRET_ACTION in rendered_text(at)
    assert not [b for b in at.button if b.label in ("Save the target", "Add the action")]
    assert not at.text_input


def test_another_authority_s_plan_is_refused_by_every_function_and_export(roles_db, other_plan):
    from ehdmm import plan_workbook, plans

    viewer = access.viewer_for(roles_db, AUTHORITY_USER)
    model = load_model()
    with pytest.raises(plans.NotAllowed):
        plans.read_plan(roles_db, viewer, OTHER)
    with pytest.raises(plans.NotAllowed):
        plans.set_target(roles_db, viewer, AUTHORITY_USER, OTHER, other_plan, 4, "2028-03")
    with pytest.raises(plans.NotAllowed):
        plans.withdraw_target(roles_db, viewer, AUTHORITY_USER, OTHER, other_plan)
    own = reports.report_data(roles_db, viewer, OWN, None, "region", "gated")
    assert SECRET_ACTION not in own.plan.to_csv() and OTHER not in own.progress.to_csv()
    with pytest.raises(access.AccessDenied):
        reports.report_data(roles_db, viewer, OTHER, None, "region", "gated")
    assert plans.all_targets(roles_db, viewer)["authority_code"].isin([OWN]).all()
    # a plan file with another authority's rows: refused whole for an authority user
    book = plan_workbook.workbook_bytes(plans.read_plan(roles_db, LOCAL_VIEWER, OTHER), "x")
    result = plan_workbook.read_plan_file(roles_db, viewer, book, "theirs.xlsx", model)
    assert not result.ok and "not your authority" in str(result.problems[0])


def overview_of(at):
    """The table of targets across authorities (by round and level)."""
    (found,) = [d.value for d in at.dataframe if "Target level" in d.value.columns]
    return found


# Several respondents: who sees which response, by every page, parameter and export


PARTNER_PAGES = ["14_Responses", "15_Consensus", "16_Contested", "10_Reports", "9_History"]
SECRET = "zanzibar-evidence"  # typed by another authority's respondent, and by Bob before Ann


@pytest.fixture(scope="module")
def partners_db(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bristol with a lead and two respondents (Bob submitted, Ann a draft); Birmingham with a
    lead and a submitted respondent whose evidence is a marked string."""
    from ehdmm import responses
    from ehdmm.assessment import Answer, Draft

    db = tmp_path_factory.mktemp("partners") / "partners.duckdb"
    shutil.copy(_demo_template, db)
    access.add_user(db, "lead@bristol.gov.uk", "authority", OWN, actor="t", lead=True)
    access.add_user(db, "lead@birmingham.gov.uk", "authority", OTHER, actor="t", lead=True)
    own_lead = access.viewer_for(db, "lead@bristol.gov.uk")
    other_lead = access.viewer_for(db, "lead@birmingham.gov.uk")
    dims = [d.id for d in load_model().dimensions]

    def respond(lead, code, email, evidence, submit=True):
        who = responses.invite(
            db, lead, code, "2026-03", name=email.split("@")[0], role_label="X", email=email
        )
        viewer = access.viewer_for(db, email)
        draft = responses.load_response(db, viewer, who.id)
        answers = {d: Answer(level=2, evidence=evidence) for d in dims}
        draft = Draft(code, "2026-03", answers=answers, revision=draft.revision)
        draft = responses.save_response(db, viewer, who.id, draft, actor=email)
        if submit:
            responses.submit_response(db, viewer, who.id, draft, actor=email)

    respond(other_lead, OTHER, "zed@birmingham-police.uk", SECRET)
    respond(own_lead, OWN, "bob@bristol-health.uk", SECRET)
    respond(own_lead, OWN, "ann@bristol-police.uk", "ann's own words", submit=False)
    return db


@pytest.mark.parametrize("stem", PARTNER_PAGES)
@pytest.mark.parametrize(
    "email", ["ann@bristol-police.uk", "lead@bristol.gov.uk", AUTHORITY_USER, NATIONAL_USER]
)
def test_no_response_leaks_by_any_page_or_parameter(partners_db, monkeypatch, stem, email):
    """Ann (her own a draft) does not see Bob's; nobody of Bristol sees Birmingham's, whatever
    the URL asks for; the national team sees no response."""
    monkeypatch.setenv("EHDMM_DB", str(partners_db))
    access.add_user(partners_db, AUTHORITY_USER, "authority", OWN, actor="t")
    access.add_user(partners_db, NATIONAL_USER, "national", None, actor="t")
    params = {"authority": OTHER, "round": "2026-03", "respondent": "1"}
    at = run(page_path(stem), signed_in(email), **params)
    text = rendered_text(at)
    if email == "lead@bristol.gov.uk" and stem == "15_Consensus":
        return  # the lead's own authority's responses, checked below
    assert SECRET not in text, (stem, email)
    assert "zed" not in text.lower(), (stem, email)


def test_the_lead_sees_their_own_authoritys_responses_only(partners_db, monkeypatch):
    monkeypatch.setenv("EHDMM_DB", str(partners_db))
    at = run(page_path("15_Consensus"), signed_in("lead@bristol.gov.uk"), authority=OTHER)
    text = rendered_text(at)
    assert "bob" in text and SECRET in text  # Bob's submitted response, side by side
    assert "zed" not in text.lower()


def test_a_respondent_sees_others_once_theirs_is_submitted(partners_db, monkeypatch):
    from ehdmm import responses

    monkeypatch.setenv("EHDMM_DB", str(partners_db))
    ann = access.viewer_for(partners_db, "ann@bristol-police.uk")
    (entry,) = responses.mine(partners_db, ann)
    draft = responses.load_response(partners_db, ann, entry.id)
    copy = tmp = partners_db.with_name("partners-ann.duckdb")
    shutil.copy(partners_db, copy)
    responses.submit_response(copy, ann, entry.id, draft, actor="ann")
    monkeypatch.setenv("EHDMM_DB", str(tmp))
    at = run(page_path("14_Responses"), signed_in("ann@bristol-police.uk"))
    text = rendered_text(at)
    assert SECRET in text and "zed" not in text.lower()


# Running a round: rounds, tracking and queries. Another authority's query and reopening exist;
# an authority user sees neither, on any parameter; rounds and their actions are national only.


RUNNING_PAGES = ["21_Rounds", "17_Tracking", "18_Queries"]


@pytest.fixture
def running_db(_demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from ehdmm import collection, moderation

    db = tmp_path / "running.duckdb"
    shutil.copy(_demo_template, db)
    access.add_user(db, AUTHORITY_USER, "authority", OWN, actor="tests")
    access.add_user(db, "someone@birmingham.gov.uk", "authority", OTHER, actor="tests")
    for code in (OWN, OTHER):
        moderation.raise_query(
            db,
            LOCAL_VIEWER,
            authority_code=code,
            round_id="2026-03",
            dimension_id="cba",
            question=f"About {code}?",
            actor="lead",
        )
    collection.reopen_for(
        db, LOCAL_VIEWER, "2025-03", OTHER, reason="late", actor="lead", authority_name="B"
    )
    monkeypatch.setenv("EHDMM_DB", str(db))
    return db


@pytest.mark.parametrize("stem", RUNNING_PAGES)
@pytest.mark.parametrize("round_id", ["2026-03", "2025-03"])
def test_an_authority_user_sees_only_its_own_returns_queries_and_states(stem, round_id, running_db):
    at = run(page_path(stem), signed_in(AUTHORITY_USER), authority=OTHER, round=round_id)
    assert leaks(at, running_db) == []
    text = rendered_text(at)
    assert "About E08000025" not in text and "someone@birmingham" not in text
    if stem == "21_Rounds":
        assert NATIONAL_ONLY in [i.value for i in at.info]
        assert [b.key for b in at.button] == ["ehdmm_logout"]  # no action offered
    if stem == "17_Tracking":
        at.selectbox(key="tracking_round").set_value("2025-03").run()
        assert list(at.dataframe[0].value["ONS code"]) == [OWN]
        assert len(at.dataframe) == 1 and not at.get("download_button")[2:]  # no chase list


def test_the_running_actions_are_refused_to_authority_users_in_the_data_layer(running_db):
    from ehdmm import collection, moderation, tracking
    from ehdmm.access import AccessDenied

    user = access.viewer_for(running_db, AUTHORITY_USER)
    with pytest.raises(AccessDenied):
        collection.all_reopenings(running_db, user)
    with pytest.raises(AccessDenied):
        moderation.open_flags(running_db, user, "2026-03")
    table, contacts = tracking.read(running_db, user, "2025-03")
    assert list(table["ONS code"]) == [OWN] and contacts.empty
    assert set(moderation.round_queries(running_db, user, "2026-03")["authority_code"]) == {OWN}
