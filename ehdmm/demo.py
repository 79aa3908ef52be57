"""Deterministic synthetic demo data: plausible pooled self-assessments, marked synthetic.

Every authority gets a latent maturity; strands and dimensions vary around it (so strands are
correlated within an authority); rounds add gradual progress with occasional setbacks. Some
authorities miss a round, a few returns are incomplete and a few are resubmitted (the first
version then stays as superseded history). A `scale` above 1 adds synthetic copies of the 153
authorities (for load tests), each copy with its own copies of the statistical neighbours.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ehdmm import demo_plans
from ehdmm.model import Model, load_model
from ehdmm.storage import connect, publications, resolve_db_path, write_with_retry
from ehdmm.storage import plans as plan_store
from ehdmm.storage import reference as ref
from ehdmm.storage import responses as responses_store
from ehdmm.storage import submissions as store

SEED = 20171201
ROUNDS: tuple[str, ...] = ("2023-03", "2024-03", "2025-03", "2026-03")
DEMO_AUTHOR = "synthetic demo data"

_EVIDENCE = {
    1: ["Little written down yet; discussed at team meeting.", "No formal process; ad-hoc."],
    2: ["Plan agreed at early help board; first steps taken.", "Partly in place; gaps known."],
    3: ["In place across the service; reviewed quarterly.", "Used by most teams; audit done."],
    4: ["Embedded with partners; board reviews it monthly.", "Independent review confirmed it."],
}


@dataclass
class DemoData:
    submissions: pd.DataFrame
    ratings: pd.DataFrame
    checklist: pd.DataFrame


def synthetic_authorities(
    base: pd.DataFrame, neighbours: pd.DataFrame, scale: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies 1..scale-1 of the reference authorities (codes X<copy><nnnn>), with neighbours
    mapped into the same copy."""
    frames, links = [], []
    codes = list(base["code"])
    for copy in range(1, scale):
        mapping = {code: f"X{copy:03d}{i:05d}" for i, code in enumerate(codes)}
        frame = base.copy()
        frame["code"] = frame["code"].map(mapping)
        frame["name"] = frame["name"] + f" (synthetic copy {copy})"
        frame["la_number"] = None
        frame["synthetic"] = True
        frames.append(frame)
        link = neighbours.copy()
        link["authority_code"] = link["authority_code"].map(mapping)
        link["neighbour_code"] = link["neighbour_code"].map(mapping)
        links.append(link)
    if not frames:
        return base.iloc[0:0], neighbours.iloc[0:0]
    return pd.concat(frames, ignore_index=True), pd.concat(links, ignore_index=True)


