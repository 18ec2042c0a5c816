"""Keys of cached results: digests of inputs and 64-bit keys of exact coordinates.

Every memoised value in :class:`~arealanalyse.metrics.cache.AccessCache` is keyed by these, so a
stale entry can never be returned.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import shapely

__all__ = ["MIX", "digest", "geometry_digest", "point_keys"]


def digest(*parts: Any) -> str:
    """Return a short hex digest of arrays (bytes and dtype) and other values (``repr``)."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            h.update(np.ascontiguousarray(p).tobytes())
            h.update(str(p.dtype).encode())
        else:
            h.update(repr(p).encode())
        h.update(b"|")
    return h.hexdigest()[:24]


def geometry_digest(geoms: np.ndarray) -> str:
    """Return a short hex digest of geometries (their WKB; a layer of points: its coordinates)."""
    geoms = np.asarray(geoms, dtype=object)
    h = hashlib.sha256()
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all():
        # only points: their coordinates identify them (several times faster than WKB)
        xyz = shapely.get_coordinates(geoms, include_z=True)
        if len(xyz) == len(geoms):  # no empty points
            h.update(b"points|")
            h.update(np.ascontiguousarray(xyz, dtype=np.float64).tobytes())
            return h.hexdigest()[:24]
    for b in shapely.to_wkb(geoms):
        h.update(b)
    return h.hexdigest()[:24]


#: Odd 64-bit multiplier (2**64 / golden ratio) that spreads bits when mixing keys.
MIX = np.uint64(0x9E3779B97F4A7C15)


def point_keys(xy: np.ndarray) -> np.ndarray:
    """Return 64-bit keys of exact coordinate pairs (a mix of the two floats' bits)."""
    bits = np.ascontiguousarray(xy, dtype=np.float64).view(np.uint64).reshape(-1, 2)
    return (bits[:, 0] * MIX) ^ (bits[:, 1] + (bits[:, 1] << np.uint64(7)))
