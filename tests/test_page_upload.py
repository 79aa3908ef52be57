"""AppTest of pages/8_Upload.py, and the domain glue ehdmm.upload, on real DuckDB files: a good
file, a bad file (errors listed with file, row and column; database unchanged), a duplicate (a
no-op that says so), a batch, the size limit, the import log and the templates."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ehdmm import collection, upload
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER, Viewer

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "8_Upload.py")
MODEL = load_model()
DIMS = MODEL.dimension_ids
A, B = "E06000023", "E08000025"


def wide_csv(rows: list[tuple[str, str, list[object]]]) -> bytes:
    lines = ["authority,round," + ",".join(DIMS)]
    lines += [f"{a},{r}," + ",".join(str(v) for v in levels) for a, r, levels in rows]
    return ("\n".join(lines) + "\n").encode()


GOOD = wide_csv([(A, "2026-03", [4] * 8), (B, "2026-03", [1, 2, 3, 4, 1, 2, 3, 4])])
BAD = wide_csv([("E99999999", "2026-03", [1] * 8), (A, "2026-03", [7, 1, 1, 1, 1, 1, 1, 1])])


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("EHDMM_DB", str(db))
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def uploader(at: AppTest):
    """The file uploader (its key changes after an import, which empties it)."""
    [found] = at.file_uploader
    return found


def give(at: AppTest, *files: tuple[str, bytes]) -> None:
    uploader(at).set_value([(n, d, "text/csv") for n, d in files]).run()
    ok(at)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def counts(db: Path) -> dict[str, int]:
    with connect(db) as conn:
        return store.table_counts(conn)


def current_levels(db: Path, authority: str) -> dict[str, int]:
    with connect(db) as conn:
        frame = store.current_ratings(conn, LOCAL_VIEWER, authority, "2026-03")
    return dict(zip(frame["dimension_id"], frame["level"].astype(int), strict=True))


def texts(elements) -> str:
    return " | ".join(e.value for e in elements)


def test_the_page_without_a_file_offers_templates_rounds_and_the_log(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    assert uploader(at).accept_multiple_files
    assert set(uploader(at).allowed_type) == {".csv", ".xlsx"}
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Long layout (XLSX)",
        "Long layout (CSV)",
        "Wide layout (XLSX)",
        "Wide layout (CSV)",
    ]
    rounds = frame_with(at, "Current submissions")
    with connect(demo_db) as conn:
        history = store.submission_history(conn, LOCAL_VIEWER)
    current = history[history["status"] == "submitted"].groupby("round_id").size()
    assert dict(zip(rounds["Round"], rounds["Current submissions"], strict=True)) == dict(current)
    assert "Nothing has been imported" in texts(at.caption)
    assert "20 MB" in texts(at.caption)
    assert not at.get("progress")


def test_a_good_file_is_shown_then_imported_on_confirm(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    before = counts(demo_db)
    give(at, ("good.csv", GOOD))
    understood = frame_with(at, "Layout").iloc[0]
    assert understood["File"] == "good.csv" and understood["Layout"] == "wide"
    assert understood["Authorities"] == 2 and understood["Authority codes"] == f"{A}, {B}"
    assert understood["Rounds"] == "2026-03" and understood["Ratings"] == 16
    assert understood["Outcome"] == upload.READY and understood["Errors"] == 0
    assert at.get("progress")
    assert counts(demo_db) == before  # nothing written before the confirm
    confirm = at.button(key="upload_confirm")
    assert confirm.label == "Import 1 file(s)" and not confirm.disabled
    confirm.click().run()
    ok(at)
    assert "good.csv: imported 2 submission(s)" in texts(at.success).replace("\\", "")
    assert current_levels(demo_db, A) == dict.fromkeys(DIMS, 4)
    assert current_levels(demo_db, B) == dict(zip(DIMS, [1, 2, 3, 4, 1, 2, 3, 4], strict=True))
    log = frame_with(at, "Hash (SHA-256)").iloc[0]
    assert log["File"] == "good.csv" and log["Who"] == LOCAL_VIEWER.name
    assert log["Outcome"] == "imported"
    assert log["Hash (SHA-256)"] == hashlib.sha256(GOOD).hexdigest()
    # the result once, and the uploader emptied: not the import button again beside a note
    # that the file "was already imported"
    assert not [d for d in at.dataframe if "Authority codes" in d.value.columns]
    assert "upload_confirm" not in [b.key for b in at.button]
    assert "already imported" not in texts(at.info)
    assert uploader(at).value in (None, [])
    at.run()
    ok(at)
    assert "imported 2 submission(s)" not in texts(at.success)


def test_the_preview_shows_each_authority_before_and_after(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    give(at, ("good.csv", GOOD))
    changes = frame_with(at, "Kind")
    assert list(changes["Authority"]) == ["Bristol, City of", "Birmingham"]
    assert list(changes["Code"]) == [A, B] and set(changes["Round"]) == {"2026-03"}
    assert set(changes["Kind"]) <= {"replacement", "unchanged"}
    for strand in MODEL.strands:
        assert changes[strand.name].str.contains("→|unchanged").all()
    first = changes.iloc[0][MODEL.strands[0].name]
    assert first.endswith("→ Mature") or first == "Mature (unchanged)"


def complete_authority(db: Path) -> tuple[str, str]:
    """(code, name) of an authority with a complete current return in 2026-03."""
    with connect(db) as conn:
        return conn.execute(
            "SELECT a.code, a.name FROM submissions s JOIN ratings r ON r.submission_id = s.id "
            "JOIN authorities a ON a.code = s.authority_code WHERE s.status = 'submitted' "
            "AND s.round_id = '2026-03' GROUP BY ALL HAVING count(*) = 8 ORDER BY a.code LIMIT 1"
        ).fetchone()


def test_a_partial_return_needs_a_choice_stated_before_confirming(demo_db, monkeypatch):
    code, name = complete_authority(demo_db)
    before = current_levels(demo_db, code)
    level = 1 if before["cba"] != 1 else 2
    written = counts(demo_db)
    at = open_page(demo_db, monkeypatch)
    give(at, ("one.csv", f"authority;round;dimension;level\n{name};2026-03;cba;{level}\n".encode()))
    assert frame_with(at, "Layout").iloc[0]["Outcome"] == upload.NEEDS_CHOICE
    assert at.button(key="upload_confirm").disabled
    [choice] = [r for r in at.radio if f"{name} ({code})" in r.label]
    assert choice.value is None and "2026-03" in choice.label
    assert counts(demo_db) == written
    choice.set_value(upload.MERGE_CHOICE).run()
    ok(at)
    stated = texts(at.markdown) + texts(at.info)
    assert f"{name} ({code}), 2026-03: merge" in stated.replace("\\", "")
    confirm = at.button(key="upload_confirm")
    assert not confirm.disabled
    confirm.click().run()
    ok(at)
    assert current_levels(demo_db, code) == {**before, "cba": level}
    assert f"{name} ({code}) 2026-03 merge" in texts(at.success).replace("\\", "")


def test_an_old_file_needs_an_explicit_choice_to_import_again(demo_db, monkeypatch):
    upload.import_file(demo_db, "good.csv", GOOD, actor="alice@example.org")
    changed = wide_csv([(A, "2026-03", [1] * 8)])
    upload.import_file(demo_db, "fix.csv", changed, actor="bob@example.org")
    at = open_page(demo_db, monkeypatch)
    give(at, ("good-again.csv", GOOD))
    assert frame_with(at, "Layout").iloc[0]["Outcome"] == upload.ALREADY
    said = texts(at.info).replace("\\", "")
    assert "already imported on" in said and "alice@example.org" in said
    assert "would revert those of Bristol, City of (E06000023)" in said
    assert at.button(key="upload_confirm").disabled
    at.checkbox(key="upload_reimport_0").check().run()
    ok(at)
    assert frame_with(at, "Layout").iloc[0]["Outcome"] == upload.READY
    assert "good-again.csv: import again" in texts(at.markdown).replace("\\", "")
    at.button(key="upload_confirm").click().run()
    ok(at)
    assert current_levels(demo_db, A) == dict.fromkeys(DIMS, 4)


def test_a_bad_file_lists_every_error_and_writes_nothing(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    before = counts(demo_db)
    give(at, ("bad.csv", BAD))
    understood = frame_with(at, "Layout").iloc[0]
    assert understood["Outcome"] == upload.REJECTED and understood["Errors"] >= 2
    problems = frame_with(at, "Problem")
    assert set(problems["File"]) == {"bad.csv"}
    unknown = problems[problems["Problem"].str.contains("E99999999")].iloc[0]
    assert (unknown["Row"], unknown["Column"], unknown["Severity"]) == (2, "authority", "error")
    level = problems[problems["Column"] == DIMS[0]].iloc[0]
    assert level["Row"] == 3 and "7" in level["Problem"]
    assert "1 file(s) rejected" in texts(at.error)
    assert at.button(key="upload_confirm").disabled
    assert counts(demo_db) == before


def test_a_batch_imports_the_good_files_only(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    other = wide_csv([(A, "2025-03", [2] * 8)])
    # 2025-03 is closed (a later round exists): reopened for A by the national team
    collection.reopen_for(
        demo_db, LOCAL_VIEWER, "2025-03", A, reason="late", actor="t", authority_name="A"
    )
    give(at, ("good.csv", GOOD), ("bad.csv", BAD), ("other.csv", other))
    outcomes = dict(zip(*frame_with(at, "Layout")[["File", "Outcome"]].T.values, strict=True))
    assert outcomes == {
        "good.csv": upload.READY,
        "bad.csv": upload.REJECTED,
        "other.csv": upload.READY,
    }
    at.button(key="upload_confirm").click().run()
    ok(at)
    results = frame_with(at, "Submissions written")
    assert dict(zip(results["File"], results["Outcome"], strict=True)) == {
        "good.csv": "imported",
        "other.csv": "imported",
    }
    assert current_levels(demo_db, A) == dict.fromkeys(DIMS, 4)  # bad.csv's A row not used
    log = frame_with(at, "Hash (SHA-256)")
    assert sorted(log["File"]) == ["good.csv", "other.csv"]


def test_a_duplicate_file_is_a_no_op_that_says_so(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    give(at, ("good.csv", GOOD))
    at.button(key="upload_confirm").click().run()
    ok(at)
    after_first = counts(demo_db)

    again = open_page(demo_db, monkeypatch)  # later, the same content again
    give(again, ("good-copy.csv", GOOD))
    assert frame_with(again, "Layout").iloc[0]["Outcome"] == upload.ALREADY
    said = texts(again.info).replace("\\", "")
    assert "already imported on" in said and "nothing changed" in said
    assert again.button(key="upload_confirm").disabled
    assert counts(demo_db) == after_first


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(demo_db, monkeypatch):
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "0.0001")  # about 100 bytes
    at = open_page(demo_db, monkeypatch)
    give(at, ("big.csv", GOOD))
    assert "over the upload limit" in texts(at.error)
    assert "Split it into smaller files" in texts(at.error)
    assert not [d for d in at.dataframe if "Layout" in d.value.columns]


def test_a_new_round_needs_the_create_rounds_box(empty_db, monkeypatch):
    at = open_page(empty_db, monkeypatch)
    assert any("No self-assessments" in i.value for i in at.info)
    data = wide_csv([(A, "2027-03", [3] * 8)])
    give(at, ("new.csv", data))
    assert frame_with(at, "Layout").iloc[0]["Outcome"] == upload.REJECTED
    at.checkbox(key="upload_create_round").check().run()
    ok(at)
    assert frame_with(at, "Layout").iloc[0]["New rounds"] == "2027-03"
    at.button(key="upload_confirm").click().run()
    ok(at)
    with connect(empty_db) as conn:
        assert store.current_ratings(conn, LOCAL_VIEWER, A, "2027-03")["level"].eq(3).all()
    assert frame_with(at, "Current submissions").iloc[0]["Round"] == "2027-03"


def test_only_the_national_team_uploads():
    assert upload.can_upload(LOCAL_VIEWER)
    assert not upload.can_upload(Viewer(role="authority", authority_code=A))


def test_domain_glue_preview_tables_and_templates(demo_db):
    good = upload.preview(demo_db, "good.csv", GOOD)
    bad = upload.preview(demo_db, "bad.csv", BAD)
    assert good.importable and not bad.importable and good.data == GOOD
    groups = upload.by_status([good, bad])
    assert groups[upload.READY] == [good] and groups[upload.REJECTED] == [bad]
    table = upload.problems_table([good, bad])
    assert list(table.columns) == ["File", "Row", "Column", "Severity", "Problem"]
    assert len(table) == len(bad.plan.problems)
    assert upload.too_large("x.csv", 10, limit=100) is None
    assert upload.too_large("x.csv", 200, limit=104) == (
        "x.csv is 200 bytes, over the upload limit of 104 bytes: nothing was read. Split it "
        "into smaller files."
    )
    assert upload.limit_text(20 * 1024 * 1024) == "20 MB"
    assert upload.too_large("x.xlsx", 30 * 1024 * 1024, limit=20 * 1024 * 1024).startswith(
        "x.xlsx is 30 MB, over the upload limit of 20 MB"
    )
    result = upload.import_file(demo_db, "good.csv", GOOD, actor="me")
    assert result.outcome == "imported"
    assert upload.preview(demo_db, "good.csv", GOOD).status == upload.ALREADY
    again = upload.preview(demo_db, "good.csv", GOOD, reimport=True)
    assert again.status == upload.UNCHANGED
    files = upload.template_files(MODEL)
    assert [f.file_name for f in files] == [
        "ehdmm-return-long.xlsx",
        "ehdmm-return-long.csv",
        "ehdmm-return-wide.xlsx",
        "ehdmm-return-wide.csv",
    ]
    assert files[1].data.startswith(b"\xef\xbb\xbfauthority,round,dimension,level")
    assert files[0].data[:2] == b"PK"
    summary = upload.rounds_summary(
        pd.DataFrame({"id": ["2025-03", "2026-03"], "label": ["a", "b"]}),
        pd.DataFrame({"round_id": ["2026-03", "2026-03"], "status": ["submitted", "draft"]}),
    )
    assert summary.to_dict("records") == [
        {"Round": "2026-03", "Label": "b", "Current submissions": 1, "Superseded": 0, "Drafts": 1},
        {"Round": "2025-03", "Label": "a", "Current submissions": 0, "Superseded": 0, "Drafts": 0},
    ]


def test_an_unusable_size_limit_is_shown_and_nothing_can_be_uploaded(demo_db, monkeypatch):
    monkeypatch.setenv("EHDMM_MAX_IMPORT_MB", "inf")
    at = open_page(demo_db, monkeypatch)
    assert "EHDMM_MAX_IMPORT_MB is set to 'inf'" in texts(at.error)
    assert not at.get("file_uploader")


def test_an_import_for_an_authority_with_responses_open_says_so(demo_db, monkeypatch):
    from ehdmm import responses

    with connect(demo_db) as conn:
        code, none = conn.execute(
            "SELECT (SELECT min(authority_code) FROM respondents), (SELECT min(code) FROM "
            "authorities WHERE code NOT IN (SELECT authority_code FROM respondents))"
        ).fetchone()
    data = wide_csv([(code, "2026-03", [1] * 8), (none, "2026-03", [1] * 8)])
    invited = len(responses.respondents(demo_db, LOCAL_VIEWER, code, "2026-03"))
    at = open_page(demo_db, monkeypatch)
    give(at, ("partners.csv", data))
    warnings = texts(at.warning)
    assert f"({code}), 2026-03: {invited} respondent(s) invited" in warnings
    assert f"({none})" not in warnings  # none for an authority without respondents
    assert at.button(key="upload_confirm").label == "Import 1 file(s)"


def test_a_file_for_a_closed_round_is_refused_saying_who_can_reopen_it(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    before = counts(demo_db)
    give(at, ("late.csv", wide_csv([(A, "2024-03", [2] * 8)])))
    understood = frame_with(at, "Layout").iloc[0]
    assert understood["Outcome"] == upload.REJECTED
    problems = frame_with(at, "Problem")
    [problem] = problems["Problem"]
    assert "Round 2024-03 is closed" in problem and "national team can reopen" in problem
    assert counts(demo_db) == before
