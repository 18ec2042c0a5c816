"""Points on the walk network: one point per feature, the CRS check, and where points snapped.

:class:`Snap` is what :func:`arealanalyse.network.snap_points` returns (edge, position along it,
access distance); :func:`point_geometries` turns any layer into one point per feature (polygons:
a representative point), the shape every search starts from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import numpy as np
import shapely

from arealanalyse.errors import CrsError, GeometryError
from arealanalyse.network.nearest import Geometries

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = ["Points", "Snap", "check_crs", "point_geometries"]

#: Point geometries (other geometries stand for their representative point): a GeoSeries, an
#: object array or a sequence of shapely geometries.
Points: TypeAlias = gpd.GeoSeries | Geometries

_FloatArray = np.ndarray[Any, np.dtype[np.float64]]
_IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Snap:
    """Points placed on the network: edge id, position along it from ``u`` and access distance.

    ``edge`` is ``-1`` for points farther than the snap limit from every edge ("not reached").
    """

    edge: _IntArray
    pos_m: _FloatArray
    access_m: _FloatArray
    xy: np.ndarray | None = None  # the snapped points' coordinates (NaN where not reached)

    @property
    def reached(self) -> np.ndarray:
        """Boolean mask of points that were snapped."""
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, idx: np.ndarray) -> Snap:
        """Return the snaps of the points at positions ``idx``."""
        xy = None if self.xy is None else self.xy[idx]
        return Snap(self.edge[idx], self.pos_m[idx], self.access_m[idx], xy)


def point_geometries(geoms: Points, /, *, name: str = "points") -> np.ndarray:
    """Return one point per feature: points as they are, other geometries' representative point.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> [p.wkt for p in point_geometries([Point(1, 2), box(0, 0, 2, 2)])]
    ['POINT (1 2)', 'POINT (1 1)']
    """
    arr = np.asarray(geoms.values if isinstance(geoms, gpd.GeoSeries) else geoms, dtype=object)
    if len(arr) and (shapely.is_missing(arr) | shapely.is_empty(arr)).any():
        raise GeometryError(
            f"Layer {name!r} has missing or empty geometries; drop them or load the layer through "
            "arealanalyse.layers (which reports them)."
        )
    types = shapely.get_type_id(arr)
    out = arr.copy()
    other = types != 0
    if other.any():
        out[other] = shapely.point_on_surface(arr[other])
    return out


def check_crs(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries, name: str, crs: CRS | str | int | None
) -> None:
    """Raise :class:`~arealanalyse.errors.CrsError` unless ``gdf`` has a CRS equal to ``crs``.

    ``crs=None`` only asks for a CRS.
    """
    if gdf.crs is None:
        raise CrsError(f"Layer {name!r} has no CRS; set one (e.g. EPSG:25832) before using it.")
    if crs is not None and not gdf.crs.equals(crs):
        raise CrsError(
            f"Layer {name!r} is in {gdf.crs.to_string()}, the walk network in {crs}; "
            "reproject it with .to_crs(...) (arealanalyse.layers does this on load)."
        )
