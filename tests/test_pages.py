"""AppTest of app.py and every page in pages/ (parametrised over the folder): what every page
shares (sidebar, URL state, banners, notices). Page-specific content: tests/test_page_*.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from ehdmm.model import load_model

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
IDS = [p.stem for p in PAGES]


def test_the_dashboard_pages_are_there():
    stems = {p.stem for p in PAGES}
    assert {
        "app",
        "1_Overview",
        "2_Authority_profile",
        "3_Peer_benchmark",
        "4_Compare",
        "5_Trends",
        "6_The_model",
    } <= stems, stems


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_page_shows_the_shared_sidebar_and_demo_banner(path, demo_db, run_page):
    at = run_page(
        demo_db,
        page=path,
        authority="E06000023",
        round="2025-03",
        peers="region",
        rule="best-fit",
    )
    labels = [s.label for s in at.sidebar.selectbox]
    assert labels[:3] == ["Authority", "Round", "Peer group"]
    assert [s.value for s in at.sidebar.selectbox][:3] == ["E06000023", "2025-03", "region"]
    assert at.sidebar.radio[0].label == "Scoring rule" and at.sidebar.radio[0].value == "best-fit"
    assert any("Synthetic demo data" in w.value for w in at.warning)
    assert dict(at.query_params) == {
        "authority": "E06000023",
        "round": "2025-03",
        "peers": "region",
        "rule": "best-fit",
    }
    assert not [i for i in at.info if "not valid" in i.value]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
@pytest.mark.parametrize(
    ("param", "value", "fallback"),
    [
        ("authority", "E99999999", None),
        ("round", "2019-13", "2026-03"),
        ("peers", "custom:nobody", "england"),
        ("rule", "median", "gated"),
    ],
)
def test_invalid_url_values_fall_back_with_a_notice(
    path, param, value, fallback, demo_db, run_page
):
    at = run_page(demo_db, page=path, **{param: value})
    notices = [i.value for i in at.info if "not valid" in i.value]
    assert len(notices) == 1 and f"'{value}'" in notices[0]
    shown = dict(at.query_params)[param]
    assert shown != value
    if fallback:
        assert shown == fallback


@pytest.mark.parametrize("path", PAGES[1:], ids=IDS[1:])
def test_choices_persist_when_switching_pages(path, demo_db, run_page):
    at = run_page(demo_db, page="app.py")
    at.sidebar.selectbox[0].select("E08000025").run()
    at.sidebar.selectbox[1].select("2024-03").run()
    at.sidebar.radio[0].set_value("best-fit").run()
    assert dict(at.query_params)["authority"] == "E08000025"
    at.query_params.clear()  # a page switch in the browser drops the query string
    at.switch_page(str(path.relative_to(ROOT))).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.sidebar.selectbox][:2] == ["E08000025", "2024-03"]
    assert at.sidebar.radio[0].value == "best-fit"
    assert dict(at.query_params)["authority"] == "E08000025"


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_an_empty_database_says_so(path, empty_db, run_page):
    at = run_page(empty_db, page=path)
    assert not any("Synthetic demo data" in w.value for w in at.warning)
    if path.name != "6_The_model.py":
        assert any("No self-assessments" in i.value for i in at.info)


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_chart_has_a_text_alternative_and_its_data(path, demo_db, run_page):
    at = run_page(demo_db, page=path, authority="E06000023")
    charts = at.get("plotly_chart")
    data_expanders = [e for e in at.expander if e.label.startswith("Data behind this chart")]
    assert len(data_expanders) == len(charts)
    for expander in data_expanders:
        assert expander.dataframe, "the chart's data is shown as a table"
    text = path.read_text(encoding="utf-8")
    assert "st.plotly_chart" not in text, "charts go through ehdmm.ui.widgets.chart"


PHISH = "[phish](https://evil.example/group) **bold** `code` <a href='https://evil.example'>x</a>"


def rendered_text(at) -> list[str]:
    """The markdown of every element that renders markdown, and every widget's label."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header")
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [e.value for e in at.subheader] + [m.label for m in at.metric]
    texts += [w.label for w in (*at.toggle, *at.checkbox, *at.radio)]
    return texts


