"""The planner's metric suite: green, services, transit, jobs near rail, land taken.

:func:`run_suite` takes canonical layers (``homes`` required; ``green``, ``services``,
``transit``, ``workplaces``, ``zoning``, ``farmland`` optional) and a
:class:`~arealanalyse.network.WalkNetwork`, and returns a :class:`SuiteResult` with results per
home, per 250 m grid cell, per zoning category and a summary table. Parameters come from
:class:`~arealanalyse.settings.Settings` and can be overridden per run.

Re-evaluating a scenario: pass the previous result's cache, ``run_suite(new_layers, net,
cache=result.cache)``. Snaps of unchanged layers, target preparations and node distance fields of
unchanged target sets are reused (they are keyed by hashes of their geometry and parameters).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import EmptyLayerError, MissingColumnError, NetworkError
from arealanalyse.layers.codes import DAILY_SERVICES, HIGH_CAPACITY, RAIL_METRO, SERVICE_CATEGORIES
from arealanalyse.layers.overlap import check_overlap
from arealanalyse.metrics.access import Accessibility
from arealanalyse.metrics.cache import AccessCache
from arealanalyse.metrics.green import merge_green_areas
from arealanalyse.metrics.keys import digest, geometry_digest
from arealanalyse.metrics.landtake import land_take
from arealanalyse.metrics.result import SuiteResult
from arealanalyse.metrics.tables import (
    Summary,
    cell_table,
    home_weights,
    job_weights,
    weighted_share,
    zone_table,
)
from arealanalyse.network import Snap, WalkNetwork, island_snaps, point_geometries
from arealanalyse.settings import Settings, resolve

__all__ = ["BUILD_CATEGORIES", "run_suite", "transit_catchments"]

#: Zoning categories whose planned areas count as development for the default land-take table.
BUILD_CATEGORIES = (
    "bolig",
    "sentrum",
    "handel",
    "naering",
    "kombinert",
    "offentlig",
    "idrett",
    "fritid",
    "bebyggelse",
)

Progress = Callable[[str], None]


def run_suite(
    layers: Mapping[str, gpd.GeoDataFrame],
    net: WalkNetwork,
    /,
    *,
    settings: Settings | None = None,
    include_planned_transit: bool = False,
    sites: gpd.GeoDataFrame | None = None,
    euclidean: bool = True,
    gravity: bool = False,
    cache: AccessCache | None = None,
    progress: Progress | None = None,
    service: gpd.GeoDataFrame | None = None,
) -> SuiteResult:
    """Compute the planner's metric suite on canonical layers and a walk network.

    Parameters
    ----------
    layers
        Canonical layers by kind, in the working CRS: ``homes`` (required), and any of
        ``green``, ``services``, ``transit``, ``workplaces``, ``zoning``, ``farmland``.
    net
        The walk network.
    settings
        Distances and thresholds (see :class:`~arealanalyse.settings.Settings`).
    include_planned_transit
        Count transit nodes with ``status == "planned"`` too (default: existing only).
    sites
        Development polygons for the land-take table (default: planned zoning in built-up
        categories, if a ``zoning`` layer is given).
    euclidean
        Also compute straight-line distances (``eucl_<key>_m``) next to the network ones.
    gravity
        Also compute ``gravity_services``: the sum of ``exp(-settings.gravity_beta * d)`` over
        service points within ``max(settings.share_distances_m)``.
    cache
        An :class:`AccessCache` from a previous run on the same network (scenarios).
    progress
        Called with a short description before each step.
    service
        Stop places with frequency measures (:func:`arealanalyse.transit.service_levels` of the
        study area's timetable): adds the ÖV-Güteklassen shares of homes and jobs, SDG 11.2.1
        with the frequency criterion and the distance to the nearest knutepunkt
        (:mod:`arealanalyse.metrics.frequency`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point, box
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (1000, 0)])], crs=25832))
    >>> homes = gpd.GeoDataFrame({"dwellings": [1.0, 3.0]},
    ...     geometry=[Point(100, 10), Point(900, 10)], crs=25832)
    >>> green = gpd.GeoDataFrame(geometry=[box(0, -200, 100, -5)], crs=25832)
    >>> r = run_suite({"homes": homes, "green": green}, net)
    >>> r.per_home["dist_green_m"].round(1).tolist()
    [15.0, 815.0]
    >>> float(r.summary.set_index("metric").loc["green_500m_dwellings", "value"])
    25.0
    """
    s = resolve(settings)
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if "homes" not in layers or layers["homes"] is None or len(layers["homes"]) == 0:
        raise EmptyLayerError(
            "Layer 'homes' is missing or empty; the metric suite needs homes (buildings with "
            "dwellings or an SSB population grid) in the catalogue."
        )
    homes = layers["homes"]
    _check_layers_meet(layers, net, s)
    say("snapping homes")
    acc = Accessibility(net, homes, settings=s, cache=cache, barriers=layers.get("barriers"))
    cache = acc.cache
    if len(homes) and not acc.snap.reached.any():
        raise NetworkError(
            f"Layer 'homes': none of its {len(homes):,} features is within max_snap_m "
            f"({s.max_snap_m:g} m) of the walk network; does the network cover the homes (same "
            "area, same CRS)?"
        )
    w = home_weights(homes, settings=s)
    cols: dict[str, Any] = {"dwellings": w["dwellings"], "population": w["population"]}
    summ = Summary()
    summ.add("homes", len(homes), "count", "Antall boligpunkter", "Number of home features")
    summ.add("dwellings", w["dwellings"].sum(), "count", "Antall boliger", "Dwellings")
    summ.add("population", w["population"].sum(), "count", "Bosatte", "Residents")
    summ.add(
        "homes_not_on_network",
        100.0 * weighted_share(~acc.snap.reached, w["dwellings"]),
        "%",
        f"Andel boliger lenger enn {s.max_snap_m:g} m fra gangnettet",
        f"Share of dwellings farther than {s.max_snap_m:g} m from the walk network",
        "dwellings",
    )
    headline: list[str] = []
    timings["snap_homes"] = time.perf_counter() - t0

    def measure(key: str, targets: gpd.GeoDataFrame, distance: float) -> pd.Series:
        dist = acc.distance_to(targets, key=key)
        cols[f"dist_{key}_m"] = dist
        if euclidean:
            cols[f"eucl_{key}_m"] = acc.distance_to(targets, key=key, euclidean=True).rename(
                f"eucl_{key}_m"
            )
        within = dist <= distance
        cols[f"within_{distance:g}m_{key}"] = within
        return within

    # ---------------------------------------------------------------- green
    t = time.perf_counter()
    green = layers.get("green")
    if green is not None and len(green):
        say("green areas")
        # one park is one area however it was digitised: merge touching parts, then threshold
        merged = _merged_green(green, s, cache)
        area = merged["area_daa"]
        # target layers are passed as geometries only (the measures read nothing else)
        big = merged.geometry[area.to_numpy() >= s.green_min_area_daa]
        _require_reachable(acc, big, "green")
        within = measure("green", big, s.green_distance_m)
        headline.append(f"within_{s.green_distance_m:g}m_green")
        summ.shares(
            f"green_{s.green_distance_m:g}m",
            within,
            w,
            f"innen {s.green_distance_m:g} m gange fra grøntområde ≥ {s.green_min_area_daa:g} daa",
            f"within a {s.green_distance_m:g} m walk of a green area ≥ "
            f"{s.green_min_area_daa:g} daa",
        )
        who = merged.geometry[area.to_numpy() >= s.who_green_min_area_daa]
        within = measure("green_who", who, s.who_green_distance_m)
        summ.shares(
            f"green_who_{s.who_green_distance_m:g}m",
            within,
            w,
            f"innen {s.who_green_distance_m:g} m gange fra grøntområde ≥ "
            f"{s.who_green_min_area_ha:g} ha (WHO)",
            f"within a {s.who_green_distance_m:g} m walk of a green area ≥ "
            f"{s.who_green_min_area_ha:g} ha (WHO)",
        )
    timings["green"] = time.perf_counter() - t

    # ---------------------------------------------------------------- services
    t = time.perf_counter()
    services = layers.get("services")
    sd = s.service_distance_m
    if services is not None and len(services):
        if "category" not in services.columns:
            raise MissingColumnError(
                "Layer 'services' has no 'category' column; load it as kind 'services'."
            )
        say("services")
        _require_reachable(acc, services, "services")
        cat = services["category"].astype(str)
        present = [c for c in SERVICE_CATEGORIES if (cat == c).any()]
        points = services.geometry
        for c in present:
            within = measure(c, points[(cat == c).to_numpy()], sd)
            label = SERVICE_CATEGORIES[c].lower()
            summ.shares(
                f"service_{c}_{sd:g}m",
                within,
                w,
                f"innen {sd:g} m gange (5 min) fra {label}",
                f"within a {sd:g} m (5-minute) walk of {c.replace('_', ' ')}",
            )
        # cumulative opportunities: how many service points within the short walk
        opp = acc.opportunities(services, distances_m=[sd], key="services")
        cols[f"n_within_{sd:g}m_services"] = opp[f"n_within_{sd:g}m_services"]
        if gravity:
            cols["gravity_services"] = acc.gravity(
                services, max_distance_m=max(s.share_distances_m), key="services"
            )
        daily = [c for c in DAILY_SERVICES if c in present]
        if daily:
            dist = pd.concat([cols[f"dist_{c}_m"] for c in daily], axis=1).max(axis=1)
            cols["dist_daily_m"] = dist.rename("dist_daily_m")
            within = dist <= sd
            cols[f"within_{sd:g}m_daily"] = within
            headline.append(f"within_{sd:g}m_daily")
            summ.shares(
                f"daily_services_{sd:g}m",
                within,
                w,
                f"innen {sd:g} m gange fra alle daglige tjenester ({', '.join(daily)})",
                f"within a {sd:g} m walk of all daily services ({', '.join(daily)})",
            )
    timings["services"] = time.perf_counter() - t

    # ---------------------------------------------------------------- transit
    t = time.perf_counter()
    transit = layers.get("transit")
    catchments = gpd.GeoDataFrame(geometry=[], crs=net.crs)
    jobs_acc: Accessibility | None = None
    workplaces = layers.get("workplaces")
    if transit is not None and len(transit):
        say("transit")
        if not include_planned_transit and "status" in transit.columns:
            transit = transit.loc[(transit["status"].astype(str) == "existing").to_numpy()]
        mode = (
            transit["mode"].astype(str)
            if "mode" in transit.columns
            else pd.Series("bus", index=transit.index)
        )
        if len(transit):
            _require_reachable(acc, transit, "transit")
            within = measure("transit", transit, sd)
            summ.shares(
                f"transit_{sd:g}m",
                within,
                w,
                f"innen {sd:g} m gange fra holdeplass",
                f"within a {sd:g} m walk of a transit stop",
            )
            stops = transit.geometry
            bus = stops[(mode == "bus").to_numpy()]
            high = stops[mode.isin(HIGH_CAPACITY).to_numpy()]
            w_bus = measure("bus", bus, s.bus_distance_m)
            w_high = measure("rail", high, s.rail_distance_m)
            sdg = w_bus | w_high
            cols["sdg_11_2_1"] = sdg
            headline.append("sdg_11_2_1")
            summ.shares(
                "sdg_11_2_1",
                sdg,
                w,
                f"med god kollektivtilgang (SDG 11.2.1: {s.bus_distance_m:g} m til buss, "
                f"{s.rail_distance_m:g} m til tog/T-bane/trikk)",
                f"with convenient access to public transport (SDG 11.2.1: "
                f"{s.bus_distance_m:g} m to bus, {s.rail_distance_m:g} m to rail/metro/tram)",
            )
            # catchments of each node
            say("transit catchments")
            catchments, jobs_acc = transit_catchments(
                acc, transit, weights=w, workplaces=workplaces
            )
            # jobs and floor space near rail/metro stations
            rail = stops[mode.isin(RAIL_METRO).to_numpy()]
            if jobs_acc is not None and len(rail):
                say("jobs near rail")
                wj = job_weights(workplaces)
                dj = jobs_acc.distance_to(rail, key="rail_metro")
                near = (dj <= s.rail_distance_m).to_numpy()
                d = f"{s.rail_distance_m:g}"
                summ.add(
                    f"jobs_within_{d}m_rail_metro",
                    wj["jobs"][near].sum(),
                    "jobs",
                    f"Arbeidsplasser innen {d} m gange fra tog/T-bane",
                    f"Jobs within a {d} m walk of rail/metro",
                    "jobs",
                )
                summ.add(
                    f"jobs_share_within_{d}m_rail_metro",
                    100.0 * weighted_share(near, wj["jobs"]),
                    "%",
                    f"Andel arbeidsplasser innen {d} m gange fra tog/T-bane",
                    f"Share of jobs within a {d} m walk of rail/metro",
                    "jobs",
                )
                summ.add(
                    f"bra_within_{d}m_rail_metro",
                    wj["bra_m2"][near].sum(),
                    "m2",
                    f"Nærings-BRA innen {d} m gange fra tog/T-bane",
                    f"Business floor space (BRA) within a {d} m walk of rail/metro",
                    "bra_m2",
                )
                summ.add(
                    f"bra_share_within_{d}m_rail_metro",
                    100.0 * weighted_share(near, wj["bra_m2"]),
                    "%",
                    f"Andel nærings-BRA innen {d} m gange fra tog/T-bane",
                    f"Share of business floor space within a {d} m walk of rail/metro",
                    "bra_m2",
                )
    timings["transit"] = time.perf_counter() - t

    # ---------------------------------------------------------------- frequency (timetable)
    t = time.perf_counter()
    if service is not None and len(service):
        from arealanalyse.metrics.frequency import frequency_metrics

        say("transit frequency classes")
        freq = frequency_metrics(
            acc,
            service.to_crs(net.crs),
            weights=w,
            workplaces=workplaces,
            job_weights=None if workplaces is None else job_weights(workplaces)["jobs"],
            settings=s,
        )
        cols.update({str(c): freq.per_home[c] for c in freq.per_home.columns})
        headline += ["sdg_11_2_1_frequent", "oev_class_ab"]
        summ.rows.extend(freq.rows)
    timings["frequency"] = time.perf_counter() - t

    # ---------------------------------------------------------------- land take
    t = time.perf_counter()
    zoning = layers.get("zoning")
    if (
        sites is None
        and zoning is not None
        and len(zoning)
        and {"status", "category"} <= set(zoning.columns)
    ):
        planned = (zoning["status"].astype(str) == "planned") & zoning["category"].isin(
            BUILD_CATEGORIES
        )
        sites = zoning.loc[planned.to_numpy()]
    taken: pd.DataFrame | None = None
    if sites is not None:
        say("land take")
        taken = land_take(sites, layers.get("farmland"), layers.get("green"))
        summ.add(
            "farmland_taken_daa",
            taken["farmland_daa"].sum(),
            "daa",
            "Jordbruksareal i utbyggingsområder",
            "Farmland inside development areas",
        )
        for code in (21, 22, 23):
            summ.add(
                f"farmland_{code}_taken_daa",
                taken[f"farmland_{code}_daa"].sum(),
                "daa",
                f"AR5 {code} i utbyggingsområder",
                f"AR5 class {code} inside development areas",
            )
        summ.add(
            "green_taken_daa",
            taken["green_daa"].sum(),
            "daa",
            "Grøntområder i utbyggingsområder",
            "Green areas inside development areas",
        )
    timings["land_take"] = time.perf_counter() - t

    # ---------------------------------------------------------------- per home / cell / zone
    t = time.perf_counter()
    say("tables")
    per_home = gpd.GeoDataFrame(
        pd.DataFrame(cols, index=homes.index.copy()), geometry=homes.geometry.values, crs=homes.crs
    )
    per_home.insert(2, "access_m", acc.snap.access_m)
    per_cell = cell_table(per_home, acc, headline, s)
    per_zone = zone_table(per_home, acc, zoning, headline)
    timings["tables"] = time.perf_counter() - t
    t = time.perf_counter()
    snapping = _island_snaps(layers, net, acc, s)
    timings["islands"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return SuiteResult(
        summary=summ.frame(),
        per_home=per_home,
        per_cell=per_cell,
        per_zone=per_zone,
        catchments=catchments,
        land_take=taken,
        cache=cache,
        accessibility=acc,
        timings_s=timings,
        snapping=snapping,
        stop_places=service,
    )


def transit_catchments(
    acc: Accessibility,
    transit: gpd.GeoDataFrame,
    /,
    *,
    weights: pd.DataFrame,
    workplaces: gpd.GeoDataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, Accessibility | None]:
    """Homes, dwellings, population (and jobs, BRA) within each catchment distance of each node.

    ``weights`` is indexed like ``acc``'s homes (:func:`home_weights`); distances are
    ``settings.catchment_distances_m``. Returns the catchments (indexed like ``transit``) and the
    :class:`Accessibility` of the workplaces (None without workplaces), which shares ``acc``'s
    cache.
    """
    dists = acc.settings.catchment_distances_m
    catch = acc.catchments(transit, distances_m=dists, weights=weights)
    jobs_acc: Accessibility | None = None
    if workplaces is not None and len(workplaces):
        jobs_acc = Accessibility(
            acc.net, workplaces, settings=acc.settings, cache=acc.cache, name="workplaces"
        )
        wj = job_weights(workplaces)
        catch = catch.join(
            jobs_acc.catchments(transit, distances_m=dists, weights=wj).drop(
                columns=[f"homes_within_{d:g}m" for d in dists]
            )
        )
    keep = [c for c in ("name", "mode", "nsr_id", "status") if c in transit.columns]
    catchments = gpd.GeoDataFrame(
        transit[keep].join(catch), geometry=transit.geometry.values, crs=transit.crs
    )
    return catchments, jobs_acc


def _check_layers_meet(
    layers: Mapping[str, gpd.GeoDataFrame], net: WalkNetwork, s: Settings
) -> None:
    """Every layer must meet the walk network's extent: a misplaced layer is an error, not 0 %."""
    extent = shapely.box(*shapely.total_bounds(net.edge_geoms))
    for kind in ("homes", "green", "services", "transit", "workplaces", "zoning", "farmland"):
        layer = layers.get(kind)
        if layer is not None and len(layer):
            check_overlap(
                layer, extent, name=kind, area_name="the walk network", tolerance_m=s.max_snap_m
            )


