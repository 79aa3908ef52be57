"""What every subcommand shares: exit codes, the usage error, `--db` and `--actor`, the
database a command works on, and progress lines on stderr."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from ehdmm import database
from ehdmm.storage import DEFAULT_DB_PATH, resolve_db_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command's words (exit 2)."""


def err(message: str) -> None:
    print(message, file=sys.stderr)


def db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $EHDMM_DB, else data/ehdmm.duckdb)",
    )


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def actor_arg(parser: argparse.ArgumentParser, help: str) -> None:
    """`--actor WHO`: who did it, for the audit log (default `cli:<login name>`)."""
    parser.add_argument("--actor", default=default_actor(), help=help)


def existing_db(args: argparse.Namespace, *, create_empty: bool = False) -> Path:
    """The database to use; the default one is created with demo data on first use."""
    path = resolve_db_path(args.db)
    if path.exists():
        return path
    if path == DEFAULT_DB_PATH:
        err(f"No database at {path}: creating it with the synthetic demo data.")
        database.ensure_demo_db(path)
        return path
    if create_empty:
        err(f"No database at {path}: creating an empty one with the reference data.")
        return database.init_db(path)
    raise database.missing_database_error(path)


def progress_printer(stream=None) -> Callable[[int, int, str], None]:
    """A progress line on stderr: rewritten in place on a terminal, one line each otherwise."""
    stream = stream or sys.stderr
    interactive = stream.isatty()

    def show(done: int, total: int, label: str) -> None:
        if done == 0:
            stream.write(f"Making {total} report(s)...\n")
        elif interactive:
            end = "\n" if done == total else ""
            stream.write(f"\r[{done}/{total}] {label[:60]:<60}{end}")
        else:
            stream.write(f"[{done}/{total}] {label}\n")
        stream.flush()

    return show