def live(text: str) -> bool:
    """True when markdown would render a link, emphasis, code or an HTML anchor from PHISH
    (escaped, each has a backslash before its markup: `\\[phish\\](`, `\\<a href`)."""
    return any(part in text for part in ("[phish](https", "**bold**", "`code`")) or bool(
        re.search(r"(?<!\\)<a href", text)
    )


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_a_custom_group_name_is_plain_text_on_every_page(path, demo_db, run_page):
    from ehdmm import peers

    peers.save_custom_group(demo_db, PHISH, ["E06000023", "E08000025", "E09000001"])
    assert peers.publish_group(demo_db, PHISH, actor="tests")
    at = run_page(demo_db, page=path, authority="E06000023", peers=f"custom:{PHISH}")
    assert at.sidebar.selectbox[2].value == f"custom:{PHISH}"
    assert not [text for text in rendered_text(at) if live(text)]
    specs = [str(c.proto.spec) for c in at.get("plotly_chart")]
    assert not [s for s in specs if "<a href" in s]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_a_link_value_with_markdown_is_quoted_as_plain_text(path, demo_db, run_page):
    at = run_page(demo_db, page=path, peers=PHISH)
    notices = [i.value for i in at.info if "not valid" in i.value]
    assert notices and not [n for n in notices if live(n)]


@pytest.fixture(scope="module")
def phish_db(_demo_template, tmp_path_factory):
    """The demo database with markdown and HTML in every kind of text a user gives about
    Bristol (E06000023): evidence, checklist and submission notes, a plan action's title, owner
    and note, a respondent's name and role, a query's question, a group proposal's name, a
    round's title, and an imported file's name."""
    import shutil
    from datetime import date

    from ehdmm import collection, group_admin, moderation, plans, responses
    from ehdmm.database import record_submission
    from ehdmm.importer import import_returns
    from ehdmm.model import load_model
    from ehdmm.viewer import LOCAL_VIEWER, Viewer

    db = tmp_path_factory.mktemp("phish") / "phish.duckdb"
    shutil.copy(_demo_template, db)
    model, code, round_id = load_model(), "E06000023", "2026-03"
    dims = list(model.dimension_ids)
    record_submission(
        db,
        code,
        round_id,
        {d: (2, PHISH, "low") for d in dims},
        checklist={item.id: (True, PHISH) for item in model.checklist},
        note=PHISH,
    )
    statement = model.dimension(dims[0]).statements[3][0]
    action = plans.Action.checked(model, dims[0], PHISH, [statement], PHISH, None, "planned", PHISH)
    plans.save_action(db, LOCAL_VIEWER, "tests", code, action)
    responses.invite(db, LOCAL_VIEWER, code, round_id, name=PHISH[:60], role_label=PHISH[:40])
    moderation.raise_query(
        db,
        LOCAL_VIEWER,
        authority_code=code,
        round_id=round_id,
        dimension_id=dims[0],
        question=PHISH,
        actor="tests",
    )
    own = Viewer(role="authority", authority_code=code)
    group_admin.propose(db, own, PHISH[:70], [code, "E06000024"], actor="tests")
    collection.create_round(
        db,
        LOCAL_VIEWER,
        "2027-03",
        opens=date(2027, 1, 1),
        closes=date(2027, 3, 31),
        title=PHISH[:70],
        actor="tests",
    )
    text = "authority,round," + ",".join(dims) + "\nE06000024,2026-03," + ",".join("3" * len(dims))
    import_returns(db, [(f"{PHISH[:60]}.csv", text.encode())], actor="tests")
    return db


SHOWS_USER_TEXT = {
    "2_Authority_profile",  # evidence, the plan's actions
    "7_Assess",  # evidence and notes in the form
    "8_Upload",  # the import log's file names
    "11_Audit",
    "13_Plan",
    "15_Consensus",  # the respondents
    "18_Queries",
    "19_Groups",  # the proposals
    "21_Rounds",  # the round's title
}


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_kind_of_user_text_is_plain_text_on_every_page(path, phish_db, run_page):
    at = run_page(phish_db, page=path, authority="E06000023", round="2026-03")
    assert not at.exception
    assert not [text for text in rendered_text(at) if live(text)]
    assert not [e.label for e in at.expander if live(e.label)]
    assert not [t.label for t in at.tabs if live(t.label)]
    if path.stem in SHOWS_USER_TEXT:  # the text is there, as plain text (tables, inputs)
        frames = [d.value.to_csv() for d in at.dataframe]
        inputs = [str(w.value) for w in (*at.text_input, *at.text_area)]
        assert [t for t in (*frames, *inputs) if "[phish](https" in t], path.stem


# ---------------------------------------------------------------------------------------------
# Internal ids and missing-value markers are never shown

# "submission 526", "Draft 584", "#526", and what Python or pandas print for a missing value
SHOWN_ID = re.compile(
    r"\b(?:[Ss]ubmission|[Dd]raft|[Rr]eturn|[Rr]esponse|[Pp]ublication|[Qq]uery)\s+#?\d+\b"
    r"|(?<![\w&])#\d+\b"
)
MISSING_MARK = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|<NA>|\bNaT\b")
# The audit log's entries are the record of what was done to which stored row: its details
# may name a submission by id (its dates and names are beside it), and nothing else may.
ID_IS_THE_RECORD = {("11_Audit", "What")}
BRISTOL, BIRMINGHAM = "E06000023", "E08000025"
ANALYST = "analyst@bristol.gov.uk"


