"""The batch's combined outputs: partitioned GeoParquet datasets and the summary table.

Per-home, per-cell and catchment results of every finished partition become one GeoParquet
dataset each, written by dask-geopandas with one file per partition (``<table>/<key>.parquet``),
so ``dask_geopandas.read_parquet(folder)`` reads them back with their spatial partitions.
A partition whose targets of some kind lie out of reach (no school within
``max_search_m``) has no column for them; in the dataset that column holds what the suite
reports for "not reached": ``inf`` for distances, False for ``within_*`` flags, 0 for counts.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["DATASETS", "summary_frame", "write_datasets"]

#: Per-partition tables combined into partitioned GeoParquet datasets.
DATASETS = ("per_home", "per_cell", "catchments")

_FIRST = ["key", "label", "status", "error", "homes", "dwellings", "population"]
_LAST = ["halo_homes", "seconds", "cpu_seconds", "peak_rss_mb", "worker", "started", "finished"]


def _fill_value(column: str, dtype: Any) -> Any:
    """Return what a partition without a column holds there (see the module docstring)."""
    if column.startswith(("dist_", "eucl_")):
        return np.inf
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype) and "_within_" in column:
        return 0.0
    return None


def _empty_like(path: Path) -> tuple[pd.DataFrame, Any]:
    """Return the empty attribute frame and the geometry's CRS (PROJJSON) of a GeoParquet file."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    frame = schema.empty_table().to_pandas()
    geo = json.loads((schema.metadata or {}).get(b"geo", b"{}"))
    column = geo.get("primary_column", "geometry")
    crs_info = geo.get("columns", {}).get(column, {}).get("crs")
    attrs = frame.drop(columns=[column]) if column in frame.columns else frame
    return attrs, crs_info


def _meta(paths: Sequence[Path]) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Return the union of the parts' columns (first dtype wins) and each column's fill value."""
    from pyproj import CRS

    cols: dict[str, Any] = {}
    index_name = None
    crs_info = None
    for p in paths:
        empty, info = _empty_like(p)
        index_name = index_name or empty.index.name
        crs_info = crs_info or info
        for c, t in empty.dtypes.items():
            if c not in cols:
                cols[str(c)] = t
    crs = CRS.from_json_dict(crs_info) if isinstance(crs_info, dict) else None
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    frame.insert(0, "partition", pd.Series(dtype=object))
    frame.index.name = index_name
    meta = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    return meta, {c: _fill_value(c, t) for c, t in cols.items()}


def _conform(path: str, key: str, meta: gpd.GeoDataFrame, fills: dict[str, Any]) -> Any:
    """Read one part and give it the dataset's columns (filled where missing) and dtypes."""
    gdf = gpd.read_parquet(path)
    gdf.insert(0, "partition", key)
    for c, v in fills.items():
        if c not in gdf.columns:
            gdf[c] = v
        elif v is not None and gdf[c].isna().any():
            gdf[c] = gdf[c].fillna(v)
    gdf = gdf[list(meta.columns)]
    for c, t in meta.dtypes.items():
        if c != "geometry" and gdf[c].dtype != t:
            gdf[c] = gdf[c].astype(t)
    return gdf


def write_datasets(parts: Mapping[str, Path], folder: Path, /) -> dict[str, int]:
    """Write each table of :data:`DATASETS` as a GeoParquet dataset under ``folder``.

    ``parts`` maps partition keys to their result folders (finished partitions only); a part
    without rows (a partition where nobody lives has no per-home rows) is left out. Returns the
    number of rows per dataset. The work runs on Dask's threaded scheduler in this process.
    """
    import dask
    import dask.dataframe as dd
    import dask_geopandas  # noqa: F401  (registers GeoDataFrame collections with Dask)

    rows: dict[str, int] = {}
    for table in DATASETS:
        files = {k: p / f"{table}.parquet" for k, p in parts.items()}
        files = {k: f for k, f in files.items() if f.is_file() and _row_count(f)}
        if not files:
            continue
        meta, fills = _meta(list(files.values()))
        keys = list(files)
        delayed = [dask.delayed(_conform)(str(f), k, meta, fills) for k, f in files.items()]
        ddf = dd.from_delayed(delayed, meta=meta, verify_meta=False)
        target = folder / table
        with dask.config.set(scheduler="threads"), warnings.catch_warnings():
            # dask's parquet writer still calls set_index(inplace=True), which pandas 3.1
            # deprecates; harmless until dask changes it
            warnings.filterwarnings(
                "ignore", message="The inplace keyword", category=DeprecationWarning
            )
            ddf.to_parquet(
                target,
                write_index=True,
                name_function=lambda i, keys=keys: f"{keys[i]}.parquet",
                write_metadata_file=False,
            )
        rows[table] = sum(_row_count(target / f"{k}.parquet") for k in keys)
    return rows


def _row_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def summary_frame(
    rows: Sequence[Mapping[str, Any]], /, *, crs: Any, polygons: Mapping[str, Any] | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, dict[str, str]]]:
    """One row per partition (in order) with its polygon, and the metrics' labels.

    A metric that some partitions report and a finished partition with homes lacks had no
    target in that partition's reach (no such service, no transit): its share and count are 0
    there. A partition where nobody lives has no shares.
    """
    labels: dict[str, dict[str, str]] = {}
    records = []
    geoms = []
    for r in rows:
        rec = {k: v for k, v in r.items() if k not in ("_labels", "polygon_wkb")}
        labels.update(r.get("_labels") or {})
        wkb = r.get("polygon_wkb")
        geom = (polygons or {}).get(str(r["key"]))
        if geom is None and wkb:
            geom = shapely.from_wkb(wkb)
        records.append(rec)
        geoms.append(geom)
    frame = pd.DataFrame.from_records(records)
    metrics = [c for c in frame.columns if c in labels or c.startswith("share_")]
    ok = (frame["status"] == "ok").to_numpy(dtype=bool)
    if "homes" in frame.columns:
        ok = ok & (frame["homes"].fillna(0).to_numpy(dtype=float) > 0)
    for c in metrics:
        frame.loc[ok & frame[c].isna().to_numpy(), c] = 0.0
    for c in ("homes", "dwellings", "population"):
        if c in frame.columns:
            frame.loc[(frame["status"] == "empty").to_numpy(), c] = 0
    first = [c for c in _FIRST if c in frame.columns]
    last = [c for c in _LAST if c in frame.columns]
    shares = sorted(c for c in frame.columns if c.startswith("share_"))
    middle = [c for c in frame.columns if c not in {*first, *last, *shares}]
    frame = frame[[*first, *shares, *middle, *last]]
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    return gdf, labels
