"""Scenario maps: sites by ABC class or verdict, before/after/difference, and comparisons."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import folium
import geopandas as gpd
import pandas as pd

from arealanalyse.errors import MissingColumnError
from arealanalyse.i18n import Lang, column_label, msgs
from arealanalyse.maps import style
from arealanalyse.maps._base import (
    SIMPLIFY_M,
    LegendItem,
    LegendSection,
    MapBuilder,
    point_style,
    poly_style,
    popup_html,
)
from arealanalyse.maps.access import (
    _check_columns,
    add_boundary,
    add_share_layers,
    share_columns,
    share_legend,
)

if TYPE_CHECKING:
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["compare_map", "default_popup_columns", "scenario_map"]

ColorBy = Literal["abc_class", "verdict"]

#: Site columns shown in popups by default, in this order, when present.
POPUP_ORDER: tuple[str, ...] = (
    "name",
    "use",
    "bra_m2",
    "dwellings",
    "jobs",
    "year",
    "area_daa",
    "farmland_daa",
    "green_daa",
    "abc_class",
    "abc_basis",
    "oev_class",
    "dist_rail_m",
    "dist_knutepunkt_m",
    "in_area",
    "verdict",
)


def default_popup_columns(sites: gpd.GeoDataFrame) -> list[str]:
    """Known site columns (:data:`POPUP_ORDER`) then every rule verdict (``verdict_*``, ``rule_*``).

    When none of those is present, every attribute column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"jobs": [10], "name": ["A"], "verdict_R1": ["pass"], "x": [1]},
    ...     geometry=[Point(0, 0)], crs=25832)
    >>> default_popup_columns(s)
    ['name', 'jobs', 'verdict_R1']
    """
    cols = [c for c in POPUP_ORDER if c in sites.columns]
    cols += [
        str(c) for c in sites.columns if str(c).startswith(("verdict_", "rule_")) and c not in cols
    ]
    if not cols:
        cols = [str(c) for c in sites.columns if c != sites.geometry.name]
    return cols


def _class_palette(
    color_by: str, values: pd.Series, lang: Lang
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Ordered class values present, their colours and legend labels."""
    if color_by == "abc_class":
        known, labels = style.ABC_COLOURS, msgs("abc", lang)
    elif color_by == "verdict" or color_by.startswith(("verdict_", "rule_")):
        known, labels = style.VERDICT_COLOURS, msgs("verdict", lang)
    else:
        known, labels = {}, {}
    present = set(values.astype(str))
    order = [k for k in known if k in present] + sorted(present - set(known))
    colours = {k: known.get(k, style.MISSING_COLOUR) for k in order}
    return order, colours, {k: labels.get(k, k) for k in order}


def _add_sites(
    b: MapBuilder,
    sites: gpd.GeoDataFrame,
    *,
    name: str,
    color_by: str,
    popup_columns: Sequence[str] | None,
    labels: Mapping[str, str] | None,
    outline: str | None = None,
    simplify_m: float,
) -> tuple[list[str], dict[str, str], dict[str, str]] | None:
    if color_by not in sites.columns:
        raise MissingColumnError(
            f"Scenario sites {name!r} have no column {color_by!r} to colour by; "
            f"use color_by='abc_class' or 'verdict' (columns: {list(sites.columns)[:12]})."
        )
    cols = list(popup_columns) if popup_columns is not None else default_popup_columns(sites)
    missing = [c for c in cols if c not in sites.columns]
    if missing:
        raise MissingColumnError(
            f"Scenario sites {name!r} lack popup columns {missing}; drop them or add the columns."
        )
    web = b.prepare(
        sites[[*dict.fromkeys([*cols, color_by]), sites.geometry.name]],
        name=name,
        simplify_m=simplify_m,
    )
    if web is None:
        return None
    values = web[color_by].fillna("–").astype(str)
    order, colours, class_labels = _class_palette(color_by, values, b.lang)
    is_point = web.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    styles: list[dict[str, Any]] = []
    index: dict[tuple[str, bool], int] = {}
    for k in order:
        index[(k, False)] = len(styles)
        styles.append(
            poly_style(
                colours[k],
                stroke=outline or "#222222",
                weight=3.0 if outline else 1.2,
                fill_opacity=0.75,
            )
        )
        index[(k, True)] = len(styles)
        styles.append(point_style(colours[k], radius=7.0, stroke=outline or "#222222"))
    idx = [index[(v, bool(p))] for v, p in zip(values, is_point, strict=True)]
    heading_col = "name" if "name" in web.columns else None
    pops, tips = [], []
    class_title = column_label(color_by, b.lang, labels)
    for (_, row), v in zip(web.iterrows(), values, strict=True):
        heading = str(row[heading_col]) if heading_col and pd.notna(row[heading_col]) else None
        pops.append(popup_html(row, cols, b.lang, labels=labels, heading=heading))
        tip = f"{heading} – " if heading else ""
        tips.append(html.escape(f"{tip}{class_title}: {class_labels.get(v, v)}"))
    # A pin on each polygon site keeps small sites visible when zoomed out.
    poly = ~is_point
    if poly.any():
        pins = web.loc[poly].copy()
        pins = pins.set_geometry(pins.geometry.representative_point())
        web = gpd.GeoDataFrame(pd.concat([web, pins]), crs=web.crs)
        idx += [index[(v, True)] for v in values[poly]]
        pops += [p for p, keep in zip(pops, poly, strict=True) if keep]
        tips += [t for t, keep in zip(tips, poly, strict=True) if keep]
    b.add(web, name=name, styles=styles, style_idx=idx, popups=pops, tooltips=tips)
    return order, colours, class_labels


