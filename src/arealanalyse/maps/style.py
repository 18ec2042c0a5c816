"""Colours and class breaks of the maps and reports (the one public style module).

Zoning colours follow the Norwegian plan-map convention: the fills of DiBK's style for
``KpArealformålOmråde`` (kommuneplanens arealdel, existing status) for bolig ``#ffff99``, sentrum
``#cc9900``, offentlig/privat tjenesteyting ``#ff9999``, fritid ``#9999cc``, næring ``#cc99ff`` and
samferdsel ``#999999``; the other categories use the same family of tones (grønnstruktur green,
LNFR pale green, sjø blue). AR5 farmland colours follow NIBIO's AR5 map (fulldyrka orange-yellow,
overflatedyrka yellow, innmarksbeite pale yellow).

Words (legends, layer names, column labels) come from the message table of
:mod:`arealanalyse.i18n`; this module holds only what things look like.
"""

from __future__ import annotations

import math
from typing import Final

from arealanalyse.i18n import Lang, fmt_number, fmt_share, msg

__all__ = [
    "ABC_COLOURS",
    "AR5_ALL_COLOURS",
    "AR5_COLOURS",
    "AREAS_COLOUR",
    "BOUNDARY_COLOUR",
    "DIFF_BREAKS",
    "DIFF_COLOURS",
    "E18_COLOUR",
    "GREEN_COLOUR",
    "MISSING_COLOUR",
    "OEV_CATEGORY_COLOURS",
    "OEV_CLASS_COLOURS",
    "SCENARIO_OUTLINES",
    "SHARE_BREAKS",
    "SHARE_COLOURS",
    "TRANSIT_COLOURS",
    "VERDICT_COLOURS",
    "WALK_AREA_COLOUR",
    "ZONING_COLOURS",
    "diff_class",
    "diff_legend_labels",
    "share_class",
    "share_legend_labels",
]

#: Fill colour of each arealformål category (``zoning.category``).
ZONING_COLOURS: Final[dict[str, str]] = {
    "bolig": "#ffff99",
    "sentrum": "#cc9900",
    "handel": "#ff9966",
    "naering": "#cc99ff",
    "kombinert": "#ffcc66",
    "offentlig": "#ff9999",
    "idrett": "#66cc99",
    "fritid": "#9999cc",
    "bebyggelse": "#ffcc00",
    "samferdsel": "#999999",
    "gronn": "#66bb55",
    "lnfr": "#ccf0b4",
    "sjo": "#99ccff",
    "annet": "#dddddd",
}

#: AR5 farmland classes (``farmland.arealtype``).
AR5_COLOURS: Final[dict[int, str]] = {21: "#ffd16e", 22: "#ffff4c", 23: "#ffffad"}
#: Fill colours of every AR5 class, close to NIBIO's AR5 map (0: outside the AR5 layer).
AR5_ALL_COLOURS: Final[dict[int, str]] = {
    11: "#e8a0a0",
    12: "#9e9e9e",
    21: "#ffd16e",
    22: "#ffff4c",
    23: "#ffffad",
    30: "#9ecc73",
    50: "#d9d0c0",
    60: "#5fd3e0",
    70: "#f4f8ff",
    81: "#91c8ff",
    82: "#cce6ff",
    99: "#cccccc",
    0: "#ffffff",
}
ABC_COLOURS: Final[dict[str, str]] = {"A": "#1a9641", "B": "#f0b400", "C": "#d7191c"}
VERDICT_COLOURS: Final[dict[str, str]] = {
    "pass": "#1a9850",
    "warn": "#f4a11d",
    "fail": "#d73027",
    "not_applicable": "#bdbdbd",
}
MISSING_COLOUR: Final = "#c8c8c8"
GREEN_COLOUR: Final = "#2e8b3a"
TRANSIT_COLOURS: Final[dict[str, str]] = {
    "rail": "#c8102e",
    "metro": "#e36f1e",
    "tram": "#8e44ad",
    "bus": "#1f5fa8",
    "ferry": "#138d90",
}
#: ÖV-Güteklassen A (best) to F (ColorBrewer RdYlGn, 6 classes, reversed).
OEV_CLASS_COLOURS: Final[dict[str, str]] = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#d9ef8b",
    "D": "#fee08b",
    "E": "#fc8d59",
    "F": "#d73027",
}
#: ÖV-Güteklassen station categories I (best) to VII; 0 = no category.
OEV_CATEGORY_COLOURS: Final[dict[int, str]] = {
    0: "#9e9e9e",
    1: "#00441b",
    2: "#1a9850",
    3: "#66bd63",
    4: "#d9a400",
    5: "#f46d43",
    6: "#d73027",
    7: "#8c1010",
}
WALK_AREA_COLOUR: Final = "#1f78b4"
E18_COLOUR: Final = "#d62d20"
BOUNDARY_COLOUR: Final = "#222222"
AREAS_COLOUR: Final = "#6a3d9a"
#: Outline colours of the scenarios on a comparison map (colour-blind safe, Okabe-Ito).
SCENARIO_OUTLINES: Final[tuple[str, ...]] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
)

