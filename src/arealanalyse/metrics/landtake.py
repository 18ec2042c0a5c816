"""Land taken by development: farmland by AR5 class and green area, in daa."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import CrsError, MissingColumnError
from arealanalyse.layers.codes import AR5_FARMLAND

__all__ = ["land_take"]


def _overlap_daa(sites: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Area (daa) of each site covered by the union of ``other`` polygons."""
    out = np.zeros(len(sites))
    if len(other) == 0 or len(sites) == 0:
        return out
    tree = shapely.STRtree(other)
    s_i, o_i = tree.query(sites, predicate="intersects")
    for s in np.unique(s_i):
        cover = shapely.union_all(other[o_i[s_i == s]])
        out[s] = shapely.area(shapely.intersection(sites[s], cover)) / 1000.0
    return out


def land_take(
    sites: gpd.GeoDataFrame,
    farmland: gpd.GeoDataFrame | None,
    green: gpd.GeoDataFrame | None,
    /,
) -> pd.DataFrame:
    """Farmland (by AR5 class) and green area inside each development polygon, in daa.

    Overlapping farmland or green polygons are unioned first, so nothing is counted twice.

    Parameters
    ----------
    sites
        Development polygons (e.g. planned zoning, scenario sites).
    farmland
        Canonical ``farmland`` layer (column ``arealtype`` 21/22/23), or None.
    green
        Canonical ``green`` layer, or None.

    Returns
    -------
    DataFrame indexed like ``sites`` with ``farmland_21_daa``, ``farmland_22_daa``,
    ``farmland_23_daa``, ``farmland_daa`` and ``green_daa``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 100)], index=["s1"], crs=25832)
    >>> farm = gpd.GeoDataFrame({"arealtype": [21, 23]},
    ...     geometry=[box(50, 0, 150, 100), box(0, 0, 10, 10)], crs=25832)
    >>> green = gpd.GeoDataFrame(geometry=[box(-50, -50, 20, 20)], crs=25832)
    >>> land_take(sites, farm, green).loc["s1"].tolist()
    [5.0, 0.0, 0.1, 5.1, 0.4]
    """
    for name, layer in (("sites", sites), ("farmland", farmland), ("green", green)):
        if layer is not None and layer.crs is None:
            raise CrsError(f"Layer {name!r} has no CRS; set one (e.g. EPSG:25832) first.")
    geoms = np.asarray(sites.geometry.values, dtype=object)
    out: dict[str, np.ndarray] = {}
    if farmland is not None and len(farmland):
        if "arealtype" not in farmland.columns:
            raise MissingColumnError(
                "Layer 'farmland' has no 'arealtype' column; load it as kind 'farmland'."
            )
        farm = farmland.to_crs(sites.crs) if not farmland.crs.equals(sites.crs) else farmland
        codes = farm["arealtype"].astype(int).to_numpy()
        fgeoms = np.asarray(farm.geometry.values, dtype=object)
        for code in AR5_FARMLAND:
            out[f"farmland_{code}_daa"] = _overlap_daa(geoms, fgeoms[codes == code])
    else:
        for code in AR5_FARMLAND:
            out[f"farmland_{code}_daa"] = np.zeros(len(geoms))
    out["farmland_daa"] = np.sum([out[f"farmland_{c}_daa"] for c in AR5_FARMLAND], axis=0)
    if green is not None and len(green):
        g = green.to_crs(sites.crs) if not green.crs.equals(sites.crs) else green
        out["green_daa"] = _overlap_daa(geoms, np.asarray(g.geometry.values, dtype=object))
    else:
        out["green_daa"] = np.zeros(len(geoms))
    return pd.DataFrame(out, index=sites.index.copy()).round(6)
