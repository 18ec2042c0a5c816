"""The accessibility engine: network and straight-line distances from homes to targets.

:class:`Accessibility` snaps each home once to the nearest point on the nearest walkable edge
(keeping the edge, the position along it and the access distance). A target set is snapped the
same way; polygon targets (green areas) get *entry points* where the network meets their boundary
(edges crossing it, and boundary points every ``settings.green_entrance_spacing_m`` snapped to an
edge within that distance; an *access link* from the nearest edge within
``settings.green_access_link_m`` where there is none), all counting as one target. Entry lines
never cross a barrier (motorway, trunk road, railway). Then:

* :meth:`Accessibility.distance_to` runs ONE bounded multi-source Dijkstra from all targets at once
  (a virtual source joined to both ends of each target's edge with the along-edge offsets) and
  reads each home's distance as ``access + min(d[u] + pos, d[v] + len - pos)``; a home on the
  same edge as a target also gets the direct along-edge distance, and a home inside a target
  polygon gets 0. The result is the exact shortest walking distance on the graph.
* :meth:`Accessibility.pairs` gives every (home, target) pair within a distance, from one bounded
  search per target over the targets only; cumulative opportunities, gravity and catchments are
  aggregations of it.
* Every measure has a straight-line (Euclidean) variant (``euclidean=True``).

Node distance fields and target preparations are memoised in an :class:`AccessCache` keyed by a
hash of the target geometry and parameters, so a scenario that changes one site, or adds homes,
reuses everything else (pass the same cache, or use :meth:`Accessibility.extended`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csc_matrix
from scipy.spatial import cKDTree

from arealanalyse.errors import GeometryError, NetworkError
from arealanalyse.metrics import aggregate
from arealanalyse.metrics.cache import AccessCache, _pairs_store, _rows_lookup, _rows_store
from arealanalyse.metrics.fields import nearest_field, target_fields
from arealanalyse.metrics.keys import digest, geometry_digest, point_keys
from arealanalyse.metrics.targets import (
    TargetSet,
    _check_layer_crs,
    _coincident,
    _euclid_nearest,
    _prepare_targets,
    euclidean_distance,
    points_in_polygons,
)
from arealanalyse.network import Snap, WalkNetwork, point_geometries
from arealanalyse.settings import Settings, resolve

__all__ = [
    "AccessCache",
    "Accessibility",
    "TargetSet",
    "euclidean_distance",
    "points_in_polygons",
]

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


def _expand(indptr: np.ndarray, keys: np.ndarray) -> tuple[_IntArray, _IntArray]:
    """For each key i, every position in ``indptr[keys[i]]:indptr[keys[i] + 1]``."""
    start = indptr[keys]
    cnt = indptr[keys + 1] - start
    rep = np.repeat(np.arange(len(keys), dtype=np.int64), cnt)
    if len(rep) == 0:
        return rep, rep.copy()
    offs = np.arange(len(rep), dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return rep, (np.repeat(start, cnt) + offs).astype(np.int64)


def _min_pairs(
    h: _IntArray, g: _IntArray, d: _FloatArray, n_groups: int
) -> tuple[_IntArray, _IntArray, _FloatArray]:
    """Reduce duplicate (h, g) pairs to their minimum distance."""
    if len(h) == 0:
        return h, g, d
    key = h * max(n_groups, 1) + g
    order = np.argsort(key, kind="stable")
    key, d = key[order], d[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    dmin = np.minimum.reduceat(d, starts)
    k = key[starts]
    return k // max(n_groups, 1), k % max(n_groups, 1), dmin


class Accessibility:
    """Homes snapped once to a walk network, ready for any number of target layers.

    Parameters
    ----------
    net
        The walk network.
    homes
        Origins (points, or polygons which use a representative point) in the network's CRS.
    settings
        ``max_snap_m``, ``max_search_m``, ``green_entrance_spacing_m``, ``green_access_link_m``,
        ``gravity_beta``.
    cache
        An :class:`AccessCache` to share with other runs on the same network.
    name
        Layer name of ``homes`` in messages.
    barriers
        Lines no entry into a polygon target may cross (a ``barriers`` layer: motorways, trunk
        roads and railways outside bridges and tunnels).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 100)])],
    ...     crs=25832))
    >>> homes = gpd.GeoDataFrame(geometry=[Point(10, 5), Point(100, 90)], index=["a", "b"],
    ...                          crs=25832)
    >>> shops = gpd.GeoDataFrame(geometry=[Point(100, 50)], crs=25832)
    >>> acc = Accessibility(net, homes)
    >>> acc.distance_to(shops, key="shop").round(1).to_dict()
    {'a': 145.0, 'b': 40.0}
    >>> acc.distance_to(shops, key="shop", euclidean=True).round(1).to_dict()
    {'a': 100.6, 'b': 40.0}
    """

    def __init__(
        self,
        net: WalkNetwork,
        homes: gpd.GeoDataFrame | gpd.GeoSeries,
        /,
        *,
        settings: Settings | None = None,
        cache: AccessCache | None = None,
        name: str = "homes",
        barriers: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    ) -> None:
        if not isinstance(net, WalkNetwork):
            raise NetworkError(
                "Accessibility needs a WalkNetwork; build one with WalkNetwork.from_edges."
            )
        self.net = net
        self.settings = resolve(settings)
        self.cache = cache if cache is not None else AccessCache()
        self.cache.bind(net)
        _check_layer_crs(homes, name, net)
        self.barriers: np.ndarray | None = None
        if barriers is not None and len(barriers):
            _check_layer_crs(barriers, "barriers", net)
            self.barriers = np.asarray(barriers.geometry.values, dtype=object)
        self.index = homes.index.copy()
        self.points = point_geometries(homes.geometry, name=name)
        self.snap = self._snap(self.points)

    # ------------------------------------------------------------------ set-up
    def _snap(self, points: np.ndarray) -> Snap:
        key = digest("snap", geometry_digest(points), self.settings.max_snap_m)
        self.homes_key = key
        snap = self.cache.get(self.cache.snaps, key)
        if snap is None:
            xy = shapely.get_coordinates(points) if len(points) else np.zeros((0, 2))
            keys = point_keys(xy) if len(xy) == len(points) else None
            name = digest("rows-snap", self.settings.max_snap_m)
            found = _rows_lookup(self.cache, name, keys)
            if found is not None and found[0].any():
                hit, pos, (edge, pos_m, acc, sxy) = found
                miss = np.flatnonzero(~hit)
                sub = self.net.snap(points[miss], max_snap_m=self.settings.max_snap_m)
                snap = Snap(
                    np.where(hit, edge[pos], 0),
                    np.where(hit, pos_m[pos], 0.0),
                    np.where(hit, acc[pos], 0.0),
                    np.where(hit[:, None], sxy[pos], 0.0),
                )
                for arr, new in zip(snap.__dict__.values(), sub.__dict__.values(), strict=True):
                    arr[miss] = new
            else:
                hit = None
                snap = self.net.snap(points, max_snap_m=self.settings.max_snap_m)
            if keys is not None and snap.xy is not None:
                _rows_store(
                    self.cache, name, keys, (snap.edge, snap.pos_m, snap.access_m, snap.xy), hit=hit
                )
            self.cache.put(self.cache.snaps, key, snap)
        return snap

    @cached_property
    def point_keys(self) -> np.ndarray:
        """A 64-bit key of each home's exact coordinates (for row-level reuse of results)."""
        return point_keys(self.xy)

    def _subset(self, idx: np.ndarray) -> Accessibility:
        """Return the homes at positions ``idx`` (sharing network, settings and cache)."""
        other = object.__new__(Accessibility)
        other.net, other.settings, other.cache = self.net, self.settings, self.cache
        other.barriers = self.barriers
        other.index = self.index[idx]
        other.points = self.points[idx]
        other.snap = self.snap.take(idx)
        other.homes_key = digest("subset", self.homes_key, idx)
        return other

    def extended(self, new_homes: gpd.GeoDataFrame | gpd.GeoSeries, /) -> Accessibility:
        """Return an Accessibility for these homes plus ``new_homes``, snapping only the new ones.

        The cache (distance fields, prepared targets) is shared, so re-evaluating a scenario
        that adds homes costs one snap of the new homes and the per-home arithmetic.
        """
        _check_layer_crs(new_homes, "new_homes", self.net)
        new_pts = point_geometries(new_homes.geometry, name="new_homes")
        other = object.__new__(Accessibility)
        other.net, other.settings, other.cache = self.net, self.settings, self.cache
        other.barriers = self.barriers
        other.index = self.index.append(new_homes.index)
        other.points = np.concatenate([self.points, new_pts])
        add = other._snap(new_pts)
        other.homes_key = digest("extended", self.homes_key, other.homes_key)
        other.snap = Snap(
            np.concatenate([self.snap.edge, add.edge]),
            np.concatenate([self.snap.pos_m, add.pos_m]),
            np.concatenate([self.snap.access_m, add.access_m]),
            None
            if self.snap.xy is None or add.xy is None
            else np.concatenate([self.snap.xy, add.xy]),
        )
        return other

    def __len__(self) -> int:
        return len(self.index)

    @cached_property
    def xy(self) -> np.ndarray:
        """Coordinates of the (representative) home points, shape (n, 2)."""
        return shapely.get_coordinates(self.points)

    @cached_property
    def snapped_points(self) -> np.ndarray:
        """The points on the network where each home was snapped (None where not reached)."""
        out = np.full(len(self), None, dtype=object)
        ok = self.snap.reached
        if self.snap.xy is not None:
            out[ok] = shapely.points(self.snap.xy[ok])
        else:
            out[ok] = shapely.line_interpolate_point(
                self.net.edge_geoms[self.snap.edge[ok]], self.snap.pos_m[ok]
            )
        return out

    @cached_property
    def _home_edge_index(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.snap.edge, kind="stable")
        return order, self.snap.edge[order]

    def targets(self, targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet, /) -> TargetSet:
        """Prepare (or fetch from the cache) a target layer's entry points on the network."""
        if isinstance(targets, TargetSet):
            return targets
        _check_layer_crs(targets, "targets", self.net)
        geoms = np.asarray(targets.geometry.values, dtype=object)
        if len(geoms) and (shapely.is_missing(geoms) | shapely.is_empty(geoms)).any():
            raise GeometryError(
                "Target layer has missing or empty geometries; drop them before computing access."
            )
        s = self.settings
        key = digest(
            "targets",
            geometry_digest(geoms),
            s.max_snap_m,
            s.green_entrance_spacing_m,
            s.green_access_link_m,
            geometry_digest(self.barriers) if self.barriers is not None else "",
            np.asarray(targets.index.astype(str), dtype=str),
        )
        ts = self.cache.get(self.cache.targets, key)
        if ts is None:
            ts = _prepare_targets(
                self.net, geoms, targets.index, key=key, settings=s, barriers=self.barriers
            )
            self.cache.put(self.cache.targets, key, ts)
        return ts

    # ------------------------------------------------------------------ nearest target
    def distance_to(
        self,
        targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet,
        /,
        *,
        key: str | None = None,
        max_distance_m: float | None = None,
        euclidean: bool = False,
    ) -> pd.Series:
        """Distance (m) from each home to the nearest target; ``inf`` where none is within reach.

        Parameters
        ----------
        targets
            Points, or polygons (each polygon is one target with several entry points; homes
            inside it have distance 0).
        key
            Names the Series ``dist_<key>_m``.
        max_distance_m
            Search bound (default ``settings.max_search_m``); farther is ``inf``.
        euclidean
            Straight-line distance instead of the walk network.
        """
        limit = float(max_distance_m if max_distance_m is not None else self.settings.max_search_m)
        ts = self.targets(targets)
        rkey = digest("nearest", self.homes_key, ts.key, limit, euclidean)
        out = self.cache.get(self.cache.results, rkey)
        if out is None:
            name = digest("rows-nearest", ts.key, limit, euclidean, self.settings.max_snap_m)
            found = _rows_lookup(self.cache, name, self.point_keys)
            if found is not None and found[0].any():
                hit, pos, (vals,) = found
                out = np.where(hit, vals[pos], np.inf)
                miss = np.flatnonzero(~hit)
                if len(miss):
                    out[miss] = self._subset(miss)._nearest(ts, limit, euclidean)
            else:
                hit = None
                out = self._nearest(ts, limit, euclidean)
            _rows_store(self.cache, name, self.point_keys, (out,), hit=hit)
            out.setflags(write=False)
            self.cache.put(self.cache.results, rkey, out)
        name = f"dist_{key}_m" if key else "dist_m"
        return pd.Series(out.copy(), index=self.index.copy(), name=name)

    def _nearest(self, ts: TargetSet, limit: float, euclidean: bool) -> _FloatArray:
        if ts.n == 0 or len(self) == 0:
            out = np.full(len(self), np.inf)
        elif euclidean:
            out = self._euclid_nearest(ts, limit)
        else:
            out = self._network_nearest(ts, limit)
        out[out > limit] = np.inf
        return out

    def node_field(self, targets: gpd.GeoDataFrame | TargetSet, /, *, limit: float) -> np.ndarray:
        """Bounded distance from the nearest target to every network node (memoised)."""
        return nearest_field(self.net, self.cache, self.targets(targets), limit=limit)

    def _network_nearest(self, ts: TargetSet, limit: float) -> _FloatArray:
        field = self.node_field(ts, limit=limit)
        out = self.net.point_distances(field, self.snap)
        h, _, d = self._same_edge_pairs(ts)
        if len(h):
            np.minimum.at(out, h, d)
        if ts.is_polygon:
            h, _, d = self._inside_pairs(ts)
            if len(h):
                np.minimum.at(out, h, d)
        return out

    def _same_edge_pairs(self, ts: TargetSet) -> tuple[_IntArray, _IntArray, _FloatArray]:
        """(home, target, direct along-edge distance) for homes on the same edge as an entry."""
        order, edges_sorted = self._home_edge_index
        e = ts.entry_edge
        lo = np.searchsorted(edges_sorted, e, "left")
        hi = np.searchsorted(edges_sorted, e, "right")
        ptr = np.empty(len(e) + 1, dtype=np.int64)
        # entries -> homes on the same edge
        cnt = hi - lo
        ptr[0] = 0
        ptr[1:] = np.cumsum(cnt)
        rep = np.repeat(np.arange(len(e), dtype=np.int64), cnt)
        if len(rep) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        offs = np.arange(len(rep)) - np.repeat(ptr[:-1], cnt)
        homes = order[np.repeat(lo, cnt) + offs]
        d = (
            self.snap.access_m[homes]
            + ts.entry_access_m[rep]
            + np.abs(self.snap.pos_m[homes] - ts.entry_pos_m[rep])
        )
        return homes.astype(np.int64), ts.entry_group[rep], d

    def _inside_pairs(self, ts: TargetSet) -> tuple[_IntArray, _IntArray, _FloatArray]:
        """Homes inside a target polygon (0) or snapped to a point inside it (access distance)."""
        memo = self.__dict__.setdefault("_inside_memo", {})
        if ts.key in memo:
            return memo[ts.key]
        assert ts.polygons is not None
        h1, g1 = points_in_polygons(self.points, ts.polygons)
        ok = np.flatnonzero(self.snap.reached)
        h2, g2 = points_in_polygons(self.snapped_points[ok], ts.polygons)
        h2 = ok[h2]
        h = np.concatenate([h1, h2]).astype(np.int64)
        g = np.concatenate([g1, g2]).astype(np.int64)
        d = np.concatenate([np.zeros(len(h1)), self.snap.access_m[h2]])
        memo[ts.key] = (h, g, d)
        memo[("homes", ts.key)] = h1.astype(np.int64)
        return h, g, d

    def _euclid_nearest(self, ts: TargetSet, limit: float) -> _FloatArray:
        if ts.polygons is not None and ts.boundary_index is not None:
            _, _, out, _ = ts.boundary_index.nearest(self.xy, max_distance=limit)
            self._inside_pairs(ts)
            out[self.__dict__["_inside_memo"][("homes", ts.key)]] = 0.0
            return out
        return _euclid_nearest(self.points, ts.polygons, ts.points, limit, xy=self.xy)

    # ------------------------------------------------------------------ all pairs
    def pairs(
        self,
        targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet,
        /,
        *,
        max_distance_m: float,
        euclidean: bool = False,
    ) -> pd.DataFrame:
        """Every (home, target) pair within ``max_distance_m``, with its distance.

        Returns a DataFrame with columns ``home`` and ``target`` (positions in the two layers)
        and ``distance_m``, sorted by home then target. One bounded search per target, over the
        targets only (never one per home).
        """
        limit = float(max_distance_m)
        ts = self.targets(targets)
        pkey = digest("pairs", self.homes_key, ts.key, limit, euclidean)
        frame = self.cache.get(self.cache.results, pkey)
        if frame is None:
            name = digest("rows-pairs", ts.key, limit, euclidean, self.settings.max_snap_m)
            store = self.cache.rows.get(name)
            keys = self.point_keys
            if store is not None and np.isin(keys, store[0]).any():
                old_keys, old_frame = store
                hit = np.isin(keys, old_keys)
                # rows of the stored frame for every home that was seen before
                fk = old_frame["key"].to_numpy()
                lo = np.searchsorted(fk, keys[hit], "left")
                hi = np.searchsorted(fk, keys[hit], "right")
                ptr = np.concatenate([[0], np.cumsum(hi - lo)])
                rep, _ = _expand(ptr, np.arange(len(lo)))
                rows = np.repeat(lo, hi - lo) + (np.arange(len(rep)) - np.repeat(ptr[:-1], hi - lo))
                h_old = np.flatnonzero(hit)[rep]
                g_old = old_frame["target"].to_numpy()[rows]
                d_old = old_frame["distance_m"].to_numpy()[rows]
                miss = np.flatnonzero(~hit)
                h_new, g_new, d_new = self._subset(miss)._pairs_arrays(ts, limit, euclidean)
                h = np.concatenate([h_old, miss[h_new]])
                g = np.concatenate([g_old, g_new])
                d = np.concatenate([d_old, d_new])
            else:
                hit = None
                h, g, d = self._pairs_arrays(ts, limit, euclidean)
            frame = pd.DataFrame({"home": h, "target": g, "distance_m": d})
            frame = frame.sort_values(["home", "target"], kind="stable").reset_index(drop=True)
            self.cache.put(self.cache.results, pkey, frame)
            _pairs_store(self.cache, name, keys, frame, hit=hit)
        return frame.copy()

    def _pairs_arrays(
        self, ts: TargetSet, limit: float, euclidean: bool
    ) -> tuple[_IntArray, _IntArray, _FloatArray]:
        if ts.n == 0 or len(self) == 0:
            h = g = np.zeros(0, dtype=np.int64)
            d = np.zeros(0)
        elif euclidean:
            h, g, d = self._euclid_pairs(ts, limit)
        else:
            h, g, d = self._network_pairs(ts, limit)
        keep = d <= limit
        return h[keep], g[keep], d[keep]

    def group_node_fields(
        self, targets: gpd.GeoDataFrame | TargetSet, /, *, limit: float
    ) -> csc_matrix:
        """Sparse (nodes x targets) matrix of bounded per-target node distances (memoised).

        Stored entries are reachable distances; zero distances are stored as a tiny epsilon.
        """
        return target_fields(self.net, self.cache, self.targets(targets), limit=limit)

    def _network_pairs(
        self, ts: TargetSet, limit: float
    ) -> tuple[_IntArray, _IntArray, _FloatArray]:
        mat = self.group_node_fields(ts, limit=limit)  # CSR: node rows
        ok = np.flatnonzero(self.snap.reached)
        e = self.snap.edge[ok]
        pos, acc = self.snap.pos_m[ok], self.snap.access_m[ok]
        hs, gs, ds = [], [], []
        for end, off in ((self.net.u[e], pos), (self.net.v[e], self.net.length[e] - pos)):
            rep, p = _expand(mat.indptr, end)
            hs.append(ok[rep])
            gs.append(mat.indices[p].astype(np.int64))
            ds.append(acc[rep] + off[rep] + mat.data[p])
        h, g, d = self._same_edge_pairs(ts)
        hs.append(h)
        gs.append(g)
        ds.append(d)
        if ts.is_polygon:
            h, g, d = self._inside_pairs(ts)
            hs.append(h)
            gs.append(g)
            ds.append(d)
        hh, gg, dd = np.concatenate(hs), np.concatenate(gs), np.concatenate(ds)
        keep = dd <= limit
        return _min_pairs(hh[keep], gg[keep], dd[keep], ts.n)

    def _euclid_pairs(
        self, ts: TargetSet, limit: float
    ) -> tuple[_IntArray, _IntArray, _FloatArray]:
        if ts.is_polygon:
            assert ts.polygons is not None
            tree = shapely.STRtree(ts.polygons)
            h, g = tree.query(self.points, predicate="dwithin", distance=limit)
            d = shapely.distance(self.points[h], ts.polygons[g])
            return h.astype(np.int64), g.astype(np.int64), d
        kt = cKDTree(shapely.get_coordinates(ts.points))
        kh = cKDTree(self.xy)
        coo = kh.sparse_distance_matrix(kt, limit, output_type="coo_matrix")
        # sparse_distance_matrix drops exact zeros; add coincident points back
        zero_h, zero_g = _coincident(kh, kt)
        h = np.concatenate([coo.row, zero_h]).astype(np.int64)
        g = np.concatenate([coo.col, zero_g]).astype(np.int64)
        d = np.concatenate([coo.data, np.zeros(len(zero_h))])
        return _min_pairs(h, g, d, ts.n)

    # ------------------------------------------------------------------ aggregates
    def opportunities(
        self,
        targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet,
        /,
        *,
        distances_m: Sequence[float],
        key: str = "targets",
        weight: Sequence[float] | np.ndarray | None = None,
        euclidean: bool = False,
    ) -> pd.DataFrame:
        """Cumulative opportunities: number (or weight sum) of targets within each distance.

        Columns ``n_within_<d>m_<key>``; indexed like the homes. A polygon target counts once.
        """
        ts = self.targets(targets)
        p = self.pairs(ts, max_distance_m=max(distances_m), euclidean=euclidean)
        return aggregate.opportunities(
            p, ts.n, self.index, distances_m=distances_m, key=key, weight=weight
        )

    def gravity(
        self,
        targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet,
        /,
        *,
        beta: float | None = None,
        max_distance_m: float | None = None,
        key: str = "targets",
        weight: Sequence[float] | np.ndarray | None = None,
        euclidean: bool = False,
    ) -> pd.Series:
        """Gravity access: sum over targets within reach of ``weight * exp(-beta * d)``."""
        ts = self.targets(targets)
        b = self.settings.gravity_beta if beta is None else float(beta)
        limit = float(max_distance_m if max_distance_m is not None else self.settings.max_search_m)
        p = self.pairs(ts, max_distance_m=limit, euclidean=euclidean)
        return aggregate.gravity(p, ts.n, self.index, beta=b, key=key, weight=weight)

    def catchments(
        self,
        targets: gpd.GeoDataFrame | gpd.GeoSeries | TargetSet,
        /,
        *,
        distances_m: Sequence[float],
        weights: pd.DataFrame | None = None,
        euclidean: bool = False,
    ) -> pd.DataFrame:
        """Per target: homes (count and each weight column's sum) within each distance.

        ``weights`` is a DataFrame indexed like the homes (e.g. dwellings, population, jobs).
        Columns ``homes_within_<d>m`` and ``<col>_within_<d>m``; indexed like the targets.
        """
        ts = self.targets(targets)
        p = self.pairs(ts, max_distance_m=max(distances_m), euclidean=euclidean)
        return aggregate.catchments(
            p, self.index, ts.index, distances_m=distances_m, weights=weights
        )
