"""Network topology on tiny hand-made networks with known answers, and random ones by invariant."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from arealanalyse.layers.osm import read_osm
from arealanalyse.metrics import Accessibility
from arealanalyse.network import WalkNetwork, island_snaps, node_lines
from arealanalyse.settings import Settings

CRS = "EPSG:25832"
X0, Y0 = 590_000.0, 6_640_000.0  # somewhere in Bærum, so the layers pass the CRS check


def lines(*coords, **cols):
    geoms = [LineString([(X0 + x, Y0 + y, *z) for x, y, *z in c]) for c in coords]
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=CRS)


def points(*xy, index=None):
    return gpd.GeoDataFrame(geometry=[Point(X0 + x, Y0 + y) for x, y in xy], index=index, crs=CRS)


def dist(net, home, target, **kw):
    acc = Accessibility(net, points(home), **kw)
    return float(acc.distance_to(points(target)).iloc[0])


# ---------------------------------------------------------------- the four known answers


@pytest.mark.parametrize("gap_m", [0.0, 0.003, 0.4])
def test_t_junction_without_a_shared_vertex(gap_m):
    """A side street ending on a main street between its vertices is a junction."""
    net = WalkNetwork.from_edges(lines([(0, 0), (100, 0)], [(50, gap_m), (50, 50)]))
    assert net.n_edges == 3 and net.n_nodes == 4
    assert net.topology["t_junctions"] == 1
    # home on the side street 45 m from the main street; shop at the main street's west end:
    # 45 m down the side street (plus the gap), 50 m along the main street
    got = dist(net, (50, 45), (0, 0))
    # the main street is bent through the side street's end (at most the tolerance away)
    assert got == pytest.approx(45 - gap_m + np.hypot(50, gap_m), abs=1e-6)


def test_t_junction_beyond_the_tolerance_stays_apart():
    every = Settings(snap_components="all")
    net = WalkNetwork.from_edges(lines([(0, 0), (100, 0)], [(50, 0.6), (50, 50)]), settings=every)
    assert net.topology["t_junctions"] == 0 and net.largest_component_share == 0.5
    assert np.isinf(dist(net, (50, 45), (0, 0), settings=every))


def test_endpoints_2_mm_apart_across_a_rounding_boundary():
    """Ends 2 mm apart on either side of a centimetre boundary (10.0049 | 10.0069) are one node."""
    layer = lines([(0, 0), (10.0049, 0)], [(10.0069, 0), (20, 0)])
    net = WalkNetwork.from_edges(layer)
    assert net.n_nodes == 3 and net.topology["endpoints_merged"] == 1
    assert net.topology["max_merge_m"] == pytest.approx(0.002, abs=1e-9)
    assert dist(net, (0, 1), (20, 1)) == pytest.approx(1 + 20 + 1, abs=0.005)
    # and two ends 0.6 m apart are not merged at the 0.5 m default
    apart = WalkNetwork.from_edges(lines([(0, 0), (10, 0)], [(10.6, 0), (20, 0)]))
    assert apart.n_nodes == 4 and apart.largest_component_share == 0.5


def _bridge_layer(level_p, level_r):
    # path P south-north through (0, 0); road R west-east over it; ramp S joins R's east end to
    # P's north end, so the two are connected, but only the long way round
    return lines(
        [(0, -100), (0, 100)],
        [(-100, 0), (100, 0)],
        [(100, 0), (0, 100)],
        level=[level_p, level_r, level_p],
    )


def test_bridge_over_a_path_is_not_noded():
    noded = WalkNetwork.from_edges(_bridge_layer("0", "0"))
    bridge = WalkNetwork.from_edges(_bridge_layer("0", "1"))
    assert noded.topology["crossings"] == 1 and bridge.topology["crossings"] == 0
    assert bridge.topology["kept_apart"] == 1
    home, shop = (1, -10), (-100, 1)
    # at grade: up the path 10 m and west 100 m along the road
    assert dist(noded, home, shop) == pytest.approx(1 + 10 + 100 + 1, abs=1e-6)
    # on a bridge: up the path to its end, down the ramp, back along the whole road
    ramp = float(np.hypot(100, 100))
    assert dist(bridge, home, shop) == pytest.approx(1 + 110 + ramp + 200 + 1, abs=1e-6)


def test_bridge_in_3d_geometries_is_kept_apart_by_height():
    flat = lines([(0, -100, 0), (0, 100, 0)], [(-100, 0, 0.5), (100, 0, 0.5)])
    over = lines([(0, -100, 0), (0, 100, 0)], [(-100, 0, 6), (100, 0, 6)])
    assert WalkNetwork.from_edges(flat).topology["crossings"] == 1
    net = WalkNetwork.from_edges(over)
    assert net.topology["crossings"] == 0 and net.topology["kept_apart"] == 1


def test_bridge_over_a_path_from_osm_tags(tmp_path):
    """OSM: a footway crossing under a bridge=yes road without a shared node is not joined."""
    lat0, lon0 = 59.9, 10.6
    d = 0.001
    nodes = {1: (lat0 - d, lon0), 2: (lat0 + d, lon0), 3: (lat0, lon0 - 2 * d),
             4: (lat0, lon0 + 2 * d)}  # fmt: skip
    xml = ['<osm version="0.6">']
    xml += [f'<node id="{i}" lat="{a}" lon="{o}"/>' for i, (a, o) in nodes.items()]
    xml += ['<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>',
            '<way id="11"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/>'
            '<tag k="bridge" v="yes"/><tag k="layer" v="1"/></way>', "</osm>"]  # fmt: skip
    path = tmp_path / "bridge.osm"
    path.write_text("\n".join(xml))
    layer = read_osm(path, "walk_network")
    assert layer.loc["way/11", "level"] == "1" and layer.loc["way/10", "level"] == "0"
    net = WalkNetwork.from_edges(layer)
    assert net.n_edges == 2 and net.topology["kept_apart"] == 1
    # the same crossing at grade is joined
    flat = path.read_text().replace('<tag k="bridge" v="yes"/><tag k="layer" v="1"/>', "")
    (tmp_path / "flat.osm").write_text(flat)
    assert WalkNetwork.from_edges(read_osm(tmp_path / "flat.osm", "walk_network")).n_edges == 4


def test_home_nearest_an_isolated_footway_snaps_to_the_main_network():
    # main network: a street with a shop; island: a courtyard footway 2 m from the home
    layer = lines([(0, 0), (200, 0)], [(80, 22), (120, 22)])
    net = WalkNetwork.from_edges(layer)
    assert net.largest_component_share == pytest.approx(0.5)
    home, shop = (100, 20), (150, 0)
    # snapped to the street 20 m away, 50 m along it to the shop
    assert dist(net, home, shop) == pytest.approx(20 + 50, abs=1e-6)
    report = island_snaps(net, [Point(X0 + 100, Y0 + 20)], max_snap_m=300, layer="homes")
    assert len(report) == 1
    row = report.iloc[0]
    assert row["island_m"] == pytest.approx(2.0) and row["snapped_m"] == pytest.approx(20.0)
    assert (row["snapped_x"], row["snapped_y"]) == pytest.approx((X0 + 100, Y0))
    # keeping every component, the home snaps to the footway and reaches nothing
    every = WalkNetwork.from_edges(layer, settings=Settings(snap_components="all"))
    assert np.isinf(dist(every, home, shop))
    assert island_snaps(every, [Point(X0 + 100, Y0 + 20)], max_snap_m=300).empty


def test_run_suite_reports_homes_and_targets_nearest_an_island(tmp_path):
    from arealanalyse.metrics import run_suite

    net = WalkNetwork.from_edges(lines([(0, 0), (200, 0)], [(80, 22), (120, 22)]))
    homes = points((100, 20), (10, 5), index=["courtyard", "street"])
    homes["dwellings"] = [1.0, 1.0]
    shops = points((100, 23), index=["kiosk"])
    shops["category"] = ["grocery"]
    result = run_suite({"homes": homes, "services": shops}, net)
    snap = result.snapping
    assert sorted(zip(snap["layer"], snap["feature"], strict=True)) == [
        ("homes", "courtyard"), ("services", "kiosk"),
    ]  # fmt: skip
    # both went to the street: 20 m and 23 m from it, 0 m apart along it
    assert result.per_home.loc["courtyard", "dist_grocery_m"] == pytest.approx(20 + 23)
    paths = result.write(tmp_path)
    assert paths["snapping_csv"].read_text().count("\n") == 3


# ---------------------------------------------------------------- invariants on random lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noding_random_lines_leaves_no_crossing_and_keeps_the_length(seed):
    rng = np.random.default_rng(seed)
    geoms = shapely.linestrings(rng.uniform(0, 500, (80, 4, 2)))
    level = rng.integers(0, 2, 80)
    out = node_lines(geoms, level=level, tolerance_m=0.0)
    g, lev = out.lines, level[out.source]
    # no two segments on the same level cross any more
    a, b = shapely.STRtree(g).query(g, predicate="crosses")
    assert not ((a < b) & (lev[a] == lev[b])).any()
    # nothing was moved or lost: same total length, every segment on its source line
    assert shapely.length(g).sum() == pytest.approx(shapely.length(geoms).sum(), rel=1e-9)
    assert (shapely.distance(g, geoms[out.source]) < 1e-6).all()
    # segment ends are exactly the graph nodes
    ends = np.concatenate([shapely.get_coordinates(shapely.get_point(g, 0)),
                           shapely.get_coordinates(shapely.get_point(g, -1))])  # fmt: skip
    np.testing.assert_array_equal(ends, out.node_xy[np.concatenate([out.u, out.v])])
    # the crossings between levels were counted, not joined
    cross = shapely.STRtree(geoms).query(geoms, predicate="crosses")
    pairs = [(i, j) for i, j in zip(*cross, strict=True) if i < j]
    assert out.report.crossings + out.report.kept_apart >= len(pairs)


def test_noding_is_independent_of_line_order():
    rng = np.random.default_rng(7)
    geoms = shapely.linestrings(rng.uniform(0, 300, (40, 3, 2)))
    order = rng.permutation(40)
    a = node_lines(geoms)
    b = node_lines(geoms[order])

    def canon(out):
        segs = []
        for seg in out.lines:
            xy = np.round(shapely.get_coordinates(seg), 6)
            segs.append(min(tuple(xy.ravel()), tuple(xy[::-1].ravel())))
        return sorted(segs)

    assert len(a.lines) == len(b.lines)
    assert canon(a) == canon(b)


def test_shared_interior_vertex_is_a_junction_and_save_load_keeps_the_report(tmp_path):
    layer = lines([(0, 0), (50, 0), (100, 0)], [(50, -50), (50, 0), (50, 50)])
    net = WalkNetwork.from_edges(layer)
    assert net.n_edges == 4 and net.topology["shared_vertex_splits"] == 2
    back = WalkNetwork.load(net.save(tmp_path / "net.npz"))
    assert back.topology == net.topology and back.snap_components == "largest"
    for a, b in itertools.combinations(range(4), 2):
        assert not shapely.crosses(net.edge_geoms[a], net.edge_geoms[b])
