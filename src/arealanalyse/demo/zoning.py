"""Zoning (kommuneplanens arealdel) of the SYNTHETIC demo in SOSI arealformål codes.

A raster of arealformål codes is painted in priority order, consistent with the other layers
(LNFR 5100 over Marka and the farmland belts, næring 1300 over the E18-corridor areas and business
parks, sentrum 1130 in the centres, grønnstruktur over the green areas, offentlig 1160 around
schools and care homes, LNFR friluftsformål 5130 on the islands, samferdsel along E18/E16 and the
railway, bolig 1110 elsewhere) and then
polygonised and clipped to the real outline. A few areas are *planned* (framtidig): kombinert
bebyggelse around the planned Fornebubanen stations, and new bolig and næring on farmland (so that
jordvern rules have something to find).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import rasterio.features
import shapely

from arealanalyse.demo import anchors as A
from arealanalyse.layers.codes import AREALFORMAL

if TYPE_CHECKING:
    from arealanalyse.demo.land import Land

__all__ = ["PLOT_RADIUS_M", "PUBLIC_PLOTS", "zoning_layer"]

#: Services that get their own plot zoned offentlig tjenesteyting (1160), free of homes.
PUBLIC_PLOTS = ("school", "elderly_care")
#: Radius of such a plot (~11 daa).
PLOT_RADIUS_M = 60.0

_GREEN_CODE = {
    "park": 3050,
    "friluft": 3040,
    "nature": 3040,
    "sports_field": 1400,
    "cemetery": 1700,
    "playground": 3001,
}


def zoning_layer(
    land: Land, green: gpd.GeoDataFrame, services: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Polygonised arealformål zoning with ``status`` existing/planned."""
    grid = land.grid
    code = np.zeros(grid.shape, dtype=np.int32)
    planned = np.zeros(grid.shape, dtype=bool)
    code[land.inside] = 1110
    code[grid.burn([land.farm_belts])] = 5100
    code[grid.burn([land.marka])] = 5100
    small = green[(green["green_type"] != "forest") & (green["area_daa"] >= 5.0)]
    for gtype, c in _GREEN_CODE.items():
        m = grid.burn(list(small.geometry[small["green_type"] == gtype]))
        code[m & land.inside] = c
    public = services[services["category"].isin(PUBLIC_PLOTS)]
    code[grid.burn(list(public.geometry.buffer(PLOT_RADIUS_M))) & land.inside] = 1160
    areas = land.areas
    for area_type, c in (("centre", 1130), ("business_park", 1300), ("e18_corridor", 1300)):
        m = grid.burn(list(areas.geometry[areas["area_type"] == area_type]))
        code[m & land.inside] = c
    lys = grid.burn(list(areas.geometry[areas["name"].isin(["Lysaker", "Fornebu nord"])]))
    code[lys & land.inside & (land.density >= 0.45)] = 1800
    # Planned: kombinert around the Fornebubanen stations, bolig and næring on farmland.
    for s in A.FORNEBU_LINE[1:]:
        x, y = A.to_utm(s.lon, s.lat, land.crs)
        m = grid.burn([shapely.Point(float(x), float(y)).buffer(260.0)])
        sel = m & land.inside & np.isin(code, [1110, 1300, 1800])
        code[sel] = 1800
        planned[sel] = True
    for name, lon, lat, r, c in (
        ("Gjettum", 10.5420, 59.9180, 240.0, 1110),
        ("Skui", 10.4560, 59.9255, 260.0, 1300),
        ("Tanum", 10.4750, 59.9030, 220.0, 1110),
    ):
        x, y = A.to_utm(lon, lat, land.crs)
        m = grid.burn([shapely.Point(float(x), float(y)).buffer(r)])
        sel = m & land.inside
        code[sel] = c
        planned[sel] = True
        _ = name
    # The islands (Ostøya, Kalvøya, ...) have no homes: friluftsformål in LNFR.
    islands = sorted(land.outline.geoms, key=lambda p: -p.area)[1:]
    code[grid.burn(islands) & land.inside & (code == 1110)] = 5130
    for line, width, c in (("E18", 30.0, 2010), ("E16", 25.0, 2010), ("railway", 20.0, 2020)):
        m = grid.burn([land.lines[line].buffer(width)])
        code[m & land.inside] = c
    key = code * 2 + planned.astype(np.int32)
    shapes = rasterio.features.shapes(
        key, mask=land.inside & (code > 0), transform=grid.transform, connectivity=4
    )
    geoms, keys = [], []
    for geo, val in shapes:
        geoms.append(shapely.geometry.shape(geo))
        keys.append(int(val))
    geo = shapely.set_precision(
        shapely.intersection(np.array(geoms, dtype=object), land.outline), 0.01
    )
    kv = np.array(keys)
    keep = ~shapely.is_empty(geo) & (shapely.area(geo) > 50.0)
    geo, kv = geo[keep], kv[keep]
    polys = np.array([shapely.get_dimensions(g) == 2 for g in geo])
    geo, kv = geo[polys], kv[polys]
    geo = np.array([_polygonal(g) for g in geo], dtype=object)
    codes = kv // 2
    status = np.where(kv % 2 == 1, "planned", "existing")
    order = np.lexsort(
        (shapely.get_y(shapely.centroid(geo)), shapely.get_x(shapely.centroid(geo)), codes)
    )
    geo, codes, status = geo[order], codes[order], status[order]
    return gpd.GeoDataFrame(
        {
            "arealformal": codes.astype("int64"),
            "status": status,
            "plan_id": "SYNTETISK-KPA",
            "name": "",
            "arealformal_navn": [AREALFORMAL[int(c)][0] for c in codes],
            "category": [AREALFORMAL[int(c)][1] for c in codes],
            "area_daa": np.round(shapely.area(geo) / 1000.0, 3),
        },
        geometry=geo,
        crs=land.crs,
    )


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts of a clipped geometry."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
