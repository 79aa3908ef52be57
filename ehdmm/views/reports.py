"""The documents, from the views: an authority's benchmark report is rendered from its
Authority profile view (`ehdmm.export.report.report_from`), alone or in a batch whose round
is loaded once; the national pack from the round data of every round.

The functions that take a database read it through `ehdmm.analysis` (one short connection per
loader) and hand `ehdmm.export` only data already loaded: the command line calls them, and
the Reports page calls `batch_of` with the round data it already keeps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from ehdmm import moderation, scoring, tracking
from ehdmm.analysis import core, rounds
from ehdmm.analysis.rounds import RoundData
from ehdmm.export import pack
from ehdmm.export import report as documents
from ehdmm.export.report import ReportData, ReportError
from ehdmm.peers import parse_peer_group
from ehdmm.scoring import Rule
from ehdmm.viewer import Viewer
from ehdmm.views import profile
from ehdmm.views.scope import Scope, Token

Progress = pack.Progress
NOTHING = "No self-assessments have been submitted yet: there is nothing to report."


@dataclass(frozen=True)
class ReportBatch:
    """The reports of `codes` in one round, peer group and rule for one viewer, from round
    data loaded once: each report is rendered from the authority's profile view."""

    data: RoundData = field(repr=False)
    viewer: Viewer
    db: str
    token: Token
    peers: str
    codes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    @cached_property
    def beside(self) -> profile.Beside:
        """The targets, plan actions and response levels of every authority of the batch, read
        once (in one connection) when the first report is made."""
        return profile.read_beside(self.db, self.viewer, list(self.codes), self.data.round_id)

    def view(self, authority: str) -> profile.ProfileView:
        """The authority's profile view, as the Authority profile page builds it."""
        data = self.data
        scope = Scope(
            self.db, self.token, self.viewer, authority, data.round_id, self.peers, data.rule
        )
        return profile.build(scope, data, self.beside)

    def report(self, authority: str, today: date | None = None) -> ReportData:
        if authority not in self.codes:
            raise ReportError(f"{authority} is not among the authorities of these reports")
        return documents.report_from(self.view(authority), today)

    def reports(self, today: date | None = None) -> Iterator[ReportData]:
        """One report after another, in the order of `codes`, each made when asked for."""
        for code in self.codes:
            yield self.report(code, today)


