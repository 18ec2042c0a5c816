"""Rasters: read DEM and noise grids in any CRS, zonal statistics, slope, GeoTIFF surfaces.

Everything here uses rasterio. A raster is held as a small :class:`Raster` (a float64 array in
which cells without data are ``NaN``, its affine transform, CRS and the source's nodata value), in
the working CRS of the run: :func:`read_raster` reprojects on load, as the vector readers do.

:func:`surface_from_points` turns any per-home or per-node value (e.g. a network distance from
:mod:`arealanalyse.metrics`) into a grid that :func:`write_geotiff` writes for QGIS.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.warp
import shapely
from affine import Affine
from pyproj import CRS
from rasterio.crs import CRS as RioCRS
from rasterio.enums import Resampling

from arealanalyse.errors import CrsError, LayerFileError, MissingColumnError
from arealanalyse.io import atomic_path
from arealanalyse.settings import Settings, resolve

__all__ = [
    "STATS",
    "Raster",
    "read_raster",
    "slope_degrees",
    "surface_from_points",
    "write_geotiff",
    "zonal_stats",
]

#: Statistics :func:`zonal_stats` can compute (NaN cells are ignored).
STATS: tuple[str, ...] = ("mean", "max", "min", "median", "std", "sum", "count")

#: Nodata value written for float surfaces when none is given.
DEFAULT_NODATA = -9999.0


@dataclass(frozen=True)
class Raster:
    """A single-band raster in memory.

    Attributes
    ----------
    array
        2-D float64 array, row 0 at the top; cells without data are ``NaN``.
    transform
        Affine transform from (col, row) to map coordinates.
    crs
        CRS as a string (e.g. ``"EPSG:25832"``).
    nodata
        The nodata value of the source (``None`` if it had none); :func:`write_geotiff` writes
        ``NaN`` cells with it.
    """

    array: np.ndarray
    transform: Affine
    crs: str
    nodata: float | None = None

    @property
    def cell_m(self) -> float:
        """Cell width in CRS units (metres in the working CRS)."""
        return float(abs(self.transform.a))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the grid."""
        rows, cols = self.array.shape
        x0, y0 = self.transform @ (0, 0)
        x1, y1 = self.transform @ (cols, rows)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the raster as a GeoTIFF (atomic); see :func:`write_geotiff`."""
        nodata = self.nodata if self.nodata is not None else DEFAULT_NODATA
        return write_geotiff(self.array, self.transform, path, crs=self.crs, nodata=nodata)


def read_raster(
    path: str | os.PathLike[str], /, *, name: str, settings: Settings | None = None
) -> Raster:
    """Read band 1 of a raster in any CRS and return it in the working CRS.

    A raster already in the working CRS is read as-is; any other is reprojected with
    :func:`rasterio.warp.reproject` (bilinear) at about the same cell size.

    Parameters
    ----------
    path
        GeoTIFF or anything rasterio/GDAL reads.
    name
        Layer name for messages (``"noise"``, ``"dem"``).
    settings
        Run settings (working CRS).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from affine import Affine
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dem.tif"
    >>> _ = write_geotiff(np.array([[1.0, 2.0], [3.0, -1.0]]),
    ...                   Affine(10, 0, 590000, 0, -10, 6640000), p, crs="EPSG:25832", nodata=-1.0)
    >>> r = read_raster(p, name="dem")
    >>> r.array.tolist(), r.crs, r.nodata
    ([[1.0, 2.0], [3.0, nan]], 'EPSG:25832', -1.0)
    """
    s = resolve(settings)
    p = Path(path)
    if not p.is_file():
        raise LayerFileError(
            f"Raster {name!r}: file {str(p)!r} does not exist; check the path "
            "(catalogue paths are relative to the catalogue file)."
        )
    try:
        src = rasterio.open(p)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerFileError(
            f"Raster {name!r}: {p.name} cannot be read by GDAL ({exc}); is it a GeoTIFF?"
        ) from None
    with src:
        if src.crs is None:
            raise CrsError(
                f"Raster {name!r}: {p.name} has no CRS; assign one (gdal_edit.py -a_srs "
                "EPSG:25832) before loading."
            )
        nodata = None if src.nodata is None else float(src.nodata)
        data = src.read(1, masked=True).astype("float64").filled(np.nan)
        if nodata is not None and not np.isnan(nodata):
            data[data == nodata] = np.nan
        target = CRS.from_user_input(s.crs)
        src_crs = CRS.from_user_input(src.crs.to_wkt())
        if src_crs.equals(target):
            return Raster(data, src.transform, s.crs, nodata)
        dst_crs = RioCRS.from_user_input(s.crs)
        transform, width, height = rasterio.warp.calculate_default_transform(
            src.crs, dst_crs, src.width, src.height, *src.bounds
        )
        out = np.full((height, width), np.nan, dtype="float64")
        rasterio.warp.reproject(
            source=data,
            destination=out,
            src_transform=src.transform,
            src_crs=src.crs,
            src_nodata=np.nan,
            dst_transform=transform,
            dst_crs=dst_crs,
            dst_nodata=np.nan,
            resampling=Resampling.bilinear,
        )
    return Raster(out, transform, s.crs, nodata)


def zonal_stats(
    raster: Raster,
    polygons: gpd.GeoDataFrame | gpd.GeoSeries,
    /,
    *,
    stats: Sequence[str] = ("mean", "max"),
) -> pd.DataFrame:
    """Statistics of the raster cells under each polygon, indexed like ``polygons``.

    A cell belongs to a polygon when its centre is inside it; a polygon smaller than a cell (no
    centre inside) uses every cell it touches. ``NaN`` cells are ignored; a polygon with no data
    under it gets ``NaN`` (``count`` 0).

    Parameters
    ----------
    raster
        A :class:`Raster` (from :func:`read_raster`).
    polygons
        Polygons in any CRS (reprojected to the raster's).
    stats
        Names from :data:`STATS`.

    Returns
    -------
    pandas.DataFrame
        One column per statistic.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd
    >>> from affine import Affine
    >>> from shapely.geometry import box
    >>> r = Raster(np.arange(16, dtype=float).reshape(4, 4), Affine(10, 0, 0, 0, -10, 40),
    ...            "EPSG:25832")
    >>> zones = gpd.GeoSeries([box(0, 20, 20, 40), box(21, 1, 24, 4)], index=[7, 9], crs=25832)
    >>> zonal_stats(r, zones, stats=("mean", "max", "count"))
       mean   max  count
    7   2.5   5.0    4.0
    9  14.0  14.0    1.0
    """
    unknown = [s for s in stats if s not in STATS]
    if unknown:
        raise ValueError(f"zonal_stats: unknown statistics {unknown}; use some of {STATS}.")
    geoms = polygons.geometry if isinstance(polygons, gpd.GeoDataFrame) else polygons
    if geoms.crs is None:
        raise CrsError("zonal_stats: the polygons have no CRS; set one (e.g. EPSG:25832).")
    if not CRS.from_user_input(geoms.crs).equals(CRS.from_user_input(raster.crs)):
        geoms = geoms.to_crs(raster.crs)
    out = np.full((len(geoms), len(stats)), np.nan)
    rows, cols = raster.array.shape
    inv = ~raster.transform
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.is_empty:
            continue
        values = _cells_under(raster, geom, inv, rows, cols)
        values = values[~np.isnan(values)]
        for j, stat in enumerate(stats):
            if stat == "count":
                out[i, j] = float(values.size)
            elif values.size:
                out[i, j] = float(getattr(np, stat)(values))
    return pd.DataFrame(out, index=geoms.index, columns=list(stats))


def _cells_under(
    raster: Raster, geom: shapely.Geometry, inv: Affine, rows: int, cols: int
) -> np.ndarray:
    minx, miny, maxx, maxy = geom.bounds
    c0, r0 = inv @ (minx, maxy)
    c1, r1 = inv @ (maxx, miny)
    col_lo = max(int(np.floor(min(c0, c1))), 0)
    col_hi = min(int(np.ceil(max(c0, c1))), cols)
    row_lo = max(int(np.floor(min(r0, r1))), 0)
    row_hi = min(int(np.ceil(max(r0, r1))), rows)
    if col_hi <= col_lo or row_hi <= row_lo:
        return np.empty(0)
    window = raster.array[row_lo:row_hi, col_lo:col_hi]
    wt = raster.transform @ Affine.translation(col_lo, row_lo)
    for all_touched in (False, True):
        mask = rasterio.features.geometry_mask(
            [geom], out_shape=window.shape, transform=wt, invert=True, all_touched=all_touched
        )
        if mask.any():
            return np.asarray(window[mask])
    return np.empty(0)


def slope_degrees(dem: Raster, /) -> Raster:
    """Terrain slope in degrees from a DEM (central differences, cell size from the transform).

    Examples
    --------
    >>> import numpy as np
    >>> from affine import Affine
    >>> ramp = Raster(np.tile(np.arange(4.0) * 10.0, (3, 1)), Affine(10, 0, 0, 0, -10, 30),
    ...               "EPSG:25832")
    >>> np.round(slope_degrees(ramp).array, 6).tolist()[1]
    [45.0, 45.0, 45.0, 45.0]
    """
    dy, dx = np.gradient(dem.array, abs(dem.transform.e), abs(dem.transform.a))
    slope = np.degrees(np.arctan(np.hypot(dx, dy)))
    return Raster(slope, dem.transform, dem.crs, dem.nodata)


def write_geotiff(
    array: np.ndarray,
    transform: Affine,
    path: str | os.PathLike[str],
    /,
    *,
    crs: str,
    nodata: float | None,
) -> Path:
    """Write a 2-D array as a single-band, deflate-compressed GeoTIFF, atomically.

    ``NaN`` cells of a float array are written as ``nodata``. Equal inputs give equal bytes.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from affine import Affine
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.tif"
    >>> write_geotiff(np.ones((2, 3)), Affine(250, 0, 0, 0, -250, 500), p, crs="EPSG:25832",
    ...               nodata=-9999.0).name
    's.tif'
    """
    arr = np.asarray(array)
    if arr.ndim != 2:
        raise ValueError(f"write_geotiff: expected a 2-D array, got shape {arr.shape}.")
    if arr.dtype.kind == "f":
        arr = arr.astype("float32" if arr.dtype == np.float32 else "float64")
        if nodata is not None:
            arr = np.where(np.isnan(arr), nodata, arr)
    profile = {
        "driver": "GTiff",
        "height": arr.shape[0],
        "width": arr.shape[1],
        "count": 1,
        "dtype": arr.dtype.name,
        "crs": RioCRS.from_user_input(crs),
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
    }
    with atomic_path(path) as tmp, rasterio.open(tmp, "w", **profile) as dst:
        dst.write(arr, 1)
    return Path(path)


def surface_from_points(
    values_gdf: gpd.GeoDataFrame,
    column: str,
    /,
    *,
    cell_m: float,
    method: str = "mean",
    bounds: tuple[float, float, float, float] | None = None,
    max_distance_m: float | None = None,
    settings: Settings | None = None,
) -> Raster:
    """Turn a per-point value (e.g. each home's distance to rail) into a raster surface.

    The grid is aligned to multiples of ``cell_m`` in the working CRS (so 250 m cells coincide
    with SSB's grid). Non-finite values (``inf`` = not reached within the search bound) are left
    out; cells without a value are nodata.

    Parameters
    ----------
    values_gdf
        Points (polygons use their representative point) with a numeric ``column``.
    column
        The value to map.
    cell_m
        Cell size in metres.
    method
        ``"mean"``: the mean of the points in each cell. ``"nearest"``: each cell takes the value
        of the point nearest its centre, up to ``max_distance_m`` (default ``2 * cell_m``).
    bounds
        ``(minx, miny, maxx, maxy)`` to cover; default the points' extent.
    max_distance_m
        For ``"nearest"``: cells farther than this from any point are nodata.
    settings
        Run settings (working CRS).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoDataFrame({"dist_m": [100.0, 300.0, 500.0]},
    ...     geometry=[Point(10, 10), Point(20, 20), Point(160, 160)], crs=25832)
    >>> surf = surface_from_points(pts, "dist_m", cell_m=100)
    >>> surf.array.tolist(), surf.bounds
    ([[nan, 500.0], [200.0, nan]], (0.0, 0.0, 200.0, 200.0))
    """
    s = resolve(settings)
    if column not in values_gdf.columns:
        raise MissingColumnError(
            f"surface_from_points: column {column!r} is missing; available: "
            f"{[c for c in values_gdf.columns if c != 'geometry']}."
        )
    if method not in ("mean", "nearest"):
        raise ValueError(f"surface_from_points: method {method!r}; use 'mean' or 'nearest'.")
    if cell_m <= 0:
        raise ValueError(f"surface_from_points: cell_m must be > 0, got {cell_m}.")
    gdf = values_gdf
    if gdf.crs is None:
        raise CrsError("surface_from_points: the points have no CRS; set one (e.g. EPSG:25832).")
    if not CRS.from_user_input(gdf.crs).equals(CRS.from_user_input(s.crs)):
        gdf = gdf.to_crs(s.crs)
    geoms = gdf.geometry
    pts = geoms.where(geoms.geom_type == "Point", geoms.representative_point())
    vals = pd.to_numeric(gdf[column], errors="coerce").to_numpy(dtype="float64")
    xs, ys = shapely.get_x(pts.values), shapely.get_y(pts.values)
    ok = np.isfinite(vals) & np.isfinite(xs) & np.isfinite(ys)
    xs, ys, vals = xs[ok], ys[ok], vals[ok]
    if bounds is None:
        if not xs.size:
            raise ValueError(f"surface_from_points: no finite values in {column!r}.")
        bounds = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    minx = np.floor(bounds[0] / cell_m) * cell_m
    miny = np.floor(bounds[1] / cell_m) * cell_m
    maxx = (np.floor(bounds[2] / cell_m) + 1) * cell_m
    maxy = (np.floor(bounds[3] / cell_m) + 1) * cell_m
    ncols = round((maxx - minx) / cell_m)
    nrows = round((maxy - miny) / cell_m)
    transform = Affine(cell_m, 0.0, minx, 0.0, -cell_m, maxy)
    out = np.full((nrows, ncols), np.nan)
    if method == "mean":
        col = np.floor((xs - minx) / cell_m).astype(int)
        row = np.floor((maxy - ys) / cell_m).astype(int)
        inside = (col >= 0) & (col < ncols) & (row >= 0) & (row < nrows)
        flat = row[inside] * ncols + col[inside]
        sums = np.bincount(flat, weights=vals[inside], minlength=nrows * ncols)
        counts = np.bincount(flat, minlength=nrows * ncols)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan).reshape(nrows, ncols)
    elif xs.size:
        from scipy.spatial import cKDTree

        limit = max_distance_m if max_distance_m is not None else 2.0 * cell_m
        cx = minx + (np.arange(ncols) + 0.5) * cell_m
        cy = maxy - (np.arange(nrows) + 0.5) * cell_m
        gx, gy = np.meshgrid(cx, cy)
        dist, idx = cKDTree(np.column_stack([xs, ys])).query(
            np.column_stack([gx.ravel(), gy.ravel()]), distance_upper_bound=limit
        )
        found = np.isfinite(dist)
        flat_out = np.full(gx.size, np.nan)
        flat_out[found] = vals[idx[found]]
        out = flat_out.reshape(nrows, ncols)
    return Raster(out, transform, s.crs, DEFAULT_NODATA)
