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
import os
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

if TYPE_CHECKING:
    import networkx as nx
    from pyproj import CRS

from arealanalyse.errors import EmptyLayerError, GeometryError, NetworkError
from arealanalyse.network import search, store
from arealanalyse.network.nearest import SegmentIndex
from arealanalyse.network.points import Points, Snap, check_crs
from arealanalyse.network.topology import node_lines
from arealanalyse.settings import Settings, resolve

__all__ = ["WalkNetwork", "snap_points"]

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


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
        snap_mask: np.ndarray | None = None,
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
        #: Edges points may snap to, when given (overrides :attr:`snap_components`).
        self.snap_mask = None if snap_mask is None else np.asarray(snap_mask, dtype=bool)
        if self.snap_mask is not None and len(self.snap_mask) != m:
            raise NetworkError(f"snap_mask has {len(self.snap_mask)} values for {m} edges.")

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_edges(
        cls,
        walk_network: gpd.GeoDataFrame,
        /,
        *,
        settings: Settings | None = None,
        snap_column: str | None = None,
    ) -> WalkNetwork:
        """Build the graph from line segments (the canonical ``walk_network`` layer).

        The lines are noded by :func:`~arealanalyse.network.topology.node_lines`: ends closer
        than ``settings.network_merge_tolerance_m`` (0.5 m) merge, and lines are split where
        they share a vertex, where one ends on another and where they cross on the same
        ``level`` (a column of the layer; OSM bridges and tunnels get their own). Each segment
        becomes one edge weighted by its length; zero-length segments are dropped. What was
        noded and merged is in :attr:`topology`.

        ``snap_column`` names a boolean column: points then snap only to the edges of rows
        where it is True, instead of the largest component (``settings.snap_components``).
        A network cut from a larger one (a batch partition) uses it to snap as the whole would.

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
        check_crs(walk_network, name, None)
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
        key = _hash_geoms(noded.lines)
        snap_mask = None
        if snap_column is not None:
            if snap_column not in gdf.columns:
                raise NetworkError(
                    f"Layer {name!r} has no column {snap_column!r} naming the edges points may "
                    "snap to; add it or build the network without snap_column."
                )
            snap_mask = gdf[snap_column].to_numpy(dtype=bool)[src][noded.source]
            mask_bytes = key.encode() + np.packbits(snap_mask).tobytes()
            key = hashlib.sha256(mask_bytes).hexdigest()[:20]
        return cls(
            noded.node_xy,
            noded.u,
            noded.v,
            noded.lines,
            crs=s.crs,
            highway=highway[noded.source],
            source_index=source_index[noded.source],
            key=key,
            topology=noded.report.as_dict(),
            snap_components=s.snap_components,
            snap_mask=snap_mask,
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
        return store.write_network(
            path,
            node_xy=self.node_xy,
            u=self.u,
            v=self.v,
            edge_geoms=self.edge_geoms,
            highway=self.highway,
            source_index=self.source_index,
            crs=self.crs.to_string(),
            key=self.key,
            topology=self.topology,
            snap_components=self.snap_components,
            snap_mask=self.snap_mask,
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> WalkNetwork:
        """Read a network written by :meth:`save`."""
        return cls(**store.read_network(path))

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
        if self.snap_mask is not None:
            return self.snap_mask
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
        return search.node_field(self.csgraph, node, cost, limit=limit)

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
        yield from search.group_fields(
            self.csgraph,
            self.node_xy,
            group,
            node,
            cost,
            n_groups=n_groups,
            limit=limit,
            chunk=chunk,
        )

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
