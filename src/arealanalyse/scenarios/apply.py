"""Apply a scenario to the study area's layers, without touching the baseline layers.

:func:`~arealanalyse.scenarios.place.resolve_sites` places every site in the working CRS and checks
the scenario against the study area; :func:`apply_scenario` returns *new* layers with the
scenario's changes:

* sites with floor space of a business use (or offentlig) become ``workplaces`` with
  ``jobs = bra_m2 * jobs_per_1000m2 / 1000``; sites with dwellings become ``homes``;
* sites take land: the parts of ``farmland`` and ``green`` under a site are removed;
* ``rezone`` changes ``zoning.arealformal`` inside the rezoned geometry (polygons are split at its
  edge); when business land (category naering/handel) becomes non-business land, the workplaces
  inside it move out: their business floor space is reported as ``bra_m2_lost``;
* ``transit.open`` sets planned nodes to ``existing``; ``transit.close`` removes nodes (and their
  departures from the timetable); ``transit.lines`` adds lines to the timetable (the nodes they
  serve open) and ``transit.frequency`` gives routes a new headway
  (:mod:`arealanalyse.transit.scenario`);
* ``green`` and ``services`` entries add features or remove them by name.

Sites are placed by :mod:`~arealanalyse.scenarios.place` (the footprint rule is there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.layers.codes import AREALFORMAL, arealformal_category
from arealanalyse.scenarios.jobs import NON_BUSINESS_USES
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError
from arealanalyse.scenarios.place import (
    TOLERANCE_M2,
    located_geometry,
    resolve_sites,
    transit_after,
    union,
)
from arealanalyse.scenarios.sitetable import REZONING_APPLY_COLUMNS
from arealanalyse.settings import Settings, resolve

if TYPE_CHECKING:
    from arealanalyse.transit import Timetable

__all__ = ["BUSINESS_CATEGORIES", "Applied", "apply_scenario"]

#: Zoning categories that hold business floor space (rezoning them away moves workplaces out).
BUSINESS_CATEGORIES: tuple[str, ...] = ("naering", "handel")


@dataclass
class Applied:
    """The result of :func:`apply_scenario`."""

    layers: dict[str, gpd.GeoDataFrame]
    sites: gpd.GeoDataFrame
    rezonings: pd.DataFrame
    rezone_geometries: list[shapely.Geometry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timetable: Timetable | None = None


def _like(
    template: gpd.GeoDataFrame | None,
    kind: str,
    rows: list[dict[str, Any]],
    geoms: list[shapely.Geometry],
    crs: str,
) -> gpd.GeoDataFrame:
    """Build new features shaped like ``template`` (points if the template holds points)."""
    from arealanalyse.layers.schema import KINDS

    if (
        template is not None
        and not template.empty
        and (template.geometry.geom_type == "Point").all()
    ) or KINDS[kind].geometry == "point":
        geoms = [g if g.geom_type == "Point" else g.representative_point() for g in geoms]
    cols = list(template.columns.drop("geometry")) if template is not None else []
    frame = pd.DataFrame(rows)
    for c in cols:
        if c not in frame:
            frame[c] = np.nan
    extra = gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)
    if "area_daa" in extra.columns:
        extra["area_daa"] = extra.geometry.area / 1000.0
    return extra


def _concat(
    base: gpd.GeoDataFrame | None, extra: gpd.GeoDataFrame, prefix: str
) -> gpd.GeoDataFrame:
    if extra.empty:
        return base if base is not None else extra
    extra = extra.copy()
    extra.index = pd.Index([f"{prefix}{i}" for i in range(len(extra))])
    if base is None or base.empty:
        return extra
    base = base.copy()
    base.index = base.index.astype(str) if extra.index.dtype != base.index.dtype else base.index
    cols = list(base.columns)
    merged = pd.concat([base, extra[[c for c in cols if c in extra.columns]]], axis=0)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=base.crs)


def _take_land(layer: gpd.GeoDataFrame | None, taken: shapely.Geometry) -> gpd.GeoDataFrame | None:
    """Remove ``taken`` from every polygon of ``layer`` (features fully taken are dropped)."""
    if layer is None or layer.empty or taken.is_empty:
        return layer
    hit = layer.geometry.intersects(taken)
    if not hit.any():
        return layer
    out = layer.copy()
    rest = out.loc[hit, "geometry"].difference(taken)
    rest = rest.where(~rest.is_empty, None)
    out.loc[hit, "geometry"] = rest
    out = out[out.geometry.notna()]
    out = out[out.geometry.area > TOLERANCE_M2]
    if "area_daa" in out.columns:
        out["area_daa"] = out.geometry.area / 1000.0
    return out


def _apply_timetable(
    scenario: Scenario,
    transit: gpd.GeoDataFrame | None,
    timetable: Timetable | None,
    label: str,
) -> Timetable | None:
    """Return the timetable after the scenario's closed nodes, new lines and new headways."""
    from arealanalyse.errors import ScenarioError
    from arealanalyse.transit.scenario import (
        LineStop,
        add_line,
        close_stop_places,
        match_stop_places,
        set_headway,
    )

    tc = scenario.transit
    if timetable is None:
        if tc.lines or tc.frequency:
            what = "transit.lines" if tc.lines else "transit.frequency"
            raise ScenarioValidationError(
                [
                    f"{label}: {what}: the study area has no timetable to change; add "
                    "'timetables:' (a GTFS or NeTEx feed) to its catalogue"
                ]
            )
        return None
    tt = timetable
    if transit is not None and len(transit) and (tc.close or tc.lines):  # they name stops
        matched = match_stop_places(transit, tt)
        if tc.close:
            closing = matched[transit["name"].isin(tc.close).to_numpy()]
            tt = close_stop_places(tt, [int(c) for c in closing if c >= 0])
    else:
        matched = pd.Series(dtype=np.int64)
    for i, line in enumerate(tc.lines):
        assert transit is not None  # resolve_sites checked the names
        wgs = transit.to_crs(4326)
        stops = []
        for name in line.stops:
            row = transit.index[transit["name"] == name][0]
            code = int(matched.get(row, -1))
            if code >= 0:
                pid: str | None = str(tt.stop_places["stop_place_id"].iloc[code])
            elif "nsr_id" in transit.columns:
                pid = str(transit.loc[row, "nsr_id"] or "") or None
            else:
                pid = None
            g = wgs.geometry.loc[row].representative_point()
            stops.append(LineStop(name, g.x, g.y, pid))
        try:
            tt = add_line(
                tt,
                stops,
                line_id=line.id,
                name=line.name or line.id,
                mode=line.mode,
                headway_min=line.headway_min,
                hours=line.hours,
                minutes_between_stops=line.minutes_between_stops,
                weekdays_only=line.weekdays_only,
            )
        except ScenarioError as exc:
            raise ScenarioValidationError([f"{label}: transit.lines[{i}]: {exc}"]) from None
    for i, change in enumerate(tc.frequency):
        try:
            tt = set_headway(
                tt, route=change.route, headway_min=change.headway_min, hours=change.hours
            )
        except ScenarioError as exc:
            raise ScenarioValidationError(
                [f"{label}: transit.frequency[{i}].route: {exc}"]
            ) from None
    return tt


