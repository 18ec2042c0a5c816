"""One partition's metric suite: its own homes, computed on its own features plus a halo.

:func:`partition_suite` is the one seam between the batch machinery and the analysis: it takes
the canonical layers of a partition and its halo (everything within
:func:`~arealanalyse.batch.partitions.halo_m`) and, per layer, which features the partition
owns, and returns the suite's results for what it owns:

* ``per_home``, ``per_cell``, ``per_zone`` and the summary: the partition's own homes, measured
  against every target in reach (also those across the border);
* ``catchments``: the partition's own transit nodes, counting every home and job in reach
  (also those across the border);
* ``land_take``: the partition's own planned zones;
* ``stop_places`` and the snapping report: own features only.

Nothing here reads or writes files or knows about Dask.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.io import write_table
from arealanalyse.metrics.access import Accessibility
from arealanalyse.metrics.suite import (
    BUILD_CATEGORIES,
    home_weights,
    run_suite,
    transit_catchments,
)
from arealanalyse.network import WalkNetwork, point_geometries
from arealanalyse.settings import Settings, resolve

__all__ = [
    "OWNED_KINDS",
    "SNAP_COLUMN",
    "SUITE_KINDS",
    "PartitionResult",
    "owns_more_than_homes",
    "partition_suite",
    "summary_row",
]

#: Canonical layers the metric suite reads (``walk_network`` and ``homes`` are required).
SUITE_KINDS = (
    "homes",
    "walk_network",
    "green",
    "services",
    "transit",
    "workplaces",
    "zoning",
    "farmland",
    "barriers",
)
#: Column of a partition's ``walk_network`` marking the lines on the largest component of the
#: whole network, where points may snap (:func:`arealanalyse.batch.inputs.mark_main_component`).
SNAP_COLUMN = "_batch_snappable"
#: Layers whose features belong to one partition each (the rest are targets or context only).
#: ``stop_places`` is the timetable's stop places with their frequency measures.
OWNED_KINDS = ("homes", "services", "transit", "workplaces", "zoning", "stop_places")


@dataclass
class PartitionResult:
    """What :func:`partition_suite` computed for one partition (own features only)."""

    summary: pd.DataFrame
    per_home: gpd.GeoDataFrame
    per_cell: gpd.GeoDataFrame
    per_zone: pd.DataFrame
    catchments: gpd.GeoDataFrame
    land_take: pd.DataFrame | None
    stop_places: gpd.GeoDataFrame | None
    snapping: pd.DataFrame
    network: dict[str, float]
    halo_homes: int
    timings_s: dict[str, float] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the result tables by name (those that exist)."""
        out: dict[str, pd.DataFrame] = {
            "summary": self.summary,
            "per_home": self.per_home,
            "per_cell": self.per_cell,
            "per_zone": self.per_zone,
            "catchments": self.catchments,
            "snapping": self.snapping,
        }
        if self.land_take is not None:
            out["land_take"] = self.land_take
        if self.stop_places is not None:
            out["stop_places"] = self.stop_places
        return out

    def write(self, folder: str | Path, /) -> dict[str, Path]:
        """Write every table as (Geo)Parquet into ``folder`` (atomic per file)."""
        out = Path(folder)
        paths = {}
        for name, table in self.tables().items():
            frame = table
            if name == "snapping" and len(frame):
                frame = frame.astype({c: str for c in ("layer", "feature") if c in frame.columns})
            paths[name] = write_table(frame, out / f"{name}.parquet")
        return paths


def _mask(own: Mapping[str, np.ndarray], kind: str, n: int) -> np.ndarray:
    mask = own.get(kind)
    if mask is None:
        return np.ones(n, dtype=bool)
    arr = np.asarray(mask, dtype=bool)
    if len(arr) != n:
        raise ValueError(f"own mask of {kind!r} has {len(arr)} values for {n} features")
    return arr


def _near(gdf: gpd.GeoDataFrame, points: np.ndarray, distance_m: float) -> gpd.GeoDataFrame:
    """Features of ``gdf`` whose analysis point lies within ``distance_m`` of any point."""
    if len(gdf) == 0 or len(points) == 0:
        return gdf.iloc[:0]
    pts = point_geometries(gdf.geometry, name="features")
    hit = shapely.STRtree(points).query(pts, predicate="dwithin", distance=distance_m)[0]
    return gdf.iloc[np.unique(hit)]


