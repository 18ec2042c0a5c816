"""Target layers on the network: entry points of points and polygons; straight-line helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from arealanalyse.errors import CrsError, GeometryError
from arealanalyse.metrics.keys import MIX
from arealanalyse.network import WalkNetwork, point_geometries
from arealanalyse.network.nearest import SegmentIndex
from arealanalyse.settings import Settings

__all__ = ["TargetSet", "entry_signatures", "euclidean_distance", "points_in_polygons"]

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class TargetSet:
    """A prepared target layer: where each target meets the network.

    ``entry_*`` arrays list the points on edges where a target can be reached (one per point
    target; several per polygon target), with ``entry_group`` the target's position in the layer.
    """

    key: str
    n: int
    index: pd.Index
    entry_group: _IntArray
    entry_edge: _IntArray
    entry_pos_m: _FloatArray
    entry_access_m: _FloatArray
    polygons: np.ndarray | None  # the target polygons (None for point targets)
    points: np.ndarray  # representative points (point targets: the points themselves)
    boundary_index: SegmentIndex | None = None  # polygon targets: their boundaries

    @property
    def is_polygon(self) -> bool:
        """True for polygon targets (green areas)."""
        return self.polygons is not None


def entry_signatures(ts: TargetSet) -> np.ndarray:
    """Return a 64-bit signature of each target's entry points (order-independent)."""
    e = ts.entry_edge.astype(np.uint64)
    p = np.ascontiguousarray(ts.entry_pos_m, dtype=np.float64).view(np.uint64)
    a = np.ascontiguousarray(ts.entry_access_m, dtype=np.float64).view(np.uint64)
    mixed = ((e * MIX) ^ (p + (p << np.uint64(13)))) * MIX ^ (a + (a >> np.uint64(7)))
    mixed = mixed * MIX
    sig = np.zeros(ts.n, dtype=np.uint64)
    np.add.at(sig, ts.entry_group, mixed)
    counts = np.bincount(ts.entry_group, minlength=ts.n).astype(np.uint64)
    return sig ^ (counts * np.uint64(0xBF58476D1CE4E5B9))


def points_in_polygons(points: np.ndarray, polygons: np.ndarray) -> tuple[_IntArray, _IntArray]:
    """Pairs (point position, polygon position) where the point lies in or on the polygon.

    The points go in the tree and each polygon is a (prepared) query, which is much faster than
    the reverse for large, detailed polygons.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> p, g = points_in_polygons(np.array([Point(1, 1), Point(5, 5)]), np.array([box(0, 0, 2, 2)]))
    >>> p.tolist(), g.tolist()
    ([0], [0])
    """
    if len(points) == 0 or len(polygons) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    g, p = shapely.STRtree(points).query(polygons, predicate="intersects")
    order = np.lexsort((g, p))
    return p[order].astype(np.int64), g[order].astype(np.int64)


def _euclid_nearest(
    points: np.ndarray,
    polygons: np.ndarray | None,
    target_points: np.ndarray,
    limit: float,
    *,
    xy: np.ndarray | None = None,
) -> _FloatArray:
    """Straight-line distance from each point to the nearest polygon (0 inside) or point."""
    out = np.full(len(points), np.inf)
    if polygons is not None:
        tree = shapely.STRtree(polygons)
        (h, _), d = tree.query_nearest(
            points, max_distance=limit, return_distance=True, all_matches=False
        )
        out[h] = d
        return out
    if len(target_points) == 0:
        return out
    kd = cKDTree(shapely.get_coordinates(target_points))
    pxy = shapely.get_coordinates(points) if xy is None else xy
    d, _ = kd.query(pxy, k=1, distance_upper_bound=limit)
    return np.asarray(d, dtype=np.float64)


def euclidean_distance(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: gpd.GeoDataFrame | gpd.GeoSeries,
    /,
    *,
    max_distance_m: float = np.inf,
) -> pd.Series:
    """Straight-line distance from each origin to the nearest target (no network needed).

    Polygon origins use a representative point; polygon targets give 0 inside.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> o = gpd.GeoSeries([Point(0, 0), Point(50, 50)], crs=25832)
    >>> euclidean_distance(o, gpd.GeoSeries([box(40, 0, 60, 60)], crs=25832)).tolist()
    [40.0, 0.0]
    """
    for name, layer in (("origins", origins), ("targets", targets)):
        if layer.crs is None:
            raise CrsError(f"Layer {name!r} has no CRS; set one (e.g. EPSG:25832) first.")
    if not origins.crs.equals(targets.crs):
        targets = targets.to_crs(origins.crs)
    pts = point_geometries(origins.geometry, name="origins")
    geoms = np.asarray(targets.geometry.values, dtype=object)
    is_poly = np.isin(shapely.get_type_id(geoms), (3, 6))
    polys = geoms if len(geoms) and is_poly.all() else None
    tpts = point_geometries(geoms, name="targets") if polys is None else np.zeros(0, dtype=object)
    out = _euclid_nearest(pts, polys, tpts, float(max_distance_m))
    out[out > max_distance_m] = np.inf
    return pd.Series(out, index=origins.index.copy(), name="dist_m")


