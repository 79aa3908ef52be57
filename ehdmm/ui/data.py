"""The pages' data: the round's data loaded once per database state, and every page's view
built once per scope, both kept by `ehdmm.ui.cache.cached` (the database path and its
last-write token are in every key, so a write makes fresh entries while widget changes and
other sessions reuse them).

- `catalogue(db, token)`: authorities, peer groups, rounds, demo flag (one connection);
- `scores(db, token, rule)`: the one scoring query of a database state and rule;
- `returns(db, token, round_id)`: a round's ratings and checklist answers;
- `published(db, token, rule)`: the rounds' latest publications, scored;
- `round_data(...)`: the four put together for a round (no reading);
- one function per page's view, from its `Scope`.
"""

from __future__ import annotations

from ehdmm import access, moderation
from ehdmm.analysis import aggregates, rounds
from ehdmm.analysis.rounds import Catalogue, Published, Returns, RoundData, Scores
from ehdmm.database import app_database
from ehdmm.scoring import Rule
from ehdmm.storage import last_write_token, resolve_db_path
from ehdmm.ui.cache import cached
from ehdmm.viewer import Viewer
from ehdmm.views import audit, benchmark, compare, home, overview, profile, trends
from ehdmm.views.scope import Scope, Token


def database_path() -> str:
    """The app's database (EHDMM_DB, else data/ehdmm.duckdb). Only the default path is created
    (with demo data) when no file exists; another missing path is a `StoreError` saying how to
    make one."""
    return str(app_database(resolve_db_path()))


def token(db: str) -> Token:
    return last_write_token(db)


# -- the round's data -------------------------------------------------------------------------


@cached(max_entries=16)
def catalogue(db: str, token: Token) -> Catalogue:
    """What the sidebar offers and every view names: authorities, peer groups, rounds."""
    return rounds.load_catalogue(db)


@cached(max_entries=16)
def scores(db: str, token: Token, rule: Rule) -> Scores:
    """Every authority's levels in every round under `rule`: one scoring query."""
    return rounds.load_scores(db, rule)


@cached(max_entries=32)
def returns(db: str, token: Token, round_id: str | None) -> Returns:
    """The round's ratings (with evidence) and checklist answers."""
    return rounds.load_returns(db, round_id)


@cached(max_entries=16)
def published(db: str, token: Token, rule: Rule) -> Published:
    """Every round's latest publication scored under `rule` (authority users' peer figures)."""
    return rounds.load_published(db, rule)


@cached(max_entries=64)
def round_data(db: str, token: Token, round_id: str | None, rule: Rule) -> RoundData:
    """The round's data under `rule` (every authority; rows reach a viewer only through
    `RoundData`'s methods that take it)."""
    return RoundData.of(
        catalogue(db, token),
        scores(db, token, rule),
        returns(db, token, round_id),
        round_id,
        published(db, token, rule),
    )


def of(scope: Scope) -> RoundData:
    """The round's data of a scope."""
    return round_data(scope.db, scope.token, scope.round_id, scope.rule)


def levels(db: str, token: Token, viewer: Viewer, round_id: str | None, rule: str):
    """Wide levels of a round (every round for None) that the viewer may see by name."""
    data = round_data(db, token, round_id, Rule.of(rule))
    return data.levels(viewer) if round_id is not None else data.history(viewer)


def rank(
    db: str,
    token: Token,
    viewer: Viewer,
    authority: str,
    peers: str,
    round_id: str | None,
    rule: str,
):
    """The authority's rank in its peer group (None when disclosure control suppresses it)."""
    data = round_data(db, token, round_id, Rule.of(rule))
    return aggregates.peer_figures(data, viewer, authority, peers).rank


# -- one view per page, per scope ------------------------------------------------------------


@cached
def home_view(scope: Scope) -> home.HomeView:
    return home.build(scope, of(scope))


@cached
def overview_view(scope: Scope) -> overview.OverviewView:
    flags = (
        moderation.open_flags(scope.db, scope.viewer, scope.round_id)
        if scope.viewer.sees_all and scope.round_id
        else None
    )
    return overview.build(scope, of(scope), flags)


@cached(max_entries=16)
def plans_beside(db: str, token: Token, viewer: Viewer) -> profile.Beside:
    """Every target and plan action the viewer may read (storage filters them by the viewer),
    read once per database state: a profile for another authority then opens no connection
    (opening one cost about 15 ms of a new authority's 100)."""
    return profile.read_beside(db, viewer, None, None, responses=False)


@cached
def profile_view(scope: Scope) -> profile.ProfileView:
    return profile.build(scope, of(scope), plans_beside(scope.db, scope.token, scope.viewer))


@cached
def benchmark_view(scope: Scope) -> benchmark.BenchmarkView:
    return benchmark.build(scope, of(scope))


@cached
def compare_view(scope: Scope) -> compare.CompareView:
    return compare.build(scope, of(scope))


@cached
def trends_view(scope: Scope) -> trends.TrendsView:
    return trends.build(scope, of(scope))


@cached(max_entries=16)
def audit_view(db: str, token: Token, viewer: Viewer) -> audit.AuditView:
    """The whole audit log, newest first; `AccessDenied` for an authority viewer."""
    return audit.build(access.audit_log(db, viewer))
