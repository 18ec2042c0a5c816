"""The walk network on disk: one ``.npz`` file (no pickle), versioned, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from arealanalyse.errors import NetworkError
from arealanalyse.io import atomic_path

__all__ = ["CACHE_VERSION", "read_network", "write_network"]

#: Format version of the file; a file of another version is refused (rebuild the network).
CACHE_VERSION = 2


def write_network(
    path: str | os.PathLike[str],
    /,
    *,
    node_xy: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    edge_geoms: np.ndarray,
    highway: np.ndarray,
    source_index: np.ndarray,
    crs: str,
    key: str,
    topology: dict[str, Any],
    snap_components: str,
    snap_mask: np.ndarray | None = None,
) -> Path:
    """Write a network's arrays to ``path`` (atomic); :func:`read_network` reads them back."""
    target = Path(path)
    wkb = shapely.to_wkb(edge_geoms)
    offsets = np.cumsum([0] + [len(b) for b in wkb])
    blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            version=np.array([CACHE_VERSION]),
            node_xy=node_xy,
            u=u,
            v=v,
            wkb=blob,
            wkb_offsets=offsets,
            highway=highway.astype(str),
            source_index=source_index.astype(str),
            crs=np.array([crs]),
            key=np.array([key]),
            topology=np.array([json.dumps(topology)]),
            snap_components=np.array([snap_components]),
            snap_mask=np.zeros(0, dtype=bool) if snap_mask is None else snap_mask,
        )
    return target


def read_network(path: str | os.PathLike[str], /) -> dict[str, Any]:
    """Read a file written by :func:`write_network`: the arguments of ``WalkNetwork(...)``."""
    p = Path(path)
    try:
        with np.load(p, allow_pickle=False) as z:
            if int(z["version"][0]) != CACHE_VERSION:
                raise NetworkError(
                    f"Network cache {p} has an old format; delete it and rebuild the network."
                )
            blob, off = z["wkb"].tobytes(), z["wkb_offsets"]
            geoms = shapely.from_wkb(
                np.array([blob[off[i] : off[i + 1]] for i in range(len(off) - 1)], dtype=object)
            )
            mask = z["snap_mask"] if "snap_mask" in z.files else np.zeros(0, dtype=bool)
            return {
                "node_xy": z["node_xy"],
                "u": z["u"],
                "v": z["v"],
                "edge_geoms": geoms,
                "crs": str(z["crs"][0]),
                "highway": z["highway"],
                "source_index": z["source_index"],
                "key": str(z["key"][0]),
                "topology": json.loads(str(z["topology"][0])),
                "snap_components": str(z["snap_components"][0]),
                "snap_mask": mask if len(mask) else None,
            }
    except (OSError, KeyError, ValueError) as exc:
        if isinstance(exc, NetworkError):
            raise
        raise NetworkError(
            f"Network cache {p} cannot be read ({exc}); delete it and rebuild."
        ) from exc
