"""Kommuneplanens arealdel (the municipal land-use plan) as the ``zoning`` layer.

There is no open national WFS that serves kommuneplanens arealdel for every municipality: the
national plan register data (``Arealplaner`` in Geonorge/Norge digitalt) needs a Norge digitalt
login, and Bærum and Asker publish their plans through their own map portals and on request as
SOSI or SOSI-GML files. The fetcher therefore does not download a plan; it records that in the
catalogue's description, and takes a plan file the planner already has (``--plan FILE``: SOSI-GML,
GeoPackage, GeoJSON...), read through the project's readers into the ``zoning`` kind.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from arealanalyse.settings import Settings

__all__ = ["NOT_AVAILABLE", "read_plan"]

#: Why no plan is downloaded (written into the fetched catalogue's description).
NOT_AVAILABLE = (
    "Kommuneplanens arealdel is not fetched: no open national WFS serves it (the national plan "
    "data needs a Norge digitalt login); add a plan file with `arealanalyse fetch --plan FILE` "
    "or as layers.zoning in this catalogue."
)


def read_plan(
    path: str | Path, /, *, layer: str | None = None, settings: Settings | None = None
) -> gpd.GeoDataFrame:
    """Read a plan file the user supplies as the canonical ``zoning`` layer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "plan.geojson"
    >>> gpd.GeoDataFrame({"arealformål": [1110]}, geometry=[box(589000, 6640000, 589100,
    ...     6640100)], crs=25832).to_file(p, driver="GeoJSON", engine="pyogrio")
    >>> read_plan(p)[["arealformal", "category", "area_daa"]].values.tolist()
    [[1110, 'bolig', 10.0]]
    """
    from arealanalyse.layers.readers import read_layer

    return read_layer(path, "zoning", name="plan:zoning", layer=layer, settings=settings)
