"""Command line: `python -m ehdmm SUBCOMMAND --help`.

One module per group of subcommands, each with a `register(sub)` that adds its parsers; this
module builds the parser in the order of `REGISTRARS` and runs the chosen command.

Exit codes: 0 success (or a no-op), 1 failure (a rejected file, integrity problems, a busy or
unreadable database), 2 usage errors.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable, Sequence

import duckdb

from ehdmm import __version__
from ehdmm.cli import backup, groups, reports, returns, rounds, store, users
from ehdmm.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    default_actor,
    err,
)
from ehdmm.importer import ConfigurationError
from ehdmm.storage import StoreError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "default_actor", "main"]

REGISTRARS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    store.register_setup,
    returns.register,
    store.register_reading,
    groups.register,
    rounds.register,
    reports.register,
    users.register,
    backup.register,
)
"""Who adds which subcommands, in the order `--help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ehdmm",
        description="Data Maturity Model for Early Help Services: benchmarking store and tools.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"ehdmm {__version__} (DuckDB {duckdb.__version__}, Python "
        f"{platform.python_version()})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog} {args.command}: error: {exc}\n")
    except StoreError as exc:
        err(str(exc))
        return EXIT_FAILED
    except ConfigurationError as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog} {args.command}: configuration error: {exc}\n")
    except OSError as exc:  # a path that cannot be made or written (a file where a folder is...)
        from ehdmm.storage.db import describe_os_error

        err(f"{parser.prog} {args.command}: {describe_os_error(exc)}; check the path.")
        return EXIT_FAILED
    return EXIT_OK
