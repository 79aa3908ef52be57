"""The README stays true to the code: its examples import and its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from ehdmm import cli
from ehdmm.authorities import AuthorityIndex
from ehdmm.importer import parse_return
from ehdmm.storage import connect
from ehdmm.storage import reference as ref

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_csv_examples_in_the_readme_are_valid_returns(empty_db):
    blocks = re.findall(r"```csv\n(.*?)```", README, flags=re.S)
    assert len(blocks) == 2
    with connect(empty_db) as conn:
        index = AuthorityIndex(ref.authorities(conn))
    for number, block in enumerate(blocks):
        plan = parse_return(
            f"example{number}.csv", block.encode(), authorities=index, known_rounds={"2026-03"}
        )
        assert plan.ok, [str(p) for p in plan.problems]
        assert plan.layout == ("long", "wide")[number]


def test_the_two_quickstart_commands_exist():
    assert "bash run-app.sh" in README and "bash run-tests.sh" in README
    assert (ROOT / "run-app.sh").exists() and (ROOT / "run-tests.sh").exists()
    assert "run-tests.sh" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_subcommand_is_documented():
    commands = cli.build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m ehdmm {name}" in README, name
