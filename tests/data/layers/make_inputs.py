"""Regenerate the tiny hand-made inputs in this folder (run from anywhere; deterministic).

Each broken file exercises one error of issue 2's acceptance list; the good ones exercise readers.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, Polygon, box

HERE = Path(__file__).resolve().parent
X0, Y0 = 590_000.0, 6_643_000.0  # near Sandvika, EPSG:25832


def _fc(features: list[dict], crs: str | None = "urn:ogc:def:crs:OGC:1.3:CRS84") -> str:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc = {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": crs}},
            "features": features,
        }
    return json.dumps(doc, indent=1) + "\n"


def _poly(coords: list[tuple[float, float]], **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [[list(c) for c in coords]]},
    }


def main() -> None:
    sq = [(10.52, 59.89), (10.53, 59.89), (10.53, 59.895), (10.52, 59.895), (10.52, 59.89)]
    # wrong CRS declared: UTM metres in a file that says CRS84 (degrees)
    utm = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0)]
    (HERE / "wrong_crs.geojson").write_text(_fc([_poly(utm, green_type="park")]))
    (HERE / "empty.geojson").write_text(_fc([]))
    (HERE / "missing_column.geojson").write_text(_fc([_poly(sq, kode=21)]))
    (HERE / "unknown_ar5.geojson").write_text(
        _fc([_poly(sq, arealtype=21), _poly(sq, arealtype=24)])
    )
    (HERE / "unknown_sosi.geojson").write_text(
        _fc([_poly(sq, arealformal=1110), _poly(sq, arealformal=9999)])
    )
    bowtie = [(10.52, 59.89), (10.53, 59.895), (10.53, 59.89), (10.52, 59.895), (10.52, 59.89)]
    (HERE / "self_intersecting.geojson").write_text(
        _fc([_poly(bowtie, green_type="park"), _poly(sq, green_type="forest")])
    )
    flat = [(10.52, 59.89), (10.53, 59.89), (10.54, 59.89), (10.52, 59.89)]
    (HERE / "degenerate_polygon.geojson").write_text(_fc([_poly(flat, green_type="park")]))
    mixed = [
        {
            "type": "Feature",
            "properties": {"dwellings": 3},
            "geometry": {"type": "Point", "coordinates": [10.52, 59.89]},
        },
        _poly(sq, dwellings=12),
    ]
    (HERE / "mixed_geometry.geojson").write_text(_fc(mixed))
    # no CRS: a shapefile without .prj
    gdf = gpd.GeoDataFrame({"arealformal": [1300]}, geometry=[box(X0, Y0, X0 + 50, Y0 + 50)])
    gdf.to_file(HERE / "no_crs.shp", engine="pyogrio")
    # good: services as points in EPSG:25832 GeoJSON-free GeoPackage? keep text formats only here
    good = gpd.GeoDataFrame(
        {"category": ["grocery", "school"], "name": ["Butikk", "Skole"]},
        geometry=[Point(X0, Y0), Polygon([(X0, Y0), (X0 + 30, Y0), (X0, Y0 + 30)])],
        crs=25832,
    )
    (HERE / "services_25832.geojson").write_text(good.to_json(to_wgs84=True, indent=1) + "\n")


if __name__ == "__main__":
    main()