def batch_of(
    data: RoundData,
    viewer: Viewer,
    db: str,
    token: Token,
    peers: str,
    codes: Sequence[str] | None = None,
    *,
    national: bool = True,
) -> ReportBatch:
    """The batch of `codes` (default: every authority) over round data already loaded;
    `ReportError` for no round, an unknown peer group or authority. A batch is for national
    viewers (`PermissionError` otherwise) unless `national` is False (one report, whose view
    refuses an authority viewer any authority but its own)."""
    if national and not viewer.sees_all:
        raise PermissionError(documents.NATIONAL_ONLY)
    catalogue = data.catalogue
    if data.round_id is None:
        raise ReportError(
            "No self-assessments have been submitted yet: there is nothing to report."
        )
    try:
        group = parse_peer_group(peers)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    if group.kind == "custom" and group.custom_name not in catalogue.custom_groups:
        raise ReportError(f"there is no custom peer group '{group.custom_name}'")
    known = catalogue.names
    codes = list(known) if codes is None else list(codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ReportError(f"unknown authority code(s): {', '.join(unknown)}")
    return ReportBatch(data, viewer, db, token, group.key, tuple(codes))


def _load(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None,
    peers: str,
    rule: str,
    codes: Sequence[str] | None,
    national: bool,
) -> ReportBatch:
    """Read the round (`round_id` None: the latest with a submission) and make the batch."""
    try:
        checked = Rule.of(rule)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    path, token = rounds.database_state(db)
    catalogue = rounds.load_catalogue(path)
    if not catalogue.rounds:
        raise ReportError(
            "No self-assessments have been submitted yet: there is nothing to report."
        )
    round_id = round_id or catalogue.rounds[-1]
    if round_id not in catalogue.rounds:
        raise ReportError(
            f"round '{round_id}' has no current submissions (rounds with submissions: "
            f"{', '.join(catalogue.rounds)})"
        )
    scores, returns = rounds.load_scores(path, checked), rounds.load_returns(path, round_id)
    # an authority viewer's peer figures come from the round's publication; a national
    # viewer's from live data (the publication is not read for it)
    published = None if viewer.sees_all else rounds.load_published(path, checked)
    data = RoundData.of(catalogue, scores, returns, round_id, published)
    return batch_of(data, viewer, path, token, peers, codes, national=national)


def load_batch(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None,
    peers: str,
    rule: str,
    codes: Sequence[str] | None = None,
) -> ReportBatch:
    """The reports of `codes` (default: every authority) in a round read once. National
    viewers only: the reports name the peer group's members (`PermissionError` otherwise)."""
    if not viewer.sees_all:  # before reading anything
        raise PermissionError(documents.NATIONAL_ONLY)
    return _load(db, viewer, round_id, peers, rule, codes, True)


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
    documents.check_report_access(viewer, authority)
    batch = _load(db, viewer, round_id, peers, rule, [authority], False)
    return batch.report(authority, today)


def report_bytes(
    db: core.Db,
    viewer: Viewer,
    authority: str,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    today: date | None = None,
    *,
    interactive: bool = True,
) -> tuple[str, bytes]:
    """(file name, bytes) of one authority's report."""
    documents.check_format(fmt)
    made = report_data(db, viewer, authority, round_id, peers, rule, today)
    return documents.file_name(made, fmt), documents.render(made, fmt, interactive=interactive)


def report_files(
    batch: ReportBatch,
    fmt: str,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    interactive: bool = False,
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each report of the batch (see `ehdmm.export.pack.report_files`)."""
    documents.check_format(fmt)
    made = batch.reports(today)
    return pack.report_files(made, len(batch), fmt, progress, interactive=interactive)


def reports_zip(
    batch: ReportBatch,
    fmt: str,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    interactive: bool = False,
) -> bytes:
    """The batch's reports as one zip of files named like
    E06000023_2026-03_region_gated_report.docx (HTML: static charts unless `interactive`).
    `progress(done, total, authority name)` is called before the first and after each report."""
    files = report_files(batch, fmt, progress, today, interactive=interactive)
    return pack.zip_bytes(files, fmt)


def write_reports(
    db: core.Db,
    viewer: Viewer,
    codes: Sequence[str] | None,
    round_id: str | None,
    peers: str,
    rule: str,
    fmt: str,
    out_dir: str | Path,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    interactive: bool = False,
) -> list[Path]:
    """Write one report file per authority of `codes` (None: every authority) into `out_dir`
    (created if needed; HTML: static charts unless `interactive`); returns the paths."""
    documents.check_format(fmt)
    batch = load_batch(db, viewer, round_id, peers, rule, codes)
    files = report_files(batch, fmt, progress, today, interactive=interactive)
    return pack.write_files(files, out_dir)


def national_pack(
    db: core.Db,
    viewer: Viewer,
    round_id: str | None = None,
    rule: str = scoring.DEFAULT_RULE,
    *,
    today: date | None = None,
) -> bytes:
    """The national pack (XLSX) of every round, or of `round_id`, read now (national viewers
    only: `PermissionError` otherwise)."""
    if not viewer.sees_all:
        raise PermissionError(pack.NATIONAL_ONLY)
    data = rounds.load_round(db, None, Rule.of(rule))
    return pack.national_pack(
        data,
        viewer,
        core.import_log(db),
        round_id,
        today=today,
        running=running(db, viewer, pack.latest_round(data, round_id)),
    )


def running(db: core.Db, viewer: Viewer, round_id: str | None) -> pack.Running | None:
    """The running of the pack's latest round (its response states and open queries), read
    now; None without a round."""
    if round_id is None:
        return None
    table, _ = tracking.read(db, viewer, round_id)
    queries = moderation.round_queries(db, viewer, round_id)
    open_queries = queries[queries["state"] != "resolved"]
    return pack.Running(
        round_id, table, moderation.queries_table(open_queries).drop(columns=["Resolution"])
    )
