"""Validate and normalise a GeoDataFrame to its canonical layer kind.

``normalize`` is the single gate every reader passes through: it checks the CRS, geometry types
and required columns, repairs invalid geometries (and counts them), checks code lists, reprojects
to the working CRS and derives computed columns. It never modifies its input. What it did is
recorded in ``result.attrs["arealanalyse"]`` (a :class:`LoadReport` as a dict).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from arealanalyse.errors import (
    CodeError,
    CrsError,
    EmptyLayerError,
    GeometryError,
    MissingColumnError,
)
from arealanalyse.layers.codes import AR5_ARTYPE, AR5_FARMLAND, AREALFORMAL
from arealanalyse.layers.schema import KINDS, LayerKind
from arealanalyse.settings import Settings, resolve

__all__ = ["LoadReport", "check_crs", "load_report", "normalize"]

_POLY = {"Polygon", "MultiPolygon"}
_LINE = {"LineString", "MultiLineString"}
_POINT = {"Point"}
_FAMILIES: dict[str, set[str]] = {
    "polygon": _POLY,
    "line": _LINE,
    "point": _POINT | _POLY | {"MultiPoint"},  # polygons become representative points
    "point_or_polygon": _POINT | _POLY,
}


@dataclass
class LoadReport:
    """What happened while a layer was loaded."""

    name: str
    kind: str
    source: str = ""
    source_crs: str = ""
    features: int = 0
    repaired: int = 0
    dropped: int = 0
    dropped_reason: str = ""
    converted_to_points: int = 0
    z_dropped: int = 0
    derived: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a plain dict (JSON-serialisable)."""
        return asdict(self)


