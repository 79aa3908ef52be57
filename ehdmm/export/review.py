"""A review summary for sign-off (a whole response, or a consensus) as Word, HTML or a tagged
PDF: a title, a few lines saying what it is, and tables; made with the report's own renderers
(`html_table` and the print stylesheet, WeasyPrint's PDF/UA, `docx_table`)."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ehdmm import __version__
from ehdmm.export.report.docx_render import BODY_PT, FONT, MARGIN_CM, docx_table
from ehdmm.export.report.html_render import _CSS, css_string, html_table
from ehdmm.export.report.pdf_render import pdf_from_html
from ehdmm.export.report.wording import SELF_ASSESSED, clean_text

FORMATS = ("docx", "pdf", "html")


@dataclass(frozen=True)
class Review:
    title: str
    lines: tuple[str, ...]  # what it is, who, when (plain text)
    tables: tuple[tuple[str, pd.DataFrame], ...]  # (caption, table)
    round_id: str = ""


def review_html(review: Review) -> str:
    css = _CSS.replace("SELF_ASSESSED", css_string(SELF_ASSESSED)).replace(
        "RUNNING_HEAD", css_string(review.title)
    )
    parts = [f"<h1>{html.escape(clean_text(review.title))}</h1>"]
    parts += [f"<p>{html.escape(clean_text(line))}</p>" for line in review.lines]
    for caption, frame in review.tables:
        parts.append(html_table(frame, caption))
    meta = (
        f"<title>{html.escape(clean_text(review.title))}</title>"
        f'<meta name="generator" content="ehdmm {html.escape(__version__)}">'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"{meta}<style>{css}</style></head><body><main>\n"
        + "\n".join(parts)
        + "\n</main></body></html>\n"
    )


def review_docx(review: Review) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    doc.styles["Normal"].font.name = FONT
    doc.styles["Normal"].font.size = Pt(BODY_PT)
    doc.core_properties.title = clean_text(review.title)
    doc.core_properties.comments = f"Made by ehdmm {__version__}"
    doc.add_heading(clean_text(review.title), level=0)
    for line in review.lines:
        doc.add_paragraph(clean_text(line))
    room = (21.0 - 2 * MARGIN_CM) / 2.54 * 72
    for caption, frame in review.tables:
        doc.add_heading(clean_text(caption), level=1)
        docx_table(doc, frame, room)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def review_bytes(review: Review, fmt: str) -> bytes:
    """The review summary as `fmt` ('docx', 'pdf' or 'html')."""
    if fmt == "docx":
        return review_docx(review)
    if fmt == "html":
        return review_html(review).encode("utf-8")
    if fmt == "pdf":
        return pdf_from_html(review_html(review))
    raise ValueError(f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")


def review_file_name(parts: Sequence[str], fmt: str) -> str:
    """'E06000023_2026-03_response-12_review.pdf'."""
    safe = ["".join(c if c.isalnum() or c in "-." else "-" for c in p) for p in parts]
    return "_".join([*safe, "review"]) + f".{fmt}"
