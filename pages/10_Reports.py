"""Reports: the chosen authority's benchmark report (Word, PDF, HTML), the national pack (XLSX)
and the reports of every authority, or of some regions and LA types, as one zip. An authority
user gets its own authority's report only (peers as aggregates under disclosure control), and a
note instead of the pack and the zips."""

import streamlit as st

from ehdmm.ui import RANKING_CAVEAT, data_reports, sidebar, widgets

st.set_page_config(page_title="Reports · ehdmm", layout="wide")
sel = sidebar()

st.title("Reports")
st.caption(
    f"Round {sel.round_id} · peer group: {sel.peers_md} · scoring rule: {sel.rule} (from the "
    "sidebar). " + RANKING_CAVEAT
)
problem = data_reports.image_problem()
if problem:
    st.warning(
        f"{problem} Word and PDF reports are made without their chart images; the HTML report "
        "has its charts (drawn by your browser).",
        icon="⚠️",
    )

try:
    data_reports.check_report_access(sel.viewer, sel.authority)
except PermissionError as exc:
    st.error(str(exc))
    st.stop()

# -- one authority -----------------------------------------------------------------------------
st.header(f"Benchmark report: {sel.authority_name}")
st.markdown(
    "Headline strand and overall levels; the radar and its dot plot against the peer group and "
    "England; the peer group's spread over the levels with the authority's position; its "
    "trajectory over the rounds; for each dimension the current and next level's descriptors "
    "and the strand's MEASURES; its evidence notes and checklist; the data tables; caveats, "
    "source, scoring rule and date."
)
if not sel.viewer.sees_all:
    st.info(f"Your own authority's report. {data_reports.AGGREGATES_TEXT}", icon="🔒")
    widgets.protection_note(sel.viewer, sel.published_on)
if not data_reports.has_submission(sel):
    st.info(
        f"{sel.authority_name} has no current submission in round {sel.round_id}: its report "
        "shows the peer group without its own position, and its trajectory.",
        icon="ℹ️",
    )
st.caption(
    "Word: real headings and a table of contents, charts as pictures at print size with alt "
    "text, tables as Word tables that fit the page. PDF: accessible (tagged, PDF/UA), made from "
    "the same design as the HTML. HTML: one self-contained file with interactive charts that "
    "works offline. File names carry the round, peer group and scoring rule."
)
columns = st.columns(3)
for column, fmt in zip(columns, data_reports.FORMATS, strict=True):
    name = data_reports.report_file_name(sel, fmt)
    column.download_button(
        data_reports.LABELS[fmt],
        widgets.audited(
            lambda fmt=fmt: data_reports.report_file(sel.scope, fmt),
            name,
            (sel.authority,),
        ),
        file_name=name,
        mime=data_reports.FORMATS[fmt],
        key=f"report_{fmt}",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    column.caption(name)

if not sel.viewer.sees_all:
    st.info(data_reports.NATIONAL_ONLY)
    st.stop()

# -- the national pack ---------------------------------------------------------------------------
st.header("National pack")
st.markdown(
    "One XLSX workbook: a README sheet; one sheet per round of every authority's dimension, "
    "strand and overall levels and maturity index; peer-group summaries (England, each "
    "region, each LA type: members at each level per strand, median index); the import "
    "summary and log."
)
scope = st.radio(
    "Rounds",
    ["all", sel.round_id],
    format_func=lambda r: "Every round" if r == "all" else f"Round {r} only",
    horizontal=True,
    key="pack_rounds",
)
pack_round = None if scope == "all" else scope
pack_name = data_reports.pack_file_name(pack_round, sel.rule)
st.download_button(
    "National pack (XLSX)",
    widgets.audited(
        lambda: data_reports.national_pack(sel.db, sel.token, sel.viewer, pack_round, sel.rule),
        pack_name,
    ),
    file_name=pack_name,
    mime=data_reports.XLSX_MIME,
    key="national_pack",
    on_click="ignore",
    icon=":material/download:",
)
st.caption(pack_name)

# -- many authorities ----------------------------------------------------------------------
st.header("Reports for many authorities (zip)")
regions, la_types = data_reports.report_choices(sel.db, sel.token)
left, middle, right = st.columns(3)
chosen_regions = left.multiselect("Regions", regions, placeholder="Every region")
chosen_types = middle.multiselect("LA types", la_types, placeholder="Every LA type")
batch_format = right.radio(
    "Format",
    list(data_reports.BATCH_LABELS),
    format_func=data_reports.BATCH_LABELS.get,
    key="batch_format",
)
codes = data_reports.batch_codes(sel.db, sel.token, tuple(chosen_regions), tuple(chosen_types))
label = "-".join([*chosen_regions, *chosen_types]) or "all"
zip_name = data_reports.zip_file_name(sel, batch_format, label)
st.caption(
    f"{len(codes)} authorities · round {sel.round_id} · peer group: {sel.peers_md} · "
    f"scoring rule: {sel.rule}. "
    + data_reports.batch_time_text(batch_format, len(codes))
    + " HTML with static charts is light (well under 300 KB a report); interactive HTML "
    "carries plotly.js in each file (about 5 MB) so that it works offline."
)
wanted = (zip_name, tuple(codes))
if st.button("Make the zip", disabled=not codes, key="make_zip", type="primary"):
    bar = st.progress(0.0, text=f"Making {len(codes)} reports...")
    made, seconds = data_reports.make_zip(
        sel,
        codes,
        batch_format,
        progress=lambda done, total, name: bar.progress(
            done / max(total, 1), text=data_reports.progress_text(done, total, name)
        ),
    )
    st.session_state["ehdmm_reports_zip"] = (wanted, made, seconds)
stored = st.session_state.get("ehdmm_reports_zip")
if stored and stored[0] == wanted:
    contents = data_reports.zip_contents(stored[1])
    st.success(
        f"{len(contents)} reports in {zip_name} ({len(stored[1]) / 1e6:.1f} MB), made in "
        f"{stored[2]:.1f} s."
    )
    st.download_button(
        "Download the zip",
        widgets.audited(lambda: stored[1], zip_name, stored[0][1]),
        file_name=zip_name,
        mime=data_reports.ZIP_MIME,
        key="download_zip",
        on_click="ignore",
        icon=":material/download:",
    )
    widgets.dataframe(contents, key="zip_contents")
