"""Aggregations of (home, target, distance) pairs: cumulative opportunities, gravity, catchments.

Each takes the pairs frame of :meth:`arealanalyse.metrics.Accessibility.pairs` (columns
``home``, ``target``: positions in the two layers; ``distance_m``) and the layers' indexes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["catchments", "gravity", "opportunities"]


def opportunities(
    pairs: pd.DataFrame,
    n_targets: int,
    homes: pd.Index,
    /,
    *,
    distances_m: Sequence[float],
    key: str = "targets",
    weight: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Count (or sum the weight of) the targets within each distance of each home.

    Examples
    --------
    >>> p = pd.DataFrame({"home": [0, 0, 1], "target": [0, 1, 1], "distance_m": [50, 300, 90]})
    >>> opportunities(p, 2, pd.Index(["a", "b"]), distances_m=[100, 400]).to_dict("list")
    {'n_within_100m_targets': [1.0, 1.0], 'n_within_400m_targets': [2.0, 1.0]}
    """
    dists = sorted(float(d) for d in distances_m)
    w = np.ones(n_targets) if weight is None else np.asarray(weight, dtype=np.float64)
    home, target, dist = (pairs[c].to_numpy() for c in ("home", "target", "distance_m"))
    out = {}
    for d in dists:
        sel = dist <= d
        out[f"n_within_{d:g}m_{key}"] = np.bincount(
            home[sel], weights=w[target[sel]], minlength=len(homes)
        )
    return pd.DataFrame(out, index=homes.copy())


def gravity(
    pairs: pd.DataFrame,
    n_targets: int,
    homes: pd.Index,
    /,
    *,
    beta: float,
    key: str = "targets",
    weight: Sequence[float] | np.ndarray | None = None,
) -> pd.Series:
    """Sum ``weight * exp(-beta * d)`` over each home's pairs (a Series named ``gravity_<key>``).

    Examples
    --------
    >>> p = pd.DataFrame({"home": [0], "target": [0], "distance_m": [0.0]})
    >>> gravity(p, 1, pd.Index(["a", "b"]), beta=0.01).to_dict()
    {'a': 1.0, 'b': 0.0}
    """
    w = np.ones(n_targets) if weight is None else np.asarray(weight, dtype=np.float64)
    vals = w[pairs["target"].to_numpy()] * np.exp(-beta * pairs["distance_m"].to_numpy())
    out = np.bincount(pairs["home"].to_numpy(), weights=vals, minlength=len(homes))
    return pd.Series(out, index=homes.copy(), name=f"gravity_{key}")


def catchments(
    pairs: pd.DataFrame,
    homes: pd.Index,
    targets: pd.Index,
    /,
    *,
    distances_m: Sequence[float],
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Count the homes (and sum each ``weights`` column) within each distance of each target.

    ``weights`` is indexed like the homes. Columns ``homes_within_<d>m`` and
    ``<col>_within_<d>m``; indexed like the targets.
    """
    dists = sorted(float(d) for d in distances_m)
    n = len(targets)
    out: dict[str, np.ndarray] = {}
    w = weights.reindex(homes) if weights is not None else pd.DataFrame(index=homes)
    home, target, dist = (pairs[c].to_numpy() for c in ("home", "target", "distance_m"))
    for d in dists:
        sel = dist <= d
        hh, gg = home[sel], target[sel]
        out[f"homes_within_{d:g}m"] = np.bincount(gg, minlength=n).astype(np.float64)
        for col in w.columns:
            vals = np.nan_to_num(w[col].to_numpy(dtype=np.float64))
            out[f"{col}_within_{d:g}m"] = np.bincount(gg, weights=vals[hh], minlength=n)
    return pd.DataFrame(out, index=targets.copy())
