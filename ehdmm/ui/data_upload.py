"""Streamlit side of the Upload page: cached loaders (the import log, the rounds, each file's
preview, the templates), the page's state (the uploader, which is emptied after an import;
the choices per partial return and per file imported before; the results shown once), and the
functions of `ehdmm.upload` the page calls (named here so that the page imports only
`ehdmm.ui`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ehdmm import responses, upload
from ehdmm.importer import ConfigurationError, max_import_bytes
from ehdmm.ui import cache
from ehdmm.viewer import Viewer


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def import_log(db: str, token: tuple[float, int]) -> pd.DataFrame:
    return upload.import_log(db)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=64)
def database_rounds(db: str, token: tuple[float, int], viewer: Viewer) -> pd.DataFrame:
    return upload.database_rounds(db, viewer)


@cache.guarded
@st.cache_data(show_spinner=False, max_entries=32)
def preview(
    db: str,
    token: tuple[float, int],
    file_name: str,
    data: bytes,
    round_id: str | None,
    create_round: bool,
    choices: upload.Choices = (),
    reimport: bool = False,
) -> upload.Preview:
    return upload.preview(
        db,
        file_name,
        data,
        round_id=round_id,
        create_round=create_round,
        choices=choices,
        reimport=reimport,
    )


@cache.guarded
@st.cache_data(show_spinner=False)
def template_files() -> list[upload.Template]:
    return upload.template_files()


def upload_limit_bytes() -> int:
    """The smaller of ehdmm's import limit and Streamlit's own upload limit; when the limit's
    setting is unusable, the page says so and stops (no upload without a limit)."""
    streamlit_limit = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    try:
        return min(max_import_bytes(), streamlit_limit)
    except ConfigurationError as exc:
        st.error(str(exc), icon="⚠️")
        st.stop()


# -- the Upload page's state: the uploader, the choices per partial return and per old file -----

UPLOAD_GENERATION_KEY = "upload_generation"
UPLOAD_RESULTS_KEY = "upload_results"


def _generation() -> int:
    return int(st.session_state.get(UPLOAD_GENERATION_KEY, 0))


def uploader_key() -> str:
    """The file uploader's key: a new one after each import, which empties the uploader (so the
    page shows the result once, not the same files again)."""
    return f"upload_files_{_generation()}"


def choice_key(index: int, code: str, round_id: str) -> str:
    """The key of the choice (merge or replace) for one partial return of the index-th file."""
    return f"upload_choice_{_generation()}_{index}_{code}_{round_id}"


def reimport_key(index: int) -> str:
    """The key of the box that imports the index-th file again ('upload_reimport_0' at first)."""
    generation = _generation()
    return f"upload_reimport_{index}" + (f"_{generation}" if generation else "")


def chosen(index: int) -> upload.Choices:
    """The choices made on the page for the index-th file's partial returns."""
    prefix = f"upload_choice_{_generation()}_{index}_"
    found = []
    for key, value in st.session_state.items():
        if isinstance(key, str) and key.startswith(prefix) and value in upload.CHOICE_LABELS:
            code, round_id = key[len(prefix) :].split("_", 1)
            found.append(((code, round_id), value))
    return tuple(sorted(found))


def reimport_chosen(index: int) -> bool:
    return bool(st.session_state.get(reimport_key(index)))


def finish_import(results: list) -> None:
    """Keep the results to show once, and empty the uploader."""
    st.session_state[UPLOAD_RESULTS_KEY] = upload.results_table(results)
    st.session_state[UPLOAD_GENERATION_KEY] = _generation() + 1


def take_results() -> pd.DataFrame | None:
    """The last import's results (once)."""
    return st.session_state.pop(UPLOAD_RESULTS_KEY, None)


# -- what the page calls of `ehdmm.upload` -------------------------------------------------------

FILE_TYPES = upload.FILE_TYPES
READY, REJECTED, ALREADY, UNCHANGED = (
    upload.READY,
    upload.REJECTED,
    upload.ALREADY,
    upload.UNCHANGED,
)
CHOICE_LABELS = upload.CHOICE_LABELS
can_upload = upload.can_upload
limit_text = upload.limit_text
too_large = upload.too_large
preview_table = upload.preview_table
changes_table = upload.changes_table
problems_table = upload.problems_table
by_status = upload.by_status
choice_question = upload.choice_question
choices_stated = upload.choices_stated
import_file = upload.import_file  # writes: called once the person confirmed on the page


def responses_open(db: str, viewer: Viewer, previews: list) -> list[str]:
    """Sentences for the authorities and rounds of the files that have respondents (see
    `ehdmm.responses.open_for_import`)."""
    pairs = list(
        dict.fromkeys(
            (c.authority_code, c.label, c.round_id)
            for item in previews
            for c in item.changes
            if c.kind != "unchanged"
        )
    )
    return responses.open_for_import(db, viewer, pairs)
