"""Vector files through GDAL (pyogrio): layer picking, GML without side files, robust CRS.

* A multi-layer file (GML, GeoPackage, FileGDB, a converted SOSI file) needs no layer name when
  only one of its layers can be the kind asked for: the one whose geometry type fits, or, among
  several, the product layer named for the kind (``RpArealformålOmråde``, ``ArealressursFlate``,
  ``BefolkningPåRuter1km``; :func:`arealanalyse.layers.norwegian.layer_preference`).
* GDAL's GML driver writes a ``.gfs`` schema file next to the input when it lists layers, and
  downloads the XML schema a WFS answer points at; GML is opened with ``WRITE_GFS=NO`` and
  ``DOWNLOAD_SCHEMA=NO`` throughout, so the user's folder is never written to and reading never
  goes online.
* A GML feature may carry several geometries: FKB 5.0 surfaces (``ArealressursFlate``) hold their
  ``område`` polygon and a ``posisjon`` point. Without a schema GDAL keeps the last geometry it
  meets, the point. When what GDAL returns cannot be the kind asked for, the layer is read
  again with every geometry of a feature (GDAL's ``GML_FETCH_ALL_GEOMETRIES``) and the parts that
  fit the kind are kept (:func:`fitting_parts`).
* The GDAL inside pyogrio's wheels and pyproj may ship different PROJ databases, so GDAL can name a
  CRS by a code pyproj does not know (FKB data in ETRS89 / UTM 32N + NN2000 height, EPSG:5972,
  comes back as a newer code). The file is then read without GDAL's CRS label and the CRS is
  taken from the file itself: the GML ``srsName`` or the GeoPackage's own definition.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from arealanalyse.errors import CatalogueError, CrsError, LayerFileError
from arealanalyse.layers import norwegian
from arealanalyse.layers.encodings import encoding_hint
from arealanalyse.layers.schema import KINDS

__all__ = ["fitting_parts", "pick_layer", "read_vector", "spatial_layers"]

_GEOM_FAMILIES: dict[str, tuple[str, ...]] = {
    "polygon": ("Polygon", "MultiPolygon", "Surface", "MultiSurface", "CurvePolygon"),
    "line": ("LineString", "MultiLineString", "Curve", "MultiCurve", "CompoundCurve"),
    "point": ("Point", "MultiPoint", "Polygon", "MultiPolygon"),
    "point_or_polygon": ("Point", "MultiPoint", "Polygon", "MultiPolygon", "MultiSurface"),
}


# GDAL's GML driver would write a .gfs schema file next to the input (never touch the user's
# folder) and download a WFS answer's remote schema (never go online to read a file).
_GML_OPTIONS = {"WRITE_GFS": "NO", "DOWNLOAD_SCHEMA": "NO"}


def _is_gml(path: Path) -> bool:
    return path.suffix.lower() in {".gml", ".xml"}


def spatial_layers(path: str | Path, /) -> list[tuple[str, str]]:
    """Return (name, geometry type) of each spatial layer, without writing any side file."""
    p = Path(path)
    if not _is_gml(p):
        return [(str(r[0]), str(r[1])) for r in pyogrio.list_layers(p) if r[1] is not None]
    out: list[tuple[str, str]] = []
    for i in range(1000):  # pyogrio.list_layers would write a .gfs next to the GML file
        try:
            info = pyogrio.read_info(p, layer=i, **_GML_OPTIONS)
        except pyogrio.errors.DataLayerError:
            break
        if info.get("geometry_type"):
            out.append((str(info["layer_name"]), str(info["geometry_type"])))
    return out


def pick_layer(path: Path, name: str, kind: str | None, layers: list[tuple[str, str]]) -> str:
    """Return the one layer of a multi-layer file that can be ``kind`` (an error if none is).

    Examples
    --------
    >>> layers = [("BefolkningPåRuter1km", "Polygon"), ("BefolkningPåRuter1kmGrense", "LineString")]
    >>> pick_layer(Path("grid.gml"), "homes", "homes", layers)
    'BefolkningPåRuter1km'
    """
    names = [n for n, _ in layers]
    candidates = names
    if kind is not None and kind in KINDS:
        fam = _GEOM_FAMILIES[KINDS[kind].geometry]
        fits = [n for n, g in layers if re.sub(r" ?[ZM]+$", "", g) in fam]
        candidates = fits or names
        if len(candidates) > 1:
            cols = [c.name for c in KINDS[kind].columns]
            preferred = norwegian.layer_preference(candidates, cols)
            if len(preferred) == 1:
                return preferred[0]
    if len(candidates) == 1:
        return candidates[0]
    raise CatalogueError(
        f"Layer {name!r}: {path.name} has several layers {names[:8]}; "
        "name one (layer: in a catalogue, or the command's layer option)."
    )


def _crs_from_file(path: Path, layer: str | None) -> CRS | None:
    """Return the CRS a GML or GeoPackage file states for itself (None if not found)."""
    if _is_gml(path):
        with path.open("rb") as fh:
            head = fh.read(1 << 16).decode("utf-8", errors="replace")
        for m in re.finditer(r'srsName="([^"]+)"', head):
            code = re.search(r"(?:EPSG(?:/0/|::|:))(\d+)", m.group(1), flags=re.I)
            if code is None:
                continue
            try:
                return CRS.from_epsg(int(code.group(1)))
            except CRSError:
                continue
        return None
    if path.suffix.lower() == ".gpkg":
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = con.execute(
                    "SELECT s.definition FROM gpkg_spatial_ref_sys s JOIN gpkg_geometry_columns g "
                    "ON s.srs_id = g.srs_id WHERE g.table_name = ? OR ? IS NULL LIMIT 1",
                    (layer, layer),
                ).fetchone()
            finally:
                con.close()
            return CRS.from_wkt(row[0]) if row else None
        except (sqlite3.Error, CRSError):
            return None
    return None


def _read_without_crs(path: Path, name: str, layer: str | None, **opts: str) -> gpd.GeoDataFrame:
    meta, _fids, geometry, fields = pyogrio.raw.read(path, layer=layer, **opts)
    data = {str(col): values for col, values in zip(meta["fields"], fields, strict=True)}
    crs = _crs_from_file(path, layer)
    if crs is None:
        raise CrsError(
            f"Layer {name!r}: GDAL names the CRS of {path.name} {meta['crs']}, which this "
            "installation's PROJ database does not know; declare the horizontal CRS "
            "(crs: EPSG:25832 in a catalogue, --crs on the command line)."
        )
    geoms = shapely.from_wkb(geometry)
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=geoms, crs=crs)


def _fits(geom_types: pd.Series, kind: str) -> bool:
    family = _GEOM_FAMILIES[KINDS[kind].geometry]
    present = {re.sub(r" ?[ZM]+$", "", str(t)) for t in geom_types.dropna().unique()}
    return bool(present) and present <= set(family)


def fitting_parts(geoms: gpd.GeoSeries, kind: str, /) -> gpd.GeoSeries:
    """Keep, of each geometry, the parts that can be ``kind`` (None where no part can).

    A feature read with all its geometries comes as a collection (or, in newer GDAL, already as
    the geometry that fits). The parts of the kind's own geometry type win (polygons for
    ``farmland``, points for ``transit``); several become one multi-geometry.

    Examples
    --------
    >>> from shapely.geometry import GeometryCollection, Point, box
    >>> g = gpd.GeoSeries([GeometryCollection([box(0, 0, 1, 1), Point(0.5, 0.5)]), Point(2, 2)])
    >>> [x.geom_type if x is not None else None for x in fitting_parts(g, "farmland")]
    ['Polygon', None]
    """
    family = _GEOM_FAMILIES[KINDS[kind].geometry]
    primary = shapely.get_type_id(shapely.from_wkt(f"{family[0].upper()} EMPTY"))

    def one(geom: shapely.Geometry | None) -> shapely.Geometry | None:
        if geom is None or geom.is_empty:
            return None
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in family]
        flat = [g for part in parts for g in shapely.get_parts(part)]
        if not flat:
            return None
        own = [g for g in flat if shapely.get_type_id(g) == primary]
        if not own:
            first = shapely.get_type_id(flat[0])
            own = [g for g in flat if shapely.get_type_id(g) == first]
        if len(own) == 1:
            return own[0]
        multi = {"Point": shapely.MultiPoint, "LineString": shapely.MultiLineString}
        return multi.get(own[0].geom_type, shapely.MultiPolygon)(own)

    return gpd.GeoSeries([one(g) for g in geoms], index=geoms.index, crs=geoms.crs)


@contextlib.contextmanager
def _gdal_config(option: str, value: str) -> Iterator[None]:
    """Set a GDAL configuration option for one read (process-wide while it lasts)."""
    before = pyogrio.get_gdal_config_option(option)
    pyogrio.set_gdal_config_options({option: value})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({option: before})


def _read(path: Path, name: str, layer: str | None, opts: dict[str, str]) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio", **opts)
    except CRSError:
        return _read_without_crs(path, name, layer, **opts)


def read_vector(
    path: str | Path,
    /,
    *,
    name: str,
    layer: str | None = None,
    kind: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one layer of a vector file (picking it for ``kind`` when not named).

    Raises :class:`~arealanalyse.errors.LayerFileError` when GDAL cannot read the file and
    :class:`~arealanalyse.errors.CatalogueError` when several layers could be meant.
    """
    p = Path(path)
    opts = dict(_GML_OPTIONS) if _is_gml(p) else {}
    if encoding:
        opts["encoding"] = encoding
    try:
        if layer is None:
            layers = spatial_layers(p)
            if len(layers) > 1:
                layer = pick_layer(p, name, kind, layers)
            elif len(layers) == 1:
                layer = layers[0][0]
        gdf = _read(p, name, layer, opts)
        wanted = kind if kind is not None and kind in KINDS else None
        if _is_gml(p) and wanted is not None and len(gdf) and not _fits(gdf.geom_type, wanted):
            with _gdal_config("GML_FETCH_ALL_GEOMETRIES", "YES"):
                every = _read(p, name, layer, opts)
            geoms = fitting_parts(every.geometry, wanted)
            if geoms.notna().any():
                gdf = every.set_geometry(geoms)
        return gdf
    except (CatalogueError, CrsError):
        raise
    except UnicodeDecodeError as exc:
        raise LayerFileError(
            f"Layer {name!r}: {p.name} holds text that is not {encoding or 'UTF-8'} (byte "
            f"0x{exc.object[exc.start]:02x}); {encoding_hint()}"
        ) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        first = str(exc).splitlines()[0]
        raise LayerFileError(
            f"Layer {name!r}: cannot read {p.name} as a spatial file ({first}); "
            "check that it is a GeoPackage, GeoJSON, Shapefile, FlatGeobuf, FileGDB or GML file."
        ) from None
