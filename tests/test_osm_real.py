"""Real OpenStreetMap files as planners get them: clipped extracts, Overpass answers, relations.

Every fixture is built at test time into tmp_path from the real extract of western Oslo
(``../shared/data/real/osm-oslo-vest``): re-cut with each ``osmium extract`` strategy, answered as
Overpass would answer a bounding-box query, and with a multipolygon relation whose members are
missing. Each must load for every kind, never with a traceback, and say what it dropped and why.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pytest
import shapely
from pyproj import Transformer

from arealanalyse.layers.osm import OSM_KINDS, osm_extract, read_osm
from arealanalyse.network import WalkNetwork

pytestmark = pytest.mark.realdata

# a box well inside the real extract (10.72-10.74 E, 59.90-59.94 N): every cut clips real ways
BOX = (10.725, 59.905, 10.737, 59.925)
STRATEGIES = ("simple", "complete_ways", "smart")
TO_UTM = Transformer.from_crs(4326, 25832, always_xy=True)
CUT_WAYS = "way cut by the extract's edge: kept its present runs, split at each gap"


@pytest.fixture(scope="module")
def pbf(real_data: Path) -> Path:
    return real_data / "osm-oslo-vest" / "oslo-vest.osm.pbf"


@pytest.fixture(scope="module")
def cuts(pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real extract re-cut to BOX with each osmium extract strategy (once per test run)."""
    import fcntl
    import os

    exe = shutil.which("osmium")
    if exe is None:
        pytest.skip(
            "osmium-tool is not installed (make test installs it; apt-get install osmium-tool)"
        )
    base = tmp_path_factory.getbasetemp()
    out = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "osm-cuts"
    out.mkdir(exist_ok=True)
    paths = {s: out / f"cut-{s}.osm.pbf" for s in STRATEGIES}
    with (out / ".lock").open("w") as lock:  # the xdist workers share one set of cuts
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for strategy, path in paths.items():
                if path.is_file():
                    continue
                tmp = path.with_name(".tmp-" + path.name)
                bbox = ",".join(map(str, BOX))
                subprocess.run(
                    [exe, "extract", "-b", bbox, "-s", strategy, str(pbf), "-o", str(tmp),
                     "--overwrite"],
                    check=True, capture_output=True,
                )  # fmt: skip
                tmp.replace(path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return paths


def _ways(path: Path) -> dict[int, list[int]]:
    return {w.id: [n.ref for n in w.nodes] for w in osmium.FileProcessor(str(path), osmium.osm.WAY)}


def _node_xy(path: Path) -> dict[int, tuple[float, float]]:
    return {
        n.id: (n.location.lon, n.location.lat)
        for n in osmium.FileProcessor(str(path), osmium.osm.NODE)
    }


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("kind", OSM_KINDS)
def test_each_osmium_strategy_loads_every_kind(cuts, strategy, kind):
    osm_extract(cuts[strategy], kinds=OSM_KINDS)  # one pass for every kind of this file
    layer = read_osm(cuts[strategy], kind)
    report = layer.attrs["arealanalyse"]
    assert len(layer) > 0 and layer.crs.to_epsg() == 25832
    assert report["dropped"] == sum(report["dropped_by_reason"].values())
    assert report["repaired"] == sum(report["repaired_by_reason"].values())
    assert not layer.geometry.is_empty.any() and layer.geometry.is_valid.all()
    if kind in ("walk_network", "roads") and strategy != "simple":
        # complete_ways and smart keep the nodes of every way the box cuts; only ways already
        # cut in the source extract can still lack nodes, far fewer than with simple
        simple = read_osm(cuts["simple"], kind).attrs["arealanalyse"]["repaired_by_reason"]
        assert report["repaired_by_reason"].get(CUT_WAYS, 0) < simple[CUT_WAYS] / 3


def test_strategies_differ_as_osmium_documents(cuts, pbf):
    """complete_ways keeps every node the source has; smart also completes multipolygons."""
    source = _ways(pbf)
    for strategy in ("complete_ways", "smart"):
        present = set(_node_xy(cuts[strategy]))
        for wid, refs in _ways(cuts[strategy]).items():
            assert refs == source[wid]
        # a way lacks a node only where the source extract lacks it too
        source_nodes = set(_node_xy(pbf))
        for refs in _ways(cuts[strategy]).values():
            assert {r for r in refs if r not in present} <= {r for r in refs
                                                            if r not in source_nodes}  # fmt: skip
    cut = "outline cut by the extract's edge (nodes missing), so it cannot close"
    simple = read_osm(cuts["simple"], "homes").attrs["arealanalyse"]["dropped_by_reason"]
    whole = read_osm(cuts["complete_ways"], "homes").attrs["arealanalyse"]["dropped_by_reason"]
    assert simple[cut] > 2 * whole.get(cut, 0)
    # smart completes multipolygon relations: at least as many of them become areas
    for kind in ("homes", "green"):
        n = {s: read_osm(cuts[s], kind).index.str.startswith("relation/").sum()
             for s in ("complete_ways", "smart")}  # fmt: skip
        assert n["smart"] >= n["complete_ways"], kind


def _check_runs(layer, pbf: Path, way_refs: dict[int, list[int]], present: set[int]) -> int:
    """Every segment joins neighbouring nodes of the uncut way; one part per run of >= 2 nodes."""
    full_ways, full_xy = _ways(pbf), _node_xy(pbf)
    checked = 0
    for osm_id, geom in zip(layer.index, layer.geometry, strict=True):
        refs = way_refs[int(osm_id.split("/")[1])]
        if all(r in present for r in refs):
            continue
        pairs = set()
        wid = int(osm_id.split("/")[1])
        for a, b in itertools.pairwise(full_ways[wid]):
            if a not in full_xy or b not in full_xy:  # cut in the source extract too
                continue
            pa = tuple(np.round(TO_UTM.transform(*full_xy[a]), 3))
            pb = tuple(np.round(TO_UTM.transform(*full_xy[b]), 3))
            pairs |= {(pa, pb), (pb, pa)}
        for part in shapely.get_parts(geom):
            xy = [tuple(np.round(c, 3)) for c in shapely.get_coordinates(part)]
            for seg in itertools.pairwise(xy):
                assert seg in pairs, f"{osm_id}: segment {seg} joins nodes across a gap"
        n_runs, run = 0, 0
        for r in [*refs, None]:
            if r is not None and r in present:
                run += 1
            else:
                n_runs += run >= 2
                run = 0
        assert shapely.get_num_geometries(geom) == n_runs, osm_id
        checked += 1
    return checked


def test_cut_ways_are_never_joined_across_a_gap(cuts, pbf):
    """Every segment of a cut way joins two nodes that are neighbours in the uncut way."""
    cut = cuts["simple"]
    layer = read_osm(cut, "walk_network")
    assert _check_runs(layer, pbf, _ways(cut), set(_node_xy(cut))) >= 20


def _overpass_answer(pbf: Path, box: tuple[float, float, float, float], path: Path) -> Path:
    """What Overpass answers to `nwr(box); out body;`: objects in the box, nodes outside left out.

    Nodes inside the box are listed; ways with a node in the box are listed with all their node
    ids (so nodes outside are referenced but missing); relations with a member in the answer are
    listed with all their members.
    """
    x0, y0, x1, y1 = box
    nodes, ways, rels = [], [], []
    inside: set[int] = set()
    for n in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
        lon, lat = n.location.lon, n.location.lat
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            inside.add(n.id)
            el = {"type": "node", "id": n.id, "lat": lat, "lon": lon}
            if len(n.tags):
                el["tags"] = dict(n.tags)
            nodes.append(el)
    way_ids: set[int] = set()
    for w in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
        refs = [r.ref for r in w.nodes]
        if inside.intersection(refs):
            way_ids.add(w.id)
            ways.append({"type": "way", "id": w.id, "nodes": refs, "tags": dict(w.tags)})
    for r in osmium.FileProcessor(str(pbf), osmium.osm.RELATION):
        members = [{"type": {"n": "node", "w": "way", "r": "relation"}[m.type], "ref": m.ref,
                    "role": m.role} for m in r.members]  # fmt: skip
        if any((m.type == "w" and m.ref in way_ids) or (m.type == "n" and m.ref in inside)
               for m in r.members):  # fmt: skip
            rels.append({"type": "relation", "id": r.id, "members": members,
                         "tags": dict(r.tags)})  # fmt: skip
    doc = {"version": 0.6, "generator": "Overpass API", "elements": nodes + ways + rels}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def overpass_cut(pbf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _overpass_answer(pbf, BOX, tmp_path_factory.mktemp("overpass") / "answer.json")


@pytest.mark.parametrize("kind", OSM_KINDS)
def test_overpass_answer_cut_at_a_bbox_loads_every_kind(overpass_cut, kind):
    layer = read_osm(overpass_cut, kind)
    report = layer.attrs["arealanalyse"]
    assert len(layer) > 0 and layer.crs.to_epsg() == 25832
    assert layer.geometry.is_valid.all()
    if kind in ("walk_network", "roads"):  # the answer lists nodes only inside the box
        assert sum(report["repaired_by_reason"].values()) > 0
    if kind == "homes":
        assert sum(report["dropped_by_reason"].values()) > 0


def test_overpass_answer_keeps_the_runs_of_cut_ways(overpass_cut, pbf):
    doc = json.loads(overpass_cut.read_text(encoding="utf-8"))
    present = {e["id"] for e in doc["elements"] if e["type"] == "node"}
    refs = {e["id"]: e["nodes"] for e in doc["elements"] if e["type"] == "way"}
    for kind in ("walk_network", "roads"):
        assert _check_runs(read_osm(overpass_cut, kind), pbf, refs, present) >= 10


def _pick_relation(pbf: Path) -> tuple[int, list[tuple[int, str]]]:
    """A complete building multipolygon of the real extract: one outer and some inner ways."""
    ways = {w.id: w.is_closed() for w in osmium.FileProcessor(str(pbf), osmium.osm.WAY)}
    for r in osmium.FileProcessor(str(pbf), osmium.osm.RELATION):
        if r.tags.get("type") != "multipolygon" or "building" not in r.tags:
            continue
        members = [(m.ref, m.role) for m in r.members if m.type == "w"]
        roles = [role for _, role in members]
        if (roles.count("outer") == 1 and roles.count("inner") >= 1
                and all(ways.get(ref) for ref, _ in members)):  # fmt: skip
            return r.id, members
    pytest.skip("no complete building multipolygon with inner rings in the extract")


def _write_without(pbf: Path, rid: int, drop: set[int], out: Path) -> Path:
    """The relation and its member ways (minus ``drop``) with their nodes, as OSM XML."""
    from osmium.osm.mutable import Node, Relation, Way

    rel = None
    for r in osmium.FileProcessor(str(pbf), osmium.osm.RELATION):
        if r.id == rid:
            members = [(m.type, m.ref, m.role) for m in r.members]
            rel = Relation(id=r.id, members=members, tags=dict(r.tags))
    assert rel is not None
    member_ways = {ref for t, ref, _ in rel.members if t == "w"} - drop
    ways = [
        Way(id=w.id, nodes=[n.ref for n in w.nodes], tags=dict(w.tags))
        for w in osmium.FileProcessor(str(pbf), osmium.osm.WAY)
        if w.id in member_ways
    ]
    need = {ref for w in ways for ref in w.nodes}
    xy = _node_xy(pbf)
    with osmium.SimpleWriter(str(out)) as writer:
        for nid in sorted(need):
            writer.add_node(Node(id=nid, location=xy[nid]))
        for w in ways:
            writer.add_way(w)
        writer.add_relation(rel)
    return out


def _ring_area_m2(pbf: Path, way_id: int) -> float:
    xy = _node_xy(pbf)
    refs = _ways(pbf)[way_id]
    return shapely.Polygon([TO_UTM.transform(*xy[r]) for r in refs]).area


def test_relation_with_missing_members_uses_what_is_present(pbf, tmp_path):
    rid, members = _pick_relation(pbf)
    outer = next(ref for ref, role in members if role == "outer")
    inners = {ref for ref, role in members if role == "inner"}
    # the inner rings are missing: the building is its outer ring, counted as repaired
    path = _write_without(pbf, rid, inners, tmp_path / "no-inner.osm")
    homes = read_osm(path, "homes")
    assert homes.index.tolist() == [f"relation/{rid}"]
    assert homes.geometry.iloc[0].area == pytest.approx(_ring_area_m2(pbf, outer), rel=1e-6)
    report = homes.attrs["arealanalyse"]
    assert list(report["repaired_by_reason"].values()) == [1]
    assert "built from the rings that close" in next(iter(report["repaired_by_reason"]))
    # with every member present, the inner rings are holes
    whole = read_osm(_write_without(pbf, rid, set(), tmp_path / "whole.osm"), "homes")
    holes = sum(_ring_area_m2(pbf, ref) for ref in inners)
    assert whole.geometry.iloc[0].area == pytest.approx(_ring_area_m2(pbf, outer) - holes,
                                                        rel=1e-6)  # fmt: skip
    assert whole.attrs["arealanalyse"]["repaired"] == 0


def test_relation_without_its_outer_ring_is_dropped_with_a_reason(pbf, tmp_path):
    rid, members = _pick_relation(pbf)
    outer = next(ref for ref, role in members if role == "outer")
    path = _write_without(pbf, rid, {outer}, tmp_path / "no-outer.osm")
    with pytest.raises(Exception) as err:
        read_osm(path, "homes")
    msg = str(err.value)
    assert type(err.value).__name__ == "EmptyLayerError"
    assert "multipolygon whose rings cannot close" in msg and "\n" not in msg


def test_streaming_clip_keeps_what_reaches_into_the_area(pbf):
    """Cut while reading = read everything, then keep what intersects the area (whole objects)."""
    area = gpd.GeoSeries([shapely.box(10.728, 59.91, 10.734, 59.92)], crs=4326)
    poly = area.to_crs(25832).iloc[0].buffer(100)
    for kind in ("walk_network", "homes", "services"):
        clipped = read_osm(pbf, kind, clip=area, clip_buffer_m=100)
        full = read_osm(pbf, kind)
        assert set(clipped.index) <= set(full.index)
        assert clipped.attrs["arealanalyse"]["clipped_out"] > 0
        if kind == "services":  # a service area is a point in the layer: only a subset check
            inside = full[full.geometry.within(poly.buffer(-1))]
            assert set(inside.index) <= set(clipped.index)
            continue
        expect = full[full.geometry.intersects(poly)]
        differ = set(clipped.index) ^ set(expect.index)
        # only objects touching the area's edge may fall either way (lon/lat vs UTM edges)
        near_edge = full.loc[sorted(differ)].geometry.distance(poly.boundary) < 1.0
        assert near_edge.all(), (kind, sorted(differ)[:5])
        assert len(differ) <= 0.01 * len(expect)
        assert clipped.attrs["arealanalyse"]["clipped_out"] > 0
    # the network of the clipped walk layer is the network of the same ways read whole
    walk = read_osm(pbf, "walk_network", clip=area, clip_buffer_m=100)
    assert WalkNetwork.from_edges(walk).n_edges > 100


# ---------------------------------------------------------------- the CLI on the real extract


def _catalogue(tmp_path: Path, pbf: Path, **extra: dict) -> Path:
    import yaml

    doc = {
        "schema_version": 1,
        "name": "oslo-vest",
        "title": "Oslo vest (OpenStreetMap)",
        "sources": [
            {
                "name": "OpenStreetMap",
                "licence": "ODbL-1.0",
                "attribution": "© OpenStreetMap contributors",
            }
        ],
        "layers": {
            kind: {"path": str(pbf), **extra}
            for kind in ("walk_network", "homes", "services", "green", "transit")
        },
    }
    path = tmp_path / "oslo-vest.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_catalogue_of_the_real_extract_checks_and_runs_the_suite(pbf, tmp_path, capsys):
    from arealanalyse.cli import main

    cat = _catalogue(tmp_path, pbf)
    assert main(["layers", "check", str(cat), "--json"]) == 0
    rows = {r["kind"]: r for r in json.loads(capsys.readouterr().out)["layers"]}
    assert all(r["ok"] for r in rows.values()) and len(rows) == 5
    # what was dropped and why, per layer
    assert rows["homes"]["dropped"] == sum(rows["homes"]["dropped_by_reason"].values()) > 0
    assert any("cut by the extract" in r for r in rows["homes"]["dropped_by_reason"])
    assert rows["walk_network"]["repaired_by_reason"]
    net = rows["walk_network"]["network"]
    assert net["topology"]["shared_vertex_splits"] > 1000 and net["components"] > 1
    # the table form says it too, one line per reason
    assert main(["layers", "check", str(cat)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "homes: dropped" in text and "walk_network: topology:" in text
    out = tmp_path / "metrics"
    assert main(["metrics", str(cat), "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    written = {Path(p).name for p in payload["outputs"].values()}
    for name in ("metrics.gpkg", "summary.csv", "per_home.csv", "per_cell.csv", "per_zone.csv",
                 "catchments.csv", "snapping.csv"):  # fmt: skip
        assert name in written and (out / name).stat().st_size > 0, name
    summary = {r["metric"]: r["value"] for r in payload["summary"]}
    assert 0 < summary["service_grocery_400m_dwellings"] <= 100
    assert payload["network"]["topology"]["segments_out"] > 5000


def test_layers_info_cuts_a_file_to_a_box_or_a_kommune(pbf, real_data, capsys):
    from arealanalyse.cli import main

    box = "10.728,59.91,10.734,59.92"
    args = ["layers", "info", str(pbf), "-k", "walk_network", "--bbox", box, "--json"]
    assert main([*args, "--clip-buffer", "100"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["clipped_out"] > 0 and facts["network"]["edges"] > 100
    # the extract lies in Oslo (0301), not in Bærum (3201)
    kommuner = real_data / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson"
    base = ["layers", "info", str(pbf), "-k", "homes", "--clip", str(kommuner)]
    assert main([*base, "--kommune", "0301", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["features"] > 1000
    assert main([*base, "--kommune", "3201"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "no usable OSM objects" in err and "outside the clip area" in err
    assert main(["layers", "info", str(pbf), "-k", "homes", "--bbox", "59.9,10.7,59.8,10.8"]) == 2
    assert "min_lon,min_lat,max_lon,max_lat" in capsys.readouterr().err


def test_catalogue_clip_to_a_box_cuts_while_reading(pbf, tmp_path):
    from arealanalyse.layers.catalogue import load_catalogue

    cat = load_catalogue(
        _catalogue(tmp_path, pbf, clip={"bbox": [10.728, 59.91, 10.734, 59.92], "tolerance_m": 50})
    )
    walk = cat.layer("walk_network")
    report = walk.attrs["arealanalyse"]
    assert report["clipped_out"] > 0
    box = gpd.GeoSeries([shapely.box(10.728, 59.91, 10.734, 59.92)], crs=4326)
    assert walk.geometry.intersects(box.to_crs(25832).iloc[0].buffer(51)).all()
