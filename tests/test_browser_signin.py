"""A real sign-in in Chromium: `streamlit run app.py` with an `[auth]` section in its
`.streamlit/secrets.toml`, against a local OpenID Connect provider started by the test
(`oidc-provider-mock`, with two predefined users). The national user sees every authority;
the authority user sees its own authority by name, no other, and the national-only pages say
so. Sign-ins and a download land in the audit log.

Skips like tests/test_browser.py without Chromium or playwright (fails with
EHDMM_REQUIRE_BROWSER=1), and without oidc-provider-mock (requirements-dev.txt).
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, DRAWN, MISSING, Server, free_port

from ehdmm import access, peers
from ehdmm.analysis import core
from ehdmm.viewer import LOCAL_VIEWER

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_USER = "lead@communities.gov.uk"
AUTHORITY_USER = "analyst@bristol.gov.uk"
OWN, OWN_NAME = "E06000023", "Bristol, City of"

try:
    with warnings.catch_warnings():  # its Authlib imports are deprecated, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock
except ImportError:  # pragma: no cover - requirements-dev.txt installs it
    oidc_provider_mock = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # the provider's Authlib use
    pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}"),
    pytest.mark.skipif(
        oidc_provider_mock is None,
        reason="oidc-provider-mock is not installed (pip install -r requirements-dev.txt)",
    ),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A local OpenID Connect provider whose login form offers the two users."""
    users = [
        oidc_provider_mock.User(sub=email, claims={"email": email, "name": email})
        for email in (NATIONAL_USER, AUTHORITY_USER)
    ]
    with oidc_provider_mock.run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def sign_in_server(db: Path, folder: Path, provider: str) -> Server:
    """`streamlit run app.py` started from a folder holding `.streamlit/secrets.toml` (with
    `[auth]`) and the project's `.streamlit/config.toml`; stopped by its PID."""
    port = free_port()
    url = f"http://localhost:{port}"
    settings = folder / ".streamlit"
    settings.mkdir(parents=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", settings / "config.toml")
    (settings / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-long-random-string-for-the-test-only"\n'
        'client_id = "ehdmm-browser-test"\n'
        'client_secret = "ehdmm-browser-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return Server(db, cwd=folder, host="localhost", port=port, env={"PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def signin_db(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("signin") / "signin.duckdb"
    shutil.copy(_demo_template, db)
    access.add_user(db, NATIONAL_USER, "national", None, actor="tests")
    access.add_user(db, AUTHORITY_USER, "authority", OWN, actor="tests")
    peers.save_custom_group(db, "three", [OWN, "E08000025", "E09000001"])
    assert peers.publish_group(db, "three", actor="tests")  # authority users may choose it
    return db


@pytest.fixture(scope="module")
def server(
    signin_db: Path, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    running = sign_in_server(signin_db, tmp_path_factory.mktemp("signin-home"), provider)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def settle(page) -> None:
    """Wait until the script run has finished (Streamlit marks its root element; the status
    widget says "Stop", not "Running", while a script runs, so it cannot tell) and no element
    of the run before is left stale: a download button clicked before then can be one whose
    file the finishing run has already withdrawn, and no download comes."""
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_timeout(300)


def sign_in(browser, server: Server, email: str):
    """A fresh browser context signed in as `email` through the provider's login form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server.url, wait_until="domcontentloaded", timeout=60_000)
    page.get_by_text("Please sign in").wait_for(timeout=60_000)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=email).click(timeout=60_000)  # the provider's form
    page.wait_for_url(f"{server.url}/**", timeout=60_000)
    page.locator('[data-testid="stSidebar"]').get_by_text("Signed in as").wait_for(timeout=60_000)
    page.get_by_text("Levels by strand").wait_for(timeout=60_000)
    settle(page)
    return context, page


def other_names(text: str, db: Path) -> list[str]:
    """Other authorities' names and ONS codes in `text` (whole words)."""
    frame = core.authorities(db)
    others = frame[frame["code"] != OWN]
    return [
        word
        for word in [*others["name"], *others["code"]]
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text.replace(OWN_NAME, " "))
    ]


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def open_page(page, server: Server, path: str, shows: str) -> str:
    """Open a page by its URL, wait until it shows `shows`, and return its main text."""
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded", timeout=60_000)
    page.locator('[data-testid="stMain"]').get_by_text(shows).first.wait_for(timeout=60_000)
    settle(page)
    return main_text(page)


def test_a_national_user_signs_in_and_sees_every_authority(browser, server, signin_db):
    context, page = sign_in(browser, server, NATIONAL_USER)
    try:
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert f"Signed in as {NATIONAL_USER}, national role." in sidebar
        assert "Local mode" not in main_text(page)
        overview = open_page(page, server, "Overview", "Every authority")
        assert "National overview" in overview and "for the national team" not in overview
        # the comparison starts with the authority and its closest statistical neighbours
        compare = open_page(page, server, "Compare?authority=E06000023", "Side by side")
        assert len(other_names(compare, signin_db)) >= 3, compare
    finally:
        context.close()
    log = access.audit_log(signin_db, LOCAL_VIEWER)
    assert ((log["actor"] == NATIONAL_USER) & (log["action"] == "sign-in")).any()


def test_an_authority_user_signs_in_and_sees_only_its_own_authority(browser, server, signin_db):
    context, page = sign_in(browser, server, AUTHORITY_USER)
    try:
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert f"Signed in as {AUTHORITY_USER} ({OWN}), authority role." in sidebar
        home = main_text(page)
        assert OWN_NAME in home and not other_names(home, signin_db)
        for path in ("Overview", "Audit"):  # every national-only page: tests/test_roles.py
            text = open_page(page, server, path, "This page is for the national team.")
            assert "This page is for the national team." in text, path
        link = "Peer_benchmark?authority=E08000025&peers=region"
        text = open_page(page, server, link, "The peer group")
        assert "the authority in the link was refused" in text
        assert "Same region has 15 members" in text
        assert not other_names(text, signin_db)
        assert "authority=E06000023" in page.url
        text = open_page(page, server, "Authority_profile?peers=custom:three", "Evidence notes")
        assert "Suppressed: fewer than 5 other authorities" in text
        assert not other_names(text, signin_db)
        # a download is an export in the audit log
        expander = (
            page.get_by_test_id("stExpander")
            .filter(has_text="Data behind this chart, and downloads")
            .first
        )
        expander.get_by_text("Data behind this chart, and downloads").click()
        csv = expander.get_by_test_id("stDownloadButton").get_by_role("button", name="CSV")
        csv.first.wait_for(state="visible", timeout=60_000)  # the expander's own button, open
        settle(page)
        with page.expect_download(timeout=60_000) as download:
            csv.first.click()
        data = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "suppressed" in data and not other_names(data, signin_db)
    finally:
        context.close()
    log = access.audit_log(signin_db, LOCAL_VIEWER)
    mine = log[log["actor"] == AUTHORITY_USER]
    assert "sign-in" in set(mine["action"])
    exports = mine[mine["action"] == "export"]
    assert len(exports) == 1 and exports.iloc[0]["detail"].startswith(OWN)
    assert exports.iloc[0]["detail"].endswith(".csv")
