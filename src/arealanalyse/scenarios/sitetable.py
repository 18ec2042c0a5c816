"""The site table: one row per development site with the facts planners and rules need.

Columns (:data:`SITE_TABLE_COLUMNS`, a contract with :mod:`arealanalyse.rules`): floor space and
jobs, walking distance to rail/metro and ABC class, the named area the site lies in, farmland and
green area taken, road noise and slope (zonal statistics of the rasters), distances to the E18 and
to green areas, and the zoning category; with a timetable, the ABC class uses frequency and the
site's ÖV-Güteklasse and walking distance to the nearest knutepunkt are added.
``docs/scenarios.md`` describes each column.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.layers.rasters import Raster, zonal_stats

__all__ = [
    "REZONING_APPLY_COLUMNS",
    "REZONING_COLUMNS",
    "REZONING_CONTRACT_COLUMNS",
    "SITE_TABLE_COLUMNS",
    "abc_class",
    "site_table",
]

#: Columns of the rezonings table that ``arealanalyse.rules`` relies on (the contract).
REZONING_CONTRACT_COLUMNS: tuple[str, ...] = (
    "rezone_id",
    "from_code",
    "to_code",
    "from_category",
    "to_category",
    "area_daa",
    "bra_m2_lost",
)
#: Columns the apply step fills (the contract plus what moved out of the rezoned land).
REZONING_APPLY_COLUMNS: tuple[str, ...] = (*REZONING_CONTRACT_COLUMNS, "jobs_lost", "dwellings")
#: All columns of a scenario run's rezonings table (apply columns plus noise from the raster).
REZONING_COLUMNS: tuple[str, ...] = (*REZONING_APPLY_COLUMNS, "noise_mean_db", "noise_max_db")

#: Columns of the site table, in order (a contract with ``arealanalyse.rules``).
SITE_TABLE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "use",
    "bra_m2",
    "dwellings",
    "jobs",
    "year",
    "area_m2",
    "dist_rail_m",
    "abc_class",
    "in_area",
    "in_area_type",
    "farmland_21_daa",
    "farmland_22_daa",
    "farmland_23_daa",
    "farmland_daa",
    "green_daa",
    "noise_mean_db",
    "noise_max_db",
    "slope_mean_deg",
    "dist_e18_m",
    "dist_green_m",
    "zone_category",
    "abc_basis",
    "abc_class_distance",
    "dist_knutepunkt_m",
    "oev_class",
    "geometry",
)


def abc_class(dist_m: float, /, *, a_max_m: float, b_max_m: float) -> str:
    """ABC location class from the network distance to rail/metro.

    Examples
    --------
    >>> [abc_class(d, a_max_m=600, b_max_m=1000) for d in (450, 600, 999, 1500, float("inf"))]
    ['A', 'A', 'B', 'C', 'C']
    """
    if dist_m <= a_max_m:
        return "A"
    if dist_m <= b_max_m:
        return "B"
    return "C"


def _e18(roads: gpd.GeoDataFrame | None) -> shapely.Geometry:
    if roads is None or roads.empty:
        return shapely.LineString()
    ref = roads["ref"].fillna("").astype(str).str.replace(" ", "").str.upper()
    hit = ref.str.split(";").map(lambda parts: "E18" in parts)
    return shapely.union_all(roads.loc[hit].geometry.values) if hit.any() else shapely.LineString()


def _largest_overlap(
    geoms: gpd.GeoSeries, layer: gpd.GeoDataFrame | None, column: str
) -> list[tuple[str, Any]]:
    """Return (value of ``column``, row) of the ``layer`` feature covering most of each geometry."""
    out: list[tuple[str, Any]] = [("", None)] * len(geoms)
    if layer is None or layer.empty:
        return out
    lg = np.asarray(layer.geometry.values, dtype=object)
    tree = shapely.STRtree(lg)
    g_i, l_i = tree.query(np.asarray(geoms.values, dtype=object), predicate="intersects")
    best: dict[int, tuple[float, int]] = {}
    for gi, li in zip(g_i, l_i, strict=True):
        area = shapely.area(shapely.intersection(geoms.values[gi], lg[li]))
        if area > best.get(gi, (0.0, -1))[0]:
            best[gi] = (area, li)
    for gi, (_, li) in best.items():
        out[gi] = (str(layer[column].iloc[li]), layer.iloc[li])
    return out


def site_table(
    sites: gpd.GeoDataFrame,
    applied_layers: dict[str, gpd.GeoDataFrame],
    baseline_layers: dict[str, gpd.GeoDataFrame],
    /,
    *,
    dist_rail_m: pd.Series,
    noise: Raster | None,
    slope: Raster | None,
    abc: tuple[float, float],
    frequency: pd.DataFrame | None = None,
    green_union: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Assemble the site table (columns :data:`SITE_TABLE_COLUMNS`), indexed like ``sites``.

    Land taken (farmland per AR5 class, green) is measured against the *baseline* layers; the
    distance to green uses the green areas *after* the scenario (what the sites did not take).

    ``frequency`` (from a timetable: ``abc_class``, ``dist_knutepunkt_m``, ``oev_class`` per
    site) makes ``abc_class`` frequency-based (``abc_basis`` ``frequency``; A near a
    knutepunkt, B near frequent rail/metro/tram); ``abc_class_distance`` always keeps the class
    by distance to rail/metro alone. ``green_union`` is the union of the green areas after the
    scenario when the caller already has it (computed here otherwise).
    """
    from arealanalyse.metrics.landtake import land_take

    t = sites.copy()
    t["area_m2"] = t.geometry.area.round(1)
    t["dist_rail_m"] = dist_rail_m.reindex(t.index).round(1)
    t["abc_class_distance"] = [
        abc_class(d, a_max_m=abc[0], b_max_m=abc[1]) for d in t["dist_rail_m"]
    ]
    if frequency is not None:
        f = frequency.reindex(t.index)
        t["abc_class"] = f["abc_class"].to_numpy()
        t["abc_basis"] = "frequency"
        t["dist_knutepunkt_m"] = f["dist_knutepunkt_m"].to_numpy()
        t["oev_class"] = f["oev_class"].fillna("").to_numpy()
    else:
        t["abc_class"] = t["abc_class_distance"]
        t["abc_basis"] = "distance"
        t["dist_knutepunkt_m"] = np.nan
        t["oev_class"] = ""
    areas = baseline_layers.get("areas")
    picks = _largest_overlap(t.geometry, areas, "name")
    if areas is not None and "area_type" in areas:
        # Station catchments (area_type node) overlap the plan areas: prefer a plan area.
        plan = areas[areas["area_type"] != "node"]
        plan_picks = _largest_overlap(t.geometry, plan, "name")
        picks = [pp if pp[1] is not None else p for p, pp in zip(picks, plan_picks, strict=True)]
    t["in_area"] = [p[0] for p in picks]
    t["in_area_type"] = ["" if p[1] is None else str(p[1]["area_type"]) for p in picks]
    taken = land_take(t, baseline_layers.get("farmland"), baseline_layers.get("green"))
    for c in taken.columns:
        t[c] = taken[c].round(3)
    if noise is not None:
        nz = zonal_stats(noise, t, stats=("mean", "max"))
        t["noise_mean_db"] = nz["mean"].round(2)
        t["noise_max_db"] = nz["max"].round(2)
    else:
        t["noise_mean_db"] = np.nan
        t["noise_max_db"] = np.nan
    t["slope_mean_deg"] = (
        zonal_stats(slope, t, stats=("mean",))["mean"].round(2) if slope is not None else np.nan
    )
    e18 = _e18(baseline_layers.get("roads"))
    t["dist_e18_m"] = t.geometry.distance(e18).round(1) if not e18.is_empty else np.inf
    green = applied_layers.get("green")
    if green is not None and not green.empty:
        gu = shapely.union_all(green.geometry.values) if green_union is None else green_union
        t["dist_green_m"] = t.geometry.distance(gu).round(1)
    else:
        t["dist_green_m"] = np.inf
    picks = _largest_overlap(t.geometry, applied_layers.get("zoning"), "category")
    t["zone_category"] = [p[0] for p in picks]
    return gpd.GeoDataFrame(t[list(SITE_TABLE_COLUMNS)], geometry="geometry", crs=sites.crs)
