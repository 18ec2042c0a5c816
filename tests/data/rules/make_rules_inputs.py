"""Regenerate the tiny plan-proposal files of tests/data/rules (run from the repo root).

    .venv/bin/python tests/data/rules/make_rules_inputs.py

Three development areas near Sandvika (EPSG:25832) plus one green area, written as GeoJSON,
GeoPackage and GML, and the deliberately broken variants the check must reject with exit 2.
``sosi_plan.gml`` is written by hand (SOSI-GML style: RpArealformålOmråde polygons next to
RpGrense lines in one file) and is not generated here.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

HERE = Path(__file__).resolve().parent
X0, Y0 = 586300.0, 6640500.0  # near Sandvika station


def plan() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "feltnavn": ["BKB1", "BF1", "BB1", "F1"],
            "arealformål": [1310, 1150, 1113, 3040],
            "BRA": [12000.0, 3000.0, 9000.0, 0.0],
            "boliger": [0, 0, 100, 0],
        },
        geometry=[
            box(X0, Y0, X0 + 80, Y0 + 60),
            box(X0 + 100, Y0, X0 + 160, Y0 + 60),
            box(X0, Y0 + 100, X0 + 80, Y0 + 180),
            box(X0 + 100, Y0 + 100, X0 + 160, Y0 + 180),
        ],
        crs=25832,
    )


def main() -> None:
    for p in HERE.glob("plan_*"):
        p.unlink()
    ok = plan()
    ok.to_file(HERE / "plan_ok.geojson", driver="GeoJSON")
    ok.to_file(HERE / "plan_ok.gpkg", driver="GPKG", layer="rpomrade")
    ok.to_file(HERE / "plan_ok.gml", driver="GML")
    bad = ok.copy()
    bad.loc[1, "arealformål"] = 1999
    bad.to_file(HERE / "plan_unknown_code.geojson", driver="GeoJSON")
    ok.drop(columns="BRA").to_file(HERE / "plan_missing_bra.gpkg", driver="GPKG")
    ok.set_crs(None, allow_override=True).to_file(HERE / "plan_no_crs.gml", driver="GML")
    ok.set_crs(None, allow_override=True).to_file(HERE / "plan_no_crs.geojson", driver="GeoJSON")
    for p in HERE.glob("plan_*.xsd"):
        p.unlink()  # GDAL reads GML without its schema sidecar


if __name__ == "__main__":
    main()
