"""The arealregnskap map: the plans, the reserve, and what the new plan opens for building.

Layers, bottom to top: the current plan and the new plan (arealformål colours; the new plan is
shown first), the unbuilt reserve of the current plan, the land the new plan opens for building
coloured by its AR5 class today, the land it returns from development, and the outlines of the
strandsone, hazard zones and naturtyper. Draws what the arealregnskap computed; computes
nothing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import pandas as pd

from arealanalyse.i18n import Lang, ar5_label, fmt_number, msg, zoning_label
from arealanalyse.layers import codes
from arealanalyse.maps import style
from arealanalyse.maps._base import SIMPLIFY_M, LegendItem, LegendSection, MapBuilder, poly_style

if TYPE_CHECKING:
    from arealanalyse.arealregnskap.compute import Arealregnskap
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["arealregnskap_map"]


def _plan_layer(
    b: MapBuilder, plan: gpd.GeoDataFrame | None, name: str, *, show: bool, simplify_m: float
) -> None:
    web = b.prepare(plan, name=name, simplify_m=simplify_m)
    if web is None:
        return
    cats = web["arealformal"].map(lambda c: codes.AREALFORMAL.get(int(c), ("", "annet"))[1])
    order = [c for c in style.ZONING_COLOURS if c in set(cats)]
    planned = (web["status"] == "planned") if "status" in web else pd.Series(False, web.index)
    styles: list[dict[str, Any]] = []
    index: dict[tuple[str, bool], int] = {}
    for cat in order:
        for is_planned in (False, True):
            index[(cat, is_planned)] = len(styles)
            styles.append(
                poly_style(
                    style.ZONING_COLOURS[cat],
                    stroke="#333333" if is_planned else "#888888",
                    weight=1.4 if is_planned else 0.4,
                    fill_opacity=0.7,
                    dash="5 4" if is_planned else None,
                )
            )
    tips = [
        html.escape(f"{int(c)} {codes.AREALFORMAL.get(int(c), ('?', ''))[0]}")
        for c in web["arealformal"]
    ]
    b.add(
        web,
        name=name,
        styles=styles,
        style_idx=[index[(c, bool(p))] for c, p in zip(cats, planned, strict=True)],
        tooltips=tips,
        show=show,
    )
    b.legend.append(
        LegendSection(
            name,
            [LegendItem(style.ZONING_COLOURS[c], zoning_label(c, b.lang)) for c in order],
            layer=name,
        )
    )


def _ar5_layer(b: MapBuilder, by_class: gpd.GeoDataFrame, name: str, simplify_m: float) -> None:
    if by_class.empty:
        return
    web = b.prepare(by_class, name=name, simplify_m=simplify_m)
    if web is None:
        return
    types = [int(t) for t in web["arealtype"]]
    styles = [
        poly_style(
            style.AR5_ALL_COLOURS.get(t, "#cccccc"), stroke="#b30000", weight=1.5, fill_opacity=0.85
        )
        for t in types
    ]
    tips = [
        html.escape(f"{ar5_label(t, b.lang)}: {fmt_number(a, b.lang, 1)} daa")
        for t, a in zip(types, web["area_daa"], strict=True)
    ]
    b.add(web, name=name, styles=styles, style_idx=list(range(len(web))), tooltips=tips)
    b.legend.append(
        LegendSection(
            name,
            [
                LegendItem(
                    style.AR5_ALL_COLOURS.get(t, "#cccccc"), ar5_label(t, b.lang), outline="#b30000"
                )
                for t in types
            ],
            layer=name,
        )
    )


def _outline_layer(
    b: MapBuilder,
    gdf: gpd.GeoDataFrame | None,
    name: str,
    colour: str,
    label_col: str | None,
    simplify_m: float,
    *,
    fill_opacity: float = 0.08,
) -> None:
    web = b.prepare(gdf, name=name, simplify_m=simplify_m)
    if web is None:
        return
    tips = None
    if label_col and label_col in web.columns:
        tips = [html.escape(str(v)) for v in web[label_col]]
    b.add(
        web,
        name=name,
        styles=[
            poly_style(colour, stroke=colour, weight=1.6, fill_opacity=fill_opacity, dash="4 3")
        ],
        tooltips=tips,
        show=False,
    )
    b.legend.append(LegendSection(name, [LegendItem(colour, name, outline=colour)], layer=name))


def arealregnskap_map(
    result: Arealregnskap,
    /,
    *,
    current_plan: gpd.GeoDataFrame,
    new_plan: gpd.GeoDataFrame | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    title: str,
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    lang: Lang = "nb",
    simplify_m: float = SIMPLIFY_M,
) -> folium.Map:
    """Map of an arealregnskap: plans, reserve, newly opened and returned land, overlays.

    Parameters
    ----------
    result
        The computed arealregnskap.
    current_plan, new_plan
        The plans (``zoning`` layers) it was computed from.
    layers
        The canonical layers used (``sea``, ``hazard_zones``, ``nature_types`` are outlined).
    title, synthetic, sources, lang, simplify_m
        As for the other maps (:mod:`arealanalyse.maps`).
    """
    b = MapBuilder(title=title, lang=lang, synthetic=synthetic, sources=sources)
    layers = layers or {}
    if new_plan is not None:
        _plan_layer(
            b, current_plan, msg("ar.plan.current", lang), show=False, simplify_m=simplify_m
        )
        _plan_layer(b, new_plan, msg("ar.plan.new", lang), show=True, simplify_m=simplify_m)
    else:
        _plan_layer(b, current_plan, msg("ar.plan.current", lang), show=True, simplify_m=simplify_m)
    reserve = result.reserve_current
    if len(reserve):
        web = b.prepare(reserve, name=msg("ar.map.reserve", lang), simplify_m=simplify_m)
        if web is not None:
            codes_ = current_plan["arealformal"].to_numpy()[web["plan_pos"].to_numpy()]
            tips = [
                html.escape(
                    f"{int(c)} {codes.AREALFORMAL.get(int(c), ('?', ''))[0]}: "
                    f"{fmt_number(a / 1000.0, lang, 1)} daa"
                )
                for c, a in zip(codes_, web["area_m2"], strict=True)
            ]
            b.add(
                web,
                name=msg("ar.map.reserve", lang),
                styles=[poly_style("#ff7f00", stroke="#b35900", weight=0.8, fill_opacity=0.45)],
                tooltips=tips,
            )
            b.legend.append(
                LegendSection(
                    msg("ar.map.reserve", lang),
                    [LegendItem("#ff7f00", msg("ar.map.reserve", lang), outline="#b35900")],
                    layer=msg("ar.map.reserve", lang),
                )
            )
    if result.has_new_plan:
        opened = result.dissolved("opened", by="arealtype")
        _ar5_layer(b, opened, msg("ar.map.opened", lang), simplify_m)
        returned = result.dissolved("returned", by="new_code")
        if not returned.empty:
            _outline_layer(
                b, returned, msg("ar.change.returned", lang), "#1a9850", None, simplify_m,
                fill_opacity=0.5,
            )  # fmt: skip
    if "strandsone" in result.flags:
        zone = result.dissolved("strandsone")
        if not zone.empty:
            _outline_layer(
                b, zone, msg("ar.map.strandsone", lang), "#1f78b4", None, simplify_m
            )  # fmt: skip
    _outline_layer(
        b, layers.get("hazard_zones"), msg("ar.map.hazard", lang), "#d7191c", "name", simplify_m
    )
    _outline_layer(
        b,
        layers.get("nature_types"),
        msg("ar.map.nature", lang),
        "#6a3d9a",
        "nature_type",
        simplify_m,
    )
    return b.build()
