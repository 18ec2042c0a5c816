"""Dwelling estimate for OpenStreetMap buildings (building type, footprint, levels).

Used by :mod:`arealanalyse.layers.osm` for the ``homes`` kind; documented with its measured
error in ``docs/data-sources.md``.
"""

from __future__ import annotations

import math
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import EmptyLayerError

__all__ = ["BUSINESS_TAGS", "DWELLING_RULES", "business_ground_floor", "estimate_dwellings"]

#: Dwelling rules per OSM ``building`` value: ``("fixed", n)`` dwellings per building,
#: ``("per_footprint", m2)`` one dwelling per ``m2`` of footprint (at least 2), or
#: ``("floor_area", default_levels)`` footprint × levels × efficiency / dwelling size.
#: Every other value (``yes``, ``garage``, ``commercial``, ``cabin``...) gives 0 dwellings.
DWELLING_RULES: dict[str, tuple[str, float]] = {
    "house": ("fixed", 1.0),
    "detached": ("fixed", 1.0),
    "bungalow": ("fixed", 1.0),
    "farm": ("fixed", 1.0),
    "semidetached_house": ("fixed", 2.0),
    "terrace": ("per_footprint", 60.0),
    "apartments": ("floor_area", 4.0),
    "residential": ("floor_area", 3.0),
    "dormitory": ("floor_area", 4.0),
}
_EFFICIENCY = 0.8  # share of gross floor area (BRA) that is inside dwellings
_DWELLING_BRA_M2 = 75.0  # mean dwelling size in m² BRA for blocks (boligblokk)

#: Street-level businesses (OSM tags): a block of flats that holds one, as a point inside its
#: footprint or as tags on the building itself, has no dwellings on its ground floor.
#: Offices, doctors and dentists are left out on purpose: they are as often on upper floors,
#: in what was built as a flat.
BUSINESS_TAGS: dict[str, bool | list[str]] = {
    "shop": True,
    "craft": True,
    "amenity": [
        "restaurant", "cafe", "bar", "pub", "fast_food", "ice_cream", "nightclub", "bank",
        "bureau_de_change", "pharmacy", "post_office",
    ],
}  # fmt: skip


def _first_number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    m = re.search(r"\d+(?:[.,]\d+)?", str(value))
    return float(m.group(0).replace(",", ".")) if m else None


def _business_mask(frame: pd.DataFrame) -> np.ndarray:
    mask = np.zeros(len(frame), dtype=bool)
    for key, values in BUSINESS_TAGS.items():
        if key not in frame.columns:
            continue
        col = frame[key]
        if values is True:
            mask |= (col.notna() & (col.astype("string") != "no")).to_numpy(dtype=bool)
        else:
            mask |= col.isin(values).to_numpy(dtype=bool)  # type: ignore[arg-type]
    return mask


def business_ground_floor(
    buildings: gpd.GeoDataFrame, /, *, pois: gpd.GeoDataFrame | None = None
) -> pd.Series:
    """Flag the buildings whose ground floor holds a street-level business.

    A building is flagged when it carries one of :data:`BUSINESS_TAGS` itself
    (``building=apartments`` + ``shop=bakery``) or when a point of ``pois`` carrying one lies
    inside its footprint (the usual OSM way: a shop node inside the building outline).

    Parameters
    ----------
    buildings
        Building polygons with their tag columns. Not modified.
    pois
        Points with tag columns (``shop``, ``craft``, ``amenity``), any CRS; rows without a
        business tag are ignored. ``None``: only the buildings' own tags count.

    Returns
    -------
    pandas.Series
        Boolean, indexed like ``buildings``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> b = gpd.GeoDataFrame({"building": ["apartments"] * 3, "shop": [None, None, "bakery"]},
    ...                      geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)],
    ...                      crs=25832)
    >>> p = gpd.GeoDataFrame({"amenity": ["cafe", "bench"]},
    ...                      geometry=[Point(5, 5), Point(25, 5)], crs=25832)
    >>> business_ground_floor(b, pois=p).tolist()
    [True, False, True]
    """
    flag = pd.Series(_business_mask(buildings), index=buildings.index, name="business")
    if pois is None or pois.empty or buildings.empty:
        return flag
    pts = pois[_business_mask(pois)]
    pts = pts[pts.geometry.notna() & (pts.geometry.geom_type == "Point")]
    if pts.empty:
        return flag
    if buildings.crs is not None and pts.crs is not None and not pts.crs.equals(buildings.crs):
        pts = pts.to_crs(buildings.crs)
    polys = gpd.GeoDataFrame(
        {"_i": np.arange(len(buildings))}, geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )  # fmt: skip
    hit = gpd.sjoin(gpd.GeoDataFrame(geometry=pts.geometry.to_numpy(), crs=pts.crs), polys,
                    how="inner", predicate="within")  # fmt: skip
    values = flag.to_numpy(copy=True)
    values[hit["_i"].to_numpy(dtype=int)] = True
    return pd.Series(values, index=buildings.index, name="business")


