"""Scoring benchmark: levels of 200,000 submissions (about 1.6 million ratings) computed by
`ehdmm.scoring.authority_levels` in DuckDB against a pandas reference implementation of the same
rules, with the results asserted equal. Not a test: used by `benchmarks/run.py`.

    .venv/bin/python benchmarks/scoring.py [--authorities 50000] [--repeat 3]

The reference is written from the README's rules, independently of the SQL: a strand's level is
the lowest (gated) or the floor of the mean (best fit) of its dimension levels, none when any is
missing; overall likewise over every dimension (gated: the lowest strand = the lowest dimension);
the index is the mean of all dimension levels, only when complete. Only current ('submitted')
submissions count. The pandas side is timed on frames already in memory (its loading is not
counted), the DuckDB side on an open connection.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ehdmm import scoring  # noqa: E402
from ehdmm.database import init_db  # noqa: E402
from ehdmm.demo import synthetic_authorities  # noqa: E402
from ehdmm.model import Model, load_model  # noqa: E402
from ehdmm.storage import connect, write_with_retry  # noqa: E402
from ehdmm.storage import reference as ref  # noqa: E402
from ehdmm.storage import submissions as store  # noqa: E402
from ehdmm.viewer import LOCAL_VIEWER  # noqa: E402

ROUNDS = ("2023-03", "2024-03", "2025-03", "2026-03")
KEYS = ["authority_code", "round_id"]


@dataclass
class Frames:
    """The tables the reference reads, loaded from the database."""

    submissions: pd.DataFrame
    ratings: pd.DataFrame
    dimensions: pd.DataFrame
    authorities: pd.DataFrame


def build(
    path: Path,
    *,
    authorities: int = 50_000,
    seed: int = 7,
    incomplete: float = 0.02,
    resubmitted: float = 0.02,
    model: Model | None = None,
) -> dict[str, int]:
    """A database with about `authorities` authorities (the 153 and synthetic copies), four
    rounds, one current submission per authority and round (a share of them incomplete: one
    dimension missing) and some superseded earlier versions. Returns the row counts."""
    model = model or load_model()
    init_db(path, model)
    rng = np.random.default_rng(seed)
    dims = np.array(model.dimension_ids)

    def work(conn) -> dict[str, int]:
        base = ref.authorities(conn)
        scale = max(1, math.ceil(authorities / len(base)))
        if scale > 1:
            extra, links = synthetic_authorities(base, ref.neighbour_links(conn), scale)
            ref.add_authorities(conn, extra, links)
            codes = np.array(list(base["code"]) + list(extra["code"]))
        else:
            codes = np.array(base["code"])
        for round_id in ROUNDS:
            ref.add_round(conn, round_id, synthetic=True)
        pair_code = np.repeat(codes, len(ROUNDS))
        pair_round = np.tile(np.array(ROUNDS), len(codes))
        early = rng.random(len(pair_code)) < resubmitted  # an earlier, superseded version
        sub_code = np.concatenate([pair_code[early], pair_code])
        sub_round = np.concatenate([pair_round[early], pair_round])
        n = len(sub_code)
        subs = pd.DataFrame(
            {
                "key": np.arange(1, n + 1),
                "authority_code": sub_code,
                "round_id": sub_round,
                "model_version": model.version,
                "status": "submitted",
                "source": "demo",
                "source_file": None,
                "content_hash": None,
                "submitted_at": datetime(2026, 3, 1),
                "submitted_by": "benchmark",
                "note": None,
                "import_id": None,
                "synthetic": True,
            },
            columns=store.SUBMISSION_COLUMNS,
        )
        keys = np.repeat(subs["key"].to_numpy(), len(dims))
        dim_col = np.tile(dims, n)
        levels = rng.integers(1, 5, n * len(dims))
        drop = np.zeros(n * len(dims), dtype=bool)
        lacking = np.flatnonzero(rng.random(n) < incomplete)
        drop[lacking * len(dims) + rng.integers(0, len(dims), len(lacking))] = True
        ratings = pd.DataFrame(
            {
                "key": keys[~drop],
                "dimension_id": dim_col[~drop],
                "level": levels[~drop],
                "evidence": None,
                "confidence": None,
            },
            columns=store.RATING_COLUMNS,
        ).astype({"evidence": object, "confidence": object})
        store.write_submissions(conn, subs, ratings)
        return {
            "authorities": len(codes),
            "submissions": n,
            "current": len(pair_code),
            "ratings": len(ratings),
        }

    counts = write_with_retry(path, work, timeout=120)
    with connect(path):
        pass  # checkpointed
    return counts


def load_frames(path: Path) -> Frames:
    with connect(path) as conn:
        return Frames(
            conn.execute(
                "SELECT id, authority_code, round_id, model_version, status FROM submissions"
            ).df(),
            conn.execute("SELECT submission_id, dimension_id, level FROM ratings").df(),
            conn.execute(
                "SELECT model_version, dimension_id, strand_id, strand_order, dimension_order "
                "FROM model_dimensions"
            ).df(),
            conn.execute("SELECT code, name FROM authorities").df(),
        )


def _apply(grouped: pd.core.groupby.SeriesGroupBy, rule: str) -> pd.Series:
    """The rule over each group of levels; missing unless every level is present."""
    complete = grouped.count() == grouped.size()
    value = grouped.min() if rule == "gated" else np.floor(grouped.mean())
    return value.where(complete)


def reference_levels(frames: Frames, rule: str, model: Model | None = None) -> pd.DataFrame:
    """`authority_levels` computed with pandas (see the module docstring for the rules)."""
    model = model or load_model()
    subs = frames.submissions
    current = subs.loc[subs["status"] == "submitted", ["id", *KEYS, "model_version"]]
    grid = current.merge(frames.dimensions, on="model_version").merge(
        frames.ratings,
        left_on=["id", "dimension_id"],
        right_on=["submission_id", "dimension_id"],
        how="left",
    )
    strands = (
        _apply(grid.groupby([*KEYS, "strand_id"])["level"], rule)
        .unstack("strand_id")
        .reindex(columns=list(model.strand_ids))
    )
    by_return = grid.groupby(KEYS)["level"]
    out = pd.DataFrame(
        {
            "overall": _apply(by_return, rule),
            "index": by_return.mean().where(by_return.count() == by_return.size()),
            "rated": by_return.count(),
            "expected": by_return.size(),
        }
    ).join(strands)
    names = frames.authorities.set_index("code")["name"]
    out = out.reset_index()
    out["authority_name"] = out["authority_code"].map(names)
    columns = ["authority_code", "authority_name", "round_id", *model.strand_ids]
    return out[[*columns, "overall", "index", "rated", "expected"]]


def assert_same(duck: pd.DataFrame, reference: pd.DataFrame, model: Model | None = None) -> int:
    """Assert DuckDB's and the reference's levels are the same; return the rows compared."""
    model = model or load_model()
    left = duck.set_index(KEYS).sort_index()
    right = reference.set_index(KEYS).sort_index()
    assert left.index.equals(right.index), "different authority/round rows"
    for column in [*model.strand_ids, "overall", "rated", "expected"]:
        a = left[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        b = right[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(a, b, equal_nan=True), column
    a = left["index"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    b = right["index"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    assert np.allclose(a, b, equal_nan=True, rtol=0, atol=1e-12), "index"
    assert (left["authority_name"] == right["authority_name"]).all(), "authority_name"
    return len(left)


def measure(path: Path, repeat: int = 3, model: Model | None = None) -> dict[str, float | int]:
    """Median seconds to score every round under both rules: DuckDB and the reference."""
    model = model or load_model()
    frames = load_frames(path)
    duck_times, pandas_times, rows = [], [], 0
    with connect(path) as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            duck = {
                r: scoring.authority_levels(conn, LOCAL_VIEWER, None, r, model)
                for r in scoring.RULES
            }
            duck_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            reference = {r: reference_levels(frames, r, model) for r in scoring.RULES}
            pandas_times.append(time.perf_counter() - started)
            rows = sum(assert_same(duck[r], reference[r], model) for r in scoring.RULES)
    return {
        "duckdb": statistics.median(duck_times),
        "pandas": statistics.median(pandas_times),
        "rows": rows,
        "ratings": len(frames.ratings),
        "submissions": len(frames.submissions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="ehdmm-scoring-")) / "scoring.duckdb"
    started = time.perf_counter()
    counts = build(path, authorities=args.authorities)
    print(f"built {counts} in {time.perf_counter() - started:.1f} s")
    result = measure(path, args.repeat)
    print(result, f"pandas / duckdb = {result['pandas'] / result['duckdb']:.1f}")


if __name__ == "__main__":
    main()
