"""Frequency classes of stop places: ÖV-Güteklassen, the knutepunkt test, SDG 11.2.1, ABC.

:func:`service_levels` turns a :class:`~arealanalyse.transit.Timetable` into one row per stop
place (with coordinates, in the working CRS) holding every frequency measure the metric suite,
the site table and the maps use. Thresholds live in
:class:`~arealanalyse.settings.TransitSettings`; ``docs/transit.md`` describes each measure and
its source.

ÖV-Güteklassen follow GOAT (plan4better/goat, ``apps/core/src/core/schemas/oev_gueteklasse.py``
for the station configuration, ``db/sql/functions/indicators/oev_gueteklasse_station_category.sql``
for the category): the departures of all modes that have a transport group are summed over the
stop place's children, divided by two (one direction), the mean headway is the window length
divided by that, and the station category is read from the table row of the first headway band
the headway is below, in the column of the stop place's best group. GOAT halves only at stations
with several child stops; ARE and this module halve always (``oev_direction_divisor``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.spatial import cKDTree

from arealanalyse.layers.codes import HIGH_CAPACITY
from arealanalyse.settings import Settings, TransitSettings, resolve
from arealanalyse.transit.departures import mode_counts
from arealanalyse.transit.timetable import MODES, Timetable, day_to_date

__all__ = [
    "abc_from_distances",
    "oev_category",
    "oev_class_at",
    "service_levels",
]

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII"}


def oev_category(
    departures_by_mode: Mapping[str, float], /, *, minutes: float, settings: TransitSettings
) -> tuple[int, float, str]:
    """ÖV-Güteklassen station category of one stop place.

    Returns ``(category, mean headway in minutes, group)``; category 0 and group ``''`` when no
    mode with a transport group departs, or the headway is beyond the last band.

    Examples
    --------
    >>> ts = TransitSettings()
    >>> oev_category({"rail": 24, "bus": 40}, minutes=120, settings=ts)  # 32 per direction
    (1, 3.75, 'A')
    >>> oev_category({"bus": 12}, minutes=120, settings=ts)  # 6 per direction: every 20 min
    (5, 20.0, 'C')
    >>> oev_category({"bus": 1}, minutes=120, settings=ts)
    (0, 240.0, 'C')
    """
    groups = {
        m: settings.oev_groups[m]
        for m, n in departures_by_mode.items()
        if n > 0 and m in settings.oev_groups
    }
    total = sum(float(departures_by_mode[m]) for m in groups)
    if total <= 0:
        return 0, float("inf"), ""
    group = min(groups.values())
    headway = minutes / (total / settings.oev_direction_divisor)
    for band, row in zip(settings.oev_headway_bands_min, settings.oev_categories, strict=True):
        if headway < band:
            return int(row[group]), headway, group
    return 0, headway, group


def oev_class_at(category: int, distance_m: float, /, *, settings: TransitSettings) -> str:
    """ÖV-Güteklasse (A-F) at a walking distance from a stop place of ``category``; '' if none.

    Examples
    --------
    >>> ts = TransitSettings()
    >>> [oev_class_at(1, d, settings=ts) for d in (200, 500, 501, 1000, 1001)]
    ['A', 'A', 'B', 'C', '']
    """
    for d, cls in sorted(settings.oev_classes.get(int(category), {}).items()):
        if distance_m <= d:
            return cls
    return ""


def abc_from_distances(
    dist_knutepunkt_m: pd.Series,
    dist_frequent_high_m: pd.Series,
    /,
    *,
    a_max_m: float,
    b_max_m: float,
) -> pd.Series:
    """Frequency-based ABC class: A near a knutepunkt, B near frequent rail/metro/tram, else C.

    A: within ``a_max_m`` walk of a stop place that passes the knutepunkt test. B: within
    ``b_max_m`` of a knutepunkt or of a rail, metro or tram stop place with a rush-hour headway
    of at most ``TransitSettings.abc_b_max_headway_min``. C: the rest.

    Examples
    --------
    >>> k = pd.Series([300.0, 900.0, 2000.0, 2000.0])
    >>> h = pd.Series([300.0, 2000.0, 800.0, float("inf")])
    >>> abc_from_distances(k, h, a_max_m=600, b_max_m=1000).tolist()
    ['A', 'B', 'B', 'C']
    """
    a = dist_knutepunkt_m <= a_max_m
    b = (dist_knutepunkt_m <= b_max_m) | (dist_frequent_high_m <= b_max_m)
    out = np.where(a, "A", np.where(b, "B", "C"))
    return pd.Series(out, index=dist_knutepunkt_m.index, name="abc_class")


def _window(tt: Timetable, day: int, window: tuple[int, int]) -> tuple[pd.DataFrame, float]:
    start, end = window[0] * 60, window[1] * 60
    counts = mode_counts(tt.window_events(day, start, end))
    return counts, (end - start) / 60.0


def _wide(counts: pd.DataFrame, column: str, places: np.ndarray) -> pd.DataFrame:
    if counts.empty:
        return pd.DataFrame(0, index=places, columns=list(MODES), dtype=np.int64)
    flat = counts.reset_index()
    wide = flat.pivot_table(index="place", columns="mode", values=column, fill_value=0)
    return wide.reindex(index=places, columns=list(MODES), fill_value=0).astype(np.int64)


def service_levels(
    tt: Timetable,
    /,
    *,
    settings: Settings | None = None,
    date: str | dt.date | None = None,
) -> gpd.GeoDataFrame:
    """Frequency measures per stop place on one service date, as points in the working CRS.

    Parameters
    ----------
    tt
        The timetable (scenarios pass a changed copy).
    settings
        ``settings.transit`` holds every window and threshold; ``settings.crs`` the output CRS.
    date
        Service date; default ``settings.transit.date``, else the representative weekday.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per stop place with coordinates and departures on the day: ``stop_place_id``,
        ``name``, ``modes``, ``departures_per_hour`` (ÖV window), ``oev_departures``,
        ``oev_headway_min``, ``oev_group``, ``oev_category`` (1-7, 0 none), ``oev_category_label``
        (I-VII), ``rush_headway_<mode>_min``, ``sdg_headway_<mode>_min``, ``knutepunkt`` (bool),
        ``knutepunkt_modes``, ``sdg_frequent_bus``, ``sdg_frequent_high``, ``frequent_high``
        (ABC B node). ``attrs["transit"]`` says the date, why, and the windows.
    """
    s = resolve(settings)
    ts = s.transit
    day, note = tt.resolve_day(date if date is not None else ts.date)
    oev, oev_min = _window(tt, day, ts.window_minutes("oev"))
    rush, rush_min = _window(tt, day, ts.window_minutes("knutepunkt"))
    sdg, sdg_min = _window(tt, day, ts.window_minutes("sdg"))
    whole, _ = _window(tt, day, (0, 24 * 60))
    served = np.unique(
        np.concatenate(
            [c.index.get_level_values("place").to_numpy() for c in (oev, rush, sdg, whole)]
        )
    ).astype(np.int64)
    places = tt.stop_places.iloc[served]
    has_xy = places[["lon", "lat"]].notna().all(axis=1).to_numpy()
    served, places = served[has_xy], places[has_xy]
    dep_oev = _wide(oev, "departures", served)
    dep_day = _wide(whole, "departures", served)
    best_rush = _wide(rush, "busiest", served)
    best_sdg = _wide(sdg, "busiest", served)
    out = pd.DataFrame(
        {
            "stop_place_id": places["stop_place_id"].to_numpy(),
            "name": places["name"].to_numpy(),
        }
    )
    flags = dep_day.gt(0)
    out["modes"] = (
        flags.dot(pd.Series([f"{m}," for m in MODES], index=list(MODES))).str.rstrip(",").to_numpy()
    )
    out["departures_day"] = dep_day.sum(axis=1).to_numpy()
    out["departures_per_hour"] = dep_oev.sum(axis=1).to_numpy() / (oev_min / 60.0)
    cats = [
        oev_category({str(k): v for k, v in row.items()}, minutes=oev_min, settings=ts)
        for row in dep_oev.to_dict(orient="records")
    ]
    grouped = [m for m in MODES if m in ts.oev_groups]
    out["oev_departures"] = dep_oev[grouped].sum(axis=1).to_numpy()
    out["oev_headway_min"] = [c[1] for c in cats]
    out["oev_group"] = [c[2] for c in cats]
    out["oev_category"] = np.asarray([c[0] for c in cats], dtype=np.int64)
    out["oev_category_label"] = out["oev_category"].map(lambda c: _ROMAN.get(int(c), ""))
    with np.errstate(divide="ignore"):
        for m in MODES:
            if m == "other":
                continue
            r = best_rush[m].to_numpy(dtype=np.float64)
            out[f"rush_headway_{m}_min"] = np.where(r > 0, rush_min / np.maximum(r, 1), np.inf)
            g = best_sdg[m].to_numpy(dtype=np.float64)
            out[f"sdg_headway_{m}_min"] = np.where(g > 0, sdg_min / np.maximum(g, 1), np.inf)
    # knutepunkt: modes meeting their rush-hour headway, within the cluster distance
    passing = pd.DataFrame(
        {
            m: out[f"rush_headway_{m}_min"].to_numpy() <= limit
            for m, limit in ts.knutepunkt_max_headway_min.items()
            if f"rush_headway_{m}_min" in out
        },
        index=out.index,
    )
    gdf = gpd.GeoDataFrame(
        out,
        geometry=gpd.points_from_xy(places["lon"], places["lat"]),
        crs="EPSG:4326",
    ).to_crs(s.crs)
    near = _neighbours(gdf, ts.knutepunkt_cluster_m)
    reach = (near @ sp.csr_matrix(passing.to_numpy(dtype=np.float64))).toarray() > 0
    cols = list(passing.columns)
    gdf["knutepunkt_modes"] = [
        ",".join(c for c, ok in zip(cols, row, strict=True) if ok) for row in reach
    ]
    gdf["knutepunkt"] = reach.sum(axis=1) >= ts.knutepunkt_min_modes
    sdg_bus = gdf["sdg_headway_bus_min"].to_numpy()
    sdg_high = np.min([gdf[f"sdg_headway_{m}_min"].to_numpy() for m in HIGH_CAPACITY], axis=0)
    gdf["sdg_frequent_bus"] = sdg_bus <= ts.sdg_max_headway_min
    gdf["sdg_frequent_high"] = sdg_high <= ts.sdg_max_headway_min
    rush_high = np.min([gdf[f"rush_headway_{m}_min"].to_numpy() for m in HIGH_CAPACITY], axis=0)
    gdf["frequent_high"] = rush_high <= ts.abc_b_max_headway_min
    gdf.attrs["transit"] = {
        "feed": tt.name,
        "date": day_to_date(day).isoformat(),
        "date_note": note,
        "oev_window": "–".join(ts.oev_window),
        "knutepunkt_window": "–".join(ts.knutepunkt_window),
        "sdg_window": "–".join(ts.sdg_window),
        "stop_places_without_coordinates": int((~has_xy).sum()),
    }
    return gdf


def _neighbours(points: gpd.GeoDataFrame, radius_m: float) -> sp.csr_matrix:
    """Sparse 0/1 matrix: stop places within ``radius_m`` of each other (itself included)."""
    n = len(points)
    if n == 0:
        return sp.csr_matrix((0, 0))
    xy = np.column_stack([points.geometry.x.to_numpy(), points.geometry.y.to_numpy()])
    pairs = cKDTree(xy).query_pairs(radius_m, output_type="ndarray")
    rows = np.concatenate([np.arange(n), pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([np.arange(n), pairs[:, 1], pairs[:, 0]])
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
