"""Table column widths from the text they hold, measured with the font's metrics, shared by
Word and the PDF: every column at least as wide as its longest word (so that no word is ever
broken inside), what room is left given to the columns whose text would otherwise wrap.

Widths are measured in points with Liberation Sans (the metrics of Arial, the font the documents
name) and, where it is not installed, DejaVu Sans (wider, so never too narrow), through Pillow.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

FONT_DIRS = (
    Path(os.environ.get("EHDMM_FONT_DIR", "/usr/share/fonts/truetype")),
    Path("/usr/share/fonts/truetype"),
)
FONT_FILES = {
    False: ("liberation2/LiberationSans-Regular.ttf", "liberation/LiberationSans-Regular.ttf"),
    True: ("liberation2/LiberationSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf"),
}
FALLBACK_FILES = {False: "dejavu/DejaVuSans.ttf", True: "dejavu/DejaVuSans-Bold.ttf"}
MEASURE_SIZE = 100  # the font is loaded once at this size; lengths are scaled from it
AVERAGE_EM = 0.55  # width of an average character, in ems, when no font file is found
WIDEST_SHARE = 0.45  # no column's natural width beyond this share of the room
SLACK = 1.04  # text is given 4% more than measured (renderers round and kern differently)
BORDER_PT = 1.5  # a cell's two borders


@functools.cache
def font_file(bold: bool = False) -> Path | None:
    """The TrueType file measured: Liberation Sans (Arial's metrics), else DejaVu Sans."""
    for folder in FONT_DIRS:
        for name in (*FONT_FILES[bold], FALLBACK_FILES[bold]):
            if (folder / name).exists():
                return folder / name
    return None


@functools.cache
def _font(bold: bool) -> object | None:
    path = font_file(bold)
    if path is None:
        return None
    from PIL import ImageFont

    return ImageFont.truetype(str(path), MEASURE_SIZE)


@functools.lru_cache(maxsize=65536)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width (pt) of one line of `text` set at `size` pt."""
    font = _font(bold)
    if font is None:
        return len(text) * size * AVERAGE_EM
    return font.getlength(text) * size / MEASURE_SIZE  # type: ignore[attr-defined]


def longest_word(text: str, size: float, bold: bool = False) -> float:
    """The width (pt) of the widest word of `text` (words: split at white space)."""
    return max((text_width(word, size, bold) for word in text.split()), default=0.0)


def longest_line(text: str, size: float, bold: bool = False) -> float:
    """The width (pt) of the widest line of `text` set without wrapping."""
    return max((text_width(line, size, bold) for line in text.split("\n")), default=0.0)


@dataclass(frozen=True)
class Columns:
    """Column widths (pt) of a table and whether each column's text fits on one line."""

    widths: tuple[float, ...]
    one_line: tuple[bool, ...]
    minimum: tuple[float, ...]  # each column's longest word, with the cell's padding

    @property
    def total(self) -> float:
        return sum(self.widths)

    def fits(self, room: float) -> bool:
        """True when no column is narrower than its longest word within `room` pt."""
        return sum(self.minimum) <= room + 0.01


def column_widths(
    header: list[str], rows: list[list[str]], room: float, size: float, padding: float
) -> Columns:
    """Widths (pt) of the columns of a table `room` pt wide set at `size` pt (the header row in
    bold), `padding` pt inside each cell on either side (and room for its borders). Each column
    gets at least its longest word; when every column's text fits on one line there is room to
    spare, which is shared in proportion to the text; otherwise what is left goes to the
    columns whose text wraps, in proportion to how much they would need. When even the longest
    words do not fit, each column gets its longest word (the table is wider than `room`: put it
    on a wider page or set it smaller)."""
    columns = list(zip(header, *rows, strict=True)) if header else []
    minimum, natural, whole = [], [], []
    cap = room * WIDEST_SHARE
    for head, *cells in columns:
        word = max([longest_word(head, size, True)] + [longest_word(c, size) for c in cells])
        line = max([longest_word(head, size, True)] + [longest_line(c, size) for c in cells])
        pad = 2 * padding + BORDER_PT
        minimum.append(word * SLACK + pad)
        natural.append(max(word, min(line, cap)) * SLACK + pad)
        whole.append(line * SLACK + pad)
    total, spare = sum(natural), room - sum(minimum)
    if total <= room:
        widths = [w * room / total for w in natural] if total else []
    elif spare <= 0:
        widths = list(minimum)
    else:
        wants = [n - m for n, m in zip(natural, minimum, strict=True)]
        widths = [m + spare * w / sum(wants) for m, w in zip(minimum, wants, strict=True)]
    one_line = tuple(w + 0.01 >= n for w, n in zip(widths, whole, strict=True))
    return Columns(tuple(widths), one_line, tuple(minimum))
