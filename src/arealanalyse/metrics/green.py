"""Green areas as a planner sees them: one park is one area, however it was digitised.

Map data often splits one park into several polygons (along paths, ownership or land-use lines,
or simply as OSM's ``leisure=park`` drawn in pieces). A size threshold applied polygon by
polygon would then miss a 6 daa park stored as 2.85 + 3.15 daa. :func:`merge_green_areas`
first merges touching or overlapping polygons of the same ``green_type`` (within
``Settings.green_merge_gap_m``, default 0.5 m, to absorb digitising slivers), so thresholds apply
to whole areas. Polygons of different types stay apart: a playground inside a park is not park.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from arealanalyse.settings import Settings, resolve

__all__ = ["green_areas_at_least", "green_groups", "merge_green_areas"]


def merge_green_areas(
    green: gpd.GeoDataFrame, /, *, gap_m: float | None = None, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Merge touching or overlapping green polygons of the same type into one area each.

    Parameters
    ----------
    green
        Green areas (canonical ``green`` layer, or any polygons; without ``green_type`` all are
        one type). Not modified.
    gap_m
        Polygons closer than this are merged (default ``settings.green_merge_gap_m``).
    settings
        Run settings.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per merged area: ``green_type``, ``name`` (the parts' names, joined),
        ``area_daa`` (of the union), ``n_parts``; indexed by the first part's label.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> parts = gpd.GeoDataFrame({"green_type": ["park", "park", "park"]}, crs=25832,
    ...     geometry=[box(0, 0, 57, 50), box(57, 0, 120, 50), box(500, 0, 510, 10)])
    >>> merged = merge_green_areas(parts)
    >>> merged["area_daa"].round(2).tolist(), merged["n_parts"].tolist()
    ([6.0, 0.1], [2, 1])
    """
    if len(green) == 0:
        out = green.copy()
        out["n_parts"] = pd.Series(dtype="int64")
        return out
    geoms = np.asarray(green.geometry.values, dtype=object)
    gtype = _green_types(green)
    names = (
        green["name"].astype(str).fillna("").to_numpy()
        if "name" in green.columns
        else np.full(len(green), "", dtype=object)
    )
    label = green_groups(green, gap_m=gap_m, settings=settings)
    order = np.argsort(label, kind="stable")  # members of a component in layer order
    counts = np.bincount(label)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    groups = sorted(
        (order[start : start + count] for start, count in zip(starts, counts, strict=True)),
        key=lambda m: int(m[0]),
    )
    rows: list[dict[str, object]] = []
    out_geoms = []
    index = []
    for members in groups:
        geom = geoms[members[0]] if len(members) == 1 else shapely.union_all(geoms[members])
        part_names = [str(x) for x in pd.unique(names[members]) if str(x) and str(x) != "nan"]
        rows.append(
            {
                "green_type": gtype[members[0]],
                "name": " / ".join(part_names),
                "area_daa": shapely.area(geom) / 1000.0,
                "n_parts": len(members),
            }
        )
        out_geoms.append(geom)
        index.append(green.index[members[0]])
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, index=pd.Index(index, name=green.index.name)),
        geometry=out_geoms,
        crs=green.crs,
    )


def _green_types(green: gpd.GeoDataFrame) -> np.ndarray:
    return (
        green["green_type"].astype(str).to_numpy()
        if "green_type" in green.columns
        else np.full(len(green), "other", dtype=object)
    )


def green_groups(
    green: gpd.GeoDataFrame, /, *, gap_m: float | None = None, settings: Settings | None = None
) -> np.ndarray:
    """Label of the merged area each green polygon belongs to (see :func:`merge_green_areas`).

    Polygons of the same ``green_type`` closer than ``gap_m`` (default
    ``settings.green_merge_gap_m``) share a label, transitively.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> parts = gpd.GeoDataFrame({"green_type": ["park", "park", "wood"]}, crs=25832,
    ...     geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)])
    >>> green_groups(parts).tolist()
    [0, 0, 1]
    """
    s = resolve(settings)
    gap = s.green_merge_gap_m if gap_m is None else gap_m
    if len(green) == 0:
        return np.zeros(0, dtype=np.int64)
    geoms = np.asarray(green.geometry.values, dtype=object)
    gtype = _green_types(green)
    tree = shapely.STRtree(geoms)
    if gap > 0:
        a, b = tree.query(geoms, predicate="dwithin", distance=gap)
    else:
        a, b = tree.query(geoms, predicate="intersects")
    same = gtype[a] == gtype[b]
    n = len(geoms)
    adj = coo_matrix((np.ones(int(same.sum())), (a[same], b[same])), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    return np.asarray(label, dtype=np.int64)


def green_areas_at_least(
    green: gpd.GeoDataFrame, min_area_daa: float, /, *, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Return the merged green areas (:func:`merge_green_areas`) of at least ``min_area_daa``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> split_park = gpd.GeoDataFrame({"green_type": ["park", "park"]}, crs=25832,
    ...     geometry=[box(0, 0, 57, 50), box(57, 0, 120, 50)])  # 2.85 + 3.15 daa
    >>> len(green_areas_at_least(split_park, 5.0))
    1
    """
    merged = merge_green_areas(green, settings=settings)
    return merged.loc[merged["area_daa"].to_numpy() >= min_area_daa]
