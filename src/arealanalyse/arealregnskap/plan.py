"""The plan files an arealregnskap reads, and the catalogue kinds it takes.

Files are read here, up front; :func:`~arealanalyse.arealregnskap.compute.compute_arealregnskap`
only transforms GeoDataFrames and :func:`~arealanalyse.arealregnskap.run.run_arealregnskap`
runs the whole job.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

from arealanalyse.errors import CatalogueError, LayerFileError
from arealanalyse.settings import Settings

__all__ = ["LAYER_KINDS", "read_plan"]

#: The catalogue kinds the arealregnskap reads (when present).
LAYER_KINDS: tuple[str, ...] = (
    "boundary", "zoning", "ar5", "farmland", "buildings", "sea", "hazard_zones", "nature_types",
    "recreation_areas", "cultivable_land",
)  # fmt: skip


def read_plan(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | None = None,
    settings: Settings | None = None,
) -> gpd.GeoDataFrame:
    """Read a plan file (GeoPackage, GeoJSON, Shapefile, GML...) as a ``zoning`` layer.

    A file with one polygon layer (beside tables such as ``metadata``) needs no ``layer``.

    Examples
    --------
    >>> read_plan("/nonexistent/plan.gpkg")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.LayerFileError: Plan file '/nonexistent/plan.gpkg' does not exist; ...
    """
    import pyogrio

    from arealanalyse.layers.readers import read_layer

    p = Path(path)
    if not p.exists():
        raise LayerFileError(
            f"Plan file {str(p)!r} does not exist; check the path (--plan NEW_PLAN)."
        )
    if layer is None and p.suffix.lower() in (".gpkg", ".sqlite"):
        try:
            spatial = [str(n) for n, g in pyogrio.list_layers(p) if g is not None]
        except Exception as exc:  # an unreadable file: the reader gives the one-line error
            raise LayerFileError(
                f"Plan file {str(p)!r} cannot be read as a GeoPackage ({exc}); export it again."
            ) from None
        if len(spatial) == 1:
            layer = spatial[0]
        elif len(spatial) > 1:
            raise CatalogueError(
                f"Plan file {str(p)!r} has several layers {spatial[:8]}; choose the one with the "
                "plan's arealformål areas with --plan-layer."
            )
    return read_layer(p, "zoning", name=f"plan {p.name}", layer=layer, settings=settings)
