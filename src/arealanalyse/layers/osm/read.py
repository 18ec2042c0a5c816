"""OSM files → canonical layers, with a load report that counts every dropped or repaired object.

:func:`read_osm` reads the file with :func:`~arealanalyse.layers.osm.stream.extract_osm`, only for
the kinds asked for (:func:`osm_extract` reads several at once: a catalogue that takes five kinds
from one file reads it once; the last two extracts are kept in memory), then for each kind:

1. keeps the objects whose tags belong to the kind
   (:data:`~arealanalyse.layers.osm.tags.OSM_TAGS`, or osmnx's walk filter for ``walk_network``);
2. applies the geometry rules of the kind to what clipping left: polygon kinds (``homes``,
   ``green``) need a closed outline, point kinds (``services``, ``transit``) take a point on what
   is present, line kinds (``roads``, ``walk_network``) keep the runs of a cut way;
3. maps tags to canonical columns (:func:`~arealanalyse.layers.osm.tags.map_features`, the mapping
   every OSM source shares) and validates the result.

The load report (``attrs["arealanalyse"]``, shown by ``arealanalyse layers info`` and ``layers
check``) has ``dropped_by_reason`` and ``repaired_by_reason`` (``{reason: count}``), their totals
``dropped`` and ``repaired``, and ``clipped_out`` (OSM objects with the kinds' tag keys outside
the clip area, not read).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from arealanalyse.errors import CodeError, CrsError, EmptyLayerError, LayerFileError
from arealanalyse.layers.dwellings import BUSINESS_TAGS
from arealanalyse.layers.osm.collect import ISSUES, REPAIRS, KindSpec, OsmExtract
from arealanalyse.layers.osm.files import walk_way_filter, way_filter_predicate
from arealanalyse.layers.osm.stream import extract_osm
from arealanalyse.layers.osm.tags import OSM_KINDS, OSM_TAGS, finish_layer, map_features
from arealanalyse.settings import Settings, resolve

__all__ = ["KIND_SPECS", "clip_polygon_lonlat", "layer_from_extract", "osm_extract", "read_osm"]

#: What each feature kind reads from an OSM file (see :class:`~arealanalyse.layers.osm.collect.
#: KindSpec`); the tags come from :data:`~arealanalyse.layers.osm.tags.OSM_TAGS`.
KIND_SPECS: dict[str, KindSpec] = {
    # shops and cafés inside a building: its ground floor is not dwellings (aux nodes)
    "homes": KindSpec(
        OSM_TAGS["homes"], ("building:levels", "building:flats", "name"), aux_nodes=BUSINESS_TAGS
    ),
    "services": KindSpec(OSM_TAGS["services"], ("name",)),
    # green must be an area; nodes are read only to count parks mapped as points
    "green": KindSpec(OSM_TAGS["green"], ("name",), node_keys=("leisure",)),
    "transit": KindSpec(OSM_TAGS["transit"], ("name", "ref", "station", "subway", "bus")),
    "roads": KindSpec(OSM_TAGS["roads"], ("ref", "name"), node_keys=()),
    "buildings": KindSpec(OSM_TAGS["buildings"], (), node_keys=("building",)),
    "barriers": KindSpec(
        OSM_TAGS["barriers"], ("bridge", "tunnel", "covered", "ref", "name"), node_keys=()
    ),
}

_POLYGON_KINDS = ("homes", "green", "buildings")
_POINT_KINDS = ("services", "transit")
_CACHE: OrderedDict[tuple[tuple[Any, ...], frozenset[str]], OsmExtract] = OrderedDict()
_CACHE_SIZE = 2
_POINT_FROM_PART = "point taken from the present part of an area cut by the extract"


def clip_polygon_lonlat(
    clip: Any, /, *, buffer_m: float = 0.0, settings: Settings | None = None, name: str = "clip"
) -> Any:
    """Return the clip area as one polygon in EPSG:4326, buffered by ``buffer_m`` metres.

    ``clip`` is a GeoDataFrame or GeoSeries (any CRS; its features are unioned), or a shapely
    geometry in the working CRS (``settings.crs``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoSeries([box(10.72, 59.90, 10.74, 59.94)], crs=4326)
    >>> [round(v, 3) for v in clip_polygon_lonlat(b, buffer_m=1000).bounds]
    [10.702, 59.891, 10.758, 59.949]
    """
    s = resolve(settings)
    if isinstance(clip, gpd.GeoDataFrame | gpd.GeoSeries):
        if clip.crs is None:
            raise CrsError(f"Layer {name!r}: the clip area has no CRS; give it one.")
        geoms = clip.to_crs(s.crs).geometry.values
        geom = shapely.union_all(geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))])
    else:
        geom = clip
    if geom is None or shapely.is_empty(geom):
        raise EmptyLayerError(f"Layer {name!r}: the clip area is empty; check the boundary.")
    if buffer_m:
        geom = shapely.buffer(geom, float(buffer_m))
    # densify so that straight edges in the working CRS stay close to it in lon/lat
    geom = shapely.segmentize(geom, 200.0)
    out = gpd.GeoSeries([geom], crs=CRS.from_user_input(s.crs)).to_crs(4326).iloc[0]
    return shapely.make_valid(out)


def _walk_keys() -> tuple[str, ...]:
    return tuple(sorted(set(re.findall(r'\["([^"]+)"', walk_way_filter()))))


def osm_extract(path: str | Path, /, *, kinds: Any = OSM_KINDS, clip: Any = None) -> OsmExtract:
    """Read ``path`` for ``kinds`` (cached: the last two extracts).

    ``clip`` is a polygon in EPSG:4326 (see :func:`clip_polygon_lonlat`) or ``None``. A cached
    extract of the same file and clip area that holds every kind asked for is reused.
    """
    src = Path(path)
    try:
        stat = src.stat()
    except OSError:
        raise LayerFileError(f"OSM file {str(src)!r} does not exist; check the path.") from None
    wanted = frozenset(kinds)
    unknown = sorted(wanted - set(OSM_KINDS))
    if unknown:
        raise CodeError(f"OSM files provide kinds {list(OSM_KINDS)}, not {unknown[0]!r}.")
    key = (
        str(src.resolve()),
        stat.st_size,
        stat.st_mtime_ns,
        None if clip is None else shapely.to_wkb(clip, hex=True),
    )
    for (k, have), ext in list(_CACHE.items()):
        if k == key and wanted <= have:
            _CACHE.move_to_end((k, have))
            return ext
    walk = "walk_network" in wanted
    ext = extract_osm(
        src,
        kinds={k: KIND_SPECS[k] for k in sorted(wanted) if k in KIND_SPECS},
        walk=way_filter_predicate(walk_way_filter()) if walk else None,
        walk_keys=_walk_keys() if walk else (),
        clip=clip,
    )
    _CACHE[(key, wanted)] = ext
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return ext


def _tag_mask(features: gpd.GeoDataFrame, kind: str) -> np.ndarray:
    mask = np.zeros(len(features), dtype=bool)
    for key, values in OSM_TAGS[kind].items():
        if key not in features.columns:
            continue
        col = features[key]
        if values is True:
            mask |= col.notna().to_numpy()
        else:
            mask |= col.isin([str(v) for v in values]).to_numpy()  # type: ignore[union-attr]
    return mask


def _count(reasons: dict[str, int], text: str, n: int) -> None:
    if n:
        reasons[text] = reasons.get(text, 0) + int(n)


def layer_from_extract(
    ext: OsmExtract,
    kind: str,
    /,
    *,
    name: str,
    source: str = "OpenStreetMap",
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Build the canonical layer ``kind`` from an extract, counting every drop and repair."""
    dropped: dict[str, int] = {}
    repaired: dict[str, int] = {}
    clipped = int(ext.clipped_out)
    if kind == "walk_network":
        w = ext.walk
        for code, n in w["issue"][w["issue"] != ""].value_counts().items():
            _count(dropped, f"walkable ways: {ISSUES[str(code)]}", n)
        ok = (w["issue"] == "").to_numpy()
        _count(repaired, REPAIRS["split_at_gaps"], int((w["repair"][ok] == "split_at_gaps").sum()))
        frame = gpd.GeoDataFrame(w.loc[ok, ["highway", "level"]], geometry=w.geometry[ok],
                                 crs=w.crs)  # fmt: skip
        if frame.empty:
            raise EmptyLayerError(
                f"Layer {name!r}: no walkable ways in {Path(ext.source).name}"
                + (f" ({clipped} outside the clip area)" if clipped else "")
                + "; does the file (and the clip area) cover a built-up area?"
            )
        out = finish_layer(frame, kind, name=name, source=source, settings=settings,
                           dropped=dropped, repaired=repaired)  # fmt: skip
        out.attrs["arealanalyse"]["clipped_out"] = clipped
        return out
    f = ext.features[_tag_mask(ext.features, kind)]
    issue, repair = f["issue"], f["repair"]
    if kind in _POLYGON_KINDS:
        bad = issue != ""
        for code, n in issue[bad].value_counts().items():
            _count(dropped, ISSUES[str(code)], n)
        f = f[~bad]
        _count(repaired, REPAIRS["multipolygon_partial"],
               int((f["repair"] == "multipolygon_partial").sum()))  # fmt: skip
    elif kind in _POINT_KINDS:
        bad = issue.isin(["no_geometry"])
        _count(dropped, ISSUES["no_geometry"], int(bad.sum()))
        part = issue.isin(["area_cut", "multipolygon_open", "too_few_nodes", "not_closed"])
        part |= repair != ""
        _count(repaired, _POINT_FROM_PART, int((part & ~bad).sum()))
        f = f[~bad]
    else:  # roads
        bad = (issue != "") & ~issue.isin(["area_cut"])
        for code, n in issue[bad].value_counts().items():
            _count(dropped, ISSUES[str(code)], n)
        f = f[~bad]
        cut = f["issue"] == "area_cut"  # a closed road (roundabout) cut by the edge: its runs
        _count(repaired, REPAIRS["split_at_gaps"], int(((f["repair"] != "") | cut).sum()))
    pois = None
    if kind == "homes":  # the points that may mark a business ground floor
        feats = ext.features
        pois = feats[(feats.geometry.geom_type == "Point").to_numpy()]
    frame, unmapped = map_features(f.drop(columns=["issue", "repair"]), kind, pois=pois)
    for text, n in unmapped.items():
        _count(dropped, text, n)
    if frame.empty:
        found = sum(dropped.values())
        why = "; ".join(f"{k}: {v}" for k, v in dropped.items())
        raise EmptyLayerError(
            f"Layer {name!r}: no usable OSM objects for kind {kind!r} in "
            f"{Path(ext.source).name} ({found} found and dropped"
            + (f": {why}" if why else "")
            + (f"; {clipped} outside the clip area" if clipped else "")
            + f"); check that the file covers the area (tags used: {OSM_TAGS[kind]})."
        )
    out = finish_layer(frame, kind, name=name, source=source, settings=settings,
                       dropped=dropped, repaired=repaired)  # fmt: skip
    out.attrs["arealanalyse"]["clipped_out"] = clipped
    return out


def read_osm(
    path: str | Path,
    kind: str,
    /,
    *,
    clip: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
    clip_buffer_m: float = 0.0,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read an OSM file (``.osm.pbf``, ``.osm``, ``.osm.xml``, ``.osm.bz2``, Overpass JSON).

    Clipped extracts are read as far as they are usable and what is dropped or repaired is
    counted by reason in the load report (see the module docstring).

    Parameters
    ----------
    path
        The OSM file. Never modified.
    kind
        One of :data:`~arealanalyse.layers.osm.tags.OSM_KINDS`: ``walk_network``, ``homes``,
        ``services``, ``green``, ``transit``, ``roads``.
    clip
        Cut the file to this area while reading (GeoDataFrame/GeoSeries in any CRS, or a
        shapely geometry in the working CRS): objects reaching into it are kept whole.
    clip_buffer_m
        Widen the clip area by this many metres (e.g. 1000 for the kommune plus 1 km).
    settings
        Run settings (working CRS, persons per dwelling).

    Returns
    -------
    geopandas.GeoDataFrame
        The canonical layer in the working CRS (EPSG:25832 by default), indexed ``"way/123"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> xml = pathlib.Path(tempfile.mkdtemp()) / "mini.osm"
    >>> _ = xml.write_text(
    ...     '<osm version="0.6"><node id="1" lat="59.9" lon="10.6"/>'
    ...     '<node id="2" lat="59.9" lon="10.601"/><node id="3" lat="59.901" lon="10.601"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
    ...     '<tag k="highway" v="footway"/></way></osm>')
    >>> net = read_osm(xml, "walk_network")
    >>> len(net), net.crs.to_epsg(), net["highway"].iloc[0]
    (1, 25832, 'footway')
    >>> _ = xml.write_text(
    ...     '<osm version="0.6"><node id="1" lat="59.9" lon="10.6"/>'
    ...     '<node id="2" lat="59.9" lon="10.601"/><node id="3" lat="59.901" lon="10.601"/>'
    ...     '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>'
    ...     '<tag k="building" v="house"/></way></osm>')
    >>> read_osm(xml, "homes")  # the building is cut by the file's edge: one line says so
    Traceback (most recent call last):
    ...
    arealanalyse.errors.EmptyLayerError: Layer 'mini.osm:homes': no usable OSM objects ...
    """
    src = Path(path)
    if kind not in OSM_KINDS:
        raise CodeError(f"OSM files provide kinds {list(OSM_KINDS)}, not {kind!r}.")
    if not src.is_file():
        raise LayerFileError(f"OSM file {str(src)!r} does not exist; check the path.")
    s = resolve(settings)
    name = f"{src.name}:{kind}"
    area = None
    if clip is not None:
        area = clip_polygon_lonlat(clip, buffer_m=clip_buffer_m, settings=s, name=name)
    ext = osm_extract(src, kinds=[kind], clip=area)
    return layer_from_extract(ext, kind, name=name, source=str(src), settings=s)
