"""Homes, services and workplaces of the SYNTHETIC Bærum demo.

Homes are building points set back from the streets of the synthetic walk network, typed by the
local density (blocks in centres, row houses, detached houses in villa areas) and thinned to
Bærum's totals: about 55,000 dwellings and 128,000 residents (SSB, 2024: Bærum has ~128,000
inhabitants in ~55,000 dwellings). Services of every category are placed near homes and in
centres at plausible counts; workplaces concentrate in the named business areas (Bærum has
roughly 67,000 jobs, SSB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.demo.fields import LEVEL_SUBURBAN
from arealanalyse.layers.codes import SERVICE_CATEGORIES

if TYPE_CHECKING:
    from arealanalyse.demo.land import Land
    from arealanalyse.demo.network import Network

__all__ = ["SERVICE_COUNTS", "homes_layer", "services_layer", "workplaces_layer"]

TARGET_DWELLINGS = 55_000
TARGET_POPULATION = 128_000
TARGET_JOBS = 67_500

#: Synthetic service counts per category, near Bærum's real order of magnitude.
#: (category, count, minimum spacing m between two of them, centre preference 0..1)
SERVICE_COUNTS: tuple[tuple[str, int, float, float], ...] = (
    ("grocery", 72, 300.0, 0.6),
    ("school", 45, 900.0, 0.0),
    ("kindergarten", 150, 250.0, 0.0),
    ("health", 40, 350.0, 0.5),
    ("pharmacy", 20, 500.0, 0.9),
    ("library", 6, 1500.0, 1.0),
    ("sports", 55, 500.0, 0.0),
    ("culture", 15, 400.0, 0.9),
    ("elderly_care", 18, 700.0, 0.2),
    ("post", 12, 900.0, 0.9),
    ("restaurant", 220, 0.0, 0.95),
    ("retail", 260, 0.0, 0.95),
)

#: Jobs per service point (synthetic, from typical staffing).
_SERVICE_JOBS = {
    "grocery": 22,
    "school": 55,
    "kindergarten": 18,
    "health": 14,
    "pharmacy": 6,
    "library": 10,
    "sports": 3,
    "culture": 12,
    "elderly_care": 70,
    "post": 5,
    "restaurant": 9,
    "retail": 8,
}
_SERVICE_USE = {
    "grocery": "handel",
    "school": "undervisning",
    "kindergarten": "undervisning",
    "health": "helse",
    "pharmacy": "handel",
    "library": "offentlig",
    "sports": "offentlig",
    "culture": "offentlig",
    "elderly_care": "helse",
    "post": "handel",
    "restaurant": "servering",
    "retail": "handel",
}
#: Short Norwegian labels used in the synthetic service names ("Haslum barnehage 3").
_SERVICE_LABEL = {
    "grocery": "dagligvare",
    "school": "skole",
    "kindergarten": "barnehage",
    "health": "legesenter",
    "pharmacy": "apotek",
    "library": "bibliotek",
    "sports": "idrettsanlegg",
    "culture": "kulturhus",
    "elderly_care": "sykehjem",
    "post": "post i butikk",
    "restaurant": "kafé",
    "retail": "butikk",
}
#: Floor space per job (m² BRA), by use.
_M2_PER_JOB = {
    "kontor": 25.0,
    "handel": 45.0,
    "industri_lager": 90.0,
    "blandet": 35.0,
    "offentlig": 40.0,
    "helse": 45.0,
    "undervisning": 50.0,
    "servering": 30.0,
}


def homes_layer(
    land: Land,
    net: Network,
    green: gpd.GeoDataFrame,
    /,
    *,
    exclude: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Residential building points with dwellings and population (source ``building``).

    Candidate sites and their types depend only on the seed; sites inside ``exclude`` (school and
    care-home plots) are skipped before thinning to the target, so the totals stay on target.
    """
    rng = np.random.default_rng([land.seed, 2])
    grid = land.grid
    keep = (net.level <= LEVEL_SUBURBAN) & np.isin(
        net.highway, ["residential", "tertiary", "pedestrian"]
    )
    u, v = net.u[keep], net.v[keep]
    x0, y0, x1, y1 = net.x[u], net.y[u], net.x[v], net.y[v]
    length = np.hypot(x1 - x0, y1 - y0)
    nxv, nyv = -(y1 - y0) / length, (x1 - x0) / length
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    off = 12.0
    sx = np.round(np.concatenate([mx + off * nxv, mx - off * nxv]), 2)
    sy = np.round(np.concatenate([my + off * nyv, my - off * nyv]), 2)
    dens = grid.sample(land.density, sx, sy)
    lev = grid.sample(land.level, sx, sy)
    ok = (lev > 0) & (lev <= LEVEL_SUBURBAN) & shapely.contains_xy(land.outline, sx, sy)
    nonres = shapely.union_all(
        [
            *land.areas.geometry[land.areas["area_type"].isin(["e18_corridor", "business_park"])],
            land.lines["E18"].buffer(35),
            land.lines["railway"].buffer(25),
            land.lines["E16"].buffer(30),
            land.farm_belts,
            land.marka,
        ]
    )
    ok &= ~shapely.contains_xy(nonres, sx, sy)
    gtree = shapely.STRtree(green.geometry.values)
    in_green = np.zeros(len(sx), dtype=bool)
    idx = np.flatnonzero(ok)
    hit = gtree.query(shapely.points(sx[idx], sy[idx]), predicate="intersects")
    in_green[idx[hit[0]]] = True
    ok &= ~in_green
    sx, sy, dens = sx[ok], sy[ok], dens[ok]
    # Building types by local density: blocks in centres, row houses and detached elsewhere.
    n = len(sx)
    r = rng.random(n)
    kind = np.where(
        dens >= 0.5,
        np.where(r < 0.065, "blokk", np.where(r < 0.4, "rekkehus", "enebolig")),
        np.where(
            dens >= 0.22,
            np.where(r < 0.03, "blokk", np.where(r < 0.3, "rekkehus", "enebolig")),
            np.where(r < 0.006, "blokk", np.where(r < 0.12, "rekkehus", "enebolig")),
        ),
    )
    dw = np.where(
        kind == "blokk",
        np.where(dens >= 0.5, rng.integers(10, 81, n), rng.integers(8, 31, n)),
        np.where(kind == "rekkehus", rng.integers(3, 9, n), 1 + (rng.random(n) < 0.3)),
    )
    ppd = np.select([kind == "blokk", kind == "rekkehus"], [1.8, 2.4], 2.9)
    ppd = ppd * rng.uniform(0.85, 1.15, n)
    # Thin uniformly at random to the target number of dwellings.
    perm = rng.permutation(n)
    if exclude is not None:
        perm = perm[~shapely.contains_xy(exclude, sx[perm], sy[perm])]
    take = perm[: int(np.searchsorted(np.cumsum(dw[perm]), TARGET_DWELLINGS)) + 1]
    take.sort()
    sx, sy, dw, ppd = sx[take], sy[take], dw[take].astype(float), ppd[take]
    pop = dw * ppd
    pop = np.maximum(1.0, np.round(pop * TARGET_POPULATION / pop.sum()))
    return gpd.GeoDataFrame(
        {"dwellings": dw, "population": pop, "source": "building"},
        geometry=shapely.points(sx, sy),
        crs=land.crs,
    )


