"""ehdmm.analysis.profile: comparison with the medians, strand cards, trajectory, checklist and
evidence tables, headline; on hand-made frames and on the demo database."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm import scoring, wording
from ehdmm.analysis import core, profile
from ehdmm.model import load_model
from ehdmm.storage import connect
from ehdmm.storage import submissions as store
from ehdmm.viewer import LOCAL_VIEWER

MODEL = load_model()
DIMS = list(MODEL.dimension_ids)
STRANDS = list(MODEL.strand_ids)
NAMES = MODEL.level_names


def short(rank: core.Rank) -> tuple[str, str]:
    """(rank, percentile) as metrics show them."""
    words = wording.rank_words(rank)
    return words.rank, words.percentile


def dims_frame(levels: dict[str, list[int | None]], round_id: str = "2026-03") -> pd.DataFrame:
    """Tidy dimension levels: one list of 8 levels (model order) per authority code."""
    rows = []
    for code, values in levels.items():
        for dimension_id, level in zip(DIMS, values, strict=True):
            rows.append(
                {
                    "authority_code": code,
                    "round_id": round_id,
                    "strand_id": MODEL.dimension(dimension_id).strand_id,
                    "dimension_id": dimension_id,
                    "level": level,
                }
            )
    frame = pd.DataFrame(rows)
    frame["level"] = frame["level"].astype("Int64")
    return frame


def strand_levels(values: list[int | None]) -> dict[str, int | None]:
    """Strand id -> level for the first len(values) strands (the rest stay missing)."""
    return {strand: value for strand, value in zip(STRANDS, values, strict=False)}


def wide_frame(rows: list[dict]) -> pd.DataFrame:
    """Wide levels like `core.levels`: authority_code, authority_name, round_id, strands,
    overall, index (missing keys are <NA>)."""
    frame = pd.DataFrame(rows)
    for column in [*STRANDS, "overall"]:
        if column not in frame:
            frame[column] = pd.NA
        frame[column] = frame[column].astype("Int64")
    if "index" not in frame:
        frame["index"] = pd.NA
    frame["index"] = frame["index"].astype("Float64")
    return frame


LEVELS = {
    "A": [1, 2, 3, 4, 1, 2, 3, 4],
    "B": [2, 2, 2, 2, 2, 2, 2, 2],
    "C": [3, 3, 3, 3, 3, 3, 3, None],
    "D": [4, 4, 4, 4, 4, 4, 4, 4],
}


# -- comparison ----------------------------------------------------------------------------------


def test_comparison_gives_own_levels_peer_and_england_medians_with_their_n():
    tidy = profile.item_tidy(pd.DataFrame(), dims_frame(LEVELS), MODEL, "dimension")
    values = profile.comparison(tidy, "A", ["A", "B", "C"], MODEL, "dimension")
    assert list(values["item_id"]) == DIMS
    assert list(values["item_name"]) == [d.name for d in MODEL.dimensions]
    assert list(values["level"]) == LEVELS["A"]
    assert list(values["level_name"]) == [NAMES[v] for v in LEVELS["A"]]
    # first dimension: A 1, B 2, C 3 -> peer median 2; England adds D 4 -> 2.5
    assert values["peer_median"].iloc[0] == 2.0
    assert values["england_median"].iloc[0] == 2.5
    # last dimension: C has no level -> peers A 4, B 2 -> 3; England A, B, D -> 4
    assert values["peer_median"].iloc[-1] == 3.0
    assert values["peer_n"].iloc[-1] == 2 and values["peer_n"].iloc[0] == 3
    assert values["england_median"].iloc[-1] == 4.0
    assert values["england_n"].iloc[-1] == 3 and values["england_n"].iloc[0] == 4


def test_a_missing_dimension_is_na_and_named_incomplete_never_zero():
    tidy = profile.item_tidy(pd.DataFrame(), dims_frame(LEVELS), MODEL, "dimension")
    values = profile.comparison(tidy, "C", ["A", "C"], MODEL, "dimension")
    assert pd.isna(values["level"].iloc[-1])
    assert values["level_name"].iloc[-1] == "incomplete"
    assert profile.missing_items(values) == [MODEL.dimensions[-1].name]
    table = profile.comparison_table(values, "Cee", "Peers")
    assert table["Cee (level)"].iloc[-1] == "incomplete"
    assert "0" not in set(table["Cee (level)"])
    # the level as a number beside its label (empty where missing, never 0)
    assert list(table.columns[1:3]) == ["Cee (level number)", "Cee (level)"]
    assert pd.isna(table["Cee (level number)"].iloc[-1])
    assert table["Cee (level number)"].iloc[0] == values["level"].iloc[0]


def test_comparison_of_an_authority_without_submission_is_all_incomplete():
    tidy = profile.item_tidy(pd.DataFrame(), dims_frame(LEVELS), MODEL, "dimension")
    values = profile.comparison(tidy, "Z", ["Z", "A"], MODEL, "dimension")
    assert values["level"].isna().all()
    assert set(values["level_name"]) == {"incomplete"}
    assert list(values["peer_median"]) == [float(v) for v in LEVELS["A"]]


def test_comparison_by_strand_uses_the_wide_strand_levels():
    wide = wide_frame(
        [
            {"authority_code": "A", "round_id": "r", **strand_levels([1, 2, 3, 4, None])},
            {"authority_code": "B", "round_id": "r", **strand_levels([3, 3, 3, 3, 3])},
        ]
    )
    tidy = profile.item_tidy(wide, pd.DataFrame(), MODEL, "strand")
    values = profile.comparison(tidy, "A", ["A", "B"], MODEL, "strand")
    assert list(values["item_name"]) == [s.name for s in MODEL.strands]
    assert list(values["level"])[:4] == [1, 2, 3, 4] and pd.isna(values["level"].iloc[4])
    assert list(values["peer_median"]) == [2.0, 2.5, 3.0, 3.5, 3.0]
    assert list(values["peer_n"]) == [2, 2, 2, 2, 1]


def test_unknown_items_are_refused():
    with pytest.raises(ValueError, match="unknown items"):
        profile.item_names(MODEL, "statement")


def test_peer_group_of_one_has_its_own_levels_as_median():
    tidy = profile.item_tidy(pd.DataFrame(), dims_frame(LEVELS), MODEL, "dimension")
    values = profile.comparison(tidy, "B", ["B"], MODEL, "dimension")
    assert list(values["peer_median"]) == [2.0] * 8
    assert set(values["peer_n"]) == {1}


def test_comparison_summary_counts_above_level_and_below():
    tidy = profile.item_tidy(pd.DataFrame(), dims_frame(LEVELS), MODEL, "dimension")
    values = profile.comparison(tidy, "A", ["A", "B"], MODEL, "dimension")
    # A vs median of A and B: [1.5, 2, 2.5, 3, 1.5, 2, 2.5, 3]
    text = profile.comparison_summary(values, "Ay", "Peers", "dimension")
    assert "above the Peers median in 4, level with it in 2 and below it in 2 of 8" in text
    tidy_c = profile.comparison(tidy, "C", ["A", "C"], MODEL, "dimension")
    assert "Not rated (incomplete): Research" in profile.comparison_summary(tidy_c, "C", "P")


# -- strand cards -------------------------------------------------------------------------------


def test_strand_cards_give_current_and_next_descriptors():
    dims = dims_frame({"A": [1, 2, 3, 4, 1, 2, 3, None]})
    strands = core.long_levels(
        wide_frame([{"authority_code": "A", "round_id": "r", **strand_levels([1, 3, 1, 2])}]),
        MODEL,
    )
    cards = profile.strand_cards(dims, strands, "A", MODEL)
    assert [c.strand_id for c in cards] == STRANDS
    first = cards[0]
    assert first.level == 1 and first.level_name == NAMES[1]
    info = first.dimensions[0]
    assert info.current == MODEL.dimensions[0].descriptor(1)
    assert info.next_step == f"To reach {NAMES[2]}: {MODEL.dimensions[0].descriptor(2)}"
    assert (info.next_heading, info.next_text) == (
        f"To reach {NAMES[2]}",
        MODEL.dimensions[0].descriptor(2),
    )
    top = cards[1].dimensions[1]  # training at 4
    assert (top.next_heading, top.next_text) == (NAMES[4], "the highest level")
    assert top.level == 4 and top.next_step == f"{NAMES[4]}: the highest level"
    last = cards[-1]
    assert last.level is None and last.level_name == "incomplete"
    assert last.dimensions[-1].level_name == "incomplete" and last.dimensions[-1].current == ""
    assert last.dimensions[-1].next_step.startswith("incomplete")
    cba = next(c for c in cards if c.measures_incomplete)
    assert cba.measures == MODEL.strand(cba.strand_id).measures


def test_strand_cards_without_submission_are_incomplete():
    cards = profile.strand_cards(
        dims_frame(LEVELS),
        core.long_levels(wide_frame([{"authority_code": "A", "round_id": "r"}]), MODEL),
        "Z",
        MODEL,
    )
    assert all(c.level is None for c in cards)
    assert all(d.level_name == "incomplete" for c in cards for d in c.dimensions)


def test_escape_markdown_neutralises_markup():
    assert profile.escape_markdown("*a* $x$ [l](u) _b_") == r"\*a\* \$x\$ \[l\](u) \_b\_"
    assert profile.escape_markdown("plain text, no marks.") == "plain text, no marks."


# -- trajectory ---------------------------------------------------------------------------------


def trajectory_wide() -> pd.DataFrame:
    return wide_frame(
        [
            {
                "authority_code": "A",
                "round_id": "r1",
                **strand_levels([1, 1, 1, 1, 1]),
                "overall": 1,
                "index": 1.25,
            },
            {
                "authority_code": "A",
                "round_id": "r3",
                **strand_levels([2, 3, 2, 2]),
                "overall": None,
                "index": None,
            },
            {
                "authority_code": "B",
                "round_id": "r2",
                **strand_levels([4, 4, 4, 4, 4]),
                "overall": 4,
                "index": 4.0,
            },
        ]
    )


def test_trajectory_has_a_row_per_round_with_gaps_for_missing_rounds():
    traj = profile.trajectory(trajectory_wide(), "A", ["r1", "r2", "r3"], MODEL)
    assert list(traj["round_id"]) == ["r1", "r2", "r3"]
    assert list(traj["submitted"]) == [True, False, True]
    assert traj["overall"].iloc[0] == 1 and traj["overall"].isna().iloc[1:].all()
    assert traj["index"].iloc[0] == 1.25
    assert traj[STRANDS[1]].iloc[2] == 3
    assert profile.submitted_rounds(traj) == ["r1", "r3"]
    table = profile.trajectory_table(traj, MODEL)
    assert list(table["Overall"]) == [f"1 {NAMES[1]}", "no submission", "incomplete"]
    assert list(table["Maturity index"]) == ["1.25", "no submission", ""]
    assert table[MODEL.strands[4].name].iloc[2] == "incomplete"
    text = profile.trajectory_summary(traj, "Ay", MODEL)
    assert "2 of 3 rounds" in text and "r1" in text and "r3" in text


def test_trajectory_of_an_authority_that_never_submitted():
    traj = profile.trajectory(trajectory_wide(), "Z", ["r1", "r2"], MODEL)
    assert not traj["submitted"].any()
    assert profile.trajectory_summary(traj, "Zed", MODEL) == "Zed has no submission in any round."
    assert "no submission in any round" in profile.no_submission_message("Zed", "r2", traj)


def test_no_submission_message_lists_the_other_rounds():
    traj = profile.trajectory(trajectory_wide(), "A", ["r1", "r2", "r3"], MODEL)
    text = profile.no_submission_message("Ay", "r2", traj)
    assert text.startswith("Ay has no current submission in round r2.")
    assert "r1, r3" in text


# -- checklist and evidence -------------------------------------------------------------------


def test_checklist_table_lists_every_item_in_model_order_with_plain_text_notes():
    first, second = MODEL.checklist[0].id, MODEL.checklist[1].id
    answers = pd.DataFrame(
        {"item_id": [second, first], "in_place": [False, True], "note": ['=HYPERLINK("x")', None]}
    )
    table = profile.checklist_table(answers, MODEL)
    assert list(table["Item"]) == [item.text for item in MODEL.checklist]
    assert list(table["In place"])[:3] == ["yes", "no", "not answered"]
    assert table["Note"].iloc[1] == '=HYPERLINK("x")' and table["Note"].iloc[0] == ""
    empty = profile.checklist_table(answers.iloc[0:0], MODEL)
    assert set(empty["In place"]) == {"not answered"}


def test_evidence_table_names_dimensions_and_marks_unrated_ones():
    rated = pd.DataFrame(
        {
            "dimension_id": [DIMS[0]],
            "level": pd.array([3], dtype="Int64"),
            "evidence": ["*not* markdown"],
            "confidence": ["high"],
        }
    )
    table = profile.evidence_table(rated, MODEL)
    assert list(table["Dimension"]) == [d.name for d in MODEL.dimensions]
    assert table.iloc[0].to_dict() == {
        "Strand": MODEL.strands[0].name,
        "Dimension": MODEL.dimensions[0].name,
        "Level number": 3,
        "Level": f"3 {NAMES[3]}",
        "Confidence": "high",
        "Evidence": "*not* markdown",
    }
    assert set(table["Level"].iloc[1:]) == {"incomplete"}
    assert table["Level number"].iloc[1:].isna().all()  # never 0


# -- headline -----------------------------------------------------------------------------------


def test_headline_gives_overall_index_and_rank():
    wide = wide_frame(
        [
            {"authority_code": c, "round_id": "r", "overall": o, "index": i}
            for c, o, i in [("A", 2, 2.625), ("B", 3, 3.0), ("C", 1, 1.5), ("D", None, None)]
        ]
    )
    head = profile.headline(wide, "A", ["A", "B", "C", "D"], MODEL)
    assert head.overall == NAMES[2] and head.index == "2.63"
    assert (head.rank.rank, head.rank.n, head.rank.percentile) == (2, 3, 50.0)
    assert short(head.rank) == ("2 of 3", "50th")
    missing = profile.headline(wide, "D", ["A", "D"], MODEL)
    assert missing.overall == "incomplete" and missing.index == ""
    assert short(missing.rank) == ("–", "–")
    alone = profile.headline(wide, "B", ["B"], MODEL)
    assert short(alone.rank) == ("1 of 1", "100th")
    absent = profile.headline(wide, "Z", ["A"], MODEL)
    assert absent.rank.rank is None and not absent.in_group


# -- on the demo database -----------------------------------------------------------------------


def test_loaders_read_the_current_submission(demo_db):
    wide = core.levels(demo_db, LOCAL_VIEWER, "2026-03", "gated")
    code = wide["authority_code"].iloc[0]
    rated = profile.ratings(demo_db, LOCAL_VIEWER, code, "2026-03")
    with connect(demo_db) as conn:
        direct = store.current_ratings(conn, LOCAL_VIEWER, code, "2026-03")
        levels = scoring.dimension_levels(conn, LOCAL_VIEWER, "2026-03")
    assert len(rated) == len(direct) > 0
    own = levels[levels["authority_code"] == code].set_index("dimension_id")["level"]
    for row in rated.itertuples():
        assert own[row.dimension_id] == row.level
    answers = profile.checklist(demo_db, LOCAL_VIEWER, code, "2026-03")
    assert set(answers["item_id"]) <= {item.id for item in MODEL.checklist}
    assert len(profile.checklist_table(answers, MODEL)) == len(MODEL.checklist)


def test_an_authority_without_submission_in_the_round_reads_empty(demo_db):
    wide_all = core.levels(demo_db, LOCAL_VIEWER, None, "gated")
    latest = core.levels(demo_db, LOCAL_VIEWER, "2026-03", "gated")
    missing = sorted(set(wide_all["authority_code"]) - set(latest["authority_code"]))
    assert missing
    code = missing[0]
    assert not profile.has_submission(latest, code)
    assert profile.has_submission(wide_all, code)
    assert profile.ratings(demo_db, LOCAL_VIEWER, code, "2026-03").empty
    assert profile.checklist(demo_db, LOCAL_VIEWER, code, "2026-03").empty
    rounds = sorted(wide_all["round_id"].unique())
    traj = profile.trajectory(wide_all, code, rounds, MODEL)
    assert not traj["submitted"].iloc[-1] and traj["submitted"].any()
