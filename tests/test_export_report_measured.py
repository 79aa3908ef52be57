"""ehdmm.export.report.measured: what the Reports page says about a batch is what was measured."""

from __future__ import annotations

from ehdmm.export.report import measured


def test_batch_text_quotes_the_measurement(tmp_path, monkeypatch):
    monkeypatch.setattr(measured, "FILE", tmp_path / "measured.json")
    assert measured.batch_text("docx", 12) == ""  # nothing measured: nothing said
    measured.save({"date": "2026-12-05", "cores": 2, "reports": 153, "seconds": {"docx": 130.0}})
    text = measured.batch_text("docx", 12)
    assert text.startswith("Measured on 2 cores (2026-12-05): all 153 reports took 2 min 10 s")
    assert "(0.85 s each), so about 10 s for these 12." in text
    assert measured.batch_text("pdf", 12) == ""
    assert measured.batch_text("docx", 153).endswith("(0.85 s each).")
