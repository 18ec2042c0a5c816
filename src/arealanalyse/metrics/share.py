"""The one-off question: what share of homes is within given distances of a target layer."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely

from arealanalyse.layers.overlap import bounds_area, check_overlap
from arealanalyse.metrics.access import AccessCache, Accessibility, euclidean_distance
from arealanalyse.metrics.weights import default_home_weight, weight_label, weight_values
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
        Column of ``homes`` to weight by (``population``, ``dwellings``...), or ``"count"`` to
        count features. None weighs by what the layer measured: population for an SSB grid,
        dwellings for buildings (see :func:`~arealanalyse.metrics.weights.default_home_weight`).
    network
        Walk network for network distances; None uses straight-line distances.
    settings
        Snap and search limits.
    cache
        Shared :class:`AccessCache` (network distances only).

    Returns
    -------
    DataFrame indexed by ``distance_m`` with ``homes_within`` (features), ``weight_within``,
    ``weight_total`` and ``share`` (0-1), plus ``weight`` (the column weighed, or ``count``),
    ``label`` (e.g. "andel bosatte") and ``method`` (network or euclidean).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> homes = gpd.GeoDataFrame({"population": [10.0, 30.0]},
    ...     geometry=[Point(0, 0), Point(0, 700)], crs=25832)
    >>> stops = gpd.GeoDataFrame(geometry=[Point(0, 100)], crs=25832)
    >>> t = share_within(homes, stops, distances_m=[500, 1000])
    >>> t["share"].tolist(), t["label"].iloc[0]
    ([0.25, 1.0], 'andel bosatte')
    """
    s = resolve(settings)
    dists = sorted(float(d) for d in distances_m)
    weight = default_home_weight(homes) if weight is None else weight
    w = weight_values(homes, weight)
    _check_layers_meet(homes, targets, network, max(dists), s)
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
                "weight": weight,
                "label": weight_label(weight),
                "method": "euclidean" if network is None else "network",
            }
        )
    return pd.DataFrame(rows).set_index("distance_m")


def _check_layers_meet(
    homes: gpd.GeoDataFrame,
    targets: gpd.GeoDataFrame,
    network: WalkNetwork | None,
    reach_m: float,
    s: Settings,
) -> None:
    """Homes and targets must meet each other (and the network): no silent 0 % shares."""
    if targets.crs is not None and homes.crs is not None and not targets.crs.equals(homes.crs):
        targets = targets.to_crs(homes.crs)
    if network is not None:
        extent = shapely.box(*shapely.total_bounds(network.edge_geoms))
        for name, layer in (("homes", homes), ("targets", targets)):
            check_overlap(
                layer,
                extent,
                name=name,
                area_name="the walk network",
                tolerance_m=s.max_snap_m,
            )
    if len(homes) and len(targets):
        check_overlap(
            targets,
            bounds_area([homes]),
            name="targets",
            area_name="reach of the homes",
            tolerance_m=reach_m,
        )
