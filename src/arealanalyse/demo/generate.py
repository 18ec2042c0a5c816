"""Generate the SYNTHETIC Bærum demo study area in memory (one copy at real scale).

:func:`generate` anchors the fill on the public facts of :mod:`arealanalyse.demo.anchors` and
returns every canonical layer (EPSG:25832, canonical columns) plus the DEM and noise rasters.
Only ``numpy.random.default_rng(seed)`` and seeded hashes are used; all outputs are sorted, so
the same seed gives the same data. The population-related fills (homes, services, workplaces)
live in :mod:`arealanalyse.demo.people`; zoning in :mod:`arealanalyse.demo.zoning`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.demo import anchors as A
from arealanalyse.demo import landcover
from arealanalyse.demo.fields import LEVEL_SUBURBAN, Grid, dem_field, noise_field
from arealanalyse.demo.land import Land, build_land, to_line, to_xy
from arealanalyse.demo.network import Network, build_network
from arealanalyse.demo.people import homes_layer, services_layer, workplaces_layer
from arealanalyse.demo.plan import revised_plan
from arealanalyse.demo.zoning import PLOT_RADIUS_M, PUBLIC_PLOTS, zoning_layer

__all__ = ["Demo", "generate"]

# Real crossing points of E18 (bridges/underpasses), west to east (lon, lat; approximate).
_E18_CROSSINGS = (
    (10.4850, 59.8823),
    (10.5010, 59.8847),
    (10.5180, 59.8905),
    (10.5265, 59.8918),
    (10.5380, 59.8919),
    (10.5550, 59.8935),
    (10.5750, 59.8966),
    (10.5880, 59.8985),
    (10.6050, 59.9026),
    (10.6150, 59.9055),
    (10.6280, 59.9095),
    (10.6372, 59.9126),
)
# Real crossing points of the railway (station underpasses and level-free crossings).
_RAIL_CROSSINGS = (
    (10.4900, 59.8840),
    (10.5027, 59.8856),
    (10.5150, 59.8900),
    (10.5257, 59.8929),
    (10.5400, 59.8955),
    (10.5551, 59.8973),
    (10.5700, 59.8990),
    (10.5827, 59.9011),
    (10.5950, 59.9040),
    (10.6073, 59.9080),
    (10.6220, 59.9110),
    (10.6372, 59.9134),
)


@dataclass
class Demo:
    """One generated study area: canonical layers, rasters and the walk network."""

    layers: dict[str, gpd.GeoDataFrame]
    dem: np.ndarray
    noise: np.ndarray
    grid: Grid
    network: Network
    plan: gpd.GeoDataFrame | None = None


def _blob(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, r: np.ndarray, n: int = 14
) -> np.ndarray:
    """Irregular star-shaped polygons around points (vectorised)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    wob = (
        1.0
        + 0.22 * np.sin(t[None, :] * 2 + rng.uniform(0, 6.3, (len(x), 1)))
        + rng.uniform(-0.12, 0.12, (len(x), n))
    )
    aspect = rng.uniform(0.6, 1.0, (len(x), 1))
    px = x[:, None] + r[:, None] * wob * np.cos(t)[None, :]
    py = y[:, None] + r[:, None] * wob * aspect * np.sin(t)[None, :]
    ring = np.stack([px, py], axis=-1)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)
    return shapely.polygons(np.round(ring, 2))


def _network(land: Land, seed: int) -> Network:
    crs = land.crs
    barriers = [
        (land.lines["E18"], [to_xy(lon, lat, crs) for lon, lat in _E18_CROSSINGS]),
        (land.lines["railway"], [to_xy(lon, lat, crs) for lon, lat in _RAIL_CROSSINGS]),
    ]
    return build_network(land.grid, land.level, land.outline, barriers, seed=seed)


def _walk_layer(net: Network, crs: str) -> gpd.GeoDataFrame:
    geom = net.lines()
    return gpd.GeoDataFrame(
        {
            "highway": net.highway.astype(str),
            "level": "0",  # the lattice has no bridges: every crossing is a shared vertex
            "length_m": np.round(shapely.length(geom), 2),
        },
        geometry=geom,
        crs=crs,
    )


