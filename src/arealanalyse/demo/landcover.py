"""Land cover and overlay layers of the SYNTHETIC demo, for the arealregnskap.

* ``buildings``: a footprint for every home and workplace point, sized by its dwellings or BRA
  (FKB/matrikkel bygningstype codes for the kind of building).
* ``ar5``: full-coverage AR5 (every arealtype, NIBIO's AR5 klassifikasjonssystem): the farmland
  fields of the ``farmland`` layer as they are (21/22/23), bebygd (11) around buildings and in
  built-up zoning, samferdsel (12) along the main roads and the railway, myr (60), ferskvann (81)
  and åpen fastmark (50) in Marka and on the hilltops, skog (30) everywhere else. Painted on the
  demo's 25 m grid and polygonised, so it is a planar partition of the study area.
* ``sea``: what the real municipality outlines (Kartverket, via ``hvor``) leave of a box around
  Bærum: the fjord, so the 100 m strandsone follows the real coast.
* ``hazard_zones``, ``nature_types``, ``recreation_areas``, ``cultivable_land``: a few invented
  zones, placed so that the demo's revised plan meets each of them.

Everything here is invented (``SYNTETISK`` in every name); a separate random stream keeps the
other demo layers unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import rasterio.features
import shapely
import shapely.ops

from arealanalyse.demo import anchors as A
from arealanalyse.layers.codes import AR5_ARTYPE

if TYPE_CHECKING:
    from arealanalyse.demo.land import Land

__all__ = [
    "ar5_layer",
    "buildings_layer",
    "cultivable_land_layer",
    "hazard_zones_layer",
    "nature_types_layer",
    "recreation_areas_layer",
    "sea_layer",
]

#: Zoning categories whose existing areas count as built-up land in the synthetic AR5.
_BUILT_CATEGORIES = ("sentrum", "handel", "naering", "kombinert", "offentlig", "idrett")

#: Rivers (lon, lat) with their synthetic flood-zone half-width in metres.
_RIVERS: tuple[tuple[str, tuple[tuple[float, float], ...], float], ...] = (
    (
        "Sandvikselva",
        ((10.5235, 59.8895), (10.5190, 59.8990), (10.5110, 59.9090), (10.5060, 59.9230)),
        45.0,
    ),
    (
        "Lysakerelva",
        ((10.6395, 59.9120), (10.6360, 59.9250), (10.6290, 59.9380), (10.6250, 59.9480)),
        40.0,
    ),
)


def _ellipse(x: float, y: float, hx: float, hy: float, angle: float = 0.0) -> shapely.Geometry:
    from shapely import affinity

    circle = shapely.Point(x, y).buffer(1.0, quad_segs=16)
    return affinity.rotate(affinity.scale(circle, hx, hy), angle)


def _pt(lon: float, lat: float, crs: str) -> tuple[float, float]:
    x, y = A.to_utm(lon, lat, crs)
    return float(x), float(y)


def _line(coords: tuple[tuple[float, float], ...], crs: str) -> shapely.LineString:
    x, y = A.to_utm([c[0] for c in coords], [c[1] for c in coords], crs)
    return shapely.LineString(np.round(np.column_stack([x, y]), 2))


def _rectangles(
    x: np.ndarray, y: np.ndarray, area: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Rotated rectangles of the given areas around points (vectorised)."""
    aspect = rng.uniform(1.2, 2.0, len(x))
    w = np.sqrt(area * aspect)
    h = area / w
    angle = np.deg2rad(rng.normal(0.0, 6.0, len(x)))
    dx = np.array([-0.5, 0.5, 0.5, -0.5, -0.5])
    dy = np.array([-0.5, -0.5, 0.5, 0.5, -0.5])
    lx = w[:, None] * dx[None, :]
    ly = h[:, None] * dy[None, :]
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    px = x[:, None] + lx * cos - ly * sin
    py = y[:, None] + lx * sin + ly * cos
    return shapely.polygons(np.round(np.stack([px, py], axis=-1), 2))