def load_report(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return the load report that :func:`normalize` attached to ``gdf`` (empty if none)."""
    return dict(gdf.attrs.get("arealanalyse", {}))


def check_crs(gdf: gpd.GeoDataFrame, name: str) -> CRS:
    """Check that ``gdf`` has a CRS that can be right for its coordinates.

    A missing CRS is an error. A declared CRS is checked against the layer's coordinates: the
    layer's bounds, transformed to longitude/latitude, must fall inside the CRS's area of use
    (with a margin). This catches the common mistake of UTM metres labelled EPSG:4326, or
    degrees labelled EPSG:25832.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> ok = gpd.GeoDataFrame(geometry=[Point(10.5, 59.9)], crs=4326)
    >>> check_crs(ok, "demo").to_epsg()
    4326
    >>> bad = gpd.GeoDataFrame(geometry=[Point(590000, 6640000)], crs=4326)
    >>> check_crs(bad, "demo")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.CrsError: Layer 'demo': coordinates (590000, 6640000) cannot be in ...
    """
    if gdf.crs is None:
        raise CrsError(
            f"Layer {name!r} has no CRS; declare one in the catalogue (crs: EPSG:25832) "
            "or set it on the data (gdf.set_crs(...)) before loading."
        )
    crs = CRS.from_user_input(gdf.crs)
    geoms = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if geoms.empty:
        return crs
    minx, miny, maxx, maxy = geoms.total_bounds
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise CrsError(f"Layer {name!r}: coordinates are not finite; check the source geometries.")
    label = crs.to_string()
    hint = (
        f"Layer {name!r}: coordinates ({minx:.0f}, {miny:.0f}) cannot be in {label} "
        "(outside its area of use); the declared CRS is wrong: declare the CRS the "
        "coordinates are really in (EPSG:25832 for UTM 32N metres, EPSG:4326 for degrees)."
    )
    if crs.is_geographic:
        if not (minx >= -180.5 and maxx <= 180.5 and miny >= -90.5 and maxy <= 90.5):
            raise CrsError(hint)
        return crs
    aou = crs.area_of_use
    if aou is None:
        return crs
    margin = 5.0  # degrees; UTM zones are routinely used a little outside their strip

    def inside(xs: list[float], ys: list[float]) -> bool:
        try:
            tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            lon, lat = (np.asarray(v) for v in tr.transform(xs, ys, errcheck=False))
        except Exception:  # pragma: no cover - pyproj errors are rare here
            return False
        return bool(
            np.all(np.isfinite(lon))
            and np.all(np.isfinite(lat))
            and lon.min() >= aou.west - margin
            and lon.max() <= aou.east + margin
            and lat.min() >= aou.south - margin
            and lat.max() <= aou.north + margin
        )

    if not inside([minx, maxx, minx, maxx], [miny, miny, maxy, maxy]):
        if inside([miny, maxy, miny, maxy], [minx, minx, maxx, maxx]):
            raise CrsError(
                f"Layer {name!r}: coordinates ({minx:.0f}, {miny:.0f}) cannot be in {label}, but "
                "would be with x and y swapped: the easting and northing columns (or the axis "
                "order) are swapped; swap them."
            )
        raise CrsError(hint)
    return crs


#: Features of an ``areas`` layer that share a name are one area when they lie this close
#: (metres) to each other (e.g. a business park split by a road); farther apart, it is an error.
AREA_NAME_MERGE_M = 200.0


def _check_area_names(areas: gpd.GeoDataFrame, name: str) -> None:
    """Refuse an area name used by parts farther apart than AREA_NAME_MERGE_M (two places)."""
    named = areas[areas["name"].astype(str).str.strip() != ""]
    dup = named["name"][named["name"].duplicated(keep=False)]
    for area in pd.unique(dup):
        parts = named.geometry[named["name"] == area]
        joined = shapely.union_all(parts.buffer(AREA_NAME_MERGE_M / 2).values)
        if joined.geom_type != "Polygon":
            gap = (
                min(
                    a.distance(b)
                    for i, a in enumerate(parts.values)
                    for b in parts.values[i + 1 :]
                    if a.distance(b) > 0
                )
                if len(parts) > 1
                else 0.0
            )
            raise CodeError(
                f"Layer {name!r}: the name {area!r} is used by {len(parts)} features up to "
                f"{gap:,.0f} m apart, so it would mean more than one place; give them distinct "
                f"names (parts closer than {AREA_NAME_MERGE_M:g} m count as one area)."
            )


def _coerce(series: pd.Series, dtype: str, name: str, col: str) -> pd.Series:
    if dtype == "str":
        out = series.astype("string").fillna("").astype(object)
        return out.map(lambda v: str(v).strip())
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() & series.notna() & (series.astype("string").str.strip() != "")
    if bad.any():
        sample = ", ".join(repr(v) for v in series[bad].unique()[:5])
        raise CodeError(
            f"Layer {name!r}: column {col!r} must be numeric but has {sample}; "
            "fix the source values or map another column."
        )
    if np.isinf(numeric.to_numpy(dtype="float64", na_value=np.nan)).any():
        raise CodeError(
            f"Layer {name!r}: column {col!r} has infinite values; fix the source values."
        )
    if dtype == "int":
        if numeric.isna().any():
            raise MissingColumnError(
                f"Layer {name!r}: column {col!r} has {int(numeric.isna().sum())} empty values; "
                "every feature needs one."
            )
        if not np.all(np.equal(np.mod(numeric, 1), 0)):
            raise CodeError(f"Layer {name!r}: column {col!r} must hold whole numbers (codes).")
        return numeric.astype("int64")
    return numeric.astype("float64")


def _repair(geoms: gpd.GeoSeries, family: str, name: str) -> tuple[gpd.GeoSeries, int]:
    """Repair invalid geometries; return the repaired series and how many were repaired."""
    arr = geoms.values
    invalid = ~shapely.is_valid(arr)
    n_invalid = int(invalid.sum())
    if n_invalid == 0:
        return geoms, 0
    fixed = shapely.make_valid(arr[invalid])
    keep_dim = {"polygon": 2, "line": 1, "point": 0, "point_or_polygon": 2}[family]
    out = []
    for g in fixed:
        if g.geom_type == "GeometryCollection":
            parts = [p for p in g.geoms if shapely.get_dimensions(p) == keep_dim and not p.is_empty]
            g = shapely.union_all(parts) if parts else shapely.Point()
        out.append(g)
    fixed_arr = np.asarray(out, dtype=object)
    unrepairable = [
        i
        for i, g in zip(np.flatnonzero(invalid), fixed_arr, strict=True)
        if g.is_empty or not g.is_valid or shapely.get_dimensions(g) != keep_dim
    ]
    if unrepairable:
        ids = ", ".join(str(geoms.index[i]) for i in unrepairable[:5])
        raise GeometryError(
            f"Layer {name!r}: {len(unrepairable)} invalid geometries could not be repaired "
            f"(features {ids}); fix them in the source (e.g. QGIS 'Fix geometries')."
        )
    new = arr.copy()
    new[invalid] = fixed_arr
    return gpd.GeoSeries(new, index=geoms.index, crs=geoms.crs), n_invalid


def normalize(
    gdf: gpd.GeoDataFrame,
    kind: str,
    /,
    *,
    name: str | None = None,
    columns: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    source: str = "",
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Validate ``gdf`` and return it in the canonical schema of ``kind``, in the working CRS.

    Parameters
    ----------
    gdf
        The source data. Never modified.
    kind
        A key of :data:`arealanalyse.layers.schema.KINDS`.
    name
        Layer name used in error messages (defaults to ``kind``).
    columns
        Mapping ``{canonical_column: source_column}``.
    values
        Constant values ``{canonical_column: value}`` for columns the source lacks
        (e.g. ``{"mode": "rail"}``).
    source
        Where the data came from, recorded in the load report.
    settings
        Run settings (working CRS, persons per dwelling).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical columns plus ``geometry``, indexed like the input (minus dropped rows).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sq = box(590_000, 6_643_000, 590_100, 6_643_100)
    >>> src = gpd.GeoDataFrame({"ARTYPE": [21, 30]}, geometry=[sq, sq], crs=25832)
    >>> out = normalize(src, "farmland", columns={"arealtype": "ARTYPE"})
    >>> out[["arealtype", "arealtype_navn", "area_daa"]].to_dict("records")
    [{'arealtype': 21, 'arealtype_navn': 'Fulldyrka jord', 'area_daa': 10.0}]
    """
    s = resolve(settings)
    if kind not in KINDS:
        raise CodeError(f"Unknown layer kind {kind!r}; use one of: {', '.join(sorted(KINDS))}.")
    spec: LayerKind = KINDS[kind]
    name = name or kind
    if not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf or gdf.geometry is None:
        raise GeometryError(f"Layer {name!r} has no geometry column; is it a spatial file?")
    if len(gdf) == 0:
        raise EmptyLayerError(
            f"Layer {name!r} is empty (0 features); check the path, layer name or filter."
        )
    src_crs = check_crs(gdf, name)
    report = LoadReport(name=name, kind=kind, source=source, source_crs=src_crs.to_string())

    geoms = gdf.geometry
    missing = geoms.isna() | geoms.is_empty
    if missing.any():
        ids = ", ".join(str(i) for i in gdf.index[missing][:5])
        raise GeometryError(
            f"Layer {name!r}: {int(missing.sum())} features have no geometry (features {ids}); "
            "remove them or give them a geometry."
        )
    types = set(geoms.geom_type.unique())
    allowed = _FAMILIES[spec.geometry]
    if not types <= allowed:
        raise GeometryError(
            f"Layer {name!r}: geometry types {sorted(types)} are not allowed for kind {kind!r} "
            f"(expects {sorted(allowed)}); split the file by geometry type or pick the right kind."
        )
    if spec.geometry == "point_or_polygon" and types & _POINT and types & _POLY:
        raise GeometryError(
            f"Layer {name!r}: mixed geometry types {sorted(types)}; a {kind!r} layer must be "
            "all points or all polygons: split it into two layers."
        )

    # Columns: map source names to canonical ones, then check required.
    columns = dict(columns or {})
    values = dict(values or {})
    unknown = set(columns) | set(values)
    unknown -= set(spec.column_names)
    if unknown:
        raise MissingColumnError(
            f"Layer {name!r}: {sorted(unknown)} are not columns of kind {kind!r}; "
            f"canonical columns are {list(spec.column_names)}."
        )
    data: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.derived:
            continue
        src_col = columns.get(col.name, col.name)
        if col.name in values:
            data[col.name] = pd.Series([values[col.name]] * len(gdf), index=gdf.index)
        elif src_col in gdf.columns:
            data[col.name] = gdf[src_col]
        elif col.required:
            mapped = f" (mapped from {src_col!r})" if col.name in columns else ""
            raise MissingColumnError(
                f"Layer {name!r}: required column {col.name!r}{mapped} is missing; "
                f"available columns: {[c for c in gdf.columns if c != gdf.geometry.name]}. "
                f"Map it in the catalogue (columns: {{{col.name}: <source column>}})."
            )
    if kind == "homes" and not ({"dwellings", "population"} & set(data)):
        raise MissingColumnError(
            f"Layer {name!r}: a homes layer needs a 'dwellings' or 'population' column; map one "
            f"(available: {[c for c in gdf.columns if c != gdf.geometry.name]})."
        )
    if kind == "workplaces" and "jobs" not in data and "bra_m2" not in data:
        raise MissingColumnError(
            f"Layer {name!r}: a workplaces layer needs a 'jobs' or 'bra_m2' column; map one."
        )

    out = pd.DataFrame(index=gdf.index)
    for col in spec.columns:
        if col.derived:
            continue
        if col.name in data:
            series = _coerce(data[col.name], col.dtype, name, col.name)
            if col.default is not None:
                if col.dtype == "str":
                    series = series.where(series != "", col.default)
                else:
                    series = series.fillna(col.default)
        elif col.default is not None:
            series = pd.Series([col.default] * len(gdf), index=gdf.index)
        else:
            series = pd.Series(np.nan, index=gdf.index, dtype="float64")
        if col.codes is not None and col.name in data:
            bad = ~series.isin(list(col.codes))
            if bad.any():
                vals = ", ".join(repr(v) for v in pd.unique(series[bad])[:5])
                known = ", ".join(str(c) for c in list(col.codes)[:20])
                more = ", ..." if len(col.codes) > 20 else ""
                raise CodeError(
                    f"Layer {name!r}: unknown {col.name} code(s) {vals} in "
                    f"{int(bad.sum())} features; valid codes: {known}{more}. "
                    "Fix the source or recode it in the catalogue."
                )
        out[col.name] = series

    has_z = shapely.has_z(geoms.values)
    if has_z.any():  # 3-D sources (FKB-AR5 posList with heights): the analysis is 2-D
        report.z_dropped = int(has_z.sum())
        geoms = gpd.GeoSeries(shapely.force_2d(geoms.values), index=geoms.index, crs=geoms.crs)
    geoms, report.repaired = _repair(geoms, spec.geometry, name)
    result = gpd.GeoDataFrame(out, geometry=geoms.rename("geometry"), crs=src_crs)
    if spec.geometry == "point":
        nonpoint = ~result.geometry.geom_type.isin(["Point"])
        if nonpoint.any():
            report.converted_to_points = int(nonpoint.sum())
            pts = result.geometry.copy()
            pts[nonpoint] = result.geometry[nonpoint].representative_point()
            result = result.set_geometry(pts)
    target = CRS.from_user_input(s.crs)
    if not src_crs.equals(target):
        result = result.to_crs(target)

    # Kind-specific derivations.
    if kind == "farmland":
        keep = result["arealtype"].isin(AR5_FARMLAND)
        if not keep.all():
            report.dropped = int((~keep).sum())
            report.dropped_reason = "AR5 classes other than 21/22/23 (not farmland)"
            result = result[keep]
        if result.empty:
            raise EmptyLayerError(
                f"Layer {name!r} has no farmland (AR5 21/22/23) features; is it an AR5 extract?"
            )
        result["arealtype_navn"] = result["arealtype"].map(AR5_ARTYPE)
    if kind == "ar5":
        result["arealtype_navn"] = result["arealtype"].map(AR5_ARTYPE)
    if kind == "zoning":
        result["arealformal_navn"] = result["arealformal"].map(lambda c: AREALFORMAL[c][0])
        result["category"] = result["arealformal"].map(lambda c: AREALFORMAL[c][1])
    if "area_daa" in spec.column_names:
        result["area_daa"] = result.geometry.area / 1000.0
        report.derived.append("area_daa")
    if kind == "walk_network":
        result["length_m"] = result.geometry.length
        report.derived.append("length_m")
    if kind == "homes":
        pp = s.persons_per_dwelling
        if result["dwellings"].isna().all() and result["population"].notna().any():
            result["dwellings"] = result["population"] / pp
            report.derived.append(f"dwellings = population / {pp}")
        elif result["population"].isna().all() and result["dwellings"].notna().any():
            result["population"] = result["dwellings"] * pp
            report.derived.append(f"population = dwellings * {pp}")
        for wcol in ("dwellings", "population"):
            if (result[wcol] < 0).any():
                raise CodeError(f"Layer {name!r}: negative {wcol}; weights must be >= 0.")
            result[wcol] = result[wcol].fillna(0.0)
    for wcol in ("jobs", "bra_m2", "departures_per_hour"):
        if wcol in result.columns and (result[wcol] < 0).any():
            raise CodeError(
                f"Layer {name!r}: negative {wcol} in {int((result[wcol] < 0).sum())} features; "
                "it must be >= 0."
            )
    if kind == "workplaces":
        if result["jobs"].isna().all():
            result["jobs"] = 0.0
        result["jobs"] = result["jobs"].fillna(0.0)
    if kind == "areas":
        _check_area_names(result, name)
    order = [c for c in spec.column_names if c in result.columns] + ["geometry"]
    result = result[order]
    report.features = len(result)
    result.attrs["arealanalyse"] = report.as_dict()
    return result
