"""Helpers shared by the fetchers."""

from __future__ import annotations

import geopandas as gpd
import shapely

from arealanalyse.errors import EmptyLayerError

__all__ = ["bbox_lonlat", "clip_to", "union"]


def union(boundary: gpd.GeoDataFrame, crs: str = "EPSG:25832") -> shapely.Geometry:
    """Return the union of ``boundary``'s geometries in ``crs``."""
    return shapely.union_all(boundary.to_crs(crs).geometry.to_numpy())


def bbox_lonlat(boundary: gpd.GeoDataFrame, *, buffer_m: float = 0.0) -> tuple[float, ...]:
    """Return ``(south, west, north, east)`` in degrees of ``boundary`` buffered by ``buffer_m``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame(geometry=[box(590000, 6640000, 591000, 6641000)], crs=25832)
    >>> [round(v, 3) for v in bbox_lonlat(b)]
    [59.888, 10.608, 59.897, 10.627]
    """
    geom = union(boundary)
    if buffer_m:
        geom = geom.buffer(buffer_m)
    west, south, east, north = (
        gpd.GeoSeries([geom], crs=boundary.to_crs("EPSG:25832").crs).to_crs(4326).total_bounds
    )
    return (float(south), float(west), float(north), float(east))


def clip_to(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    /,
    *,
    tolerance_m: float = 0.0,
    name: str = "layer",
) -> gpd.GeoDataFrame:
    """Keep whole features that intersect ``boundary`` buffered by ``tolerance_m``.

    The load report in ``attrs["arealanalyse"]`` is kept and gets a ``clipped_out`` count.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> kommune = gpd.GeoDataFrame(geometry=[box(590000, 6640000, 591000, 6641000)], crs=25832)
    >>> pts = gpd.GeoDataFrame(geometry=[Point(590500, 6640500), Point(591200, 6640500)],
    ...                        crs=25832)
    >>> len(clip_to(pts, kommune)), len(clip_to(pts, kommune, tolerance_m=300))
    (1, 2)
    """
    geom = union(boundary, gdf.crs.to_string() if gdf.crs is not None else "EPSG:25832")
    if tolerance_m:
        geom = geom.buffer(tolerance_m)
    shapely.prepare(geom)
    keep = shapely.intersects(geom, gdf.geometry.to_numpy())
    out = gdf[keep]
    if out.empty:
        raise EmptyLayerError(
            f"Layer {name!r}: no features inside the municipality (tolerance {tolerance_m:g} m); "
            "did the service answer for the right area?"
        )
    report = dict(gdf.attrs.get("arealanalyse", {}))
    report["clipped_out"] = int((~keep).sum())
    report["features"] = len(out)
    out.attrs["arealanalyse"] = report
    return out
