"""Read any supported source into a canonical layer.

Supported formats (``format=``):

``vector``
    Anything GDAL reads through pyogrio: GeoPackage, GeoJSON, Shapefile (also zipped), FlatGeobuf,
    GML (AR5 and SOSI-GML plans), KML.
``csv``
    A table with coordinate columns (``x``/``y``, ``lon``/``lat``, ``easting``/``northing``...)
    and a declared ``crs``.
``gtfs``
    GTFS ``stops.txt``, plain or inside a GTFS zip, as stop places with a mode (see
    :mod:`arealanalyse.layers.gtfs`): stations and stand-alone stops are kept, platforms are
    folded into their station; ``mode`` comes from Entur's ``vehicle_type`` column or from the
    routes that serve the stop.
``netex``
    NeTEx stop places (Entur's stop register, NSR), XML or zipped (see
    :mod:`arealanalyse.layers.netex`).
``ssb_grid``
    SSB's grid statistics as CSV/TXT (``ru250m;pop_tot``, ``rute_100m sum``, ``SSBID,...``; any
    separator). The id is ``2000000 + x`` followed by ``y`` of the cell's south-west corner in
    EPSG:25833; cells become polygons (see :mod:`arealanalyse.layers.ssbgrid`). Geonorge's GML and
    GeoPackage grids are read as ``vector`` and recognised by their id column.
``sosi``
    SOSI text files (``.sos``), converted through GDAL's SOSI driver where it is installed (see
    :mod:`arealanalyse.layers.sosi`).
``osm``
    OpenStreetMap PBF or XML, through the same tag mapping as the OSM fetcher
    (:mod:`arealanalyse.layers.osm`).

``format="auto"`` (the default) picks by file name and content (CSV header, XML root, zip
members). A multi-layer file (GML, GeoPackage, FileGDB, SOSI) needs no layer name when only one
of its layers can be the kind asked for: the one geometry type that fits, or the product layer
named for it (``RpArealformålOmråde``, ``ArealressursFlate``, ``BefolkningPåRuter1km``; see
:mod:`arealanalyse.layers.norwegian`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from arealanalyse.errors import (
    CatalogueError,
    CrsError,
    EmptyLayerError,
    LayerFileError,
    MissingColumnError,
)
from arealanalyse.filters import Filter, parse_filter
from arealanalyse.layers import norwegian, ssbgrid
from arealanalyse.layers.encodings import ENCODINGS, check_encoding, decode_text
from arealanalyse.layers.gtfs import read_gtfs_stops
from arealanalyse.layers.netex import is_netex, read_netex_stop_places
from arealanalyse.layers.overlap import misplacement_cause
from arealanalyse.layers.schema import KINDS
from arealanalyse.layers.sosi import SOSI_SUFFIXES, convert_sosi
from arealanalyse.layers.validate import normalize
from arealanalyse.layers.vector import read_vector
from arealanalyse.settings import Settings, resolve

__all__ = ["ENCODINGS", "FORMATS", "check_encoding", "detect_format", "read_layer", "read_source"]

FORMATS = ("auto", "vector", "csv", "gtfs", "netex", "ssb_grid", "sosi", "osm")

_VECTOR_SUFFIXES = {
    ".gpkg",
    ".geojson",
    ".json",
    ".shp",
    ".fgb",
    ".gml",
    ".kml",
    ".sqlite",
    ".geojsonl",
    ".gdb",
}

#: Source column names tried (case-insensitively, in order) for canonical columns when no mapping
#: is given; product columns shared across kinds (arealtype, arealformal, status, plan_id) are
#: in :data:`arealanalyse.layers.norwegian.COLUMN_ALIASES`.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "boundary": {
        "kommunenummer": ("kommunenummer", "kommunenummer_2024", "kommunenr", "komnr", "kommune"),
        "name": ("name", "navn", "kommunenavn"),
    },
    "zoning": {"name": ("name", "feltnavn", "feltbetegnelse")},
    "buildings": {"building_type": ("bygningstype", "building", "bygningstypekode")},
    "nature_types": {
        "nature_type": ("naturtype", "naturtypenavn", "naturtype_navn"),
        "value": ("verdi", "lokalitetskvalitet", "naturmangfoldverdi"),
        "name": ("name", "navn", "områdenavn", "omradenavn"),
    },
    "hazard_zones": {"name": ("name", "navn", "sonenavn")},
    "recreation_areas": {
        "name": ("name", "navn", "områdenavn", "omradenavn"),
        "value": ("verdi", "friluftsverdi", "verdikategori"),
    },
    "transit": {"name": ("name", "stop_name", "navn"), "nsr_id": ("nsr_id", "stop_id")},
    "homes": {
        "dwellings": ("dwellings", "boliger", "antall_boliger", "bruksenheter"),
        "population": ("population", "pop_tot", "befolkning", "bosatte"),
    },
    "workplaces": {"jobs": ("jobs", "arbeidsplasser", "sysselsatte"), "bra_m2": ("bra_m2", "bra")},
}

_COORD_PAIRS = (
    ("x", "y"),
    ("lon", "lat"),
    ("longitude", "latitude"),
    ("lng", "lat"),
    ("easting", "northing"),
    ("ost", "nord"),
    ("øst", "nord"),
    ("stop_lon", "stop_lat"),
)


def detect_format(path: Path) -> str:
    """Guess a source's format from its name and content (CSV header, XML root, zip members).

    Examples
    --------
    >>> from pathlib import Path
    >>> [detect_format(Path(n)) for n in ("stops.txt", "x.osm.pbf", "a.gpkg", "plan.sos")]
    ['gtfs', 'osm', 'vector', 'sosi']
    """
    name = path.name.lower()
    if name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.xml")):
        return "osm"
    if name.endswith(SOSI_SUFFIXES):
        return "sosi"
    if name == "stops.txt" or name.endswith("stops.txt"):
        return "gtfs"
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return "vector"
        if any(n.endswith("stops.txt") for n in names):
            return "gtfs"
        if any(n.lower().endswith(".xml") for n in names) and is_netex(path):
            return "netex"
        return "vector"
    if name.endswith(".xml") and path.is_file() and is_netex(path):
        return "netex"
    if name.endswith((".csv", ".txt")):
        try:
            with path.open("r", encoding="utf-8-sig") as fh:
                head = fh.readline().strip()
        except (OSError, UnicodeDecodeError):
            return "csv"
        if ssbgrid.is_grid_header(head):
            return "ssb_grid"
        if "stop_id" in head and "stop_lat" in head:
            return "gtfs"
        return "csv"
    return "vector"


def _read_sosi(path: Path, name: str, layer: str | None, kind: str | None) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory(prefix="arealanalyse-sosi-") as tmp:
        gpkg = convert_sosi(path, tmp, name=name)
        gdf = read_vector(gpkg, name=name, layer=layer, kind=kind)
    gdf.attrs["source_info"] = {"format": "sosi", "converted_with": "GDAL SOSI driver (ogr2ogr)"}
    return gdf


def _read_table(path: Path, name: str, encoding: str | None = None) -> pd.DataFrame:
    text = decode_text(path.read_bytes(), name=name, path=path, encoding=encoding)
    if not text.strip():
        raise EmptyLayerError(f"Layer {name!r}: {path.name} is empty; check the path or export.")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    if sep not in first and "\t" in first:
        sep = "\t"
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _points_from_table(
    df: pd.DataFrame, name: str, *, x: str | None, y: str | None, crs: str | None
) -> gpd.GeoDataFrame:
    if x is None or y is None:
        lower = {c.lower(): c for c in df.columns}
        for cx, cy in _COORD_PAIRS:
            if cx in lower and cy in lower:
                x, y = lower[cx], lower[cy]
                break
    if x is None or y is None or x not in df.columns or y not in df.columns:
        raise MissingColumnError(
            f"Layer {name!r}: no coordinate columns found (tried x/y, lon/lat, easting/northing); "
            "name them with x: and y: in the catalogue (or --x/--y)."
        )
    if crs is None:
        raise CrsError(
            f"Layer {name!r}: a CSV has no CRS; declare it (crs: EPSG:4326 for lon/lat degrees, "
            "EPSG:25832 for UTM 32N metres)."
        )
    xs = pd.to_numeric(df[x].str.replace(",", ".", regex=False), errors="coerce")
    ys = pd.to_numeric(df[y].str.replace(",", ".", regex=False), errors="coerce")
    bad = xs.isna() | ys.isna()
    if bad.any():
        raise MissingColumnError(
            f"Layer {name!r}: {int(bad.sum())} rows have no numeric {x}/{y} "
            f"(first at row {int(np.flatnonzero(bad.to_numpy())[0]) + 2}); fix or remove them."
        )
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(xs, ys), crs=crs)


def _read_ssb_grid(path: Path, name: str) -> gpd.GeoDataFrame:
    return ssbgrid.grid_from_table(ssbgrid.read_grid_table(path, name), name=name, source=str(path))


def read_source(
    path: str | Path,
    /,
    *,
    name: str,
    kind: str | None = None,
    layer: str | None = None,
    format: str = "auto",
    crs: str | None = None,
    x: str | None = None,
    y: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a source file as-is (before normalisation), as a GeoDataFrame.

    ``crs`` declares the CRS of a source that has none (CSV, some GML); declaring a different CRS
    than the file's own is an error (reproject the file, or drop the declaration).
    """
    p = Path(path)
    if not p.exists():
        raise LayerFileError(
            f"Layer {name!r}: file {str(p)!r} does not exist; check the path "
            "(catalogue paths are relative to the catalogue file)."
        )
    if p.is_file() and p.stat().st_size == 0:
        raise EmptyLayerError(f"Layer {name!r}: {p.name} is an empty file (0 bytes).")
    fmt = detect_format(p) if format == "auto" else format
    if fmt not in FORMATS:
        raise CatalogueError(f"Layer {name!r}: unknown format {format!r}; use one of {FORMATS}.")
    if fmt == "osm":
        raise CatalogueError(
            f"Layer {name!r}: OSM files are read per kind with read_layer(path, kind)."
        )
    if fmt == "gtfs":
        gdf = read_gtfs_stops(p, name=name, encoding=encoding)
    elif fmt == "netex":
        gdf = read_netex_stop_places(p, name=name)
    elif fmt == "ssb_grid":
        gdf = _read_ssb_grid(p, name)
    elif fmt == "csv":
        gdf = _points_from_table(_read_table(p, name, encoding), name, x=x, y=y, crs=crs)
        crs = None  # already applied
    elif fmt == "sosi":
        gdf = _read_sosi(p, name, layer, kind)
    else:
        gdf = read_vector(p, name=name, layer=layer, kind=kind, encoding=encoding)
        if kind in (None, "homes"):
            grid = ssbgrid.grid_from_vector(gdf, name=name)
            gdf = grid if grid is not None else gdf
    if kind is not None and kind in KINDS:
        gdf = _keep_product_rows(gdf, kind)
    if crs is not None:
        try:
            declared = CRS.from_user_input(crs)
        except (CRSError, TypeError, ValueError):
            raise CrsError(
                f"Layer {name!r}: {crs!r} is not a CRS pyproj knows; write it like EPSG:25832."
            ) from None
        if gdf.crs is None:
            gdf = gdf.set_crs(declared)
        elif not CRS.from_user_input(gdf.crs).equals(declared):
            own = CRS.from_user_input(gdf.crs).to_string()
            raise CrsError(
                f"Layer {name!r}: the file says its CRS is {own}"
                f" but {declared.to_string()} was declared; remove the declaration or reproject "
                "the file."
            )
    return gdf


