"""The land of the SYNTHETIC Bærum demo: masks, lines and named areas every generator shares.

:func:`build_land` lays the public anchors of :mod:`arealanalyse.demo.anchors` on one grid: the
municipality outline, Marka, the farmland belts, the density and settlement level of every cell,
the main lines (E18, E16, railway, Fornebubanen, main roads) and the named areas. The generators
of :mod:`arealanalyse.demo.generate`, :mod:`~arealanalyse.demo.people`,
:mod:`~arealanalyse.demo.zoning`, :mod:`~arealanalyse.demo.plan` and
:mod:`~arealanalyse.demo.landcover` take the resulting :class:`Land`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity

from arealanalyse.demo import anchors as A
from arealanalyse.demo.fields import (
    LEVEL_MARKA,
    LEVEL_SUBURBAN,
    LEVEL_URBAN,
    Grid,
    density_field,
    level_field,
)

__all__ = ["CELL_M", "Land", "build_land", "ellipse", "named_areas", "to_line", "to_xy"]

#: Raster cell size of the DEM and noise rasters.
CELL_M = 25.0


@dataclass
class Land:
    """Land masks and vector anchors shared by the generators."""

    grid: Grid
    outline: shapely.MultiPolygon
    inside: np.ndarray
    marka: shapely.Geometry
    farm_belts: shapely.Geometry
    density: np.ndarray
    level: np.ndarray
    areas: gpd.GeoDataFrame
    lines: dict[str, shapely.Geometry]
    centres: list[tuple[str, float, float]]
    rng: np.random.Generator
    crs: str
    hospital: tuple[float, float] | None = None
    seed: int = 0

    def nearest_centre(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Name of the nearest centre of each point."""
        cx = np.array([c[1] for c in self.centres])
        cy = np.array([c[2] for c in self.centres])
        d = (np.asarray(x)[:, None] - cx[None, :]) ** 2 + (
            np.asarray(y)[:, None] - cy[None, :]
        ) ** 2
        names = np.array([c[0] for c in self.centres], dtype=object)
        return names[np.argmin(d, axis=1)]


