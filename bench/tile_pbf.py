"""Make a county-size OSM PBF with real topology by tiling a real extract (for benchmarks only).

The real extract is copied ``cols x rows`` times side by side, each copy shifted by the extract's
own width and height and given fresh, dense ids (every copy of an object gets its own id; ways
and relations of a copy refer to that copy's nodes and ways, and references to objects missing
from the extract stay missing). The result is never committed: ``make bench`` writes it under
``build/bench``.

Usage: ``python bench/tile_pbf.py SRC.osm.pbf OUT.osm.pbf --min-mb 100``
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any


def _load(src: Path) -> dict[str, Any]:
    import osmium

    nodes: list[tuple[int, float, float, list[tuple[str, str]]]] = []
    ways: list[tuple[int, list[int], list[tuple[str, str]]]] = []
    rels: list[tuple[int, list[tuple[str, int, str]], list[tuple[str, str]]]] = []
    for o in osmium.FileProcessor(str(src)):
        tags = [(t.k, t.v) for t in o.tags]
        if o.is_node():
            if o.location.valid():
                nodes.append((o.id, o.location.lon, o.location.lat, tags))
        elif o.is_way():
            ways.append((o.id, [n.ref for n in o.nodes], tags))
        elif o.is_relation():
            rels.append((o.id, [(m.type, m.ref, m.role) for m in o.members], tags))
    node_ids = sorted({n[0] for n in nodes} | {r for w in ways for r in w[1]}
                      | {m[1] for r in rels for m in r[1] if m[0] == "n"})  # fmt: skip
    way_ids = sorted({w[0] for w in ways} | {m[1] for r in rels for m in r[1] if m[0] == "w"})
    rel_ids = sorted({r[0] for r in rels} | {m[1] for r in rels for m in r[1] if m[0] == "r"})
    lons = [n[1] for n in nodes]
    lats = [n[2] for n in nodes]
    return {
        "nodes": nodes,
        "ways": ways,
        "rels": rels,
        "nmap": {old: i for i, old in enumerate(node_ids)},
        "wmap": {old: i for i, old in enumerate(way_ids)},
        "rmap": {old: i for i, old in enumerate(rel_ids)},
        "bounds": (min(lons), min(lats), max(lons), max(lats)),
    }


def tile(src: Path, out: Path, *, cols: int, rows: int) -> dict[str, Any]:
    """Write ``cols x rows`` shifted copies of ``src`` with fresh ids to ``out`` (PBF)."""
    import osmium
    from osmium.osm.mutable import Node, Relation, Way

    data = _load(src)
    minx, miny, maxx, maxy = data["bounds"]
    dx, dy = maxx - minx, maxy - miny
    nn, nw, nr = len(data["nmap"]), len(data["wmap"]), len(data["rmap"])
    nmap, wmap, rmap = data["nmap"], data["wmap"], data["rmap"]
    tiles = [(c, r) for r in range(rows) for c in range(cols)]
    tmp = out.with_name(".part-" + out.name)
    if tmp.exists():
        tmp.unlink()
    t0 = time.perf_counter()
    with osmium.SimpleWriter(str(tmp)) as w:
        for t, (c, r) in enumerate(tiles):
            base = 1 + t * nn
            for nid, lon, lat, tags in sorted(data["nodes"], key=lambda n: nmap[n[0]]):
                w.add_node(Node(id=base + nmap[nid], location=(lon + c * dx, lat + r * dy),
                                tags=tags))  # fmt: skip
        for t, _ in enumerate(tiles):
            nbase, wbase = 1 + t * nn, 1 + t * nw
            for wid, refs, tags in sorted(data["ways"], key=lambda x: wmap[x[0]]):
                w.add_way(Way(id=wbase + wmap[wid], nodes=[nbase + nmap[x] for x in refs],
                              tags=tags))  # fmt: skip
        for t, _ in enumerate(tiles):
            bases = {"n": 1 + t * nn, "w": 1 + t * nw, "r": 1 + t * nr}
            maps = {"n": nmap, "w": wmap, "r": rmap}
            for rid, members, tags in sorted(data["rels"], key=lambda x: rmap[x[0]]):
                mem = [(ty, bases[ty] + maps[ty][ref], role) for ty, ref, role in members]
                w.add_relation(Relation(id=1 + t * nr + rmap[rid], members=mem, tags=tags))
    os.replace(tmp, out)
    return {
        "source": str(src),
        "tiles": len(tiles),
        "cols": cols,
        "rows": rows,
        "tile_deg": [dx, dy],
        "bounds": [minx, miny, minx + cols * dx, miny + rows * dy],
        "nodes": len(data["nodes"]) * len(tiles),
        "ways": len(data["ways"]) * len(tiles),
        "relations": len(data["rels"]) * len(tiles),
        "size_mb": out.stat().st_size / 2**20,
        "write_s": time.perf_counter() - t0,
    }


def plan(src: Path, min_mb: float, *, ratio: float = 1.0) -> tuple[int, int]:
    """Columns and rows so that the tiled file is at least ``min_mb`` (from a one-tile trial)."""
    per_tile = src.stat().st_size / 2**20 * 0.85  # dense fresh ids compress a little better
    n = math.ceil(min_mb / per_tile)
    cols = max(1, math.ceil(math.sqrt(n * ratio)))
    rows = math.ceil(n / cols)
    return cols, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--min-mb", type=float, default=100.0)
    args = ap.parse_args(argv)
    cols, rows = plan(args.src, args.min_mb)
    info = tile(args.src, args.out, cols=cols, rows=rows)
    while info["size_mb"] < args.min_mb:  # the estimate was short: add a row
        rows += 1
        info = tile(args.src, args.out, cols=cols, rows=rows)
    print(info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