def _keep_product_rows(gdf: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Keep the SOSI object types that make up ``kind`` (plan areas, not the plan boundary)."""
    cols: Sequence[str] = [c.name for c in KINDS[kind].columns if c.required] or [
        c.name for c in KINDS[kind].columns
    ]
    kept, dropped = norwegian.filter_object_types(gdf, cols)
    if dropped:
        info = dict(gdf.attrs.get("source_info", {}))
        info["other_object_types_dropped"] = dropped
        kept.attrs["source_info"] = info
    return kept


def _apply_aliases(
    gdf: gpd.GeoDataFrame, kind: str, columns: Mapping[str, str]
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Map recognised source columns to canonical ones; recode Norwegian code values.

    Kind-specific aliases (:data:`ALIASES`) come first, then the product aliases shared by every
    kind with the same canonical column (:mod:`arealanalyse.layers.norwegian`).
    """
    mapping = dict(columns)
    lower = {str(c).lower(): str(c) for c in gdf.columns}
    for col in KINDS[kind].columns:
        canonical = col.name
        if col.derived or canonical in mapping or canonical in gdf.columns:
            continue
        for cand in ALIASES.get(kind, {}).get(canonical, ()):
            if cand.lower() in lower:
                mapping[canonical] = lower[cand.lower()]
                break
        else:
            found = norwegian.find_column(gdf.columns, canonical)
            if found is not None:
                mapping[canonical] = found
    for canonical in norwegian.VALUE_CODES:
        if canonical not in KINDS[kind].column_names:
            continue
        src = mapping.get(canonical, canonical)
        if src in gdf.columns:
            recoded = norwegian.recode_values(gdf[src], canonical)
            if not recoded.equals(gdf[src]):
                gdf = gdf.assign(**{f"{src}__{canonical}": recoded})
                mapping[canonical] = f"{src}__{canonical}"
    return gdf, mapping


def read_layer(
    path: str | Path,
    kind: str,
    /,
    *,
    name: str | None = None,
    layer: str | None = None,
    format: str = "auto",
    columns: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    where: str | Filter | None = None,
    crs: str | None = None,
    x: str | None = None,
    y: str | None = None,
    clip: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
    clip_tolerance_m: float = 0.0,
    settings: Settings | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read ``path`` and return the canonical layer ``kind`` in the working CRS.

    Parameters
    ----------
    path
        Source file. Never modified.
    kind
        Canonical layer kind (see :data:`arealanalyse.layers.schema.KINDS`).
    name
        Layer name for messages (defaults to ``kind``).
    layer
        Layer inside a multi-layer file (GeoPackage, GML).
    format
        One of :data:`FORMATS`; ``auto`` guesses.
    columns, values
        ``{canonical: source_column}`` and ``{canonical: constant}``; common Norwegian source
        names (``kommunenummer_2024``, ``artype``, ``stop_name``...) are recognised without mapping.
    where
        Attribute filter in the filter language of :mod:`arealanalyse.filters` (parsed before
        the file is opened, never run as Python), applied before validation,
        e.g. ``"vehicle_type == 100"``. CSV columns are text (ids keep their leading zeros:
        ``"kommunenummer == '0301'"``); GTFS integer fields are numbers.
    crs
        CRS of a source that has none (CSV).
    x, y
        Coordinate columns of a CSV.
    clip, clip_tolerance_m
        Keep only features that intersect ``clip`` (any CRS) buffered by the tolerance. Whole
        features are kept, not cut. An OSM file is cut while it is read.
    settings
        Run settings (working CRS).
    encoding
        Text encoding of the source when it is not UTF-8 (one of :data:`ENCODINGS`); a file
        that is not valid in its encoding is refused with a message naming this option.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ru250m.csv"
    >>> _ = p.write_text("ru250m;pop_tot\\n22365006629250;6\\n22365006629500;8\\n")
    >>> cells = read_layer(p, "homes")
    >>> len(cells), float(cells["population"].sum()), cells.crs.to_epsg()
    (2, 14.0, 25832)
    """
    s = resolve(settings)
    name = name or kind
    # the filter is parsed (and refused) before any data is read
    flt = parse_filter(where, what=f"Layer {name!r}") if where is not None else None
    if encoding is not None:
        try:
            check_encoding(encoding)
        except ValueError as exc:
            raise CatalogueError(f"Layer {name!r}: {exc}.") from None
    if kind not in KINDS:
        raise CatalogueError(f"Layer {name!r}: unknown kind {kind!r}; use one of {sorted(KINDS)}.")
    p = Path(path)
    if (format == "auto" and p.exists() and detect_format(p) == "osm") or format == "osm":
        if not p.exists():
            raise LayerFileError(f"Layer {name!r}: file {str(p)!r} does not exist; check the path.")
        from arealanalyse.layers.osm import read_osm

        # the clip area is applied while the file is read (a county file, a kommune's layers)
        out = read_osm(p, kind, clip=clip, clip_buffer_m=clip_tolerance_m, settings=s)
        if flt is not None:
            out = _query(out, flt, name)
        return out
    gdf = read_source(
        path, name=name, kind=kind, layer=layer, format=format, crs=crs, x=x, y=y, encoding=encoding
    )
    source_info = dict(gdf.attrs.get("source_info", {}))
    if flt is not None:
        gdf = _query(gdf, flt, name)
    gdf, mapping = _apply_aliases(gdf, kind, columns or {})
    out = normalize(
        gdf, kind, name=name, columns=mapping, values=values, source=str(path), settings=s
    )
    if source_info:
        report = dict(out.attrs.get("arealanalyse", {}))
        report["source_info"] = source_info
        out.attrs["arealanalyse"] = report
    if clip is not None:
        out = _clip(out, clip, clip_tolerance_m, name, s)
    return out


def _query(gdf: gpd.GeoDataFrame, flt: Filter, name: str) -> gpd.GeoDataFrame:
    out = flt.apply(gdf, what=f"Layer {name!r}")
    if len(out) == 0:
        raise EmptyLayerError(
            f"Layer {name!r}: no features left after the filter {flt.source!r}; check it."
        )
    return out


def _clip(
    gdf: gpd.GeoDataFrame,
    clip: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry,
    tolerance_m: float,
    name: str,
    settings: Settings,
) -> gpd.GeoDataFrame:
    if isinstance(clip, gpd.GeoDataFrame | gpd.GeoSeries):
        if clip.crs is None:
            raise CrsError(f"Layer {name!r}: the clip layer has no CRS; give it one.")
        geom = shapely.union_all(clip.to_crs(settings.crs).geometry.values)
    else:
        geom = clip
    keep = gdf.geometry.intersects(geom.buffer(tolerance_m) if tolerance_m else geom)
    out = gdf[keep]
    if out.empty:
        cause = misplacement_cause(gdf, geom)
        if cause is not None:
            raise CrsError(
                f"Layer {name!r}: no features within the clip area (tolerance {tolerance_m:g} m); "
                f"likely cause: {cause}; declare the right CRS or swap the coordinate columns."
            )
        raise EmptyLayerError(
            f"Layer {name!r}: no features within the clip area (tolerance {tolerance_m:g} m); "
            "is the layer for this municipality?"
        )
    report = dict(gdf.attrs.get("arealanalyse", {}))
    report["clipped_out"] = int((~keep).sum())
    report["features"] = len(out)
    out.attrs["arealanalyse"] = report
    return out
