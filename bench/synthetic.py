"""A synthetic study area of demo size for the benchmark (used until/unless the demo is present).

A jittered street grid (~40k nodes) with a share of its links removed, homes scattered along
streets, services, green polygons, transit stops and workplaces. Deterministic for a seed.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from arealanalyse.layers.codes import SERVICE_CATEGORIES

CRS = "EPSG:25832"
X0, Y0 = 580_000.0, 6_640_000.0


def synthetic_area(
    *, side: int = 200, spacing_m: float = 80.0, n_homes: int = 55_000, seed: int = 1
) -> dict[str, gpd.GeoDataFrame]:
    """Return canonical-ish layers: walk_network, homes, services, green, transit, workplaces."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.stack([ii.ravel() * spacing_m, jj.ravel() * spacing_m], axis=1)
    xy += rng.uniform(-0.25, 0.25, xy.shape) * spacing_m
    xy += [X0, Y0]
    idx = ii.ravel() * side + jj.ravel()
    right = idx[(ii.ravel() < side - 1)]
    up = idx[(jj.ravel() < side - 1)]
    a = np.concatenate([right, up])
    b = np.concatenate([right + side, up + 1])
    keep = rng.random(len(a)) > 0.3
    a, b = a[keep], b[keep]
    # bend some edges with a middle vertex
    mid = (xy[a] + xy[b]) / 2 + rng.normal(0, spacing_m * 0.08, (len(a), 2))
    coords = np.stack([xy[a], mid, xy[b]], axis=1)
    lines = shapely.linestrings(coords)
    net = gpd.GeoDataFrame({"highway": np.full(len(lines), "footway")}, geometry=lines, crs=CRS)
    # homes near random edges
    e = rng.integers(0, len(lines), n_homes)
    t = rng.random(n_homes)
    base = shapely.line_interpolate_point(lines[e], t, normalized=True)
    off = rng.normal(0, 12.0, (n_homes, 2))
    hxy = shapely.get_coordinates(base) + off
    dwell = rng.integers(1, 6, n_homes).astype(float)
    homes = gpd.GeoDataFrame(
        {"dwellings": dwell, "population": dwell * 2.3, "source": "building"},
        geometry=shapely.points(hxy),
        crs=CRS,
    )
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    cats = list(SERVICE_CATEGORIES)
    n_s = 600
    services = gpd.GeoDataFrame(
        {"category": rng.choice(cats, n_s), "name": [f"s{i}" for i in range(n_s)]},
        geometry=shapely.points(rng.uniform(lo, hi, (n_s, 2))),
        crs=CRS,
    )
    n_g = 80
    c = rng.uniform(lo, hi, (n_g, 2))
    r = rng.uniform(40, 400, n_g)
    green_geoms = shapely.buffer(shapely.points(c), r, quad_segs=4)
    green = gpd.GeoDataFrame(
        {
            "green_type": np.full(n_g, "park"),
            "name": [f"g{i}" for i in range(n_g)],
            "area_daa": shapely.area(green_geoms) / 1000.0,
        },
        geometry=green_geoms,
        crs=CRS,
    )
    n_t = 120
    modes = rng.choice(["bus"] * 8 + ["rail", "metro"], n_t)
    transit = gpd.GeoDataFrame(
        {"name": [f"t{i}" for i in range(n_t)], "mode": modes, "status": np.full(n_t, "existing")},
        geometry=shapely.points(rng.uniform(lo, hi, (n_t, 2))),
        crs=CRS,
    )
    n_w = 5000
    workplaces = gpd.GeoDataFrame(
        {
            "jobs": rng.integers(1, 200, n_w).astype(float),
            "bra_m2": rng.integers(100, 5000, n_w).astype(float),
            "use": np.full(n_w, "kontor"),
        },
        geometry=shapely.points(rng.uniform(lo, hi, (n_w, 2))),
        crs=CRS,
    )
    return {
        "walk_network": net,
        "homes": homes,
        "services": services,
        "green": green,
        "transit": transit,
        "workplaces": workplaces,
    }
