"""Atomic output: every file arealanalyse writes appears whole or not at all.

Outputs are written to a temporary file in the same folder and moved into place with
:func:`os.replace`, so an interrupted run never leaves a half-written GeoPackage or report, and
never clobbers a previous good output with a broken one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

__all__ = [
    "atomic_path",
    "write_geopackage",
    "write_json",
    "write_table",
    "write_text",
]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it onto ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "a.txt").read_text()
    'hello'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # keep the real suffix last: GDAL picks drivers (and warns) by extension
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers (GDAL) want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as pretty, key-sorted UTF-8 JSON atomically (stable bytes for equal input)."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    return write_text(path, text)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a table as CSV, Parquet or JSON (by suffix) atomically.

    GeoDataFrames lose their geometry in CSV/JSON (use :func:`write_geopackage` for maps).
    """
    target = Path(path)
    frame = pd.DataFrame(df.drop(columns="geometry")) if "geometry" in df.columns else df
    with atomic_path(target) as tmp:
        suffix = target.suffix.lower()
        if suffix == ".csv":
            frame.to_csv(tmp, index=True, lineterminator="\n", float_format="%.6g")
        elif suffix == ".parquet":
            if isinstance(df, gpd.GeoDataFrame):
                df.to_parquet(tmp, index=True)
            else:
                frame.to_parquet(tmp, index=True)
        elif suffix == ".json":
            tmp.write_text(frame.to_json(orient="table", indent=2, double_precision=10) + "\n")
        else:
            raise ValueError(
                f"write_table: unsupported suffix {suffix!r} (use .csv, .parquet, .json)"
            )
    return target


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: str | os.PathLike[str]) -> Path:
    """Write several layers into one GeoPackage atomically (the whole file is replaced)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    return target
