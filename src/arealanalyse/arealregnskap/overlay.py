"""Planar overlay primitives of the arealregnskap, on a grid of tiles.

Every area in the arealregnskap is a sum over one planar overlay (``pieces``): polygons that
do not overlap, each carrying the attributes of every input layer it lies in. A sum over pieces
can then never count a square metre twice. Three things make that hold and keep it fast:

* :func:`dice` cuts every layer along a regular grid of tiles (``TILE_M``). Kommuneplan LNFR
  areas and AR5 forest polygons can have tens of thousands of vertices; cut into tiles, every
  overlay operation handles small polygons, and pieces of different tiles never overlap. The
  tiles partition the plane, so no sum changes.
* :func:`make_planar` checks that a layer that should be a planar partition (a plan, AR5) is one:
  overlaps up to ``tolerance_m2`` per pair of features (digitising slivers) are resolved by
  giving the overlap to the first feature; larger ones are data errors
  (:class:`~arealanalyse.errors.PlanOverlapError`, naming both features).
* Layers that may overlap themselves (hazard zones, naturtyper) are dissolved into disjoint
  parts first (:func:`mask_parts`), so an area in two overlapping zones is counted once.

:func:`overlay` splits one diced planar layer by another (GEOS OverlayNG intersections and
differences, as :func:`geopandas.overlay` does), within each tile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import PlanOverlapError

__all__ = [
    "SLIVER_M2",
    "TILE_M",
    "PlanarReport",
    "Tiles",
    "clip_to_boxes",
    "dice",
    "disjoint",
    "make_planar",
    "mask_parts",
    "overlay",
    "polygonal",
]

#: Side of the tiles the overlay works in (metres).
TILE_M: Final[float] = 500.0

#: A piece's remainder smaller than this (m²) is floating-point noise of the overlay, not land.
SLIVER_M2: Final[float] = 1e-3


@dataclass(frozen=True)
class PlanarReport:
    """What :func:`make_planar` did: how many sliver overlaps it resolved, and their area."""

    name: str
    slivers: int = 0
    sliver_area_m2: float = 0.0


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the polygon parts of ``geom`` (an empty polygon when there are none).

    Examples
    --------
    >>> from shapely.geometry import GeometryCollection, LineString, box
    >>> g = polygonal(GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (2, 2)])]))
    >>> g.geom_type, g.area
    ('Polygon', 1.0)
    """
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [q for p in shapely.get_parts(geom) for q in shapely.get_parts(p)]
    parts = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _polygonal_array(geoms: np.ndarray) -> np.ndarray:
    """Vectorised :func:`polygonal`: only geometry collections are looked at one by one."""
    out = np.asarray(geoms, dtype=object).copy()
    odd = np.flatnonzero(~np.isin(shapely.get_type_id(out), (3, 6)))  # not (Multi)Polygon
    if len(odd) == 0:
        return out
    parts, idx = shapely.get_parts(out[odd], return_index=True)
    sub, sub_idx = shapely.get_parts(parts, return_index=True)  # a collection may hold multis
    idx = idx[sub_idx]
    keep = (shapely.get_type_id(sub) == 3) & ~shapely.is_empty(sub)
    fixed = np.empty(len(odd), dtype=object)
    empty = shapely.Polygon()
    for i in range(len(odd)):
        fixed[i] = empty
    if keep.any():
        built = shapely.multipolygons(
            sub[keep], indices=idx[keep], out=np.empty(len(odd), dtype=object)
        )
        found = np.flatnonzero(~pd.isna(built))
        fixed[found] = built[found]
    out[odd] = fixed
    return out


