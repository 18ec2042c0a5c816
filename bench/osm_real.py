"""Benchmark on real streets: the oslo-vest OSM extract, and a county-size file tiled from it.

Run by ``make bench`` after ``bench/run.py`` (or alone: ``.venv/bin/python bench/osm_real.py``).
Every measurement runs in its own fresh process (so its peak memory is its own):

1. **oslo-vest, load**: from the real ``oslo-vest.osm.pbf`` to every layer (walk network, homes,
   services, green, transit; one read of the file) and the walk graph with its search structures.
2. **oslo-vest, the whole suite** (:func:`arealanalyse.metrics.run_suite`) on that network after
   load, best of 3; and the common task of ``bench/run.py`` (distance from every node to the
   nearest target of each category) with arealanalyse, cityseer and pandana on the same real
   graph, with their agreement and the time ratios.
3. **county-size file**: the real extract tiled into a PBF of at least 100 MB (shifted copies with
   fresh ids, written under ``build/bench``, never committed) is cut to a polygon the size and
   shape of Bærum (192 km², Kartverket's outline moved onto the tiles) while it is read, and the
   walk network built: time and peak memory.

Results go to ``bench/results.json`` (key ``real_osm``) and ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
WORK = ROOT / "build" / "bench"
sys.path.insert(0, str(ROOT / "bench"))

import run as bench_run  # noqa: E402  (bench/run.py: engines, process pool, markdown)

KINDS = ("walk_network", "homes", "services", "green", "transit")


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds of this process, all threads (wall time suffers when others share the CPUs)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# --------------------------------------------------------------------------- tasks (children)
def task_load(pbf: str, folder: str) -> dict[str, Any]:
    """PBF -> every layer and the walk graph (one read of the file); layers saved for the rest."""
    t0, cpu0 = time.perf_counter(), _cpu_s()
    from arealanalyse.layers.osm import osm_extract, read_osm
    from arealanalyse.network import WalkNetwork

    t_import = time.perf_counter() - t0
    t = time.perf_counter()
    osm_extract(pbf, kinds=KINDS)
    t_read = time.perf_counter() - t
    layers = {k: read_osm(pbf, k) for k in KINDS}
    t_layers = time.perf_counter() - t
    t = time.perf_counter()
    net = WalkNetwork.from_edges(layers["walk_network"]).prepare()
    t_net = time.perf_counter() - t
    total = time.perf_counter() - t0
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for kind, gdf in layers.items():
        gdf.to_parquet(out / f"{kind}.parquet")
    return {
        "import_s": t_import,
        "read_file_s": t_read,
        "layers_s": t_layers,
        "network_s": t_net,
        "total_s": total,
        "cpu_s": _cpu_s() - cpu0,
        "peak_rss_mb": _rss_mb(),
        "features": {k: len(v) for k, v in layers.items()},
        "dropped": {k: v.attrs["arealanalyse"].get("dropped", 0) for k, v in layers.items()},
        "repaired": {k: v.attrs["arealanalyse"].get("repaired", 0) for k, v in layers.items()},
        "n_nodes": net.n_nodes,
        "n_edges": net.n_edges,
        "components": int(net.component.max()) + 1,
        "largest_component_share": net.largest_component_share,
        "topology": net.topology,
    }


def task_county(pbf: str, polygon_wkt: str) -> dict[str, Any]:
    """Cut the tiled file to the polygon while reading it, and build the walk network."""
    t0 = time.perf_counter()
    import geopandas as gpd
    import shapely

    from arealanalyse.layers.osm import read_osm
    from arealanalyse.network import WalkNetwork

    area = gpd.GeoSeries([shapely.from_wkt(polygon_wkt)], crs=4326)
    t_import = time.perf_counter() - t0
    t, cpu0 = time.perf_counter(), _cpu_s()
    walk = read_osm(pbf, "walk_network", clip=area)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    net = WalkNetwork.from_edges(walk).prepare()
    t_net = time.perf_counter() - t
    return {
        "import_s": t_import,
        "cut_and_read_s": t_read,
        "network_s": t_net,
        "cut_and_network_s": t_read + t_net,
        "cut_and_network_cpu_s": _cpu_s() - cpu0,
        "total_s": time.perf_counter() - t0,
        "peak_rss_mb": _rss_mb(),
        "walk_ways": len(walk),
        "objects_outside": walk.attrs["arealanalyse"].get("clipped_out", 0),
        "n_nodes": net.n_nodes,
        "n_edges": net.n_edges,
        "topology": net.topology,
    }


# --------------------------------------------------------------------------- orchestration
def _baerum_on_tiles(bounds: list[float]) -> tuple[str, float]:
    """Bærum's outline (Kartverket, via robhop) moved to the middle of the tiled area."""
    import geopandas as gpd
    import shapely

    k = gpd.read_file(REAL / "robhop-kommuner" / "kommuner_baerum_asker_oslo_M.geojson")
    b = k[k["kommunenummer"].astype(str) == "3201"].geometry.union_all()
    c = b.centroid
    moved = shapely.affinity.translate(
        b, (bounds[0] + bounds[2]) / 2 - c.x, (bounds[1] + bounds[3]) / 2 - c.y
    )
    area_km2 = float(gpd.GeoSeries([moved], crs=4326).to_crs(25832).area.iloc[0] / 1e6)
    return moved.wkt, area_km2