def _coincident(kh: cKDTree, kt: cKDTree) -> tuple[np.ndarray, np.ndarray]:
    pairs = kh.query_ball_tree(kt, r=0.0)
    h = np.repeat(np.arange(len(pairs)), [len(p) for p in pairs])
    g = np.fromiter((j for p in pairs for j in p), dtype=np.int64, count=len(h))
    return h.astype(np.int64), g


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Coordinates of two-point lines from point ``a[i]`` to point ``b[i]``, shape (n, 2, 2)."""
    return np.stack([shapely.get_coordinates(a), shapely.get_coordinates(b)], axis=1)


def _check_layer_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, name: str, net: WalkNetwork) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame | gpd.GeoSeries):
        raise GeometryError(f"Layer {name!r} must be a GeoDataFrame or GeoSeries.")
    if gdf.crs is None:
        raise CrsError(f"Layer {name!r} has no CRS; set one (e.g. EPSG:25832) before using it.")
    if not gdf.crs.equals(net.crs):
        raise CrsError(
            f"Layer {name!r} is in {gdf.crs.to_string()}, the walk network in "
            f"{net.crs.to_string()}; reproject it with .to_crs(...) first."
        )


def _prepare_targets(
    net: WalkNetwork,
    geoms: np.ndarray,
    index: pd.Index,
    *,
    key: str,
    settings: Settings,
    barriers: np.ndarray | None = None,
) -> TargetSet:
    types = shapely.get_type_id(geoms)
    is_poly = np.isin(types, (3, 6))
    n = len(geoms)
    if n and is_poly.all():
        return _prepare_polygons(net, geoms, index, key=key, settings=settings, barriers=barriers)
    if is_poly.any():
        raise GeometryError(
            "Target layer mixes points and polygons; use points (services, stops) or polygons "
            "(green areas), not both."
        )
    pts = point_geometries(geoms, name="targets")
    snap = net.snap(pts, max_snap_m=settings.max_snap_m)
    ok = np.flatnonzero(snap.reached)
    return TargetSet(
        key=key,
        n=n,
        index=index.copy(),
        entry_group=ok.astype(np.int64),
        entry_edge=snap.edge[ok],
        entry_pos_m=snap.pos_m[ok],
        entry_access_m=snap.access_m[ok],
        polygons=None,
        points=pts,
    )


def _open_links(links: np.ndarray, barriers: shapely.STRtree | None) -> np.ndarray:
    """Return a mask of the links (straight entry lines) that cross no barrier line."""
    ok = np.ones(len(links), dtype=bool)
    if barriers is None or len(links) == 0:
        return ok
    hit, _ = barriers.query(links, predicate="crosses")
    ok[hit] = False
    return ok


def _access_links(
    net: WalkNetwork,
    boundary: np.ndarray,
    groups: np.ndarray,
    *,
    max_link_m: float,
    barriers: shapely.STRtree | None,
) -> tuple[_IntArray, _IntArray, _FloatArray, _FloatArray]:
    """Return the shortest barrier-free link from the network to each polygon in ``groups``."""
    g_n, e_n = net.tree.query(boundary[groups], predicate="dwithin", distance=max_link_m)
    if len(g_n) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0), np.zeros(0)
    line = shapely.shortest_line(net.edge_geoms[e_n], boundary[groups[g_n]])
    length = shapely.length(line)
    ok = _open_links(line, barriers) & (length <= max_link_m)
    g_n, e_n, line, length = g_n[ok], e_n[ok], line[ok], length[ok]
    order = np.lexsort((length, g_n))
    first = order[np.unique(g_n[order], return_index=True)[1]]
    on_edge = shapely.get_point(line[first], 0)
    pos = shapely.line_locate_point(net.edge_geoms[e_n[first]], on_edge)
    return groups[g_n[first]].astype(np.int64), e_n[first].astype(np.int64), pos, length[first]


def _prepare_polygons(
    net: WalkNetwork,
    polys: np.ndarray,
    index: pd.Index,
    *,
    key: str,
    settings: Settings,
    barriers: np.ndarray | None = None,
) -> TargetSet:
    """Entry points of polygon targets (green areas), where the network meets them.

    1. where edges cross or touch the boundary (no walk outside the network);
    2. boundary points every ``green_entrance_spacing_m`` (and the corners) snapped to an edge
       within that distance, and each such edge's point nearest to the boundary;
    3. an *access link* for a polygon that got no entry from 1-2: the shortest straight line from
       the walk network within ``green_access_link_m`` of its boundary (a lawn along a street
       without a path into it is still reachable from the street).

    The straight entry lines of 2 and 3 never cross a ``barriers`` line (motorways, trunk roads
    and railways outside bridges and tunnels).
    """
    spacing = settings.green_entrance_spacing_m
    boundary = shapely.boundary(polys)
    btree = shapely.STRtree(barriers) if barriers is not None and len(barriers) else None
    groups, edges, pos, acc = [], [], [], []
    # 1. where edges cross (or touch) the boundary
    g_i, e_i = net.tree.query(boundary, predicate="intersects")
    if len(g_i):
        inter = shapely.intersection(net.edge_geoms[e_i], boundary[g_i])
        xy, which = shapely.get_coordinates(inter, return_index=True)
        if len(xy):
            pts = shapely.points(xy)
            ee = e_i[which]
            groups.append(g_i[which])
            edges.append(ee)
            pos.append(shapely.line_locate_point(net.edge_geoms[ee], pts))
            acc.append(np.zeros(len(xy)))
    # 2. boundary points every `spacing` metres (per ring), snapped to an edge within `spacing`
    rings, ring_of = shapely.get_parts(boundary, return_index=True)
    lengths = shapely.length(rings)
    counts = np.maximum(np.ceil(lengths / spacing).astype(np.int64), 1)
    ring = np.repeat(np.arange(len(rings)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    bpts = shapely.line_interpolate_point(rings[ring], step * (lengths[ring] / counts[ring]))
    grp = ring_of[ring]
    # ... plus the boundary vertices (corners) ...
    vxy, v_of = shapely.get_coordinates(boundary, return_index=True)
    bpts = np.concatenate([bpts, shapely.points(vxy)])
    grp = np.concatenate([grp, v_of])
    # ... plus, for each edge within `spacing`, its point nearest to the boundary
    g_n, e_n = net.tree.query(boundary, predicate="dwithin", distance=spacing)
    if len(g_n):
        line = shapely.shortest_line(net.edge_geoms[e_n], boundary[g_n])
        keep = _open_links(line, btree)
        g_n, e_n, line = g_n[keep], e_n[keep], line[keep]
        on_edge = shapely.get_point(line, 0)
        groups.append(g_n)
        edges.append(e_n)
        pos.append(shapely.line_locate_point(net.edge_geoms[e_n], on_edge))
        acc.append(shapely.length(line))
    snap = net.snap(bpts, max_snap_m=spacing)
    ok = np.flatnonzero(snap.reached)
    if btree is not None and len(ok):
        on_net = (
            shapely.points(snap.xy[ok])
            if snap.xy is not None
            else shapely.line_interpolate_point(net.edge_geoms[snap.edge[ok]], snap.pos_m[ok])
        )
        ok = ok[_open_links(shapely.linestrings(_pairs(bpts[ok], on_net)), btree)]
    groups.append(grp[ok])
    edges.append(snap.edge[ok])
    pos.append(snap.pos_m[ok])
    acc.append(snap.access_m[ok])
    # 3. access links for polygons still without an entry
    link_m = settings.green_access_link_m
    reached = np.zeros(len(polys), dtype=bool)
    for g in groups:
        reached[g] = True
    if link_m > 0 and not reached.all():
        lg, le, lp, la = _access_links(
            net, boundary, np.flatnonzero(~reached), max_link_m=link_m, barriers=btree
        )
        groups.append(lg)
        edges.append(le)
        pos.append(lp)
        acc.append(la)
    return TargetSet(
        key=key,
        n=len(polys),
        index=index.copy(),
        entry_group=np.concatenate(groups).astype(np.int64),
        entry_edge=np.concatenate(edges).astype(np.int64),
        entry_pos_m=np.concatenate(pos).astype(np.float64),
        entry_access_m=np.concatenate(acc).astype(np.float64),
        polygons=np.asarray(polys, dtype=object),
        points=shapely.point_on_surface(polys),
        boundary_index=SegmentIndex(boundary, piece_m=50.0),
    )
