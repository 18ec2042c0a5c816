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

from arealanalyse.layers import codes
from arealanalyse.maps import _style
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
    order = [c for c in _style.OEV_CLASS_COLOURS if c in set(letters)]
    styles = [
        poly_style(
            _style.OEV_CLASS_COLOURS[c],
            stroke=_style.OEV_CLASS_COLOURS[c],
            weight=0.5,
            fill_opacity=0.45,
        )
        for c in order
    ]
    tips = [html.escape(_style.oev_class_label(c, b.lang)) for c in letters]
    b.add(web, name=name, styles=styles, style_idx=[order.index(c) for c in letters], tooltips=tips)
    b.legend.append(
        LegendSection(
            name,
            [
                LegendItem(_style.OEV_CLASS_COLOURS[c], _style.oev_class_label(c, b.lang))
                for c in order
            ],
            layer=name,
        )
    )


def _headways(row: pd.Series, lang: str) -> str:
    parts = []
    for m in codes.TRANSIT_MODES:
        v = row.get(f"rush_headway_{m}_min")
        if v is not None and math.isfinite(float(v)):
            label = codes.TRANSIT_MODES[m] if lang == "nb" else m
            parts.append(
                f"{label} {_style.format_number(v, 'nb' if lang == 'nb' else 'en', decimals=1)}"
            )
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
            _style.OEV_CATEGORY_COLOURS[c],
            radius=8.0 if k else 4.0,
            stroke="#000000" if k else "#ffffff",
        )
        for c, k in keys
    ]
    pos = {key: i for i, key in enumerate(keys)}
    nb = b.lang == "nb"
    info = service.attrs.get("transit", {})
    tips, pops = [], []
    for (_, row), c, k in zip(web.iterrows(), cat, knut, strict=True):
        label = _ROMAN[c] if c else ("ingen" if nb else "none")
        tips.append(
            html.escape(
                f"{row['name']} – {'kategori' if nb else 'category'} {label}"
                + (" – knutepunkt" if k else "")
            )
        )
        lines = {
            ("Navn" if nb else "Name"): str(row["name"]),
            ("Transportmidler" if nb else "Modes"): str(row.get("modes", "")),
            ("Stasjonskategori (ÖV)" if nb else "Station category (ÖV)"): label,
            ("Avganger per time" if nb else "Departures per hour")
            + f" ({info.get('oev_window', '')})": _style.format_number(
                row["departures_per_hour"], b.lang, decimals=1
            ),
            (
                "Midlere intervall (ÖV), min" if nb else "Mean headway (ÖV), min"
            ): _style.format_number(row["oev_headway_min"], b.lang, decimals=1),
            ("Korteste intervall i rush, min" if nb else "Shortest rush headway, min")
            + f" ({info.get('knutepunkt_window', '')})": _headways(row, b.lang),
            "Knutepunkt": ("ja" if k else "nei") if nb else ("yes" if k else "no"),
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
            _style.OEV_CATEGORY_COLOURS[c],
            f"{'Kategori' if nb else 'Category'} {_ROMAN[c]}",
            kind="dot",
        )
        for c in sorted({c for c, _ in keys} - {0})
    ]
    if 0 in {c for c, _ in keys}:
        items.append(
            LegendItem(
                _style.OEV_CATEGORY_COLOURS[0], "Uten kategori" if nb else "No category", kind="dot"
            )
        )
    items.append(
        LegendItem(
            "#ffffff",
            "Knutepunkt (stor, svart kant)" if nb else "Knutepunkt (large, black outline)",
            outline="#000000",
            kind="dot",
        )
    )
    b.legend.append(LegendSection(name, items, layer=name))
