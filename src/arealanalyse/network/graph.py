"""The walk graph: nodes, edges, components, caching, snapping and bounded searches.

Nodes are the junctions of the ``walk_network`` lines, found by
:func:`arealanalyse.network.topology.node_lines` for every source: line ends closer than
``settings.network_merge_tolerance_m`` merge, lines are split where they share a vertex, where one
ends on another (T-junction) and where they cross, except where one passes over the other
(``level`` column: OSM bridge/tunnel/layer; or heights of 3-D lines). Edge weights are geometry
lengths in metres of the working CRS. The graph is undirected (walking) and stored once as a
symmetric :class:`scipy.sparse.csr_matrix` with one spare row for a virtual source, so a bounded
multi-source search costs one call to :func:`scipy.sparse.csgraph.dijkstra`.

Homes and targets snap to the largest connected component by default
(``settings.snap_components``); :func:`arealanalyse.network.components.island_snaps` reports the
points that were nearest to an isolated piece and where they went instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

if TYPE_CHECKING:
    import networkx as nx
    from pyproj import CRS

from arealanalyse.errors import CrsError, EmptyLayerError, GeometryError, NetworkError
from arealanalyse.io import atomic_path
from arealanalyse.network.nearest import Geometries, SegmentIndex
from arealanalyse.network.topology import node_lines
from arealanalyse.settings import Settings, resolve

__all__ = ["Points", "Snap", "WalkNetwork", "point_geometries", "snap_points"]

#: Point geometries (other geometries stand for their representative point): a GeoSeries, an
#: object array or a sequence of shapely geometries.
Points: TypeAlias = gpd.GeoSeries | Geometries

_CACHE_VERSION = 2
_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Snap:
    """Points placed on the network: edge id, position along it from ``u`` and access distance.

    ``edge`` is ``-1`` for points farther than the snap limit from every edge ("not reached").
    """

    edge: _IntArray
    pos_m: _FloatArray
    access_m: _FloatArray
    xy: np.ndarray | None = None  # the snapped points' coordinates (NaN where not reached)

    @property
    def reached(self) -> np.ndarray:
        """Boolean mask of points that were snapped."""
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, idx: np.ndarray) -> Snap:
        """Return the snaps of the points at positions ``idx``."""
        xy = None if self.xy is None else self.xy[idx]
        return Snap(self.edge[idx], self.pos_m[idx], self.access_m[idx], xy)


def point_geometries(geoms: Points, /, *, name: str = "points") -> np.ndarray:
    """Return one point per feature: points as they are, other geometries' representative point.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> [p.wkt for p in point_geometries([Point(1, 2), box(0, 0, 2, 2)])]
    ['POINT (1 2)', 'POINT (1 1)']
    """
    arr = np.asarray(geoms.values if isinstance(geoms, gpd.GeoSeries) else geoms, dtype=object)
    if len(arr) and (shapely.is_missing(arr) | shapely.is_empty(arr)).any():
        raise GeometryError(
            f"Layer {name!r} has missing or empty geometries; drop them or load the layer through "
            "arealanalyse.layers (which reports them)."
        )
    types = shapely.get_type_id(arr)
    out = arr.copy()
    other = types != 0
    if other.any():
        out[other] = shapely.point_on_surface(arr[other])
    return out


def _check_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, name: str, crs: Any) -> None:
    if gdf.crs is None:
        raise CrsError(f"Layer {name!r} has no CRS; set one (e.g. EPSG:25832) before using it.")
    if crs is not None and not gdf.crs.equals(crs):
        raise CrsError(
            f"Layer {name!r} is in {gdf.crs.to_string()}, the walk network in {crs}; "
            "reproject it with .to_crs(...) (arealanalyse.layers does this on load)."
        )


def snap_points(net: WalkNetwork, points: Points, /, *, max_snap_m: float) -> Snap:
    """Snap points to the nearest point on the nearest edge of ``net``.

    Parameters
    ----------
    net
        The walk network.
    points
        Point geometries (array-like of shapely points) in the network's CRS.
    max_snap_m
        Points farther than this from every edge are not snapped (``edge == -1``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> net = WalkNetwork.from_edges(
    ...     gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=25832))
    >>> s = snap_points(net, [Point(30, 5), Point(30, 500)], max_snap_m=300)
    >>> s.edge.tolist(), s.pos_m.tolist(), s.access_m.tolist()
    ([0, -1], [30.0, nan], [5.0, inf])
    """
    pts = np.asarray(points, dtype=object)
    xy = shapely.get_coordinates(pts) if len(pts) else np.zeros((0, 2))
    if len(xy) != len(pts):
        raise GeometryError("snap_points needs one non-empty point per feature.")
    owner, pos, acc, near = net.segment_index.nearest(xy, max_distance=max_snap_m)
    edge = np.where(owner >= 0, net.snap_edges[np.maximum(owner, 0)], -1)
    pos = np.where(edge >= 0, np.clip(pos, 0.0, net.length[np.maximum(edge, 0)]), np.nan)
    return Snap(edge, pos, acc, near)


class WalkNetwork:
    """An undirected walk graph in the working CRS.

    Build it with :meth:`from_edges` (the canonical ``walk_network`` layer) or :meth:`from_osmnx`;
    cache it with :meth:`save`/:meth:`load` or :meth:`cached`. A study area's network is built
    once by :attr:`arealanalyse.study.Study.network`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> lines = [LineString([(0, 0), (3, 4)]), LineString([(50, 50), (60, 50)])]
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=lines, crs=25832))
    >>> net.n_nodes, net.n_edges, net.largest_component_share
    (4, 2, 0.5)
    >>> net.edges["length_m"].tolist()
    [5.0, 10.0]
    """

    def __init__(
        self,
        node_xy: _FloatArray,
        u: _IntArray,
        v: _IntArray,
        edge_geoms: np.ndarray,
        *,
        crs: CRS | str | int,
        highway: np.ndarray | None = None,
        source_index: np.ndarray | None = None,
        key: str = "",
        topology: dict[str, Any] | None = None,
        snap_components: str = "largest",
    ) -> None:
        self.node_xy = np.asarray(node_xy, dtype=np.float64)
        self.u = np.asarray(u, dtype=np.int64)
        self.v = np.asarray(v, dtype=np.int64)
        self.edge_geoms = np.asarray(edge_geoms, dtype=object)
        self.length = shapely.length(self.edge_geoms).astype(np.float64)
        self.crs = gpd.GeoSeries([], crs=crs).crs
        m = len(self.u)
        self.highway = (
            np.asarray(highway, dtype=str) if highway is not None else np.full(m, "", dtype=str)
        )
        self.source_index = (
            np.asarray(source_index) if source_index is not None else np.arange(m, dtype=np.int64)
        )
        self.key = key or _hash_geoms(self.edge_geoms)
        #: What the topology step did (see :class:`~arealanalyse.network.topology.TopologyReport`).
        self.topology: dict[str, Any] = dict(topology or {})
        if snap_components not in ("largest", "all"):
            raise NetworkError(
                f"snap_components must be 'largest' or 'all', not {snap_components!r}."
            )
        #: ``"largest"``: points snap to the largest component only; ``"all"``: to any edge.
        self.snap_components = snap_components

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_edges(
        cls, walk_network: gpd.GeoDataFrame, /, *, settings: Settings | None = None
    ) -> WalkNetwork:
        """Build the graph from line segments (the canonical ``walk_network`` layer).

        The lines are noded by :func:`~arealanalyse.network.topology.node_lines`: ends closer
        than ``settings.network_merge_tolerance_m`` (0.5 m) merge, and lines are split where
        they share a vertex, where one ends on another and where they cross on the same
        ``level`` (a column of the layer; OSM bridges and tunnels get their own). Each segment
        becomes one edge weighted by its length; zero-length segments are dropped. What was
        noded and merged is in :attr:`topology`.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> lines = [LineString([(0, 0), (10, 0)]), LineString([(10.001, 0), (10, 20)])]
        >>> WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=lines, crs=25832)).n_nodes
        3
        >>> tee = [LineString([(0, 0), (100, 0)]), LineString([(50, 0), (50, 30)])]
        >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=tee, crs=25832))
        >>> net.n_edges, net.topology["t_junctions"]
        (3, 1)
        """
        s = resolve(settings)
        name = "walk_network"
        if not isinstance(walk_network, gpd.GeoDataFrame | gpd.GeoSeries):
            raise NetworkError(
                f"Layer {name!r} must be a GeoDataFrame of LineStrings; load it with "
                "arealanalyse.layers.readers.read_layer(path, 'walk_network')."
            )
        _check_crs(walk_network, name, None)
        gdf = (
            walk_network if isinstance(walk_network, gpd.GeoDataFrame) else walk_network.to_frame()
        )
        if gdf.crs is not None and not gdf.crs.equals(s.crs):
            gdf = gdf.to_crs(s.crs)
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        types = shapely.get_type_id(geoms[keep])
        if len(types) and not np.isin(types, (1, 5)).all():
            raise GeometryError(
                f"Layer {name!r} has non-line geometries; keep only LineStrings and "
                "MultiLineStrings (walkable segments)."
            )
        idx = np.flatnonzero(keep)
        parts, part_of = shapely.get_parts(geoms[idx], return_index=True)
        src = idx[part_of]
        if len(parts) == 0:
            raise EmptyLayerError(
                f"Layer {name!r} has no line segments; check the source and its filter."
            )
        highway = (
            gdf["highway"].astype(str).to_numpy()[src]
            if "highway" in gdf.columns
            else np.full(len(parts), "", dtype=str)
        )
        level = gdf["level"].astype(str).to_numpy()[src] if "level" in gdf.columns else None
        noded = node_lines(
            parts,
            level=level,
            tolerance_m=s.network_merge_tolerance_m,
            max_dz_m=s.network_max_dz_m,
        )
        if len(noded.lines) == 0:
            raise EmptyLayerError(
                "Layer 'walk_network' has only zero-length segments; check the source."
            )
        source_index = gdf.index.to_numpy()[src]
        return cls(
            noded.node_xy,
            noded.u,
            noded.v,
            noded.lines,
            crs=s.crs,
            highway=highway[noded.source],
            source_index=source_index[noded.source],
            key=_hash_geoms(noded.lines),
            topology=noded.report.as_dict(),
            snap_components=s.snap_components,
        )

    @classmethod
    def from_osmnx(
        cls, graph: nx.MultiDiGraph, /, *, settings: Settings | None = None
    ) -> WalkNetwork:
        """Build the graph from an osmnx graph (projected to the working CRS first).

        Both directions of a two-way street become one edge.
        """
        import osmnx as ox

        s = resolve(settings)
        if len(graph) == 0:
            raise EmptyLayerError("The osmnx graph has no nodes; check the fetch area.")
        g = ox.project_graph(graph, to_crs=s.crs)
        edges = ox.graph_to_gdfs(g, nodes=False, fill_edge_geometry=True).reset_index()
        a = np.minimum(edges["u"].to_numpy(), edges["v"].to_numpy())
        b = np.maximum(edges["u"].to_numpy(), edges["v"].to_numpy())
        length = shapely.length(edges.geometry.values)
        frame = pd.DataFrame({"a": a, "b": b, "k": edges["key"].to_numpy(), "l": length.round(2)})
        edges = edges.loc[~frame.duplicated().to_numpy()]
        hw = edges["highway"] if "highway" in edges.columns else pd.Series("", index=edges.index)
        out = gpd.GeoDataFrame(
            {"highway": [";".join(map(str, h)) if isinstance(h, list) else str(h) for h in hw]},
            geometry=edges.geometry.values,
            crs=edges.crs,
        )
        return cls.from_edges(out, settings=s)

    # ---------------------------------------------------------------- cache
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the network to a ``.npz`` file (atomic); :meth:`load` reads it back.

        Examples
        --------
        >>> import tempfile, pathlib, geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> net = WalkNetwork.from_edges(
        ...     gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=25832))
        >>> p = net.save(pathlib.Path(tempfile.mkdtemp()) / "net.npz")
        >>> WalkNetwork.load(p).key == net.key
        True
        """
        target = Path(path)
        wkb = shapely.to_wkb(self.edge_geoms)
        offsets = np.cumsum([0] + [len(b) for b in wkb])
        blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)
        with atomic_path(target) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh,
                version=np.array([_CACHE_VERSION]),
                node_xy=self.node_xy,
                u=self.u,
                v=self.v,
                wkb=blob,
                wkb_offsets=offsets,
                highway=self.highway.astype(str),
                source_index=self.source_index.astype(str),
                crs=np.array([self.crs.to_string()]),
                key=np.array([self.key]),
                topology=np.array([json.dumps(self.topology)]),
                snap_components=np.array([self.snap_components]),
            )
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> WalkNetwork:
        """Read a network written by :meth:`save`."""
        p = Path(path)
        try:
            with np.load(p, allow_pickle=False) as z:
                if int(z["version"][0]) != _CACHE_VERSION:
                    raise NetworkError(
                        f"Network cache {p} has an old format; delete it and rebuild the network."
                    )
                blob, off = z["wkb"].tobytes(), z["wkb_offsets"]
                geoms = shapely.from_wkb(
                    np.array([blob[off[i] : off[i + 1]] for i in range(len(off) - 1)], dtype=object)
                )
                return cls(
                    z["node_xy"],
                    z["u"],
                    z["v"],
                    geoms,
                    crs=str(z["crs"][0]),
                    highway=z["highway"],
                    source_index=z["source_index"],
                    key=str(z["key"][0]),
                    topology=json.loads(str(z["topology"][0])),
                    snap_components=str(z["snap_components"][0]),
                )
        except (OSError, KeyError, ValueError) as exc:
            if isinstance(exc, NetworkError):
                raise
            raise NetworkError(
                f"Network cache {p} cannot be read ({exc}); delete it and rebuild."
            ) from exc

    @classmethod
    def cached(
        cls,
        walk_network: gpd.GeoDataFrame,
        path: str | os.PathLike[str],
        /,
        *,
        settings: Settings | None = None,
    ) -> WalkNetwork:
        """Load the network from ``path`` if it was built from the same segments, else build it.

        The cache is keyed by a hash of the segment geometries (after reprojection).
        """
        net = cls.from_edges(walk_network, settings=settings)
        p = Path(path)
        if p.exists():
            try:
                old = cls.load(p)
            except NetworkError:
                old = None
            if old is not None and old.key == net.key:
                return old
        net.save(p)
        return net

    # ---------------------------------------------------------------- properties
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges (segments)."""
        return len(self.u)

    @cached_property
    def component(self) -> _IntArray:
        """Connected-component label of each node (0 = the largest component)."""
        _, labels = connected_components(
            self.csgraph[: self.n_nodes, : self.n_nodes], directed=False
        )
        sizes = np.bincount(labels)
        rank = np.empty_like(sizes)
        rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
        return rank[labels].astype(np.int64)

    @property
    def largest_component_share(self) -> float:
        """Share of nodes in the largest connected component (1.0 = fully connected)."""
        return float(np.mean(self.component == 0))

    @cached_property
    def nodes(self) -> gpd.GeoDataFrame:
        """Nodes as a GeoDataFrame (index = node id; columns x, y, component)."""
        return gpd.GeoDataFrame(
            {"x": self.node_xy[:, 0], "y": self.node_xy[:, 1], "component": self.component},
            geometry=shapely.points(self.node_xy),
            crs=self.crs,
        ).rename_axis("node")

    @cached_property
    def edges(self) -> gpd.GeoDataFrame:
        """Edges as a GeoDataFrame (index = edge id; columns u, v, length_m, highway, source)."""
        return gpd.GeoDataFrame(
            {
                "u": self.u,
                "v": self.v,
                "length_m": self.length,
                "highway": self.highway,
                "source": self.source_index,
            },
            geometry=self.edge_geoms,
            crs=self.crs,
        ).rename_axis("edge")

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index of the edge geometries."""
        return shapely.STRtree(self.edge_geoms)

    @cached_property
    def snappable(self) -> np.ndarray:
        """Boolean mask of the edges points may snap to (see :attr:`snap_components`)."""
        if self.snap_components == "all" or self.n_edges == 0:
            return np.ones(self.n_edges, dtype=bool)
        return np.asarray(self.component[self.u] == 0)

    @cached_property
    def snap_edges(self) -> _IntArray:
        """Ids of the edges points may snap to (the owners of :attr:`segment_index`)."""
        return np.flatnonzero(self.snappable).astype(np.int64)

    @cached_property
    def island_index(self) -> tuple[_IntArray, SegmentIndex | None]:
        """Ids of the edges points may not snap to, and a nearest-point index over them."""
        ids = np.flatnonzero(~self.snappable).astype(np.int64)
        return ids, (SegmentIndex(self.edge_geoms[ids]) if len(ids) else None)

    @cached_property
    def segment_index(self) -> SegmentIndex:
        """KD-tree index of short pieces of the snappable edges for exact, fast snapping."""
        return SegmentIndex(self.edge_geoms[self.snap_edges])

    @cached_property
    def csgraph(self) -> csr_matrix:
        """Symmetric sparse adjacency (shortest parallel edge) with one spare, empty last row.

        The spare row ``n_nodes`` is where :meth:`node_field` attaches a virtual source.
        """
        n = self.n_nodes
        loop = self.u == self.v
        a = np.concatenate([self.u[~loop], self.v[~loop]])
        b = np.concatenate([self.v[~loop], self.u[~loop]])
        w = np.concatenate([self.length[~loop], self.length[~loop]])
        order = np.lexsort((w, b, a))
        a, b, w = a[order], b[order], w[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        a, b, w = a[first], b[first], w[first]
        indptr = np.zeros(n + 2, dtype=np.int64)
        np.add.at(indptr, a + 1, 1)
        indptr = np.cumsum(indptr)
        return csr_matrix((w, b.astype(np.int32), indptr), shape=(n + 1, n + 1))

    def prepare(self) -> WalkNetwork:
        """Build the search structures now (sparse graph, KD and R-tree indexes); returns self.

        They are otherwise built lazily on first use; call this once after loading so that the
        first metric run is not charged for them.
        """
        _ = self.csgraph, self.segment_index, self.tree, self.component, self.snap_edges
        return self

    # ---------------------------------------------------------------- searches
    def snap(self, points: Points, /, *, max_snap_m: float) -> Snap:
        """Snap point geometries to the network (see :func:`snap_points`)."""
        return snap_points(self, points, max_snap_m=max_snap_m)

    def endpoint_sources(self, snap: Snap) -> tuple[_IntArray, _IntArray, _FloatArray]:
        """Return (point position, node, cost) for both endpoints of each snapped point's edge."""
        ok = np.flatnonzero(snap.reached)
        e = snap.edge[ok]
        pos, acc = snap.pos_m[ok], snap.access_m[ok]
        point = np.concatenate([ok, ok])
        node = np.concatenate([self.u[e], self.v[e]])
        cost = np.concatenate([acc + pos, acc + self.length[e] - pos])
        return point, node, cost

    def node_field(self, node: _IntArray, cost: _FloatArray, /, *, limit: float) -> _FloatArray:
        """Distance from the nearest of several sources to every node, bounded by ``limit``.

        A source is a node with a start cost (e.g. the along-edge offset of a target). Nodes
        farther than ``limit`` get ``inf``.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
        ...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (300, 0)])],
        ...     crs=25832))
        >>> net.node_field(np.array([0]), np.array([5.0]), limit=200).tolist()
        [5.0, 105.0, inf]
        """
        n = self.n_nodes
        best = np.full(n, np.inf)
        np.minimum.at(best, np.asarray(node, dtype=np.int64), np.asarray(cost, dtype=np.float64))
        sel = np.flatnonzero(best <= limit)
        if len(sel) == 0:
            return np.full(n, np.inf)
        base = self.csgraph
        indptr = base.indptr.copy()
        indptr[-1] += len(sel)
        g = csr_matrix(
            (
                np.concatenate([base.data, best[sel]]),
                np.concatenate([base.indices, sel.astype(base.indices.dtype)]),
                indptr,
            ),
            shape=base.shape,
        )
        d = dijkstra(g, directed=True, indices=n, limit=limit)
        return np.asarray(d[:n], dtype=np.float64)

    def group_fields(
        self,
        group: _IntArray,
        node: _IntArray,
        cost: _FloatArray,
        /,
        *,
        n_groups: int,
        limit: float,
        chunk: int = 16,
    ) -> Iterator[tuple[_IntArray, _IntArray, np.ndarray]]:
        """Yield per-group bounded distance fields, a few spatially close groups at a time.

        Each group (one target, possibly with several entry points) gets a virtual node with
        out-edges to its sources (``node`` with start ``cost``). Groups are ordered along a
        coarse grid and taken ``chunk`` at a time; each chunk is searched on the subgraph of
        nodes within ``limit`` (straight line) of its sources' bounding box, which is exact
        because a walk of at most ``limit`` never leaves that box. Yields ``(group ids, node
        ids, fields)`` with ``fields`` of shape ``(len(group ids), len(node ids))``, ``inf``
        beyond ``limit``.
        """
        n = self.n_nodes
        core = self.csgraph[:n, :n].tocsr()
        group = np.asarray(group, dtype=np.int64)
        node = np.asarray(node, dtype=np.int64)
        cost = np.asarray(cost, dtype=np.float64)
        keep = cost <= limit
        group, node, cost = group[keep], node[keep], cost[keep]
        if len(group) == 0:
            return
        order = np.lexsort((node, group))
        group, node, cost = group[order], node[order], cost[order]
        counts = np.bincount(group, minlength=n_groups)
        starts = np.concatenate([[0], np.cumsum(counts)])
        present = np.flatnonzero(counts)
        # spatial order of the groups (by their first source) so that chunks are compact
        first_xy = self.node_xy[node[starts[present]]]
        cell = max(limit, 1.0)
        gx = np.floor((first_xy[:, 0] - first_xy[:, 0].min()) / cell).astype(np.int64)
        gy = np.floor((first_xy[:, 1] - first_xy[:, 1].min()) / cell).astype(np.int64)
        snake = np.where(gy % 2 == 0, gx, gx.max() - gx)
        present = present[np.lexsort((snake, gy))]
        x, y = self.node_xy[:, 0], self.node_xy[:, 1]
        for c0 in range(0, len(present), chunk):
            ids = np.sort(present[c0 : c0 + chunk])
            rows = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in ids])
            sx, sy = self.node_xy[node[rows], 0], self.node_xy[node[rows], 1]
            box = (
                (x >= sx.min() - limit)
                & (x <= sx.max() + limit)
                & (y >= sy.min() - limit)
                & (y <= sy.max() + limit)
            )
            sub = np.flatnonzero(box)
            m = len(sub)
            g_sub = core[sub][:, sub].tocsr()
            local = np.searchsorted(sub, node[rows])
            which = np.searchsorted(ids, group[rows])
            cnt = np.bincount(which, minlength=len(ids))
            extra_ptr = g_sub.indptr[-1] + np.cumsum(cnt)
            indptr = np.concatenate([g_sub.indptr, extra_ptr])
            size = m + len(ids)
            g = csr_matrix(
                (
                    np.concatenate([g_sub.data, cost[rows]]),
                    np.concatenate([g_sub.indices, local.astype(g_sub.indices.dtype)]),
                    indptr,
                ),
                shape=(size, size),
            )
            d = dijkstra(g, directed=True, indices=m + np.arange(len(ids)), limit=limit)
            yield ids, sub.astype(np.int64), np.asarray(d[:, :m])

    def point_distances(self, field: _FloatArray, snap: Snap) -> _FloatArray:
        """Distance at snapped points from a node field: access + nearer edge end.

        Does not add same-edge shortcuts between sources and points (callers do).
        """
        out = np.full(len(snap), np.inf)
        ok = snap.reached
        e = snap.edge[ok]
        pos = snap.pos_m[ok]
        via_u = field[self.u[e]] + pos
        via_v = field[self.v[e]] + self.length[e] - pos
        out[ok] = snap.access_m[ok] + np.minimum(via_u, via_v)
        return out

    # ---------------------------------------------------------------- service areas
    def service_areas(
        self,
        points: gpd.GeoDataFrame | gpd.GeoSeries,
        /,
        *,
        distance_m: float,
        buffer_m: float = 30.0,
        settings: Settings | None = None,
    ) -> gpd.GeoSeries:
        """Network-based walk areas around points, indexed like ``points``.

        The street segments reachable within ``distance_m`` (access distance included; edges
        cut where the distance runs out) are buffered by ``buffer_m`` and unioned. Points
        farther than ``settings.max_snap_m`` from the network get an empty polygon.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString, Point
        >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
        ...     geometry=[LineString([(0, 0), (1000, 0)])], crs=25832))
        >>> pts = gpd.GeoSeries([Point(500, 0)], index=["stop"], crs=25832)
        >>> area = net.service_areas(pts, distance_m=100, buffer_m=10)
        >>> round(area.loc["stop"].bounds[0]), round(area.loc["stop"].bounds[2])
        (390, 610)
        """
        from arealanalyse.network.service import service_areas

        return service_areas(
            self, points, distance_m=distance_m, buffer_m=buffer_m, settings=settings
        )

    def __repr__(self) -> str:
        return (
            f"WalkNetwork(n_nodes={self.n_nodes}, n_edges={self.n_edges}, "
            f"largest_component_share={self.largest_component_share:.3f}, crs={self.crs})"
        )


def _hash_geoms(geoms: Sequence[Any] | np.ndarray) -> str:
    h = hashlib.sha256()
    for b in shapely.to_wkb(np.asarray(geoms, dtype=object)):
        h.update(b)
    return h.hexdigest()[:20]
