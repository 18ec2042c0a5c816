"""The study-area map: boundary, zoning, farmland, green areas, named areas, transit and E18."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import pandas as pd

from arealanalyse.i18n import (
    Lang,
    ar5_label,
    cell_text,
    column_label,
    fmt_number,
    msg_or,
    value_label,
    zoning_label,
)
from arealanalyse.layers import codes
from arealanalyse.maps import style
from arealanalyse.maps._base import (
    SIMPLIFY_M,
    LegendItem,
    LegendSection,
    MapBuilder,
    line_style,
    point_style,
    poly_style,
)
from arealanalyse.maps.transit import add_oev_classes, add_stop_places

if TYPE_CHECKING:
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["study_area_map"]

_E18 = re.compile(r"(?<![A-Za-z0-9])E\s?18(?![0-9])", re.IGNORECASE)


def _str_col(gdf: gpd.GeoDataFrame, col: str, default: str = "") -> pd.Series:
    if col in gdf.columns:
        return gdf[col].fillna(default).astype(str)
    return pd.Series(default, index=gdf.index, dtype=object)


def _zoning(b: MapBuilder, zoning: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    name = b.t("zoning")
    web = b.prepare(zoning, name=name, simplify_m=simplify_m)
    if web is None:
        return
    if "category" in web.columns:
        cats = web["category"].fillna("annet").astype(str)
    elif "arealformal" in web.columns:
        cats = web["arealformal"].map(
            lambda c: codes.AREALFORMAL.get(int(c), ("", "annet"))[1] if pd.notna(c) else "annet"
        )
    else:
        cats = pd.Series("annet", index=web.index)
    order = [c for c in style.ZONING_COLOURS if c in set(cats)]
    order += sorted(set(cats) - set(order))
    planned = _str_col(web, "status") == "planned"
    styles: list[dict[str, Any]] = []
    index: dict[tuple[str, bool], int] = {}
    for cat in order:
        for is_planned in (False, True):
            index[(cat, is_planned)] = len(styles)
            colour = style.ZONING_COLOURS.get(cat, style.MISSING_COLOUR)
            styles.append(
                poly_style(
                    colour,
                    stroke="#333333" if is_planned else "#777777",
                    weight=1.6 if is_planned else 0.5,
                    fill_opacity=0.75,
                    dash="5 4" if is_planned else None,
                )
            )
    idx = [index[(c, p)] for c, p in zip(cats, planned, strict=True)]
    names = _str_col(web, "arealformal_navn")
    codes_ = web["arealformal"] if "arealformal" in web.columns else pd.Series("", index=web.index)
    planned_word = b.t("planned_suffix")
    tips = []
    for cat, nm, code, p in zip(cats, names, codes_, planned, strict=True):
        label = nm or zoning_label(cat, b.lang)
        code_txt = f" ({int(code)})" if pd.notna(code) and str(code) != "" else ""
        tips.append(html.escape(f"{label}{code_txt}{planned_word if p else ''}"))
    b.add(web, name=name, styles=styles, style_idx=idx, tooltips=tips)
    items = [
        LegendItem(style.ZONING_COLOURS.get(c, style.MISSING_COLOUR), zoning_label(c, b.lang))
        for c in order
    ]
    if planned.any():
        items.append(LegendItem("#ffffff", b.t("planned_legend"), outline="#333333"))
    b.legend.append(LegendSection(name, items, layer=name))


def _farmland(b: MapBuilder, farmland: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    name = b.t("farmland")
    web = b.prepare(farmland, name=name, simplify_m=simplify_m)
    if web is None:
        return
    types = (
        (web["arealtype"] if "arealtype" in web.columns else pd.Series(21, index=web.index))
        .fillna(0)
        .astype(int)
    )
    order = [t for t in style.AR5_COLOURS if t in set(types)]
    order += sorted(set(types) - set(order))
    styles = [
        poly_style(
            style.AR5_COLOURS.get(t, style.MISSING_COLOUR),
            stroke="#8a6d00",
            weight=0.5,
            fill_opacity=0.8,
        )
        for t in order
    ]
    pos = {t: i for i, t in enumerate(order)}
    area = web["area_daa"] if "area_daa" in web.columns else pd.Series(float("nan"), web.index)
    tips = [
        html.escape(f"{ar5_label(t, b.lang)} – {fmt_number(a, b.lang, 1)} daa")
        for t, a in zip(types, area, strict=True)
    ]
    b.add(
        web, name=name, styles=styles, style_idx=[pos[t] for t in types], tooltips=tips, show=False
    )
    b.legend.append(
        LegendSection(
            name,
            [
                LegendItem(style.AR5_COLOURS.get(t, style.MISSING_COLOUR), ar5_label(t, b.lang))
                for t in order
            ],
            layer=name,
        )
    )


def _green(b: MapBuilder, green: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    name = b.t("green")
    web = b.prepare(green, name=name, simplify_m=simplify_m)
    if web is None:
        return
    names = _str_col(web, "name")
    types = _str_col(web, "green_type", "other")
    tips = []
    for nm, gt in zip(names, types, strict=True):
        label = msg_or(f"green_type.{gt}", gt.replace("_", " "), b.lang)
        tips.append(html.escape(f"{nm} ({label})" if nm else label))
    b.add(
        web,
        name=name,
        styles=[poly_style(style.GREEN_COLOUR, stroke="#1e5e27", fill_opacity=0.45)],
        tooltips=tips,
        show=False,
    )
    b.legend.append(LegendSection(name, [LegendItem(style.GREEN_COLOUR, name)], layer=name))


def _areas(b: MapBuilder, areas: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    name = b.t("areas")
    web = b.prepare(areas, name=name, simplify_m=simplify_m)
    if web is None:
        return
    names = _str_col(web, "name")
    types = _str_col(web, "area_type", "other")
    tips = [
        html.escape(f"{nm} – {value_label(t, b.lang)}") for nm, t in zip(names, types, strict=True)
    ]
    fill = poly_style(
        style.AREAS_COLOUR, stroke=style.AREAS_COLOUR, weight=2.0, fill_opacity=0.08, dash="6 4"
    )
    b.add(web, name=name, styles=[fill], tooltips=tips)
    b.legend.append(
        LegendSection(
            name, [LegendItem("transparent", name, outline=style.AREAS_COLOUR)], layer=name
        )
    )


def _walk_areas(
    b: MapBuilder, service_areas: Any, transit: gpd.GeoDataFrame | None, simplify_m: float
) -> None:
    name = b.t("walk_areas")
    if service_areas is None:
        if transit is not None and len(transit):
            b.note(b.t("no_walk_areas"))
        return
    if isinstance(service_areas, gpd.GeoSeries):
        gdf = gpd.GeoDataFrame(geometry=service_areas)
    else:
        gdf = service_areas
    if transit is not None and "name" in transit.columns and "name" not in gdf.columns:
        gdf = gdf.assign(name=transit["name"].reindex(gdf.index))
    web = b.prepare(gdf, name=name, simplify_m=simplify_m)
    if web is None:
        return
    names = _str_col(web, "name")
    suffix = b.t("walk_suffix")
    tips = [html.escape(f"{n}{suffix}") if n else None for n in names]
    fill = poly_style(
        style.WALK_AREA_COLOUR, stroke=style.WALK_AREA_COLOUR, weight=1.2, fill_opacity=0.18
    )
    b.add(web, name=name, styles=[fill], tooltips=tips)
    b.legend.append(
        LegendSection(
            name,
            [
                LegendItem(
                    "rgba(31,120,180,.3)", b.t("walk_areas_legend"), outline=style.WALK_AREA_COLOUR
                )
            ],
            layer=name,
        )
    )


def _boundary(b: MapBuilder, boundary: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    name = b.t("study_area")
    web = b.prepare(boundary, name=name, simplify_m=simplify_m)
    if web is None:
        return
    tips = [html.escape(n) if n else None for n in _str_col(web, "name")]
    b.add(
        web,
        name=name,
        styles=[line_style(style.BOUNDARY_COLOUR, weight=2.5, dash="8 5")],
        tooltips=tips,
        interactive=False,
    )
    b.legend.append(
        LegendSection(name, [LegendItem(style.BOUNDARY_COLOUR, name, kind="line")], layer=name)
    )


def _e18(b: MapBuilder, roads: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    if roads is None:
        return
    name = b.t("e18")
    ref = _str_col(roads, "ref")
    e18 = roads.loc[ref.map(lambda r: bool(_E18.search(r))).to_numpy()]
    web = b.prepare(e18, name=name, simplify_m=simplify_m)
    if web is None:
        return
    b.add(
        web,
        name=name,
        styles=[line_style(style.E18_COLOUR, weight=5, opacity=0.85)],
        tooltips=["E18"] * len(web),
    )
    b.legend.append(
        LegendSection(name, [LegendItem(style.E18_COLOUR, "E18", kind="line")], layer=name)
    )


def _transit(b: MapBuilder, transit: gpd.GeoDataFrame | None, *, buses: bool) -> None:
    """Transit nodes (rail, metro, tram, ferry) or, with ``buses``, the bus stops."""
    if transit is None:
        return
    modes_all = _str_col(transit, "mode", "bus")
    is_node = modes_all.isin(codes.NODE_MODES).to_numpy()
    name = b.t("bus_stops") if buses else b.t("transit")
    subset = transit.loc[~is_node] if buses else transit.loc[is_node]
    if subset.empty:
        return  # a study area without bus stops (or without nodes) needs no note
    web = b.prepare(subset, name=name, simplify_m=0.0)
    if web is None:
        return
    web = web.assign(geometry=web.geometry.representative_point())
    modes = _str_col(web, "mode", "bus")
    order = [m for m in style.TRANSIT_COLOURS if m in set(modes)]
    order += sorted(set(modes) - set(order))
    radius = {"rail": 8.0, "metro": 7.0, "tram": 6.0, "ferry": 6.0}
    styles = [
        point_style(
            style.TRANSIT_COLOURS.get(m, "#555555"),
            radius=radius.get(m, 3.0),
            stroke="#ffffff" if m in codes.NODE_MODES else "#0b2e59",
        )
        for m in order
    ]
    pos = {m: i for i, m in enumerate(order)}
    names = _str_col(web, "name")
    mode_label = {m: msg_or(f"transit_mode.{m}", m, b.lang) for m in order}
    tips = [html.escape(f"{n} ({mode_label[m]})") for n, m in zip(names, modes, strict=True)]
    cols = [c for c in ("name", "mode", "departures_per_hour", "status") if c in web.columns]
    labels = {
        "mode": b.t("mode"),
        "departures_per_hour": b.t("departures_per_hour"),
        "status": "Status",
    }
    pops = []
    for _, row in web.iterrows():
        rows = []
        for c in cols:
            v = row[c]
            if c == "mode":
                v = mode_label.get(str(v), v)
            text = cell_text(c, v, b.lang)
            rows.append(
                f"<tr><th>{html.escape(column_label(c, b.lang, labels))}</th>"
                f"<td>{html.escape(text)}</td></tr>"
            )
        pops.append(f"<table>{''.join(rows)}</table>")
    b.add(
        web,
        name=name,
        styles=styles,
        style_idx=[pos[m] for m in modes],
        tooltips=tips,
        popups=pops,
        show=not buses,  # many small dots: off until asked for
    )
    items = [
        LegendItem(style.TRANSIT_COLOURS.get(m, "#555555"), mode_label[m], kind="dot")
        for m in order
    ]
    if buses and len(items) == 1:
        items[0].label = name
    b.legend.append(LegendSection(name, items, layer=name))


def study_area_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    title: str,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    service_areas: gpd.GeoSeries | gpd.GeoDataFrame | None = None,
    lang: Lang = "nb",
    subtitle: str = "",
    simplify_m: float = SIMPLIFY_M,
    oev_classes: gpd.GeoDataFrame | None = None,
    stop_places: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Map of a study area with each canonical layer in its own toggleable layer.

    Draws, bottom to top: zoning (``zoning``) in the Norwegian plan colours by arealformål
    category, farmland (``farmland``) by AR5 class, green areas (``green``), named strategic areas
    (``areas``), the 5-minute walk areas around transit nodes (``service_areas``), the study-area
    outline (``boundary``), E18 (``roads`` with ``ref`` E18), bus stops and the transit nodes
    (rail, metro, tram and ferry stops of ``transit``, drawn larger).
    Other kinds are ignored; missing or empty layers are skipped with a note on the map.

    Parameters
    ----------
    layers
        Canonical layers by kind, in any CRS (shown in lon/lat; not modified).
    title
        Map title.
    synthetic
        Show the "synthetic demo data" banner.
    sources
        Data sources with licences (strings, mappings or objects with ``name``, ``licence``,
        ``attribution``, ``url``; e.g. ``Catalogue.sources``).
    service_areas
        Network-based walk areas around the transit nodes (``WalkNetwork.service_areas``), as a
        GeoSeries or GeoDataFrame indexed like ``layers["transit"]``. Drawn, never computed here.
    lang
        ``"nb"`` (Norwegian bokmål, default) or ``"en"``.
    subtitle
        A line under the title.
    simplify_m
        Display simplification tolerance in metres.
    oev_classes
        ÖV-Güteklassen polygons (:func:`arealanalyse.transit.catchments.oev_class_areas`),
        drawn in class colours A-F.
    stop_places
        Stop places with frequency measures (:func:`arealanalyse.transit.service_levels`):
        coloured by station category, knutepunkter larger, departures in the popups.

    Returns
    -------
    folium.Map
        Write it with :func:`arealanalyse.maps.save_map`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box, Point
    >>> zoning = gpd.GeoDataFrame({"arealformal": [1110, 1300], "category": ["bolig", "naering"]},
    ...     geometry=[box(590000, 6640000, 590500, 6640500), box(590500, 6640000, 591000, 6640500)],
    ...     crs=25832)
    >>> transit = gpd.GeoDataFrame({"name": ["Sandvika"], "mode": ["rail"]},
    ...     geometry=[Point(590500, 6640250)], crs=25832)
    >>> m = study_area_map({"zoning": zoning, "transit": transit}, title="Test")
    >>> m.arealanalyse_layers
    ['Arealformål', 'Kollektivknutepunkter']
    """
    b = MapBuilder(title=title, lang=lang, synthetic=synthetic, sources=sources, subtitle=subtitle)
    get = layers.get
    _zoning(b, get("zoning"), simplify_m)
    _farmland(b, get("farmland"), simplify_m)
    _green(b, get("green"), simplify_m)
    _areas(b, get("areas"), simplify_m)
    add_oev_classes(b, oev_classes, simplify_m)
    _walk_areas(b, service_areas, get("transit"), simplify_m)
    _boundary(b, get("boundary"), simplify_m)
    _e18(b, get("roads"), simplify_m)
    _transit(b, get("transit"), buses=True)
    _transit(b, get("transit"), buses=False)
    add_stop_places(b, stop_places)
    return b.build()