@dataclass(frozen=True)
class Tiles:
    """A regular grid of square tiles covering ``bounds``.

    Examples
    --------
    >>> t = Tiles.covering((0.0, 0.0, 1200.0, 400.0), size=500.0)
    >>> len(t.boxes), t.boxes[0].bounds
    (3, (0.0, 0.0, 500.0, 500.0))
    """

    boxes: np.ndarray
    size: float

    @classmethod
    def covering(cls, bounds: Sequence[float], *, size: float = TILE_M) -> Tiles:
        """Tiles aligned to multiples of ``size`` covering ``bounds``."""
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        xs = np.arange(np.floor(minx / size) * size, maxx, size)
        ys = np.arange(np.floor(miny / size) * size, maxy, size)
        if len(xs) == 0:
            xs = np.array([np.floor(minx / size) * size])
        if len(ys) == 0:
            ys = np.array([np.floor(miny / size) * size])
        x, y = np.meshgrid(xs, ys)
        boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + size, y.ravel() + size)
        return cls(boxes, size)

    def tree(self) -> shapely.STRtree:
        """Return a spatial index of the tiles."""
        return shapely.STRtree(self.boxes)


def clip_to_boxes(geoms: np.ndarray, boxes: np.ndarray, /) -> np.ndarray:
    """Clip each geometry to its box (pairwise), keeping polygon parts.

    GEOS' rectangle clipping is a single pass over the vertices, far cheaper than an overlay
    for large polygons; a result that comes out invalid is redone with a full intersection.
    """
    geoms = np.asarray(geoms, dtype=object)
    boxes = np.asarray(boxes, dtype=object)
    out = np.empty(len(geoms), dtype=object)
    bounds = shapely.bounds(boxes)
    keys, inverse = np.unique(bounds, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    for k, b in enumerate(keys):
        sel = np.flatnonzero(inverse == k)
        out[sel] = shapely.clip_by_rect(geoms[sel], *b)
    bad = ~shapely.is_valid(out)
    if bad.any():
        out[bad] = shapely.intersection(geoms[bad], boxes[bad])
    out = _polygonal_array(out)
    # It can also return a *valid* wrong result: where a polygon's boundary runs along the box
    # edge through its corner with vertices a rounding error off it (a plan read from lon/lat),
    # it returns the part of the box outside the polygon. Every part of a correct result lies
    # in the geometry it was cut from; a pair where one does not is redone as an intersection.
    parts, idx = shapely.get_parts(out, return_index=True)
    if len(parts):
        inside = shapely.covers(geoms[idx], shapely.point_on_surface(parts))
        wrong = np.unique(idx[~inside])
        if len(wrong):
            out[wrong] = _polygonal_array(shapely.intersection(geoms[wrong], boxes[wrong]))
    return out


def dice(gdf: gpd.GeoDataFrame, tiles: Tiles, /) -> gpd.GeoDataFrame:
    """Cut a polygon layer along the tiles; adds ``tile`` and keeps every other column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"k": [7]}, geometry=[box(0, 0, 1000, 100)], crs=25832)
    >>> d = dice(g, Tiles.covering(g.total_bounds, size=500.0))
    >>> d[["k", "tile"]].values.tolist(), float(d.area.sum())
    ([[7, 0], [7, 1]], 100000.0)
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    fi, ti = tiles.tree().query(geoms, predicate="intersects")
    order = np.lexsort((ti, fi))
    fi, ti = fi[order], ti[order]
    parts = clip_to_boxes(geoms[fi], tiles.boxes[ti])
    ok = ~shapely.is_empty(parts) & (shapely.area(parts) > 0.0)
    out = gdf.iloc[fi[ok]].copy()
    out["tile"] = ti[ok].astype("int64")
    out = out.set_geometry(gpd.GeoSeries(parts[ok], index=out.index, crs=gdf.crs))
    return out.reset_index(drop=True)


def make_planar(
    gdf: gpd.GeoDataFrame,
    /,
    *,
    name: str,
    tolerance_m2: float,
    describe: Callable[[int], str],
    what: str = "areas",
    key: str | None = None,
) -> tuple[gpd.GeoDataFrame, PlanarReport]:
    """Return ``gdf`` with no two features overlapping, or raise on a real overlap.

    Overlaps of at most ``tolerance_m2`` (summed per pair of features) are slivers from
    digitising: the later feature loses the overlap, so the layer's area is counted once. A
    larger overlap is a data error: :class:`~arealanalyse.errors.PlanOverlapError` names the
    first pairs with ``describe(feature)`` and carries every overlap in ``overlaps``.

    Parameters
    ----------
    gdf
        Polygon layer in a projected CRS (may be diced). Not modified.
    name
        Layer name for messages.
    tolerance_m2
        Largest overlap (m²) of a pair of features resolved silently.
    describe
        Text naming a feature (e.g. its plan id and arealformål).
    what
        What the features are called in the message.
    key
        Column identifying the source feature of each row (a diced layer has several rows per
        feature, which never overlap each other); default: the row position.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"k": [1, 2]}, geometry=[box(0, 0, 10, 10), box(9.99, 0, 20, 10)],
    ...                      crs=25832)
    >>> out, rep = make_planar(g, name="plan", tolerance_m2=1.0, describe=str)
    >>> round(float(out.area.sum()), 6), rep.slivers
    (200.0, 1)
    >>> g2 = gpd.GeoDataFrame({"k": [1, 2]}, geometry=[box(0, 0, 10, 10), box(5, 0, 20, 10)],
    ...                       crs=25832)
    >>> make_planar(g2, name="plan", tolerance_m2=1.0, describe=lambda i: f"area {i}")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.PlanOverlapError: Layer 'plan': 1 pair of areas overlap (50 m² in all)...
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object).copy()
    ids = gdf[key].to_numpy() if key is not None else np.arange(len(gdf))
    if len(geoms) < 2:
        return gdf.copy(), PlanarReport(name)
    tree = shapely.STRtree(geoms)
    # Interiors meet where one polygon overlaps or contains another: prepared predicates, so
    # polygons that only share an edge (the usual case) cost no overlay.
    l1, r1 = tree.query(geoms, predicate="overlaps")
    l2, r2 = tree.query(geoms, predicate="contains")
    left = np.concatenate([l1, l2, r2])
    right = np.concatenate([r1, r2, l2])
    keep = ids[left] < ids[right]
    left, right = left[keep], right[keep]
    if len(left):
        pairs = np.unique(np.column_stack([left, right]), axis=0)
        left, right = pairs[:, 0], pairs[:, 1]
    inter = _polygonal_array(shapely.intersection(geoms[left], geoms[right]))
    area = shapely.area(inter)
    over = area > 0.0
    left, right, inter, area = left[over], right[over], inter[over], area[over]
    frame = pd.DataFrame({"a": ids[left], "b": ids[right], "area": area})
    per_pair = frame.groupby(["a", "b"], sort=False)["area"].sum()
    big_pairs = per_pair[per_pair > tolerance_m2].sort_values(ascending=False)
    if len(big_pairs):
        top = big_pairs.iloc[:3]
        shown = "; ".join(
            f"{describe(int(a))} and {describe(int(b))} overlap by {_area_text(float(v))}"
            for a, b, v in zip(
                top.index.get_level_values(0), top.index.get_level_values(1), top, strict=True
            )
        )
        more = f" (and {len(big_pairs) - 3} more)" if len(big_pairs) > 3 else ""
        pairs_word = "pair" if len(big_pairs) == 1 else "pairs"
        is_big = pd.MultiIndex.from_arrays([frame["a"], frame["b"]]).isin(big_pairs.index)
        overlaps = gpd.GeoDataFrame(
            {
                "first": [describe(int(i)) for i in frame["a"][is_big]],
                "second": [describe(int(j)) for j in frame["b"][is_big]],
                "overlap_m2": np.round(frame["area"][is_big].to_numpy(), 3),
            },
            geometry=list(inter[is_big]),
            crs=gdf.crs,
        )
        raise PlanOverlapError(
            f"Layer {name!r}: {len(big_pairs)} {pairs_word} of {what} overlap "
            f"({_area_text(float(big_pairs.sum()))} in all), so their area would be counted "
            f"twice: {shown}{more}. Fix the layer so its {what} do not overlap (QGIS: Check "
            "Validity / Topology Checker 'must not overlap'), or give the overlapping plans "
            "separately.",
            overlaps=overlaps,
        )
    for j in np.unique(right):
        earlier = left[right == j]
        geoms[j] = polygonal(shapely.difference(geoms[j], shapely.union_all(geoms[earlier])))
    out = gdf.copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    out = out[~out.geometry.is_empty & (out.geometry.area > 0.0)]
    real = per_pair[per_pair >= SLIVER_M2]  # below that it is floating-point noise
    return out, PlanarReport(name, len(real), float(real.sum()))


