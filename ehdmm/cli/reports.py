"""Documents: `report` (one file per authority) and `pack` (the national workbook)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ehdmm import scoring
from ehdmm.cli.common import EXIT_OK, UsageError, db_arg, err, existing_db, progress_printer
from ehdmm.viewer import LOCAL_VIEWER


def cmd_report(args: argparse.Namespace) -> int:
    from ehdmm.analysis import core, exports
    from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
    from ehdmm.export import images
    from ehdmm.export import report as reports
    from ehdmm.views import reports as documents

    db = existing_db(args)
    authorities = core.authorities(db)
    if args.authority:
        try:
            codes = [AuthorityIndex(authorities).resolve(args.authority)]
        except AuthorityLookupError as exc:
            raise UsageError(f"--authority: {exc}") from exc
    else:
        codes = exports.filter_codes(authorities)
    interactive = (args.charts or ("interactive" if args.authority else "static")) == "interactive"
    if (args.format != "html" or not interactive) and (problem := images.chromium_problem()):
        err(f"note: {problem} The reports are written without their chart images.")
    started = time.perf_counter()
    try:
        paths = documents.write_reports(
            db,
            LOCAL_VIEWER,
            codes,
            args.round,
            args.peers,
            args.rule,
            args.format,
            args.out,
            progress=progress_printer(),
            interactive=interactive,
        )
    except reports.ReportError as exc:
        raise UsageError(str(exc)) from exc
    elapsed = time.perf_counter() - started
    print(
        f"{len(paths)} report(s) ({args.format}) written to {args.out} in {elapsed:.1f} s"
        + (f": {paths[0].name}" if len(paths) == 1 else ".")
    )
    return EXIT_OK


def cmd_pack(args: argparse.Namespace) -> int:
    from ehdmm.export import pack as packs
    from ehdmm.views import reports as documents

    db = existing_db(args)
    started = time.perf_counter()
    try:
        data = documents.national_pack(db, LOCAL_VIEWER, args.round, args.rule)
    except packs.PackError as exc:
        raise UsageError(str(exc)) from exc
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    elapsed = time.perf_counter() - started
    print(f"National pack written to {out} ({len(data) / 1e6:.1f} MB) in {elapsed:.1f} s.")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="authority benchmark reports (docx, pdf or html), one file per authority"
    )
    db_arg(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--authority", metavar="CODE", help="one authority: ONS code, DfE LA number or name"
    )
    which.add_argument("--all", action="store_true", help="every authority")
    p.add_argument("--round", metavar="ID", help="round (default: latest with a submission)")
    p.add_argument(
        "--peers",
        default="england",
        metavar="GROUP",
        help="peer group: england, region, type, neighbours or custom:<name> (default: england)",
    )
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--format", choices=["docx", "pdf", "html"], required=True)
    p.add_argument(
        "--charts",
        choices=["static", "interactive"],
        help="HTML charts: static SVG pictures (light files) or interactive (plotly.js in each "
        "file, about 5 MB; works offline). Default: interactive for --authority, static for --all",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the reports into")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("pack", help="the national pack: an XLSX workbook of every authority")
    db_arg(p)
    p.add_argument("--round", metavar="ID", help="one round (default: every round)")
    p.add_argument("--rule", choices=scoring.RULES, default=scoring.DEFAULT_RULE)
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.set_defaults(func=cmd_pack)
