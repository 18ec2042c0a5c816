"""The one-off question: what share of homes is within given distances of a target layer."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import MissingColumnError
from arealanalyse.metrics.access import AccessCache, Accessibility, euclidean_distance
from arealanalyse.network import WalkNetwork
from arealanalyse.settings import Settings, resolve

__all__ = ["share_within"]


def share_within(
    homes: gpd.GeoDataFrame,
    targets: gpd.GeoDataFrame,
    /,
    *,
    distances_m: Sequence[float],
    weight: str | None = None,
    network: WalkNetwork | None = None,
    settings: Settings | None = None,
    cache: AccessCache | None = None,
) -> pd.DataFrame:
    """Weighted share of homes within each distance of the nearest target.

    Parameters
    ----------
    homes
        Origins (points or polygons) in the working CRS.
    targets
        Targets (points, or polygons such as green areas).
    distances_m
        Distances to report, in metres.
    weight
        Column of ``homes`` to weight by (e.g. ``population``); None counts features.
    network
        Walk network for network distances; None uses straight-line distances.
    settings
        Snap and search limits.
    cache
        Shared :class:`AccessCache` (network distances only).

    Returns
    -------
    DataFrame indexed by ``distance_m`` with ``homes_within``, ``weight_within``,
    ``weight_total`` and ``share`` (0-1), plus ``method`` (network or euclidean).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> homes = gpd.GeoDataFrame({"population": [10.0, 30.0]},
    ...     geometry=[Point(0, 0), Point(0, 700)], crs=25832)
    >>> stops = gpd.GeoDataFrame(geometry=[Point(0, 100)], crs=25832)
    >>> share_within(homes, stops, distances_m=[500, 1000], weight="population")["share"].tolist()
    [0.25, 1.0]
    """
    s = resolve(settings)
    dists = sorted(float(d) for d in distances_m)
    if weight is not None and weight not in homes.columns:
        raise MissingColumnError(
            f"Layer 'homes' has no column {weight!r} to weight by; choose one of "
            f"{[c for c in homes.columns if c != 'geometry']}."
        )
    w = (
        np.ones(len(homes))
        if weight is None
        else np.nan_to_num(homes[weight].to_numpy(dtype=np.float64))
    )
    if network is None:
        dist = euclidean_distance(homes, targets, max_distance_m=max(dists)).to_numpy()
    else:
        acc = Accessibility(network, homes, settings=s, cache=cache)
        dist = acc.distance_to(targets, max_distance_m=max(dists)).to_numpy()
    total = float(w.sum())
    rows = []
    for d in dists:
        sel = dist <= d
        rows.append(
            {
                "distance_m": d,
                "homes_within": int(sel.sum()),
                "weight_within": float(w[sel].sum()),
                "weight_total": total,
                "share": float(w[sel].sum() / total) if total > 0 else float("nan"),
                "method": "euclidean" if network is None else "network",
            }
        )
    return pd.DataFrame(rows).set_index("distance_m")
