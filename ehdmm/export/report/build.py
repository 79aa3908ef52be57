"""One authority's report, built once for any viewer.

A round's data is read once through the viewer (`ReportInputs`: levels, dimension levels,
ratings, checklist answers, and per authority either the peer group's members or the peer
aggregates), and `build_report` assembles one authority's report from it with the analysis and
chart functions of the Authority profile and Peer benchmark pages. There is one builder for
every viewer; the viewer decides what it shows of the peers:

- a national viewer's report names the peer group's members (the peer list, the spread of
  the maturity index by authority); its peer and England figures are computed from the round's
  data already loaded, with the same functions as `ehdmm.analysis.aggregates` (unrestricted);
- an authority viewer gets its own authority's report only, with every peer-group and England
  figure from `ehdmm.analysis.aggregates.report_figures`, after disclosure control: nothing in
  it names, lists or plots another authority.

`load_inputs` reads the round for a batch (national viewers); `report_data` reads it for one
authority and any viewer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ehdmm import disclosure, scoring, wording
from ehdmm import peers as peer_groups
from ehdmm.analysis import aggregates, benchmark, core, profile, spread
from ehdmm.charts import benchmark as benchmark_charts
from ehdmm.charts import profile as profile_charts
from ehdmm.charts import theme
from ehdmm.export.report.data import (
    ReportChart,
    ReportData,
    ReportError,
    ReportInputs,
    ReportTable,
    check_report_access,
)
from ehdmm.export.report.wording import (
    AGGREGATES_TEXT,
    DEMO_WARNING,
    INDEX_TEXT,
    NATIONAL_ONLY,
    SELF_ASSESSED,
)
from ehdmm.model import Model, load_model
from ehdmm.scoring import Rule
from ehdmm.storage import connect, submissions
from ehdmm.storage import exports as store
from ehdmm.storage import reference as ref
from ehdmm.storage import responses as responses_store
from ehdmm.viewer import Viewer


def load_inputs(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None,
    peers: str,
    rule: str,
    codes: Sequence[str] | None = None,
    model: Model | None = None,
) -> ReportInputs:
    """A round's data for the reports of `codes` (default: every authority), read once, for a
    batch. `round_id` None means the latest round with a submission. National viewers only: the
    reports name the peer group's members (`PermissionError` otherwise)."""
    if not viewer.sees_all:
        raise PermissionError(NATIONAL_ONLY)
    return _read(db, viewer, round_id, peers, rule, codes, model)


def _read(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None,
    peers: str,
    rule: str,
    codes: Sequence[str] | None,
    model: Model | None,
) -> ReportInputs:
    """The round's data through the viewer; for a viewer who does not see every authority, the
    peer aggregates of each code (after disclosure control) instead of the members."""
    model = model or load_model()
    named = viewer.sees_all
    with connect(db) as conn:  # one connection for every read (opening one takes ~15 ms)
        group, rounds, round_id = _check_request(conn, round_id, peers, rule)
        authorities = ref.authorities(conn)
        known = set(authorities["code"])
        codes = list(authorities["code"]) if codes is None else list(codes)
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ReportError(f"unknown authority code(s): {', '.join(unknown)}")
        levels = scoring.authority_levels(conn, viewer, None, rule, model)
        dims = scoring.dimension_levels(conn, viewer, round_id)
        members = (
            {c: peer_groups.peer_members(conn, viewer, c, group) for c in codes} if named else {}
        )
        ratings = store.round_ratings(conn, viewer, round_id)
        checklist = store.round_checklist(conn, viewer, round_id)
        response_levels = responses_store.round_levels(conn, viewer, round_id)
        demo = submissions.is_demo(conn)
    figures = (
        {}
        if named
        else {
            c: aggregates.report_figures(db, viewer, c, group.key, round_id, rule, model)
            for c in codes
        }
    )
    wide_all = core.with_meta(levels, authorities)
    wide = wide_all[wide_all["round_id"] == round_id].reset_index(drop=True)
    ratings["level"] = ratings["level"].astype("Int64")
    path = Path(os.fspath(db)) if db is not None else None
    return ReportInputs(
        model=model,
        round_id=round_id,
        rule=rule,
        peers=group.key,
        peers_label=group.label,
        rounds=rounds,
        wide=wide,
        wide_all=wide_all,
        dims=dims,
        authorities=authorities,
        ratings=ratings,
        checklist=checklist,
        codes=tuple(codes),
        demo=demo,
        source=f"ehdmm database {path.name}" if path is not None else "ehdmm database",
        named=named,
        members=members,
        figures=figures,
        response_levels=response_levels,
    )