def _class_legend(
    b: MapBuilder,
    color_by: str,
    order: Sequence[str],
    colours: Mapping[str, str],
    class_labels: Mapping[str, str],
    labels: Mapping[str, str] | None,
) -> LegendSection:
    title = column_label(color_by, b.lang, labels)
    return LegendSection(title, [LegendItem(colours[k], class_labels[k]) for k in order])


def scenario_map(
    sites: gpd.GeoDataFrame,
    /,
    *,
    title: str,
    color_by: str = "abc_class",
    popup_columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    baseline: gpd.GeoDataFrame | None = None,
    scenario: gpd.GeoDataFrame | None = None,
    difference: gpd.GeoDataFrame | None = None,
    columns: Sequence[str] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
    subtitle: str = "",
    simplify_m: float = SIMPLIFY_M,
) -> folium.Map:
    """Map of a scenario's sites, with optional before/after/difference layers on the grid.

    Sites are coloured by ABC class (A/B/C) or compliance verdict (pass/warn/fail/
    not_applicable); their popups list ``popup_columns`` with readable labels (BRA, jobs, land
    taken, each rule's verdict...). Per-cell results before (``baseline``) and after
    (``scenario``) become one layer per share column, and ``difference`` one diverging layer per
    column (e.g. :func:`arealanalyse.metrics.grid.share_difference`); all grid layers act as radio
    buttons (one shown at a time). Nothing is computed here: a difference is drawn only when given.

    Parameters
    ----------
    sites
        Scenario sites (polygons or points), e.g. ``ScenarioResult.sites`` with verdict columns.
    title
        Map title.
    color_by
        ``"abc_class"``, ``"verdict"`` or any other column (e.g. one rule's ``verdict_<id>``).
    popup_columns
        Columns listed in popups; default :func:`default_popup_columns`.
    labels
        Labels by column name, overriding the built-in Norwegian/English ones.
    baseline, scenario, difference
        Per-cell results (polygons with share columns 0-1; differences in -1..1).
    columns
        Share columns of the per-cell layers; default every ``share_*`` column in 0-1.
    boundary, synthetic, sources, lang, subtitle, simplify_m
        As for :func:`~arealanalyse.maps.study_area_map`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame({"name": ["Lysaker"], "bra_m2": [12000.0], "abc_class": ["A"]},
    ...     geometry=[box(592000, 6643000, 592200, 6643200)], crs=25832)
    >>> scenario_map(sites, title="Scenario").arealanalyse_layers
    ['Scenarioområder']
    """
    b = MapBuilder(title=title, lang=lang, synthetic=synthetic, sources=sources, subtitle=subtitle)
    has_sites = sites is not None and len(sites) > 0
    # Zoom to the sites when there are any; the grid and outline are context.
    _grid_layers(b, baseline, scenario, difference, columns, labels, fit=not has_sites)
    add_boundary(b, boundary, fit=not has_sites)
    name = b.t("sites")
    if sites is None or len(sites) == 0:
        b.note(b.t("empty_sites"))
    else:
        drawn = _add_sites(
            b,
            sites,
            name=name,
            color_by=color_by,
            popup_columns=popup_columns,
            labels=labels,
            simplify_m=simplify_m,
        )
        if drawn is None:
            b.notes[:] = [n for n in b.notes if name not in n]
            b.note(b.t("empty_sites"))
        else:
            b.legend.insert(0, _class_legend(b, color_by, *drawn, labels))
    return b.build()


