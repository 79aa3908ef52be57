"""AppTest of pages/12_Publication.py: the national team publishes rounds (with a preview and a
confirmation, refused while fewer than 5 returns changed) and custom groups; user text (a
group's name) is shown as plain text."""

from __future__ import annotations

from ehdmm import access, peers
from ehdmm.viewer import Viewer

PAGE = "pages/12_Publication.py"
NATIONAL = Viewer(role="national", email="tests")
PHISH = "[phish](https://evil.example/group) **bold** <a href='https://evil.example'>x</a>"


def test_rounds_show_their_publication_and_a_lone_change_cannot_be_published(
    demo_db, run_page, import_levels
):
    at = run_page(demo_db)
    table = at.dataframe[0].value
    assert list(table["Round"]) == ["2026-03", "2025-03", "2024-03", "2023-03"]
    assert set(table["By"]) == {"synthetic demo data"}
    assert set(table["Returns changed since"]) == {0}
    assert any("No return of round 2026-03 changed" in m.value for m in at.markdown)
    import_levels(demo_db, ["E06000022"])
    at = run_page(demo_db)
    assert at.dataframe[0].value["Returns changed since"].iloc[0] == 1
    assert any("re-publishing needs at least 5" in m.value for m in at.markdown)
    at.checkbox(key="publish_ok").check().run()
    assert at.button(key="publish_round_button").disabled  # not without holding back


def test_publishing_after_five_changed_returns_is_confirmed_and_audited(
    demo_db, run_page, import_levels
):
    import_levels(demo_db, ["E06000022", "E06000031", "E06000041", "E06000045", "E08000013"])
    at = run_page(demo_db)
    assert at.button(key="publish_round_button").disabled  # until confirmed
    at.checkbox(key="publish_ok").check().run()
    at.button(key="publish_round_button").click().run()
    assert any("Round 2026-03 published" in s.value for s in at.success)
    assert not any("publication" in s.value for s in at.success)  # no internal number
    log = access.audit_log(demo_db, NATIONAL)
    assert "round.publish" in set(log["action"])


def test_groups_are_published_and_their_names_shown_as_plain_text(demo_db, run_page, import_levels):
    peers.save_custom_group(demo_db, PHISH, ["E06000023", "E08000025", "E09000001"])
    at = run_page(demo_db, peers=f"custom:{PHISH}")
    assert list(at.dataframe[1].value["Published"]) == ["no"]
    at.button(key="group_publish").click().run()
    assert any(i.value == "Published." for i in at.info)
    assert list(at.dataframe[1].value["Published"]) == ["yes"]
    # the sidebar's label and every notice: markdown and HTML escaped, never a live link
    rendered = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.title)]
    assert not any("](https://evil.example" in text and "\\]" not in text for text in rendered)
    assert not any("<a href" in text for text in rendered)