def generate(
    model: Model,
    authority_codes: list[str],
    *,
    seed: int = SEED,
    rounds: tuple[str, ...] = ROUNDS,
) -> DemoData:
    """The demo submissions, ratings and checklist answers for the given authorities."""
    rng = np.random.default_rng(seed)
    n, n_rounds = len(authority_codes), len(rounds)
    dims = model.dimensions
    strand_index = {s.id: i for i, s in enumerate(model.strands)}
    dim_strand = np.array([strand_index[d.strand_id] for d in dims])

    base = rng.normal(2.0, 0.55, n)
    strand_offset = rng.normal(0.0, 0.35, (n, len(model.strands)))
    dim_offset = rng.normal(0.0, 0.3, (n, len(dims)))
    step = rng.normal(0.22, 0.22, (n, n_rounds))
    step[:, 0] = 0.0
    setback = rng.random((n, n_rounds)) < 0.08
    step[setback] = -rng.uniform(0.2, 0.6, setback.sum())
    trend = np.cumsum(step, axis=1)
    latent = (
        base[:, None, None]
        + strand_offset[:, None, dim_strand]
        + dim_offset[:, None, :]
        + trend[:, :, None]
        + rng.normal(0.0, 0.2, (n, n_rounds, len(dims)))
    )
    levels = np.clip(np.rint(latent), 1, 4).astype(int)

    present = rng.random((n, n_rounds)) >= 0.06
    present[~present.any(axis=1), -1] = True
    incomplete = (rng.random((n, n_rounds)) < 0.03) & present
    resubmitted = (rng.random((n, n_rounds)) < 0.04) & present
    has_evidence = rng.random((n, n_rounds, len(dims))) < 0.6
    evidence_pick = rng.integers(0, 2, (n, n_rounds, len(dims)))
    confidence = rng.choice(np.array(["low", "medium", "high"]), (n, n_rounds, len(dims)))
    checklist_p = 1 / (1 + np.exp(-(base - 1.6) * 2.5))
    checklist_draw = rng.random((n, n_rounds, len(model.checklist)))
    day_offset = rng.integers(0, 60, (n, n_rounds))
    drop_dims = rng.integers(0, len(dims), (n, n_rounds, 2))
    drop_two = rng.random((n, n_rounds)) < 0.3
    bump_dim = rng.integers(0, len(dims), (n, n_rounds))

    subs, ratings, checklist = [], [], []
    key = 0
    for r, round_id in enumerate(rounds):
        opened = datetime.strptime(round_id, "%Y-%m")
        for a, code in enumerate(authority_codes):
            if not present[a, r]:
                continue
            final = levels[a, r].copy()
            versions = []
            if resubmitted[a, r]:
                first = final.copy()
                j = bump_dim[a, r]
                first[j] = max(1, final[j] - 1) if final[j] > 1 else 2
                versions.append((first, day_offset[a, r]))
            versions.append((final, day_offset[a, r] + (14 if resubmitted[a, r] else 0)))
            for version, days in versions:
                key += 1
                subs.append(
                    (
                        key,
                        code,
                        round_id,
                        model.version,
                        "submitted",
                        "demo",
                        None,
                        None,
                        opened + timedelta(days=int(days), hours=10),
                        DEMO_AUTHOR,
                        None,
                        None,
                        True,
                    )
                )
                skip = set()
                if incomplete[a, r]:
                    skip.add(int(drop_dims[a, r, 0]))
                    if drop_two[a, r]:
                        skip.add(int(drop_dims[a, r, 1]))
                for d, dim in enumerate(dims):
                    if d in skip:
                        continue
                    level = int(version[d])
                    text = (
                        _EVIDENCE[level][evidence_pick[a, r, d]] if has_evidence[a, r, d] else None
                    )
                    ratings.append((key, dim.id, level, text, str(confidence[a, r, d])))
                for c, item in enumerate(model.checklist):
                    in_place = bool(checklist_draw[a, r, c] < min(0.97, checklist_p[a] + 0.1 * r))
                    checklist.append((key, item.id, in_place, None))
    return DemoData(
        pd.DataFrame(subs, columns=store.SUBMISSION_COLUMNS),
        pd.DataFrame(ratings, columns=store.RATING_COLUMNS),
        pd.DataFrame(checklist, columns=store.CHECKLIST_COLUMNS).astype({"note": object}),
    )


# -- several respondents per authority ---------------------------------------------------------

PARTNER_SHARE = 1 / 3  # of the latest round's authorities with a complete current return
ROLE_LABELS = ("Early help", "Information governance", "Data team", "Police", "Health", "Schools")


def generate_partners(model: Model, data: DemoData, *, seed: int = SEED + 1):
    """Respondents for about a third of the authorities with a complete current return in the
    latest round: 2 to 5 each, every one's levels the return's give or take one (sometimes
    two), most submitted, a few still drafts; the return is recorded as their consensus (the
    median rounded down, and a reason where the return differs from it). Drawn from a random
    generator of its own, so every other demo row stays as it was."""
    from ehdmm.analysis.spread import floor_median  # pure: no storage

    rng = np.random.default_rng(seed)
    latest = ROUNDS[-1]
    subs = data.submissions[data.submissions["round_id"] == latest]
    current = subs.groupby("authority_code")["key"].max()
    per_key = data.ratings[data.ratings["key"].isin(current.values)]
    complete = per_key.groupby("key")["dimension_id"].count() == len(model.dimensions)
    keys = [k for k in current.values if complete.get(k, False)]
    chosen = sorted(int(k) for k in keys if rng.random() < PARTNER_SHARE)
    people, ratings, levels_rows, sources = [], [], [], []
    local = 0
    for key in chosen:
        code = str(subs.loc[subs["key"] == key, "authority_code"].iloc[0])
        agreed = dict(
            per_key.loc[per_key["key"] == key, ["dimension_id", "level"]].itertuples(
                index=False, name=None
            )
        )
        count = int(rng.integers(2, 6))
        roles = rng.choice(len(ROLE_LABELS), count, replace=False)
        given: dict[str, list[int]] = {d.id: [] for d in model.dimensions}
        for n, role in enumerate(roles):
            local += 1
            submitted = n < 2 or rng.random() < 0.85
            people.append(
                (local, code, latest, f"Respondent {chr(65 + n)}", ROLE_LABELS[role], submitted)
            )
            for dimension in model.dimensions:
                shift = rng.choice(
                    [-2, -1, 0, 0, 0, 1, 1, 2], p=[0.03, 0.2, 0.2, 0.2, 0.1, 0.12, 0.12, 0.03]
                )
                level = int(np.clip(int(agreed[dimension.id]) + shift, 1, 4))
                text = _EVIDENCE[level][int(rng.integers(0, 2))] if rng.random() < 0.7 else None
                ratings.append((local, dimension.id, level, text))
                if submitted:
                    given[dimension.id].append(level)
            if submitted:
                sources.append((key, local))
        for dimension in model.dimensions:
            median = floor_median(given[dimension.id])
            level = int(agreed[dimension.id])
            reason = None if median in (None, level) else "Agreed at the partners' meeting."
            levels_rows.append((key, dimension.id, median, level, reason))
    return PartnerData(
        pd.DataFrame(
            people,
            columns=["key", "authority_code", "round_id", "name", "role_label", "submitted"],
        ),
        pd.DataFrame(ratings, columns=["key", "dimension_id", "level", "evidence"]),
        pd.DataFrame(
            levels_rows,
            columns=["submission_key", "dimension_id", "median_level", "level", "reason"],
        ).astype({"median_level": "Int64", "reason": object}),
        pd.DataFrame(sources, columns=["submission_key", "key"]),
    )