def _check_request(
    conn: duckdb.DuckDBPyConnection, round_id: str | None, peers: str, rule: str
) -> tuple[peer_groups.PeerGroup, tuple[str, ...], str]:
    """(peer group, rounds with submissions, the round) of a report request; `ReportError`
    for an unknown rule, peer group or round."""
    try:
        Rule.of(rule)
        group = peer_groups.parse_peer_group(peers)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    rounds = tuple(core.current_rounds(conn))
    if not rounds:
        raise ReportError(
            "No self-assessments have been submitted yet: there is nothing to report."
        )
    round_id = round_id or rounds[-1]
    if round_id not in rounds:
        raise ReportError(
            f"round '{round_id}' has no current submissions (rounds with submissions: "
            f"{', '.join(rounds)})"
        )
    if group.kind == "custom" and group.custom_name not in set(ref.custom_groups(conn)["name"]):
        raise ReportError(f"there is no custom peer group '{group.custom_name}'")
    return group, rounds, round_id


def report_data(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    today: date | None = None,
) -> ReportData:
    """One authority's report for `viewer`: a national viewer's names the peer group's members;
    an authority viewer gets its own authority's report with every peer and England figure an
    aggregate under disclosure control, and `AccessDenied` for any other authority."""
    check_report_access(viewer, authority)
    inputs = _read(db, viewer, round_id, peers, rule, [authority], None)
    return build_report(inputs, authority, today)


def own_report_data(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    today: date | None = None,
) -> ReportData:
    """`report_data` for the viewer's own authority (`AccessDenied` for any other)."""
    return report_data(db, viewer, authority, round_id, peers, rule, today)


def reports(
    inputs: ReportInputs, codes: Sequence[str], today: date | None = None
) -> Iterator[ReportData]:
    """One `ReportData` after another for `codes`, from a round's data loaded once."""
    for code in codes:
        yield build_report(inputs, code, today)


# --------------------------------------------------------------------------------------------
# One builder for every viewer


