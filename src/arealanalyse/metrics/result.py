"""What :func:`~arealanalyse.metrics.run_suite` returns, and how it is written to disk."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.io import write_geopackage, write_table
from arealanalyse.metrics.access import Accessibility
from arealanalyse.metrics.cache import AccessCache

__all__ = ["SuiteResult"]


@dataclass
class SuiteResult:
    """Everything :func:`run_suite` computed.

    Attributes
    ----------
    summary
        One row per metric: ``metric``, ``value``, ``unit``, ``label_nb``, ``label_en``, ``weight``.
    per_home
        GeoDataFrame indexed like the homes: weights, ``access_m`` (home to network),
        ``dist_<key>_m`` (network; ``inf`` beyond ``settings.max_search_m``), ``eucl_<key>_m``
        (straight line), ``within_<d>m_<key>`` (bool), ``sdg_11_2_1`` (bool) and
        ``n_within_<d>m_services`` (cumulative opportunities: service points within the short
        walk).
    per_cell
        GeoDataFrame of 250 m cells (see :mod:`arealanalyse.metrics.grid`) with homes, dwellings,
        population and the dwelling-weighted share within each headline distance (``weight``
        names it: ``dwellings``).
    per_zone
        DataFrame per zoning category (homes are matched to the zone they stand in).
    catchments
        GeoDataFrame of transit nodes with homes, dwellings, population, jobs and BRA within each
        catchment distance.
    stop_places
        The timetable's stop places with their frequency measures (ÖV-Güteklasse category,
        knutepunkt test, SDG headways; :func:`arealanalyse.transit.service_levels`), or None
        when the study area has no timetable.
    land_take
        Land taken per development polygon (planned zoning by default), or None.
    cache
        The :class:`AccessCache` to pass to the next :func:`run_suite` call on the same network.
    timings_s
        Wall time per step, in seconds.
    snapping
        Homes, services and transit stops whose nearest edge was on an isolated piece of the
        walk network, and where they were snapped instead (see
        :func:`arealanalyse.network.island_snaps`); empty when none.
    """

    summary: pd.DataFrame
    per_home: gpd.GeoDataFrame
    per_cell: gpd.GeoDataFrame
    per_zone: pd.DataFrame
    catchments: gpd.GeoDataFrame
    land_take: pd.DataFrame | None
    cache: AccessCache
    accessibility: Accessibility
    timings_s: dict[str, float] = field(default_factory=dict)
    snapping: pd.DataFrame = field(default_factory=pd.DataFrame)
    stop_places: gpd.GeoDataFrame | None = None

    def write(self, out_dir: str | os.PathLike[str], /) -> dict[str, Path]:
        """Write all tables to ``out_dir`` (GeoPackage + CSV + Parquet, atomic, stable bytes).

        Returns the paths written, by name.
        """
        import pyogrio

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        layers = {"per_home": self.per_home, "per_cell": self.per_cell}
        if len(self.catchments):
            layers["catchments"] = self.catchments
        if self.stop_places is not None and len(self.stop_places):
            layers["stop_places"] = self.stop_places
        old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
        try:
            paths["gpkg"] = write_geopackage(
                {k: gpkg_safe(v) for k, v in layers.items()}, out / "metrics.gpkg"
            )
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
        tables: dict[str, pd.DataFrame] = {
            "summary": self.summary.set_index("metric"),
            "per_home": self.per_home,
            "per_cell": self.per_cell,
            "per_zone": self.per_zone,
            "catchments": self.catchments,
        }
        if self.land_take is not None:
            tables["land_take"] = self.land_take
        if len(self.snapping):
            snap = self.snapping.set_index(["layer", "feature"])
            for col in ("island_m", "snapped_m", "snapped_x", "snapped_y"):  # cm, not %.6g
                snap[col] = snap[col].map(lambda v: f"{v:.2f}")
            paths["snapping_csv"] = write_table(snap, out / "snapping.csv")
        if self.stop_places is not None:
            tables["stop_places"] = self.stop_places
        for name, table in tables.items():
            paths[f"{name}_csv"] = write_table(table, out / f"{name}.csv")
            paths[f"{name}_parquet"] = write_table(table, out / f"{name}.parquet")
        return paths


def gpkg_safe(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GeoPackage cannot store inf: write it as NULL."""
    out = gdf.copy()
    for col in out.columns:
        if col != "geometry" and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].where(np.isfinite(out[col]))
    return out.reset_index()