def _tiled_file(src: Path, min_mb: float) -> tuple[Path, dict[str, Any]]:
    import math

    import tile_pbf

    out = WORK / f"tiled-{int(min_mb)}mb.osm.pbf"
    meta = out.with_suffix(".json")
    if out.is_file() and meta.is_file():
        return out, json.loads(meta.read_text())
    # wide enough for Bærum (17 x 20 km) with a margin: >= 22 km of 1.1 km columns
    cols, rows = tile_pbf.plan(src, min_mb)
    n = cols * rows
    cols = max(cols, 20)
    rows = max(math.ceil(n / cols), 6)
    print(f"[county] writing {cols} x {rows} tiles of {src.name} to {out}", flush=True)
    info = tile_pbf.tile(src, out, cols=cols, rows=rows)
    while info["size_mb"] < min_mb:
        rows += 1
        info = tile_pbf.tile(src, out, cols=cols, rows=rows)
    meta.write_text(json.dumps(info, indent=2))
    return out, info


def bench(repeats: int, distance: float, min_mb: float) -> dict[str, Any]:
    pbf = REAL / "osm-oslo-vest" / "oslo-vest.osm.pbf"
    if not pbf.is_file():
        raise SystemExit(f"real data not found at {pbf}")
    folder = WORK / "oslo-vest"
    res: dict[str, Any] = {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "source": "OpenStreetMap extract of western Oslo (June 2025), oslo-vest.osm.pbf",
        "distance_m": distance,
    }
    print("[oslo-vest] load: PBF -> every layer and the network", flush=True)
    res["loadavg_1min"] = os.getloadavg()[0]
    res["load"] = bench_run._run(task_load, str(pbf), str(folder))
    print(f"[oslo-vest] load {res['load']['total_s']:.2f} s", flush=True)
    print("[oslo-vest] the whole suite", flush=True)
    res["suite"] = bench_run._run(bench_run.task_suite, str(folder), repeats)
    print(f"[oslo-vest] suite {res['suite']['suite_s']:.3f} s", flush=True)
    ours = bench_run._run(bench_run.task_ours, str(folder), distance)
    res["arealanalyse"] = {k: ours[k] for k in ("build_s", "query_s", "homes_query_s",
                                                 "peak_rss_mb")}  # fmt: skip
    res["n_targets"] = {k: len(v) for k, v in ours["targets"].items()}
    for name, func in (("cityseer", bench_run.task_cityseer), ("pandana", bench_run.task_pandana)):
        print(f"[oslo-vest] {name}", flush=True)
        try:
            peer = bench_run._run(func, str(folder), distance)
        except Exception as exc:  # a peer failing must not lose the other results
            res[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        res[name] = {k: peer[k] for k in ("build_s", "query_s", "peak_rss_mb")}
        res[name].update(bench_run._agreement(ours["fields"], peer["fields"], distance))
        suite_s = res["suite"]["suite_s"]
        res[name]["query_vs_our_whole_suite"] = peer["query_s"] / suite_s
        res[name]["build_plus_query_vs_our_whole_suite"] = (
            peer["build_s"] + peer["query_s"]
        ) / suite_s
    tiled, info = _tiled_file(pbf, min_mb)
    wkt, area_km2 = _baerum_on_tiles(info["bounds"])
    print(f"[county] cut {tiled.name} ({info['size_mb']:.0f} MB) to {area_km2:.0f} km2", flush=True)
    res["county_file"] = {**info, "path": str(tiled.relative_to(ROOT))}
    res["county_polygon_km2"] = area_km2
    res["county_loadavg_1min"] = os.getloadavg()[0]
    res["county"] = bench_run._run(task_county, str(tiled), wkt)
    print(f"[county] {res['county']['cut_and_network_s']:.1f} s", flush=True)
    load, county = res["load"], res["county"]
    res["checks"] = {
        "oslo_vest_loads_under_5_s": load["total_s"] < 5.0,
        "suite_under_1_s": res["suite"]["suite_s"] < 1.0,
        "county_file_at_least_100_mb": info["size_mb"] >= 100.0,
        "county_polygon_192_km2": abs(area_km2 - 192.0) < 2.0,
        "county_cut_and_network_under_60_s": county["cut_and_network_s"] < 60.0,
        "county_peak_memory_under_4_gb": county["peak_rss_mb"] < 4096.0,
        "peers_agree_within_1_m": all(
            res.get(n, {}).get("max_abs_diff_m", float("inf")) <= 1.0
            and res.get(n, {}).get("reached_by_one_only", 1) == 0
            for n in ("cityseer", "pandana")
        ),
    }
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--distance", type=float, default=1000.0)
    ap.add_argument("--min-mb", type=float, default=100.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    ap.add_argument("--doc", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args(argv)
    res = bench(args.repeats, args.distance, args.min_mb)
    from arealanalyse.io import write_json

    out = Path(args.out)
    results = json.loads(out.read_text()) if out.is_file() else {"scales": []}
    results["real_osm"] = res
    readers = ROOT / "bench" / "osm_readers.json"
    if readers.is_file():
        results["osm_readers"] = json.loads(readers.read_text())
    write_json(out, results)
    bench_run.write_markdown(results, Path(args.doc))
    print(f"wrote {out} and {args.doc}; checks {res['checks']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
