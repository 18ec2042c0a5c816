"""Rank scenarios by weighted criteria (multi-criteria analysis, min-max normalised).

Each criterion is a number per scenario with a direction (+ more is better, − less is better).
Values are min-max normalised across the compared scenarios to 0..1 (1 = best); a criterion on
which all scenarios are equal, or a scenario lacks a value, scores 0.5 (neutral). The score is the
weighted mean of the normalised values; ranks follow the score (ties: by name).

Default criteria and weights (:data:`CRITERIA`), overridable with ``--weights`` as a YAML file
(``{jobs_near_rail: 3, farmland: 2}``) or inline ``jobs_near_rail=3,farmland=2``:

=====================  ====  ======  ==========================================================
criterion              dir   weight  value
=====================  ====  ======  ==========================================================
jobs_near_rail         \\+    3       share of new jobs within 1,000 m walk of rail/metro
farmland               −     3       farmland (AR5 21/22/23) taken by sites, daa (jordvern)
green                  −     1       green area taken by sites, daa
services_after         \\+    1       share of homes within a 5-min walk of daily services, after
noise_new_homes        −     1       dwelling-weighted mean road noise (Lden dB) at new homes
                                     (sites and rezonings with dwellings)
business_floor_space   \\+    1       net new business floor space (BRA m²; rezoning losses count)
=====================  ====  ======  ==========================================================
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.errors import ScenarioError
from arealanalyse.scenarios.evaluate import ScenarioResult
from arealanalyse.yamlfiles import read_yaml

__all__ = ["CRITERIA", "Criterion", "criteria_values", "parse_weights", "rank"]


@dataclass(frozen=True)
class Criterion:
    """One ranking criterion (its description: ``ranking.criterion.<key>`` in the messages)."""

    key: str
    direction: int  # +1 more is better, -1 less is better
    weight: float
    unit: str  # "share" (0-1) or a unit of arealanalyse.i18n


CRITERIA: dict[str, Criterion] = {
    c.key: c
    for c in (
        Criterion("jobs_near_rail", +1, 3.0, "share"),
        Criterion("farmland", -1, 3.0, "daa"),
        Criterion("green", -1, 1.0, "daa"),
        Criterion("services_after", +1, 1.0, "share"),
        Criterion("noise_new_homes", -1, 1.0, "dB"),
        Criterion("business_floor_space", +1, 1.0, "m²"),
    )
}


def parse_weights(spec: str | os.PathLike[str] | Mapping[str, float] | None, /) -> dict[str, float]:
    """Weights from a mapping, a YAML file or inline ``key=value,...``; unknown keys are errors.

    Examples
    --------
    >>> parse_weights("farmland=5, green=0")["farmland"], parse_weights(None)["farmland"]
    (5.0, 3.0)
    >>> parse_weights("farmlnd=1")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.ScenarioError: weights: unknown criterion 'farmlnd' (did you mean ...
    """
    weights = {k: c.weight for k, c in CRITERIA.items()}
    if spec is None:
        return weights
    given: Mapping[str, Any]
    if isinstance(spec, Mapping):
        given = spec
    elif Path(spec).suffix.lower() in (".yaml", ".yml") or Path(spec).is_file():
        p = Path(spec)
        if not p.is_file():
            raise ScenarioError(f"weights: file {str(p)!r} does not exist; check the path.")
        given = read_yaml(p, error=ScenarioError, what="Weights file")
    else:
        given = {}
        for part in str(spec).split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ScenarioError(
                    f"weights: {part.strip()!r} is not key=value; write e.g. farmland=3,green=1."
                )
            k, v = part.split("=", 1)
            given = {**given, k.strip(): v.strip()}
    for key, value in given.items():
        if key not in CRITERIA:
            close = difflib.get_close_matches(str(key), list(CRITERIA), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioError(
                f"weights: unknown criterion {key!r}{hint}; criteria are {', '.join(CRITERIA)}."
            )
        try:
            if isinstance(value, bool):
                raise TypeError("a yes/no is not a weight")
            w = float(value)
        except (TypeError, ValueError):
            raise ScenarioError(
                f"weights: {key}={value!r} is not a number; write e.g. {key}=2."
            ) from None
        if not np.isfinite(w) or w < 0:
            raise ScenarioError(
                f"weights: {key}={value!r} must be a number >= 0 (the direction is fixed)."
            )
        weights[key] = w
    return weights


def _services_share(result: ScenarioResult) -> float:
    table = result.metrics_before_after
    candidates = [
        m
        for m in table.index
        if str(m).startswith("daily_services_") and str(m).endswith("_dwellings")
    ]
    if not candidates:
        return float("nan")
    return float(table.loc[sorted(candidates)[0], "after"]) / 100.0


def criteria_values(result: ScenarioResult, /) -> dict[str, float]:
    """Return the raw criterion values of one scenario result."""
    t = result.sites
    tot = result.totals
    share_key = next((k for k in tot if k.startswith("share_new_jobs_within_")), "")
    share = tot.get(share_key)
    homes = t[t["dwellings"] > 0]
    rz = result.rezonings
    rz = rz[rz["dwellings"] > 0] if "dwellings" in rz else rz.iloc[0:0]
    w = np.concatenate(
        [homes["dwellings"].to_numpy(dtype=float), rz["dwellings"].to_numpy(dtype=float)]
    )
    v = np.concatenate(
        [homes["noise_mean_db"].to_numpy(dtype=float), rz["noise_mean_db"].to_numpy(dtype=float)]
    )
    ok = ~np.isnan(v)
    noise = (
        float(np.average(v[ok], weights=w[ok])) if ok.any() and w[ok].sum() > 0 else float("nan")
    )
    return {
        "jobs_near_rail": float(share) if share is not None else float("nan"),
        "farmland": float(tot.get("farmland_daa", 0.0)),
        "green": float(tot.get("green_daa", 0.0)),
        "services_after": _services_share(result),
        "noise_new_homes": noise,
        "business_floor_space": float(tot.get("business_bra_m2_net", 0.0)),
    }


def rank(
    values: Mapping[str, Mapping[str, float]] | Sequence[ScenarioResult],
    /,
    *,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Rank scenarios: raw values, normalised scores (0..1, 1 best), weighted score and rank.

    Parameters
    ----------
    values
        ``{scenario: {criterion: value}}`` or a list of :class:`ScenarioResult`.
    weights
        ``{criterion: weight}`` (defaults from :data:`CRITERIA`).

    Examples
    --------
    >>> r = rank({"a": {"farmland": 0.0, "jobs_near_rail": 0.9},
    ...           "b": {"farmland": 40.0, "jobs_near_rail": 0.3}},
    ...          weights={"farmland": 1, "jobs_near_rail": 1, "green": 0, "services_after": 0,
    ...                   "noise_new_homes": 0, "business_floor_space": 0})
    >>> r[["rank", "score"]].to_dict("index")
    {'a': {'rank': 1, 'score': 1.0}, 'b': {'rank': 2, 'score': 0.0}}
    """
    if not isinstance(values, Mapping):
        values = {r.name: criteria_values(r) for r in values}
    w = parse_weights(weights) if weights is not None else parse_weights(None)
    names = sorted(values)
    raw = pd.DataFrame(
        {k: [float(values[n].get(k, np.nan)) for n in names] for k in CRITERIA}, index=names
    )
    norm = pd.DataFrame(index=names)
    for key, crit in CRITERIA.items():
        col = raw[key]
        lo, hi = col.min(skipna=True), col.max(skipna=True)
        if not np.isfinite(lo) or not np.isfinite(hi) or hi - lo <= 1e-12:
            score = pd.Series(0.5, index=names)
        else:
            score = (col - lo) / (hi - lo) if crit.direction > 0 else (hi - col) / (hi - lo)
            score = score.fillna(0.5)
        norm[f"{key}_score"] = score.round(6)
    total_w = sum(w.values())
    if total_w <= 0:
        raise ScenarioError("weights: all weights are 0; give at least one criterion a weight > 0.")
    weighted = np.zeros(len(names))
    for k in CRITERIA:
        weighted += norm[f"{k}_score"].to_numpy(dtype=float) * w[k]
    out = pd.concat([raw.round(6), norm], axis=1)
    out["score"] = np.round(weighted / total_w, 6)
    scores = dict(zip(names, out["score"].to_numpy(dtype=float), strict=True))
    order = sorted(names, key=lambda n: (-scores[n], n))
    out = out.loc[order]
    out.insert(0, "rank", range(1, len(out) + 1))
    out.index.name = "scenario"
    out.attrs["weights"] = dict(w)
    return out