def _farmland(land: Land, target_daa: float = 15000.0) -> gpd.GeoDataFrame:
    """AR5 fields: Voronoi cells in the farmland belts, kept until ~``target_daa``."""
    rng = land.rng
    belts = land.farm_belts
    minx, miny, maxx, maxy = belts.bounds
    n = int(belts.area / 30000.0 * 1.6)
    px = rng.uniform(minx, maxx, n * 3)
    py = rng.uniform(miny, maxy, n * 3)
    ok = shapely.contains_xy(belts, px, py)
    pts = shapely.multipoints(np.column_stack([px[ok], py[ok]]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=belts.envelope.buffer(100)))
    fields = shapely.intersection(cells, belts)
    fields = shapely.set_precision(fields, 0.01)
    fields = fields[~shapely.is_empty(fields) & (shapely.area(fields) > 500)]
    parts: list[shapely.Geometry] = []
    for f in fields:  # Voronoi clipping may split a cell; keep polygons only
        parts.extend(p for p in shapely.get_parts(f) if p.geom_type == "Polygon" and p.area > 500)
    geom = np.array(parts, dtype=object)
    order = np.lexsort(
        (shapely.get_y(shapely.centroid(geom)), shapely.get_x(shapely.centroid(geom)))
    )
    geom = geom[order]
    # Drop fields at random until the total is near the target (Bærum: ~15,000 daa of AR5 farmland).
    perm = rng.permutation(len(geom))
    area = shapely.area(geom[perm]) / 1000.0
    keep = perm[np.cumsum(area) <= target_daa]
    keep = np.sort(keep)
    geom = geom[keep]
    cls = rng.choice([21, 22, 23], size=len(geom), p=[0.8, 0.04, 0.16])
    return gpd.GeoDataFrame(
        {
            "arealtype": cls.astype("int64"),
            "arealtype_navn": pd.Series(cls)
            .map({21: "Fulldyrka jord", 22: "Overflatedyrka jord", 23: "Innmarksbeite"})
            .to_numpy(),
            "area_daa": np.round(shapely.area(geom) / 1000.0, 3),
        },
        geometry=geom,
        crs=land.crs,
    )


_GREEN_KINDS = (
    # green_type, count, median radius m, spread (lognormal sigma), where
    ("playground", 260, 16.0, 0.35, "built"),
    ("park", 170, 45.0, 0.6, "built"),
    ("friluft", 35, 170.0, 0.45, "edge"),
    ("sports_field", 45, 60.0, 0.2, "built"),
    ("cemetery", 8, 85.0, 0.25, "built"),
    ("nature", 25, 110.0, 0.5, "edge"),
)


