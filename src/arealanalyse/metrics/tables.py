"""The suite's tables: summary rows, weighted shares, and per-home results per cell and zone.

Shares of homes are weighted by dwellings and by residents (:func:`home_weights` derives the one
a layer lacks); :class:`Summary` collects the one-row-per-metric table with its nb and en labels;
:func:`cell_table` and :func:`zone_table` aggregate the per-home results to SSB's 250 m grid and to
the zoning categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.metrics.access import Accessibility
from arealanalyse.metrics.grid import cell_ids, cell_polygons
from arealanalyse.metrics.keys import digest, geometry_digest
from arealanalyse.metrics.targets import points_in_polygons
from arealanalyse.settings import Settings, resolve

__all__ = [
    "Summary",
    "cell_table",
    "grouped_shares",
    "home_weights",
    "job_weights",
    "weighted_share",
    "zone_table",
]


def home_weights(homes: gpd.GeoDataFrame, /, *, settings: Settings | None = None) -> pd.DataFrame:
    """Dwellings and population of each home, deriving a missing one from the other.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> h = gpd.GeoDataFrame({"population": [4.6, None]}, geometry=[Point(0, 0)] * 2, crs=25832)
    >>> home_weights(h).round(2).to_dict("list")
    {'dwellings': [2.0, 0.0], 'population': [4.6, 0.0]}
    """
    s = resolve(settings)
    ppd = s.persons_per_dwelling
    dw = homes["dwellings"].astype(float) if "dwellings" in homes.columns else None
    pop = homes["population"].astype(float) if "population" in homes.columns else None
    if dw is None and pop is None:
        dw = pd.Series(1.0, index=homes.index)
    if dw is None:
        assert pop is not None
        dw = pop / ppd
    if pop is None:
        pop = dw * ppd
    dw = dw.fillna(pop / ppd)
    pop = pop.fillna(dw * ppd)
    return pd.DataFrame({"dwellings": dw.fillna(0.0), "population": pop.fillna(0.0)})


def weighted_share(within: pd.Series | np.ndarray, weight: pd.Series | np.ndarray | None) -> float:
    """Weighted share (0-1) of True values; NaN when the total weight is 0.

    Examples
    --------
    >>> weighted_share(np.array([True, False]), np.array([3.0, 1.0]))
    0.75
    """
    w_in = np.asarray(within, dtype=bool)
    w = np.ones(len(w_in)) if weight is None else np.asarray(weight, dtype=np.float64)
    total = float(w.sum())
    return float(w[w_in].sum() / total) if total > 0 else float("nan")


class Summary:
    """The rows of the suite's summary table (one per metric, labelled in nb and en)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, metric: str, value: float, unit: str, nb: str, en: str, weight: str = "") -> None:
        """Add one metric."""
        self.rows.append(
            {
                "metric": metric,
                "value": float(value),
                "unit": unit,
                "label_nb": nb,
                "label_en": en,
                "weight": weight,
            }
        )

    def shares(self, metric: str, within: pd.Series, w: pd.DataFrame, nb: str, en: str) -> None:
        """Add the share of dwellings and the share of residents for which ``within`` holds."""
        for col, nb_w, en_w in (
            ("dwellings", "boliger", "dwellings"),
            ("population", "bosatte", "residents"),
        ):
            self.add(
                f"{metric}_{col}",
                100.0 * weighted_share(within, w[col]),
                "%",
                f"Andel {nb_w} {nb}",
                f"Share of {en_w} {en}",
                col,
            )

    def frame(self) -> pd.DataFrame:
        """Return the table."""
        cols = ["metric", "value", "unit", "label_nb", "label_en", "weight"]
        return pd.DataFrame(self.rows, columns=cols)


def job_weights(workplaces: gpd.GeoDataFrame) -> pd.DataFrame:
    """Jobs and BRA of each workplace (0 where missing)."""
    jobs = (
        workplaces["jobs"].astype(float)
        if "jobs" in workplaces.columns
        else pd.Series(0.0, index=workplaces.index)
    )
    bra = (
        workplaces["bra_m2"].astype(float)
        if "bra_m2" in workplaces.columns
        else pd.Series(0.0, index=workplaces.index)
    )
    return pd.DataFrame({"jobs": jobs.fillna(0.0), "bra_m2": bra.fillna(0.0)})


