"""Tests of the accessibility engine and the metric suite.

Golden distances come from hand calculation (small hand-made graphs) or from an independent exact
Dijkstra: networkx on the same segments, with every home and target inserted as a node that splits
its edge (snapped with GEOS, not with the engine's own KD index).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from arealanalyse.errors import CrsError, EmptyLayerError, GeometryError, MissingColumnError
from arealanalyse.layers.codes import SERVICE_CATEGORIES
from arealanalyse.metrics import (
    AccessCache,
    Accessibility,
    euclidean_distance,
    land_take,
    run_suite,
    share_within,
)
from arealanalyse.network import WalkNetwork

CRS = "EPSG:25832"


def gdf(geoms, index=None, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), index=index, crs=CRS)


def net_of(*lines):
    return WalkNetwork.from_edges(gdf([LineString(c) for c in lines]))


# ----------------------------------------------------------------------- independent reference
def reference_distances(edges, homes, targets, *, max_snap=300.0, spacing=50.0, polygons=False):
    """Exact network distances with networkx, homes/targets inserted as split-edge nodes."""
    lines = np.asarray(edges, dtype=object)
    tree = shapely.STRtree(lines)
    g = nx.Graph()
    inserts: dict[int, list[tuple[float, object]]] = {}
    sources: list[tuple[object, float]] = []

    def insert(pt, label, max_d):
        (_, j), d = tree.query_nearest(
            [pt], max_distance=max_d, return_distance=True, all_matches=False
        )
        if len(j) == 0:
            return None
        e = int(j[0])
        inserts.setdefault(e, []).append((shapely.line_locate_point(lines[e], pt), label))
        return float(d[0])

    home_access = {}
    for i, p in enumerate(homes):
        a = insert(p, ("h", i), max_snap)
        if a is not None:
            home_access[i] = a
    if polygons:
        for k, poly in enumerate(targets):
            b = poly.boundary
            # crossings
            for e in tree.query(b, predicate="intersects"):
                inter = shapely.intersection(lines[e], b)
                for xy in shapely.get_coordinates(inter):
                    lab = ("x", k, len(sources))
                    inserts.setdefault(int(e), []).append(
                        (shapely.line_locate_point(lines[e], Point(xy)), lab)
                    )
                    sources.append((lab, 0.0))
            # sampled boundary points and vertices, snapped within spacing
            rings = shapely.get_parts(b)
            pts = []
            for ring in rings:
                n = max(int(np.ceil(ring.length / spacing)), 1)
                pts += [ring.interpolate(i * ring.length / n) for i in range(n)]
            pts += [Point(xy) for xy in shapely.get_coordinates(b)]
            for p in pts:
                lab = ("s", k, len(sources))
                a = insert(p, lab, spacing)
                if a is not None:
                    sources.append((lab, a))
            # each edge's point nearest to the boundary
            for e in tree.query(b, predicate="dwithin", distance=spacing):
                sl = shapely.shortest_line(lines[e], b)
                q = shapely.get_point(sl, 0)
                lab = ("n", k, len(sources))
                inserts.setdefault(int(e), []).append((shapely.line_locate_point(lines[e], q), lab))
                sources.append((lab, sl.length))
    else:
        for k, p in enumerate(targets):
            lab = ("t", k)
            a = insert(p, lab, max_snap)
            if a is not None:
                sources.append((lab, a))
    for e, line in enumerate(lines):
        u = tuple(np.round(line.coords[0], 2))
        v = tuple(np.round(line.coords[-1], 2))
        stops = sorted(inserts.get(e, []), key=lambda t: t[0])
        chain = [(0.0, u), *stops, (line.length, v)]
        for (p0, n0), (p1, n1) in itertools.pairwise(chain):
            w = p1 - p0
            if g.has_edge(n0, n1):
                w = min(w, g[n0][n1]["weight"])
            g.add_edge(n0, n1, weight=w)
    g.add_node("S")
    for lab, a in sources:
        w = a if not g.has_edge("S", lab) else min(a, g["S"][lab]["weight"])
        g.add_edge("S", lab, weight=w)
    # "S" must not be a shortcut: make it a sink-free source by using a directed copy
    dg = g.to_directed()
    dg.remove_edges_from([(lab, "S") for lab in list(dg.predecessors("S"))])
    dist = nx.single_source_dijkstra_path_length(dg, "S", weight="weight")
    out = np.full(len(homes), np.inf)
    for i, a in home_access.items():
        if ("h", i) in dist:
            out[i] = dist[("h", i)] + a
    if polygons:
        for i, p in enumerate(homes):
            if any(poly.intersects(p) for poly in targets):
                out[i] = 0.0
            elif i in home_access:
                # home snapped to a point inside a polygon: the access distance
                (_, j), _ = tree.query_nearest([p], return_distance=True, all_matches=False)
                q = lines[j[0]].interpolate(lines[j[0]].project(p))
                if any(poly.intersects(q) for poly in targets):
                    out[i] = min(out[i], home_access[i])
    return out


def grid_area(side=14, spacing=100.0, n_homes=1000, seed=7):
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.stack([ii.ravel(), jj.ravel()], axis=1) * spacing
    xy = xy + rng.uniform(-20, 20, xy.shape)
    idx = ii.ravel() * side + jj.ravel()
    a = np.concatenate([idx[ii.ravel() < side - 1], idx[jj.ravel() < side - 1]])
    b = np.concatenate([idx[ii.ravel() < side - 1] + side, idx[jj.ravel() < side - 1] + 1])
    keep = rng.random(len(a)) > 0.25
    a, b = a[keep], b[keep]
    mid = (xy[a] + xy[b]) / 2 + rng.normal(0, 8, (len(a), 2))
    lines = shapely.linestrings(np.stack([xy[a], mid, xy[b]], axis=1))
    lines = np.concatenate([lines, [LineString([(5000, 5000), (5100, 5000)])]])  # an island
    e = rng.integers(0, len(lines) - 1, n_homes)
    pts = shapely.line_interpolate_point(lines[e], rng.random(n_homes), normalized=True)
    hxy = shapely.get_coordinates(pts) + rng.normal(0, 15, (n_homes, 2))
    homes = shapely.points(hxy)
    homes[:3] = [Point(5050, 5010), Point(-900, -900), Point(5020, 4990)]  # island, far, island
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    services = shapely.points(rng.uniform(lo, hi, (96, 2)))
    cats = np.array(list(SERVICE_CATEGORIES) * 8)  # every category, 8 services each
    greens = shapely.buffer(
        shapely.points(rng.uniform(lo, hi, (6, 2))), rng.uniform(60, 200, 6), quad_segs=3
    )
    return lines, homes, services, cats, greens


@pytest.fixture(scope="module")
def area():
    return grid_area()


def test_point_targets_match_networkx_for_every_category(area):
    lines, homes, services, cats, _ = area
    net = WalkNetwork.from_edges(gdf(lines))
    h = gdf(homes, index=[f"h{i}" for i in range(len(homes))])
    acc = Accessibility(net, h)
    assert len(homes) == 1000 and set(cats) == set(SERVICE_CATEGORIES)
    for c in np.unique(cats):
        t = gdf(services[cats == c])
        got = acc.distance_to(t, key=c, max_distance_m=1e9)
        ref = reference_distances(lines, homes, services[cats == c])
        assert got.name == f"dist_{c}_m"
        assert list(got.index) == list(h.index)
        np.testing.assert_array_equal(np.isinf(got.to_numpy()), np.isinf(ref))
        fin = np.isfinite(ref)
        assert np.abs(got.to_numpy()[fin] - ref[fin]).max() < 0.5
        # network distance is never shorter than the straight line
        eu = acc.distance_to(t, euclidean=True, max_distance_m=1e9).to_numpy()
        assert (got.to_numpy()[fin] >= eu[fin] - 1e-6).all()


def test_green_polygons_match_networkx(area):
    lines, homes, _, _, greens = area
    net = WalkNetwork.from_edges(gdf(lines))
    acc = Accessibility(net, gdf(homes))
    got = acc.distance_to(gdf(greens), max_distance_m=1e9).to_numpy()
    ref = reference_distances(lines, homes, greens, polygons=True)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    fin = np.isfinite(ref)
    assert np.abs(got[fin] - ref[fin]).max() < 0.5
    eu = acc.distance_to(gdf(greens), euclidean=True, max_distance_m=1e9).to_numpy()
    geos = shapely.distance(homes[:, None], greens[None, :]).min(axis=1)
    np.testing.assert_allclose(eu, geos, atol=1e-6)
    assert (got[fin] >= eu[fin] - 1e-6).all()


def test_pairs_match_per_target_nearest(area):
    lines, homes, services, _, greens = area
    net = WalkNetwork.from_edges(gdf(lines))
    acc = Accessibility(net, gdf(homes))
    for targets in (gdf(services[:12]), gdf(greens)):
        pairs = acc.pairs(targets, max_distance_m=600)
        for k in range(len(targets)):
            one = acc.distance_to(targets.iloc[[k]], max_distance_m=600).to_numpy()
            sel = pairs[pairs["target"] == k]
            expect = np.flatnonzero(np.isfinite(one))
            assert sel["home"].tolist() == expect.tolist()
            np.testing.assert_allclose(sel["distance_m"].to_numpy(), one[expect], atol=1e-6)


def test_euclidean_pairs_match_scipy(area):
    _, homes, services, _, _ = area
    net = WalkNetwork.from_edges(gdf([LineString([(0, 0), (1, 0)])]))
    acc = Accessibility(net, gdf(homes))
    p = acc.pairs(gdf(services), max_distance_m=250, euclidean=True)
    full = shapely.distance(homes[:, None], services[None, :])
    h, t = np.nonzero(full <= 250)
    assert sorted(zip(h, t, strict=True)) == list(zip(p["home"], p["target"], strict=True))


# ----------------------------------------------------------------------- hand-made graphs
def test_river_with_one_bridge():
    # banks at y=0 (south) and y=100 (north); one bridge at x=500
    net = net_of(
        [(0, 0), (500, 0)],
        [(500, 0), (1000, 0)],
        [(0, 100), (500, 100)],
        [(500, 100), (1000, 100)],
        [(500, 0), (500, 100)],
    )
    homes = gdf([Point(100, 110)], index=["north"])
    shop = gdf([Point(100, -10)])
    acc = Accessibility(net, homes)
    assert acc.distance_to(shop).loc["north"] == pytest.approx(10 + 400 + 100 + 400 + 10)
    assert acc.distance_to(shop, euclidean=True).loc["north"] == pytest.approx(120)


def test_park_with_two_entrances_counts_once_and_uses_the_nearest():
    street = [(0, -60), (250, -60)], [(250, -60), (350, -60)], [(350, -60), (600, -60)]
    paths = [(250, -60), (250, 60)], [(350, -60), (350, 60)]
    net = net_of(*street, *paths)
    park = gdf([box(200, 50, 400, 250)], index=["park"])
    homes = gdf(
        [Point(0, -70), Point(600, -70), Point(300, -70), Point(300, 150)],
        index=["w", "e", "mid", "inside"],
    )
    acc = Accessibility(net, homes)
    d = acc.distance_to(park)
    assert d.loc["w"] == pytest.approx(10 + 250 + 110)
    assert d.loc["e"] == pytest.approx(10 + 250 + 110)
    assert d.loc["mid"] == pytest.approx(10 + 50 + 110)
    assert d.loc["inside"] == 0.0
    opp = acc.opportunities(park, distances_m=[1000], key="park")
    assert opp["n_within_1000m_park"].tolist() == [1, 1, 1, 1]


def test_cul_de_sac_and_same_edge():
    net = net_of([(0, 0), (500, 0)], [(500, 0), (1000, 0)], [(500, 0), (500, 200)])
    target = gdf([Point(500, 210)])
    homes = gdf([Point(0, 5), Point(510, 150), Point(1000, -3)])
    d = Accessibility(net, homes).distance_to(target).to_numpy()
    assert d == pytest.approx([5 + 500 + 200 + 10, 10 + 50 + 10, 3 + 500 + 200 + 10])


def test_disconnected_island_is_not_reached():
    net = net_of([(0, 0), (1000, 0)], [(5000, 0), (5100, 0)])
    homes = gdf([Point(5050, 10), Point(500, 10), Point(500, 900)], index=[7, 8, 9])
    target = gdf([Point(100, 0)])
    acc = Accessibility(net, homes)
    d = acc.distance_to(target)
    assert np.isinf(d.loc[7]) and np.isinf(d.loc[9])
    assert d.loc[8] == pytest.approx(410)
    s = share_within(homes, target, distances_m=[5000], network=net, weight="count")
    assert s.loc[5000.0, "share"] == pytest.approx(1 / 3)
    assert s.loc[5000.0, "homes_within"] == 1


# ----------------------------------------------------------------------- measures and API
def test_limit_and_inf():
    net = net_of([(0, 0), (1000, 0)])
    acc = Accessibility(net, gdf([Point(900, 0)]))
    assert np.isinf(acc.distance_to(gdf([Point(0, 0)]), max_distance_m=500).iloc[0])
    assert acc.distance_to(gdf([Point(0, 0)]), max_distance_m=900).iloc[0] == pytest.approx(900)


def test_opportunities_gravity_catchments_by_hand():
    net = net_of([(0, 0), (1000, 0)])
    homes = gdf([Point(0, 0), Point(500, 0)], index=["a", "b"], population=[10.0, 20.0])
    stops = gdf([Point(100, 0), Point(300, 0), Point(900, 0)], index=["s1", "s2", "s3"])
    acc = Accessibility(net, homes)
    opp = acc.opportunities(stops, distances_m=[250, 500], key="stop")
    assert opp.loc["a"].tolist() == [1, 2]
    assert opp.loc["b"].tolist() == [1, 3]
    grav = acc.gravity(stops, beta=0.01, max_distance_m=1000)
    assert grav.loc["a"] == pytest.approx(np.exp(-1) + np.exp(-3) + np.exp(-9))
    cat = acc.catchments(stops, distances_m=[450], weights=homes[["population"]])
    assert cat["homes_within_450m"].tolist() == [2, 2, 1]
    assert cat["population_within_450m"].tolist() == [30, 30, 20]
    e = acc.opportunities(stops, distances_m=[250], key="stop", euclidean=True)
    assert e.loc["b"].tolist() == [1]


def test_cache_reuses_fields_and_extended_snaps_only_new_homes():
    net = net_of([(0, 0), (1000, 0)])
    cache = AccessCache()
    acc = Accessibility(net, gdf([Point(0, 0)], index=["a"]), cache=cache)
    stops = gdf([Point(100, 0)])
    acc.distance_to(stops)
    misses = cache.misses
    acc.distance_to(stops)
    assert cache.misses == misses
    more = acc.extended(gdf([Point(600, 5)], index=["new"]))
    d = more.distance_to(stops)
    assert d.to_dict() == pytest.approx({"a": 100.0, "new": 505.0})
    other = WalkNetwork.from_edges(gdf([LineString([(0, 0), (10, 0)])]))
    Accessibility(other, gdf([Point(0, 0)]), cache=cache)
    assert cache.net_key == other.key and not cache.fields


def test_crs_mismatch_and_bad_geometries_raise():
    net = net_of([(0, 0), (1000, 0)])
    with pytest.raises(CrsError):
        Accessibility(net, gpd.GeoDataFrame(geometry=[Point(10, 59)], crs=4326))
    with pytest.raises(CrsError):
        Accessibility(net, gpd.GeoDataFrame(geometry=[Point(10, 59)]))
    acc = Accessibility(net, gdf([Point(0, 0)]))
    with pytest.raises(GeometryError):
        acc.distance_to(gdf([Point(1, 1), box(0, 0, 1, 1)]))


def test_polygon_homes_use_a_representative_point():
    net = net_of([(0, 0), (1000, 0)])
    homes = gdf([box(90, 10, 110, 30)])
    d = Accessibility(net, homes).distance_to(gdf([Point(100, 0)])).iloc[0]
    assert d == pytest.approx(20.0)


def test_euclidean_distance_function():
    o = gpd.GeoSeries([Point(0, 0), Point(3, 4)], index=[5, 6], crs=CRS)
    t = gpd.GeoSeries([Point(0, 0)], crs=CRS)
    assert euclidean_distance(o, t).to_dict() == {5: 0.0, 6: 5.0}


def test_share_within_weights_and_euclidean():
    homes = gdf([Point(0, 0), Point(0, 700), Point(0, 2000)], population=[1.0, 3.0, 4.0])
    stops = gdf([Point(0, 100)])
    out = share_within(homes, stops, distances_m=[1000, 500], weight="population")
    assert out.index.tolist() == [500.0, 1000.0]
    assert out["share"].tolist() == pytest.approx([1 / 8, 4 / 8])
    assert (out["method"] == "euclidean").all()
    with pytest.raises(MissingColumnError):
        share_within(homes, stops, distances_m=[1], weight="dwellings")


# ----------------------------------------------------------------------- land take
def test_land_take_by_hand():
    sites = gdf([box(0, 0, 100, 100), box(500, 500, 510, 510)], index=["a", "b"])
    farm = gdf(
        [box(0, 0, 50, 100), box(0, 0, 50, 100), box(50, 0, 100, 20)], arealtype=[21, 21, 22]
    )
    green = gdf([box(90, 90, 200, 200)])
    before = sites.copy()
    out = land_take(sites, farm, green)
    pd.testing.assert_frame_equal(sites, before)
    assert list(out.columns) == [
        "farmland_21_daa",
        "farmland_22_daa",
        "farmland_23_daa",
        "farmland_daa",
        "green_daa",
    ]
    assert out.loc["a"].tolist() == pytest.approx([5.0, 1.0, 0.0, 6.0, 0.1])
    assert out.loc["b"].tolist() == [0, 0, 0, 0, 0]


# ----------------------------------------------------------------------- the suite
def suite_layers(area):
    lines, homes, services, cats, greens = area
    h = gdf(homes, index=pd.RangeIndex(100, 100 + len(homes)), dwellings=np.ones(len(homes)))
    rng = np.random.default_rng(0)
    transit = gdf(
        services[:10],
        name=[f"t{i}" for i in range(10)],
        mode=["bus"] * 6 + ["rail", "metro", "tram", "bus"],
        status=["existing"] * 9 + ["planned"],
    )
    work = gdf(
        shapely.points(rng.uniform(0, 1300, (50, 2))),
        jobs=np.full(50, 10.0),
        bra_m2=np.full(50, 100.0),
    )
    zoning = gdf(
        [box(-100, -100, 700, 1500), box(700, -100, 1500, 1500)],
        category=["bolig", "naering"],
        status=["existing", "planned"],
    )
    farm = gdf([box(800, 0, 900, 100)], arealtype=[21])
    return {
        "walk_network": gdf(lines),
        "homes": h,
        "services": gdf(services, category=cats),
        "green": gdf(greens, area_daa=shapely.area(greens) / 1000),
        "transit": transit,
        "workplaces": work,
        "zoning": zoning,
        "farmland": farm,
    }


def test_run_suite_end_to_end(area, tmp_path):
    layers = suite_layers(area)
    copies = {k: v.copy() for k, v in layers.items()}
    net = WalkNetwork.from_edges(layers["walk_network"])
    r = run_suite(layers, net)
    for k, v in layers.items():
        pd.testing.assert_frame_equal(v, copies[k])
    ph = r.per_home
    pd.testing.assert_index_equal(ph.index, layers["homes"].index)
    assert {
        "dist_green_m",
        "within_500m_green",
        "dist_green_who_m",
        "dist_daily_m",
        "within_400m_daily",
        "sdg_11_2_1",
        "eucl_green_m",
        "n_within_400m_services",
        "access_m",
    } <= set(ph.columns)
    # headline shares agree with the per-home columns
    summ = r.summary.set_index("metric")
    assert summ.loc["green_500m_dwellings", "value"] == pytest.approx(
        100 * ph["within_500m_green"].mean()
    )
    # independent SDG check: bus within 500 m or rail/metro/tram within 1000 m (existing only)
    acc = r.accessibility
    tr = layers["transit"]
    ex = tr[tr["status"] == "existing"]
    bus = acc.distance_to(ex[ex["mode"] == "bus"]) <= 500
    rail = acc.distance_to(ex[ex["mode"].isin(["rail", "metro", "tram"])]) <= 1000
    pd.testing.assert_series_equal(ph["sdg_11_2_1"], bus | rail, check_names=False)
    # catchments per existing node, dwellings = homes (weight 1)
    assert len(r.catchments) == 9
    np.testing.assert_allclose(
        r.catchments["homes_within_500m"], r.catchments["dwellings_within_500m"]
    )
    assert "jobs_within_1000m" in r.catchments.columns
    assert r.per_cell["homes"].sum() == len(ph)
    assert r.per_zone["homes"].sum() == len(ph)
    assert r.land_take is not None and r.land_take["farmland_21_daa"].sum() == pytest.approx(10.0)
    # the cache makes a scenario re-run reuse work and give identical results
    r2 = run_suite(layers, net, cache=r.cache)
    pd.testing.assert_frame_equal(r.summary, r2.summary)
    paths = r.write(tmp_path / "a")
    r2.write(tmp_path / "b")
    for name in ("summary_csv", "per_home_parquet", "per_cell_csv", "gpkg"):
        a, b = paths[name], tmp_path / "b" / paths[name].name
        assert a.read_bytes() == b.read_bytes(), name


def test_run_suite_needs_homes():
    net = net_of([(0, 0), (1, 0)])
    with pytest.raises(EmptyLayerError):
        run_suite({"green": gdf([box(0, 0, 1, 1)])}, net)


def test_run_suite_services_need_category(area):
    layers = suite_layers(area)
    layers["services"] = layers["services"].drop(columns="category")
    net = WalkNetwork.from_edges(layers["walk_network"])
    with pytest.raises(MissingColumnError):
        run_suite(layers, net)


# ----------------------------------------------------------------------- CLI
def utm_layers(area):
    """suite_layers moved into Bærum (the readers check coordinates against the CRS)."""
    out = {}
    for k, v in suite_layers(area).items():
        moved = v.copy()
        moved.geometry = v.geometry.translate(590_000, 6_640_000)
        out[k] = moved
    return out


def _tiny_catalogue(tmp_path, area):
    layers = utm_layers(area)
    gpkg = tmp_path / "tiny.gpkg"
    for kind in ("walk_network", "homes", "services", "green", "transit"):
        layers[kind].to_file(gpkg, layer=kind, driver="GPKG")
    yaml = [
        "schema_version: 1",
        "name: tiny",
        "title: Tiny test area",
        "synthetic: true",
        "crs: EPSG:25832",
        "layers:",
    ]
    yaml += [
        f"  {k}: {{path: tiny.gpkg, layer: {k}}}"
        for k in ("walk_network", "homes", "services", "green", "transit")
    ]
    path = tmp_path / "tiny.yaml"
    path.write_text("\n".join(yaml) + "\n")
    return path


def test_cli_metrics_catalogue_positional_and_run(tmp_path, area, capsys):
    import json

    from arealanalyse.cli import main

    cat = _tiny_catalogue(tmp_path, area)
    assert main(["metrics", str(cat), "--out", str(tmp_path / "out"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    metrics = {row["metric"]: row["value"] for row in payload["summary"]}
    assert "green_500m_dwellings" in metrics and "sdg_11_2_1_population" in metrics
    assert (tmp_path / "out" / "metrics.gpkg").exists()
    assert main(["metrics", "run", str(cat), "--out", str(tmp_path / "o2")]) == 0
    out = capsys.readouterr().out
    assert "outputs written to" in out
    assert (tmp_path / "o2" / "summary.csv").read_bytes() == (
        tmp_path / "out" / "summary.csv"
    ).read_bytes()


def test_cli_share_within_euclidean_and_network(tmp_path, area, capsys):
    import json

    from arealanalyse.cli import main

    cat = _tiny_catalogue(tmp_path, area)
    layers = utm_layers(area)
    homes = tmp_path / "homes.gpkg"
    layers["homes"].assign(population=2.0).to_file(homes, driver="GPKG")
    stops = tmp_path / "stops.geojson"
    layers["transit"].assign(code=[100] * 5 + [700] * 5).to_file(stops, driver="GeoJSON")
    base = [
        "metrics",
        "share-within",
        "--homes",
        str(homes),
        "--homes-kind",
        "homes",
        "--weight",
        "population",
        "--targets",
        str(stops),
        "--targets-kind",
        "transit",
        "--filter",
        "code == 100",
        "--distance",
        "300,600",
        "--json",
    ]
    assert main([*base, "--euclidean"]) == 0
    eu = json.loads(capsys.readouterr().out)
    assert main([*base, "--network", str(cat)]) == 0
    nw = json.loads(capsys.readouterr().out)
    assert [r["distance_m"] for r in eu["rows"]] == [300.0, 600.0]
    assert eu["n_targets"] == 5 and eu["method"] == "euclidean" and nw["method"] == "network"
    # the network share can never exceed the straight-line share
    for a, b in zip(eu["rows"], nw["rows"], strict=True):
        assert b["share"] <= a["share"]
    # independent euclidean check with shapely
    h = shapely.points(layers["homes"].get_coordinates().to_numpy())
    t = shapely.points(layers["transit"].get_coordinates().to_numpy())[:5]
    d = shapely.distance(h[:, None], t[None, :]).min(axis=1)
    assert eu["rows"][0]["share"] == pytest.approx((d <= 300).mean())
    assert main([*base]) == 2  # neither --euclidean nor --network
    capsys.readouterr()


def test_cli_share_within_real_ssb_grid_and_rail(real_data, capsys):
    import json

    from arealanalyse.cli import main

    args = [
        "metrics",
        "share-within",
        "--homes",
        str(real_data / "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv"),
        "--homes-kind",
        "homes",
        "--targets",
        str(real_data / "vy-gtfs-stops-2019/stops_vy_2019_full_norway.txt"),
        "--targets-kind",
        "transit",
        "--filter",
        "vehicle_type == 100",
        "--within-boundary",
        str(real_data / "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson"),
        "--kommune",
        "3201",
        "--distance",
        "500,800,1000",
        "--euclidean",
        "--json",
    ]
    assert main(args) == 0  # no --weight: an SSB grid is weighted by population, and says so
    payload = json.loads(capsys.readouterr().out)
    assert (payload["weight"], payload["weight_label"]) == ("population", "andel bosatte")
    shares = [r["share"] for r in payload["rows"]]
    assert shares == sorted(shares) and 0 < shares[0] < shares[-1] < 1
    # Bærum's 2015 population on the grid is about 120,000 (cell centres inside the outline)
    assert 110_000 < payload["rows"][0]["weight_total"] < 125_000
    # independent check with pandas, pyproj and shapely on the raw files: population of the
    # cells whose centre lies in Bærum, within 500 m of a rail station (vehicle_type 100)
    from pyproj import Transformer

    raw = pd.read_csv(real_data / "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv", sep=";",
                      dtype={"ru250m": str})  # fmt: skip
    tr = Transformer.from_crs(25833, 25832, always_xy=True)
    cx = raw["ru250m"].str[:7].astype(int) - 2_000_000 + 125
    cy = raw["ru250m"].str[7:].astype(int) + 125
    x, y = tr.transform(cx.to_numpy(float), cy.to_numpy(float))
    kommuner = gpd.read_file(real_data / "robhop-kommuner/kommuner_baerum_asker_oslo_M.geojson")
    baerum = kommuner[kommuner["kommunenummer"].astype(str) == "3201"].to_crs(25832)
    inside = shapely.contains_xy(baerum.geometry.union_all(), x, y)
    stops = pd.read_csv(real_data / "vy-gtfs-stops-2019/stops_vy_2019_full_norway.txt")
    rail = stops[(stops["vehicle_type"] == 100) & (stops["location_type"] == 1)]  # stations
    sx, sy = Transformer.from_crs(4326, 25832, always_xy=True).transform(
        rail["stop_lon"].to_numpy(), rail["stop_lat"].to_numpy()
    )
    d = np.hypot(x[inside][:, None] - sx[None, :], y[inside][:, None] - sy[None, :]).min(axis=1)
    pop = raw["pop_tot"].to_numpy(float)[inside]
    assert payload["rows"][0]["weight_total"] == pop.sum()
    assert shares[0] == pytest.approx(pop[d <= 500].sum() / pop.sum(), abs=1e-9)
    assert round(100 * shares[0], 1) == 9.0  # cells counted unweighted would give 6.4 %


def test_opportunities_and_catchments_match_networkx(area):
    lines, homes, services, _, _ = area
    net = WalkNetwork.from_edges(gdf(lines))
    acc = Accessibility(net, gdf(homes))
    targets = services[:8]
    ref = np.stack([reference_distances(lines, homes, [t]) for t in targets], axis=1)
    opp = acc.opportunities(gdf(targets), distances_m=[300, 600], key="s")
    for d in (300, 600):
        expect = (ref <= d).sum(axis=1)
        np.testing.assert_array_equal(opp[f"n_within_{d}m_s"].to_numpy(), expect)
    cat = acc.catchments(gdf(targets), distances_m=[600])
    np.testing.assert_array_equal(cat["homes_within_600m"].to_numpy(), (ref <= 600).sum(axis=0))
    grav = acc.gravity(gdf(targets), beta=0.002, max_distance_m=600)
    expect_g = np.where(ref <= 600, np.exp(-0.002 * ref), 0).sum(axis=1)
    np.testing.assert_allclose(grav.to_numpy(), expect_g, atol=1e-3)


def test_row_level_reuse_gives_identical_results(area, monkeypatch):
    """A scenario adding homes reuses stored per-home results; they must equal a fresh run."""
    lines, homes, services, _, greens = area
    computed: list[int] = []
    original = Accessibility._subset

    def spy(self, idx):
        computed.append(len(idx))
        return original(self, idx)

    monkeypatch.setattr(Accessibility, "_subset", spy)
    net = WalkNetwork.from_edges(gdf(lines))
    cache = AccessCache()
    base = gdf(homes[:600], index=[f"b{i}" for i in range(600)])
    Accessibility(net, base, cache=cache).distance_to(gdf(greens))
    Accessibility(net, base, cache=cache).pairs(gdf(services[:10]), max_distance_m=500)
    more = gdf(homes[300:], index=[f"m{i}" for i in range(len(homes) - 300)])
    reused = Accessibility(net, more, cache=cache)
    fresh = Accessibility(net, more)
    np.testing.assert_array_equal(reused.snap.edge, fresh.snap.edge)
    np.testing.assert_allclose(reused.snap.pos_m, fresh.snap.pos_m)
    pd.testing.assert_series_equal(reused.distance_to(gdf(greens)), fresh.distance_to(gdf(greens)))
    pd.testing.assert_frame_equal(
        reused.pairs(gdf(services[:10]), max_distance_m=500),
        fresh.pairs(gdf(services[:10]), max_distance_m=500),
    )
    assert len(cache.rows) >= 3
    # only the 400 homes not seen before were computed, for the distances and for the pairs
    assert computed == [len(homes) - 600, len(homes) - 600]


@pytest.mark.realdata
def test_real_osm_skoyen_matches_networkx(real_data):
    from arealanalyse.layers.readers import read_layer

    pbf = real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf"
    walk = read_layer(pbf, "walk_network")
    homes = read_layer(pbf, "homes")
    stops = read_layer(pbf, "transit")
    net = WalkNetwork.from_edges(walk)
    acc = Accessibility(net, homes)
    got = acc.distance_to(stops).to_numpy()
    hp = acc.points
    # homes and stops snap to the largest component (the layer keeps the islands)
    main = np.asarray(net.edge_geoms[net.snappable])
    ref = reference_distances(main, hp, np.asarray(stops.geometry.values))
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    fin = np.isfinite(ref)
    assert fin.sum() > 50
    assert np.abs(got[fin] - ref[fin]).max() < 0.5
    eu = acc.distance_to(stops, euclidean=True).to_numpy()
    assert (got[fin] >= eu[fin] - 1e-6).all()


def test_share_within_picks_layers_of_a_geopackage(tmp_path, capsys):
    """A multi-layer GeoPackage needs --homes-layer/--targets-layer; without, one clear line."""
    import geopandas as gpd
    from shapely.geometry import Point

    from arealanalyse.cli import main

    gpkg = tmp_path / "area.gpkg"
    x0, y0 = 590_000.0, 6_643_000.0
    gpd.GeoDataFrame(
        {"dwellings": [10.0, 30.0]}, geometry=[Point(x0, y0), Point(x0 + 900, y0)], crs=25832
    ).to_file(gpkg, layer="homes")
    gpd.GeoDataFrame(
        {"name": ["A"], "mode": ["rail"]}, geometry=[Point(x0 + 100, y0)], crs=25832
    ).to_file(gpkg, layer="transit")
    base = ["metrics", "share-within", "--homes", str(gpkg), "--targets", str(gpkg),
            "--targets-kind", "transit", "--weight", "dwellings", "--distance", "500",
            "--euclidean", "--json"]  # fmt: skip
    assert main(base) == 2
    assert "several layers" in capsys.readouterr().err
    assert main([*base, "--homes-layer", "homes", "--targets-layer", "transit"]) == 0
    import json

    payload = json.loads(capsys.readouterr().out)
    rows = payload["rows"]
    # 10 of the 40 dwellings are within 500 m of the station (100 m away; the other is 800 m)
    assert rows[0]["share"] == 0.25


def test_per_cell_uses_ssb_grid_ids_that_join_the_ssb_statistics(real_data):
    """Per-cell results sit on SSB's own 250 m grid: ids equal the ru250m ids of SSB's file."""
    from pyproj import Transformer

    from arealanalyse.layers import read_layer
    from arealanalyse.metrics.grid import cell_ids, cell_polygons

    csv = real_data / "geoforum-ssb-grid/ru250m_2015_baerum_asker_raw.csv"
    ssb = read_layer(csv, "homes")
    raw_ids = pd.read_csv(csv, sep=";", dtype=str)["ru250m"].tolist()  # SSB's own ids, in order
    # golden, by hand from SSB's id format: cell 22365006629250 spans x 236500-236750 and
    # y 6629250-6629500 in EPSG:25833; a point 10 m inside its south-west corner, in EPSG:25832:
    x, y = Transformer.from_crs(25833, 25832, always_xy=True).transform(236510.0, 6629260.0)
    assert cell_ids(np.array([[x, y]]), cell_m=250, crs=25832).tolist() == ["22365006629250"]
    # every SSB cell's centre maps back to its own id, and the polygons coincide
    centres = ssb.geometry.centroid
    ids = cell_ids(np.column_stack([centres.x, centres.y]), cell_m=250, crs=ssb.crs)
    assert ids.tolist() == raw_ids
    polys = cell_polygons(pd.Index(raw_ids), cell_m=250, crs=ssb.crs)
    sym = polys.values.symmetric_difference(ssb.geometry.values).area
    assert float(np.max(sym)) < 1.0  # m²: the same cells up to reprojection rounding


def test_share_difference_on_shared_cells_only_and_inputs_untouched():
    """after - before per share column, on the cells both have, with after's geometry."""
    from arealanalyse.metrics.grid import share_difference

    cells = [box(0, 0, 250, 250), box(250, 0, 500, 250), box(500, 0, 750, 250)]
    before = gpd.GeoDataFrame(
        {"share_a": [0.5, 0.25, 1.0], "within_a": [True, False, True], "homes": [4, 8, 2]},
        geometry=cells,
        index=pd.Index(["c1", "c2", "c3"], name="cell"),
        crs=25832,
    )
    after = gpd.GeoDataFrame(
        {"share_a": [0.75, 0.0], "within_a": [True, True], "homes": [6, 8]},
        geometry=cells[1:],
        index=pd.Index(["c2", "c3"], name="cell"),
        crs=25832,
    )
    snapshot = before.copy(), after.copy()
    diff = share_difference(before, after)
    # golden by hand: c2 0.75 - 0.25, c3 0.0 - 1.0; c1 is in one table only; no bool/count columns
    assert diff.index.tolist() == ["c2", "c3"]
    assert list(diff.columns) == ["share_a", "geometry"]
    assert diff["share_a"].tolist() == [0.5, -1.0]
    assert diff.geometry.equals(after.geometry) and diff.crs == after.crs
    pd.testing.assert_frame_equal(pd.DataFrame(before), pd.DataFrame(snapshot[0]))
    pd.testing.assert_frame_equal(pd.DataFrame(after), pd.DataFrame(snapshot[1]))