def _area_text(m2: float) -> str:
    return f"{m2 / 1000.0:,.2f} daa" if m2 >= 1000.0 else f"{m2:,.0f} m²"


def mask_parts(geoms: Sequence[shapely.Geometry] | np.ndarray, /) -> np.ndarray:
    """Dissolve ``geoms`` and return the parts: disjoint polygons covering the same area.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> parts = mask_parts([box(0, 0, 2, 2), box(1, 0, 3, 2), box(10, 0, 11, 1)])
    >>> len(parts), float(sum(p.area for p in parts))
    (2, 7.0)
    """
    arr = np.asarray(list(geoms), dtype=object)
    if len(arr) == 0:
        return np.array([], dtype=object)
    parts = shapely.get_parts(polygonal(shapely.union_all(arr)))
    return parts[~shapely.is_empty(parts)]


def disjoint(geoms: Sequence[shapely.Geometry] | np.ndarray, /) -> np.ndarray:
    """Return polygons that should not overlap, with any overlap given to the first.

    Cheaper than :func:`mask_parts` for polygons that are already nearly disjoint (the reserve
    pieces of a planar plan): only the overlapping pairs are touched.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> out = disjoint([box(0, 0, 2, 2), box(1, 0, 3, 2)])
    >>> [g.area for g in out]
    [4.0, 2.0]
    """
    arr = np.asarray(list(geoms), dtype=object).copy()
    if len(arr) < 2:
        return arr
    tree = shapely.STRtree(arr)
    l1, r1 = tree.query(arr, predicate="overlaps")
    l2, r2 = tree.query(arr, predicate="contains")
    left = np.concatenate([l1, l2, r2])
    right = np.concatenate([r1, r2, l2])
    keep = left < right
    left, right = left[keep], right[keep]
    for j in np.unique(right):
        arr[j] = polygonal(shapely.difference(arr[j], shapely.union_all(arr[left[right == j]])))
    return arr[~shapely.is_empty(arr)]