@dataclass
class PartnerData:
    respondents: pd.DataFrame  # key, authority_code, round_id, name, role_label, submitted
    ratings: pd.DataFrame  # key, dimension_id, level, evidence
    consensus_levels: pd.DataFrame  # submission_key, dimension_id, median_level, level, reason
    consensus_sources: pd.DataFrame  # submission_key, key (respondent)


def write_demo(
    db: str | os.PathLike[str] | None,
    *,
    scale: int = 1,
    seed: int = SEED,
    model: Model | None = None,
) -> dict[str, int]:
    """Add the demo rounds, (for scale > 1) synthetic authorities, and demo submissions to a
    database that has no submissions yet. Returns row counts written."""
    model = model or load_model()
    if scale < 1:
        raise ValueError("scale must be 1 or more")

    def work(conn):
        ref.load_reference(conn)
        ref.sync_model(conn, model)
        existing = store.table_counts(conn)["submissions"]
        if existing:
            raise ValueError(
                "the database already holds submissions; demo data go into a new database "
                "(choose one with --db)"
            )
        base = ref.authorities(conn)
        base = base[~base["synthetic"]]
        if scale > 1:
            links = ref.neighbour_links(conn)
            extra, extra_links = synthetic_authorities(base, links, scale)
            ref.add_authorities(conn, extra, extra_links)
            codes = list(base["code"]) + list(extra["code"])
        else:
            codes = list(base["code"])
        for round_id in ROUNDS:
            ref.add_round(conn, round_id, label=f"{round_id} (synthetic)", synthetic=True)
        data = generate(model, codes, seed=seed)
        ids = store.write_submissions(conn, data.submissions, data.ratings, data.checklist)
        # targets and improvement plans of about half the (reference) authorities
        targets, actions = demo_plans.generate_plans(
            model, data.submissions, data.ratings, list(base["code"]), DEMO_AUTHOR, seed
        )
        plan_store.write_synthetic(conn, targets, actions)
        # several respondents for about a third of the latest round's authorities
        partners = generate_partners(model, data, seed=seed + 1)
        responses_store.write_demo(conn, partners, ids)
        store.set_meta(conn, "demo", f"seed={seed};scale={scale}")
        publications.publish_every_round(conn, DEMO_AUTHOR, synthetic=True)
        return {
            "authorities": len(codes),
            "submissions": len(data.submissions),
            "ratings": len(data.ratings),
            "checklist_answers": len(data.checklist),
            "respondents": len(partners.respondents),
        }

    return write_with_retry(db, work, timeout=30)


def install_demo(db: str | os.PathLike[str] | None = None, *, scale: int = 1) -> dict[str, int]:
    """Create a new database file holding the demo data, atomically: it is built in a temporary
    file beside the target and moved into place, so a half-built file is never seen."""
    target = resolve_db_path(db)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".ehdmm-demo-", suffix=".duckdb", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        counts = write_demo(tmp, scale=scale)
        with connect(tmp):
            pass  # checkpointed and closed: the WAL is folded into the file
        if target.exists():
            raise FileExistsError(f"{target} appeared while the demo was being built; kept it")
        os.replace(tmp, target)
        return counts
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            if leftover.exists():
                leftover.unlink()
