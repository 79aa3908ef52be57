"""Reading a CSV file's bytes (ehdmm/importer/reading.py): a NUL anywhere in the file means it is
not text; UTF-32 is named as UTF-32 (not UTF-16)."""

from __future__ import annotations

import pytest

from ehdmm.importer.common import Reject
from ehdmm.importer.reading import decode

TEXT = "authority,round,dimension,level\r\n" + "E06000023,2026-03,cba,2\r\n" * 300


def test_a_nul_after_the_first_4_kb_is_refused_with_its_line() -> None:
    data = TEXT.encode() + b"E06000023,2026-03,cba,2,ev\x00idence\r\n"
    assert len(data) > 4096
    with pytest.raises(Reject) as caught:
        decode(data)
    assert "not a text CSV file" in caught.value.message
    assert caught.value.row == 302


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"),
        b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"),
        TEXT.encode("utf-32-le"),
        TEXT.encode("utf-32-be"),
    ],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_utf32_is_named_utf32(data: bytes) -> None:
    with pytest.raises(Reject) as caught:
        decode(data)
    assert "UTF-32" in caught.value.message and "UTF-16" not in caught.value.message
    assert "save it again as CSV UTF-8" in caught.value.message


@pytest.mark.parametrize(
    "data", [b"\xff\xfe" + TEXT.encode("utf-16-le"), TEXT.encode("utf-16-le")], ids=["bom", "raw"]
)
def test_utf16_is_still_named_utf16(data: bytes) -> None:
    with pytest.raises(Reject) as caught:
        decode(data)
    assert "UTF-32" not in caught.value.message