def overlay(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    /,
    *,
    how: str = "identity",
    flag: str | None = None,
) -> gpd.GeoDataFrame:
    """Overlay two diced planar layers tile by tile.

    ``how="identity"``: all of ``a``, split by ``b`` (``b``'s columns are missing outside it).
    ``how="union"``: land in either (each layer's columns are missing outside it). With
    ``flag``, ``b`` is a mask: its columns are dropped and a boolean column ``flag`` says which
    pieces lie inside it. Both layers need a ``tile`` column (see :func:`dice`); pieces of
    different tiles are never combined.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> t = Tiles.covering((0, 0, 20, 10), size=500.0)
    >>> a = dice(gpd.GeoDataFrame({"x": [1]}, geometry=[box(0, 0, 10, 10)], crs=25832), t)
    >>> m = dice(gpd.GeoDataFrame(geometry=[box(5, 0, 20, 10)], crs=25832), t)
    >>> out = overlay(a, m, flag="inside")
    >>> sorted(zip(out["inside"], out.area))
    [(False, 50.0), (True, 50.0)]
    >>> u = overlay(a, m.assign(y=2), how="union")
    >>> float(u.area.sum()), int(u["x"].isna().sum())
    (200.0, 1)
    """
    if flag is not None:
        b = b[["tile", "geometry"]]
    ga = np.asarray(a.geometry.values, dtype=object)
    gb = np.asarray(b.geometry.values, dtype=object)
    ta, tb = a["tile"].to_numpy(), b["tile"].to_numpy()
    if len(gb):
        ia, ib = shapely.STRtree(gb).query(ga, predicate="intersects")
        same = ta[ia] == tb[ib]
        ia, ib = ia[same], ib[same]
    else:
        ia = ib = np.array([], dtype=np.int64)
    inter = _intersections(ga, gb, ia, ib)
    area = shapely.area(inter)
    ok = area > 0.0
    ia, ib, inter, area = ia[ok], ib[ok], inter[ok], area[ok]
    cols_a = [c for c in a.columns if c != a.geometry.name]
    cols_b = [c for c in b.columns if c not in (b.geometry.name, "tile")]
    frames = []
    both = a.iloc[ia][cols_a].reset_index(drop=True)
    if flag is not None:
        both[flag] = True
    else:
        both = pd.concat([both, b.iloc[ib][cols_b].reset_index(drop=True)], axis=1)
    frames.append(gpd.GeoDataFrame(both, geometry=list(inter), crs=a.crs))
    frames.append(_rest(a, ga, ia, area, gb, ib, cols_a, flag))
    if how == "union":
        frames.append(_rest(b, gb, ib, area, ga, ia, [*cols_b, "tile"], None))
    elif how != "identity":
        raise ValueError(f"how must be 'identity' or 'union', not {how!r}")
    frames = [f for f in frames if len(f)]
    if not frames:
        return a.iloc[:0].copy()
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=a.crs)
    if flag is not None:
        out[flag] = out[flag].astype("boolean").fillna(False).astype(bool)
    return out


