"""OSM dwelling estimates against the SSB population grid: error measurement and dasymetric homes.

:func:`compare_dwellings_to_grid` measures how well the OSM building estimate
(:func:`arealanalyse.layers.osm.estimate_dwellings`) reproduces SSB's population per 250 m cell.
:func:`dasymetric_homes` combines both: SSB's people per cell, shared among the cell's
residential OSM buildings in proportion to their estimated dwellings (cells with people but no
residential building stay as whole cells), so totals are SSB's and locations are buildings'.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import CrsError, MissingColumnError
from arealanalyse.layers.validate import normalize
from arealanalyse.settings import Settings, resolve

__all__ = ["compare_dwellings_to_grid", "dasymetric_homes"]


def _cell_of(homes: gpd.GeoDataFrame, grid: gpd.GeoDataFrame) -> pd.Series:
    """Return, for each home, the index label of the grid cell holding its representative point."""
    if homes.crs is None or grid.crs is None:
        raise CrsError("homes and grid layers need a CRS; load them with read_layer first.")
    pts = gpd.GeoDataFrame(geometry=homes.geometry.representative_point(), crs=homes.crs)
    pts = pts.to_crs(grid.crs)
    cells = gpd.GeoDataFrame(
        {"_cell": grid.index.to_numpy()}, geometry=grid.geometry.to_numpy(), crs=grid.crs
    )
    joined = gpd.sjoin(pts, cells, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["_cell"].reindex(homes.index)


def _need(gdf: gpd.GeoDataFrame, col: str, name: str) -> None:
    if col not in gdf.columns:
        raise MissingColumnError(
            f"Layer {name!r} has no {col!r} column; pass a canonical homes layer (read_layer)."
        )


def compare_dwellings_to_grid(
    homes: gpd.GeoDataFrame,
    grid: gpd.GeoDataFrame,
    /,
    *,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Compare estimated people in buildings with SSB's people per grid cell.

    Parameters
    ----------
    homes
        Canonical ``homes`` layer of OSM buildings (``population`` = estimated dwellings ×
        ``Settings.persons_per_dwelling``). Not modified.
    grid
        Canonical ``homes`` layer of SSB grid cells (``population`` = SSB's count). Not modified.
    settings
        Run settings (persons per dwelling for ``ssb_dwellings``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``grid``: ``ssb_population``, ``ssb_dwellings`` (SSB people / persons per
        dwelling), ``est_dwellings``, ``est_population``, ``diff_population`` (estimate − SSB)
        and ``n_buildings``. ``attrs["summary"]`` holds the totals and error measures:
        ``ratio`` (estimated / SSB people), ``bias`` (ratio − 1), ``mae_people_per_cell``,
        ``wape`` (Σ|diff| / Σ SSB), ``pearson_r`` (per cell), ``median_rel_error`` and
        ``p90_rel_error`` (|estimate − SSB| / SSB over the cells SSB has residents in),
        ``ssb_dwellings`` and ``est_dwellings`` (totals), ``cells_missed`` (SSB people, no
        estimate), ``cells_spurious`` (estimate, no SSB people) and ``homes_outside_grid``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> x, y = 590000, 6640000
    >>> grid = gpd.GeoDataFrame({"population": [23.0, 0.0]}, crs=25832,
    ...     geometry=[box(x, y, x + 250, y + 250), box(x + 250, y, x + 500, y + 250)])
    >>> homes = gpd.GeoDataFrame({"dwellings": [5.0, 4.0], "population": [11.5, 9.2]}, crs=25832,
    ...     geometry=[box(x + 10, y + 10, x + 20, y + 20), box(x + 300, y + 10, x + 310, y + 20)])
    >>> cmp = compare_dwellings_to_grid(homes, grid)
    >>> cmp["est_population"].tolist(), cmp.attrs["summary"]["ratio"]
    ([11.5, 9.2], 0.9)
    """
    s = resolve(settings)
    for col in ("population",):
        _need(grid, col, "grid")
        _need(homes, col, "homes")
    cell = _cell_of(homes, grid)
    est_pop = homes["population"].astype(float).groupby(cell).sum()
    est_dw = (
        homes["dwellings"].astype(float).groupby(cell).sum()
        if "dwellings" in homes.columns
        else est_pop / s.persons_per_dwelling
    )
    n_b = cell.groupby(cell).size()
    out = pd.DataFrame(index=grid.index)
    out["ssb_population"] = grid["population"].astype(float)
    out["ssb_dwellings"] = out["ssb_population"] / s.persons_per_dwelling
    out["est_dwellings"] = est_dw.reindex(grid.index).fillna(0.0)
    out["est_population"] = est_pop.reindex(grid.index).fillna(0.0)
    out["diff_population"] = out["est_population"] - out["ssb_population"]
    out["n_buildings"] = n_b.reindex(grid.index).fillna(0).astype("int64")
    ssb_total = float(out["ssb_population"].sum())
    est_total = float(out["est_population"].sum())
    both = out[(out["ssb_population"] > 0) | (out["est_population"] > 0)]
    r = (
        float(np.corrcoef(both["ssb_population"], both["est_population"])[0, 1])
        if len(both) > 1 and both["est_population"].std() > 0 and both["ssb_population"].std() > 0
        else float("nan")
    )
    wape = float(out["diff_population"].abs().sum() / ssb_total) if ssb_total else float("nan")
    lived = out[out["ssb_population"] > 0]
    rel = (lived["diff_population"].abs() / lived["ssb_population"]).to_numpy()
    out.attrs["summary"] = {
        "cells": len(out),
        "ssb_people": ssb_total,
        "est_people": est_total,
        "ratio": round(est_total / ssb_total, 6) if ssb_total else float("nan"),
        "bias": round(est_total / ssb_total - 1.0, 6) if ssb_total else float("nan"),
        "ssb_dwellings": float(out["ssb_dwellings"].sum()),
        "est_dwellings": float(out["est_dwellings"].sum()),
        "median_rel_error": float(np.median(rel)) if len(rel) else float("nan"),
        "p90_rel_error": float(np.quantile(rel, 0.9)) if len(rel) else float("nan"),
        "mae_people_per_cell": float(both["diff_population"].abs().mean()) if len(both) else 0.0,
        "wape": wape,
        "pearson_r": r,
        "cells_missed": int(((out["ssb_population"] > 0) & (out["est_population"] == 0)).sum()),
        "cells_spurious": int(((out["ssb_population"] == 0) & (out["est_population"] > 0)).sum()),
        "homes_outside_grid": int(cell.isna().sum()),
        "persons_per_dwelling": s.persons_per_dwelling,
    }
    return out