@pytest.fixture(scope="module")
def busy_db(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with what makes pages show stored rows: a resubmission and an open draft, a
    moderation query, a reopened round and an authority user."""
    import shutil

    from ehdmm import access, assessment, collection, moderation
    from ehdmm.viewer import LOCAL_VIEWER as V

    db = tmp_path_factory.mktemp("busy") / "busy.duckdb"
    shutil.copy(_demo_template, db)
    access.add_user(db, ANALYST, "authority", BRISTOL, actor="tests")
    dimension = load_model().dimension_ids[0]
    draft = assessment.load_draft(db, V, BRISTOL, "2026-03")
    level = 1 if draft.answer(dimension).level == 4 else 4
    assessment.submit(db, V, draft.with_answer(dimension, level=level), actor="alice")
    draft = assessment.load_draft(db, V, BRISTOL, "2026-03")
    assessment.save_draft(db, V, draft.with_answer(dimension, level=2), actor="bob")
    moderation.raise_query(
        db,
        V,
        authority_code=BRISTOL,
        round_id="2026-03",
        dimension_id="cba",
        question="Why?",
        actor="lead",
    )
    collection.reopen_for(
        db, V, "2025-03", BIRMINGHAM, reason="late", actor="lead", authority_name="Birmingham"
    )
    return db


def _texts(at) -> list[tuple[str, str]]:
    """(where, text) of everything a page shows but its tables: every element's protobuf
    (widget ids removed) and the texts of every chart."""
    from test_roles import _walk

    found = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", None) or type(node).__name__
        if proto is None or type(node).__name__ == "Dataframe":
            continue
        if kind == "plotly_chart":
            found += [("chart", t) for t in _chart_texts(json.loads(proto.spec))]
        else:
            text = re.sub(r'(?m)^\s*(?:id|form_id): ".*"$', "", str(proto))
            found.append((kind, bytes(text, "utf-8").decode("unicode_escape", errors="ignore")))
    return found


def _chart_texts(spec: dict) -> list[str]:
    layout = spec.get("layout", {})
    texts = [str((layout.get("title") or {}).get("text", ""))]
    texts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) or key == "polar":
            texts += [str(t) for t in (axis.get("ticktext") or [])]
            texts.append(str((axis.get("title") or {}).get("text", "")))
    for trace in spec.get("data", []):
        texts.append(str(trace.get("name", "")))
        for key in ("text", "hovertext"):
            value = trace.get(key)
            texts += [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
    return texts


def _table_problems(stem: str, at) -> list[str]:
    """Cells that show an id or a missing-value marker, and missing cells of a table with no
    placeholder (Streamlit then paints "None" in them)."""
    problems = []
    for table in at.dataframe:
        frame = table.value
        for column in frame.columns:
            cells = frame[column]
            if cells.isna().any() and not table.proto.HasField("placeholder"):
                problems.append(f"{column!r}: missing cells shown as 'None'")
            text = cells.dropna().astype(str)
            marks = text[text.str.contains(MISSING_MARK)]
            if (stem, column) not in ID_IS_THE_RECORD:
                marks = pd.concat([marks, text[text.str.contains(SHOWN_ID)]])
            problems += [f"{column!r}: {value!r}" for value in marks.unique()[:3]]
    return problems


@pytest.mark.parametrize("user", ["local", "authority"])
@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_no_page_shows_an_internal_id_or_a_missing_value_marker(path, user, busy_db, run_page):
    from test_roles import AUTH

    who = {}
    if user == "authority":
        who = {"secrets": {"auth": AUTH}, "user": {"is_logged_in": True, "email": ANALYST}}
    at = run_page(busy_db, page=path, authority=BRISTOL, round="2026-03", **who)
    problems = _table_problems(path.stem, at)
    for where, text in _texts(at):
        problems += [f"{where}: {m.group(0)!r}" for m in MISSING_MARK.finditer(text)]
        problems += [f"{where}: {m.group(0)!r}" for m in SHOWN_ID.finditer(text)]
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_id_check_would_catch_an_id_a_marker_and_a_bare_missing_cell():
    assert SHOWN_ID.search("It supersedes submission 526.") and SHOWN_ID.search("Draft 584")
    assert SHOWN_ID.search("#12 · 2025-03") and not SHOWN_ID.search("colour #034e7b")
    assert MISSING_MARK.search("Owner: None") and MISSING_MARK.search("<NA>")
    assert not MISSING_MARK.search("Nonesuch") and not SHOWN_ID.search("round 2026-03")