def partition_suite(
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    own: Mapping[str, np.ndarray],
    settings: Settings | None = None,
    include_planned_transit: bool = False,
) -> PartitionResult:
    """Run the metric suite for the features a partition owns, on the partition and its halo.

    Parameters
    ----------
    layers
        Canonical layers of the partition and its halo (:data:`SUITE_KINDS`; ``homes`` and
        ``walk_network`` required), in the working CRS, plus optionally ``stop_places`` (the
        timetable's stop places with frequency measures,
        :func:`arealanalyse.transit.service_levels`).
        A ``walk_network`` with a :data:`SNAP_COLUMN` lets points snap only to the lines where
        it is True (the main component of the whole network, which a cut of it cannot tell).
    own
        For kinds in :data:`OWNED_KINDS`: a boolean array (one value per feature of that layer)
        that is True for the features the partition owns and reports. A kind without a mask is
        owned whole. A partition without homes of its own (a station or a planned zone in a
        partition where nobody lives) reports its catchments, land take and jobs only.
    settings
        Run settings (distances, thresholds).
    include_planned_transit
        Count transit nodes with ``status == "planned"`` too.

    Returns
    -------
    PartitionResult

    Examples
    --------
    Two homes on a street; the school stands across the border, in the halo:

    >>> import geopandas as gpd, numpy as np
    >>> from shapely.geometry import LineString, Point
    >>> net = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=25832)
    >>> homes = gpd.GeoDataFrame({"dwellings": [1.0, 1.0]},
    ...     geometry=[Point(100, 10), Point(900, 10)], crs=25832)
    >>> school = gpd.GeoDataFrame({"category": ["school"], "name": ["S"]},
    ...     geometry=[Point(950, -10)], crs=25832)
    >>> r = partition_suite({"homes": homes, "walk_network": net, "services": school},
    ...     own={"homes": np.array([True, False]), "services": np.array([False])})
    >>> r.per_home["dist_school_m"].round(1).tolist(), r.halo_homes
    ([870.0], 1)
    """
    s = resolve(settings)
    t0 = time.perf_counter()
    homes = layers["homes"]
    own_homes = _mask(own, "homes", len(homes))
    has_homes = bool(own_homes.any())
    if not has_homes and not owns_more_than_homes(layers, own):
        raise ValueError("partition_suite: the partition owns nothing to report")
    from arealanalyse.study import Study

    walk = layers["walk_network"]
    snap_column = SNAP_COLUMN if SNAP_COLUMN in walk.columns else None
    net = Study.from_layers({"walk_network": walk}, settings=s, snap_column=snap_column).network
    t_net = time.perf_counter() - t0
    suite_layers = {k: v for k, v in layers.items() if k in SUITE_KINDS and k != "walk_network"}
    # without homes of its own the suite runs on the halo's homes, and none of it is reported
    suite_layers["homes"] = homes.loc[own_homes] if has_homes else homes
    workplaces = layers.get("workplaces")
    if workplaces is not None:
        suite_layers["workplaces"] = workplaces.loc[_mask(own, "workplaces", len(workplaces))]
    sites = None
    zoning = layers.get("zoning")
    if zoning is not None and {"status", "category"} <= set(zoning.columns):
        planned = (zoning["status"].astype(str) == "planned") & zoning["category"].isin(
            BUILD_CATEGORIES
        )
        sites = zoning.loc[planned.to_numpy() & _mask(own, "zoning", len(zoning))]
    service = layers.get("stop_places")
    if len(suite_layers["homes"]) == 0:  # nobody lives within the halo either
        return _nobody(suite_layers, layers, own, net, sites, s, include_planned_transit, t0)
    result = run_suite(
        suite_layers,
        net,
        settings=s,
        include_planned_transit=include_planned_transit,
        sites=sites,
        service=service,
    )
    t1 = time.perf_counter()
    covered = own_homes if has_homes else np.ones(len(homes), dtype=bool)
    catchments = _own_catchments(
        result.accessibility,
        covered,
        layers,
        own,
        settings=s,
        include_planned_transit=include_planned_transit,
        empty=result.catchments.iloc[:0],
    )
    stop_places = result.stop_places
    if stop_places is not None:
        stop_places = stop_places.loc[_mask(own, "stop_places", len(stop_places))]
    summary, per_home, per_cell, per_zone = (
        result.summary,
        result.per_home,
        result.per_cell,
        result.per_zone,
    )
    if not has_homes:
        summary = _without_homes(summary)
        per_home, per_cell, per_zone = per_home.iloc[:0], per_cell.iloc[:0], per_zone.iloc[:0]
    timings = {
        "network": t_net,
        "suite": t1 - t0 - t_net,
        "catchments": time.perf_counter() - t1,
        "total": time.perf_counter() - t0,
    }
    return PartitionResult(
        summary=summary,
        per_home=per_home,
        per_cell=per_cell,
        per_zone=per_zone,
        catchments=catchments,
        land_take=result.land_take,
        stop_places=stop_places,
        snapping=_own_snapping(result.snapping, layers, own),
        network={
            "n_nodes": float(net.n_nodes),
            "n_edges": float(net.n_edges),
            "largest_component_share": float(net.largest_component_share),
        },
        halo_homes=int((~own_homes).sum()),
        timings_s=timings,
    )