def dasymetric_homes(
    buildings: gpd.GeoDataFrame,
    grid: gpd.GeoDataFrame,
    /,
    *,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Share each SSB cell's people among its residential OSM buildings (by estimated dwellings).

    Cells with people but no building with estimated dwellings are kept as whole cells
    (``source = "grid"``); buildings in cells SSB counts as empty (or outside the grid) get no
    people and are dropped, as are buildings with no estimated dwellings. The total population
    equals SSB's total over the grid.

    Returns
    -------
    geopandas.GeoDataFrame
        A canonical ``homes`` layer of polygons: buildings (``source = "osm_estimate"``, index
        kept) and cells (index ``"cell/<grid index>"``); ``dwellings`` = population / persons per
        dwelling.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> x, y = 590000, 6640000
    >>> grid = gpd.GeoDataFrame({"population": [30.0, 7.0]}, crs=25832,
    ...     geometry=[box(x, y, x + 250, y + 250), box(x + 250, y, x + 500, y + 250)])
    >>> b = gpd.GeoDataFrame({"dwellings": [1.0, 2.0], "population": [2.3, 4.6]}, crs=25832,
    ...     geometry=[box(x + 10, y + 10, x + 20, y + 20), box(x + 50, y + 50, x + 60, y + 60)])
    >>> h = dasymetric_homes(b, grid)
    >>> h["population"].tolist(), h["source"].tolist()
    ([10.0, 20.0, 7.0], ['osm_estimate', 'osm_estimate', 'grid'])
    """
    s = resolve(settings)
    _need(buildings, "dwellings", "buildings")
    _need(grid, "population", "grid")
    b = buildings[buildings["dwellings"].astype(float) > 0]
    cell = _cell_of(b, grid) if len(b) else pd.Series(dtype=object)
    dw = b["dwellings"].astype(float)
    dw_cell = dw.groupby(cell).sum()
    pop_cell = grid["population"].astype(float)
    share = dw / cell.map(dw_cell)
    pop_b = (share * cell.map(pop_cell)).fillna(0.0)
    keep = pop_b > 0
    bpart = gpd.GeoDataFrame(
        {"population": pop_b[keep], "source": "osm_estimate"},
        geometry=b.geometry[keep].to_crs(grid.crs),
        crs=grid.crs,
    )
    covered = set(cell[keep].dropna())
    orphan = (pop_cell > 0) & ~grid.index.isin(list(covered))
    cpart = gpd.GeoDataFrame(
        {"population": pop_cell[orphan].to_numpy(), "source": "grid"},
        geometry=grid.geometry[orphan].to_numpy(),
        index=[f"cell/{i}" for i in grid.index[orphan]],
        crs=grid.crs,
    )
    frame = pd.concat([bpart, cpart])
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=grid.crs)
    frame["dwellings"] = frame["population"] / s.persons_per_dwelling
    out = normalize(frame, "homes", name="homes:osm+ssb", source="OSM buildings × SSB grid",
                    settings=s)  # fmt: skip
    report = dict(out.attrs.get("arealanalyse", {}))
    report.update(
        buildings=int(keep.sum()),
        grid_cells=int(orphan.sum()),
        dropped_buildings=int(len(buildings) - keep.sum()),
    )
    out.attrs["arealanalyse"] = report
    return out
