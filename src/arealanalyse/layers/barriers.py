"""Barriers from OpenStreetMap: motorways, trunk roads and railways a pedestrian cannot cross.

A walk to a park does not cross the E18 or the railway except where a bridge or an underpass
takes it over or under; the walk network knows those crossings, but the straight *entry lines*
from the network into a green area (and its access links) do not. The ``barriers`` layer gives
those lines something to respect: ways tagged ``highway=motorway|motorway_link|trunk|trunk_link``
or ``railway=rail|light_rail|subway|narrow_gauge``, **minus** their bridges and tunnels
(``bridge=*`` or ``tunnel=*`` other than ``no``, or ``covered=yes``), where the way is not on
the ground. Trams run in the street and are not barriers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["BARRIER_TAGS", "osm_barriers"]

_RAILWAYS = ["rail", "light_rail", "subway", "narrow_gauge"]

#: The OSM tags queried for the ``barriers`` kind (osmnx ``tags`` / Overpass filters).
BARRIER_TAGS: dict[str, bool | list[str]] = {
    "highway": ["motorway", "motorway_link", "trunk", "trunk_link"],
    "railway": _RAILWAYS,
}


def _tag(features: pd.DataFrame, key: str) -> pd.Series:
    if key in features.columns:
        return features[key].astype("string").fillna("").astype(object)
    return pd.Series("", index=features.index, dtype=object)


def osm_barriers(features: gpd.GeoDataFrame, /) -> gpd.GeoDataFrame:
    """Barrier lines (``barrier_type``, ``name``) from OSM features with tag columns.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> line = LineString([(10.60, 59.90), (10.61, 59.90)])
    >>> f = gpd.GeoDataFrame({"highway": ["trunk", None, "trunk", "residential"],
    ...                       "railway": [None, "rail", None, None],
    ...                       "bridge": [None, None, "yes", None],
    ...                       "ref": ["E 18", None, "E 18", None]},
    ...                      geometry=[line] * 4, crs=4326)
    >>> osm_barriers(f)[["barrier_type", "name"]].values.tolist()
    [['trunk', 'E18'], ['railway', '']]
    """
    hw, rw = _tag(features, "highway"), _tag(features, "railway")
    raised = _tag(features, "bridge").isin(["", "no"]) & _tag(features, "tunnel").isin(["", "no"])
    on_ground = raised & (_tag(features, "covered") != "yes")
    kind = np.select(
        [
            hw.isin(["motorway", "motorway_link"]),
            hw.isin(["trunk", "trunk_link"]),
            rw.isin(_RAILWAYS),
        ],
        np.array(["motorway", "trunk", "railway"], dtype=object),
        default="",
    )
    lines = features.geometry.geom_type.isin(["LineString", "MultiLineString"])
    keep = (kind != "") & on_ground.to_numpy() & lines.to_numpy()
    name = _tag(features, "ref").where(_tag(features, "ref") != "", _tag(features, "name"))
    name = name.str.replace(r"\bE\s+(\d+)", r"E\1", regex=True)
    return gpd.GeoDataFrame(
        {"barrier_type": kind[keep], "name": name[keep].to_numpy()},
        geometry=features.geometry[keep].to_numpy(),
        index=features.index[keep],
        crs=features.crs,
    )
