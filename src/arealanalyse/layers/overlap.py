"""Layers that must meet: a layer outside the study area is an error with its likely cause.

A layer whose coordinates are read in the wrong CRS still validates when the wrong CRS is a
plausible one: UTM zone 32 metres labelled EPSG:25833 land some 300 km east, latitude and
longitude swapped land in the Indian Ocean. Every distance from such a layer is "not reached" and
every share 0 %, which looks like a result. :func:`check_overlap` turns it into an error naming
the layer, where it lies relative to the study area and, where one explains it, the cause:
swapped axes, or the CRS that would put the coordinates inside the study area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from arealanalyse.errors import CrsError

__all__ = ["CANDIDATE_CRS", "bounds_area", "check_overlap", "misplacement_cause"]

#: CRSs tried when a layer misses the study area: Norway's UTM zones (ETRS89 and WGS 84),
#: geographic coordinates, web mercator and the old ED50/NGO 1948 systems.
CANDIDATE_CRS: tuple[str, ...] = (
    "EPSG:25832",
    "EPSG:25833",
    "EPSG:25835",
    "EPSG:4326",
    "EPSG:3857",
    "EPSG:23032",
    "EPSG:23033",
    "EPSG:27393",
)

_SAMPLE = 5000  # features looked at (evenly spread over the layer) when diagnosing
_CHUNK = 2048  # features tested at a time for meeting the area


def _sample_points(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) > _SAMPLE:
        geoms = geoms[np.linspace(0, len(geoms) - 1, _SAMPLE).astype(int)]
    return shapely.get_coordinates(shapely.point_on_surface(geoms))


def _transform(xy: np.ndarray, src: CRS, dst: CRS) -> np.ndarray:
    tr = Transformer.from_crs(src, dst, always_xy=True)
    with np.errstate(all="ignore"):
        x, y = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])


def _count_inside(xy: np.ndarray, area: shapely.Geometry) -> int:
    ok = np.all(np.isfinite(xy), axis=1)
    if not ok.any():
        return 0
    return int(shapely.contains_xy(area, xy[ok, 0], xy[ok, 1]).sum())


def misplacement_cause(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    area: shapely.Geometry,
    /,
    *,
    source_crs: str | CRS | None = None,
    tolerance_m: float = 0.0,
) -> str | None:
    """Explain why ``gdf`` misses ``area`` (both in ``gdf``'s CRS), or None.

    The layer's coordinates are taken back to the CRS they were declared in (``source_crs``,
    default the layer's load report) and read again with x and y swapped, and in each of
    :data:`CANDIDATE_CRS`. The reading that puts the most features within ``area`` (buffered by
    ``tolerance_m``, at least 1 km) is the likely cause; a layer that misses the area entirely
    almost never hits it by chance under a wrong reading.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> area = box(585000, 6635000, 600000, 6650000)  # Bærum, EPSG:25832
    >>> swapped = gpd.GeoDataFrame(geometry=[Point(59.89, 10.52)], crs=4326).to_crs(25832)
    >>> misplacement_cause(swapped, area, source_crs="EPSG:4326")
    'x and y (longitude and latitude) are swapped'
    >>> utm32 = gpd.GeoDataFrame(geometry=[Point(590000, 6640000)], crs=25833).to_crs(25832)
    >>> misplacement_cause(utm32, area, source_crs="EPSG:25833")
    'the coordinates are in EPSG:25832 (ETRS89 / UTM zone 32N), not the declared EPSG:25833'
    """
    if gdf.crs is None:
        return None
    here = CRS.from_user_input(gdf.crs)
    if source_crs is None:
        source_crs = getattr(gdf, "attrs", {}).get("arealanalyse", {}).get("source_crs") or here
    src = CRS.from_user_input(source_crs)
    xy = _sample_points(gdf)
    if len(xy) == 0:
        return None
    orig = _transform(xy, here, src) if not src.equals(here) else xy
    if not np.all(np.isfinite(orig)):
        return None
    target = area.buffer(max(tolerance_m, 1000.0))
    what = "longitude and latitude" if src.is_geographic else "easting and northing"
    swapped = _count_inside(_transform(orig[:, ::-1], src, here), target)
    readings: list[tuple[int, str]] = [(swapped, f"x and y ({what}) are swapped")]
    for code in CANDIDATE_CRS:
        cand = CRS.from_user_input(code)
        if cand.equals(src):
            continue
        hits = _count_inside(_transform(orig, cand, here), target)
        declared = src.to_string()
        readings.append(
            (hits, f"the coordinates are in {code} ({cand.name}), not the declared {declared}")
        )
    best, cause = max(readings, key=lambda r: r[0])  # first of equals: swap, then list order
    return cause if best > 0 else None


def _direction(dx: float, dy: float) -> str:
    names = ["east", "north-east", "north", "north-west"]
    names += ["west", "south-west", "south", "south-east"]
    return names[round(math.degrees(math.atan2(dy, dx)) / 45.0) % 8]


def check_overlap(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries,
    area: shapely.Geometry,
    /,
    *,
    name: str,
    area_name: str,
    tolerance_m: float = 0.0,
    source_crs: str | CRS | None = None,
) -> None:
    """Raise :class:`~arealanalyse.errors.CrsError` when no feature of ``gdf`` meets ``area``.

    ``area`` is in ``gdf``'s CRS; features within ``tolerance_m`` of it count as meeting it. The
    one-line message names the layer, how far and in which direction it lies from the area, and
    the likely cause (:func:`misplacement_cause`) when one explains it.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> area = box(585000, 6635000, 600000, 6650000)
    >>> homes = gpd.GeoDataFrame(geometry=[Point(590000, 6640000)], crs=25833).to_crs(25832)
    >>> check_overlap(homes, area, name="homes", area_name="Bærum", source_crs="EPSG:25833")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.CrsError: Layer 'homes' lies outside Bærum: ... likely cause: the ...
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if len(geoms) == 0:
        return
    zone = area.buffer(tolerance_m) if tolerance_m > 0 else area
    if tolerance_m > 0:
        shapely.prepare(zone)  # our own geometry: many features are tested against it
    for start in range(0, len(geoms), _CHUNK):  # a layer that meets the area stops early
        if shapely.intersects(zone, geoms[start : start + _CHUNK]).any():
            return
    ax, ay = shapely.get_coordinates(area.centroid)[0]
    xy = _sample_points(gdf)
    finite = xy[np.all(np.isfinite(xy), axis=1)]
    if len(finite):
        cx, cy = finite.mean(axis=0)
        dist_km = float(shapely.distance(area, shapely.points(finite)).min()) / 1000.0
        where = f"it lies {dist_km:,.0f} km {_direction(cx - ax, cy - ay)} of it"
    else:
        where = "its coordinates cannot be placed at all"
    cause = misplacement_cause(gdf, area, source_crs=source_crs, tolerance_m=tolerance_m)
    within = f" within {tolerance_m:g} m" if tolerance_m else ""
    fix = (
        f"likely cause: {cause}; declare the right CRS or swap the coordinate columns."
        if cause
        else "is it the right file, and is its CRS declared correctly?"
    )
    raise CrsError(
        f"Layer {name!r} lies outside {area_name}: none of its {len(geoms):,} features is{within} "
        f"there ({where}); {fix}"
    )


def bounds_area(gdfs: Sequence[gpd.GeoDataFrame | gpd.GeoSeries]) -> shapely.Geometry:
    """Return the box around ``gdfs`` (all in one CRS)."""
    bounds = np.array([g.total_bounds for g in gdfs if len(g)])
    corners = [(bounds[:, 0].min(), bounds[:, 1].min()), (bounds[:, 2].max(), bounds[:, 3].max())]
    return shapely.envelope(shapely.multipoints(corners))  # a line or point when flat