def to_xy(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Project a lon/lat point to ``crs`` (metres)."""
    x, y = A.to_utm(lon, lat, crs)
    return float(x), float(y)


def to_line(coords: tuple[tuple[float, float], ...], crs: str) -> shapely.LineString:
    """Project a line through lon/lat vertices to ``crs``."""
    lon = np.array([c[0] for c in coords])
    lat = np.array([c[1] for c in coords])
    x, y = A.to_utm(lon, lat, crs)
    return shapely.LineString(np.round(np.column_stack([x, y]), 2))


def ellipse(x: float, y: float, hx: float, hy: float, angle: float) -> shapely.Polygon:
    """Draw an ellipse with half-axes ``hx``, ``hy`` (m), rotated by ``angle`` degrees."""
    circle = shapely.Point(x, y).buffer(1.0, quad_segs=16)
    return affinity.rotate(affinity.scale(circle, hx, hy), angle)


def build_land(seed: int, crs: str) -> Land:
    """Lay the land masks and anchors of one demo copy (``seed``) in ``crs``."""
    rng = np.random.default_rng(seed)
    outline = A.baerum_outline(crs)
    grid = Grid.around(outline.bounds, CELL_M, 1000.0)
    inside = grid.burn([outline])
    # Marka: north of the Marka edge, minus the Lommedalen valley, plus Kolsåstoppen's forest.
    edge = to_line(A.MARKA_EDGE, crs)
    ex = list(edge.coords)
    top = outline.bounds[3] + 5000
    north = shapely.Polygon(
        [
            *ex,
            (ex[-1][0] + 5000, ex[-1][1]),
            (ex[-1][0] + 5000, top),
            (ex[0][0] - 5000, top),
            (ex[0][0] - 5000, ex[0][1]),
        ]
    )
    valley = to_line(A.LOMMEDALEN_VALLEY[0], crs).buffer(A.LOMMEDALEN_VALLEY[1])
    kx, ky = to_xy(A.HILLS[0][0], A.HILLS[0][1], crs)
    kolsas_forest = ellipse(kx, ky, 650, 480, 20)
    marka = shapely.intersection(
        shapely.union(shapely.difference(north, valley), kolsas_forest), outline
    )
    belts = []
    for _name, lon, lat, hx, hy, ang in A.FARMLAND_BELTS:
        x, y = to_xy(lon, lat, crs)
        belts.append(ellipse(x, y, hx, hy, ang))
    farm_belts = shapely.difference(shapely.intersection(shapely.union_all(belts), outline), marka)
    centres = [(c.name, *to_xy(c.lon, c.lat, crs)) for c in A.CENTRES]
    density = density_field(
        grid, [(*to_xy(c.lon, c.lat, crs), c.peak, c.radius_m) for c in A.CENTRES]
    )
    marka_mask = grid.burn([marka])
    farm_mask = grid.burn([farm_belts])
    level = level_field(inside, marka_mask, farm_mask, density)
    lines = {
        "E18": to_line(A.E18, crs),
        "E16": to_line(A.E16, crs),
        "railway": to_line(A.RAILWAY, crs),
        "fornebubanen": to_line(tuple((s.lon, s.lat) for s in A.FORNEBU_LINE), crs),
    }
    for name, _cls, _ref, pts in A.MAIN_ROADS:
        lines[name] = to_line(pts, crs)
    areas = named_areas(outline, crs)
    business = grid.burn(
        list(areas.geometry[areas["area_type"].isin(["e18_corridor", "business_park"])])
    )
    level = np.where(business & (level >= LEVEL_SUBURBAN), LEVEL_URBAN, level)
    # Islands (Ostøya, Kalvøya, ...) have no bridges here: paths only, no homes.
    parts = sorted(outline.geoms, key=lambda p: -p.area)
    islands = grid.burn(parts[1:])
    level = np.where(islands & (level > 0), LEVEL_MARKA, level)
    land = Land(
        grid, outline, inside, marka, farm_belts, density, level, areas, lines, centres, rng, crs
    )
    land.seed = seed
    land.hospital = to_xy(10.5140, 59.9105, crs)  # Bærum sykehus (approximate)
    return land


def named_areas(outline: shapely.Geometry, crs: str) -> gpd.GeoDataFrame:
    """Draw the named business areas and centres, and a node disc around every station."""
    names, types, geoms, jobs, uses = [], [], [], [], []
    for a in A.NAMED_AREAS:
        x, y = to_xy(a.lon, a.lat, crs)
        names.append(a.name)
        types.append(a.area_type)
        geoms.append(ellipse(x, y, a.half_x_m, a.half_y_m, a.angle_deg))
        jobs.append(a.jobs)
        uses.append(a.use)
    for s in (*A.RAIL_STATIONS, *A.METRO_STATIONS, *A.FORNEBU_LINE):
        x, y = to_xy(s.lon, s.lat, crs)
        label = {"rail": f"{s.name} stasjon", "metro": f"{s.name} T"}[s.mode]
        if s.name.endswith(" T"):
            label = s.name
        if s.status == "planned":
            label += " (planlagt)"
        names.append(f"Knutepunkt {label}")
        types.append("node")
        geoms.append(shapely.Point(x, y).buffer(600.0 if s.mode == "rail" else 500.0, quad_segs=16))
        jobs.append(0.0)
        uses.append("")
    geo = shapely.set_precision(shapely.intersection(np.array(geoms), outline), 0.01)
    gdf = gpd.GeoDataFrame(
        {"name": names, "area_type": types, "jobs": jobs, "use": uses}, geometry=geo, crs=crs
    )
    gdf = gdf[~gdf.geometry.is_empty].reset_index(drop=True)
    gdf["area_daa"] = gdf.geometry.area / 1000.0
    return gdf