def _green(land: Land, net: Network, farmland: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rng = land.rng
    grid = land.grid
    busy = shapely.union_all(
        [
            *land.areas.geometry[land.areas["area_type"] != "node"],
            land.lines["E18"].buffer(40),
            land.lines["railway"].buffer(25),
            land.lines["E16"].buffer(30),
        ]
    )
    blocked = shapely.union_all([busy, land.farm_belts, land.marka])
    lev_nodes = grid.sample(land.level, net.x, net.y)
    built_nodes = np.flatnonzero((lev_nodes > 0) & (lev_nodes <= LEVEL_SUBURBAN))
    d_mar = shapely.distance(land.marka, shapely.points(net.x, net.y))
    edge_nodes = np.flatnonzero((lev_nodes > 0) & (lev_nodes <= LEVEL_SUBURBAN) & (d_mar < 900))
    geoms: list[shapely.Geometry] = []
    types: list[str] = []
    names: list[str] = []
    for gtype, count, med, sig, where in _GREEN_KINDS:
        pool = built_nodes if where == "built" else edge_nodes
        pick = rng.choice(pool, size=count * 3, replace=False)
        cx = net.x[pick] + rng.uniform(-12, 12, len(pick))
        cy = net.y[pick] + rng.uniform(-12, 12, len(pick))
        r = med * np.exp(sig * rng.standard_normal(len(pick)))
        polys = _blob(rng, cx, cy, r)
        ok = ~shapely.intersects(polys, blocked) & shapely.within(polys, land.outline)
        polys = polys[ok][:count]
        geoms.extend(polys)
        types.extend([gtype] * len(polys))
        place = land.nearest_centre(
            shapely.get_x(shapely.centroid(polys)), shapely.get_y(shapely.centroid(polys))
        )
        label = {
            "playground": "lekeplass",
            "park": "park",
            "friluft": "friområde",
            "sports_field": "idrettsplass",
            "cemetery": "gravlund",
            "nature": "naturområde",
        }
        names.extend(f"{p} {label[gtype]} {k + 1}" for k, p in enumerate(place))
    # Remove overlaps: larger areas first, drop any that touch an accepted one.
    geoms_arr = np.array(geoms, dtype=object)
    order = np.argsort(-shapely.area(geoms_arr), kind="stable")
    accepted: list[int] = []
    tree_geoms: list[shapely.Geometry] = []
    for i in order:
        g = geoms_arr[i]
        if tree_geoms and shapely.STRtree(tree_geoms).query(g, predicate="intersects").size:
            continue
        accepted.append(int(i))
        tree_geoms.append(g)
    accepted.sort()
    out_geoms = [geoms_arr[i] for i in accepted]
    out_types = [types[i] for i in accepted]
    out_names = [names[i] for i in accepted]
    # Marka as forest, split into named parts (Vestmarka west of Lommedalen, Krokskogen north,
    # Bærumsmarka east); Kolsåstoppen stays one part.
    lx, _ly = to_xy(10.47, 59.96, land.crs)
    mx0, my0, mx1, my1 = land.marka.bounds
    parts = {
        "Vestmarka": shapely.box(mx0 - 1, my0 - 1, lx, my1 + 1),
        "Bærumsmarka": shapely.box(lx, my0 - 1, mx1 + 1, my1 + 1),
    }
    for name, box in parts.items():
        g = shapely.set_precision(shapely.intersection(land.marka, box), 0.01)
        for k, p in enumerate(sorted(shapely.get_parts(g), key=lambda p: -p.area)):
            if p.area < 20000 or p.geom_type != "Polygon":
                continue
            out_geoms.append(p)
            out_types.append("forest")
            out_names.append(name if k == 0 else f"{name} {k + 1}")
    geo = np.array(out_geoms, dtype=object)
    return gpd.GeoDataFrame(
        {
            "green_type": out_types,
            "name": out_names,
            "area_daa": np.round(shapely.area(geo) / 1000.0, 3),
        },
        geometry=geo,
        crs=land.crs,
    )


def _transit(land: Land, net: Network) -> gpd.GeoDataFrame:
    rng = land.rng
    rows = []
    for s in (*A.RAIL_STATIONS, *A.METRO_STATIONS, *A.FORNEBU_LINE, *A.BUS_HUBS):
        x, y = to_xy(s.lon, s.lat, land.crs)
        rows.append((s.name, s.mode, s.nsr_id, s.departures_per_hour, s.status, x, y))
    # Local bus stops: network nodes on collector streets, at least 450 m apart.
    mask = (net.highway == "tertiary") & (net.level <= LEVEL_SUBURBAN)
    cand = np.unique(net.u[mask])
    cand = cand[rng.permutation(len(cand))]
    taken_x = [r[5] for r in rows]
    taken_y = [r[6] for r in rows]
    tx, ty = np.array(taken_x), np.array(taken_y)
    chosen: list[int] = []
    for c in cand:
        if np.min((tx - net.x[c]) ** 2 + (ty - net.y[c]) ** 2) < 450.0**2:
            continue
        chosen.append(int(c))
        tx = np.append(tx, net.x[c])
        ty = np.append(ty, net.y[c])
    chosen.sort()
    cx, cy = net.x[chosen], net.y[chosen]
    place = land.nearest_centre(cx, cy)
    counter: dict[str, int] = {}
    dens = land.grid.sample(land.density, cx, cy)
    for i, c in enumerate(chosen):
        counter[place[i]] = counter.get(place[i], 0) + 1
        dep = float(np.round(2 + 10 * dens[i] + rng.integers(0, 4)))
        rows.append(
            (
                f"{place[i]} {counter[place[i]]}",
                "bus",
                "",
                dep,
                "existing",
                float(net.x[c]) + 6.0,
                float(net.y[c]) + 6.0,
            )
        )
    df = pd.DataFrame(
        rows, columns=["name", "mode", "nsr_id", "departures_per_hour", "status", "x", "y"]
    )
    return gpd.GeoDataFrame(
        df.drop(columns=["x", "y"]),
        geometry=shapely.points(np.round(df["x"], 2), np.round(df["y"], 2)),
        crs=land.crs,
    )


def _roads(land: Land) -> gpd.GeoDataFrame:
    clip = land.outline.buffer(300)
    rows = [
        ("motorway", "E18", "E18", land.lines["E18"]),
        ("trunk", "E16", "E16", land.lines["E16"]),
    ]
    for name, cls, ref, _pts in A.MAIN_ROADS:
        rows.append((cls, ref, name, land.lines[name]))
    geoms = shapely.set_precision(shapely.intersection(np.array([r[3] for r in rows]), clip), 0.01)
    gdf = gpd.GeoDataFrame(
        {
            "road_class": [r[0] for r in rows],
            "ref": [r[1] for r in rows],
            "name": [r[2] for r in rows],
        },
        geometry=geoms,
        crs=land.crs,
    )
    return gdf[~gdf.geometry.is_empty].reset_index(drop=True)


def _barriers(land: Land) -> gpd.GeoDataFrame:
    """E18 and the railway, the walk network's barriers, open at their real crossing points."""
    clip = land.outline.buffer(300)
    rows = []
    for btype, name, line, crossings in (
        ("motorway", "E18", land.lines["E18"], _E18_CROSSINGS),
        ("railway", "Drammenbanen", land.lines["railway"], _RAIL_CROSSINGS),
    ):
        gaps = shapely.union_all(
            [shapely.Point(to_xy(lon, lat, land.crs)).buffer(20.0) for lon, lat in crossings]
        )
        rows.append((btype, name, shapely.intersection(line.difference(gaps), clip)))
    geoms = shapely.set_precision(np.array([r[2] for r in rows]), 0.01)
    return gpd.GeoDataFrame(
        {"barrier_type": [r[0] for r in rows], "name": [r[1] for r in rows]},
        geometry=geoms,
        crs=land.crs,
    )


def _rasters(land: Land, seed: int) -> tuple[np.ndarray, np.ndarray]:
    grid, crs = land.grid, land.crs
    gx, gy = grid.centres()
    sx, sy = to_xy(10.5257, 59.8929, crs)
    lx, _ = to_xy(10.6420, 59.9134, crs)
    sea = ~land.inside & (gy < sy + 2200) & (gx < lx + 200) & (gx > sx - 4500)
    sea |= ~land.inside & (gy < sy - 900)
    hills = [(*to_xy(lon, lat, crs), h, r) for lon, lat, h, r in A.HILLS]
    valley = grid.burn([to_line(A.LOMMEDALEN_VALLEY[0], crs).buffer(300)])
    dem = dem_field(grid, sea, hills, valley, np.random.default_rng(seed + 1))
    sources = [
        ([land.lines["E18"]], 77.0),
        ([land.lines["E16"]], 74.0),
        ([land.lines["railway"]], 72.0),
    ]
    for name, cls, _ref, _pts in A.MAIN_ROADS:
        sources.append(([land.lines[name]], {"primary": 67.0, "secondary": 64.0}.get(cls, 61.0)))
    noise = noise_field(grid, sources)
    return dem, noise


def _boundary(land: Land) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kommunenummer": [A.KOMMUNENUMMER], "name": ["Bærum (syntetisk demo)"]},
        geometry=[land.outline],
        crs=land.crs,
    )


