"""Reading the model file: its YAML into the typed model of `ehdmm.model`, with every check
(required keys, four levels, each dimension's descriptor per level and its statements, the
strands' dimensions, the checklist, case studies and recorded corrections).
`ehdmm.model.load_model` calls `read_model`; nothing else needs this module."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ehdmm.model import (
    LEVEL_NUMBERS,
    CaseStudy,
    ChecklistItem,
    Correction,
    Dimension,
    Level,
    Model,
    ModelError,
    Strand,
    split_statements,
)

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


def read_model(path: Path) -> Model:
    """The model in the YAML file at `path`, every check passed (`ModelError` otherwise)."""
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
