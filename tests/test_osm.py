"""OSM → canonical layers: the mapping shared by the PBF/XML reader and the fetcher."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box

from arealanalyse.errors import CodeError, EmptyLayerError, LayerFileError
from arealanalyse.layers import osm
from arealanalyse.layers.dwellings import business_ground_floor
from arealanalyse.layers.osm import (
    estimate_dwellings,
    graph_to_walk_network,
    osm_features_to_layer,
    read_osm,
    walk_way_filter,
    way_filter_predicate,
)
from arealanalyse.network import WalkNetwork

TO_UTM = Transformer.from_crs(4326, 25832, always_xy=True)


def _utm(lon: float, lat: float) -> tuple[float, float]:
    return TO_UTM.transform(lon, lat)


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return TO_UTM.transform(x, y, direction="INVERSE")


@pytest.fixture(scope="module")
def tiny(data_dir):
    return data_dir / "osm" / "tiny.osm"


# ---------------------------------------------------------------- walk filter (osmnx semantics)


@pytest.mark.parametrize(
    ("tags", "walkable"),
    [
        ({"highway": "footway"}, True),
        ({"highway": "residential"}, True),
        ({"highway": "trunk"}, True),  # osmnx walks trunk roads unless foot=no
        ({"highway": "motorway"}, False),
        ({"highway": "motorway_link"}, False),  # unanchored regex "motor"
        ({"highway": "cycleway"}, False),
        ({"highway": "path", "foot": "no"}, False),
        ({"highway": "service", "service": "private"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "pedestrian", "area": "yes"}, False),
        ({"highway": "primary", "sidewalk": "separate"}, False),
        ({"building": "yes"}, False),
    ],
)
def test_walk_filter_follows_osmnx(tags, walkable):
    assert way_filter_predicate(walk_way_filter())(tags) is walkable


def test_walk_filter_is_osmnx_own():
    """The filter is kept as a constant (reading needs no osmnx import); it must not drift."""
    from osmnx import _overpass

    assert walk_way_filter() == _overpass._get_network_filter("walk")


def test_filter_operators():
    ok = way_filter_predicate('["a"="1"]["b"!="2"]["c"~"^x"]')
    assert ok({"a": "1", "c": "xy"})
    assert not ok({"a": "1", "b": "2", "c": "xy"})
    assert not ok({"a": "2", "c": "xy"})
    assert not ok({"a": "1", "c": "yx"})
    with pytest.raises(CodeError):
        way_filter_predicate("highway")


# ---------------------------------------------------------------- dwelling estimate


def test_dwelling_estimate_by_type():
    apt = box(0, 0, 20, 30)  # 600 m²
    gdf = gpd.GeoDataFrame(
        {
            "building": ["house", "detached", "semidetached_house", "terrace", "apartments",
                         "apartments", "residential", "yes", "garage", "commercial", "cabin"],
            "building:levels": [None, None, None, None, None, "6", None, None, None, "5", None],
            "building:flats": [None, None, None, None, None, None, None, None, None, "12", None],
        },
        geometry=[box(0, 0, 10, 10)] * 3 + [box(0, 0, 60, 8)] + [apt] * 3
        + [box(0, 0, 10, 10)] * 4,
        crs=25832,
        index=[f"b{i}" for i in range(11)],
    )  # fmt: skip
    before = gdf.copy()
    got = estimate_dwellings(gdf)
    expected = [
        1, 1, 2,
        480 / 60,  # terrace: 480 m² footprint / 60 m² per unit
        600 * 4 * 0.8 / 75,  # apartments default 4 levels
        600 * 6 * 0.8 / 75,  # building:levels wins
        600 * 3 * 0.8 / 75,  # residential default 3 levels
        0, 0,
        12,  # building:flats wins over type
        0,
    ]  # fmt: skip
    assert got.tolist() == pytest.approx(expected)
    pd.testing.assert_index_equal(got.index, gdf.index)
    pd.testing.assert_frame_equal(gdf, before)


def test_dwelling_estimate_minimums_and_lonlat():
    lon, lat = 10.6, 59.9
    tiny_block = Polygon([(lon, lat), (lon + 0.00005, lat), (lon + 0.00005, lat + 0.00003),
                          (lon, lat + 0.00003)])  # fmt: skip
    gdf = gpd.GeoDataFrame(
        {"building": ["apartments", "terrace"]}, geometry=[tiny_block] * 2, crs=4326
    )
    got = estimate_dwellings(gdf)
    assert got.tolist() == [1.0, 2.0]  # at least one flat, at least two terrace units


def test_dwelling_estimate_ground_floor_business():
    apt = box(0, 0, 20, 30)  # 600 m²
    gdf = gpd.GeoDataFrame(
        {
            "building": ["apartments", "apartments", "apartments", "residential", "house",
                         "apartments", "apartments"],
            "building:levels": ["5", "1", None, None, None, "5", "5"],
            "building:flats": [None, None, None, None, None, "9", None],
        },
        geometry=[apt] * 7, crs=25832, index=[f"b{i}" for i in range(7)],
    )  # fmt: skip
    # the flags come in another order than the buildings: aligned on the index
    flag = pd.Series([False, True, True, True, True, True, True],
                     index=[f"b{i}" for i in (6, 0, 1, 2, 3, 4, 5)])  # fmt: skip
    got = estimate_dwellings(gdf, ground_floor_business=flag)
    expected = [
        600 * 4 * 0.8 / 75,  # 5 levels, shop downstairs: 4 count
        600 * 1 * 0.8 / 75,  # a one-storey block keeps its only level
        600 * 3 * 0.8 / 75,  # default 4 levels, one less
        600 * 2 * 0.8 / 75,  # residential default 3, one less
        1,  # a house is one dwelling whatever is downstairs
        9,  # building:flats wins
        600 * 5 * 0.8 / 75,  # not flagged
    ]  # fmt: skip
    assert got.tolist() == pytest.approx(expected)
    unflagged = [600 * 5 * 0.8 / 75, 600 * 0.8 / 75, 600 * 4 * 0.8 / 75, 600 * 3 * 0.8 / 75, 1,
                 9, 600 * 5 * 0.8 / 75]  # fmt: skip
    assert estimate_dwellings(gdf).tolist() == pytest.approx(unflagged)


def test_business_ground_floor_points_and_own_tags():
    blocks = gpd.GeoDataFrame(
        {"building": ["apartments"] * 5, "shop": [None, None, None, "no", None],
         "amenity": [None, None, None, None, "pub"]},
        geometry=[box(i * 100, 0, i * 100 + 20, 20) for i in range(5)], crs=25832,
    )  # fmt: skip
    inside = [_lonlat(x + 10, 10) for x in (0, 100, 200, 300)]
    pois = gpd.GeoDataFrame(
        {"shop": ["bakery", None, None, None], "amenity": [None, "bench", None, None],
         "office": [None, None, "lawyer", None]},
        geometry=[Point(*p) for p in inside], crs=4326,
    )  # fmt: skip
    before = blocks.copy()
    got = business_ground_floor(blocks, pois=pois)
    # a bakery inside; a bench is no business; an office may be upstairs; shop=no is none;
    # a pub tagged on the building itself
    assert got.tolist() == [True, False, False, False, True]
    pd.testing.assert_index_equal(got.index, blocks.index)
    pd.testing.assert_frame_equal(blocks, before)
    assert business_ground_floor(blocks).tolist() == [False, False, False, False, True]


def test_read_osm_shop_inside_block_of_flats(tmp_path):
    # a 5-storey block with a café node inside and one with a shop node just outside
    lon0, lat0 = 10.6, 59.9
    d_lon, d_lat = 0.0004, 0.0002
    xml = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    ways, nid = [], 1
    rings = []
    for k in range(2):
        x0 = lon0 + k * 0.001
        ring = [(x0, lat0), (x0 + d_lon, lat0), (x0 + d_lon, lat0 + d_lat), (x0, lat0 + d_lat)]
        rings.append(ring)
        refs = []
        for lon, lat in ring:
            xml.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
            refs.append(nid)
            nid += 1
        nds = "".join(f'<nd ref="{r}"/>' for r in [*refs, refs[0]])
        ways.append(f'<way id="{100 + k}" version="1">{nds}<tag k="building" v="apartments"/>'
                    '<tag k="building:levels" v="5"/></way>')  # fmt: skip
    xml.append(f'<node id="90" version="1" lat="{lat0 + d_lat / 2}" lon="{lon0 + d_lon / 2}">'
               '<tag k="amenity" v="cafe"/></node>')  # fmt: skip
    xml.append(f'<node id="91" version="1" lat="{lat0 - d_lat}" lon="{lon0 + 0.001}">'
               '<tag k="shop" v="bakery"/></node>')  # fmt: skip
    path = tmp_path / "shop.osm"
    path.write_text("\n".join([*xml, *ways, "</osm>"]) + "\n")
    homes = read_osm(path, "homes")
    fp = [Polygon([_utm(*c) for c in ring]).area for ring in rings]
    assert homes.index.tolist() == ["way/100", "way/101"]
    assert homes["dwellings"].tolist() == pytest.approx(
        [fp[0] * 4 * 0.8 / 75, fp[1] * 5 * 0.8 / 75], rel=1e-6
    )
    report = homes.attrs["arealanalyse"]
    assert report["dropped"] == 0 and report["dropped_by_reason"] == {}


# ---------------------------------------------------------------- features → layers


def _features(**cols):
    n = len(next(iter(cols.values())))
    idx = pd.MultiIndex.from_tuples([("node", i + 1) for i in range(n)], names=["element", "id"])
    geoms = cols.pop("geometry", [Point(10.6 + i * 0.001, 59.9) for i in range(n)])
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=4326, index=idx)


def test_services_mapping_and_no_mutation():
    f = _features(
        shop=["supermarket", "convenience", "florist", None, None, None, None, None, None],
        amenity=[None, None, None, "school", "doctors", "pharmacy", "library", "bench", None],
        healthcare=[None, None, None, None, None, None, None, None, "physiotherapist"],
        name=["Kiwi", "Joker", "Blomst", "Skole", "Lege", "Apotek", "Bibl", "Benk", "Fysio"],
    )
    before = f.copy()
    out = osm_features_to_layer(f, "services")
    assert out["category"].tolist() == [
        "grocery", "grocery", "retail", "school", "health", "pharmacy", "library", "health",
    ]  # fmt: skip
    assert "node/8" not in out.index  # the bench is not a service
    assert out.attrs["arealanalyse"]["dropped"] == 1
    assert out.crs.to_epsg() == 25832
    pd.testing.assert_frame_equal(f, before)


def test_green_mapping_keeps_polygons_only():
    poly = Polygon([(10.6, 59.9), (10.602, 59.9), (10.602, 59.901), (10.6, 59.901)])
    f = _features(
        leisure=["park", "playground", None, None, "park"],
        landuse=[None, None, "forest", "grass", None],
        natural=[None, None, None, None, None],
        geometry=[poly, poly, poly, poly, Point(10.6, 59.9)],
    )
    out = osm_features_to_layer(f, "green")
    assert out["green_type"].tolist() == ["park", "playground", "forest", "other"]
    area_daa = box(*_utm(10.6, 59.9), *_utm(10.602, 59.901)).area / 1000
    assert out["area_daa"].iloc[0] == pytest.approx(area_daa, rel=1e-3)


def test_transit_modes():
    f = _features(
        railway=["station", "station", "tram_stop", None, None, "station"],
        station=[None, "subway", None, None, None, None],
        highway=[None, None, None, "bus_stop", None, None],
        amenity=[None, None, None, None, "ferry_terminal", None],
        name=["Sandvika", "Kolsås", "Thune", "Bekkestua", "Nesodden", None],
        ref=[None, None, None, None, None, "X"],
    )
    out = osm_features_to_layer(f, "transit")
    assert out["mode"].tolist() == ["rail", "metro", "tram", "bus", "ferry", "rail"]
    assert out["name"].tolist()[-1] == "X"  # ref when no name
    assert set(out["status"]) == {"existing"}


def test_roads_ref_and_lines_only():
    line = LineString([(10.6, 59.9), (10.61, 59.9)])
    f = _features(
        highway=["trunk", "footway", "residential", "primary"],
        ref=["E 18", None, None, "E 16;E 18"],
        geometry=[line, line, line, Polygon([(10.6, 59.9), (10.61, 59.9), (10.6, 59.91)])],
    )
    out = osm_features_to_layer(f, "roads")
    assert out["road_class"].tolist() == ["trunk", "residential"]
    assert out["ref"].tolist() == ["E18", ""]


def test_unknown_kind_and_nothing_mapped():
    f = _features(amenity=["bench"])
    with pytest.raises(CodeError, match="walk_network comes from a graph"):
        osm_features_to_layer(f, "walk_network")
    with pytest.raises(EmptyLayerError, match="none of the 1 OSM features"):
        osm_features_to_layer(f, "services")


# ---------------------------------------------------------------- graph → walk network


def test_graph_to_walk_network_components():
    G = nx.MultiDiGraph(crs="epsg:4326")
    pts = {0: (10.60, 59.90), 1: (10.601, 59.90), 2: (10.602, 59.90), 7: (10.65, 59.95),
           8: (10.651, 59.95)}  # fmt: skip
    for n, (x, y) in pts.items():
        G.add_node(n, x=x, y=y)
    for u, v in [(0, 1), (1, 2), (7, 8)]:
        for a, b in [(u, v), (v, u)]:
            G.add_edge(a, b, highway=["footway", "path"], osmid=1, length=1.0, oneway=False,
                       reversed=a > b)  # fmt: skip
    out = graph_to_walk_network(G)
    assert len(out) == 2 and set(out["highway"]) == {"footway"}
    assert out.attrs["arealanalyse"]["largest_component_share"] == pytest.approx(3 / 5)
    assert len(graph_to_walk_network(G, largest_component=False)) == 3
    expected = LineString([_utm(*pts[0]), _utm(*pts[1])]).length
    assert out["length_m"].min() == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- files


def test_tiny_xml_walk_network_split_at_shared_node(tiny):
    layer = read_osm(tiny, "walk_network")
    # the layer holds the walkable ways whole; the motorway (3-5), the foot=no path (2-6) and
    # the foot=no trunk (6-7) are not walkable
    assert sorted(layer.index) == ["way/100", "way/101"]
    assert set(layer["level"]) == {"0"}
    # the network splits way 100 (1-2-3) at node 2, shared with way 101 (2-4)
    net = WalkNetwork.from_edges(layer).edges

    def key(xy):
        return (round(xy[0], 3), round(xy[1], 3))

    ends = {frozenset({key(g.coords[0]), key(g.coords[-1])}) for g in net.geometry}
    n = {1: (10.600, 59.900), 2: (10.602, 59.900), 3: (10.604, 59.900), 4: (10.602, 59.902)}
    pairs = [(1, 2), (2, 3), (2, 4)]
    want = {frozenset({key(_utm(*n[a])), key(_utm(*n[b]))}) for a, b in pairs}
    assert ends == want
    lengths = sorted(LineString([_utm(*n[a]), _utm(*n[b])]).length for a, b in pairs)
    assert sorted(net["length_m"]) == pytest.approx(lengths, rel=1e-9)
    assert net.crs.to_epsg() == 25832


def test_tiny_xml_features(tiny):
    homes = read_osm(tiny, "homes")
    assert homes["building"].tolist() == ["apartments", "house"]
    ring = [_utm(10.6, 59.901), _utm(10.6006, 59.901), _utm(10.6006, 59.9013), _utm(10.6, 59.9013)]
    footprint = Polygon(ring).area
    assert homes["dwellings"].tolist() == pytest.approx([footprint * 5 * 0.8 / 75, 1.0], rel=1e-6)
    assert homes["population"].tolist() == pytest.approx((homes["dwellings"] * 2.3).tolist())
    assert set(homes["source"]) == {"osm_estimate"}
    services = read_osm(tiny, "services")
    assert dict(zip(services["name"], services["category"], strict=True)) == {
        "Kiwi Test": "grocery", "Apotek Test": "pharmacy", "Test barnehage": "kindergarten",
    }  # fmt: skip
    transit = read_osm(tiny, "transit")
    assert transit.index.tolist() == ["node/51"]  # the platform way 5 m away is the same stop
    roads = read_osm(tiny, "roads")
    assert sorted(roads["ref"]) == ["", "E18", "E18"]
    green = read_osm(tiny, "green")
    assert green["name"].tolist() == ["Testparken"]


def test_read_osm_errors(tmp_path, tiny):
    with pytest.raises(LayerFileError, match="does not exist"):
        read_osm(tmp_path / "nope.osm.pbf", "homes")
    with pytest.raises(CodeError, match="not 'zoning'"):
        read_osm(tiny, "zoning")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf at all")
    with pytest.raises(LayerFileError, match="cannot be read"):
        read_osm(bad, "homes")
    before = tiny.read_bytes()
    read_osm(tiny, "green")
    assert tiny.read_bytes() == before


# ---------------------------------------------------------------- the real Skøyen PBF


@pytest.fixture(scope="module")
def skoyen(real_data):
    return real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf"


@pytest.mark.realdata
def test_skoyen_walk_network_connected(skoyen):
    layer = read_osm(skoyen, "walk_network")
    assert layer.crs.to_epsg() == 25832
    net = WalkNetwork.from_edges(layer)
    assert 0.85 < net.largest_component_share < 1.0
    G = nx.Graph()
    for u, v in zip(net.u, net.v, strict=True):
        G.add_edge(int(u), int(v))
    main = max(nx.connected_components(G), key=len)
    assert len(main) == int((net.component == 0).sum())
    assert net.n_edges > 200
    assert layer["length_m"].sum() == pytest.approx(layer.geometry.length.sum())
    assert not set(layer["highway"]) & {"motorway", "cycleway", "platform"}


@pytest.mark.realdata
def test_skoyen_features(skoyen):
    homes = read_osm(skoyen, "homes")
    # 133 building ways; 20 are cut by the extract's edge to < 3 distinct nodes or left unclosed,
    # so 113 have a footprint.
    assert len(homes) == 113
    assert homes.attrs["arealanalyse"]["dropped"] == 133 - 113
    assert homes.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert (homes.loc[homes["building"] != "residential", "dwellings"] == 0).all()
    assert (homes.loc[homes["building"] == "residential", "dwellings"] >= 1).all()
    services = read_osm(skoyen, "services")
    cats = services["category"].value_counts()
    assert cats["grocery"] == 2 and cats["pharmacy"] == 1 and cats["post"] == 1
    green = read_osm(skoyen, "green")
    assert green["green_type"].tolist() == ["forest"]
    transit = read_osm(skoyen, "transit")
    assert ("Skøyen", "rail") in set(zip(transit["name"], transit["mode"], strict=True))
    roads = read_osm(skoyen, "roads")
    assert {"trunk", "primary"} <= set(roads["road_class"])


def test_module_constants_are_consistent():
    assert set(osm.OSM_TAGS) | {"walk_network"} == set(osm.OSM_KINDS)


def test_overpass_json_answer_reads_like_xml(data_dir, tmp_path):
    rec = data_dir / "fetch"
    from_json = read_osm(rec / "overpass_walk.json", "walk_network")
    from_xml = read_osm(rec / "overpass_walk.osm", "walk_network")
    pd.testing.assert_frame_equal(
        pd.DataFrame(from_json.drop(columns="geometry")),
        pd.DataFrame(from_xml.drop(columns="geometry")),
    )
    assert from_json.geometry.geom_equals(from_xml.geometry).all()
    bad = tmp_path / "bad.json"
    bad.write_text('{"no": "elements"}')
    with pytest.raises(LayerFileError, match="not an Overpass JSON answer"):
        read_osm(bad, "walk_network")


def test_overpass_json_relation_multipolygon(tmp_path):
    import json

    nodes = [(1, 59.90, 10.60), (2, 59.90, 10.61), (3, 59.905, 10.61), (4, 59.905, 10.60)]
    elements = [{"type": "node", "id": i, "lat": lat, "lon": lon} for i, lat, lon in nodes]
    elements += [
        {"type": "way", "id": 10, "nodes": [1, 2, 3, 4, 1]},
        {"type": "relation", "id": 20,
         "members": [{"type": "way", "ref": 10, "role": "outer"}],
         "tags": {"type": "multipolygon", "leisure": "park", "name": "Parken & co"}},
    ]  # fmt: skip
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"version": 0.6, "elements": elements}))
    green = read_osm(path, "green")
    assert green.index.tolist() == ["relation/20"]
    assert green["name"].tolist() == ["Parken & co"]
    ring = [_utm(lon, lat) for _, lat, lon in nodes]
    assert green["area_daa"].iloc[0] == pytest.approx(Polygon(ring).area / 1000, rel=1e-6)


def test_overpass_out_geom_with_nodes_cut_away(tmp_path):
    """`out geom(bbox)` gives coordinates inline, null where a node lies outside the box."""
    import json

    pts = [{"lat": 59.9, "lon": 10.60 + i * 0.001} for i in range(5)]
    way = {
        "type": "way",
        "id": 7,
        "nodes": [1, 2, 3, 4, 5],
        "geometry": [pts[0], pts[1], None, pts[3], pts[4]],
        "tags": {"highway": "footway"},
    }
    path = tmp_path / "geom.json"
    path.write_text(json.dumps({"version": 0.6, "elements": [way]}))
    layer = read_osm(path, "walk_network")
    geom = layer.geometry.loc["way/7"]
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2  # never across the gap
    assert layer.attrs["arealanalyse"]["repaired"] == 1
    gap = LineString([_utm(10.601, 59.9), _utm(10.603, 59.9)])
    assert geom.intersection(gap.buffer(1)).length < 2.1  # only the ends touch the gap's buffer
