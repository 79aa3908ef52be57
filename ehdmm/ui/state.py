"""The shared sidebar: authority, round, peer group and scoring rule.

Choices persist across pages (in session state) and are mirrored in the URL query string
(`authority`, `round`, `peers`, `rule`), so a copied link reproduces the view. A URL value that
is not valid falls back to the default and the page shows a notice saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from ehdmm import peers, wording
from ehdmm.analysis.rounds import Catalogue
from ehdmm.scoring import DEFAULT_RULE, RULES, Rule
from ehdmm.storage import StoreError
from ehdmm.ui import auth, cache, data, nav
from ehdmm.ui.widgets import plain
from ehdmm.viewer import Viewer
from ehdmm.views.scope import Scope, Token

PARAMS = ("authority", "round", "peers", "rule")
RULE_HELP = (
    "Gated: a strand's level is the lowest of its dimensions. Best fit: the floor of their mean."
)


@dataclass(frozen=True)
class Selection:
    """What the sidebar chose (`scope`, the key of every view), with what pages say about it:
    the authority's name, the peer group's label, the rounds with submissions, whether the
    data are the demo set, the notices shown (e.g. a link's value refused) and when the round
    was last published (authority users' peer figures come from that publication)."""

    scope: Scope
    authority_name: str
    peers_label: str
    rounds: tuple[str, ...]
    demo: bool
    notices: tuple[str, ...] = field(default=())
    published_on: str | None = None

    @property
    def peers_md(self) -> str:
        """The peer group's label made safe for markdown (a custom group's name is user text:
        shown as written, never as a link, emphasis or HTML)."""
        return plain(self.peers_label)

    @property
    def db(self) -> str:
        return self.scope.db

    @property
    def token(self) -> Token:
        return self.scope.token

    @property
    def viewer(self) -> Viewer:
        return self.scope.viewer

    @property
    def authority(self) -> str:
        return self.scope.authority

    @property
    def round_id(self) -> str | None:
        return self.scope.round_id

    @property
    def peers(self) -> str:
        return self.scope.peers

    @property
    def rule(self) -> Rule:
        return self.scope.rule

    @property
    def previous_round(self) -> str | None:
        if self.round_id not in self.rounds:
            return None
        index = self.rounds.index(self.round_id)
        return self.rounds[index - 1] if index > 0 else None


cache.register(Selection)


def _persist_key(name: str) -> str:
    return f"ehdmm_{name}"


def _widget_key(name: str) -> str:
    return f"ehdmm_widget_{name}"


def _on_change(name: str) -> None:
    value = st.session_state[_widget_key(name)]
    st.session_state[_persist_key(name)] = value
    st.query_params[name] = value


def _choose(
    name: str, options: list[str], default: str, describe: Callable[[str], str], notices: list[str]
) -> str:
    """The value for one control: the URL's if valid, else the session's, else the default."""
    from_url = st.query_params.get(name)
    if from_url is not None:
        if from_url in options:
            return from_url
        notices.append(
            f"The link's {name} '{from_url}' is not valid here, so the page shows "
            f"{describe(default)} instead."
        )
        return default
    remembered = st.session_state.get(_persist_key(name))
    return remembered if remembered in options else default


def _open() -> tuple[str, Token, Viewer, Catalogue]:
    """(database, its last-write token, the session's viewer, the catalogue); stops the page
    with a clear message when the database cannot be read."""
    try:
        db = data.database_path()
        token = data.token(db)
        viewer = auth.session_viewer(db, token)
        return db, token, viewer, data.catalogue(db, token)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    except OSError as exc:  # e.g. the folder for a new demo database cannot be made
        from ehdmm.storage import resolve_db_path
        from ehdmm.storage.db import describe_os_error

        st.error(
            f"Cannot open or create the database {resolve_db_path()}: {describe_os_error(exc)}. "
            "Point EHDMM_DB at a database file in a folder that can be written to, then reload "
            "the page."
        )
        st.stop()
    raise AssertionError("not reached: st.stop() raises")


def _values(
    viewer: Viewer, found: Catalogue, notices: list[str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(the chosen value of each control, each control's options): from the link, else the
    session, else the default; an authority user's link to another authority refused."""
    labels = found.labels
    codes = list(labels)
    if not viewer.sees_all:
        # An authority user sees its own authority by name, and no other.
        codes = [viewer.authority_code]
        asked = st.query_params.get("authority")
        if asked is not None and asked != viewer.authority_code:
            # The refused code is not repeated: no other authority is named on the page.
            notices.append(
                "You can only see your own authority's data by name, so the authority in the "
                f"link was refused; showing {labels.get(codes[0], codes[0])}."
            )
            st.query_params["authority"] = viewer.authority_code
    options = {
        "authority": codes,
        "round": list(reversed(found.rounds)),
        "peers": [*peers.BUILT_IN, *[f"custom:{g}" for g in found.offered_groups(viewer)]],
        "rule": [r.value for r in RULES],
    }
    describe = {
        "authority": lambda c: labels.get(c, c),
        "round": lambda r: f"round {r}",
        "peers": lambda p: peers.parse_peer_group(p).label,
        "rule": lambda r: f"the {r} rule",
    }
    defaults = {"authority": codes[0], "peers": "england", "rule": DEFAULT_RULE.value}
    values = {}
    for name, choices in options.items():
        if not choices:  # no round with submissions yet
            values[name] = ""
            continue
        default = defaults.get(name, choices[0])
        values[name] = _choose(name, choices, default, describe[name], notices)
        st.session_state[_persist_key(name)] = values[name]
        st.session_state[_widget_key(name)] = values[name]
    return values, options


def _draw(options: dict[str, list[str]], labels: dict[str, str]) -> None:
    """The sidebar's controls (their values set beforehand in the session state)."""
    with st.sidebar:
        st.header("View")
        st.selectbox(
            "Authority",
            options["authority"],
            format_func=lambda c: labels.get(c, c),
            key=_widget_key("authority"),
            on_change=_on_change,
            args=("authority",),
            help="Type a name, ONS code or DfE LA number to search.",
        )
        if options["round"]:
            st.selectbox(
                "Round",
                options["round"],
                key=_widget_key("round"),
                on_change=_on_change,
                args=("round",),
            )
        st.selectbox(
            "Peer group",
            options["peers"],
            format_func=lambda p: peers.parse_peer_group(p).label,
            key=_widget_key("peers"),
            on_change=_on_change,
            args=("peers",),
        )
        st.radio(
            "Scoring rule",
            options["rule"],
            format_func=lambda rule: Rule(rule).label,
            key=_widget_key("rule"),
            on_change=_on_change,
            args=("rule",),
            help=RULE_HELP,
        )


def sidebar(*, need_round: bool = True) -> Selection:
    """Draw the navigation and the shared sidebar and return the selection. Stops the page
    with a clear message when the database cannot be read."""
    db, token, viewer, found = _open()
    nav.navigation(viewer)
    if found.demo:
        st.warning(f"**{wording.DEMO_TITLE}** {wording.DEMO_TEXT}", icon="⚠️")
    notices: list[str] = []
    values, options = _values(viewer, found, notices)
    _draw(options, found.labels)
    st.query_params.from_dict({k: v for k, v in values.items() if v})
    for notice in notices:
        st.info(plain(notice), icon="ℹ️")  # it may quote a link's value: plain text
    if need_round and not options["round"]:
        st.info(
            "No self-assessments have been submitted yet. Import returns with "
            "`python -m ehdmm import FILE`."
        )
        st.stop()
    scope = Scope(
        db=db,
        token=token,
        viewer=viewer,
        authority=values["authority"],
        round_id=values["round"] or None,
        peers=values["peers"],
        rule=Rule(values["rule"]),
    )
    return Selection(
        scope=scope,
        authority_name=found.names.get(values["authority"], values["authority"]),
        peers_label=peers.parse_peer_group(values["peers"]).label,
        rounds=found.rounds,
        demo=found.demo,
        notices=tuple(notices),
        published_on=found.published_on(values["round"] or None),
    )
