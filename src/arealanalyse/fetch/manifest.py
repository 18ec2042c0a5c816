"""Checkpoints of a fetch: the manifest of finished steps, their keys and their ages.

Each finished step is recorded in ``<out>/<name>/fetch-manifest.json`` with a key of what it
was made from (endpoint, input file digest, boundary digest, options) and when; a rerun reads
back every step whose key is unchanged (see :mod:`arealanalyse.fetch.run`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

__all__ = [
    "age_days",
    "file_digest",
    "find_previous",
    "geometry_digest",
    "now_stamp",
    "plain_json",
    "slugify",
]


def slugify(text: str) -> str:
    """Return a file-name-safe lower-case ASCII name.

    Examples
    --------
    >>> slugify("Bærum"), slugify("Nord-Odal"), slugify("Ørland Å")
    ('baerum', 'nord-odal', 'orland-a')
    """
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = "".join(c if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p) or "kommune"


def find_previous(out_dir: str | os.PathLike[str], kommunenummer: str, /) -> dict[str, Any]:
    """Return the manifest of an earlier fetch of ``kommunenummer`` into ``out_dir`` (or {}).

    Lets a rerun resume before it knows the municipality's name (from the boundary step).
    """
    for path in sorted(Path(out_dir).glob("*/fetch-manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("kommunenummer") == kommunenummer:
            manifest.setdefault("name", path.parent.name)
            return dict(manifest)
    return {}


def file_digest(path: Path) -> str:
    """Return the sha256 (16 hex digits) of a file, or of every file in a folder (a FileGDB)."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def geometry_digest(gdf: gpd.GeoDataFrame) -> str:
    """Return a digest of a layer's geometry (union, 1 cm precision, EPSG:25832)."""
    geom = shapely.union_all(gdf.to_crs("EPSG:25832").geometry.to_numpy())
    return hashlib.sha256(shapely.to_wkb(shapely.set_precision(geom, 0.01))).hexdigest()[:16]


def now_stamp() -> str:
    """Return the time now (UTC) as the manifest writes it: ``2026-01-31T12:00:00Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def age_days(stamp: str) -> float:
    """Return the age in days of a manifest time stamp (``inf`` when it cannot be read)."""
    try:
        when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return float("inf")
    return (dt.datetime.now(dt.UTC) - when).total_seconds() / 86400.0


def plain_json(obj: Any) -> Any:
    """Return the load report as plain JSON (numpy numbers become Python numbers)."""

    def plain(o: Any) -> Any:
        return o.item() if hasattr(o, "item") else str(o)

    return json.loads(json.dumps(obj, default=plain))