def buildings_layer(
    land: Land, homes: gpd.GeoDataFrame, workplaces: gpd.GeoDataFrame, *, seed: int
) -> gpd.GeoDataFrame:
    """Return building footprints for the home and workplace points (FKB bygningstype)."""
    rng = np.random.default_rng(seed + 101)
    d = homes["dwellings"].to_numpy(dtype=float)
    home_area = np.where(d <= 2, 90.0 + 40.0 * d, d * 110.0 / np.where(d <= 10, 2.0, 5.0))
    home_type = np.select([d <= 1, d <= 2, d <= 10], ["111", "121", "131"], default="142")
    bra = workplaces["bra_m2"].to_numpy(dtype=float)
    work_area = np.clip(bra / 3.0, 80.0, 6000.0)
    work_type = (
        workplaces["use"]
        .map(
            {
                "kontor": "311",
                "handel": "322",
                "servering": "531",
                "undervisning": "613",
                "helse": "719",
                "offentlig": "649",
                "industri_lager": "231",
            }
        )
        .fillna("329")
        .to_numpy()
    )
    x = np.concatenate(
        [shapely.get_x(homes.geometry.values), shapely.get_x(workplaces.geometry.values)]
    )
    y = np.concatenate(
        [shapely.get_y(homes.geometry.values), shapely.get_y(workplaces.geometry.values)]
    )
    area = np.clip(np.concatenate([home_area, work_area]), 80.0, 6000.0)
    geoms = _rectangles(x, y, area, rng)
    keep = shapely.within(shapely.centroid(geoms), land.outline)
    types = np.concatenate([home_type, work_type])
    return gpd.GeoDataFrame(
        {"building_type": types[keep], "source": "syntetisk"},
        geometry=geoms[keep],
        crs=land.crs,
    ).reset_index(drop=True)


def _blobs(
    rng: np.random.Generator, region: shapely.Geometry, n: int, r_min: float, r_max: float
) -> list[shapely.Geometry]:
    """``n`` round-ish blobs with centres inside ``region``."""
    minx, miny, maxx, maxy = region.bounds
    out: list[shapely.Geometry] = []
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(region, x, y):
            continue
        r = rng.uniform(r_min, r_max)
        out.append(_ellipse(x, y, r, r * rng.uniform(0.5, 1.0), rng.uniform(0, 180)))
    return out


def ar5_layer(
    land: Land,
    farmland: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    zoning: gpd.GeoDataFrame,
    *,
    seed: int,
) -> gpd.GeoDataFrame:
    """Full-coverage AR5 of the study area (a planar partition, every feature one arealtype)."""
    rng = np.random.default_rng(seed + 102)
    grid = land.grid
    cls = np.zeros(grid.shape, dtype=np.int32)
    cls[land.inside] = 30
    hills = [_pt(lon, lat, land.crs) for lon, lat, _h, _r in A.HILLS[:3]]
    tops = [shapely.Point(x, y).buffer(160.0) for x, y in hills]
    cls[grid.burn(tops + _blobs(rng, land.marka, 18, 60.0, 160.0)) & land.inside] = 50
    cls[grid.burn(_blobs(rng, land.marka, 30, 70.0, 260.0)) & land.inside] = 60
    lakes = _blobs(rng, land.marka.buffer(-300.0), 8, 180.0, 520.0)
    cls[grid.burn(lakes) & land.inside] = 81
    built_zones = zoning[
        zoning["category"].isin(_BUILT_CATEGORIES) & (zoning["status"] == "existing")
    ]
    # AR5 maps gardens with their houses: land within ~35 m of a building is bebygd.
    built = grid.burn(list(built_zones.geometry)) | grid.burn(list(buildings.geometry.buffer(35.0)))
    cls[built & land.inside & (cls != 81)] = 11
    width = {"motorway": 22.0, "trunk": 14.0, "primary": 10.0, "secondary": 8.0}
    ways = [
        g.buffer(width.get(c, 6.0))
        for g, c in zip(roads.geometry, roads["road_class"], strict=True)
    ]
    ways.append(land.lines["railway"].buffer(12.0))
    cls[grid.burn(ways) & land.inside] = 12
    shapes = rasterio.features.shapes(
        cls, mask=land.inside & (cls > 0), transform=grid.transform, connectivity=4
    )
    geoms, codes_ = [], []
    for geo, val in shapes:
        geoms.append(shapely.geometry.shape(geo))
        codes_.append(int(val))
    geo = shapely.set_precision(
        shapely.intersection(np.array(geoms, dtype=object), land.outline), 0.01
    )
    codes_arr = np.array(codes_)
    fields = farmland.geometry.values
    # Overlay in floating precision (set_precision leaves a 0.01 m grid on the geometries, and
    # an overlay on it snap-rounds): the pieces then fit the fields as they are stored.
    geo = shapely.set_precision(geo, 0.0)
    fields = shapely.set_precision(fields, 0.0)
    gi, fi = shapely.STRtree(fields).query(geo, predicate="intersects")
    geo = geo.copy()
    for k in np.unique(gi):  # no re-snapping afterwards: keeps the partition exact
        geo[k] = shapely.difference(geo[k], shapely.union_all(fields[fi[gi == k]]))
    parts, idx = shapely.get_parts(geo, return_index=True)
    poly = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 1.0)
    parts, idx = parts[poly], idx[poly]
    all_geo = np.concatenate([parts, fields])
    all_cls = np.concatenate([codes_arr[idx], farmland["arealtype"].to_numpy(dtype=np.int64)])
    cx, cy = shapely.get_x(shapely.centroid(all_geo)), shapely.get_y(shapely.centroid(all_geo))
    order = np.lexsort((cy, cx, all_cls))
    all_geo, all_cls = all_geo[order], all_cls[order]
    return gpd.GeoDataFrame(
        {
            "arealtype": all_cls.astype("int64"),
            "arealtype_navn": [AR5_ARTYPE[int(c)] for c in all_cls],
            "area_daa": np.round(shapely.area(all_geo) / 1000.0, 3),
        },
        geometry=all_geo,
        crs=land.crs,
    )


