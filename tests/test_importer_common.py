"""What the importer's parts share (ehdmm/importer/common.py): a problem printed on one line,
whatever the file's name holds."""

from __future__ import annotations

import pytest

from ehdmm.importer.common import (
    MAX_IMPORT_BYTES,
    ConfigurationError,
    Problem,
    max_import_bytes,
    size_text,
)


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


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "0", "-1", "big", "1e9", "20 MB"])
def test_an_unusable_size_limit_is_a_configuration_error_naming_the_variable(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", raw)
    with pytest.raises(ConfigurationError, match="EHDMM_MAX_IMPORT_MB is set to") as caught:
        max_import_bytes()
    assert "greater than 0" in str(caught.value)


@pytest.mark.parametrize(("raw", "expected"), [("", MAX_IMPORT_BYTES), (" 2 ", 2 * 1048576)])
def test_the_size_limit_is_the_default_or_the_megabytes_given(
    raw: str, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", raw)
    assert max_import_bytes() == expected