def apply_scenario(
    scenario: Scenario,
    layers: dict[str, gpd.GeoDataFrame],
    /,
    *,
    sites: gpd.GeoDataFrame | None = None,
    settings: Settings | None = None,
    timetable: Timetable | None = None,
) -> Applied:
    """Return new layers with the scenario applied; ``layers`` is never modified.

    Parameters
    ----------
    scenario
        A loaded scenario (:func:`~arealanalyse.scenarios.load.load_scenario`).
    layers
        Canonical baseline layers ``{kind: GeoDataFrame}`` in the working CRS.
    sites
        Sites from :func:`resolve_sites` (resolved here when not given).
    settings
        Run settings.
    timetable
        The study area's timetable; the scenario's transit changes give
        :attr:`Applied.timetable` (``transit.lines``/``frequency`` need one).
    """
    s = resolve(settings)
    label = scenario.path.name if scenario.path else scenario.name
    if sites is None:
        sites = resolve_sites(scenario, layers, settings=s)
    out: dict[str, gpd.GeoDataFrame] = dict(layers)  # new dict; frames replaced, never edited
    notes: list[str] = []

    # Transit.
    if "transit" in layers:
        transit = transit_after(scenario, layers["transit"])
        assert transit is not None
        out["transit"] = transit
    new_timetable = _apply_timetable(scenario, layers.get("transit"), timetable, label)

    # Rezoning (before sites, so lost floor space is the baseline's).
    rez_rows: list[dict[str, Any]] = []
    rez_geoms: list[shapely.Geometry] = []
    workplaces = layers.get("workplaces")
    zoning = layers.get("zoning")
    new_homes: list[dict[str, Any]] = []
    new_home_geoms: list[shapely.Geometry] = []
    for i, rz in enumerate(scenario.rezone):
        where = f"{label}: rezone[{i}]"
        rid = rz.id or f"rezone-{i + 1}"
        region = located_geometry(rz, scenario, layers, s, f"{where}.file")
        if zoning is None:
            raise ScenarioValidationError(
                [f"{where}: the catalogue has no zoning layer to rezone; add one"]
            )
        zoning = out.get("zoning", zoning)
        hit = (zoning["arealformal"] == rz.from_) & zoning.geometry.intersects(region)
        parts = zoning.loc[hit].geometry.intersection(region)
        parts = parts[parts.area > TOLERANCE_M2]
        if parts.empty:
            raise ScenarioValidationError(
                [
                    f"{where}.from: no zoning with arealformål {rz.from_} inside the rezoned "
                    f"{'area ' + repr(rz.area) if rz.area else 'geometry'}; check the code or place"
                ]
            )
        changed = shapely.union_all(parts.values)
        keep = zoning.loc[hit].geometry.difference(region)
        new_parts = zoning.loc[parts.index].copy()
        new_parts["geometry"] = parts.values
        new_parts["arealformal"] = rz.to
        if "arealformal_navn" in new_parts:
            new_parts["arealformal_navn"] = AREALFORMAL[rz.to][0]
        if "category" in new_parts:
            new_parts["category"] = arealformal_category(rz.to)
        rest = zoning.loc[hit].copy()
        rest["geometry"] = keep.values
        rest = rest[~rest.geometry.is_empty & (rest.geometry.area > TOLERANCE_M2)]
        new_parts.index = pd.Index([f"{rid}:{j}" for j in range(len(new_parts))])
        rest.index = rest.index.astype(str)
        untouched = zoning.loc[~hit].copy()
        untouched.index = untouched.index.astype(str)
        merged = pd.concat([untouched, rest, new_parts], axis=0)
        zoning = gpd.GeoDataFrame(merged, geometry="geometry", crs=zoning.crs)
        if "area_daa" in zoning:
            zoning["area_daa"] = zoning.geometry.area / 1000.0
        out["zoning"] = zoning

        from_cat, to_cat = arealformal_category(rz.from_), arealformal_category(rz.to)
        bra_lost = 0.0
        jobs_lost = 0.0
        wp = out.get("workplaces", workplaces)
        if (
            wp is not None
            and not wp.empty
            and from_cat in BUSINESS_CATEGORIES
            and (to_cat not in BUSINESS_CATEGORIES)
        ):
            pts = wp.geometry.representative_point()
            inside = pts.within(changed)
            business = inside & ~wp["use"].isin(NON_BUSINESS_USES)
            bra_lost = float(wp.loc[business, "bra_m2"].fillna(0).sum())
            jobs_lost = float(wp.loc[inside, "jobs"].fillna(0).sum())
            out["workplaces"] = wp[~inside]
        if rz.dwellings:
            new_homes.append(
                {
                    "dwellings": float(rz.dwellings),
                    "population": rz.dwellings * s.persons_per_dwelling,
                    "source": "scenario",
                }
            )
            new_home_geoms.append(changed.representative_point())
        rez_geoms.append(changed)
        rez_rows.append(
            {
                "rezone_id": rid,
                "from_code": rz.from_,
                "to_code": rz.to,
                "from_category": from_cat,
                "to_category": to_cat,
                "area_daa": changed.area / 1000.0,
                "bra_m2_lost": bra_lost,
                "jobs_lost": jobs_lost,
                "dwellings": int(rz.dwellings),
            }
        )
    rezonings = pd.DataFrame(rez_rows, columns=list(REZONING_APPLY_COLUMNS))

    # Sites: workplaces, homes, land take.
    job_sites = sites[(sites["use"] != "bolig") & (sites["bra_m2"] > 0)]
    wp_rows = [{"jobs": r.jobs, "bra_m2": r.bra_m2, "use": r.use} for r in job_sites.itertuples()]
    extra_wp = _like(
        out.get("workplaces"), "workplaces", wp_rows, list(job_sites.geometry.values), s.crs
    )
    if not extra_wp.empty:
        out["workplaces"] = _concat(out.get("workplaces"), extra_wp, f"{scenario.name}:wp:")
    home_sites = sites[sites["dwellings"] > 0]
    for r in home_sites.itertuples():
        new_homes.append(
            {
                "dwellings": float(r.dwellings),
                "population": r.dwellings * s.persons_per_dwelling,
                "source": "scenario",
            }
        )
        new_home_geoms.append(r.geometry)
    if new_homes:
        extra_h = _like(out.get("homes"), "homes", new_homes, new_home_geoms, s.crs)
        out["homes"] = _concat(out.get("homes"), extra_h, f"{scenario.name}:home:")
    taken = union(sites)
    for kind in ("farmland", "green"):
        if kind in out:
            result = _take_land(out[kind], taken)
            if result is not None:
                out[kind] = result

    # Green areas and services: removed by name, added with a geometry.
    for kind, change, attr, prefix in (
        ("green", scenario.green, "green_type", "green"),
        ("services", scenario.services, "category", "svc"),
    ):
        if change.remove and kind in out:
            out[kind] = out[kind][~out[kind]["name"].isin(change.remove)]
        if change.add:
            rows = [{attr: getattr(v, attr), "name": v.name} for v in change.add]
            geoms = [
                located_geometry(v, scenario, layers, s, f"{label}: {kind}.add[{i}].file")
                for i, v in enumerate(change.add)
            ]
            out[kind] = _concat(
                out.get(kind),
                _like(out.get(kind), kind, rows, geoms, s.crs),
                f"{scenario.name}:{prefix}:",
            )
    return Applied(
        layers=out,
        sites=sites,
        rezonings=rezonings,
        rezone_geometries=rez_geoms,
        notes=notes,
        timetable=new_timetable,
    )