def build_report(inputs: ReportInputs, code: str, today: date | None = None) -> ReportData:
    """One authority's report from a round's data (no database access)."""
    if code not in inputs.codes:
        raise ReportError(f"{code} is not among the authorities loaded for these reports")
    model, label = inputs.model, inputs.peers_label
    meta = inputs.authorities.set_index("code").loc[code]
    name = str(meta["name"])
    figures = inputs.figures_for(code)
    counts, n = figures.counts, figures.counts.submitted
    has_submission = profile.has_submission(inputs.wide, code)
    overall, index, in_group = profile.own_headline(inputs.wide, code, counts.in_group, model)
    words = wording.rank_words(figures.rank)
    rank_text, percentile_text = words.rank, words.percentile
    values = {items: _compared(inputs, figures, code, items) for items in ("strand", "dimension")}
    strands = profile.comparison_table(values["strand"], name, label)
    by_dimension = profile.comparison_table(values["dimension"], name, label)
    charts, notices = _level_charts(inputs, figures, code, name, values["dimension"], by_dimension)
    dist = figures.distribution
    distribution = _distribution_chart(inputs, code, name, n, has_submission, dist, charts)
    trajectory, trajectory_summary = _trajectory(inputs, code, name, charts)
    index_summary, index_table = _index(inputs, figures, code, name, index)
    against = "England" if label == "England" else f"{label} and England"
    la_number = meta["la_number"]
    return ReportData(
        authority=code,
        authority_name=name,
        region=str(meta["region"]),
        la_type=str(meta["la_type"]),
        la_number=None if pd.isna(la_number) else int(la_number),
        round_id=inputs.round_id,
        rule=inputs.rule,
        peers=inputs.peers,
        peers_label=label,
        demo=inputs.demo,
        generated=today or date.today(),
        source=inputs.source,
        has_submission=has_submission,
        in_group=in_group,
        overall=overall,
        index=index,
        rank=rank_text,
        percentile=percentile_text,
        rank_n=figures.rank.n if figures.rank is not None else 0,
        member_count=counts.members,
        n=n,
        strands=strands,
        position=benchmark.position_text(dist, name, model, has_submission),
        index_summary=index_summary,
        charts=tuple(charts),
        cards=_cards(inputs, code) if has_submission else (),
        evidence=profile.evidence_table(
            _own(inputs.ratings, code, ["dimension_id", "level", "evidence", "confidence"]), model
        ),
        checklist=profile.checklist_table(
            _own(inputs.checklist, code, ["item_id", "in_place", "note"]), model
        ),
        checklist_intro=model.checklist_intro,
        tables=(
            ReportTable(f"Levels by dimension: {name}, {against}", by_dimension),
            ReportTable(f"Levels by strand: {name}, {against}", strands),
            ReportTable(
                f"Members at each level, by strand ({label})",
                distribution,
                note="" if inputs.named else benchmark.suppression_rules(),
            ),
            ReportTable(f"{name}: trajectory across rounds", trajectory),
            index_table,
        ),
        notices=_notices(inputs, name, has_submission, in_group, n, notices),
        caveats=_caveats(inputs, figures),
        trajectory_summary=trajectory_summary,
        named=inputs.named,
        **_spread(inputs, code),
    )


def _spread(inputs: ReportInputs, code: str) -> dict[str, object]:
    """The authority's respondents' spread beside its agreed levels (see `spread.report_spread`)
    and how many responses it counts; nothing without submitted responses."""
    levels = inputs.response_levels
    if levels.empty:
        return {}
    own = levels[levels["authority_code"] == code]
    if own.empty:
        return {}
    agreed = _own(inputs.ratings, code, ["dimension_id", "level"]).dropna(subset=["level"])
    table = spread.report_spread(
        own, {d: int(v) for d, v in agreed.itertuples(index=False)}, inputs.model
    )
    counted = int(own.groupby("dimension_id").size().max())
    return {"spread": table, "respondents": counted}


def _own(frame: pd.DataFrame, code: str, columns: list[str]) -> pd.DataFrame:
    return frame.loc[frame["authority_code"] == code, columns].reset_index(drop=True)


def _compared(
    inputs: ReportInputs, figures: aggregates.ReportFigures, code: str, items: profile.Items
) -> pd.DataFrame:
    """The authority's levels per item against the peer and England medians of `figures`."""
    tidy = inputs.strand_tidy if items == "strand" else inputs.dimension_tidy
    return profile.comparison_from(
        tidy,
        code,
        figures.medians[f"peer:{items}"],
        figures.medians[f"england:{items}"],
        inputs.model,
        items,
    )


def _cards(inputs: ReportInputs, code: str) -> tuple[profile.StrandCard, ...]:
    return tuple(profile.strand_cards(inputs.dims, inputs.strand_tidy, code, inputs.model))


