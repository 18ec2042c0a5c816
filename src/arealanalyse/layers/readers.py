"""Read any supported source into a canonical layer.

Supported formats (``format=``):

``vector``
    Anything GDAL reads through pyogrio: GeoPackage, GeoJSON, Shapefile (also zipped), FlatGeobuf,
    GML (AR5 and SOSI-GML plans), KML.
``csv``
    A table with coordinate columns (``x``/``y``, ``lon``/``lat``, ``easting``/``northing``...)
    and a declared ``crs``.
``gtfs``
    GTFS ``stops.txt``, plain or inside a GTFS zip. Stations and stand-alone stops are kept; quays
    that belong to a station are folded into it. ``mode`` comes from Entur's ``vehicle_type`` column
    (GTFS extended route types) when present.
``ssb_grid``
    SSB's grid statistics CSV (``ru250m;pop_tot`` or ``ru1km;...``). The id is ``2000000 + x``
    followed by ``y`` of the cell's south-west corner in EPSG:25833; cells become polygons.
``osm``
    OpenStreetMap PBF or XML, through the same tag mapping as the OSM fetcher
    (:mod:`arealanalyse.layers.osm`).

``format="auto"`` (the default) picks by file name and, for CSV, by the header.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from arealanalyse.errors import (
    CatalogueError,
    CrsError,
    EmptyLayerError,
    LayerFileError,
    MissingColumnError,
)
from arealanalyse.layers.schema import KINDS
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings, resolve

__all__ = ["FORMATS", "detect_format", "read_layer", "read_source"]

FORMATS = ("auto", "vector", "csv", "gtfs", "ssb_grid", "osm")

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
}

#: Source column names tried, in order, for canonical columns when no mapping is given.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "boundary": {
        "kommunenummer": ("kommunenummer", "kommunenummer_2024", "kommunenr", "komnr", "kommune"),
        "name": ("name", "navn", "kommunenavn"),
    },
    "zoning": {
        "arealformal": (
            "arealformal",
            "arealformål",
            "arealformaal",
            "formal",
            "formål",
            "arealbruk",
        ),
        "plan_id": ("plan_id", "planidentifikasjon", "planid"),
        "name": ("name", "feltbetegnelse", "feltnavn"),
        "status": ("status",),
    },
    "farmland": {"arealtype": ("arealtype", "artype", "ARTYPE", "ar5_arealtype")},
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


#: Integer fields of GTFS stops.txt (with Entur's vehicle_type extension).
_GTFS_INTEGER_FIELDS = ("location_type", "wheelchair_boarding", "vehicle_type", "route_type")


#: GTFS route_type / Entur vehicle_type -> canonical transit mode.
def _gtfs_mode(code: Any) -> str | None:
    try:
        c = int(float(code))
    except (TypeError, ValueError):
        return None
    basic = {0: "tram", 1: "metro", 2: "rail", 3: "bus", 4: "ferry", 5: "tram", 11: "bus"}
    if c in basic:
        return basic[c]
    if 100 <= c < 200:
        return "rail"
    if 400 <= c < 500:
        return "metro"
    if 700 <= c < 800 or 200 <= c < 300:
        return "bus"
    if 900 <= c < 1000:
        return "tram"
    if c in (1000, 1200) or 1000 <= c < 1100 or 1200 <= c < 1300:
        return "ferry"
    return None


def detect_format(path: Path) -> str:
    """Guess a source's format from its name (and, for CSV, its first line).

    Examples
    --------
    >>> from pathlib import Path
    >>> [detect_format(Path(n)) for n in ("stops.txt", "x.osm.pbf", "a.gpkg")]
    ['gtfs', 'osm', 'vector']
    """
    name = path.name.lower()
    if name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.xml")):
        return "osm"
    if name == "stops.txt" or name.endswith("stops.txt"):
        return "gtfs"
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return "vector"
        return "gtfs" if any(n.endswith("stops.txt") for n in names) else "vector"
    if name.endswith((".csv", ".txt")):
        try:
            with path.open("r", encoding="utf-8-sig") as fh:
                head = fh.readline().strip().lower()
        except (OSError, UnicodeDecodeError):
            return "csv"
        if re.match(r"^(ru250m|ru1km|ssbid\w*)[;,]", head):
            return "ssb_grid"
        if "stop_id" in head and "stop_lat" in head:
            return "gtfs"
        return "csv"
    return "vector"


def _read_vector(path: Path, name: str, layer: str | None) -> gpd.GeoDataFrame:
    is_gml = path.suffix.lower() in {".gml", ".xml"}
    try:
        if layer is None and not is_gml:  # listing GML layers would write a .gfs sidecar file
            layers = pyogrio.list_layers(path)
            spatial = [row[0] for row in layers if row[1] is not None]
            if len(spatial) > 1:
                raise CatalogueError(
                    f"Layer {name!r}: {path.name} has several layers {spatial[:8]}; "
                    "name one (layer: in a catalogue, or the command's layer option)."
                )
        # GDAL's GML driver would write a .gfs schema file next to the input: never touch the
        # user's folder.
        opts = {"WRITE_GFS": "NO"} if is_gml else {}
        return gpd.read_file(path, layer=layer, engine="pyogrio", **opts)
    except CatalogueError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        first = str(exc).splitlines()[0]
        raise LayerFileError(
            f"Layer {name!r}: cannot read {path.name} as a spatial file ({first}); "
            "check that it is a GeoPackage, GeoJSON, Shapefile, FlatGeobuf or GML file."
        ) from None


def _read_table(path: Path, name: str) -> pd.DataFrame:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    if not text.strip():
        raise EmptyLayerError(f"Layer {name!r}: {path.name} is empty; check the path or export.")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ","
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


def _read_gtfs_stops(path: Path, name: str) -> gpd.GeoDataFrame:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            member = next((n for n in zf.namelist() if n.endswith("stops.txt")), None)
            if member is None:
                raise LayerFileError(
                    f"Layer {name!r}: {path.name} has no stops.txt; is it a GTFS feed?"
                )
            raw = zf.read(member).decode("utf-8-sig")
        df = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    else:
        df = _read_table(path, name)
    need = {"stop_id", "stop_name", "stop_lat", "stop_lon"}
    if not need <= set(df.columns):
        raise MissingColumnError(
            f"Layer {name!r}: GTFS stops.txt lacks {sorted(need - set(df.columns))}; "
            "is it a GTFS stops file?"
        )
    # The GTFS spec makes these fields integers (ids such as stop_id stay text), so filters read
    # naturally: "vehicle_type == 100".
    for col in _GTFS_INTEGER_FIELDS:
        if col in df.columns:
            df[col] = pd.to_numeric(df[col].str.strip().replace("", None)).astype("Int64")
    if "location_type" in df.columns and "parent_station" in df.columns:
        lt = df["location_type"].fillna(0)  # empty means 0 (a stop or platform)
        has_parent = df["parent_station"].str.strip() != ""
        # Keep stations, and stops that do not belong to a station; drop entrances/nodes (2-4).
        df = df[(lt == 1) | ((lt == 0) & ~has_parent)]
    gdf = _points_from_table(df, name, x="stop_lon", y="stop_lat", crs="EPSG:4326")
    if "vehicle_type" in gdf.columns:
        gdf["mode"] = gdf["vehicle_type"].map(_gtfs_mode)
    elif "route_type" in gdf.columns:
        gdf["mode"] = gdf["route_type"].map(_gtfs_mode)
    return gdf


def _read_ssb_grid(path: Path, name: str) -> gpd.GeoDataFrame:
    df = _read_table(path, name)
    id_col = df.columns[0]
    m = re.match(r"^ru(\d+)(m|km)$", id_col.strip().lower())
    if m is None:
        raise MissingColumnError(
            f"Layer {name!r}: {path.name} does not start with an SSB grid id column "
            "(ru250m, ru1km...); is it SSB grid statistics?"
        )
    size = float(m.group(1)) * (1000.0 if m.group(2) == "km" else 1.0)
    ids = df[id_col].str.strip()
    ok = ids.str.fullmatch(r"\d{14}")
    if not ok.all():
        raise MissingColumnError(
            f"Layer {name!r}: {int((~ok).sum())} grid ids are not 14-digit SSB ids "
            f"(e.g. {ids[~ok].iloc[0]!r}); check the file."
        )
    x = ids.str[:7].astype("int64") - 2_000_000
    y = ids.str[7:].astype("int64")
    geoms = shapely.box(x.to_numpy(), y.to_numpy(), x.to_numpy() + size, y.to_numpy() + size)
    out = df.drop(columns=[id_col]).copy()
    for c in out.columns:
        out[c] = pd.to_numeric(out[c].str.replace(",", ".", regex=False), errors="coerce")
    out.insert(0, "ssb_id", ids.to_numpy())
    out["cell_m"] = size
    gdf = gpd.GeoDataFrame(out, geometry=geoms, crs="EPSG:25833")
    gdf["source"] = "grid"
    return gdf


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
        gdf = _read_gtfs_stops(p, name)
    elif fmt == "ssb_grid":
        gdf = _read_ssb_grid(p, name)
    elif fmt == "csv":
        gdf = _points_from_table(_read_table(p, name), name, x=x, y=y, crs=crs)
        crs = None  # already applied
    else:
        gdf = _read_vector(p, name, layer)
    if crs is not None:
        declared = CRS.from_user_input(crs)
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


def _apply_aliases(gdf: gpd.GeoDataFrame, kind: str, columns: Mapping[str, str]) -> dict[str, str]:
    mapping = dict(columns)
    for canonical, candidates in ALIASES.get(kind, {}).items():
        if canonical in mapping or canonical in gdf.columns:
            continue
        for cand in candidates:
            if cand in gdf.columns:
                mapping[canonical] = cand
                break
    return mapping


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
    where: str | None = None,
    crs: str | None = None,
    x: str | None = None,
    y: str | None = None,
    clip: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
    clip_tolerance_m: float = 0.0,
    settings: Settings | None = None,
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
        Attribute filter in pandas ``DataFrame.query`` syntax, applied before validation,
        e.g. ``"vehicle_type == 100"``. CSV columns are text (ids keep their leading zeros:
        ``"kommunenummer == '0301'"``); GTFS integer fields are numbers.
    crs
        CRS of a source that has none (CSV).
    x, y
        Coordinate columns of a CSV.
    clip, clip_tolerance_m
        Keep only features that intersect ``clip`` (any CRS) buffered by the tolerance. Whole
        features are kept, not cut.
    settings
        Run settings (working CRS).

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
    if kind not in KINDS:
        raise CatalogueError(f"Layer {name!r}: unknown kind {kind!r}; use one of {sorted(KINDS)}.")
    p = Path(path)
    if (format == "auto" and p.exists() and detect_format(p) == "osm") or format == "osm":
        if not p.exists():
            raise LayerFileError(f"Layer {name!r}: file {str(p)!r} does not exist; check the path.")
        from arealanalyse.layers.osm import read_osm

        out = read_osm(p, kind, settings=s)
        if where:
            out = _query(out, where, name)
        return _clip(out, clip, clip_tolerance_m, name, s) if clip is not None else out
    gdf = read_source(path, name=name, kind=kind, layer=layer, format=format, crs=crs, x=x, y=y)
    if where:
        gdf = _query(gdf, where, name)
    mapping = _apply_aliases(gdf, kind, columns or {})
    out = normalize(
        gdf, kind, name=name, columns=mapping, values=values, source=str(path), settings=s
    )
    if clip is not None:
        out = _clip(out, clip, clip_tolerance_m, name, s)
    return out


def _query(gdf: gpd.GeoDataFrame, where: str, name: str) -> gpd.GeoDataFrame:
    try:
        out = gdf.query(where, engine="python")
    except Exception as exc:
        raise CatalogueError(
            f"Layer {name!r}: filter {where!r} is not valid ({type(exc).__name__}: {exc}); "
            'use pandas query syntax, e.g. "vehicle_type == 100".'
        ) from None
    if len(out) == 0:
        raise EmptyLayerError(
            f"Layer {name!r}: no features left after the filter {where!r}; check it."
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
    if tolerance_m:
        geom = geom.buffer(tolerance_m)
    keep = gdf.geometry.intersects(geom)
    out = gdf[keep]
    if out.empty:
        raise EmptyLayerError(
            f"Layer {name!r}: no features within the clip area (tolerance {tolerance_m:g} m); "
            "is the layer for this municipality?"
        )
    report = dict(gdf.attrs.get("arealanalyse", {}))
    report["clipped_out"] = int((~keep).sum())
    report["features"] = len(out)
    out.attrs["arealanalyse"] = report
    return out
