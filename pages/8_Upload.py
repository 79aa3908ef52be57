"""Upload returns (national team): CSV and XLSX files in either layout; what each file holds,
every error and warning, an explicit confirm before anything is written (all or nothing per
file), the import log, and blank templates to download."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import data_assess, data_upload, roles, sidebar, widgets

st.set_page_config(page_title="Upload returns · ehdmm", layout="wide")
sel = sidebar(need_round=False)
roles.national_only(sel.viewer)

st.title("Upload returns")
if not sel.rounds:
    st.info(
        "No self-assessments have been submitted yet. Upload returns below (tick 'Create "
        "rounds' if their round is new)."
    )
if not data_upload.can_upload(sel.viewer):
    st.warning("Only the national team can upload returns.")
    st.stop()

st.caption(
    "Each file is read and checked first; nothing is written until you confirm. A file with "
    "any error is rejected whole; warnings do not block. A return that lacks dimensions the "
    "current return rates needs your choice (merge or replace); a file imported before needs "
    "your choice to import it again; a return that would not change is not written again. "
    "Files up to "
    f"{data_upload.limit_text(data_upload.upload_limit_bytes())} each."
)

with st.expander("Blank templates", expanded=False):
    st.caption(
        "Long layout: one row per authority and dimension. Wide layout: one row per "
        "authority and round. The XLSX templates have drop-down lists of levels."
    )
    for column, template in zip(st.columns(4), data_upload.template_files(), strict=True):
        column.download_button(
            template.label,
            template.data,
            file_name=template.file_name,
            mime=template.mime,
            key=f"template_{template.file_name}",
        )

files = st.file_uploader(
    "Returns (CSV or XLSX)",
    type=list(data_upload.FILE_TYPES),
    accept_multiple_files=True,
    key=data_upload.uploader_key(),
)
left, right = st.columns(2)
round_id = left.text_input(
    "Round for files without a 'round' column (YYYY-MM, optional)",
    key="upload_round",
    max_chars=7,
).strip()
create_round = right.checkbox(
    "Create rounds that do not exist yet",
    key="upload_create_round",
    help="Otherwise a return for a round that is not in the database is an error.",
)

previews = []
if files:
    progress = st.progress(0.0, text="Reading the files…")
    for number, file in enumerate(files, start=1):
        progress.progress((number - 1) / len(files), text=f"Reading {number} of {len(files)}")
        message = data_upload.too_large(file.name, file.size, data_upload.upload_limit_bytes())
        if message:
            st.error(data_assess.plain(message))
            continue
        index = len(previews)
        previews.append(
            data_upload.preview(
                sel.db,
                sel.token,
                file.name,
                file.getvalue(),
                round_id or None,
                create_round,
                data_upload.chosen(index),
                data_upload.reimport_chosen(index),
            )
        )
    progress.progress(1.0, text=f"Read {len(files)} file(s)")

if previews:
    model = load_model()
    st.subheader("What the files hold")
    widgets.dataframe(data_upload.preview_table(previews))
    changes = data_upload.changes_table(previews, model)
    if len(changes):
        st.subheader("What importing changes, per authority")
        st.caption(
            "Each strand's level (gated rule) before → after. New: no current return; "
            "replacement: the file's return replaces the current one; merge: the file corrects "
            "some dimensions and the others are kept; unchanged: not written again."
        )
        widgets.dataframe(changes)
    # several respondents: an import for an authority with responses open says so
    for line in data_upload.responses_open(sel.db, sel.viewer, previews):
        st.warning(data_assess.plain(line))
    problems = data_upload.problems_table(previews)
    if len(problems):
        st.subheader("Errors and warnings")
        st.caption("Rows are numbered as Excel shows them (the header is row 1).")
        widgets.dataframe(problems)
    groups = data_upload.by_status(previews)
    to_import = groups[data_upload.READY]
    if groups[data_upload.REJECTED]:
        st.error(
            f"{len(groups[data_upload.REJECTED])} file(s) rejected: they will not be imported. Fix "
            "the errors listed and upload them again."
        )
    for index, item in enumerate(previews):
        if item.needs_choice:
            st.subheader(f"{data_assess.plain(item.file_name)}: returns that lack dimensions")
            for change in item.needs_choice:
                st.radio(
                    data_upload.choice_question(change, model),
                    list(data_upload.CHOICE_LABELS),
                    format_func=data_upload.CHOICE_LABELS.get,
                    index=None,
                    key=data_upload.choice_key(index, change.authority_code, change.round_id),
                )
        if item.status == data_upload.ALREADY or item.reimport:
            st.info(data_assess.plain(item.result.message))
            st.checkbox(
                f"Import {data_assess.plain(item.file_name)} again",
                key=data_upload.reimport_key(index),
            )
        elif item.status == data_upload.UNCHANGED:
            st.info(data_assess.plain(item.result.message))
    stated = data_upload.choices_stated(previews, model)
    if stated:
        st.markdown("**Your choices:**")
        st.markdown("\n".join(f"- {data_assess.plain(line)}" for line in stated))
    if st.button(
        f"Import {len(to_import)} file(s)",
        type="primary",
        disabled=not to_import,
        key="upload_confirm",
    ):
        bar = st.progress(0.0, text="Importing…")
        results = []
        for number, item in enumerate(to_import, start=1):
            bar.progress(
                (number - 1) / len(to_import), text=f"Importing {data_assess.plain(item.file_name)}"
            )
            results.append(
                data_upload.import_file(
                    sel.db,
                    item.file_name,
                    item.data,
                    actor=sel.viewer.name,
                    round_id=round_id or None,
                    create_round=create_round,
                    choices=item.choices,
                    reimport=item.reimport,
                )
            )
        bar.progress(1.0, text="Done")
        data_upload.finish_import(results)
        st.rerun()

results = data_upload.take_results()
if results is not None:
    st.subheader("Import results")
    for outcome, message in zip(results["Outcome"], results["Message"], strict=True):
        {"imported": st.success, "no-op": st.info}.get(outcome, st.error)(
            data_assess.plain(message)
        )
    widgets.dataframe(results)

st.subheader("Rounds in the database")
rounds = data_upload.database_rounds(sel.db, sel.token, sel.viewer)
if len(rounds):
    widgets.dataframe(rounds)
else:
    st.caption("There are no rounds yet.")

st.subheader("Import log")
log = data_upload.import_log(sel.db, sel.token)
if len(log):
    widgets.dataframe(log)
else:
    st.caption("Nothing has been imported into this database yet.")
