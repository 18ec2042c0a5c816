"""Small synthetic study areas for the batch tests: a street lattice with homes and targets."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import yaml
from shapely.geometry import box

CRS = "EPSG:25832"
X0, Y0 = 590_000.0, 6_640_000.0


def lattice_area(
    folder: Path,
    name: str,
    *,
    width_m: float,
    height_m: float,
    spacing_m: float = 200.0,
    homes: int = 600,
    origin: tuple[float, float] = (X0, Y0),
    seed: int = 1,
) -> Path:
    """Write a lattice study area and its catalogue; return the catalogue's path.

    The homes are in ``<name>-homes.gpkg`` (so a test can change them), the rest in
    ``<name>.gpkg``.
    """
    rng = np.random.default_rng(seed)
    x0, y0 = origin
    nx, ny = int(width_m // spacing_m) + 1, int(height_m // spacing_m) + 1
    xs, ys = x0 + np.arange(nx) * spacing_m, y0 + np.arange(ny) * spacing_m
    lines = [shapely.LineString([(x, ys[0]), (x, ys[-1])]) for x in xs]
    lines += [shapely.LineString([(xs[0], y), (xs[-1], y)]) for y in ys]
    walk = gpd.GeoDataFrame({"highway": ["footway"] * len(lines)}, geometry=lines, crs=CRS)
    # homes beside the streets (10-30 m off a vertical street)
    hx = rng.choice(xs, homes) + rng.choice([-1, 1], homes) * rng.uniform(10, 30, homes)
    hy = rng.uniform(ys[0], ys[-1], homes)
    dw = rng.integers(1, 6, homes).astype(float)
    home_gdf = gpd.GeoDataFrame(
        {"dwellings": dw, "population": dw * 2.3, "source": "building"},
        geometry=shapely.points(hx, hy),
        crs=CRS,
    )
    n_s = max(8, homes // 40)
    cats = rng.choice(["school", "grocery", "kindergarten", "health"], n_s)
    services = gpd.GeoDataFrame(
        {"category": cats, "name": [f"s{i}" for i in range(n_s)]},
        geometry=shapely.points(
            rng.uniform(xs[0], xs[-1], n_s), rng.choice(ys, n_s) + rng.uniform(-20, 20, n_s)
        ),
        crs=CRS,
    )
    n_t = max(4, homes // 100)
    transit = gpd.GeoDataFrame(
        {
            "name": [f"t{i}" for i in range(n_t)],
            "mode": rng.choice(["bus", "bus", "rail"], n_t),
            "status": "existing",
        },
        geometry=shapely.points(rng.choice(xs, n_t) + 15, rng.uniform(ys[0], ys[-1], n_t)),
        crs=CRS,
    )
    n_g = max(3, homes // 150)
    cx, cy = rng.uniform(xs[0], xs[-1], n_g), rng.uniform(ys[0], ys[-1], n_g)
    green = gpd.GeoDataFrame(
        {"green_type": "park", "name": [f"g{i}" for i in range(n_g)]},
        geometry=[box(x, y, x + 150, y + 120) for x, y in zip(cx, cy, strict=True)],
        crs=CRS,
    )
    boundary = gpd.GeoDataFrame(
        {"kommunenummer": ["9999"], "name": [name]},
        geometry=[box(xs[0] - 1, ys[0] - 1, xs[-1] + 1, ys[-1] + 1)],
        crs=CRS,
    )
    folder.mkdir(parents=True, exist_ok=True)
    gpkg = folder / f"{name}.gpkg"
    layers = {
        "boundary": boundary,
        "walk_network": walk,
        "homes": home_gdf,
        "services": services,
        "transit": transit,
        "green": green,
    }
    for kind, gdf in layers.items():
        if kind != "homes":
            gdf.to_file(gpkg, layer=kind, driver="GPKG", engine="pyogrio")
    home_gdf.to_file(folder / f"{name}-homes.gpkg", driver="GPKG", engine="pyogrio")
    doc = {
        "schema_version": 1,
        "name": name,
        "synthetic": True,
        "crs": CRS,
        "layers": {k: {"path": gpkg.name, "layer": k} for k in layers if k != "homes"},
    }
    doc["layers"]["homes"] = {"path": f"{name}-homes.gpkg"}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def grid_partitions(
    path: Path, bounds: tuple[float, float, float, float], cols: int, rows: int
) -> Path:
    """Write a grid of ``cols`` x ``rows`` partition polygons (column ``rute``) to ``path``."""
    x0, y0, x1, y1 = bounds
    w, h = (x1 - x0) / cols, (y1 - y0) / rows
    cells, names = [], []
    for j in range(rows):
        for i in range(cols):
            cells.append(box(x0 + i * w, y0 + j * h, x0 + (i + 1) * w, y0 + (j + 1) * h))
            names.append(f"r{j}c{i}")
    gpd.GeoDataFrame({"rute": names}, geometry=cells, crs=CRS).to_file(path, driver="GPKG")
    return path
