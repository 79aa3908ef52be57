"""The model: the Data Maturity Model for Early Help Services, as published (from its file)."""

import streamlit as st

from ehdmm.model import load_model
from ehdmm.ui import sidebar

st.set_page_config(page_title="The model", layout="wide")
sel = sidebar(need_round=False)
model = load_model()

st.title(model.title)
st.markdown(f"**{model.publisher}**, {model.programme}, {model.published}.")
st.caption(f"{model.licence_note or model.licence} Model version {model.version}.")

(
    intro_tab,
    checklist_tab,
    levels_tab,
    strands_tab,
    cases_tab,
    corrections_tab,
) = st.tabs(
    [
        "Introduction",
        "Before you start",
        "Levels",
        "Strands and dimensions",
        "Case studies",
        "Corrections",
    ]
)

with intro_tab:
    st.subheader("Introduction")
    st.markdown("\n\n".join(model.introduction))

with checklist_tab:
    st.subheader("Pre-model checklist")
    st.markdown(model.checklist_intro)
    st.markdown(
        "\n".join(f"{number}. {item.text}" for number, item in enumerate(model.checklist, 1))
    )

with levels_tab:
    st.subheader(model.overview_title or "Levels of maturity")
    for level in model.levels:
        st.markdown(f"#### {level.number} {level.name}")
        for column, (key, label) in zip(
            st.columns(len(model.overview_columns)), model.overview_columns.items(), strict=True
        ):
            with column:
                st.markdown(
                    f"**{label}**\n\n" + "\n".join(f"- {bullet}" for bullet in level.overview[key])
                )
                if key in level.overview_incomplete:
                    st.caption(
                        "The last bullet is cut short in the published model; it is kept as "
                        "printed."
                    )

with strands_tab:
    st.caption(
        f"{len(model.strands)} strands, {len(model.dimensions)} dimensions. Each dimension has "
        f"one descriptor per level: an authority rates itself at the level whose descriptor "
        "fits it best."
    )
    for strand, strand_tab in zip(
        model.strands, st.tabs([strand.name for strand in model.strands]), strict=True
    ):
        with strand_tab:
            st.subheader(strand.page_title)
            st.markdown(f"**MEASURES:** {strand.measures}")
            if strand.measures_incomplete:
                st.caption(
                    "Most of this MEASURES line cannot be read in the published model. Only "
                    "these fragments are legible; they are kept exactly as printed and nothing "
                    "has been added:"
                )
                st.markdown("\n".join(f"- “{fragment}”" for fragment in strand.measures_fragments))
            for dimension in strand.dimensions:
                st.markdown(f"#### {dimension.name}")
                for column, level in zip(st.columns(len(model.levels)), model.levels, strict=True):
                    with column:
                        st.markdown(
                            f"**{level.number} {level.name}**\n\n"
                            + dimension.descriptor(level.number)
                        )

with cases_tab:
    st.subheader("Case studies")
    for study in model.case_studies:
        st.markdown(f"#### {study.authority}\n\n{study.text}")
    if model.case_studies_footer:
        st.caption(model.case_studies_footer)

with corrections_tab:
    st.subheader("Corrections to the published text")
    st.markdown(
        f"The text on this page is the published model with these {len(model.corrections)} "
        "typos corrected; nothing else differs. Each line shows the place in the model file, "
        "the text as printed, the text used here and why."
    )
    st.markdown(
        "\n".join(
            f"- `{correction.where}`: “{correction.from_text}” → “{correction.to_text}”. "
            f"{correction.reason}"
            for correction in model.corrections
        )
    )
