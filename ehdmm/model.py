"""The Data Maturity Model for Early Help Services, loaded from its YAML file.

The wording of the model lives in ``ehdmm/models/*.yaml``. This module only reads, checks and
serves it. It names no strands, dimensions or levels itself.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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

REQUIRED_KEYS: tuple[str, ...] = (
    "id",
    "version",
    "title",
    "publisher",
    "licence",
    "introduction",
    "overview_columns",
    "levels",
    "strands",
    "checklist",
)


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


def parse_level(value: object) -> int:
    """:meth:`Model.parse_level` on the packaged model."""
    return load_model().parse_level(value)


def find_dimension(value: str) -> Dimension | None:
    """:meth:`Model.find_dimension` on the packaged model."""
    return load_model().find_dimension(value)


def _load(path: Path) -> Model:
    try:
        raw_text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"Cannot read model file {path}: {exc}") from exc
    try:
        raw = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        raise ModelError(f"Model file {path} is not valid YAML: {exc}") from exc
    try:
        return _build(raw)
    except ModelError as exc:
        raise ModelError(f"{path.name}: {exc}") from None


def _build(raw: object) -> Model:
    data = _mapping(raw, "model file")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ModelError(f"missing required top-level key(s): {', '.join(missing)}")
    if not isinstance(data["version"], str):
        raise ModelError(
            f"version must be a string (quote it in YAML), got {type(data['version']).__name__} "
            f"{data['version']!r}"
        )

    overview_columns = {
        _text(key, "overview_columns key"): _text(label, f"overview_columns.{key}")
        for key, label in _mapping(data["overview_columns"], "overview_columns").items()
    }
    levels = _build_levels(data["levels"], overview_columns)
    strands = _build_strands(data["strands"])
    checklist = _build_checklist(data["checklist"])
    case_studies = _build_case_studies(data.get("case_studies", []))
    corrections = _build_corrections(data.get("corrections", []))

    model = Model(
        id=_text(data["id"], "id"),
        version=_text(data["version"], "version"),
        title=_text(data["title"], "title"),
        publisher=_text(data["publisher"], "publisher"),
        programme=_optional_text(data.get("programme"), "programme"),
        published=_optional_text(data.get("published"), "published"),
        licence=_text(data["licence"], "licence"),
        licence_note=_optional_text(data.get("licence_note"), "licence_note"),
        introduction=tuple(
            _text(paragraph, f"introduction[{index}]")
            for index, paragraph in enumerate(_list(data["introduction"], "introduction"))
        ),
        overview_columns=overview_columns,
        levels=levels,
        strands=strands,
        checklist_intro=_optional_text(data.get("checklist_intro"), "checklist_intro"),
        checklist=checklist,
        case_studies=case_studies,
        case_studies_footer=_optional_text(data.get("case_studies_footer"), "case_studies_footer"),
        corrections=corrections,
        overview_title=_optional_text(data.get("overview_title"), "overview_title"),
    )
    _check_corrections(model)
    return model


def _build_levels(raw: object, overview_columns: dict[str, str]) -> tuple[Level, ...]:
    levels: list[Level] = []
    for index, entry in enumerate(_list(raw, "levels")):
        item = _mapping(entry, f"levels[{index}]")
        number = item.get("number")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ModelError(f"levels[{index}]: level number must be an integer, got {number!r}")
        if number not in LEVEL_NUMBERS:
            raise ModelError(
                f"levels[{index}]: level number {number} is not allowed; the model must have "
                f"exactly levels {_numbers_text()}"
            )
        where = f"level {number}"
        name = _text(item.get("name"), f"{where} name")
        overview_raw = _mapping(item.get("overview", {}), f"{where} overview")
        if set(overview_raw) != set(overview_columns):
            raise ModelError(
                f"{where} ({name}): overview columns {sorted(overview_raw)} do not match "
                f"overview_columns {sorted(overview_columns)}"
            )
        overview = {
            column: tuple(
                _text(bullet, f"{where} overview.{column}[{i}]")
                for i, bullet in enumerate(_list(bullets, f"{where} overview.{column}"))
            )
            for column, bullets in overview_raw.items()
        }
        incomplete = tuple(
            _text(column, f"{where} overview_incomplete")
            for column in _list(item.get("overview_incomplete", []), f"{where} overview_incomplete")
        )
        unknown = [column for column in incomplete if column not in overview]
        if unknown:
            raise ModelError(f"{where} ({name}): overview_incomplete names unknown {unknown}")
        levels.append(Level(number, name, overview, incomplete))

    numbers_seen = [level.number for level in levels]
    duplicates = sorted({n for n in numbers_seen if numbers_seen.count(n) > 1})
    if duplicates:
        raise ModelError(f"levels: duplicate level number(s) {duplicates}")
    if sorted(numbers_seen) != list(LEVEL_NUMBERS):
        absent = [n for n in LEVEL_NUMBERS if n not in numbers_seen]
        raise ModelError(f"levels: expected exactly levels {_numbers_text()}; missing {absent}")
    names = [level.name.casefold() for level in levels]
    if len(set(names)) != len(names):
        raise ModelError("levels: level names must be unique")
    return tuple(sorted(levels, key=lambda level: level.number))


def _build_strands(raw: object) -> tuple[Strand, ...]:
    strands: list[Strand] = []
    strand_ids: set[str] = set()
    dimension_homes: dict[str, str] = {}
    entries = _list(raw, "strands")
    if not entries:
        raise ModelError("strands: the model has no strands")
    for index, entry in enumerate(entries):
        item = _mapping(entry, f"strands[{index}]")
        strand_id = _text(item.get("id"), f"strands[{index}].id")
        where = f"strand {strand_id!r}"
        if strand_id in strand_ids:
            raise ModelError(f"duplicate strand id {strand_id!r}")
        strand_ids.add(strand_id)
        name = _text(item.get("name"), f"{where} name")
        incomplete = item.get("measures_incomplete", False)
        if not isinstance(incomplete, bool):
            raise ModelError(f"{where}: measures_incomplete must be true or false")
        dimension_entries = _list(item.get("dimensions"), f"{where} dimensions")
        if not dimension_entries:
            raise ModelError(f"{where}: has no dimensions")
        dimensions: list[Dimension] = []
        for d_index, d_entry in enumerate(dimension_entries):
            dimension = _build_dimension(
                _mapping(d_entry, f"{where} dimensions[{d_index}]"), strand_id, d_index
            )
            if dimension.id in dimension_homes:
                raise ModelError(
                    f"duplicate dimension id {dimension.id!r} (in strands "
                    f"{dimension_homes[dimension.id]!r} and {strand_id!r})"
                )
            dimension_homes[dimension.id] = strand_id
            dimensions.append(dimension)
        strands.append(
            Strand(
                id=strand_id,
                name=name,
                page_title=_optional_text(item.get("page_title"), f"{where} page_title") or name,
                measures=_text(item.get("measures"), f"{where} measures"),
                measures_incomplete=incomplete,
                measures_fragments=tuple(
                    _text(fragment, f"{where} measures_fragments[{i}]")
                    for i, fragment in enumerate(
                        _list(item.get("measures_fragments", []), f"{where} measures_fragments")
                    )
                ),
                dimensions=tuple(dimensions),
            )
        )
    return tuple(strands)


def _build_dimension(item: Mapping[Any, Any], strand_id: str, index: int) -> Dimension:
    dimension_id = _text(item.get("id"), f"strand {strand_id!r} dimensions[{index}].id")
    where = f"dimension {dimension_id!r}"
    name = _text(item.get("name"), f"{where} name")
    declared_strand = item.get("strand_id", strand_id)
    if declared_strand != strand_id:
        raise ModelError(
            f"{where}: strand_id {declared_strand!r} does not match the strand it is listed "
            f"under ({strand_id!r})"
        )
    raw_descriptors = _mapping(item.get("descriptors"), f"{where} descriptors")
    descriptors: dict[int, str] = {}
    for key, text in raw_descriptors.items():
        number = _level_key(key)
        if number is None or number not in LEVEL_NUMBERS:
            raise ModelError(f"{where}: descriptor key {key!r} is not a level number")
        if number in descriptors:
            raise ModelError(f"{where}: descriptor for level {number} given twice")
        descriptors[number] = _text(text, f"{where} descriptor {number}")
    absent = [n for n in LEVEL_NUMBERS if n not in descriptors]
    if absent:
        raise ModelError(
            f"{where}: needs exactly {len(LEVEL_NUMBERS)} descriptors (levels "
            f"{_numbers_text()}); missing level(s) {absent}"
        )
    descriptors = dict(sorted(descriptors.items()))
    return Dimension(
        id=dimension_id,
        name=name,
        strand_id=strand_id,
        descriptors=descriptors,
        statements={number: split_statements(text) for number, text in descriptors.items()},
    )


def _build_checklist(raw: object) -> tuple[ChecklistItem, ...]:
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for index, entry in enumerate(_list(raw, "checklist")):
        item = _mapping(entry, f"checklist[{index}]")
        item_id = _text(item.get("id"), f"checklist[{index}].id")
        if item_id in seen:
            raise ModelError(f"duplicate checklist id {item_id!r}")
        seen.add(item_id)
        items.append(ChecklistItem(item_id, _text(item.get("text"), f"checklist {item_id!r} text")))
    return tuple(items)


def _build_case_studies(raw: object) -> tuple[CaseStudy, ...]:
    studies: list[CaseStudy] = []
    for index, entry in enumerate(_list(raw, "case_studies")):
        item = _mapping(entry, f"case_studies[{index}]")
        studies.append(
            CaseStudy(
                authority=_text(item.get("authority"), f"case_studies[{index}].authority"),
                text=_text(item.get("text"), f"case_studies[{index}].text"),
            )
        )
    return tuple(studies)


def _build_corrections(raw: object) -> tuple[Correction, ...]:
    corrections: list[Correction] = []
    for index, entry in enumerate(_list(raw, "corrections")):
        item = _mapping(entry, f"corrections[{index}]")
        corrections.append(
            Correction(
                where=_text(item.get("where"), f"corrections[{index}].where"),
                from_text=_text(item.get("from"), f"corrections[{index}].from"),
                to_text=_text(item.get("to"), f"corrections[{index}].to"),
                reason=_text(item.get("reason"), f"corrections[{index}].reason"),
            )
        )
    return tuple(corrections)


def _check_corrections(model: Model) -> None:
    for index, correction in enumerate(model.corrections):
        label = f"corrections[{index}] ({correction.where})"
        try:
            text = model.text_at(correction.where)
        except KeyError:
            raise ModelError(f"{label}: no such place in the model") from None
        if correction.to_text not in text:
            raise ModelError(f"{label}: corrected text {correction.to_text!r} is not there")


# --------------------------------------------------------------------------------------------
# Small helpers


def _numbers_text() -> str:
    return ", ".join(str(n) for n in LEVEL_NUMBERS)


def _level_key(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and re.fullmatch(r"[0-9]+", key.strip()):
        return int(key)
    return None


def _mapping(value: object, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"{what} must be a mapping, got {type(value).__name__}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ModelError(f"{what} must be a list, got {type(value).__name__}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{what} must be non-empty text, got {value!r}")
    return value


def _optional_text(value: object, what: str) -> str:
    if value is None:
        return ""
    return _text(value, what)
