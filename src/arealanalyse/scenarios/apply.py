"""Apply a scenario to the study area's layers, without touching the baseline layers.

:func:`resolve_sites` places every site (a named area, an inline geometry or a file) in the working
CRS and checks the scenario against the study area; :func:`apply_scenario` returns *new* layers
with the scenario's changes:

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

Footprint rule (``footprint_m2`` on an ``area`` site): the site is the part of the named area
nearest its node, i.e. the area clipped by a circle around the rail/metro node nearest the area
(existing *or planned*, so a site keeps its place when a scenario opens a line; any transit node
when there is no rail/metro), with the radius grown until the clipped part has the requested size
(±0.5 %). Footprints already placed in the same area (earlier in the file) are left
out first, so several footprint sites in one area never overlap.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from arealanalyse.layers.codes import AREALFORMAL, arealformal_category
from arealanalyse.scenarios.jobs import NON_BUSINESS_USES, rates
from arealanalyse.scenarios.model import (
    Located,
    Scenario,
    ScenarioValidationError,
    parse_geometry,
)
from arealanalyse.scenarios.sitetable import REZONING_APPLY_COLUMNS
from arealanalyse.settings import Settings, resolve

if TYPE_CHECKING:
    from arealanalyse.transit import Timetable

__all__ = [
    "BUSINESS_CATEGORIES",
    "HIGH_CAPACITY_MODES",
    "Applied",
    "apply_scenario",
    "open_rail_nodes",
    "resolve_sites",
]

#: Zoning categories that hold business floor space (rezoning them away moves workplaces out).
BUSINESS_CATEGORIES: tuple[str, ...] = ("naering", "handel")

#: Transit modes that count as rail/metro for ``dist_rail_m`` and the ABC classes.
HIGH_CAPACITY_MODES: tuple[str, ...] = ("rail", "metro", "tram")

#: Smallest overlap (m²) that counts as overlapping sites / a site outside the boundary.
TOLERANCE_M2 = 1.0

SITE_COLUMNS = ("site_id", "name", "use", "bra_m2", "dwellings", "jobs", "year")


@dataclass
class Applied:
    """The result of :func:`apply_scenario`."""

    layers: dict[str, gpd.GeoDataFrame]
    sites: gpd.GeoDataFrame
    rezonings: pd.DataFrame
    rezone_geometries: list[shapely.Geometry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timetable: Timetable | None = None


def _union(gdf: gpd.GeoDataFrame | None) -> shapely.Geometry:
    if gdf is None or gdf.empty:
        return shapely.Polygon()
    return shapely.union_all(gdf.geometry.values)


def _to_working(geom: shapely.Geometry, crs: str, settings: Settings) -> shapely.Geometry:
    src, dst = CRS.from_user_input(crs), CRS.from_user_input(settings.crs)
    if src.equals(dst):
        return geom
    tr = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _file_geometry(item: Located, settings: Settings, label: str) -> shapely.Geometry:
    """Return the union of the features read from an entry's ``file``, in the working CRS."""
    shapes = item.file_shapes
    if shapes is None:
        raise ScenarioValidationError(
            [f"{label}: the file was not read; load the scenario with load_scenario (or call "
             "read_located_files on it) before applying it"]
        )  # fmt: skip
    return shapely.union_all(shapes.to_crs(settings.crs).values)


def open_rail_nodes(transit: gpd.GeoDataFrame | None, /) -> gpd.GeoDataFrame:
    """Transit nodes in service (status ``existing``) of mode rail, metro or tram.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> t = gpd.GeoDataFrame({"name": ["A", "B", "C"], "mode": ["rail", "bus", "metro"],
    ...     "status": ["existing", "existing", "planned"]}, geometry=[Point(0, 0)] * 3, crs=25832)
    >>> open_rail_nodes(t)["name"].tolist()
    ['A']
    """
    if transit is None or transit.empty:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:25832")
    keep = transit["mode"].isin(HIGH_CAPACITY_MODES)
    if "status" in transit:
        keep &= transit["status"].fillna("existing") == "existing"
    return transit[keep]