def estimate_dwellings(
    buildings: gpd.GeoDataFrame,
    /,
    *,
    efficiency: float = _EFFICIENCY,
    dwelling_bra_m2: float = _DWELLING_BRA_M2,
    ground_floor_business: pd.Series | None = None,
) -> pd.Series:
    """Estimate the number of dwellings in each OSM building.

    The rule, by the building's tags (first match wins):

    1. ``building:flats`` present and numeric → that number.
    2. ``building`` = ``house``, ``detached``, ``bungalow``, ``farm`` → 1;
       ``semidetached_house`` → 2.
    3. ``building=terrace`` (rekkehus) → footprint / 60 m² (one unit per 60 m² of footprint),
       at least 2.
    4. ``building`` = ``apartments``, ``residential``, ``dormitory`` → footprint (m²) ×
       levels × ``efficiency`` / ``dwelling_bra_m2``, at least 1. Levels are
       ``building:levels`` when present, else 4 (apartments, dormitory) or 3 (residential).
       Defaults: 80 % of gross floor area is dwelling floor area, 75 m² BRA per dwelling.
       A building flagged in ``ground_floor_business`` (a shop or café on the ground floor,
       see :func:`business_ground_floor`) counts one level less, if it has two or more.
    5. Anything else (``yes``, ``garage``, ``commercial``, ``cabin``, ``roof``...) → 0: a
       building of unknown use is not counted as a home.

    Footprints are measured in EPSG:25832. The estimate is a fallback for areas without
    matrikkel/SSB dwelling data; ``docs/data-sources.md`` records its measured error.

    Parameters
    ----------
    buildings
        OSM buildings with a ``building`` column and optional ``building:levels`` and
        ``building:flats`` columns (as ``ox.features_from_*`` returns them). Not modified.
    efficiency
        Share of gross floor area inside dwellings.
    dwelling_bra_m2
        Mean dwelling size (m² BRA) for blocks.
    ground_floor_business
        Boolean per building (indexed like ``buildings``): its ground floor holds a business.
        ``None`` (default): no building is flagged.

    Returns
    -------
    pandas.Series
        Estimated dwellings (float), indexed like ``buildings``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame(
    ...     {"building": ["house", "apartments", "garage", "yes"],
    ...      "building:levels": [None, "5", None, None],
    ...      "building:flats": [None, None, None, "3"]},
    ...     geometry=[box(0, 0, 10, 10), box(0, 0, 30, 25), box(0, 0, 5, 5), box(0, 0, 9, 9)],
    ...     crs=25832)
    >>> estimate_dwellings(b).round(1).tolist()  # 30 x 25 m x 5 levels x 0.8 / 75 m² = 40
    [1.0, 40.0, 0.0, 3.0]
    """
    if "building" not in buildings.columns:
        raise EmptyLayerError("OSM buildings have no 'building' column; are they OSM buildings?")
    geoms = buildings.geometry
    if buildings.crs is not None and not buildings.crs.equals("EPSG:25832"):
        geoms = geoms.to_crs(25832)
    footprint = geoms.area.to_numpy()
    btype = buildings["building"].astype("string").fillna("").to_numpy()
    levels_col = buildings.get("building:levels")
    flats_col = buildings.get("building:flats")
    business = (
        np.zeros(len(buildings), dtype=bool)
        if ground_floor_business is None
        else ground_floor_business.reindex(buildings.index).fillna(False).to_numpy(dtype=bool)
    )
    out = np.zeros(len(buildings), dtype="float64")
    for i in range(len(buildings)):
        flats = _first_number(flats_col.iloc[i]) if flats_col is not None else None
        if flats is not None:
            out[i] = flats
            continue
        rule = DWELLING_RULES.get(str(btype[i]))
        if rule is None:
            continue
        how, par = rule
        if how == "fixed":
            out[i] = par
        elif how == "per_footprint":
            out[i] = max(2.0, round(footprint[i] / par))
        else:
            lv = _first_number(levels_col.iloc[i]) if levels_col is not None else None
            levels = lv if lv is not None and lv > 0 else par
            if business[i] and levels >= 2:
                levels -= 1
            out[i] = max(1.0, footprint[i] * levels * efficiency / dwelling_bra_m2)
    return pd.Series(out, index=buildings.index, name="dwellings")
