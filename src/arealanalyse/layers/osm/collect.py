"""What an OSM file yields for the canonical kinds, surviving clipped data.

A reader (:mod:`arealanalyse.layers.osm.stream`: pyosmium or Overpass JSON) hands every node,
way and relation a kind may need to a :class:`Builder`, which keeps the tags the kinds read,
clips, and batches the ways; :func:`build_extract` turns that into an :class:`OsmExtract`: the
tagged objects as features with tag columns, and the walkable ways as lines.

Every real extract is clipped (Geofabrik, BBBike, ``osmium extract``, an Overpass answer cut at a
bounding box): ways lose the nodes outside, relations lose members. The rules:

* a way with missing nodes keeps its present runs of nodes, split at each gap and never joined
  across it (a MultiLineString; runs of one node are dropped);
* a closed way with missing nodes cannot be an area: it keeps its runs, marked ``area_cut`` (a
  polygon kind drops it; a point kind uses a point on the present part);
* a multipolygon relation is assembled from the member ways present: rings are chained from the
  members' end points, every ring that closes is used (even-odd nesting, as libosmium does), and
  open chains are left out (``multipolygon_partial``); a relation with no closed ring is marked
  ``multipolygon_open``;
* an object with no node in the file has no geometry (``no_geometry``).

Each object carries what happened to it in ``issue`` (it cannot be used as it is) and ``repair``
(it was used in part); the per-kind load report counts both by reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.layers.osm.multipolygon import assemble_multipolygon

__all__ = [
    "ISSUES",
    "REPAIRS",
    "Builder",
    "Clip",
    "KindSpec",
    "OsmExtract",
    "TagSpec",
    "Way",
    "build_extract",
    "node_runs",
    "osm_level",
]

#: What an ``issue`` code means (the object cannot be used as it is).
ISSUES: dict[str, str] = {
    "no_geometry": "no node of the object is in the file (cut away by the extract)",
    "area_cut": "outline cut by the extract's edge (nodes missing), so it cannot close",
    "multipolygon_open": "multipolygon whose rings cannot close (members missing or broken)",
    "not_closed": "outline not closed (a line, not an area)",
    "too_few_nodes": "fewer than two distinct nodes",
}
#: What a ``repair`` code means (the object was used in part).
REPAIRS: dict[str, str] = {
    "split_at_gaps": "way cut by the extract's edge: kept its present runs, split at each gap",
    "multipolygon_partial": "multipolygon with missing members or open chains: built from the "
    "rings that close",
}

#: Tag filter of one canonical kind: ``{key: True}`` (any value) or ``{key: [values]}``.
TagSpec = Mapping[str, "bool | list[str]"]

_BATCH = 20_000
_LEVEL_KEYS = ("highway", "layer", "bridge", "tunnel")  # kept for walk ways: their level
_LINE_NATURAL = {"coastline", "cliff", "ridge", "arete", "tree_row", "earth_bank"}
_AREA_KEYS = ("building", "landuse", "leisure", "amenity", "shop", "healthcare",
              "social_facility", "tourism", "office", "man_made", "place")  # fmt: skip


@dataclass
class OsmExtract:
    """What :func:`extract_osm` found, in EPSG:4326.

    Attributes
    ----------
    features
        Tagged nodes, ways and relations matching any feature kind, indexed ``"node/1"``,
        ``"way/2"``, ``"relation/3"``: one column per kept tag key, ``issue`` and ``repair`` (codes
        of :data:`ISSUES` and :data:`REPAIRS`, ``""`` when none) and the geometry (Point,
        LineString/MultiLineString, Polygon/MultiPolygon, MultiPoint or None).
    walk
        Ways passing the walk filter: ``highway``, ``level`` (see :func:`osm_level`), ``issue``,
        ``repair`` and the line geometry, indexed ``"way/1"``.
    clipped_out
        OSM objects with a tag key of the kinds read that lie outside the clip area (not read).
    source
        The file read.
    """

    features: gpd.GeoDataFrame
    walk: gpd.GeoDataFrame
    clipped_out: int = 0
    source: str = ""


def osm_level(tags: Mapping[str, str], /) -> str:
    """Return the vertical level of a way: ``layer``, else +1 on a bridge, -1 in a tunnel.

    Lines on different levels are never joined where they cross (see
    :mod:`arealanalyse.network.topology`). A building passage is at ground level.

    Examples
    --------
    >>> osm_level({"highway": "footway"}), osm_level({"bridge": "yes"})
    ('0', '1')
    >>> osm_level({"tunnel": "yes", "layer": "-2"}), osm_level({"tunnel": "building_passage"})
    ('-2', '0')
    """
    if "layer" not in tags and "bridge" not in tags and "tunnel" not in tags:
        return "0"
    layer = tags.get("layer")
    if layer:
        m = re.match(r"\s*([+-]?\d+)", layer)
        if m:
            return str(int(m.group(1)))
    if tags.get("bridge", "no") not in ("no", ""):
        return "1"
    if tags.get("tunnel", "no") not in ("no", "", "building_passage"):
        return "-1"
    return "0"


def _compile(specs: Iterable[TagSpec]) -> tuple[dict[str, frozenset[str] | None], list[str]]:
    """Merge tag specs into ``{key: None (any value) | values}`` and the list of keys."""
    merged: dict[str, set[str] | None] = {}
    for spec in specs:
        for key, values in spec.items():
            if values is True:
                merged[key] = None
            elif merged.get(key, set()) is not None:
                cur = merged.setdefault(key, set())
                assert cur is not None
                cur.update(str(v) for v in values)  # type: ignore[union-attr]
    out = {k: (None if v is None else frozenset(v)) for k, v in merged.items()}
    return out, sorted(out)


def _matches(tags: Mapping[str, str], spec: Mapping[str, frozenset[str] | None]) -> bool:
    for key, value in tags.items():
        if key in spec:
            values = spec[key]
            if values is None or value in values:
                return True
    return False


def _is_area(tags: Mapping[str, str]) -> bool:
    area = tags.get("area")
    if area == "no":
        return False
    if area == "yes":
        return True
    if any(k in tags for k in _AREA_KEYS):
        return True
    natural = tags.get("natural")
    if natural is not None and natural not in _LINE_NATURAL:
        return True
    if tags.get("public_transport") in ("platform", "station"):
        return True
    return tags.get("railway") in ("station", "platform")


def node_runs(coords: list[tuple[float, float] | None]) -> list[np.ndarray]:
    """Present runs of a node sequence (``None`` = missing node), each with >= 2 distinct nodes."""
    out: list[np.ndarray] = []
    cur: list[tuple[float, float]] = []
    for c in [*coords, None]:
        if c is None:
            if len(cur) >= 2:
                arr = np.asarray(cur, dtype=np.float64)
                if (arr != arr[0]).any():
                    out.append(arr)
            cur = []
        elif not cur or cur[-1] != c:
            cur.append(c)
    return out


@dataclass(frozen=True)
class KindSpec:
    """What one feature kind needs from an OSM file.

    ``tags`` says which objects belong to the kind (``{key: True}`` or ``{key: [values]}``);
    ``keys`` are further tag keys its mapping reads (``name``, ``building:levels``...);
    ``node_keys`` are the keys by which a *node* can belong to it (``None``: the keys of
    ``tags``; ``()``: nodes never do, e.g. roads), so that the many tagged nodes no kind uses
    (trees, crossings) never leave the C++ reader. ``aux_nodes`` are further nodes the kind's
    mapping looks at without being of the kind (``homes``: shops inside buildings); they are
    read into :attr:`OsmExtract.features` with their tags.
    """

    tags: TagSpec
    keys: tuple[str, ...] = ()
    node_keys: tuple[str, ...] | None = None
    aux_nodes: TagSpec | None = None


@dataclass
class Way:
    """One way as read: tags kept, closedness, and either a WKB line or runs of coordinates."""

    osm_id: int
    tags: dict[str, str]
    closed: bool
    wkb: str | None = None  # complete ways (every node present)
    runs: list[np.ndarray] | None = None  # incomplete ways
    present: list[tuple[float, float]] | None = None  # nodes present (incomplete ways)
    walk: bool = False
    feature: bool = False
    level: str = "0"


@dataclass
class Collected:
    """Everything a reader hands to the builder."""

    nodes: list[tuple[int, float, float, dict[str, str]]] = field(default_factory=list)
    ways: list[tuple[Way, Any]] = field(default_factory=list)  # (way, geometry)
    members: dict[int, tuple[Any, bool]] = field(default_factory=dict)  # way id -> (geom, whole)
    relations: list[tuple[int, dict[str, str], list[tuple[str, int, str]]]] = field(
        default_factory=list
    )
    clipped: int = 0


class Clip:
    """A clip polygon in lon/lat, prepared, with a coarse grid of distances to it.

    The grid (cells of about 200 m over the polygon's box plus 5 km) holds, for each cell, a
    lower bound of the distance in metres from any point of the cell to the polygon, so that a
    way can be skipped from its first node and its length alone, before its tags are read.
    """

    _MARGIN_M = 5000.0

    def __init__(self, geom: Any) -> None:
        self.geom = geom
        shapely.prepare(geom)
        self.minx, self.miny, self.maxx, self.maxy = geom.bounds
        band = max(abs(self.miny), abs(self.maxy))
        # the smallest metres per degree over the band: distances come out too short, never long
        self.kx = 111_320.0 * math.cos(math.radians(min(band + 0.1, 89.9)))
        self.ky = 110_570.0
        gx0 = self.minx - self._MARGIN_M / self.kx
        gy0 = self.miny - self._MARGIN_M / self.ky
        width = (self.maxx - self.minx) * self.kx + 2 * self._MARGIN_M
        height = (self.maxy - self.miny) * self.ky + 2 * self._MARGIN_M
        cell = max(200.0, math.sqrt(width * height / 250_000.0))
        nx, ny = math.ceil(width / cell), math.ceil(height / cell)
        self.gx0, self.gy0, self.cx, self.cy = gx0, gy0, cell / self.kx, cell / self.ky
        self.nx, self.ny = nx, ny
        xs = (gx0 + (np.arange(nx) + 0.5) * self.cx) * self.kx
        ys = (gy0 + (np.arange(ny) + 0.5) * self.cy) * self.ky
        local = shapely.transform(geom, lambda c: c * np.array([self.kx, self.ky]))
        shapely.prepare(local)
        gx, gy = np.meshgrid(xs, ys)
        d = shapely.distance(local, shapely.points(gx.ravel(), gy.ravel())).reshape(ny, nx)
        lower = np.maximum(0.99 * d - cell * math.sqrt(0.5) - 1.0, 0.0)
        self.grid: list[list[float]] = lower.tolist()

    def point_in(self, lon: float, lat: float) -> bool:
        """Return whether (lon, lat) lies in the clip polygon."""
        if not (self.minx <= lon <= self.maxx and self.miny <= lat <= self.maxy):
            return False
        return bool(shapely.intersects_xy(self.geom, lon, lat))

    def distance_lb_m(self, lon: float, lat: float) -> float:
        """Return a lower bound of the distance (m) from (lon, lat) to the clip polygon.

        A line shorter than this that starts at the point can never reach the polygon.
        """
        ix = int((lon - self.gx0) / self.cx)
        iy = int((lat - self.gy0) / self.cy)
        if 0 <= ix < self.nx and 0 <= iy < self.ny:
            return self.grid[iy][ix]
        # outside the grid: the distance to the polygon's box, at the smallest scale there
        dlon = max(self.minx - lon, 0.0, lon - self.maxx)
        dlat = max(self.miny - lat, 0.0, lat - self.maxy)
        k = 111_320.0 * math.cos(math.radians(min(max(abs(lat), abs(self.miny), abs(self.maxy))
                                                  + 0.1, 89.9)))  # fmt: skip
        return max(0.99 * math.hypot(dlon * k, dlat * self.ky) - 1.0, 0.0)

    def keep(self, geoms: np.ndarray) -> np.ndarray:
        """Return a mask of the geometries that reach into the clip polygon."""
        ok = ~shapely.is_missing(geoms)
        out = np.zeros(len(geoms), dtype=bool)
        out[ok] = shapely.intersects(self.geom, geoms[ok])
        return out


def _way_geometry(way: Way) -> Any:
    """Line (or runs) of a way; areas are made later. Complete ways come as WKB."""
    if way.wkb is not None:
        return shapely.from_wkb(way.wkb)
    return _runs_geometry(way.runs or [], way.present or [])


def _runs_geometry(runs: list[np.ndarray], present: list[tuple[float, float]]) -> Any:
    if len(runs) == 1:
        return shapely.linestrings(runs[0])
    if runs:
        return shapely.multilinestrings([shapely.linestrings(r) for r in runs])
    if present:
        return shapely.multipoints(np.asarray(present))
    return None


def _merge_specs(
    specs: Iterable[Mapping[str, frozenset[str] | None]],
) -> dict[str, frozenset[str] | None]:
    merged: dict[str, frozenset[str] | None] = {}
    for spec in specs:
        for key, values in spec.items():
            if values is None or (key in merged and merged[key] is None):
                merged[key] = None
            else:
                merged[key] = (merged.get(key) or frozenset()) | values
    return merged


class Builder:
    """Collects objects from a reader (pyosmium or Overpass JSON) in batches, clipping them."""

    def __init__(
        self,
        kinds: Mapping[str, KindSpec],
        walk: Callable[[Mapping[str, str]], bool] | None,
        walk_keys: Iterable[str],
        clip: Clip | None,
    ) -> None:
        self.kind_specs = {kind: _compile([k.tags])[0] for kind, k in kinds.items()}
        self.spec = _merge_specs(self.kind_specs.values())
        keys: set[str] = {*self.spec, "area"}  # area=yes/no decides closed ways
        for k in kinds.values():
            keys.update(k.keys)
        if walk is not None:
            keys.update({*walk_keys, *_LEVEL_KEYS})
        node_keys: set[str] = set()
        for kind, k in kinds.items():
            node_keys.update(self.kind_specs[kind] if k.node_keys is None else k.node_keys)
        # nodes a kind's mapping looks at without being of the kind (shops inside buildings)
        aux = _compile([k.aux_nodes for k in kinds.values() if k.aux_nodes])[0]
        self.node_spec = _merge_specs([self.spec, aux])
        node_keys.update(aux)
        keys.update(aux)
        self.keys = sorted(keys)
        self.keyset = frozenset(self.keys)
        self.node_keys = sorted(node_keys)
        self.way_keys = sorted(set(self.spec) | ({"highway"} if walk is not None else set()))
        self.walk_ok = walk
        self.clip = clip
        self.out = Collected()
        self.member_ids: set[int] = set()
        self._batch: list[Way] = []

    def tags_of(self, tags: Mapping[str, str]) -> dict[str, str]:
        """Return the tags some kind reads."""
        return {k: v for k, v in tags.items() if k in self.keyset}

    def relation(
        self, rid: int, rtype: str | None, kept: dict[str, str], members: list[tuple[str, int, str]]
    ) -> None:
        """Keep a multipolygon or boundary relation of some kind and note its member ways."""
        if rtype not in ("multipolygon", "boundary") or not _matches(kept, self.spec):
            return
        self.out.relations.append((rid, kept, members))
        self.member_ids.update(ref for t, ref, _ in members if t == "w")

    def node(self, nid: int, lon: float, lat: float, kept: dict[str, str]) -> None:
        """Keep a tagged node some kind needs, unless it lies outside the clip polygon."""
        if not _matches(kept, self.node_spec):
            return
        if self.clip is not None and not self.clip.point_in(lon, lat):
            self.out.clipped += 1
            return
        self.out.nodes.append((nid, lon, lat, kept))

    def wants(self, kept: dict[str, str]) -> tuple[bool, bool]:
        """(walk, feature) for a way's kept tags."""
        walk = self.walk_ok is not None and "highway" in kept and self.walk_ok(kept)
        return walk, _matches(kept, self.spec)

    def member(self, wid: int, coords: list[tuple[float, float] | None]) -> None:
        """Store a relation member way (whatever its tags) from its node coordinates."""
        if all(c is not None for c in coords) and len(coords) >= 2:
            geom = shapely.linestrings(np.asarray(coords, dtype=np.float64))
            self.out.members[wid] = (geom, True)
        else:
            present = [c for c in coords if c is not None]
            self.out.members[wid] = (_runs_geometry(node_runs(coords), present), False)

    def way(self, way: Way) -> None:
        """Add a way to the current batch (clipped when the batch is full)."""
        self._batch.append(way)
        if len(self._batch) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Build the geometries of the batch and keep the ways that reach the clip polygon."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        geoms = np.empty(len(batch), dtype=object)
        complete = np.array([w.wkb is not None for w in batch])
        if complete.any():
            geoms[complete] = shapely.from_wkb([w.wkb for w in batch if w.wkb is not None])
        for i in np.flatnonzero(~complete).tolist():
            geoms[i] = _way_geometry(batch[i])
        keep = self.clip.keep(geoms) if self.clip is not None else np.ones(len(batch), bool)
        for w, g, k in zip(batch, geoms, keep, strict=True):
            if k:
                w.wkb = None  # the geometry is built; free the WKB
                self.out.ways.append((w, g))
            else:
                self.out.clipped += 1


def _geom_array(geoms: list[Any]) -> np.ndarray:
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    return arr


def build_extract(b: Builder, source: str) -> OsmExtract:
    """Turn what a reader collected into an :class:`OsmExtract` (areas, relations, issues)."""
    out = b.out
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    index: list[str] = []
    for nid, lon, lat, tags in out.nodes:
        rows.append({**tags, "issue": "", "repair": ""})
        geoms.append(shapely.Point(lon, lat))
        index.append(f"node/{nid}")
    areas: list[int] = []
    walk_rows: list[dict[str, Any]] = []
    walk_geoms: list[Any] = []
    walk_index: list[str] = []
    for w, g in out.ways:
        complete = w.runs is None
        if w.walk:
            issue = (
                "no_geometry" if g is None else "too_few_nodes" if g.geom_type == "MultiPoint"
                else ""
            )  # fmt: skip
            repair = "split_at_gaps" if not complete and not issue else ""
            walk_rows.append({"highway": w.tags.get("highway", ""), "level": w.level,
                              "issue": issue, "repair": repair})  # fmt: skip
            walk_geoms.append(None if issue else g)
            walk_index.append(f"way/{w.osm_id}")
        if not w.feature:
            continue
        issue, repair, geom = "", "", g
        if g is None:
            issue = "no_geometry"
        elif complete and w.closed and _is_area(w.tags):
            areas.append(len(rows))  # made a polygon below, all at once
        elif not complete:
            if _is_area(w.tags):
                issue = "area_cut" if w.closed else "not_closed"
            elif g.geom_type == "MultiPoint":
                issue = "too_few_nodes"
            else:
                repair = "split_at_gaps"
        elif _is_area(w.tags) and not w.closed:
            issue = "not_closed"
        rows.append({**w.tags, "issue": issue, "repair": repair})
        geoms.append(geom)
        index.append(f"way/{w.osm_id}")
    if areas:  # closed, complete area ways: polygons (a degenerate ring has no area)
        lines = _geom_array([geoms[i] for i in areas])
        ok = shapely.get_num_coordinates(lines) >= 4
        polys = np.empty(len(areas), dtype=object)
        if ok.any():
            xy, which = shapely.get_coordinates(lines[ok], return_index=True)
            polys[ok] = shapely.polygons(shapely.linearrings(xy, indices=which))
        flat = ~ok
        flat[ok] = shapely.area(polys[ok]) == 0
        for k, i in enumerate(areas):
            if flat[k]:
                rows[i]["issue"] = "too_few_nodes"
            else:
                geoms[i] = polys[k]
    for rid, tags, members in out.relations:
        geom, issue, repair = assemble_multipolygon(members, out.members)
        key = f"relation/{rid}"
        if b.clip is not None and geom is not None and not b.clip.keep(np.array([geom]))[0]:
            out.clipped += 1
            continue
        rows.append({**tags, "issue": issue, "repair": repair})
        geoms.append(geom)
        index.append(key)
    columns = [*b.keys, "issue", "repair"]
    features = gpd.GeoDataFrame(
        pd.DataFrame(rows, index=pd.Index(index, name="osm_id"), columns=columns),
        geometry=_geom_array(geoms),
        crs=4326,
    )
    walk = gpd.GeoDataFrame(
        pd.DataFrame(walk_rows, index=pd.Index(walk_index, name="osm_id"),
                     columns=["highway", "level", "issue", "repair"]),
        geometry=_geom_array(walk_geoms), crs=4326,
    )  # fmt: skip
    return OsmExtract(
        features=features,
        walk=walk,
        clipped_out=out.clipped,
        source=source,
    )