def _apply_transit(scenario: Scenario, transit: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if transit is None:
        return None
    out = transit.copy()
    opened = list(scenario.transit.open) + [s for ln in scenario.transit.lines for s in ln.stops]
    if opened:
        out.loc[out["name"].isin(opened), "status"] = "existing"
    if scenario.transit.close:
        out = out[~out["name"].isin(scenario.transit.close)]
    return out


def _name_problems(
    names: list[str], layer: gpd.GeoDataFrame | None, kind: str, where: str
) -> list[str]:
    known = [] if layer is None or "name" not in layer else sorted(set(layer["name"].astype(str)))
    out = []
    for i, name in enumerate(names):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"the {kind} layer has no such name"
            out.append(f"{where}[{i}]: unknown {kind} name {name!r}; {hint}")
    return out


def _footprint(
    area: shapely.Geometry, node: shapely.Geometry, target_m2: float
) -> shapely.Geometry:
    lo = node.distance(area)
    coords = shapely.get_coordinates(area)
    hi = float(np.max(np.hypot(coords[:, 0] - node.x, coords[:, 1] - node.y))) + 1.0
    part = area
    for _ in range(60):
        mid = (lo + hi) / 2.0
        part = area.intersection(node.buffer(mid, quad_segs=32))
        got = part.area
        if abs(got - target_m2) <= 0.005 * target_m2:
            break
        if got < target_m2:
            lo = mid
        else:
            hi = mid
    return shapely.make_valid(part)


def resolve_sites(
    scenario: Scenario,
    layers: dict[str, gpd.GeoDataFrame],
    /,
    *,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Place the scenario's sites in the working CRS and check the scenario against the layers.

    Checks: named areas exist; transit nodes to open/close, green areas and services to remove
    exist; every site lies inside the study area boundary; no two sites overlap; rezonings find
    zoning of their ``from`` code.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site: ``site_id, name, use, bra_m2, dwellings, jobs, year, geometry``,
        indexed ``0..n-1`` in file order.

    Raises
    ------
    ScenarioValidationError
        One line per problem, naming the scenario file and key path.
    """
    s = resolve(settings)
    label = scenario.path.name if scenario.path else scenario.name
    problems: list[str] = []
    areas = layers.get("areas")
    area_names = [] if areas is None else list(areas["name"].astype(str))

    def area_geom(name: str, where: str) -> shapely.Geometry | None:
        if areas is None:
            problems.append(
                f"{where}.area: the catalogue has no 'areas' layer to look up {name!r}; add one "
                "or give a geometry"
            )
            return None
        hit = areas[areas["name"] == name]
        if hit.empty:
            close = difflib.get_close_matches(name, area_names, n=1, cutoff=0.4)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else ("named areas are: " + ", ".join(area_names))
            )
            problems.append(f"{where}.area: unknown named area {name!r}; {hint}")
            return None
        return shapely.union_all(hit.geometry.values)

    problems += [
        f"{label}: {p}"
        for p in _name_problems(
            scenario.transit.open + scenario.transit.close,
            layers.get("transit"),
            "transit",
            "transit.open/close",
        )
    ]
    for i, line in enumerate(scenario.transit.lines):
        problems += [
            f"{label}: {p}"
            for p in _name_problems(
                line.stops, layers.get("transit"), "transit", f"transit.lines[{i}].stops"
            )
        ]
    problems += [
        f"{label}: {p}"
        for p in _name_problems(scenario.green.remove, layers.get("green"), "green", "green.remove")
    ]
    problems += [
        f"{label}: {p}"
        for p in _name_problems(
            scenario.services.remove, layers.get("services"), "services", "services.remove"
        )
    ]

    transit_after = _apply_transit(scenario, layers.get("transit"))
    nodes = transit_after
    if transit_after is not None and not transit_after.empty:
        rail = transit_after[transit_after["mode"].isin(HIGH_CAPACITY_MODES)]
        nodes = rail if not rail.empty else transit_after
    rate = rates(scenario.jobs_per_1000m2)
    taken: dict[str, shapely.Geometry] = {}
    rows: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry] = []
    wheres: list[str] = []
    for i, site in enumerate(scenario.sites):
        where = scenario.origin("sites", i)
        geom: shapely.Geometry | None = None
        if site.area is not None:
            geom = area_geom(site.area, where)
            if geom is not None and site.footprint_m2 is not None:
                free = geom.difference(taken.get(site.area, shapely.Polygon()))
                if free.area < site.footprint_m2 * 0.995:
                    problems.append(
                        f"{where}.footprint_m2: {site.footprint_m2:,.0f} m² does not fit in the "
                        f"free part of {site.area!r} ({free.area:,.0f} m²); make it smaller"
                    )
                    geom = None
                else:
                    if nodes is not None and not nodes.empty:
                        d = nodes.geometry.distance(free)
                        node = nodes.geometry.loc[d.idxmin()]
                    else:
                        node = free.centroid
                    geom = _footprint(free, node, site.footprint_m2)
                    taken[site.area] = taken.get(site.area, shapely.Polygon()).union(geom)
        elif site.geometry is not None:
            geom = _to_working(parse_geometry(site.geometry), scenario.crs, s)
        elif site.file is not None:
            geom = _file_geometry(site, s, f"{where}.file")
        if geom is None:
            continue
        rows.append(
            {
                "site_id": site.id,
                "name": site.name or site.id,
                "use": site.use,
                "bra_m2": float(site.bra_m2),
                "dwellings": int(site.dwellings),
                "jobs": float(site.bra_m2) * rate[site.use] / 1000.0,
                "year": site.year
                if site.year is not None
                else (scenario.period.end if scenario.period else None),
            }
        )
        geoms.append(geom)
        wheres.append(where)

    boundary = layers.get("boundary")
    if boundary is not None and not boundary.empty:
        outline = _union(boundary)
        for g, where in zip(geoms, wheres, strict=True):
            outside = g.difference(outline).area
            if outside > TOLERANCE_M2:
                problems.append(
                    f"{where}: the site lies outside the study area boundary ({outside:,.0f} of "
                    f"{g.area:,.0f} m² outside); move it inside or fix its coordinates/CRS"
                )
    if len(geoms) > 1:
        tree = shapely.STRtree(geoms)
        left, right = tree.query(np.asarray(geoms, dtype=object), predicate="intersects")
        for a, b in zip(left, right, strict=True):
            if a < b:
                overlap = geoms[a].intersection(geoms[b]).area
                if overlap > TOLERANCE_M2:
                    problems.append(
                        f"{wheres[b]}: site {rows[b]['site_id']!r} overlaps site "
                        f"{rows[a]['site_id']!r} ({overlap:,.0f} m²); move one of them or merge "
                        "them into one site"
                    )
    for i, rz in enumerate(scenario.rezone):
        where = f"{label}: rezone[{i}]"
        if rz.area is not None:
            area_geom(rz.area, where)
    for i, g in enumerate(scenario.green.add):
        if g.area is not None:
            area_geom(g.area, f"{label}: green.add[{i}]")
    for i, sv in enumerate(scenario.services.add):
        if sv.area is not None:
            area_geom(sv.area, f"{label}: services.add[{i}]")
    if problems:
        raise ScenarioValidationError(problems)
    frame = pd.DataFrame(rows, columns=list(SITE_COLUMNS))
    frame["year"] = frame["year"].astype("Int64")  # no period and no year: <NA>
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=s.crs)


def _located_geometry(
    item: Located,
    scenario: Scenario,
    layers: dict[str, gpd.GeoDataFrame],
    s: Settings,
    where: str,
) -> shapely.Geometry:
    if item.area is not None:
        areas = layers["areas"]
        return shapely.union_all(areas[areas["name"] == item.area].geometry.values)
    if item.geometry is not None:
        return _to_working(parse_geometry(item.geometry), scenario.crs, s)
    return _file_geometry(item, s, where)


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
    if transit is not None and len(transit):
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
        transit = _apply_transit(scenario, layers["transit"])
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
        region = _located_geometry(rz, scenario, layers, s, f"{where}.file")
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
    taken = _union(sites)
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
                _located_geometry(v, scenario, layers, s, f"{label}: {kind}.add[{i}].file")
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
