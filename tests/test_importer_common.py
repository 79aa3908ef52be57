"""What the importer's parts share (ehdmm/importer/common.py): a problem printed on one line,
whatever the file's name holds."""

from __future__ import annotations

import pytest

from ehdmm.importer.common import Problem, size_text


@pytest.mark.parametrize(
    "name",
    ["evil\nreturn.csv: imported 999 submission(s)", "\x1b[2Jreturn.csv", "tab\there.csv"],
)
def test_a_file_name_cannot_forge_lines(name: str) -> None:
    text = str(Problem(name, 2, "level", "'9' is not a level"))
    assert "\n" not in text and "\x1b" not in text and "\t" not in text
    assert text.startswith(repr(name))


def test_a_plain_file_name_is_shown_as_it_is() -> None:
    text = str(Problem("Bristol return é.csv", 2, "level", "x"))
    assert text == "Bristol return é.csv, row 2, column 'level': error: x"


def test_sizes_in_words() -> None:
    assert size_text(3 * 1024**3) == "3.0 GB (3,221,225,472 bytes)"
    assert size_text(20 * 1024**2) == "20.0 MB (20,971,520 bytes)"
    assert size_text(1048) == "1,048 bytes"
