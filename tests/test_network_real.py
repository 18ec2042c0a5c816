"""Distances on the real street network of western Oslo, checked against networkx."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import shapely

from arealanalyse.layers.osm import OSM_KINDS, osm_extract, read_osm
from arealanalyse.metrics import Accessibility
from arealanalyse.network import WalkNetwork

pytestmark = pytest.mark.realdata

N_HOMES = 1000
BOUND_M = 2500.0  # settings.max_search_m


@pytest.fixture(scope="module")
def oslo(real_data):
    pbf = real_data / "osm-oslo-vest" / "oslo-vest.osm.pbf"
    osm_extract(pbf, kinds=OSM_KINDS)
    layers = {k: read_osm(pbf, k) for k in ("walk_network", "homes", "services", "transit")}
    return layers, WalkNetwork.from_edges(layers["walk_network"])


def networkx_distances(net: WalkNetwork, homes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Shortest walks with networkx: homes and targets inserted as nodes splitting their edges.

    Independent of the engine under test: points go to the nearest edge of the part of the
    network they may use (shapely's STRtree), the graph is plain networkx with edge lengths, and
    one multi-source Dijkstra runs from a source joined to every target by its access distance.
    """
    usable = np.flatnonzero(net.snappable)
    lines = net.edge_geoms[usable]
    tree = shapely.STRtree(lines)
    inserts: dict[int, list[tuple[float, object]]] = {}

    def place(points: np.ndarray, tag: str) -> dict[int, float]:
        idx, dist = tree.query_nearest(points, return_distance=True, all_matches=False)
        access = {}
        for (i, j), d in zip(idx.T, dist, strict=True):
            e = int(j)
            pos = float(shapely.line_locate_point(lines[e], points[i]))
            inserts.setdefault(e, []).append((pos, (tag, int(i))))
            access[int(i)] = float(d)
        return access

    home_access = place(homes, "h")
    target_access = place(targets, "t")
    g = nx.Graph()
    for k, e in enumerate(usable):
        length = float(net.length[e])
        stops = sorted(inserts.get(k, []), key=lambda s: s[0])
        chain = [(0.0, int(net.u[e])), *stops, (length, int(net.v[e]))]
        for (p0, n0), (p1, n1) in itertools.pairwise(chain):
            w = p1 - p0
            if not g.has_edge(n0, n1) or g[n0][n1]["w"] > w:
                g.add_edge(n0, n1, w=w)
    dg = g.to_directed()
    for i, a in target_access.items():
        dg.add_edge("S", ("t", i), w=a)
    dist = nx.single_source_dijkstra_path_length(dg, "S", cutoff=BOUND_M + 50, weight="w")
    out = np.full(len(homes), np.inf)
    for i, a in home_access.items():
        out[i] = dist.get(("h", i), np.inf) + a
    return out


def test_real_network_distances_agree_with_networkx(oslo):
    layers, net = oslo
    homes = layers["homes"]
    rng = np.random.default_rng(2025)
    sample = homes.iloc[np.sort(rng.choice(len(homes), N_HOMES, replace=False))]
    acc = Accessibility(net, sample)
    pts = acc.points
    services, transit = layers["services"], layers["transit"]
    groups = {c: services[services["category"] == c] for c in sorted(services["category"].unique())}
    groups["transit"] = transit
    compared = 0
    for key, targets in groups.items():
        got = acc.distance_to(targets, key=key).to_numpy()
        tpts = np.asarray(targets.geometry.values)
        ref = networkx_distances(net, pts, tpts)
        near = ref <= BOUND_M - 10
        far = ref > BOUND_M + 10
        assert np.abs(got[near] - ref[near]).max() <= 0.5, key
        assert np.isinf(got[far]).all(), key
        compared += int(near.sum())
        # no home is closer by the network than in a straight line
        straight = shapely.distance(pts[:, None], tpts[None, :]).min(axis=1)
        ok = np.isfinite(got)
        assert (got[ok] >= straight[ok] - 1e-6).all(), key
    assert len(groups) >= 10 and compared > 10_000
