"""Hand-made site and rezoning tables for the rules and report tests (no code under test)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

_DEFAULTS: dict[str, Any] = {
    "name": "",
    "use": "kontor",
    "bra_m2": 10000.0,
    "dwellings": 0,
    "jobs": 400.0,
    "year": 2030,
    "area_m2": 5000.0,
    "dist_rail_m": 500.0,
    "abc_class": "A",
    "in_area": "Lysaker",
    "in_area_type": "e18_corridor",
    "farmland_21_daa": 0.0,
    "farmland_22_daa": 0.0,
    "farmland_23_daa": 0.0,
    "farmland_daa": 0.0,
    "green_daa": 0.0,
    "noise_mean_db": 55.0,
    "noise_max_db": 60.0,
    "slope_mean_deg": 2.0,
    "dist_e18_m": 100.0,
    "dist_green_m": 100.0,
    "zone_category": "naering",
}


def sites_table(*rows: dict[str, Any]) -> gpd.GeoDataFrame:
    """A site table; each row overrides the defaults. Sites are 50 x 50 m squares in a row."""
    records = []
    for i, r in enumerate(rows):
        rec = {"site_id": f"S{i + 1}", **_DEFAULTS, **r}
        rec["name"] = rec["name"] or rec["site_id"]
        records.append(rec)
    geoms = [box(590000 + 100 * i, 6640000, 590050 + 100 * i, 6640050) for i in range(len(rows))]
    return gpd.GeoDataFrame(records, geometry=geoms, crs=25832)


REZ = [
    "rezone_id",
    "from_code",
    "to_code",
    "from_category",
    "to_category",
    "area_daa",
    "bra_m2_lost",
]


def rezonings(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=REZ)