def sea_layer(land: Land) -> gpd.GeoDataFrame:
    """Return the fjord: a box around Bærum minus the real municipality outlines."""
    box = shapely.box(*land.outline.bounds).buffer(3000.0, join_style="mitre")
    sea = shapely.difference(box, A.land_around(box.bounds, land.crs))
    parts = [p for p in shapely.get_parts(sea) if p.area > 10_000.0]
    geo = np.array(sorted(parts, key=lambda p: -p.area), dtype=object)
    return gpd.GeoDataFrame(
        {"area_daa": np.round(shapely.area(geo) / 1000.0, 3)}, geometry=geo, crs=land.crs
    )


def hazard_zones_layer(land: Land) -> gpd.GeoDataFrame:
    """Invented flood zones along two rivers, a quick-clay zone and a landslide zone."""
    rows: list[tuple[str, str, shapely.Geometry]] = []
    for name, coords, half in _RIVERS:
        rows.append(("flom", f"SYNTETISK flomsone {name}", _line(coords, land.crs).buffer(half)))
    x, y = _pt(10.4555, 59.9390, land.crs)
    rows.append(("kvikkleire", "SYNTETISK kvikkleiresone Skui nord", _ellipse(x, y, 220, 140, 25)))
    x, y = _pt(10.4905, 59.9205, land.crs)
    rows.append(("skred", "SYNTETISK skredfaresone Kolsås", _ellipse(x, y, 380, 180, 60)))
    geo = shapely.set_precision(
        shapely.intersection(np.array([r[2] for r in rows]), land.outline), 0.01
    )
    gdf = gpd.GeoDataFrame(
        {"hazard_type": [r[0] for r in rows], "name": [r[1] for r in rows]},
        geometry=geo,
        crs=land.crs,
    )
    gdf = gdf[~gdf.geometry.is_empty].reset_index(drop=True)
    gdf["area_daa"] = np.round(gdf.geometry.area / 1000.0, 3)
    return gdf