def _require_reachable(acc: Accessibility, targets: gpd.GeoDataFrame, name: str) -> None:
    """Raise when none of a target layer's features can be reached from the network."""
    if len(targets) and len(acc.targets(targets).entry_group) == 0:
        raise NetworkError(
            f"Layer {name!r}: none of its {len(targets):,} features can be reached from the walk "
            f"network (all farther than max_snap_m, {acc.settings.max_snap_m:g} m, or entries "
            "blocked by barriers); does the network cover them (same area, same CRS)?"
        )


def _island_snaps(
    layers: Mapping[str, gpd.GeoDataFrame], net: WalkNetwork, acc: Accessibility, s: Settings
) -> pd.DataFrame:
    """Homes and point targets whose nearest edge is on an island (see ``island_snaps``).

    The table of each layer is memoised in the access cache by the digest of its points (the
    network is the cache's), with features as positions; the layer's index is applied here.
    """
    homes = _islands_of(
        net, acc.points, acc.index, "homes", s, acc.cache, points_key=acc.homes_key, snap=acc.snap
    )
    frames = [homes]
    for kind in ("services", "transit"):
        gdf = layers.get(kind)
        if gdf is not None and len(gdf):
            pts = point_geometries(gdf.geometry, name=kind)
            frames.append(_islands_of(net, pts, gdf.index, kind, s, acc.cache))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else _empty_snapping()