def services_layer(land: Land, homes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Service points in every category of :data:`~arealanalyse.layers.codes.SERVICE_CATEGORIES`."""
    rng = land.rng
    hx = shapely.get_x(homes.geometry.values)
    hy = shapely.get_y(homes.geometry.values)
    dens = land.grid.sample(land.density, hx, hy)
    w_res = homes["dwellings"].to_numpy()
    rows: list[tuple[str, str, float, float]] = []
    assert {c for c, *_ in SERVICE_COUNTS} == set(SERVICE_CATEGORIES)
    for cat, count, spacing, pref in SERVICE_COUNTS:
        w = w_res * ((1 - pref) + pref * 30.0 * dens**3)
        order = rng.choice(len(hx), size=min(len(hx), count * 40), replace=False, p=w / w.sum())
        px: list[float] = []
        py: list[float] = []
        for i in order:
            if len(px) >= count:
                break
            if spacing > 0 and px:
                d2 = (np.array(px) - hx[i]) ** 2 + (np.array(py) - hy[i]) ** 2
                if d2.min() < spacing**2:
                    continue
            px.append(float(hx[i]))
            py.append(float(hy[i]))
        ang = rng.uniform(0, 2 * np.pi, len(px))
        sx = np.round(np.array(px) + 7.0 * np.cos(ang), 2)
        sy = np.round(np.array(py) + 7.0 * np.sin(ang), 2)
        place = land.nearest_centre(sx, sy)
        label = _SERVICE_LABEL[cat]
        seen: dict[str, int] = {}
        for k in range(len(sx)):
            seen[place[k]] = seen.get(place[k], 0) + 1
            rows.append((cat, f"{place[k]} {label} {seen[place[k]]}", float(sx[k]), float(sy[k])))
    df = pd.DataFrame(rows, columns=["category", "name", "x", "y"])
    return gpd.GeoDataFrame(
        df[["category", "name"]], geometry=shapely.points(df["x"], df["y"]), crs=land.crs
    )


def workplaces_layer(
    land: Land, homes: gpd.GeoDataFrame, services: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Workplace points: business areas, centres, the hospital, services and small firms."""
    rng = land.rng
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    jobs: list[np.ndarray] = []
    uses: list[np.ndarray] = []
    for _, a in land.areas[land.areas["jobs"] > 0].iterrows():
        geom = a.geometry
        n = max(3, int(a["jobs"] // 180))
        minx, miny, maxx, maxy = geom.bounds
        cx = rng.uniform(minx, maxx, n * 8)
        cy = rng.uniform(miny, maxy, n * 8)
        ok = shapely.contains_xy(geom, cx, cy)
        cx, cy = cx[ok][:n], cy[ok][:n]
        share = rng.gamma(1.2, 1.0, len(cx))
        j = np.round(a["jobs"] * share / share.sum())
        xs.append(cx)
        ys.append(cy)
        jobs.append(j)
        uses.append(np.full(len(cx), a["use"], dtype=object))
    # Bærum sykehus (Vestre Viken), Sandvika nord: one large health workplace.
    if land.hospital is not None:
        xs.append(np.array([land.hospital[0]]))
        ys.append(np.array([land.hospital[1]]))
        jobs.append(np.array([2300.0]))
        uses.append(np.array(["helse"], dtype=object))
    sx = shapely.get_x(services.geometry.values)
    sy = shapely.get_y(services.geometry.values)
    cats = services["category"].to_numpy()
    xs.append(sx + 4.0)
    ys.append(sy + 4.0)
    jobs.append(np.array([_SERVICE_JOBS[c] for c in cats], dtype=float))
    uses.append(np.array([_SERVICE_USE[c] for c in cats], dtype=object))
    # Small firms and home offices fill the rest up to Bærum's total.
    rest = TARGET_JOBS - sum(float(j.sum()) for j in jobs)
    if rest > 0:
        n = int(rest // 4)
        pick = np.sort(rng.choice(len(homes), size=min(n, len(homes)), replace=False))
        j = rng.integers(1, 8, len(pick)).astype(float)
        j = np.maximum(1.0, np.round(j * rest / j.sum()))
        hxs = shapely.get_x(homes.geometry.values[pick])
        hys = shapely.get_y(homes.geometry.values[pick])
        xs.append(hxs - 5.0)
        ys.append(hys - 5.0)
        jobs.append(j)
        uses.append(np.full(len(pick), "blandet", dtype=object))
    x = np.round(np.concatenate(xs), 2)
    y = np.round(np.concatenate(ys), 2)
    jb = np.concatenate(jobs)
    use = np.concatenate(uses)
    bra = np.round(jb * np.array([_M2_PER_JOB[u] for u in use]), 0)
    return gpd.GeoDataFrame(
        {"jobs": jb, "bra_m2": bra, "use": use.astype(str)},
        geometry=shapely.points(x, y),
        crs=land.crs,
    )