def generate(
    seed: int, *, crs: str = "EPSG:25832", progress: Callable[[str], None] | None = None
) -> Demo:
    """Generate one copy of the synthetic Bærum study area.

    Parameters
    ----------
    seed
        Seed of every random choice.
    crs
        Working CRS (EPSG:25832).
    progress
        Called with a short label before each step.
    """
    step = progress or (lambda _label: None)
    step("land")
    land = build_land(seed, crs)
    step("walk network")
    net = _network(land, seed)
    step("farmland")
    farmland = _farmland(land)
    step("green areas")
    green = _green(land, net, farmland)
    step("homes")
    homes = homes_layer(land, net, green)
    step("services")
    services = services_layer(land, homes)
    plots = services.geometry[services["category"].isin(PUBLIC_PLOTS)].buffer(PLOT_RADIUS_M)
    homes = homes_layer(land, net, green, exclude=shapely.union_all(plots.values))
    step("transit")
    transit = _transit(land, net)
    step("workplaces")
    workplaces = workplaces_layer(land, homes, services)
    step("zoning")
    zoning = zoning_layer(land, green, services)
    step("rasters")
    dem, noise = _rasters(land, seed)
    areas = land.areas[["name", "area_type", "area_daa", "geometry"]].copy()
    areas["area_daa"] = areas["area_daa"].round(3)
    roads = _roads(land)
    step("land cover")
    buildings = landcover.buildings_layer(land, homes, workplaces, seed=seed)
    layers = {
        "boundary": _boundary(land),
        "zoning": zoning,
        "farmland": farmland,
        "green": green,
        "homes": homes,
        "services": services,
        "transit": transit,
        "roads": roads,
        "barriers": _barriers(land),
        "walk_network": _walk_layer(net, crs),
        "areas": areas,
        "workplaces": workplaces,
        "ar5": landcover.ar5_layer(land, farmland, roads, buildings, zoning, seed=seed),
        "buildings": buildings,
        "cultivable_land": landcover.cultivable_land_layer(land, seed=seed),
        "nature_types": landcover.nature_types_layer(land, seed=seed),
        "sea": landcover.sea_layer(land),
        "hazard_zones": landcover.hazard_zones_layer(land),
        "recreation_areas": landcover.recreation_areas_layer(land, green),
    }
    step("revised plan")
    plan = revised_plan(land, zoning)
    return Demo(layers=layers, dem=dem, noise=noise, grid=land.grid, network=net, plan=plan)
