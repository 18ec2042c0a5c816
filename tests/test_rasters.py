"""Rasters: reading in any CRS, zonal statistics, slope, GeoTIFF writing and point surfaces."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from pyproj import Transformer
from shapely.geometry import Point, box

from arealanalyse.errors import CrsError, LayerFileError, MissingColumnError
from arealanalyse.layers.rasters import (
    Raster,
    read_raster,
    slope_degrees,
    surface_from_points,
    write_geotiff,
    zonal_stats,
)

X0, Y0 = 590_000.0, 6_640_000.0


def _ramp(cols: int = 8, rows: int = 6, cell: float = 10.0) -> Raster:
    """value = column index + 10 * row index (row 0 at the top)."""
    arr = np.add.outer(10.0 * np.arange(rows), np.arange(cols))
    return Raster(arr, Affine(cell, 0, X0, 0, -cell, Y0 + rows * cell), "EPSG:25832")


def test_read_raster_in_working_crs_masks_nodata(tmp_path: Path) -> None:
    arr = np.array([[1.0, 2.0, -1.0], [4.0, 5.0, 6.0]])
    path = write_geotiff(
        arr, Affine(5, 0, X0, 0, -5, Y0), tmp_path / "a.tif", crs="EPSG:25832", nodata=-1.0
    )
    r = read_raster(path, name="noise")
    assert r.crs == "EPSG:25832" and r.nodata == -1.0
    assert np.isnan(r.array[0, 2]) and r.array[1, 2] == 6.0
    assert r.transform == Affine(5, 0, X0, 0, -5, Y0)


def test_read_raster_reprojects_from_lonlat(tmp_path: Path) -> None:
    # A constant 50 dB field over Sandvika in EPSG:4326, 0.001° cells.
    lon0, lat0 = 10.50, 59.90
    arr = np.full((40, 60), 50.0)
    tr = Affine(0.001, 0, lon0, 0, -0.001, lat0)
    path = write_geotiff(arr, tr, tmp_path / "ll.tif", crs="EPSG:4326", nodata=-9999.0)
    r = read_raster(path, name="noise")
    assert r.crs == "EPSG:25832"
    vals = r.array[~np.isnan(r.array)]
    assert vals.size > 0 and np.allclose(vals, 50.0)
    # The reprojected grid covers the source's centre, computed with pyproj directly.
    cx, cy = Transformer.from_crs(4326, 25832, always_xy=True).transform(lon0 + 0.03, lat0 - 0.02)
    minx, miny, maxx, maxy = r.bounds
    assert minx < cx < maxx and miny < cy < maxy
    stats = zonal_stats(r, gpd.GeoSeries([Point(cx, cy).buffer(100)], crs=25832))
    assert stats.loc[0, "mean"] == pytest.approx(50.0)


def test_read_raster_errors(tmp_path: Path) -> None:
    with pytest.raises(LayerFileError, match=r"Raster 'dem': file .* does not exist"):
        read_raster(tmp_path / "missing.tif", name="dem")
    no_crs = tmp_path / "nocrs.tif"
    with rasterio.open(
        no_crs,
        "w",
        driver="GTiff",
        height=2,
        width=2,
        count=1,
        dtype="float64",
        transform=Affine(1, 0, 0, 0, -1, 2),
    ) as dst:
        dst.write(np.ones((2, 2)), 1)
    with pytest.raises(CrsError, match="has no CRS"):
        read_raster(no_crs, name="dem")
    junk = tmp_path / "junk.tif"
    junk.write_text("not a raster")
    with pytest.raises(LayerFileError, match="cannot be read"):
        read_raster(junk, name="dem")


def test_zonal_stats_golden_and_index() -> None:
    r = _ramp()
    # Cells with centres inside: columns 1..3 (x 10..40) and rows 0..1 (y top 60..40).
    polys = gpd.GeoDataFrame(
        {"v": [1, 2, 3]},
        geometry=[
            box(X0 + 10, Y0 + 40, X0 + 40, Y0 + 60),
            box(X0 + 2, Y0 + 2, X0 + 4, Y0 + 4),
            box(X0 + 500, Y0 + 500, X0 + 510, Y0 + 510),
        ],
        index=pd.Index(["a", "b", "c"], name="site"),
        crs=25832,
    )
    snapshot = polys.copy()
    out = zonal_stats(r, polys, stats=("mean", "max", "min", "count", "sum"))
    expected = np.array([[1, 2, 3], [11, 12, 13]], dtype=float)
    assert out.loc["a", "mean"] == expected.mean() and out.loc["a", "max"] == 13.0
    assert out.loc["a", "sum"] == expected.sum() and out.loc["a", "count"] == 6
    # A polygon smaller than a cell takes the cell it touches (bottom-left: row 5, col 0 = 50).
    assert out.loc["b", "mean"] == 50.0 and out.loc["b", "count"] == 1
    assert np.isnan(out.loc["c", "mean"]) and out.loc["c", "count"] == 0
    pd.testing.assert_index_equal(out.index, polys.index)
    pd.testing.assert_frame_equal(polys, snapshot)


def test_zonal_stats_reprojects_polygons_and_ignores_nan() -> None:
    r = _ramp()
    arr = r.array.copy()
    arr[0, 1] = np.nan
    r = Raster(arr, r.transform, r.crs)
    poly = gpd.GeoSeries([box(X0 + 10, Y0 + 50, X0 + 30, Y0 + 60)], crs=25832).to_crs(25833)
    out = zonal_stats(r, poly, stats=("mean", "count"))
    assert out.loc[0, "count"] == 1 and out.loc[0, "mean"] == 2.0
    with pytest.raises(ValueError, match="unknown statistics"):
        zonal_stats(r, poly, stats=("average",))


def test_slope_of_a_plane() -> None:
    xs = np.arange(10) * 5.0
    ys = np.arange(8)[::-1] * 5.0  # row 0 at the top (largest y)
    z = 0.1 * xs[None, :] + 0.2 * ys[:, None]
    dem = Raster(z, Affine(5, 0, 0, 0, -5, 40), "EPSG:25832")
    slope = slope_degrees(dem).array
    assert np.allclose(slope, math.degrees(math.atan(math.hypot(0.1, 0.2))))


def test_write_geotiff_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    arr = np.array([[1.5, np.nan], [3.0, 4.0]])
    tr = Affine(250, 0, 250_000, 0, -250, 6_650_000)
    a = write_geotiff(arr, tr, tmp_path / "a.tif", crs="EPSG:25832", nodata=-9999.0)
    b = write_geotiff(arr, tr, tmp_path / "b.tif", crs="EPSG:25832", nodata=-9999.0)
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tif", "b.tif"]  # no temp files left
    with rasterio.open(a) as src:
        assert src.crs.to_epsg() == 25832 and src.nodata == -9999.0
        assert src.read(1)[0, 1] == -9999.0 and src.read(1)[1, 0] == 3.0
    with pytest.raises(ValueError, match="2-D"):
        write_geotiff(np.ones(3), tr, tmp_path / "c.tif", crs="EPSG:25832", nodata=None)


def test_surface_from_points_mean_and_nearest(tmp_path: Path) -> None:
    pts = gpd.GeoDataFrame(
        {"dist_rail_m": [100.0, 300.0, np.inf, 700.0]},
        geometry=[
            Point(X0 + 10, Y0 + 10),
            Point(X0 + 240, Y0 + 240),
            Point(X0 + 100, Y0 + 100),
            Point(X0 + 260, Y0 + 10),
        ],
        crs=25832,
    )
    surf = surface_from_points(pts, "dist_rail_m", cell_m=250)
    # Grid aligned to multiples of 250 m: two columns (x0..x0+500), one row (y0..y0+250).
    assert surf.bounds == (X0, Y0, X0 + 500, Y0 + 250)
    assert surf.array.tolist() == [[200.0, 700.0]]  # inf left out; mean of 100 and 300
    near = surface_from_points(pts, "dist_rail_m", cell_m=100, method="nearest", max_distance_m=80)
    # Cell (col 0, row 2) has centre (50, 50): nearest finite point (10, 10) at 56.6 m.
    assert near.array[2, 0] == 100.0
    assert np.isnan(near.array[0, 1])  # centre (150, 250): nothing within 80 m
    path = surf.write(tmp_path / "dist_rail.tif")
    back = read_raster(path, name="surface")
    assert back.array.tolist() == [[200.0, 700.0]]
    with pytest.raises(MissingColumnError, match="column 'nope' is missing"):
        surface_from_points(pts, "nope", cell_m=250)