def _grid_layers(
    b: MapBuilder,
    baseline: gpd.GeoDataFrame | None,
    scenario: gpd.GeoDataFrame | None,
    difference: gpd.GeoDataFrame | None,
    columns: Sequence[str] | None,
    labels: Mapping[str, str] | None,
    *,
    fit: bool = True,
) -> None:
    frames = [f for f in (baseline, scenario) if f is not None]
    if not frames and difference is None:
        return
    if columns is None:
        first = frames[0] if frames else difference
        assert first is not None
        cols = (
            share_columns(first)
            if frames
            else [
                str(c)
                for c in first.columns
                if str(c).startswith("share_") and pd.api.types.is_numeric_dtype(first[c])
            ]
        )
    else:
        cols = list(columns)
    shown_diff = False
    share_layers: list[str] = []
    if difference is not None:
        _check_columns(difference, cols, name="difference", signed=True)
        web = b.prepare(
            difference[[*cols, difference.geometry.name]], name=b.t("difference"), simplify_m=0.0
        )
        if web is not None:
            names = add_share_layers(
                b,
                web,
                cols,
                labels=labels,
                diverging=True,
                prefix=f"{b.t('difference')}: ",
                group="cells",
                fit=fit,
            )
            shown_diff = bool(names)
            if names:
                b.legend.append(share_legend(b, diverging=True, layer=names))
    for frame, key in ((baseline, "baseline"), (scenario, "scenario")):
        if frame is None:
            continue
        _check_columns(frame, cols, name=key)
        keep = [*cols, *[c for c in ("dwellings", "homes", "population") if c in frame.columns]]
        web = b.prepare(
            frame[[*dict.fromkeys(keep), frame.geometry.name]], name=b.t(key), simplify_m=0.0
        )
        if web is None:
            continue
        names = add_share_layers(
            b,
            web,
            cols,
            labels=labels,
            prefix=f"{b.t(key)}: ",
            group="cells",
            show_first=not shown_diff,
            fit=fit,
        )
        shown_diff = shown_diff or bool(names)
        share_layers += names
    if share_layers:
        b.legend.append(share_legend(b, layer=share_layers))


def compare_map(
    scenarios: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    title: str,
    color_by: str = "abc_class",
    popup_columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
    subtitle: str = "",
    simplify_m: float = SIMPLIFY_M,
) -> folium.Map:
    """Sites of several scenarios, one toggleable layer per scenario.

    Fills show ``color_by`` (ABC class or verdict) as in :func:`scenario_map`; each scenario has
    its own outline colour so overlapping sites stay distinguishable. Scenarios without sites get
    a note.

    Parameters
    ----------
    scenarios
        Sites by scenario name (layer names follow the mapping's order).
    title, color_by, popup_columns, labels, boundary, synthetic, sources, lang, subtitle, simplify_m
        As for :func:`scenario_map`.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"abc_class": ["A"]}, geometry=[box(0, 0, 100, 100)], crs=25832)
    >>> b = gpd.GeoDataFrame({"abc_class": ["C"]}, geometry=[box(200, 0, 300, 100)], crs=25832)
    >>> compare_map({"Fortett": a, "Spre": b}, title="Sammenligning").arealanalyse_layers
    ['Fortett', 'Spre']
    """
    b = MapBuilder(title=title, lang=lang, synthetic=synthetic, sources=sources, subtitle=subtitle)
    has_sites = any(sites is not None and len(sites) for sites in scenarios.values())
    add_boundary(b, boundary, fit=not has_sites)  # zoom to the sites; the outline is context
    all_order: list[str] = []
    colours: dict[str, str] = {}
    class_labels: dict[str, str] = {}
    outlines: list[LegendItem] = []
    if not scenarios:
        b.note(b.t("empty_sites"))
    for i, (scen_name, sites) in enumerate(scenarios.items()):
        outline = style.SCENARIO_OUTLINES[i % len(style.SCENARIO_OUTLINES)]
        if sites is None or len(sites) == 0:
            b.note(f"{scen_name}: {b.t('empty_sites')}")
            continue
        drawn = _add_sites(
            b,
            sites,
            name=str(scen_name),
            color_by=color_by,
            popup_columns=popup_columns,
            labels=labels,
            outline=outline,
            simplify_m=simplify_m,
        )
        if drawn is None:
            continue
        order, col, lab = drawn
        all_order += [k for k in order if k not in all_order]
        colours.update(col)
        class_labels.update(lab)
        outlines.append(LegendItem("transparent", str(scen_name), outline=outline))
    if all_order:
        known = list(style.ABC_COLOURS) + list(style.VERDICT_COLOURS)
        all_order.sort(key=lambda k: (known.index(k) if k in known else len(known), k))
        b.legend.append(_class_legend(b, color_by, all_order, colours, class_labels, labels))
    if outlines:
        b.legend.append(LegendSection(b.t("scenario_outline"), outlines))
    b.legend.sort(key=lambda sec: sec.layer_names == [b.t("study_area")])  # outline last
    return b.build()