def _level_charts(
    inputs: ReportInputs,
    figures: aggregates.ReportFigures,
    code: str,
    name: str,
    values: pd.DataFrame,
    table: pd.DataFrame,
) -> tuple[list[ReportChart], list[str]]:
    """(the radar and its dot plot of the dimension levels against the medians, none without
    a submission; what the reader must know about them)."""
    label, round_id, rule = inputs.peers_label, inputs.round_id, inputs.rule
    charts: list[ReportChart] = []
    notices: list[str] = []
    if not profile.has_submission(inputs.wide, code):
        return charts, notices
    notes = profile.median_notes(values, aggregates.suppressed_note())
    options = {
        "round_id": round_id,
        "n": figures.counts.submitted,
        "rule": rule,
        "authority_name": name,
        "peers_label": label,
        "england_n": figures.england.submitted,
        "peer_note": notes["peer"],
        "england_note": notes["england"],
    }
    for prefix, who in (("peer", label), ("england", "England")):
        if notes[prefix]:
            notices.append(f"{who} median: {notes[prefix]}")
    missing = profile.missing_items(values)
    if missing:
        notices.append(
            f"{name} has no level for: {', '.join(missing)} (incomplete: a gap in the radar, "
            "'incomplete' in the dot plot and tables)."
        )
    summary = profile.comparison_summary(values, name, label, "dimension")
    for key, heading, make in (
        ("radar", "Radar: level by dimension", profile_charts.radar),
        ("dots", "The same levels as a dot plot", profile_charts.dot_plot),
    ):
        charts.append(
            ReportChart(
                key,
                heading,
                make(values, inputs.model, **options),
                table,
                summary,
                theme.file_stem(code, round_id, f"{key}-dimension", rule),
                alt=_level_alt(key, values, name, label, notes["peer"] is None),
            )
        )
    return charts, notices


def _level_alt(
    key: str, values: pd.DataFrame, name: str, peers_label: str, peer_shown: bool
) -> str:
    """The alt text of the radar or the dot plot: what the picture is, then each dimension's
    level in words (the two pictures show the same values in different shapes)."""
    shape = (
        f"Radar chart of {name}'s level on each of the {len(values)} dimensions, one spoke per "
        "dimension from Early at the centre to Mature at the rim"
        if key == "radar"
        else f"Dot plot of {name}'s level on each of the {len(values)} dimensions, one row per "
        "dimension on a scale from Early to Mature"
    )
    against = f"the {peers_label} and England medians" if peer_shown else "the England median"
    pairs = zip(values["item_name"], values["level_name"], strict=True)
    levels = "; ".join(f"{item}: {level}" for item, level in pairs)
    return f"{shape}, with {against} for comparison. Levels: {levels}."


def _distribution_chart(
    inputs: ReportInputs,
    code: str,
    name: str,
    n: int | None,
    has_submission: bool,
    dist: pd.DataFrame,
    charts: list[ReportChart],
) -> pd.DataFrame:
    """The peer group's members at each level per strand, appended to `charts`; its table."""
    label, round_id, rule = inputs.peers_label, inputs.round_id, inputs.rule
    table = benchmark.distribution_table(dist, name)
    summary = benchmark.distribution_summary(dist)
    charts.append(
        ReportChart(
            "distribution",
            f"Members at each level, by strand ({label})",
            benchmark_charts.distribution_chart(
                dist,
                inputs.model,
                round_id=round_id,
                n=n,
                rule=rule,
                authority_name=name,
                peers_label=label,
                has_submission=has_submission,
            ),
            table,
            summary,
            theme.file_stem(code, round_id, "distribution-strand", rule),
            alt=f"Bar charts, one per strand, of how many members of {label} are at each level, "
            f"with {name}'s own level marked. {summary}",
        )
    )
    return table


