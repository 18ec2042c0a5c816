"""Connected components: which points sat nearest to an isolated piece of the walk network.

A real network has islands: a courtyard footway, a path cut by the extract's edge, a pier. A home
snapped to one reaches nothing, and its distances are ``inf``. By default
(``settings.snap_components = "largest"``) :class:`~arealanalyse.network.WalkNetwork` lets points
snap only to the largest connected component; :func:`island_snaps` lists the points whose nearest
edge was on an island instead, and where they were snapped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from arealanalyse.network.graph import WalkNetwork
from arealanalyse.network.points import Points, Snap

__all__ = ["ISLAND_COLUMNS", "island_snaps", "island_summary"]

#: Columns of :func:`island_snaps`.
ISLAND_COLUMNS = (
    "layer",
    "feature",
    "island",
    "island_nodes",
    "island_m",
    "snapped_m",
    "snapped_x",
    "snapped_y",
)


def island_snaps(
    net: WalkNetwork,
    points: Points,
    /,
    *,
    max_snap_m: float,
    layer: str = "points",
    index: pd.Index | None = None,
    snap: Snap | None = None,
) -> pd.DataFrame:
    """Points whose nearest edge lies on an island, with where they were snapped instead.

    Parameters
    ----------
    net
        The walk network.
    points
        Point geometries in the network's CRS (one per feature).
    max_snap_m
        The snap limit (``settings.max_snap_m``).
    layer
        Name written in the ``layer`` column.
    index
        Feature ids (default: positions).
    snap
        The points' snaps to the network, when already computed.

    Returns
    -------
    pandas.DataFrame
        One row per point that sat nearer to an island than to the part it may snap to:
        ``island`` (component label) and ``island_nodes`` (its size), ``island_m`` (distance to
        it), ``snapped_m`` (access distance to where it was snapped; ``inf`` when the usable part
        is farther than ``max_snap_m``, i.e. not reached) and the snapped point. Empty when every
        point may use its nearest edge (no islands, or ``snap_components="all"``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=[
    ...     LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)]),
    ...     LineString([(0, 40), (30, 40)])], crs=25832))
    >>> island_snaps(net, [Point(10, 35), Point(50, 5)], max_snap_m=300, layer="homes")[
    ...     ["layer", "feature", "island_m", "snapped_m"]].to_dict("records")
    [{'layer': 'homes', 'feature': 0, 'island_m': 5.0, 'snapped_m': 35.0}]
    """
    pts = np.asarray(points, dtype=object)
    ids = index if index is not None else pd.RangeIndex(len(pts))
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ISLAND_COLUMNS})
    if len(pts) == 0 or net.snappable.all():
        return empty
    island_ids, island_idx = net.island_index
    if island_idx is None:
        return empty
    xy = shapely.get_coordinates(pts)
    owner, _, d_island, _ = island_idx.nearest(xy, max_distance=max_snap_m)
    snap = snap if snap is not None else net.snap(pts, max_snap_m=max_snap_m)
    nearer = (owner >= 0) & (d_island < snap.access_m)
    rows = np.flatnonzero(nearer)
    if len(rows) == 0:
        return empty
    edge = island_ids[owner[rows]]
    comp = net.component[net.u[edge]]
    sizes = np.bincount(net.component)
    sxy = snap.xy[rows] if snap.xy is not None else np.full((len(rows), 2), np.nan)
    return pd.DataFrame(
        {
            "layer": layer,
            "feature": np.asarray(ids)[rows],
            "island": comp,
            "island_nodes": sizes[comp],
            "island_m": d_island[rows],
            "snapped_m": snap.access_m[rows],
            "snapped_x": sxy[:, 0],
            "snapped_y": sxy[:, 1],
        }
    )


def island_summary(table: pd.DataFrame, /) -> pd.DataFrame:
    """Per layer: points nearest an island, how many were re-snapped and how far they moved.

    Examples
    --------
    >>> t = pd.DataFrame({"layer": ["homes", "homes"], "island_m": [5.0, 2.0],
    ...                   "snapped_m": [35.0, float("inf")]})
    >>> row = island_summary(t).iloc[0]
    >>> int(row.nearest_island), int(row.snapped_to_network), int(row.not_reached)
    (2, 1, 1)
    >>> float(row.median_extra_m)
    30.0
    """
    cols = ["layer", "nearest_island", "snapped_to_network", "not_reached", "median_extra_m",
            "max_extra_m"]  # fmt: skip
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = []
    for layer, g in table.groupby("layer", sort=False):
        ok = np.isfinite(g["snapped_m"].to_numpy(dtype=float))
        extra = (g["snapped_m"] - g["island_m"]).to_numpy(dtype=float)[ok]
        out.append(
            {
                "layer": layer,
                "nearest_island": len(g),
                "snapped_to_network": int(ok.sum()),
                "not_reached": int((~ok).sum()),
                "median_extra_m": float(np.median(extra)) if len(extra) else float("nan"),
                "max_extra_m": float(extra.max()) if len(extra) else float("nan"),
            }
        )
    return pd.DataFrame(out, columns=cols)
