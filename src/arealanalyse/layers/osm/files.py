"""OSM helpers: the osmnx walk filter and its predicate, Overpass JSON and PBF/XML to OSM XML.

The public names are re-exported by :mod:`arealanalyse.layers.osm`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from arealanalyse.errors import CodeError, LayerFileError

__all__ = [
    "WALK_FILTER",
    "convert_to_osm_xml",
    "overpass_json_to_xml",
    "walk_way_filter",
    "way_filter_predicate",
]

#: osmnx's Overpass way filter of the "walk" network type (osmnx 2.x,
#: ``osmnx._overpass._get_network_filter("walk")``). Kept here so that reading an OSM file does
#: not import osmnx; a test checks that it still equals osmnx's own.
WALK_FILTER = (
    '["highway"]["area"!~"yes"]["access"!~"private"]'
    '["highway"!~"abandoned|bus_guideway|construction|cycleway|motor|no|planned|'
    'platform|proposed|raceway|razed|rest_area|services"]'
    '["foot"!~"no"]["service"!~"private"]'
    '["sidewalk"!~"separate"]["sidewalk:both"!~"separate"]'
    '["sidewalk:left"!~"separate"]["sidewalk:right"!~"separate"]'
)
_FILTER_TERM = re.compile(r'\[\s*"([^"]+)"\s*(?:(!?~|!?=)\s*"([^"]*)"\s*)?\]')


def walk_way_filter() -> str:
    """Return osmnx's Overpass way filter of the ``"walk"`` network type (:data:`WALK_FILTER`).

    Examples
    --------
    >>> walk_way_filter().startswith('["highway"]')
    True
    """
    return WALK_FILTER


def way_filter_predicate(way_filter: str, /) -> Callable[[Mapping[str, str]], bool]:
    """Turn an Overpass tag filter (``["k"]["k"!~"re"]...``) into a predicate on a tag dict.

    Semantics follow Overpass QL: ``["k"]`` needs the key; ``["k"!~"re"]`` passes when the key is
    absent or its value does not match the (unanchored) regex; ``["k"~"re"]`` needs a match;
    ``["k"="v"]`` and ``["k"!="v"]`` compare exactly.

    Examples
    --------
    >>> ok = way_filter_predicate(walk_way_filter())
    >>> ok({"highway": "footway"}), ok({"highway": "motorway"})
    (True, False)
    >>> ok({"highway": "path", "foot": "no"})
    False
    """
    terms = _FILTER_TERM.findall(way_filter)
    if not terms:
        raise CodeError(f'Way filter {way_filter!r} has no terms; use Overpass syntax ["key"].')
    compiled = [(k, op, re.compile(v) if "~" in op else v) for k, op, v in terms]

    def predicate(tags: Mapping[str, str]) -> bool:
        for key, op, val in compiled:
            has = key in tags
            if op == "":
                if not has:
                    return False
            elif op == "!~":
                if has and val.search(tags[key]):
                    return False
            elif op == "~":
                if not (has and val.search(tags[key])):
                    return False
            elif op == "=":
                if tags.get(key) != val:
                    return False
            elif op == "!=" and tags.get(key) == val:
                return False
        return True

    return predicate


def overpass_json_to_xml(src: str | Path, dst: str | Path, /) -> Path:
    """Write an Overpass API ``[out:json]`` answer as OSM XML (the format osmium and osmnx read).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.json").write_text(json.dumps({"version": 0.6, "elements": [
    ...     {"type": "node", "id": 1, "lat": 59.9, "lon": 10.6, "tags": {"shop": "bakery"}}]}))
    >>> print(overpass_json_to_xml(d / "a.json", d / "a.osm").read_text().splitlines()[2])
      <node id="1" lat="59.9" lon="10.6">
    """
    from xml.sax.saxutils import quoteattr

    try:
        doc = json.loads(Path(src).read_text(encoding="utf-8"))
        elements = doc["elements"]
    except (ValueError, KeyError, TypeError) as exc:
        raise LayerFileError(
            f"OSM file {Path(src).name!r} is not an Overpass JSON answer ({type(exc).__name__}); "
            "is it OSM XML or PBF with the wrong suffix?"
        ) from None

    def tags(el: Mapping[str, Any]) -> list[str]:
        return [f"    <tag k={quoteattr(str(k))} v={quoteattr(str(v))}/>"
                for k, v in el.get("tags", {}).items()]  # fmt: skip

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="arealanalyse">',
    ]
    order = {"node": 0, "way": 1, "relation": 2}
    for el in sorted(elements, key=lambda e: (order.get(e.get("type"), 3), e.get("id", 0))):
        kind, eid = el.get("type"), el.get("id")
        if kind == "node" and "lat" in el:
            body = tags(el)
            head = f'  <node id="{eid}" lat="{el["lat"]}" lon="{el["lon"]}"'
            lines += [head + ">", *body, "  </node>"] if body else [head + "/>"]
        elif kind == "way":
            lines += [f'  <way id="{eid}">']
            lines += [f'    <nd ref="{n}"/>' for n in el.get("nodes", [])]
            lines += [*tags(el), "  </way>"]
        elif kind == "relation":
            lines += [f'  <relation id="{eid}">']
            for m in el.get("members", []):
                role = quoteattr(str(m.get("role", "")))
                lines.append(f'    <member type="{m["type"]}" ref="{m["ref"]}" role={role}/>')
            lines += [*tags(el), "  </relation>"]
    lines.append("</osm>")
    out = Path(dst)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _osmium_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".pbf"):
        return "pbf"
    for comp in ("bz2", "gz"):
        if name.endswith("." + comp):
            return f"osm.{comp}"
    return "osm"


def convert_to_osm_xml(
    src: Path, dst: Path, *, walk_only: bool, keys: frozenset[str] | None = None
) -> int:
    """Write ``src`` (PBF or XML) as OSM XML, e.g. to record an Overpass-like answer for tests.

    ``walk_only`` keeps walkable ways and their nodes. ``keys`` keeps objects tagged with any of
    those keys plus what they are made of (member ways and nodes). Neither: everything. Returns
    the number of objects tagged with ``keys`` (0 without ``keys``). Reading does not go through
    XML: :func:`arealanalyse.layers.osm.read.read_osm` streams PBF and XML alike.
    """
    import osmium

    fmt = _osmium_format(src)

    def reader(*entities: Any) -> Any:
        proc = osmium.FileProcessor(osmium.io.File(str(src), fmt))
        if entities:
            proc = proc.with_filter(osmium.filter.EntityFilter(entities[0]))
        return proc

    nodes: set[int] = set()
    ways: set[int] = set()
    rels: set[int] = set()
    if walk_only:
        ok = way_filter_predicate(walk_way_filter())
        for obj in reader(osmium.osm.WAY):
            if ok(dict(obj.tags)):
                ways.add(obj.id)
                nodes.update(n.ref for n in obj.nodes)
    elif keys is not None:
        for obj in reader(osmium.osm.RELATION):
            if any(k in obj.tags for k in keys):
                rels.add(obj.id)
                for m in obj.members:
                    (ways if m.type == "w" else nodes if m.type == "n" else set()).add(m.ref)
        for obj in reader(osmium.osm.WAY):
            if obj.id in ways or any(k in obj.tags for k in keys):
                ways.add(obj.id)
                nodes.update(n.ref for n in obj.nodes)
    keep_all = not walk_only and keys is None
    tagged = 0
    with osmium.SimpleWriter(osmium.io.File(str(dst), "osm")) as w:
        for obj in reader():
            has_key = keys is not None and any(k in obj.tags for k in keys)
            tagged += has_key
            if obj.is_node():
                if keep_all or obj.id in nodes or has_key:
                    w.add_node(obj)
            elif obj.is_way():
                if keep_all or obj.id in ways:
                    w.add_way(obj)
            elif obj.is_relation() and (keep_all or obj.id in rels):
                w.add_relation(obj)
    return tagged