def _intersections(ga: np.ndarray, gb: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Intersections of the pairs; containment (the usual case) is found without an overlay."""
    inter = np.empty(len(ia), dtype=object)
    if len(ia) == 0:
        return inter
    shapely.prepare(ga[ia])
    shapely.prepare(gb[ib])
    b_covers = shapely.covers(gb[ib], ga[ia])
    a_covers = ~b_covers & shapely.covers(ga[ia], gb[ib])
    inter[b_covers] = ga[ia[b_covers]]
    inter[a_covers] = gb[ib[a_covers]]
    other = ~(b_covers | a_covers)
    inter[other] = _polygonal_array(shapely.intersection(ga[ia[other]], gb[ib[other]]))
    return inter


def _rest(
    a: gpd.GeoDataFrame,
    ga: np.ndarray,
    ia: np.ndarray,
    inter_area: np.ndarray,
    gb: np.ndarray,
    ib: np.ndarray,
    cols: list[str],
    flag: str | None,
) -> gpd.GeoDataFrame:
    """Return the parts of ``a`` outside every ``b`` it meets (skip those wholly covered)."""
    covered = (
        np.bincount(ia, weights=inter_area, minlength=len(ga)) if len(ia) else np.zeros(len(ga))
    )
    own = shapely.area(ga)
    full = covered >= own - SLIVER_M2  # what is left is less than a sliver
    touched = np.zeros(len(ga), dtype=bool)
    touched[ia] = True
    rest = np.asarray(ga, dtype=object).copy()
    partial = np.flatnonzero(touched & ~full)
    if len(partial):
        order = np.argsort(ia, kind="stable")
        sia, sib = ia[order], ib[order]
        starts = np.searchsorted(sia, partial, side="left")
        ends = np.searchsorted(sia, partial, side="right")
        for k, s, e in zip(partial, starts, ends, strict=True):
            rest[k] = polygonal(shapely.difference(ga[k], shapely.union_all(gb[sib[s:e]])))
    keep = ~(touched & full)
    rest = rest[keep]
    area = shapely.area(rest)
    ok = ~shapely.is_empty(rest) & (area > 0.0)
    frame = a.iloc[np.flatnonzero(keep)[ok]][cols].reset_index(drop=True)
    if flag is not None:
        frame[flag] = False
    return gpd.GeoDataFrame(frame, geometry=list(rest[ok]), crs=a.crs)
