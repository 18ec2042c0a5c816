"""A tiny hand-made study area (1.2 x 1 km in EPSG:25832) for the bad-input corpus and kill tests.

Every layer kind, a catalogue, a scenario, a plan proposal and a rule file; each CLI command runs
on it in well under a second of computing, so hundreds of hostile inputs stay cheap.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import yaml
from affine import Affine
from shapely.geometry import LineString, Point, box

from arealanalyse.layers.rasters import write_geotiff

CRS = "EPSG:25832"
X0, Y0 = 590_000.0, 6_643_000.0
W, H = 1200, 1000


def _p(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


def _b(x0: float, y0: float, x1: float, y1: float):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def wkt_box(x0: float, y0: float, x1: float, y1: float) -> str:
    """A WKT polygon in the area's local coordinates (metres from the south-west corner)."""
    return _b(x0, y0, x1, y1).wkt


def layers() -> dict[str, gpd.GeoDataFrame]:
    """The canonical layers of the tiny area."""
    gdf = gpd.GeoDataFrame
    segs = [
        LineString([(X0 + x, Y0 + y), (X0 + x + 100, Y0 + y)])
        for y in range(0, H + 1, 100)
        for x in range(0, W, 100)
    ] + [
        LineString([(X0 + x, Y0 + y), (X0 + x, Y0 + y + 100)])
        for x in range(0, W + 1, 100)
        for y in range(0, H, 100)
    ]
    homes = [_p(x, y) for x in range(50, W, 150) for y in range(50, H, 150)]
    out = {
        "boundary": gdf({"kommunenummer": ["9999"], "name": ["Tiny"]}, geometry=[_b(0, 0, W, H)]),
        "walk_network": gdf({"highway": ["footway"] * len(segs)}, geometry=segs),
        "transit": gdf(
            {
                "name": ["Stasjon", "Bussen", "Ny bane"],
                "mode": ["rail", "bus", "metro"],
                "status": ["existing", "existing", "planned"],
            },
            geometry=[_p(300, 500), _p(900, 300), _p(1000, 800)],
        ),
        "areas": gdf(
            {"name": ["Sentrum", "Parken næring"], "area_type": ["centre", "business_park"]},
            geometry=[_b(200, 400, 500, 700), _b(800, 100, 1100, 400)],
        ),
        "zoning": gdf(
            {"arealformal": [1300, 1110, 5110]},
            geometry=[_b(200, 400, 500, 700), _b(0, 700, 600, 1000), _b(800, 100, 1100, 400)],
        ),
        "farmland": gdf({"arealtype": [21]}, geometry=[_b(800, 100, 1000, 400)]),
        "green": gdf(
            {"green_type": ["park"], "name": ["Parken"]}, geometry=[_b(600, 600, 800, 800)]
        ),
        "homes": gdf({"dwellings": [10.0] * len(homes)}, geometry=homes),
        "workplaces": gdf(
            {"jobs": [100.0], "bra_m2": [5000.0], "use": ["kontor"]}, geometry=[_p(350, 550)]
        ),
        "services": gdf(
            {"category": ["grocery", "school"], "name": ["Butikk", "Skole"]},
            geometry=[_p(400, 450), _p(700, 900)],
        ),
        "roads": gdf(
            {"ref": ["E18"], "road_class": ["motorway"]},
            geometry=[LineString([(X0, Y0 + 50), (X0 + W, Y0 + 50)])],
        ),
    }
    return {k: v.set_crs(CRS) for k, v in out.items()}


def catalogue_dict(gpkg: str = "area.gpkg") -> dict:
    """The catalogue as a dict (tests change it and dump it)."""
    return {
        "schema_version": 1,
        "name": "tiny",
        "title": "Tiny hand-made area (synthetic)",
        "synthetic": True,
        "crs": CRS,
        "layers": {k: {"path": gpkg, "layer": k} for k in layers()},
        "rasters": {"noise": {"path": "noise.tif"}},
    }


def scenario_dict() -> dict:
    """A valid scenario on the tiny area."""
    return {
        "schema_version": 1,
        "name": "tiny-a",
        "catalogue": "area.yaml",
        "period": {"start": 2026, "end": 2040},
        "sites": [
            {"id": "k1", "use": "kontor", "bra_m2": 8000, "geometry": wkt_box(250, 450, 350, 550)},
            {
                "id": "b1",
                "use": "bolig",
                "bra_m2": 3000,
                "dwellings": 30,
                "year": 2030,
                "geometry": wkt_box(100, 800, 200, 900),
            },
        ],
    }


def build(folder: Path) -> Path:
    """Write the area into ``folder`` and return it.

    Files: ``area.gpkg``, ``noise.tif``, ``area.yaml`` (catalogue), ``scenario.yaml``,
    ``plan.geojson`` (a plan proposal) and ``rules.yaml`` (the shipped Bærum rules).
    """
    from arealanalyse.rules import default_rules_path

    folder.mkdir(parents=True, exist_ok=True)
    gpkg = folder / "area.gpkg"
    for name, layer in layers().items():
        layer.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    cell = 50.0
    ys = H - (np.arange(H // 50) + 0.5) * cell
    noise = np.maximum(40.0, 72.0 - 0.04 * ys)[:, None] * np.ones((1, W // 50))
    tr = Affine(cell, 0, X0, 0, -cell, Y0 + H)
    write_geotiff(noise, tr, folder / "noise.tif", crs=CRS, nodata=-9999.0)
    dump(folder / "area.yaml", catalogue_dict())
    dump(folder / "scenario.yaml", scenario_dict())
    plan = gpd.GeoDataFrame(
        {"arealformål": [1310, 1110], "BRA": [6000, 2700], "feltnavn": ["BKB1", "B1"]},
        geometry=[_b(250, 450, 350, 550), _b(100, 800, 200, 900)],
        crs=CRS,
    )
    plan.to_file(folder / "plan.geojson", driver="GeoJSON", engine="pyogrio")
    shutil.copy(default_rules_path(), folder / "rules.yaml")
    return folder


def dump(path: Path, data: dict) -> Path:
    """Write ``data`` as YAML (UTF-8)."""
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
