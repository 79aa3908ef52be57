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
