"""Partitions of a batch run: keys, polygons, which features each one owns, and its halo.

A partition layer (kommuner, grunnkretser, a grid) splits one study area. Every feature of a
layer is *owned* by exactly one partition: the first, in the layer's order, whose polygon holds
the feature's analysis point (a point as it is; the representative point of a polygon, as
:func:`arealanalyse.network.point_geometries` gives it, which is where the metric suite places a
home). A partition is computed on its own features plus a *halo* of everything within
:func:`halo_m` of it, and reports only what it owns.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import CrsError, EmptyLayerError, GeometryError, MissingColumnError
from arealanalyse.network import point_geometries
from arealanalyse.settings import Settings, resolve

__all__ = [
    "HALO_MARGIN_M",
    "halo_m",
    "owner_of",
    "read_partitions",
    "safe_key",
]

#: Added to the largest distance of the suite so that rounding never decides a border case.
HALO_MARGIN_M = 100.0

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def halo_m(settings: Settings | None = None) -> float:
    """Width of the halo around a partition that makes its results equal a run on the union.

    A reported distance ``d`` (network or straight line) is at most ``settings.max_search_m``;
    every point of its path lies within ``d`` of the home. A target or entry point on that path
    snaps to the network (or is linked to it) within ``max_snap_m`` (``green_access_link_m``),
    so every edge and target that can change a reported figure lies within
    ``max_search_m + max(max_snap_m, green_access_link_m)`` of the partition; the halo adds
    :data:`HALO_MARGIN_M`.

    Examples
    --------
    >>> halo_m()
    2900.0
    >>> halo_m(Settings(max_search_m=1000.0))
    1400.0
    """
    s = resolve(settings)
    return float(s.max_search_m + max(s.max_snap_m, s.green_access_link_m) + HALO_MARGIN_M)


def safe_key(value: object, /) -> str:
    """Return a folder-safe partition key: the value itself when safe, else a readable hash.

    Examples
    --------
    >>> safe_key("3201"), safe_key(3201)
    ('3201', '3201')
    >>> safe_key("Bærum kommune")
    'B_rum_kommune-a5b60b73'
    """
    text = str(value).strip()
    if text and not _SAFE.search(text) and not text.startswith("."):
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{_SAFE.sub('_', text).strip('.') or 'partition'}-{digest}"


def read_partitions(
    path: str | Path, by: str, /, *, layer: str | None = None, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Read a partition layer: one row per value of ``by`` (parts with one value are merged).

    Returns a GeoDataFrame in the working CRS with ``key`` (folder-safe, :func:`safe_key`),
    ``label`` (the value as text) and the polygon, in the order the values first appear.
    """
    from arealanalyse.layers.vector import read_vector

    s = resolve(settings)
    p = Path(path)
    name = f"partitions ({p.name})"
    gdf = read_vector(p, name=name, layer=layer)
    if gdf.crs is None:
        raise CrsError(
            f"Layer {name!r} has no CRS; give the file one (e.g. EPSG:25832) and run again."
        )
    if by not in gdf.columns:
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        raise MissingColumnError(
            f"Layer {name!r} has no column {by!r}; use --by with one of {cols[:12]}."
        )
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if bad.all():
        raise EmptyLayerError(f"Layer {name!r} has no geometries; give a polygon layer.")
    gdf = gdf.loc[~bad]
    types = set(gdf.geom_type.unique())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise GeometryError(
            f"Layer {name!r} holds {sorted(types - {'Polygon', 'MultiPolygon'})} geometries; "
            "partitions must be polygons (kommuner, grunnkretser, grid cells)."
        )
    values = gdf[by]
    if values.isna().any():
        raise MissingColumnError(
            f"Layer {name!r}: {int(values.isna().sum())} feature(s) have no {by!r} value; fill "
            "them or drop those features."
        )
    gdf = gdf.to_crs(s.crs)
    labels = values.astype(str).str.strip().to_numpy()
    order = pd.unique(labels)
    polys = []
    for value in order:
        parts = np.asarray(gdf.geometry.values, dtype=object)[labels == value]
        geom = shapely.make_valid(shapely.union_all(parts)) if len(parts) > 1 else parts[0]
        polys.append(shapely.make_valid(geom))
    keys = [safe_key(v) for v in order]
    dup = pd.Series(keys)[pd.Series(keys).duplicated()]
    if len(dup):
        raise MissingColumnError(
            f"Layer {name!r}: the {by!r} values give the same folder name {dup.iloc[0]!r}; make "
            "them distinct."
        )
    return gpd.GeoDataFrame({"key": keys, "label": order}, geometry=polys, crs=s.crs)


def owner_of(geoms: object, partitions: gpd.GeoSeries | gpd.GeoDataFrame, /) -> np.ndarray:
    """Position of the partition that owns each feature (-1 where none holds it).

    The owner is the first partition (in order) whose polygon covers the feature's analysis
    point, so a point on a shared border belongs to exactly one partition.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> parts = gpd.GeoSeries([box(0, 0, 10, 10), box(10, 0, 20, 10)])
    >>> owner_of([Point(5, 5), Point(10, 5), Point(15, 5), Point(50, 5)], parts).tolist()
    [0, 0, 1, -1]
    """
    pts = point_geometries(geoms, name="features")
    polys = np.asarray(partitions.geometry.values, dtype=object)
    out = np.full(len(pts), -1, dtype=np.int64)
    if len(pts) == 0 or len(polys) == 0:
        return out
    tree = shapely.STRtree(polys)
    i_pt, i_part = tree.query(pts, predicate="covered_by")
    if len(i_pt):
        order = np.lexsort((i_part, i_pt))
        i_pt, i_part = i_pt[order], i_part[order]
        first = np.unique(i_pt, return_index=True)[1]
        out[i_pt[first]] = i_part[first]
    return out
