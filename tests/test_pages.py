"""AppTest of app.py and every page in pages/ (parametrised over the folder): what every page
shares (sidebar, URL state, banners, notices). Page-specific content: tests/test_page_*.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
