"""ehdmm.tables."""

import pandas as pd

from ehdmm.model import load_model
from ehdmm.tables import level_label, levels_table

MODEL = load_model()


def test_level_labels():
    assert level_label(3, MODEL) == "3 Maturing"
    assert level_label(pd.NA, MODEL) == "incomplete"
    assert level_label(None, MODEL) == "incomplete"


def test_levels_table_headings_and_labels():
    frame = pd.DataFrame(
        [
            {
                "authority_code": "E1",
                "authority_name": "A",
                "governance": 1,
                "systems": 2,
                "casework": pd.NA,
                "cba": 4,
                "design": 3,
                "overall": pd.NA,
                "index": None,
            }
        ]
    )
    table = levels_table(frame, MODEL)
    assert list(table.columns) == [
        "ONS code",
        "Authority",
        *[s.name for s in MODEL.strands],
        "Overall",
        "Maturity index",
    ]
    assert table.loc[0, "Casework management systems"] == "incomplete"
    assert table.loc[0, "Information governance and data sharing"] == "1 Early"
