"""Access results as a choropleth on the grid (one toggleable layer per indicator)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import CodeError, MissingColumnError
from arealanalyse.i18n import Lang, column_label, fmt_number, fmt_share
from arealanalyse.maps import style
from arealanalyse.maps._base import (
    LegendItem,
    LegendSection,
    MapBuilder,
    SharedGeometry,
    line_style,
    poly_style,
)

if TYPE_CHECKING:
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["access_map", "add_boundary", "add_share_layers", "share_columns"]

#: Columns that hold the number of homes (or people) of a cell, shown in tooltips when present.
COUNT_COLUMNS = ("dwellings", "homes", "n_homes", "population")


def share_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Numeric columns named ``share_*`` whose values all lie in 0-1 (the default indicators).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"share_within_500m_green": [0.5], "share_x": [3.0], "n": [1]},
    ...     geometry=[Point(0, 0)], crs=25832)
    >>> share_columns(g)
    ['share_within_500m_green']
    """
    out = []
    for col in gdf.columns:
        if col == gdf.geometry.name or not str(col).startswith("share_"):
            continue
        if not pd.api.types.is_numeric_dtype(gdf[col]) or pd.api.types.is_bool_dtype(gdf[col]):
            continue
        vals = gdf[col].to_numpy(dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size == 0 or (vals.min() >= -1e-9 and vals.max() <= 1 + 1e-9):
            out.append(str(col))
    return out


def _check_columns(
    gdf: gpd.GeoDataFrame, columns: Sequence[str], *, name: str, signed: bool = False
) -> None:
    for col in columns:
        if col not in gdf.columns:
            raise MissingColumnError(
                f"Map layer {name!r} has no column {col!r}; pick from {list(gdf.columns)[:12]}."
            )
        if not pd.api.types.is_numeric_dtype(gdf[col]):
            raise MissingColumnError(
                f"Column {col!r} of map layer {name!r} is not numeric; pass share columns (0-1)."
            )
        vals = gdf[col].to_numpy(dtype=float)
        vals = vals[np.isfinite(vals)]
        lo = -1.0 if signed else 0.0
        if vals.size and (vals.min() < lo - 1e-9 or vals.max() > 1 + 1e-9):
            raise CodeError(
                f"Column {col!r} of map layer {name!r} has values outside {lo:g}–1 "
                f"({vals.min():g}–{vals.max():g}); pass shares (0-1), not counts or percentages."
            )


def _count_column(gdf: gpd.GeoDataFrame) -> str | None:
    for c in COUNT_COLUMNS:
        if c in gdf.columns and pd.api.types.is_numeric_dtype(gdf[c]):
            return c
    return None


def add_share_layers(
    b: MapBuilder,
    web: gpd.GeoDataFrame,
    columns: Sequence[str],
    *,
    labels: Mapping[str, str] | None,
    prefix: str = "",
    diverging: bool = False,
    group: str = "indicators",
    show_first: bool = True,
    fit: bool = True,
    name_column: str | None = None,
) -> list[str]:
    """Add one classed choropleth layer per column of a prepared (lon/lat) grid layer.

    Cells with a missing value (no homes) are not drawn; ``name_column`` names each polygon in
    its tooltip (e.g. the partitions of a batch). Returns the layer names.
    """
    if diverging:
        colours, classify = style.DIFF_COLOURS, style.diff_class
    else:
        colours, classify = style.SHARE_COLOURS, style.share_class
    styles = [
        poly_style(c, stroke="#ffffff", weight=0.4, fill_opacity=0.78, opacity=0.6) for c in colours
    ]
    count_col = _count_column(web)
    homes_word = b.t("homes")
    names = []
    grid: SharedGeometry | None = None
    for i, col in enumerate(columns):
        label = column_label(col, b.lang, labels)
        name = f"{prefix}{label}"
        vals = web[col].to_numpy(dtype=float)
        keep = np.isfinite(vals)
        if not keep.any():
            b.note(b.t("empty_layer", name=name))
            continue
        sub = web.loc[keep]
        v = vals[keep]
        idx = [classify(x) for x in v]
        tips = []
        counts = sub[count_col].to_numpy(dtype=float) if count_col else None
        area_names = sub[name_column].astype(str).tolist() if name_column else None
        for j, x in enumerate(v):
            tip = fmt_share(
                x, b.lang, signed=diverging, points=diverging
            )  # the label goes in front once per layer (tooltip_prefix)
            if counts is not None and np.isfinite(counts[j]):
                tip += f" ({fmt_number(counts[j], b.lang)} {homes_word})"
            if area_names is not None:
                tip = f"{area_names[j]}: {tip}"
            tips.append(html.escape(tip))
        if grid is None:  # the cells are written once and shared by every indicator's layer
            grid = b.share(web)
        minx, miny, maxx, maxy = (float(x) for x in sub.total_bounds)
        b.add_shared(
            grid,
            np.flatnonzero(keep).tolist(),
            name=name,
            styles=styles,
            style_idx=idx,
            tooltips=tips,
            tooltip_prefix=html.escape(f"{label}: "),
            bounds=(minx, miny, maxx, maxy) if fit else None,
            show=show_first and i == 0,
            group=group,
        )
        names.append(name)
    return names


def add_boundary(b: MapBuilder, boundary: gpd.GeoDataFrame | None, *, fit: bool = True) -> None:
    """Add the study-area outline as a non-interactive layer."""
    name = b.t("study_area")
    web = b.prepare(boundary, name=name)
    if web is None:
        return
    b.add(
        web,
        name=name,
        styles=[line_style(style.BOUNDARY_COLOUR, weight=2.5, dash="8 5")],
        interactive=False,
        fit=fit,
    )
    b.legend.append(
        LegendSection(name, [LegendItem(style.BOUNDARY_COLOUR, name, kind="line")], layer=name)
    )


def share_legend(
    b: MapBuilder,
    *,
    diverging: bool = False,
    title: str | None = None,
    layer: str | Sequence[str] | None = None,
) -> LegendSection:
    """Legend section of the share (or difference) classes."""
    if diverging:
        items = [
            LegendItem(c, lab)
            for c, lab in zip(style.DIFF_COLOURS, style.diff_legend_labels(b.lang), strict=True)
        ]
        head = title or (f"{b.t('difference')} ({b.t('pp')})")
    else:
        items = [
            LegendItem(c, lab)
            for c, lab in zip(style.SHARE_COLOURS, style.share_legend_labels(b.lang), strict=True)
        ]
        head = title or b.t("share_of_homes")
    items.append(LegendItem("transparent", b.t("cells_without_homes"), outline="#bbbbbb"))
    return LegendSection(head, items, layer=layer)


def access_map(
    per_cell: gpd.GeoDataFrame,
    /,
    *,
    columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str,
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
    subtitle: str = "",
    name_column: str | None = None,
) -> folium.Map:
    """Choropleth of access shares on grid cells (or hexagons): one layer per indicator.

    Indicators behave like radio buttons in the layer control (one shown at a time); values are
    shown in five classes of 20 percentage points. Cells with no value (no homes) are left out.

    Parameters
    ----------
    per_cell
        Polygons (e.g. ``SuiteResult.per_cell`` on the 250 m SSB grid) with share columns 0-1.
    columns
        Share columns to show; default :func:`share_columns` (every ``share_*`` column in 0-1).
    labels
        Layer names by column; default Norwegian (or English) labels of known columns.
    title, boundary, synthetic, sources, lang, subtitle
        As for :func:`study_area_map`; ``boundary`` is drawn as an outline.
    name_column
        A column naming each polygon, shown in its tooltip (e.g. a batch's partitions).

    Returns
    -------
    folium.Map

    Raises
    ------
    MissingColumnError
        A requested column is missing or not numeric.
    CodeError
        A column has values outside 0-1.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> cells = gpd.GeoDataFrame({"share_within_500m_green": [0.9, 0.3]},
    ...     geometry=[box(590000, 6640000, 590250, 6640250), box(590250, 6640000, 590500, 6640250)],
    ...     crs=25832)
    >>> access_map(cells, title="Tilgang").arealanalyse_layers
    ['Andel boliger innen 500 m fra grøntområde']
    """
    name = "per_cell"
    cols = list(columns) if columns is not None else share_columns(per_cell)
    _check_columns(per_cell, cols, name=name)
    b = MapBuilder(title=title, lang=lang, synthetic=synthetic, sources=sources, subtitle=subtitle)
    keep = [c for c in cols] + [c for c in COUNT_COLUMNS if c in per_cell.columns]
    keep += [name_column] if name_column else []
    web = b.prepare(
        per_cell[[*dict.fromkeys(keep), per_cell.geometry.name]],
        name=b.t("grid"),
        simplify_m=0.0,
    )
    if not cols:
        b.note(b.t("no_share_columns"))
    if web is not None and cols:
        names = add_share_layers(b, web, cols, labels=labels, name_column=name_column)
        b.legend.append(share_legend(b, layer=names))
    add_boundary(b, boundary)
    return b.build()
