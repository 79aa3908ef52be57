"""The Data Maturity Model for Early Help Services, loaded from its YAML file.

The wording of the model lives in ``ehdmm/models/*.yaml``. This module only serves it, as
typed objects (`ehdmm.model_file` reads and checks the file). It names no strands, dimensions
or levels itself.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_MODEL_PATH",
    "LEVEL_NUMBERS",
    "CaseStudy",
    "ChecklistItem",
    "Correction",
    "Dimension",
    "Level",
    "Model",
    "ModelError",
    "Strand",
    "find_dimension",
    "load_model",
    "parse_level",
    "split_statements",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "dmm-2017-12.yaml"
LEVEL_NUMBERS: tuple[int, ...] = (1, 2, 3, 4)


class ModelError(ValueError):
    """The model file is missing, unreadable or inconsistent."""


# --------------------------------------------------------------------------------------------
# Sentences


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.")
# End of a sentence: ".", "!" or "?", maybe a closing ")", then whitespace and a capital letter.
_BOUNDARY = re.compile(r"[.!?]\)?(?=\s+[A-Z])")


def split_statements(text: str) -> tuple[str, ...]:
    """Split a descriptor into its sentences, in order.

    A sentence ends after ".", "!" or "?" (or "?)" and the like) when whitespace and a capital
    letter follow, but never after "e.g.", "i.e." or "etc.". For single-spaced text,
    ``" ".join(split_statements(text)) == text``.
    """
    statements: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        head = text[start : match.start() + 1].lower()
        if head.endswith(_ABBREVIATIONS) and _is_whole_word(head):
            continue
        statements.append(text[start:end].strip())
        start = end
    rest = text[start:].strip()
    if rest:
        statements.append(rest)
    return tuple(statements)


def _is_whole_word(head: str) -> bool:
    """True when the abbreviation at the end of ``head`` is not the tail of a longer word."""
    for abbreviation in _ABBREVIATIONS:
        if head.endswith(abbreviation):
            before = head[: -len(abbreviation)]
            return not before or not before[-1].isalnum()
    return False


# --------------------------------------------------------------------------------------------
# Data classes


@dataclass(frozen=True)
class Level:
    """A maturity level, with its bullets from the whole-family-view overview table."""

    number: int
    name: str
    overview: dict[str, tuple[str, ...]]
    # Overview columns whose last bullet is cut short in the source.
    overview_incomplete: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dimension:
    """An assessed row of a strand's table: one descriptor per level."""

    id: str
    name: str
    strand_id: str
    descriptors: dict[int, str]
    statements: dict[int, tuple[str, ...]]

    def descriptor(self, level: int) -> str:
        """The descriptor text for level number ``level`` (1-4)."""
        if isinstance(level, bool) or level not in self.descriptors:
            raise ValueError(
                f"No descriptor for level {level!r} in dimension {self.id!r}; "
                f"expected one of {', '.join(str(n) for n in sorted(self.descriptors))}."
            )
        return self.descriptors[level]


