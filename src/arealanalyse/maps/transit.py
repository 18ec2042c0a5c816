"""Map layers of the frequency measures: ÖV-Güteklassen areas and stop places by category.

Drawn on the study-area map (:func:`arealanalyse.maps.study_area_map`) when the study area has a
timetable: the class polygons A-F (``oev_classes``, from
:func:`arealanalyse.transit.catchments.oev_class_areas`) and the stop places coloured by station
category, knutepunkter drawn larger, with departures and headways in the popups.
"""

from __future__ import annotations

import html
import math

import geopandas as gpd
import pandas as pd

from arealanalyse.i18n import fmt_number, msg, msgs, oev_class_label
from arealanalyse.maps import style
from arealanalyse.maps._base import LegendItem, LegendSection, MapBuilder, point_style, poly_style

__all__ = ["add_oev_classes", "add_stop_places"]

_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII")


def add_oev_classes(b: MapBuilder, areas: gpd.GeoDataFrame | None, simplify_m: float) -> None:
    """Draw the ÖV-Güteklassen polygons, one colour per class (A best)."""
    if areas is None or len(areas) == 0:
        return
    name = b.t("oev_classes")
    web = b.prepare(areas, name=name, simplify_m=simplify_m)
    if web is None:
        return
    letters = web["oev_class"].astype(str)
    order = [c for c in style.OEV_CLASS_COLOURS if c in set(letters)]
    styles = [
        poly_style(
            style.OEV_CLASS_COLOURS[c],
            stroke=style.OEV_CLASS_COLOURS[c],
            weight=0.5,
            fill_opacity=0.45,
        )
        for c in order
    ]
    tips = [html.escape(oev_class_label(c, b.lang)) for c in letters]
    b.add(web, name=name, styles=styles, style_idx=[order.index(c) for c in letters], tooltips=tips)
    b.legend.append(
        LegendSection(
            name,
            [LegendItem(style.OEV_CLASS_COLOURS[c], oev_class_label(c, b.lang)) for c in order],
            layer=name,
        )
    )


def _headways(row: pd.Series, lang: str) -> str:
    parts = []
    for m, label in msgs("transit_mode", lang).items():
        v = row.get(f"rush_headway_{m}_min")
        if v is not None and math.isfinite(float(v)):
            parts.append(f"{label} {fmt_number(v, lang, 1)}")
    return ", ".join(parts) or "–"


def add_stop_places(b: MapBuilder, service: gpd.GeoDataFrame | None) -> None:
    """Draw the stop places by ÖV-Güteklassen station category; knutepunkter larger."""
    if service is None or len(service) == 0:
        return
    name = b.t("stop_places")
    web = b.prepare(service, name=name, simplify_m=0.0)
    if web is None:
        return
    cat = web["oev_category"].fillna(0).astype(int).clip(0, 7)
    knut = web["knutepunkt"].astype(bool)
    keys = sorted({(int(c), bool(k)) for c, k in zip(cat, knut, strict=True)})
    styles = [
        point_style(
            style.OEV_CATEGORY_COLOURS[c],
            radius=8.0 if k else 4.0,
            stroke="#000000" if k else "#ffffff",
        )
        for c, k in keys
    ]
    pos = {key: i for i, key in enumerate(keys)}
    lang = b.lang
    info = service.attrs.get("transit", {})
    tips, pops = [], []
    for (_, row), c, k in zip(web.iterrows(), cat, knut, strict=True):
        label = _ROMAN[c] if c else b.t("category_none")
        tips.append(
            html.escape(
                f"{row['name']} – {b.t('category')} {label}"
                + (b.t("knutepunkt_suffix") if k else "")
            )
        )
        lines = {
            msg("word.name", lang): str(row["name"]),
            b.t("modes"): str(row.get("modes", "")),
            b.t("station_category"): label,
            b.t("departures_per_hour") + f" ({info.get('oev_window', '')})": fmt_number(
                row["departures_per_hour"], lang, 1
            ),
            b.t("mean_headway"): fmt_number(row["oev_headway_min"], lang, 1),
            b.t("rush_headway") + f" ({info.get('knutepunkt_window', '')})": _headways(row, lang),
            b.t("knutepunkt"): msg("word.yes" if k else "word.no", lang),
        }
        rows = "".join(
            f"<tr><th>{html.escape(key)}</th><td>{html.escape(str(v))}</td></tr>"
            for key, v in lines.items()
        )
        pops.append(f"<table>{rows}</table>")
    b.add(
        web,
        name=name,
        styles=styles,
        style_idx=[pos[(int(c), bool(k))] for c, k in zip(cat, knut, strict=True)],
        tooltips=tips,
        popups=pops,
        show=False,
    )
    items = [
        LegendItem(
            style.OEV_CATEGORY_COLOURS[c], b.t("category_title", roman=_ROMAN[c]), kind="dot"
        )
        for c in sorted({c for c, _ in keys} - {0})
    ]
    if 0 in {c for c, _ in keys}:
        items.append(LegendItem(style.OEV_CATEGORY_COLOURS[0], b.t("no_category"), kind="dot"))
    items.append(LegendItem("#ffffff", b.t("knutepunkt_legend"), outline="#000000", kind="dot"))
    b.legend.append(LegendSection(name, items, layer=name))
