"""SSB's national statistics grid, used for per-cell results.

Statistics Norway (SSB) publishes population and dwellings on a national grid of squares aligned
to multiples of the cell size in **EPSG:25833** (UTM 33N), whatever the municipality's own UTM
zone. A cell's id is ``2000000 + x`` followed by ``y`` of its south-west corner (for the 250 m
grid, e.g. ``22365006629250``: the ``ru250m`` column of SSB's files). Per-cell results here use
exactly those cells and ids, so they join one-to-one with SSB's statistics (see
:func:`arealanalyse.layers.read_layer` with ``format="ssb_grid"``, whose ``ssb_id`` column holds
the same ids). In the working CRS (EPSG:25832) the cells are very slightly rotated squares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

__all__ = ["SSB_GRID_CRS", "cell_ids", "cell_polygons", "share_difference"]

#: CRS in which SSB's national grid is aligned.
SSB_GRID_CRS = "EPSG:25833"
_OFFSET = 2_000_000


def _transformer(src: Any, dst: Any) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def cell_ids(xy: np.ndarray, /, *, cell_m: float, crs: Any = "EPSG:25832") -> pd.Series:
    """SSB grid id of the cell holding each coordinate pair (given in ``crs``).

    Examples
    --------
    The centre of SSB cell 22365006629250 (x 236500-236750, y 6629250-6629500 in EPSG:25833):

    >>> import numpy as np
    >>> cell_ids(np.array([[236625.0, 6629375.0]]), cell_m=250, crs=25833).tolist()
    ['22365006629250']
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    x, y = _transformer(crs, SSB_GRID_CRS).transform(xy[:, 0], xy[:, 1])
    x0 = (np.floor(np.asarray(x) / cell_m) * cell_m).astype(np.int64) + _OFFSET
    y0 = (np.floor(np.asarray(y) / cell_m) * cell_m).astype(np.int64)
    return pd.Series([f"{a}{b}" for a, b in zip(x0, y0, strict=True)], dtype=object)


def cell_polygons(
    ids: pd.Index | list[str], /, *, cell_m: float, crs: Any = "EPSG:25832"
) -> gpd.GeoSeries:
    """Polygons of the given SSB cell ids in ``crs``, indexed by id.

    Examples
    --------
    >>> cell_polygons(["22365006629250"], cell_m=250, crs=25833).iloc[0].bounds
    (236500.0, 6629250.0, 236750.0, 6629500.0)
    """
    idx = pd.Index(ids)
    text = idx.astype(str)
    x0 = np.array([int(s[:7]) - _OFFSET for s in text], dtype=np.float64)
    y0 = np.array([int(s[7:]) for s in text], dtype=np.float64)
    cells = gpd.GeoSeries(
        shapely.box(x0, y0, x0 + cell_m, y0 + cell_m), index=idx, crs=SSB_GRID_CRS
    )
    return (
        cells
        if CRS.from_user_input(crs).equals(CRS.from_user_input(SSB_GRID_CRS))
        else (cells.to_crs(crs))
    )


def share_difference(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    /,
    *,
    columns: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return ``after - before`` of share columns on the cells both have (aligned on the index).

    ``columns`` default to the numeric ``share_*`` columns of ``after`` that ``before`` also has.
    The result has ``after``'s geometry and CRS, indexed like the common cells.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"share_x": [0.5, 0.2]}, geometry=[box(0, 0, 1, 1)] * 2, crs=25832)
    >>> a = b.assign(share_x=[0.75, 0.1]).iloc[[0]]
    >>> share_difference(b, a)["share_x"].tolist()
    [0.25]
    """
    if columns is None:
        columns = [
            str(c)
            for c in after.columns
            if str(c).startswith("share_")
            and c in before.columns
            and pd.api.types.is_numeric_dtype(after[c])
            and not pd.api.types.is_bool_dtype(after[c])
        ]
    cols = list(columns)
    common = before.index.intersection(after.index)
    diff = after.loc[common, cols].astype(float) - before.loc[common, cols].astype(float)
    return gpd.GeoDataFrame(diff, geometry=after.geometry.loc[common], crs=after.crs)