@dataclass(frozen=True)
class Strand:
    """A transformation strand: a page of the model with its measures and dimensions."""

    id: str
    name: str
    page_title: str
    measures: str
    measures_incomplete: bool
    measures_fragments: tuple[str, ...]
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the pre-model checklist."""

    id: str
    text: str


@dataclass(frozen=True)
class CaseStudy:
    """A local authority case study."""

    authority: str
    text: str


@dataclass(frozen=True)
class Correction:
    """A typo fixed in the transcription: ``from_text`` as printed, ``to_text`` as used."""

    where: str
    from_text: str
    to_text: str
    reason: str


@dataclass(frozen=True)
class Model:
    """The whole maturity model."""

    id: str
    version: str
    title: str
    publisher: str
    programme: str
    published: str
    licence: str
    licence_note: str
    introduction: tuple[str, ...]
    overview_columns: dict[str, str]
    levels: tuple[Level, ...]
    strands: tuple[Strand, ...]
    checklist_intro: str
    checklist: tuple[ChecklistItem, ...]
    case_studies: tuple[CaseStudy, ...]
    case_studies_footer: str
    corrections: tuple[Correction, ...]
    overview_title: str = ""

    # -- lookups ------------------------------------------------------------------------------

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        """All dimensions, in strand order."""
        return tuple(dimension for strand in self.strands for dimension in strand.dimensions)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(dimension.id for dimension in self.dimensions)

    @property
    def strand_ids(self) -> tuple[str, ...]:
        return tuple(strand.id for strand in self.strands)

    @property
    def level_names(self) -> dict[int, str]:
        """Level number -> name."""
        return {level.number: level.name for level in self.levels}

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id; ``KeyError`` if there is none."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(f"Unknown dimension id {dimension_id!r}")

    def strand(self, strand_id: str) -> Strand:
        """The strand with this id; ``KeyError`` if there is none."""
        for strand in self.strands:
            if strand.id == strand_id:
                return strand
        raise KeyError(f"Unknown strand id {strand_id!r}")

    def strand_of(self, dimension_id: str) -> Strand:
        """The strand that holds the dimension ``dimension_id``."""
        return self.strand(self.dimension(dimension_id).strand_id)

    def level(self, number: int | str) -> Level:
        """The level for a number or name (anything :meth:`parse_level` accepts)."""
        wanted = self.parse_level(number)
        return next(level for level in self.levels if level.number == wanted)

    # -- parsing user input ---------------------------------------------------------------------

    def parse_level(self, value: object) -> int:
        """Turn a level number (1-4, as int, whole float or digits) or name into its number.

        Names are matched case-insensitively and surrounding spaces are ignored. Anything else
        raises ``ValueError``.
        """
        valid = {level.number for level in self.levels}
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, numbers.Integral):
            number = int(value)
        elif isinstance(value, numbers.Real):
            as_float = float(value)
            if math.isfinite(as_float) and as_float.is_integer():
                number = int(as_float)
        elif isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"[0-9]+", text):
                number = int(text)
            else:
                for level in self.levels:
                    if level.name.casefold() == text.casefold():
                        number = level.number
        if number is not None and number in valid:
            return number
        accepted_numbers = ", ".join(str(level.number) for level in self.levels)
        accepted_names = ", ".join(level.name for level in self.levels)
        raise ValueError(
            f"Not a maturity level: {value!r}. "
            f"Use a level number ({accepted_numbers}) or a level name ({accepted_names})."
        )

    def find_dimension(self, value: str) -> Dimension | None:
        """The dimension whose id or name matches ``value`` (case-insensitive), else ``None``.

        A name also matches without a trailing bracketed abbreviation such as "(CBA)".
        """
        if not isinstance(value, str):
            return None
        wanted = _normalise_key(value)
        if not wanted:
            return None
        for dimension in self.dimensions:
            keys = {
                _normalise_key(dimension.id),
                _normalise_key(dimension.name),
                _normalise_key(re.sub(r"\s*\([^()]*\)\s*$", "", dimension.name)),
            }
            if wanted in keys:
                return dimension
        return None

    # -- locating text ----------------------------------------------------------------------------

    def text_at(self, where: str) -> str:
        """The text at a ``where`` path as used in ``corrections``.

        Supported paths: ``dimensions.<id>.descriptors.<level>``,
        ``levels.<number>.overview.<column>`` (bullets joined with newlines),
        ``strands.<id>.measures``, ``checklist.<id>``, ``introduction.<index>``.
        """
        parts = where.split(".")
        try:
            match parts:
                case ["dimensions", dimension_id, "descriptors", level]:
                    return self.dimension(dimension_id).descriptors[int(level)]
                case ["levels", number, "overview", column]:
                    return "\n".join(self.level(int(number)).overview[column])
                case ["strands", strand_id, "measures"]:
                    return self.strand(strand_id).measures
                case ["checklist", item_id]:
                    return next(item.text for item in self.checklist if item.id == item_id)
                case ["introduction", index]:
                    return self.introduction[int(index)]
        except (KeyError, ValueError, IndexError, StopIteration):
            pass
        raise KeyError(f"No text at {where!r}")

    # -- export ---------------------------------------------------------------------------------

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the model (descriptor keys are the strings "1" to "4")."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "publisher": self.publisher,
            "licence": self.licence,
            "introduction": list(self.introduction),
            "levels": [
                {
                    "number": level.number,
                    "name": level.name,
                    "overview": {key: list(bullets) for key, bullets in level.overview.items()},
                }
                for level in self.levels
            ],
            "strands": [
                {
                    "id": strand.id,
                    "name": strand.name,
                    "measures": strand.measures,
                    "measures_incomplete": strand.measures_incomplete,
                    "dimensions": [
                        {
                            "id": dimension.id,
                            "name": dimension.name,
                            "descriptors": {
                                str(number): text
                                for number, text in sorted(dimension.descriptors.items())
                            },
                            "statements": {
                                str(number): list(sentences)
                                for number, sentences in sorted(dimension.statements.items())
                            },
                        }
                        for dimension in strand.dimensions
                    ],
                }
                for strand in self.strands
            ],
            "checklist": [item.text for item in self.checklist],
            "case_studies": [
                {"authority": study.authority, "text": study.text} for study in self.case_studies
            ],
            "corrections": [
                {
                    "where": correction.where,
                    "from": correction.from_text,
                    "to": correction.to_text,
                    "reason": correction.reason,
                }
                for correction in self.corrections
            ],
        }


def _normalise_key(value: str) -> str:
    return " ".join(value.split()).casefold()


# --------------------------------------------------------------------------------------------
# Loading and validation


def load_model(path: str | Path | None = None) -> Model:
    """Load and check a model file; without ``path``, the packaged model (cached)."""
    if path is None:
        return _load_default_model()
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _load_default_model() -> Model:
    return _load(DEFAULT_MODEL_PATH)


def _load(path: Path) -> Model:
    from ehdmm.model_file import read_model  # it builds this module's types: imported late

    return read_model(path)


def parse_level(value: object) -> int:
    """:meth:`Model.parse_level` on the packaged model."""
    return load_model().parse_level(value)


def find_dimension(value: str) -> Dimension | None:
    """:meth:`Model.find_dimension` on the packaged model."""
    return load_model().find_dimension(value)
