"""Catchments of transit stops on the walk network, for maps and QGIS.

:func:`node_walk_areas` gives the walk area (``Settings.service_distance_m`` along the network)
of each open transit node; :func:`oev_class_areas` one polygon per ÖV-Güteklasse A-F.

Each station category reaches its class distances (``TransitSettings.oev_classes``, e.g.
category I: A within 500 m, B within 750 m, C within 1,000 m) along the walk network, not as the
crow flies; a better class is cut out of a worse one, as GOAT does
(``create_difference_between_steps`` in plan4better/goat ``crud_oev_gueteklasse.py``).

The reached street pieces (one bounded search per category) are marked in a grid of ``cell_m``
cells, widened by ``buffer_m`` on each side and traced back into polygons: a union of tens of
thousands of street buffers would take a minute, the grid a second. The polygons are for maps;
every number (the class of each home, site and job) comes from exact network distances.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from rasterio import features
from rasterio.transform import from_origin
from scipy import ndimage

from arealanalyse.layers.codes import NODE_MODES
from arealanalyse.network import WalkNetwork
from arealanalyse.network.service import reach_pieces, service_areas
from arealanalyse.settings import Settings, resolve

__all__ = ["node_walk_areas", "oev_class_areas"]

CLASSES = ("A", "B", "C", "D", "E", "F")


def node_walk_areas(
    transit: gpd.GeoDataFrame | None,
    net: WalkNetwork | None,
    /,
    *,
    settings: Settings | None = None,
) -> gpd.GeoSeries | None:
    """Walk areas (``settings.service_distance_m`` along the network) around open transit nodes.

    Nodes are the existing stops of :data:`~arealanalyse.layers.codes.NODE_MODES` (rail, metro,
    tram, ferry; planned stations are not open yet); a study area with none of those gets the
    walk areas of its existing bus stops instead. Returns a GeoSeries indexed like the chosen
    stops, or None when there is nothing to draw (no stops or no network).
    """
    if transit is None or net is None or len(transit) == 0:
        return None
    open_ = transit[transit["status"] == "existing"]
    nodes = open_[open_["mode"].isin(NODE_MODES)]
    if nodes.empty:
        nodes = open_
    if nodes.empty:
        return None
    return service_areas(net, nodes, distance_m=resolve(settings).service_distance_m)


#: Most grid cells used; a larger study area gets coarser cells.
MAX_CELLS = 16_000_000


def oev_class_areas(
    service: gpd.GeoDataFrame,
    net: WalkNetwork,
    /,
    *,
    settings: Settings | None = None,
    buffer_m: float = 30.0,
    cell_m: float = 10.0,
) -> gpd.GeoDataFrame:
    """Polygons of the ÖV-Güteklassen A-F around the stop places of ``service``.

    Parameters
    ----------
    service
        Stop places with ``oev_category`` (:func:`arealanalyse.transit.service_levels`).
    net
        The walk network.
    settings
        ``settings.transit.oev_classes`` and ``max_snap_m``.
    buffer_m
        Half-width of the reached street corridors.
    cell_m
        Grid cell size for tracing the polygons (coarser for very large areas).

    Returns
    -------
    geopandas.GeoDataFrame
        ``oev_class`` (A-F; classes nobody reaches are left out), ``area_daa``, geometry in the
        network's CRS; no two classes overlap.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (3000, 0)])], crs=25832))
    >>> stop = gpd.GeoDataFrame({"oev_category": [1]}, geometry=[Point(0, 0)], crs=25832)
    >>> areas = oev_class_areas(stop, net, buffer_m=20)
    >>> [(c, round(g.bounds[2], -2)) for c, g in zip(areas["oev_class"], areas.geometry)]
    [('A', 500.0), ('B', 800.0), ('C', 1000.0)]
    """
    s = resolve(settings)
    classes = s.transit.oev_classes
    svc = service.to_crs(net.crs)
    cats = svc["oev_category"].to_numpy()
    pieces: dict[tuple[int, float], list[shapely.Geometry]] = {}
    for cat in sorted(set(cats.tolist()) - {0}):
        table = classes.get(int(cat), {})
        if table:
            found = reach_pieces(net, svc.loc[cats == cat], distances_m=list(table), settings=s)
            for d, parts in found.items():
                pieces[(int(cat), d)] = parts
    # every vertex of the pieces, densified to half a cell, as grid cells
    coords: dict[tuple[int, float], np.ndarray] = {}
    for key, parts in pieces.items():
        if parts:
            dense = shapely.segmentize(np.asarray(parts, dtype=object), cell_m / 2.0)
            coords[key] = shapely.get_coordinates(dense)
    empty = gpd.GeoDataFrame({"oev_class": [], "area_daa": []}, geometry=[], crs=net.crs)
    if not coords:
        return empty
    allxy = np.concatenate(list(coords.values()))
    pad = buffer_m + 2 * cell_m
    x0, y0 = allxy.min(axis=0) - pad
    x1, y1 = allxy.max(axis=0) + pad
    cell = max(cell_m, float(np.sqrt((x1 - x0) * (y1 - y0) / MAX_CELLS)))
    width, height = int(np.ceil((x1 - x0) / cell)), int(np.ceil((y1 - y0) / cell))
    transform = from_origin(x0, y1, cell, cell)
    r = int(np.ceil(buffer_m / cell))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    disk = (xx**2 + yy**2) <= (buffer_m / cell) ** 2 + 0.5
    grid = np.zeros((height, width), dtype=np.uint8)  # 0 none, k = CLASSES[k - 1]
    for k, letter in enumerate(CLASSES, start=1):
        parts_xy = []
        for cat in sorted({c for c, _ in coords}):
            ok = [d for d, cls in classes[cat].items() if cls <= letter]
            if ok and (cat, float(max(ok))) in coords:
                parts_xy.append(coords[(cat, float(max(ok)))])
        if not parts_xy:
            continue
        xy = np.concatenate(parts_xy)
        col = ((xy[:, 0] - x0) / cell).astype(np.int64)
        row = ((y1 - xy[:, 1]) / cell).astype(np.int64)
        burnt = np.zeros((height, width), dtype=bool)
        burnt[row, col] = True
        reached = ndimage.binary_dilation(burnt, structure=disk)
        grid[reached & (grid == 0)] = k
    rows, geoms = [], []
    for k, letter in enumerate(CLASSES, start=1):
        if not (grid == k).any():
            continue
        polys = [
            shapely.geometry.shape(geom)
            for geom, value in features.shapes(grid, mask=grid == k, transform=transform)
            if value == k
        ]
        geom = shapely.make_valid(shapely.union_all(polys))
        rows.append({"oev_class": letter, "area_daa": round(geom.area / 1000.0, 3)})
        geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=net.crs) if rows else empty
