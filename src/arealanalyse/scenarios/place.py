"""Placing a scenario in the study area: its geometries in the working CRS, and its sites.

:func:`resolve_sites` places every site (a named area, an inline geometry or the features read
from its file when the scenario was loaded) in the working CRS and checks the scenario against
the study area's layers: named areas, transit nodes, green areas and services exist, sites lie
inside the boundary and do not overlap. :func:`located_geometry` places the other entries
(rezonings, new green areas and services) for :func:`~arealanalyse.scenarios.apply.apply_scenario`.
Nothing here reads a file.

Footprint rule (``footprint_m2`` on an ``area`` site): the site is the part of the named area
nearest its node, i.e. the area clipped by a circle around the rail/metro node nearest the area
(existing *or planned*, so a site keeps its place when a scenario opens a line; any transit node
when there is no rail/metro), with the radius grown until the clipped part has the requested size
(±0.5 %). Footprints already placed in the same area (earlier in the file) are left
out first, so several footprint sites in one area never overlap.
"""

from __future__ import annotations

import difflib
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from arealanalyse.layers.codes import HIGH_CAPACITY
from arealanalyse.scenarios.jobs import rates
from arealanalyse.scenarios.model import (
    Located,
    Scenario,
    ScenarioValidationError,
    parse_geometry,
)
from arealanalyse.settings import Settings, resolve

__all__ = [
    "SITE_COLUMNS",
    "TOLERANCE_M2",
    "located_geometry",
    "open_rail_nodes",
    "resolve_sites",
    "to_working",
    "transit_after",
    "union",
]


#: Smallest overlap (m²) that counts as overlapping sites / a site outside the boundary.
TOLERANCE_M2 = 1.0

SITE_COLUMNS = ("site_id", "name", "use", "bra_m2", "dwellings", "jobs", "year")


def union(gdf: gpd.GeoDataFrame | None) -> shapely.Geometry:
    """Return the union of a layer's geometries (an empty polygon for no layer)."""
    if gdf is None or gdf.empty:
        return shapely.Polygon()
    return shapely.union_all(gdf.geometry.values)


def to_working(geom: shapely.Geometry, crs: str, settings: Settings) -> shapely.Geometry:
    """Return ``geom`` (in ``crs``) in the working CRS of ``settings``."""
    src, dst = CRS.from_user_input(crs), CRS.from_user_input(settings.crs)
    if src.equals(dst):
        return geom
    tr = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def file_geometry(item: Located, settings: Settings, label: str) -> shapely.Geometry:
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
    keep = transit["mode"].isin(HIGH_CAPACITY)
    if "status" in transit:
        keep &= transit["status"].fillna("existing") == "existing"
    return transit[keep]


def transit_after(scenario: Scenario, transit: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Return the transit layer after the scenario: nodes opened (also by new lines), closed."""
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
    if not names:
        return []
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
    area_labels = None if areas is None else areas["name"].to_numpy(dtype=object)
    area_shapes = None if areas is None else np.asarray(areas.geometry.values, dtype=object)

    def area_geom(name: str, where: str) -> shapely.Geometry | None:
        if area_labels is None or area_shapes is None:
            problems.append(
                f"{where}.area: the catalogue has no 'areas' layer to look up {name!r}; add one "
                "or give a geometry"
            )
            return None
        hit = area_labels == name
        if not hit.any():
            close = difflib.get_close_matches(name, area_names, n=1, cutoff=0.4)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else ("named areas are: " + ", ".join(area_names))
            )
            problems.append(f"{where}.area: unknown named area {name!r}; {hint}")
            return None
        return shapely.union_all(area_shapes[hit])

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

    after = transit_after(scenario, layers.get("transit"))
    nodes = after
    if after is not None and not after.empty:
        rail = after[after["mode"].isin(HIGH_CAPACITY)]
        nodes = rail if not rail.empty else after
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
            geom = to_working(parse_geometry(site.geometry), scenario.crs, s)
        elif site.file is not None:
            geom = file_geometry(site, s, f"{where}.file")
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
        outline = union(boundary)
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


def located_geometry(
    item: Located,
    scenario: Scenario,
    layers: dict[str, gpd.GeoDataFrame],
    s: Settings,
    where: str,
) -> shapely.Geometry:
    """Return an entry's geometry (named area, inline geometry or file) in the working CRS."""
    if item.area is not None:
        areas = layers["areas"]
        return shapely.union_all(areas[areas["name"] == item.area].geometry.values)
    if item.geometry is not None:
        return to_working(parse_geometry(item.geometry), scenario.crs, s)
    return file_geometry(item, s, where)
