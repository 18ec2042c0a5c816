"""Stream an OpenStreetMap file into an :class:`~arealanalyse.layers.osm.collect.OsmExtract`.

:func:`extract_osm` reads an ``.osm.pbf``, ``.osm``/``.osm.xml`` (also ``.bz2``/``.gz``) file with
pyosmium, or an Overpass API ``[out:json]`` answer, in one streaming pass over the nodes and ways
(plus a first, cheap pass over the relations). It is the only place that touches OSM files;
:mod:`arealanalyse.layers.osm.collect` keeps what the kinds need and
:mod:`arealanalyse.layers.osm.read` maps the extract to canonical layers.

**Cut while streaming.** With ``clip`` (a polygon or box in lon/lat), tagged nodes outside it are
skipped as they are read and ways are tested in batches of 20,000 as they stream by, so a county or
country file yields a kommune's objects in memory proportional to the kommune (plus pyosmium's node
location index, 8–16 bytes per node of the file). Objects that reach into the clip area are kept
whole. The relation members are kept whatever their position, so that a forest crossing the
boundary still closes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from arealanalyse.errors import LayerFileError
from arealanalyse.layers.osm.collect import (
    Builder,
    Clip,
    KindSpec,
    OsmExtract,
    Way,
    build_extract,
    node_runs,
    osm_level,
)

__all__ = ["extract_osm"]


def _read_pbf_or_xml(path: Path, b: Builder) -> None:
    """Up to three passes: relations, their member ways, then nodes and ways with locations."""
    import osmium
    from osmium.geom import WKBFactory, use_nodes

    name = path.name.lower()
    fmt = "pbf" if name.endswith(".pbf") else "osm"
    for comp in ("bz2", "gz"):
        if name.endswith("." + comp):
            fmt = f"osm.{comp}"

    def source() -> Any:
        return osmium.io.File(str(path), fmt)

    keyset = b.keyset
    member_refs: dict[int, list[int]] = {}
    if b.spec:
        # 1. relations only (the reader skips node and way blocks)
        rel_filter = osmium.filter.KeyFilter(*b.spec)
        r: Any
        for r in osmium.FileProcessor(source(), osmium.osm.RELATION).with_filter(rel_filter):
            kept = {t.k: t.v for t in r.tags if t.k in keyset}
            b.relation(r.id, r.tags.get("type"), kept,
                       [(m.type, m.ref, m.role) for m in r.members])  # fmt: skip
        # 2. the member ways of those relations, whatever their tags: node ids only
        if b.member_ids:
            ids = osmium.filter.IdFilter(b.member_ids)
            w: Any
            for w in osmium.FileProcessor(source(), osmium.osm.WAY).with_filter(ids):
                member_refs[w.id] = [n.ref for n in w.nodes]
    # 3. nodes and ways; every node location is stored in C++, and only nodes and ways with a
    #    key some kind needs reach Python
    proc = osmium.FileProcessor(source(), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    if b.node_keys:
        node_filter = osmium.filter.KeyFilter(*b.node_keys)
        node_filter.enable_for(osmium.osm.NODE)
        proc.with_filter(node_filter)
    else:
        proc.with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
    if b.way_keys:
        way_filter = osmium.filter.KeyFilter(*b.way_keys)
        way_filter.enable_for(osmium.osm.WAY)
        proc.with_filter(way_filter)
    else:
        proc.with_filter(osmium.filter.EntityFilter(osmium.osm.NODE))
    factory = WKBFactory()
    all_nodes = use_nodes.ALL
    haversine = osmium.geom.haversine_distance
    keys = b.keys
    clip = b.clip
    obj: Any
    for obj in proc:
        if obj.is_node():
            loc = obj.location
            if loc.valid():
                if clip is not None and not clip.point_in(loc.lon, loc.lat):
                    b.out.clipped += 1
                    continue
                tags = obj.tags
                b.node(obj.id, loc.lon, loc.lat,
                       {k: v for k in keys if (v := tags.get(k)) is not None})  # fmt: skip
            continue
        if clip is not None:
            # cut while streaming: a way that cannot reach the clip area is skipped before its
            # tags are read (exact: it lies within its own length of its first node)
            nodes = obj.nodes
            try:
                first = nodes[0].location
                if first.valid():
                    gap = clip.distance_lb_m(first.lon, first.lat)
                    if gap > 0 and gap > haversine(nodes):
                        b.out.clipped += 1
                        continue
            except Exception:  # a missing node or an empty way: read it in full
                pass
        tags = obj.tags
        kept = {k: v for k in keys if (v := tags.get(k)) is not None}
        walk, feature = b.wants(kept)
        if not (walk or feature):
            continue
        way = Way(obj.id, kept, obj.is_closed(), walk=walk, feature=feature)
        if walk:
            way.level = osm_level(kept)
        try:
            way.wkb = factory.create_linestring(obj.nodes, all_nodes)
        except Exception:  # a missing node (InvalidLocationError) or < 2 nodes
            coords = [
                (n.location.lon, n.location.lat) if n.location.valid() else None for n in obj.nodes
            ]
            way.runs = node_runs(coords)
            way.present = [c for c in coords if c is not None]
        b.way(way)
    b.flush()
    store: Any = proc.node_location_storage
    for wid, refs in member_refs.items():
        coords = []
        for ref in refs:
            try:
                loc = store.get(ref)
            except KeyError:
                coords.append(None)
                continue
            coords.append((loc.lon, loc.lat) if loc.valid() else None)
        b.member(wid, coords)


def _read_overpass_json(path: Path, b: Builder) -> None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        elements = doc["elements"]
        if not isinstance(elements, list):
            raise TypeError("elements is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise LayerFileError(
            f"OSM file {path.name!r} is not an Overpass JSON answer ({type(exc).__name__}); "
            "is it OSM XML or PBF with the wrong suffix?"
        ) from None
    nodes: dict[int, tuple[float, float]] = {}
    for el in elements:
        if el.get("type") == "relation" and b.spec:
            members = [
                (str(m.get("type", ""))[:1], int(m.get("ref", 0)), str(m.get("role", "")))
                for m in el.get("members", [])
            ]
            tags = el.get("tags", {})
            b.relation(int(el["id"]), tags.get("type"), b.tags_of(tags), members)
        elif el.get("type") == "node" and "lat" in el and "lon" in el:
            nodes[int(el["id"])] = (float(el["lon"]), float(el["lat"]))
    node_keys = set(b.node_keys)
    for el in elements:
        tags = el.get("tags") or {}
        if el.get("type") == "node" and "lat" in el and node_keys.intersection(tags):
            lon, lat = nodes[int(el["id"])]
            b.node(int(el["id"]), lon, lat, b.tags_of(tags))
    for el in elements:
        if el.get("type") != "way":
            continue
        wid = int(el["id"])
        refs = [int(r) for r in el.get("nodes", [])]
        geom = el.get("geometry")  # `out geom`: coordinates inline, null where cut away
        if isinstance(geom, list) and len(geom) == len(refs):
            coords = [(float(g["lon"]), float(g["lat"])) if g else None for g in geom]
        else:
            coords = [nodes.get(r) for r in refs]
        if wid in b.member_ids:
            b.member(wid, coords)
        kept = b.tags_of(el.get("tags", {}))
        walk, feature = b.wants(kept)
        if not (walk or feature):
            continue
        way = Way(wid, kept, len(refs) > 2 and refs[0] == refs[-1], walk=walk, feature=feature)
        if walk:
            way.level = osm_level(kept)
        way.runs = node_runs(coords)
        way.present = [c for c in coords if c is not None]
        if all(c is not None for c in coords) and len(way.runs) == 1:
            way.wkb = shapely.to_wkb(shapely.linestrings(np.asarray(coords)), hex=True)
            way.runs = way.present = None
        b.way(way)
    b.flush()


def extract_osm(
    path: str | Path,
    /,
    *,
    kinds: Mapping[str, KindSpec],
    walk: Callable[[Mapping[str, str]], bool] | None = None,
    walk_keys: Iterable[str] = (),
    clip: Any = None,
) -> OsmExtract:
    """Read an OSM file (PBF, XML or Overpass JSON) into an :class:`OsmExtract`.

    Parameters
    ----------
    path
        The file. Never modified.
    kinds
        The feature kinds wanted, each with its :class:`KindSpec`.
    walk
        Predicate on a way's tags: is it part of the walk network? ``None``: no walk network.
    walk_keys
        The tag keys ``walk`` reads.
    clip
        A polygon (shapely, EPSG:4326) to cut the file to while reading, or ``None``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cut.osm"
    >>> _ = p.write_text('<osm version="0.6"><node id="1" lat="59.9" lon="10.6"/>'
    ...     '<node id="2" lat="59.9" lon="10.601"/><node id="4" lat="59.901" lon="10.601"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/>'
    ...     '<tag k="highway" v="footway"/></way></osm>')
    >>> ext = extract_osm(p, kinds={}, walk=lambda t: True)
    >>> ext.walk[["repair"]].to_dict("index"), ext.walk.geometry.iloc[0].geom_type
    ({'way/9': {'repair': 'split_at_gaps'}}, 'LineString')
    """
    src = Path(path)
    builder = Builder(kinds, walk, walk_keys, Clip(clip) if clip is not None else None)
    if src.name.lower().endswith(".json"):
        _read_overpass_json(src, builder)
    else:
        try:
            _read_pbf_or_xml(src, builder)
        except LayerFileError:
            raise
        except (RuntimeError, ValueError, OSError) as exc:  # osmium's parse errors
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LayerFileError(
                f"OSM file {src.name!r} cannot be read ({first}); is it an OSM PBF or XML file?"
            ) from None
    return build_extract(builder, str(src))