def grouped_shares(
    per_home: pd.DataFrame, groups: pd.Series, headline: Sequence[str]
) -> pd.DataFrame:
    """Homes, dwellings, residents and the dwelling-weighted share of each headline per group.

    Groups come out sorted; homes without a group (missing) are left out.
    """
    return _grouped(per_home, _factorized(groups.to_numpy()), headline)


def _factorized(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and sorted labels of a group per home (code -1: no group)."""
    codes, labels = pd.factorize(groups, sort=True)
    return codes, np.asarray(labels)


def _grouped(
    per_home: pd.DataFrame, groups: tuple[np.ndarray, np.ndarray], headline: Sequence[str]
) -> pd.DataFrame:
    """:func:`grouped_shares` of homes already grouped (codes and sorted labels)."""
    codes, labels = groups
    dw = per_home["dwellings"].to_numpy()
    data = {"dwellings": dw, "population": per_home["population"].to_numpy()}
    for col in headline:
        data[f"w_{col}"] = per_home[col].to_numpy(dtype=bool) * dw
    frame = pd.DataFrame(data)
    keep = codes >= 0
    if not keep.all():
        frame, codes = frame.loc[keep], codes[keep]
    # one grouped sum over every column (each summed in row order, as a per-column sum is)
    sums = frame.groupby(codes, sort=True).sum()
    present = sums.index.to_numpy()
    index = pd.Index(labels[present], name="group")
    dwellings = pd.Series(sums["dwellings"].to_numpy(), index=index)
    cols: dict[str, Any] = {
        "homes": np.bincount(codes, minlength=len(labels))[present].astype(np.int64),
        "dwellings": dwellings,
        "population": pd.Series(sums["population"].to_numpy(), index=index),
    }
    weighed = dwellings.where(dwellings > 0)
    for col in headline:
        share = pd.Series(sums[f"w_{col}"].to_numpy(), index=index) / weighed
        cols[f"share_{col}"] = share.round(6)
    cols["weight"] = "dwellings"  # what the share_* columns weigh ("andel boliger")
    return pd.DataFrame(cols, index=index)


def cell_table(
    per_home: gpd.GeoDataFrame, acc: Accessibility, headline: Sequence[str], s: Settings
) -> gpd.GeoDataFrame:
    """Aggregate the per-home results to SSB's 250 m grid cells (:func:`grouped_shares`).

    The cells of the homes (and their polygons) depend on the homes alone: they are memoised
    in the access cache by the homes' key.
    """
    key = digest("cells", acc.homes_key, s.grid_cell_m, per_home.crs.to_wkt())
    hit = acc.cache.get(acc.cache.results, key)
    if hit is None:
        ids = cell_ids(acc.xy, cell_m=s.grid_cell_m, crs=per_home.crs)  # SSB's grid (EPSG:25833)
        hit = (_factorized(ids.to_numpy()), None)
    groups, geom = hit
    agg = _grouped(per_home, groups, headline)
    agg.index.name = "cell_id"
    if geom is None or not geom.index.equals(agg.index):
        geom = cell_polygons(agg.index, cell_m=s.grid_cell_m, crs=per_home.crs)
    acc.cache.put(acc.cache.results, key, (groups, geom))
    return gpd.GeoDataFrame(agg, geometry=geom.values, crs=per_home.crs)


def zone_table(
    per_home: gpd.GeoDataFrame,
    acc: Accessibility,
    zoning: gpd.GeoDataFrame | None,
    headline: Sequence[str],
) -> pd.DataFrame:
    """Aggregate the per-home results by the zoning category each home stands in.

    The category of each home is memoised in the access cache by the homes and the zoning.
    """
    cat = np.full(len(per_home), "outside_zoning", dtype=object)
    groups: tuple[np.ndarray, np.ndarray] | None = None
    if zoning is not None and len(zoning) and "category" in zoning.columns:
        zgeoms = np.asarray(zoning.geometry.values, dtype=object)
        zcat = zoning["category"].astype(str).to_numpy()
        key = digest("zone-groups", acc.homes_key, geometry_digest(zgeoms), zcat.astype(str))
        groups = acc.cache.get(acc.cache.results, key)
        if groups is None:
            h, z = points_in_polygons(acc.points, zgeoms)
            first = np.unique(h, return_index=True)[1]
            cat[h[first]] = zcat[z[first]]
            groups = _factorized(cat)
            acc.cache.put(acc.cache.results, key, groups)
    agg = _grouped(per_home, groups if groups is not None else _factorized(cat), headline)
    agg.index.name = "category"
    return agg