def _trajectory(
    inputs: ReportInputs, code: str, name: str, charts: list[ReportChart]
) -> tuple[pd.DataFrame, str]:
    """(table, summary) of one authority's trajectory over the rounds; its chart is appended
    to `charts` when it has a submission in any round."""
    model, round_id, rule = inputs.model, inputs.round_id, inputs.rule
    traj = profile.trajectory(inputs.wide_all, code, inputs.rounds, model)
    table = profile.trajectory_table(traj, model)
    summary = profile.trajectory_summary(traj, name, model)
    if profile.submitted_rounds(traj):
        charts.append(
            ReportChart(
                "trajectory",
                "Overall level and maturity index by round",
                profile_charts.trajectory_chart(
                    traj,
                    model,
                    round_id=round_id,
                    n=None,
                    rule=rule,
                    authority_name=name,
                    mode="overall",
                ),
                table,
                summary,
                theme.file_stem(code, round_id, "trajectory-overall", rule),
                alt=f"Line chart of {name}'s overall level and maturity index in each round. "
                + summary,
            )
        )
    return table, summary


def _index(
    inputs: ReportInputs,
    figures: aggregates.ReportFigures,
    code: str,
    name: str,
    index: str,
) -> tuple[str, ReportTable]:
    """(sentence, table) of the peer group's maturity index: by member for named reports (the
    peer list), as quartiles (or suppressed) otherwise."""
    label, round_id, n = inputs.peers_label, inputs.round_id, figures.counts.submitted
    if inputs.named:
        members = inputs.members[code]
        points = benchmark.index_points(inputs.wide, members, code)
        peer_table = benchmark.peer_table(
            inputs.wide, inputs.authorities, members, inputs.model, code
        )
        note = f"{figures.counts.members} members, {n} with a submission in round {round_id}. "
        return benchmark.index_summary(points, name), ReportTable(
            f"The peer group: {label}", peer_table, note=note + SELF_ASSESSED
        )
    suppressed = aggregates.suppressed_note()
    if figures.index is None:
        text = f"The maturity index of {label}: {suppressed}."
        table = pd.DataFrame(
            {
                "Statistic": ["Lower quartile", "Median", "Upper quartile", name],
                "Maturity index": [disclosure.SUPPRESSED] * 3 + [index or benchmark.NO_INDEX],
            }
        )
    else:
        text = benchmark.index_quartiles_summary(figures.index, name)
        table = benchmark.index_quartiles_table(figures.index, name)
    note = (
        benchmark.members_text(figures.counts.members, label, figures.counts.in_group)
        + f" Members with a submission in round {round_id}: "
        + benchmark.count_text(n)
        + ". "
        + AGGREGATES_TEXT
    )
    return text, ReportTable(f"Maturity index of {label}: quartiles", table, note=note)


def _notices(
    inputs: ReportInputs,
    name: str,
    has_submission: bool,
    in_group: bool,
    n: int | None,
    chart_notices: list[str],
) -> tuple[str, ...]:
    label = inputs.peers_label
    notices = list(chart_notices)
    if not has_submission:
        shown = "its peer group" if inputs.named else "its peer group's aggregates"
        notices.append(
            f"{name} has no current submission in round {inputs.round_id}: the report shows "
            f"{shown} without its own position, and its trajectory."
        )
    if not in_group:
        notices.append(
            f"{name} is not a member of {label}: its own level is marked for comparison but not "
            "counted."
        )
    if n is None:
        notices.append(f"{label}, members with a submission: {aggregates.suppressed_note()}")
    return tuple(notices)


def _caveats(inputs: ReportInputs, figures: aggregates.ReportFigures) -> tuple[str, ...]:
    rank = (
        "Rank and percentile: among the members of the peer group with a complete return, by "
        "maturity index (1 = highest; ties share the best rank)"
    )
    caveats = [SELF_ASSESSED]
    if not inputs.named:
        caveats.append(AGGREGATES_TEXT + " " + benchmark.suppression_rules())
        caption = profile.rank_caption(figures.rank, inputs.peers_label, disclosure.threshold())
        rank += "; " + caption
    else:
        rank += "."
    caveats += [
        f"Scoring rule {Rule(inputs.rule).explanation}. A strand with a dimension not rated has no "
        "level (incomplete); nothing is averaged over fewer dimensions.",
        INDEX_TEXT,
        rank,
    ]
    if inputs.demo:
        caveats.insert(0, DEMO_WARNING)
    return tuple(caveats)
