"""The walk network: build, cache, snap points to it, bounded shortest paths, service areas.

:class:`WalkNetwork` is the graph (nodes are segment endpoints, edge weight is geometry length,
all in the working CRS). :func:`snap_points` puts points on the nearest point of the nearest edge.
The accessibility engine that turns these into per-home distances lives in
:mod:`arealanalyse.metrics.access` (:class:`~arealanalyse.metrics.Accessibility`).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> lines = [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])]
>>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=lines, crs=25832))
>>> net.n_nodes, net.n_edges, net.largest_component_share
(3, 2, 1.0)
"""

from __future__ import annotations

from arealanalyse.network.components import island_snaps, island_summary
from arealanalyse.network.graph import WalkNetwork, snap_points
from arealanalyse.network.points import Snap, point_geometries
from arealanalyse.network.service import service_areas
from arealanalyse.network.topology import TopologyReport, node_lines

__all__ = [
    "Snap",
    "TopologyReport",
    "WalkNetwork",
    "island_snaps",
    "island_summary",
    "node_lines",
    "point_geometries",
    "service_areas",
    "snap_points",
]