#: Sequential classes for shares 0-1 (ColorBrewer YlGnBu, 5 classes): upper bounds and colours.
SHARE_BREAKS: Final[tuple[float, ...]] = (0.2, 0.4, 0.6, 0.8, 1.0)
SHARE_COLOURS: Final[tuple[str, ...]] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Diverging classes for differences of shares (ColorBrewer RdBu, 7 classes), in share units.
DIFF_BREAKS: Final[tuple[float, ...]] = (-0.2, -0.1, -0.02, 0.02, 0.1, 0.2, math.inf)
DIFF_COLOURS: Final[tuple[str, ...]] = (
    "#b2182b",
    "#ef8a62",
    "#fddbc7",
    "#f7f7f7",
    "#d1e5f0",
    "#67a9cf",
    "#2166ac",
)


def share_class(value: float) -> int:
    """Index of the share class of ``value`` in :data:`SHARE_BREAKS` (-1 when missing)."""
    if value is None or not math.isfinite(value):
        return -1
    for i, upper in enumerate(SHARE_BREAKS):
        if value < upper or i == len(SHARE_BREAKS) - 1:
            return i
    return len(SHARE_BREAKS) - 1  # pragma: no cover


def diff_class(value: float) -> int:
    """Index of the difference class of ``value`` in :data:`DIFF_BREAKS` (-1 when missing)."""
    if value is None or not math.isfinite(value):
        return -1
    for i, upper in enumerate(DIFF_BREAKS):
        if value < upper:
            return i
    return len(DIFF_BREAKS) - 1


def share_legend_labels(lang: Lang) -> list[str]:
    """Legend labels of the share classes.

    Examples
    --------
    >>> share_legend_labels("en")[:2], share_legend_labels("nb")[-1]
    (['0–20%', '20–40%'], '80–100\xa0%')
    """
    lows = (0.0, *SHARE_BREAKS[:-1])
    return [
        f"{fmt_number(lo * 100, lang, 0)}–{fmt_share(hi, lang)}"
        for lo, hi in zip(lows, SHARE_BREAKS, strict=True)
    ]


def diff_legend_labels(lang: Lang) -> list[str]:
    """Legend labels of the difference classes, in percentage points.

    Examples
    --------
    >>> diff_legend_labels("nb")[:2], diff_legend_labels("en")[3]
    (['< \u221220 pp', '\u221220 til \u221210 pp'], 'No change (±2 pp)')
    """
    b = DIFF_BREAKS[:-1]

    def pts(x: float) -> str:
        return fmt_share(x, lang, signed=True, points=True)

    def span(low: float, high: float) -> str:
        return msg(
            "map.range", lang, low=fmt_number(low * 100, lang, 0, signed=True), high=pts(high)
        )

    return [
        f"< {pts(b[0])}",
        span(b[0], b[1]),
        span(b[1], b[2]),
        f"{msg('map.no_change', lang)} (±{fmt_share(b[3], lang, points=True)})",
        span(b[3], b[4]),
        span(b[4], b[5]),
        f"> {pts(b[5])}",
    ]
