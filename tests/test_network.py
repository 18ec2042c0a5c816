"""Tests of the walk graph: building, node merging, caching, snapping, searches, service areas."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from arealanalyse.errors import CrsError, EmptyLayerError, GeometryError, NetworkError
from arealanalyse.network import WalkNetwork, service_areas, snap_points
from arealanalyse.network.nearest import SegmentIndex
from arealanalyse.settings import Settings

CRS = "EPSG:25832"


def lines_gdf(lines, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(lines), crs=CRS)


def test_nodes_are_endpoints_merged_by_distance_not_by_a_grid():
    gdf = lines_gdf(
        [
            LineString([(0, 0), (10, 0)]),
            LineString([(10.004, 0.003), (10, 20)]),  # 5 mm away: same node as (10, 0)
            LineString([(10.3, 0.3), (30, 0)]),  # 0.42 m away: merged at the 0.5 m default
            LineString([(9.4, 0), (9.4, -20)]),  # 0.6 m away, but ends on the first line: a T
        ]
    )
    net = WalkNetwork.from_edges(gdf)
    assert net.n_nodes == 6
    assert net.topology["endpoints_merged"] == 2
    assert net.topology["t_junctions"] == 1
    assert net.largest_component_share == 1.0
    # every merged end was moved onto the busiest end, (10, 0), which itself did not move
    assert [10.0, 0.0] in net.node_xy.tolist()
    tight = WalkNetwork.from_edges(gdf, settings=Settings(network_merge_tolerance_m=0.01))
    assert tight.topology["endpoints_merged"] == 1
    assert tight.n_nodes == 7


def test_edge_weight_is_geometry_length_and_parallel_edges_take_the_shorter():
    bent = LineString([(0, 0), (50, 50), (100, 0)])
    straight = LineString([(0, 0), (100, 0)])
    net = WalkNetwork.from_edges(lines_gdf([bent, straight]))
    assert net.edges["length_m"].tolist() == pytest.approx([bent.length, 100.0])
    field = net.node_field(np.array([net.u[0]]), np.array([0.0]), limit=1000)
    assert field[net.v[0]] == pytest.approx(100.0)


def test_multilinestrings_are_exploded_and_zero_length_dropped():
    gdf = lines_gdf(
        [
            MultiLineString([[(0, 0), (10, 0)], [(10, 0), (10, 10)]]),
            LineString([(5, 5), (5, 5)]),
        ],
        highway=["footway", "path"],
    )
    net = WalkNetwork.from_edges(gdf)
    assert net.n_edges == 2
    assert net.edges["source"].tolist() == [0, 0]
    assert net.edges["highway"].tolist() == ["footway", "footway"]


def test_input_is_not_mutated_and_reprojected_copy_is_used():
    gdf = lines_gdf([LineString([(590000, 6640000), (590100, 6640000)])]).to_crs(4326)
    before = gdf.copy()
    net = WalkNetwork.from_edges(gdf)
    pd.testing.assert_frame_equal(gdf, before)
    assert net.crs.to_epsg() == 25832
    assert net.length[0] == pytest.approx(100.0, abs=1e-3)


@pytest.mark.parametrize(
    ("gdf", "error"),
    [
        (gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)])]), CrsError),
        (gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=CRS), GeometryError),
        (gpd.GeoDataFrame(geometry=[], crs=CRS), EmptyLayerError),
        (gpd.GeoDataFrame(geometry=[LineString([(1, 1), (1, 1)])], crs=CRS), EmptyLayerError),
    ],
    ids=["no-crs", "points", "empty", "zero-length"],
)
def test_bad_walk_network_layers_raise(gdf, error):
    with pytest.raises(error):
        WalkNetwork.from_edges(gdf)


def test_save_load_roundtrip_and_cached(tmp_path):
    gdf = lines_gdf(
        [LineString([(0, 0), (10, 0)]), LineString([(10, 0), (10, 10)])], highway=["a", "b"]
    )
    net = WalkNetwork.from_edges(gdf)
    path = net.save(tmp_path / "net.npz")
    back = WalkNetwork.load(path)
    assert back.key == net.key
    np.testing.assert_array_equal(back.u, net.u)
    np.testing.assert_array_equal(back.v, net.v)
    np.testing.assert_allclose(back.node_xy, net.node_xy)
    assert back.highway.tolist() == ["a", "b"]
    assert shapely.equals(back.edge_geoms, net.edge_geoms).all()
    cached = WalkNetwork.cached(gdf, tmp_path / "c.npz")
    assert (tmp_path / "c.npz").exists()
    assert WalkNetwork.cached(gdf, tmp_path / "c.npz").key == cached.key
    other = lines_gdf([LineString([(0, 0), (20, 0)])])
    assert WalkNetwork.cached(other, tmp_path / "c.npz").n_edges == 1


def test_load_of_garbage_raises_network_error(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(NetworkError):
        WalkNetwork.load(bad)


def test_from_osmnx_projects_and_merges_both_directions():
    g = nx.MultiDiGraph(crs="EPSG:4326")
    g.add_node(1, x=10.5, y=59.9)
    g.add_node(2, x=10.501, y=59.9)
    g.add_node(3, x=10.501, y=59.901)
    for a, b in ((1, 2), (2, 3)):
        g.add_edge(a, b, key=0, highway="footway", length=1.0)
        g.add_edge(b, a, key=0, highway="footway", length=1.0)
    net = WalkNetwork.from_osmnx(g)
    assert net.n_nodes == 3
    assert net.n_edges == 2
    assert net.crs.to_epsg() == 25832
    assert net.length.sum() == pytest.approx(56 + 111, rel=0.05)


def test_snap_is_nearest_point_on_nearest_edge_not_nearest_node():
    net = WalkNetwork.from_edges(lines_gdf([LineString([(0, 0), (1000, 0)])]))
    snap = snap_points(net, [Point(400, 7), Point(400, 400)], max_snap_m=300)
    assert snap.edge.tolist() == [0, -1]
    assert snap.pos_m[0] == pytest.approx(400.0)
    assert snap.access_m[0] == pytest.approx(7.0)
    assert np.isinf(snap.access_m[1])


def test_segment_index_agrees_with_geos_nearest():
    rng = np.random.default_rng(3)
    lines = shapely.linestrings(rng.uniform(0, 1000, (300, 3, 2)))
    idx = SegmentIndex(lines, piece_m=10.0)
    pts = rng.uniform(-100, 1100, (2000, 2))
    owner, along, dist, xy = idx.nearest(pts, max_distance=np.inf)
    geos = shapely.distance(shapely.points(pts)[:, None], lines[None, :]).min(axis=1)
    np.testing.assert_allclose(dist, geos, atol=1e-6)
    np.testing.assert_allclose(shapely.distance(shapely.points(pts), lines[owner]), dist, atol=1e-6)
    np.testing.assert_allclose(
        shapely.line_locate_point(lines[owner], shapely.points(xy)), along, atol=1e-6
    )


def test_node_field_is_bounded():
    net = WalkNetwork.from_edges(
        lines_gdf([LineString([(0, 0), (100, 0)]), LineString([(100, 0), (300, 0)])])
    )
    field = net.node_field(np.array([0]), np.array([0.0]), limit=150)
    assert field.tolist() == [0.0, 100.0, np.inf]


def test_service_area_follows_the_network_and_cuts_edges():
    # a cross: stop at the centre, arms of 500 m; the 200 m walk area reaches 200 m along each arm
    arms = [
        LineString([(0, 0), (500, 0)]),
        LineString([(0, 0), (-500, 0)]),
        LineString([(0, 0), (0, 500)]),
        LineString([(0, 0), (0, -500)]),
    ]
    net = WalkNetwork.from_edges(lines_gdf(arms))
    pts = gpd.GeoDataFrame(geometry=[Point(0, 0), Point(5000, 5000)], index=["x", "far"], crs=CRS)
    areas = service_areas(net, pts, distance_m=200, buffer_m=25)
    assert list(areas.index) == ["x", "far"]
    assert areas.loc["x"].bounds == pytest.approx((-225, -225, 225, 225))
    # not a convex hull / circle: a point at (150, 150) is off every arm
    assert not areas.loc["x"].contains(Point(150, 150))
    assert areas.loc["x"].contains(Point(190, 0))
    assert areas.loc["far"].is_empty


def test_service_area_rejects_other_crs():
    net = WalkNetwork.from_edges(lines_gdf([LineString([(0, 0), (1, 0)])]))
    with pytest.raises(CrsError):
        service_areas(net, gpd.GeoSeries([Point(10, 59)], crs=4326), distance_m=100)


def test_nodes_and_edges_frames():
    net = WalkNetwork.from_edges(lines_gdf([LineString([(0, 0), (3, 4)])]))
    assert list(net.nodes.columns) == ["x", "y", "component", "geometry"]
    assert net.edges.crs == CRS
    assert "WalkNetwork(n_nodes=2" in repr(net)


def test_island_component_labels():
    net = WalkNetwork.from_edges(
        lines_gdf(
            [
                LineString([(0, 0), (1, 0)]),
                LineString([(1, 0), (2, 0)]),
                LineString([(50, 50), (51, 50)]),
            ]
        )
    )
    assert sorted(net.component.tolist()) == [0, 0, 0, 1, 1]


def test_polygon_is_not_a_line():
    with pytest.raises(GeometryError):
        WalkNetwork.from_edges(
            gpd.GeoDataFrame(geometry=[Polygon([(0, 0), (1, 0), (1, 1)])], crs=CRS)
        )