def _islands_of(
    net: WalkNetwork,
    points: np.ndarray,
    index: pd.Index,
    layer: str,
    s: Settings,
    cache: AccessCache,
    *,
    points_key: str | None = None,
    snap: Snap | None = None,
) -> pd.DataFrame:
    """:func:`island_snaps` of one layer, memoised by its points (``points_key``: their digest)."""
    geoms = points_key if points_key is not None else geometry_digest(points)
    key = digest("islands", layer, geoms, s.max_snap_m, len(points))
    by_position = cache.get(cache.results, key)
    if by_position is None:
        by_position = island_snaps(net, points, max_snap_m=s.max_snap_m, layer=layer, snap=snap)
        cache.put(cache.results, key, by_position)
    if by_position.empty:
        return by_position.copy()
    rows = by_position["feature"].to_numpy(dtype=np.int64)
    return by_position.assign(feature=np.asarray(index)[rows])


def _merged_green(green: gpd.GeoDataFrame, s: Settings, cache: AccessCache) -> gpd.GeoDataFrame:
    """:func:`merge_green_areas`, memoised by what it reads (geometry, type, name, index, CRS)."""
    cols = [c for c in ("green_type", "name") if c in green.columns]
    key = digest(
        "merged-green",
        geometry_digest(np.asarray(green.geometry.values, dtype=object)),
        cols,
        *(green[c].astype(str).to_numpy(dtype=str) for c in cols),
        np.asarray(green.index.astype(str), dtype=str),
        str(green.index.dtype),
        green.index.name,
        green.crs.to_wkt() if green.crs is not None else None,
        s.green_merge_gap_m,
    )
    merged = cache.get(cache.results, key)
    if merged is None:
        merged = merge_green_areas(green, settings=s)
        cache.put(cache.results, key, merged)
    return merged


def _empty_snapping() -> pd.DataFrame:
    """Return an empty snapping table with its columns."""
    from arealanalyse.network.components import ISLAND_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=object) for c in ISLAND_COLUMNS})