def nature_types_layer(land: Land, *, seed: int) -> gpd.GeoDataFrame:
    """Invented naturtyper: a few in Marka, a strandeng at Høvik, an eikeskog at Bjørnegård."""
    rng = np.random.default_rng(seed + 103)
    rows: list[tuple[str, str, str, shapely.Geometry]] = []
    kinds = ("Gammel barskog", "Kalkskog", "Rik sumpskog", "Intakt høymyr")
    for k, g in enumerate(_blobs(rng, land.marka, 10, 80.0, 260.0)):
        rows.append((kinds[k % len(kinds)], ("A", "B", "C")[k % 3], f"SYNTETISK Marka {k + 1}", g))
    coast = land.outline.boundary
    hx, hy = _pt(10.5860, 59.8985, land.crs)
    near = shapely.ops.nearest_points(coast, shapely.Point(hx, hy))[0]
    rows.append(("Strandeng", "A", "SYNTETISK Høvik strandeng", near.buffer(140.0)))
    bx, by = _pt(10.4935, 59.8995, land.crs)
    rows.append(
        ("Gammel eikeskog", "B", "SYNTETISK Bjørnegård eikeskog", _ellipse(bx, by, 120, 80, 10))
    )
    geo = shapely.set_precision(
        shapely.intersection(np.array([r[3] for r in rows]), land.outline), 0.01
    )
    gdf = gpd.GeoDataFrame(
        {
            "nature_type": [r[0] for r in rows],
            "value": [r[1] for r in rows],
            "name": [r[2] for r in rows],
        },
        geometry=geo,
        crs=land.crs,
    )
    gdf = gdf[~gdf.geometry.is_empty & (gdf.geometry.area > 100.0)].reset_index(drop=True)
    gdf["area_daa"] = np.round(gdf.geometry.area / 1000.0, 3)
    return gdf


def recreation_areas_layer(land: Land, green: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Friluftsområder: the friluft and nature green areas, the islands and the Marka edge."""
    sel = green[green["green_type"].isin(["friluft", "nature"])]
    geoms = list(sel.geometry)
    names = [f"SYNTETISK {n}" for n in sel["name"]]
    values = ["viktig"] * len(geoms)
    islands = sorted(land.outline.geoms, key=lambda p: -p.area)[1:]
    for k, p in enumerate(islands):
        if p.area > 20_000.0:
            geoms.append(p)
            names.append(f"SYNTETISK øy {k + 1}")
            values.append("svært viktig")
    edge = shapely.intersection(land.marka, _line(A.MARKA_EDGE, land.crs).buffer(400.0))
    geoms.append(edge)
    names.append("SYNTETISK Markakanten")
    values.append("svært viktig")
    geo = shapely.set_precision(
        shapely.intersection(np.array(geoms, dtype=object), land.outline), 0.01
    )
    gdf = gpd.GeoDataFrame({"name": names, "value": values}, geometry=geo, crs=land.crs)
    gdf = gdf[~gdf.geometry.is_empty].reset_index(drop=True)
    gdf.geometry = [_polygonal(g) for g in gdf.geometry]
    gdf = gdf[~gdf.geometry.is_empty].reset_index(drop=True)
    gdf["area_daa"] = np.round(gdf.geometry.area / 1000.0, 3)
    return gdf


def cultivable_land_layer(land: Land, *, seed: int) -> gpd.GeoDataFrame:
    """Dyrkbar jord: patches of the forest fringe around the farmland belts."""
    rng = np.random.default_rng(seed + 104)
    ring = shapely.difference(
        shapely.difference(land.farm_belts.buffer(180.0), land.farm_belts.buffer(5.0)), land.marka
    )
    ring = shapely.intersection(ring, land.outline)
    minx, miny, maxx, maxy = ring.bounds
    xs = np.arange(np.floor(minx / 300) * 300, maxx, 300.0)
    ys = np.arange(np.floor(miny / 300) * 300, maxy, 300.0)
    cells = [shapely.box(x, y, x + 300.0, y + 300.0) for x in xs for y in ys]
    keep = rng.uniform(0, 1, len(cells)) < 0.45
    pieces = shapely.intersection(np.array(cells, dtype=object)[keep], ring)
    parts = [
        p
        for p in shapely.get_parts(shapely.set_precision(pieces, 0.01))
        if p.geom_type == "Polygon" and p.area > 2000.0
    ]
    geo = np.array(parts, dtype=object)
    return gpd.GeoDataFrame(
        {"area_daa": np.round(shapely.area(geo) / 1000.0, 3)}, geometry=geo, crs=land.crs
    )


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    if not parts:
        return shapely.Polygon()
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
