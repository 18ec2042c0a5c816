"""The arealreserve: land set aside for building (utbyggingsformål) that is not yet built.

KDD's guide (*Arealregnskap i kommuneplan*, 2023, chapter 4) defines the reserve as areas set
aside for building but not built; fortetting and transformasjon inside built land are not
reserve. The guide leaves the GIS rule to the municipality; this module uses NINA/Agder's
(NINA Rapport 2310, ``NINAnor/planlagt_utbygging_norge``), with every number a setting:

1. **Built land** in a plan area is AR5 bebygd (11) and samferdsel (12), plus land within
   ``building_buffer_existing_m`` (existing, nåværende areas) or ``building_buffer_planned_m``
   (planned, framtidig areas) of a building (``buildings`` layer, footprints or points). Buffers
   are round with four segments per quarter circle.
2. **Unbuilt** is the rest of the area, minus strips narrower than ``reserve_min_width_m`` (a
   morphological opening: buffer −w/2 then +w/2 with round joins, four segments per quarter
   circle, kept inside the unbuilt land) and minus pieces smaller than ``reserve_min_area_m2``.

The reserve is computed per plan area of a development category (:data:`DEVELOPMENT_CATEGORIES`)
and returned as polygons; the arealregnskap splits its planar overlay by them.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.arealregnskap.overlay import TILE_M, Tiles, clip_to_boxes, polygonal
from arealanalyse.layers.codes import AR5_BUILT, AREALFORMAL
from arealanalyse.settings import Settings, resolve

__all__ = ["DEVELOPMENT_CATEGORIES", "QUAD_SEGS", "BuiltLand", "is_development", "reserve_areas"]

#: Arealformål categories that are utbyggingsformål: bebyggelse og anlegg (PBL § 11-7 nr. 1,
#: except the green ones, 1600 uteoppholdsareal and 1700 grav- og urnelund) and samferdsel
#: (nr. 2). LNFR with spredt bebyggelse (5200) is not.
DEVELOPMENT_CATEGORIES: Final[tuple[str, ...]] = (
    "bolig", "fritid", "sentrum", "handel", "naering", "kombinert", "offentlig", "idrett",
    "bebyggelse", "samferdsel",
)  # fmt: skip

#: Segments per quarter circle of the buffers (GEOS ``quad_segs``; NINA/Agder's FME workspace
#: buffers with 22.5° arcs, i.e. four segments per quarter circle).
QUAD_SEGS: Final[int] = 4


def is_development(codes: pd.Series | np.ndarray, /) -> np.ndarray:
    """Whether each SOSI arealformål code is an utbyggingsformål (0 = outside the plan: no).

    Examples
    --------
    >>> is_development([1110, 5100, 2010, 3050, 0]).tolist()
    [True, False, True, False, False]
    """
    cats = [AREALFORMAL.get(int(c), ("", ""))[1] for c in np.asarray(codes)]
    return np.array([c in DEVELOPMENT_CATEGORIES for c in cats], dtype=bool)


class BuiltLand:
    """Built land of the rule (AR5 11/12 and buffered buildings), dissolved box by box.

    :meth:`within` unions the built land meeting a box (the AR5 polygons clipped to it, the
    building buffers whole) and clips the result: small unions, never one huge polygon. Results
    are cached, so one object serves both plans of an arealregnskap.
    """

    def __init__(
        self,
        *,
        ar5: gpd.GeoDataFrame | None,
        buildings: gpd.GeoDataFrame | None,
        settings: Settings | None = None,
    ) -> None:
        s = resolve(settings)
        built_ar5 = np.array([], dtype=object)
        if ar5 is not None and len(ar5):
            mask = ar5["arealtype"].isin(AR5_BUILT).to_numpy()
            built_ar5 = np.asarray(ar5.geometry.values[mask], dtype=object)
        bld = np.array([], dtype=object)
        if buildings is not None and len(buildings):
            bld = np.asarray(buildings.geometry.values, dtype=object)
        radius = {"existing": s.building_buffer_existing_m, "planned": s.building_buffer_planned_m}
        self._ar5 = built_ar5
        self._ar5_tree = shapely.STRtree(built_ar5) if len(built_ar5) else None
        self._buffers = {k: _buffered(bld, r) for k, r in radius.items()}
        self._trees = {k: shapely.STRtree(v) if len(v) else None for k, v in self._buffers.items()}
        self._cache: dict[tuple[tuple[float, ...], str], shapely.Geometry] = {}

    def within(self, box: shapely.Geometry, status: str) -> shapely.Geometry:
        """Built land inside ``box`` for plan areas of ``status`` (``existing``/``planned``)."""
        key = (tuple(round(v, 6) for v in box.bounds), status)
        if key not in self._cache:
            parts: list[shapely.Geometry] = []
            if self._ar5_tree is not None:
                cands = self._ar5[self._ar5_tree.query(box, predicate="intersects")]
                parts.extend(shapely.intersection(cands, box))
            tree = self._trees[status]
            if tree is not None:
                parts.extend(self._buffers[status][tree.query(box, predicate="intersects")])
            if parts:
                union = shapely.union_all(np.asarray(parts, dtype=object))
                self._cache[key] = polygonal(shapely.intersection(union, box))
            else:
                self._cache[key] = shapely.Polygon()
        return self._cache[key]


def reserve_areas(
    plan: gpd.GeoDataFrame,
    /,
    *,
    ar5: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    settings: Settings | None = None,
    built: BuiltLand | None = None,
    tile_m: float = TILE_M,
) -> gpd.GeoDataFrame:
    """Return the unbuilt land (arealreserve) of every development area of ``plan``.

    The rule is applied tile by tile (``tile_m``), each tile with a margin of the minimum width,
    so the opening is exact at tile edges; a plan area's pieces are then merged and pieces
    smaller than the minimum area dropped. The result is the same as applying the rule to each
    plan area as a whole.

    Parameters
    ----------
    plan
        A planar ``zoning`` layer (``arealformal``, ``status``), in the working CRS.
    ar5
        Full-coverage AR5 (``arealtype``); classes 11 and 12 are built. May be None.
    buildings
        Building footprints or points. May be None.
    settings
        Buffers, minimum width and area of the rule.
    built
        A :class:`BuiltLand` to share between plans (built from ``ar5`` and ``buildings``
        when not given).
    tile_m
        Tile size of the computation (does not change the result).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per reserve piece: ``plan_pos`` (position of its plan area in ``plan``),
        ``area_m2`` and the geometry. Pieces of different plan areas never overlap.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> plan = gpd.GeoDataFrame({"arealformal": [1110], "status": ["existing"]},
    ...                         geometry=[box(0, 0, 100, 100)], crs=25832)
    >>> ar5 = gpd.GeoDataFrame({"arealtype": [11, 30]},
    ...                        geometry=[box(0, 0, 50, 100), box(50, 0, 100, 100)], crs=25832)
    >>> no_opening = Settings(reserve_min_width_m=0)
    >>> r = reserve_areas(plan, ar5=ar5, buildings=None, settings=no_opening)
    >>> r[["plan_pos", "area_m2"]].to_dict("records")
    [{'plan_pos': 0, 'area_m2': 5000.0}]

    The opening rounds the corners of the unbuilt land (15 m wide: 7.5 m radius):

    >>> round(float(reserve_areas(plan, ar5=ar5, buildings=None)["area_m2"].sum()), 1)
    4947.2
    """
    s = resolve(settings)
    dev_pos = np.flatnonzero(is_development(plan["arealformal"].to_numpy()))
    empty = gpd.GeoDataFrame(
        {"plan_pos": pd.Series(dtype="int64"), "area_m2": pd.Series(dtype="float64")},
        geometry=gpd.GeoSeries([], crs=plan.crs),
        crs=plan.crs,
    )
    if len(dev_pos) == 0:
        return empty
    if built is None:
        built = BuiltLand(ar5=ar5, buildings=buildings, settings=s)
    half = s.reserve_min_width_m / 2.0
    margin = s.reserve_min_width_m + 1.0
    geoms = np.asarray(plan.geometry.values, dtype=object)
    status = np.where(plan["status"].astype(str).to_numpy() == "planned", "planned", "existing")
    dev_geoms = geoms[dev_pos]
    tiles = Tiles.covering(shapely.total_bounds(dev_geoms), size=tile_m)
    di, ti = tiles.tree().query(dev_geoms, predicate="intersects")
    cores_pos: list[int] = []
    cores: list[shapely.Geometry] = []
    grow = np.array([-margin, -margin, margin, margin])
    bigs = shapely.box(*(shapely.bounds(tiles.boxes) + grow).T)
    pieces = clip_to_boxes(dev_geoms[di], bigs[ti])
    for t in np.unique(ti):
        tile, big = tiles.boxes[t], bigs[t]
        for j in np.flatnonzero(ti == t):
            pos, piece = int(dev_pos[di[j]]), pieces[j]
            if piece.is_empty:
                continue
            free = polygonal(shapely.difference(piece, built.within(big, str(status[pos]))))
            if half > 0 and not free.is_empty:
                opened = shapely.buffer(free, -half, quad_segs=QUAD_SEGS)
                opened = shapely.buffer(opened, half, quad_segs=QUAD_SEGS)
                free = polygonal(shapely.intersection(opened, free))
            core = polygonal(shapely.intersection(free, tile))
            if not core.is_empty and core.area > 0:
                cores_pos.append(pos)
                cores.append(core)
    if not cores:
        return empty
    out_pos: list[int] = []
    out_geom: list[shapely.Geometry] = []
    cpos = np.asarray(cores_pos)
    carr = np.asarray(cores, dtype=object)
    for pos in np.unique(cpos):
        merged = polygonal(shapely.union_all(carr[cpos == pos]))
        for part in shapely.get_parts(merged):
            if not part.is_empty and part.area >= max(s.reserve_min_area_m2, 1e-9):
                out_pos.append(int(pos))
                out_geom.append(part)
    if not out_geom:
        return empty
    geo = np.asarray(out_geom, dtype=object)
    return gpd.GeoDataFrame(
        {"plan_pos": np.asarray(out_pos, dtype="int64"), "area_m2": shapely.area(geo)},
        geometry=geo,
        crs=plan.crs,
    )


def _buffered(geoms: np.ndarray, distance_m: float) -> np.ndarray:
    if len(geoms) == 0:
        return geoms
    if distance_m <= 0:
        return np.asarray([g for g in geoms if shapely.get_dimensions(g) == 2], dtype=object)
    return shapely.buffer(geoms, distance_m, quad_segs=QUAD_SEGS)