def owns_more_than_homes(
    layers: Mapping[str, gpd.GeoDataFrame], own: Mapping[str, np.ndarray], /
) -> bool:
    """Whether a partition owns features with results of their own (transit, zones, jobs).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np
    >>> stops = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 1], [0, 0]), crs=25832)
    >>> owns_more_than_homes({"transit": stops}, {"transit": np.array([False, False])})
    False
    >>> owns_more_than_homes({"transit": stops}, {"transit": np.array([False, True])})
    True
    """
    kinds = ("transit", "zoning", "workplaces", "stop_places")
    return any(len(layers[k]) and _mask(own, k, len(layers[k])).any() for k in kinds if k in layers)


def _without_homes(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the summary of a partition where nobody lives: no homes; land take and jobs."""
    counts = summary["metric"].isin(["homes", "dwellings", "population"]).to_numpy()
    keep = counts | (summary["unit"] == "daa").to_numpy()
    keep |= summary["weight"].isin(["jobs", "bra_m2"]).to_numpy()
    out = summary.loc[keep].copy()
    out.loc[counts[keep], "value"] = 0.0
    return out.reset_index(drop=True)


def _nobody(
    suite_layers: Mapping[str, gpd.GeoDataFrame],
    layers: Mapping[str, gpd.GeoDataFrame],
    own: Mapping[str, np.ndarray],
    net: WalkNetwork,
    sites: gpd.GeoDataFrame | None,
    s: Settings,
    include_planned_transit: bool,
    t0: float,
) -> PartitionResult:
    """Compute a partition that owns features but has no homes, within its halo either."""
    from arealanalyse.metrics import land_take

    homes = suite_layers["homes"]
    acc = Accessibility(net, homes, settings=s, barriers=layers.get("barriers"))
    empty = gpd.GeoDataFrame(geometry=[], crs=net.crs)
    catchments = _own_catchments(
        acc,
        np.ones(len(homes), dtype=bool),
        layers,
        own,
        settings=s,
        include_planned_transit=include_planned_transit,
        empty=empty,
    )
    taken = None
    if sites is not None:
        taken = land_take(sites, layers.get("farmland"), layers.get("green"))
    zero = {"value": 0.0, "unit": "count", "weight": ""}
    summary = pd.DataFrame(
        [
            {"metric": "homes", "label_nb": "Antall boligpunkter", "label_en": "Homes", **zero},
            {"metric": "dwellings", "label_nb": "Antall boliger", "label_en": "Dwellings", **zero},
            {"metric": "population", "label_nb": "Bosatte", "label_en": "Residents", **zero},
        ],
        columns=["metric", "value", "unit", "label_nb", "label_en", "weight"],
    )
    stop_places = layers.get("stop_places")
    if stop_places is not None:
        stop_places = stop_places.loc[_mask(own, "stop_places", len(stop_places))]
    cols = ["dwellings", "population", "geometry"]
    return PartitionResult(
        summary=summary,
        per_home=gpd.GeoDataFrame({c: [] for c in cols[:2]}, geometry=[], crs=net.crs),
        per_cell=gpd.GeoDataFrame(geometry=[], crs=net.crs),
        per_zone=pd.DataFrame(),
        catchments=catchments,
        land_take=taken,
        stop_places=stop_places,
        snapping=_own_snapping(_target_islands(layers, net, s), layers, own),
        network={
            "n_nodes": float(net.n_nodes),
            "n_edges": float(net.n_edges),
            "largest_component_share": float(net.largest_component_share),
        },
        halo_homes=0,
        timings_s={"total": time.perf_counter() - t0},
    )


def _target_islands(
    layers: Mapping[str, gpd.GeoDataFrame], net: WalkNetwork, s: Settings
) -> pd.DataFrame:
    """Services and transit nodes nearest an island of the network (as the suite reports)."""
    from arealanalyse.network.components import ISLAND_COLUMNS, island_snaps

    frames = [pd.DataFrame({c: pd.Series(dtype=object) for c in ISLAND_COLUMNS})]
    for kind in ("services", "transit"):
        gdf = layers.get(kind)
        if gdf is not None and len(gdf):
            pts = point_geometries(gdf.geometry, name=kind)
            found = island_snaps(net, pts, max_snap_m=s.max_snap_m, layer=kind, index=gdf.index)
            if len(found):
                frames.append(found)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _own_catchments(
    acc: Accessibility,
    covered: np.ndarray,
    layers: Mapping[str, gpd.GeoDataFrame],
    own: Mapping[str, np.ndarray],
    *,
    settings: Settings,
    include_planned_transit: bool,
    empty: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Catchments of the partition's own transit nodes, counting homes and jobs in the halo.

    ``acc`` holds the homes of ``layers["homes"]`` where ``covered`` is True.
    """
    transit = layers.get("transit")
    if transit is None or len(transit) == 0:
        return empty
    mine = transit.loc[_mask(own, "transit", len(transit))]
    if not include_planned_transit and "status" in mine.columns:
        mine = mine.loc[(mine["status"].astype(str) == "existing").to_numpy()]
    if len(mine) == 0:
        return empty
    reach = max(settings.catchment_distances_m)
    nodes = point_geometries(mine.geometry, name="transit")
    homes = layers["homes"]
    others = homes.loc[~covered]
    # a home farther than the largest catchment in a straight line cannot be within it
    extra = _near(others, nodes, reach)
    acc = acc.extended(extra) if len(extra) else acc
    weights = home_weights(homes.loc[acc.index], settings=settings)
    workplaces = layers.get("workplaces")
    if workplaces is not None:
        workplaces = _near(workplaces, nodes, reach)
    catchments, _ = transit_catchments(acc, mine, weights=weights, workplaces=workplaces)
    return catchments


def _own_snapping(
    snapping: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], own: Mapping[str, np.ndarray]
) -> pd.DataFrame:
    """Keep the snapping report's rows for features the partition owns."""
    if len(snapping) == 0:
        return snapping
    keep = np.ones(len(snapping), dtype=bool)
    for kind in ("services", "transit"):
        gdf = layers.get(kind)
        if gdf is None:
            continue
        mine = set(gdf.index[_mask(own, kind, len(gdf))])
        rows = (snapping["layer"] == kind).to_numpy()
        keep[rows] = [f in mine for f in snapping.loc[rows, "feature"]]
    return snapping.loc[keep].reset_index(drop=True)


def summary_row(result: PartitionResult, /) -> dict[str, Any]:
    """One flat row: every summary metric by name, ``share_*`` columns (0-1) for the map.

    ``share_<metric>`` is the dwelling-weighted share of each percentage metric of the summary
    (``weight == "dwellings"``), so a map can colour partitions by it.
    """
    row: dict[str, Any] = {}
    labels: dict[str, dict[str, str]] = {}
    for r in result.summary.itertuples(index=False):
        metric = str(r.metric)
        value = float(r.value)  # type: ignore[arg-type]
        row[metric] = value
        labels[metric] = {"nb": str(r.label_nb), "en": str(r.label_en), "unit": str(r.unit)}
        if r.unit == "%" and r.weight == "dwellings" and metric.endswith("_dwellings"):
            row[f"share_{metric.removesuffix('_dwellings')}"] = value / 100.0
    row.update({f"network_{k}": v for k, v in result.network.items()})
    row["halo_homes"] = result.halo_homes
    row["_labels"] = labels
    return row
