"""Green areas as a planner sees them: merged parts, access links, entries that respect barriers.

Every fixture is a street along y = 0 (x 0-1000 m) and one home at (0, 10), which snaps to the
street's start with a 10 m access walk; the golden distances are worked out by hand below.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from arealanalyse.errors import NetworkError
from arealanalyse.metrics import run_suite
from arealanalyse.metrics.green import merge_green_areas
from arealanalyse.network import WalkNetwork
from arealanalyse.settings import Settings

X0, Y0 = 590_000.0, 6_643_000.0
CRS = 25832


def _at(geom):  # shift a local-metre geometry near Sandvika
    from shapely import affinity

    return affinity.translate(geom, X0, Y0)


def _net(*extra: LineString) -> WalkNetwork:
    # the street is split where a path leaves it (the graph is built from segment endpoints)
    cuts = sorted({0.0, 1000.0} | {line.coords[0][0] for line in extra})
    street = [LineString([(a, 0), (b, 0)]) for a, b in itertools.pairwise(cuts)]
    lines = [*street, *extra]
    return WalkNetwork.from_edges(gpd.GeoDataFrame(geometry=[_at(g) for g in lines], crs=CRS))


def _homes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"dwellings": [1.0]}, geometry=[_at(Point(0, 10))], crs=CRS)


def _green(*polys: Polygon, types: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"green_type": list(types or ["park"] * len(polys))},
        geometry=[_at(p) for p in polys],
        crs=CRS,
    )


def _dist(layers: dict, net: WalkNetwork, **settings: float) -> float:
    r = run_suite(layers, net, settings=Settings(**settings), euclidean=False)
    return float(r.per_home["dist_green_m"].iloc[0])


def test_a_park_split_in_two_counts_as_one_park_of_the_summed_size() -> None:
    # 57 x 50 m = 2.85 daa and 63 x 50 m = 3.15 daa, sharing the edge x = 457: one 6 daa park
    parts = _green(box(400, 5, 457, 55), box(457, 5, 520, 55))
    merged = merge_green_areas(parts)
    assert merged["area_daa"].round(6).tolist() == [6.0]
    assert merged["n_parts"].tolist() == [2]
    # nearest entry: corner (400, 5) above street point (400, 0): 10 + 400 + 5 = 415 m
    assert _dist({"homes": _homes(), "green": parts}, _net()) == pytest.approx(415.0)
    # the same parts as two different kinds of green are two small areas: none counts (>= 5 daa)
    apart = _green(box(400, 5, 457, 55), box(457, 5, 520, 55), types=("park", "playground"))
    assert np.isinf(_dist({"homes": _homes(), "green": apart}, _net()))


def test_a_park_reachable_only_by_an_access_link() -> None:
    # a 9.8 daa diamond whose lowest corner (450, 100) is 100 m from the street: no street or
    # path within the 50 m entry distance, so only an access link reaches it:
    # 10 + 450 along the street + 100 link = 560 m
    diamond = Polygon([(450, 100), (520, 170), (450, 240), (380, 170)])
    layers = {"homes": _homes(), "green": _green(diamond)}
    assert _dist(layers, _net()) == pytest.approx(560.0)
    # without access links (or with links too short) nothing reaches it: an error, not 0 %
    for link_m in (0.0, 90.0):
        with pytest.raises(NetworkError, match="none of its 1 features can be reached"):
            _dist(layers, _net(), green_access_link_m=link_m)


def test_an_entry_never_crosses_a_railway() -> None:
    # park 100 x 100 m, 30 m above the street; a railway runs between them at y = 20 and a
    # path goes straight up over it at x = 450 into the park.
    park = _green(box(400, 30, 500, 130))
    path = LineString([(450, 0), (450, 80)])
    railway = gpd.GeoDataFrame(
        {"barrier_type": ["railway"]}, geometry=[_at(LineString([(300, 20), (700, 20)]))], crs=CRS
    )
    net = _net(path)
    # without the railway: straight in from the street below the corner (400, 30): 10+400+30
    assert _dist({"homes": _homes(), "green": park}, net) == pytest.approx(440.0)
    # with it, every straight entry from the street crosses the tracks; the path is the way in:
    # 10 + 450 along the street + 30 up the path to the park's edge = 490 m
    layers = {"homes": _homes(), "green": park, "barriers": railway}
    assert _dist(layers, net) == pytest.approx(490.0)
    # and an access link never crosses it either: without the path the park is out of reach
    with pytest.raises(NetworkError, match="blocked by barriers"):
        _dist(layers, _net())


def test_real_osm_barriers_leave_out_bridges_and_tunnels(real_data: Path) -> None:
    import osmium

    from arealanalyse.layers.readers import read_layer

    pbf = real_data / "otp-osm-fixture-skoyen" / "skoyen.osm.pbf"

    class Count(osmium.SimpleHandler):
        def __init__(self) -> None:
            super().__init__()
            self.ids: set[str] = set()

        def way(self, w) -> None:  # independent reading of the tags with pyosmium
            t = {tag.k: tag.v for tag in w.tags}
            barrier = t.get("highway") in ("motorway", "motorway_link", "trunk", "trunk_link") or (
                t.get("railway") in ("rail", "light_rail", "subway", "narrow_gauge")
            )
            level = t.get("bridge", "no") == "no" and t.get("tunnel", "no") == "no"
            # a way cut by the extract to fewer than two known nodes has no line to keep
            located = sum(1 for n in w.nodes if n.location.valid())
            if barrier and level and t.get("covered") != "yes" and located >= 2:
                self.ids.add(f"way/{w.id}")

    c = Count()
    c.apply_file(str(pbf), locations=True)
    b = read_layer(pbf, "barriers")
    assert set(b.index) == c.ids
    assert set(b["barrier_type"]) == {"trunk", "railway"}
