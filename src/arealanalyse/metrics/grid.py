"""The 250 m statistics grid used for per-cell results.

Cells are squares of ``settings.grid_cell_m`` aligned to multiples of the cell size in the working
CRS (EPSG:25832). They are *not* SSB's official grid, which is aligned in EPSG:25833; a cell id
here is ``"<x0>_<y0>"``, the south-west corner in EPSG:25832 metres.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["cell_ids", "cell_polygons"]


def cell_ids(xy: np.ndarray, /, *, cell_m: float) -> pd.Series:
    """Cell id (``"<x0>_<y0>"``) of each coordinate pair.

    Examples
    --------
    >>> import numpy as np
    >>> cell_ids(np.array([[10.0, 260.0], [499.0, -1.0]]), cell_m=250).tolist()
    ['0_250', '250_-250']
    """
    xy = np.asarray(xy, dtype=np.float64)
    x0 = (np.floor(xy[:, 0] / cell_m) * cell_m).astype(np.int64)
    y0 = (np.floor(xy[:, 1] / cell_m) * cell_m).astype(np.int64)
    return (pd.Series(x0).astype(str) + "_" + pd.Series(y0).astype(str)).astype(object)


def cell_polygons(ids: pd.Index | list[str], /, *, cell_m: float, crs: Any) -> gpd.GeoSeries:
    """Square polygons of the given cell ids, indexed by id.

    Examples
    --------
    >>> cell_polygons(["0_250"], cell_m=250, crs=25832).iloc[0].bounds
    (0.0, 250.0, 250.0, 500.0)
    """
    idx = pd.Index(ids)
    corners = np.array([s.split("_") for s in idx], dtype=np.float64).reshape(-1, 2)
    polys = shapely.box(
        corners[:, 0], corners[:, 1], corners[:, 0] + cell_m, corners[:, 1] + cell_m
    )
    return gpd.GeoSeries(polys, index=idx, crs=crs)
