"""The summary map of a batch run: its partitions coloured by each share of the suite.

Renders the finished summary table of :func:`arealanalyse.batch.run_batch` (one row per
partition, its polygon, ``share_*`` columns) as one offline HTML map; computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from arealanalyse.i18n import Lang, msg

__all__ = ["batch_title", "write_batch_map"]


def batch_title(
    *, title: str = "", partitions: int = 0, by: str = "", areas: tuple[str, ...] = (), lang: Lang
) -> str:
    """Title of a batch's map: a catalogue cut ``by`` a column, or a list of study areas.

    Examples
    --------
    >>> batch_title(title="Bærum", partitions=3, by="navn", lang="nb")
    'Bærum: 3 delområder (navn)'
    >>> batch_title(areas=("baerum", "asker"), lang="en")
    'Batch: baerum, asker'
    """
    if by:
        return msg("batch.title_split", lang, title=title, n=partitions, by=by)
    if len(areas) <= 4:
        return msg("batch.title_areas", lang, names=", ".join(areas))
    return msg("batch.title_many", lang, n=len(areas))


def write_batch_map(
    summary: gpd.GeoDataFrame,
    labels: Mapping[str, Mapping[str, str]],
    path: Path,
    /,
    *,
    title: str,
    synthetic: bool = False,
    lang: Lang = "nb",
) -> Path | None:
    """Write a map of the partitions coloured by each share; None when there is nothing to show.

    ``labels`` are the suite's metric labels (``{metric: {"nb": ..., "en": ...}}``); a share
    ``share_<m>`` is named by the label of ``<m>_dwellings``.
    """
    from arealanalyse.maps import access_map, save_map

    drawn = summary.loc[summary.geometry.notna().to_numpy() & ~summary.geometry.is_empty]
    shares = [c for c in drawn.columns if c.startswith("share_")]
    if drawn.empty or not shares:
        return None
    names: dict[str, Any] = {
        c: labels.get(f"{c.removeprefix('share_')}_dwellings", {}).get(lang, c) for c in shares
    }
    layer = drawn[["label", "status", "dwellings", *shares, "geometry"]].copy()
    m = access_map(
        layer,
        columns=shares,
        labels=names,
        title=title,
        synthetic=synthetic,
        lang=lang,
        subtitle=msg("batch.subtitle", lang, n=len(drawn)),
        name_column="label",
    )
    return save_map(m, path, offline=True)
