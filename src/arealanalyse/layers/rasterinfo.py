"""Quick facts about a raster file (for ``layers info`` and ``layers check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from arealanalyse.errors import CrsError, LayerFileError

__all__ = ["raster_info"]


def raster_info(path: str | Path, /, *, name: str) -> dict[str, Any]:
    """Return CRS, size, bounds, resolution and value range of band 1 of a raster.

    Raises a one-line error when the file is missing, unreadable or has no CRS.
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    p = Path(path)
    if not p.is_file():
        raise LayerFileError(f"Raster {name!r}: file {str(p)!r} does not exist; check the path.")
    try:
        with rasterio.open(p) as src:
            if src.crs is None:
                raise CrsError(
                    f"Raster {name!r} has no CRS; set one (e.g. gdal_edit.py -a_srs EPSG:25832)."
                )
            arr = src.read(1, masked=True)
            vals = arr.compressed() if np.ma.isMaskedArray(arr) else np.asarray(arr).ravel()
            return {
                "crs": src.crs.to_string(),
                "width": src.width,
                "height": src.height,
                "bounds": list(src.bounds),
                "resolution": list(src.res),
                "nodata": src.nodata,
                "min": float(vals.min()) if vals.size else float("nan"),
                "max": float(vals.max()) if vals.size else float("nan"),
                "mean": float(vals.mean()) if vals.size else float("nan"),
            }
    except RasterioIOError as exc:
        raise LayerFileError(
            f"Raster {name!r}: cannot read {p.name} ({str(exc).splitlines()[0]}); is it a GeoTIFF?"
        ) from None
