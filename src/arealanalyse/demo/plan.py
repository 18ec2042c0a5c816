"""The SYNTHETIC demo's revised kommuneplan (KPA 2026 proposal) for the arealregnskap.

The proposal is the current demo zoning with seven invented changes, each a named area painted
over the current plan. Together they exercise every part of the samlet arealregnskap (KDD 2023,
chapter 5) and the KOSTRA pre-check:

* ``E1`` new housing on fully cultivated farmland at Bjørnegård (jordvern),
* ``E2`` apartment blocks instead of houses in the strandsone at Høvik, over a naturtype
  (strandeng),
* ``E3`` new business land in the forest (LNFR) north of Skui, partly in a quick-clay zone,
* ``E4`` the planned housing at Tanum returned to LNFR (tilbakeføring, a jordvern gain),
* ``E5`` transformation of Sandvika – Industriveien from næring to kombinert formål,
* ``E6`` densification around Bekkestua: boligbebyggelse to blokkbebyggelse,
* ``E7`` a new park at Fornebu, on land that was business land,
* ``E8`` new fritidsbebyggelse on Ostøya, in the strandsone of an island zoned for friluftsliv.

Written by ``arealanalyse demo build`` as ``<name>-kpa-2026.gpkg`` next to the demo GeoPackage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from shapely import affinity

from arealanalyse.demo import anchors as A
from arealanalyse.layers.codes import AREALFORMAL

if TYPE_CHECKING:
    from arealanalyse.demo.land import Land

__all__ = ["CHANGES", "PLAN_ID", "Change", "revised_plan"]

#: Plan id (planidentifikasjon) of the synthetic proposal.
PLAN_ID = "SYNTETISK-KPA-2026"


@dataclass(frozen=True)
class Change:
    """One change of the proposal: inside the area, ``from_codes`` (all when empty) become ``to``.

    ``coast`` places the area at the nearest shore of the nearest island or mainland, centred
    ``inland_m`` inland.
    """

    id: str
    name: str
    lon: float
    lat: float
    radius_m: float
    to: int
    status: str = "planned"
    from_codes: tuple[int, ...] = ()
    coast: bool = False
    inland_m: float = 0.0
    aspect: float = 1.0


CHANGES: tuple[Change, ...] = (
    Change("E1", "Bjørnegård vest (ny bolig)", 10.4905, 59.9000, 230.0, 1112),
    Change(
        "E2",
        "Høvik strand (ny blokkbebyggelse)",
        10.5860,
        59.8985,
        170.0,
        1113,
        coast=True,
        inland_m=90.0,
    ),
    Change("E3", "Skui nord (nytt næringsareal)", 10.4540, 59.9385, 260.0, 1300, aspect=0.7),
    Change(
        "E4",
        "Tanum (tilbakeført til LNFR)",
        10.4750,
        59.9030,
        260.0,
        5100,
        status="existing",
        from_codes=(1110,),
    ),
    Change(
        "E5",
        "Sandvika – Industriveien (transformasjon)",
        10.5150,
        59.8890,
        330.0,
        1800,
        from_codes=(1300,),
        aspect=0.5,
    ),
    Change(
        "E6",
        "Bekkestua (fortetting)",
        10.5880,
        59.9175,
        330.0,
        1113,
        from_codes=(1110,),
    ),
    Change("E7", "Fornebu park", 10.6230, 59.9000, 150.0, 3050, status="existing"),
    Change(
        "E8",
        "Ostøya (ny fritidsbebyggelse)",
        10.5705,
        59.8725,
        110.0,
        1120,
        from_codes=(5130,),
        coast=True,
        inland_m=70.0,
    ),
)


def _area(change: Change, land: Land) -> shapely.Geometry:
    x, y = A.to_utm(change.lon, change.lat, land.crs)
    centre = shapely.Point(float(x), float(y))
    if change.coast:
        parts = list(land.outline.geoms)
        part = min(parts, key=lambda p: p.distance(centre))  # the island or the mainland
        shore = shapely.ops.nearest_points(part.boundary, centre)[0]
        inside = part.representative_point()
        # step inland from the shore along the line towards the study area's interior point
        dx, dy = inside.x - shore.x, inside.y - shore.y
        norm = float(np.hypot(dx, dy)) or 1.0
        centre = shapely.Point(
            shore.x + dx / norm * change.inland_m, shore.y + dy / norm * change.inland_m
        )
    circle = centre.buffer(change.radius_m, quad_segs=16)
    return affinity.scale(circle, 1.0, change.aspect)


def revised_plan(land: Land, zoning: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the revised plan: the current zoning with :data:`CHANGES` painted over it.

    Columns are the canonical ``zoning`` columns plus ``change_id`` (empty where unchanged).
    """
    codes = zoning["arealformal"].to_numpy(dtype=np.int64).copy()
    status = zoning["status"].to_numpy(dtype=object).copy()
    names = zoning["name"].to_numpy(dtype=object).copy()
    change_ids = np.full(len(zoning), "", dtype=object)
    # Floating precision (see landcover.ar5_layer): halves that fit as stored in the file.
    geoms = shapely.set_precision(zoning.geometry.to_numpy(), 0.0)
    for change in CHANGES:
        area = shapely.intersection(_area(change, land), land.outline)
        hit = shapely.intersects(geoms, area)
        if change.from_codes:
            hit &= np.isin(codes, change.from_codes)
        if change.id == "E4":  # only the planned housing is returned to LNFR
            hit &= status == "planned"
        idx = np.flatnonzero(hit)
        # No re-snapping: the two halves of an area share their new edge exactly.
        inside = shapely.intersection(geoms[idx], area)
        outside = shapely.difference(geoms[idx], area)
        keep_out = ~shapely.is_empty(outside) & (shapely.area(outside) > 0.5)
        keep_in = ~shapely.is_empty(inside) & (shapely.area(inside) > 0.5)
        geoms[idx] = np.where(keep_out, outside, None)
        new_geoms = inside[keep_in]
        n = len(new_geoms)
        geoms = np.concatenate([geoms, new_geoms])
        codes = np.concatenate([codes, np.full(n, change.to, dtype=np.int64)])
        status = np.concatenate([status, np.full(n, change.status, dtype=object)])
        names = np.concatenate([names, np.full(n, change.name, dtype=object)])
        change_ids = np.concatenate([change_ids, np.full(n, change.id, dtype=object)])
        keep = np.array([g is not None for g in geoms])
        geoms, codes, status = geoms[keep], codes[keep], status[keep]
        names, change_ids = names[keep], change_ids[keep]
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    ok = ~shapely.is_empty(geoms)
    geoms, codes, status, names, change_ids = (
        geoms[ok], codes[ok], status[ok], names[ok], change_ids[ok]
    )  # fmt: skip
    return gpd.GeoDataFrame(
        {
            "arealformal": codes,
            "status": status,
            "plan_id": PLAN_ID,
            "name": names,
            "arealformal_navn": [AREALFORMAL[int(c)][0] for c in codes],
            "category": [AREALFORMAL[int(c)][1] for c in codes],
            "area_daa": np.round(shapely.area(geoms) / 1000.0, 3),
            "change_id": change_ids,
        },
        geometry=geoms,
        crs=zoning.crs,
    )


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 0.5]
    if not parts:
        return shapely.Polygon()
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
