"""Colours, class breaks and the Norwegian/English labels of the maps.

Zoning colours follow the Norwegian plan-map convention: the fills of DiBK's style for
``KpArealformålOmråde`` (kommuneplanens arealdel, existing status) for bolig ``#ffff99``, sentrum
``#cc9900``, offentlig/privat tjenesteyting ``#ff9999``, fritid ``#9999cc``, næring ``#cc99ff`` and
samferdsel ``#999999``; the other categories use the same family of tones (grønnstruktur green,
LNFR pale green, sjø blue). AR5 farmland colours follow NIBIO's AR5 map (fulldyrka orange-yellow,
overflatedyrka yellow, innmarksbeite pale yellow).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, Literal

from arealanalyse.layers import codes

Lang = Literal["nb", "en"]

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

ZONING_LABELS_EN: Final[dict[str, str]] = {
    "bolig": "Residential",
    "sentrum": "Centre",
    "handel": "Retail/shopping centre",
    "naering": "Business (næring)",
    "kombinert": "Mixed use",
    "offentlig": "Public/private services",
    "idrett": "Sports",
    "fritid": "Leisure",
    "bebyggelse": "Built-up (unspecified)",
    "samferdsel": "Transport",
    "gronn": "Green structure",
    "lnfr": "LNFR (agriculture, nature)",
    "sjo": "Sea and waterways",
    "annet": "Other",
}

#: AR5 farmland classes (``farmland.arealtype``).
AR5_COLOURS: Final[dict[int, str]] = {21: "#ffd16e", 22: "#ffff4c", 23: "#ffffad"}
AR5_LABELS_EN: Final[dict[int, str]] = {
    21: "Fully cultivated land",
    22: "Surface-cultivated land",
    23: "Infield pasture",
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

TEXT: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "banner": "SYNTETISKE DEMODATA – ikke virkelige forhold (synthetic demo data)",
        "sources": "Kilder og lisenser",
        "no_sources": "Kilder ikke oppgitt",
        "legend": "Tegnforklaring",
        "study_area": "Studieområde",
        "zoning": "Arealformål",
        "farmland": "Jordbruksareal (AR5)",
        "green": "Grøntområder",
        "areas": "Navngitte områder",
        "transit": "Kollektivknutepunkter",
        "bus_stops": "Bussholdeplasser",
        "walk_areas": "5 minutters gange fra knutepunkt",
        "walk_areas_legend": "Nås til fots på 5 min (langs gangnettet)",
        "e18": "E18",
        "no_bg": "Ingen bakgrunn (virker uten nett)",
        "osm": "OpenStreetMap (krever nett)",
        "sites": "Scenarioområder",
        "baseline": "Før",
        "scenario": "Etter",
        "difference": "Endring",
        "pp": "prosentpoeng",
        "no_data": "Ingen data",
        "no_change": "Ingen endring",
        "empty_layer": "Laget «{name}» har ingen objekter og vises ikke.",
        "empty_sites": "Scenarioet har ingen områder å vise.",
        "no_data_at_all": "Kartet har ingen data å vise.",
        "far": "Dataene ligger utenfor Norge (midtpunkt ca. {lat:.2f}, {lon:.2f}); "
        "sjekk koordinatsystemet (CRS).",
        "bad_coords": "{n} objekter i «{name}» har ugyldige koordinater og vises ikke.",
        "no_walk_areas": "Gangavstandsområder rundt knutepunktene er ikke beregnet.",
        "abc_class": "ABC-klasse",
        "verdict": "Vurdering",
        "scenario_outline": "Scenario (omriss)",
        "oev_classes": "Kollektivklasser (ÖV-Güteklassen)",
        "stop_places": "Holdeplasser etter frekvens",
    },
    "en": {
        "banner": "SYNTHETIC DEMO DATA – not real conditions (syntetiske demodata)",
        "sources": "Sources and licences",
        "no_sources": "Sources not given",
        "legend": "Legend",
        "study_area": "Study area",
        "zoning": "Land use (arealformål)",
        "farmland": "Farmland (AR5)",
        "green": "Green areas",
        "areas": "Named areas",
        "transit": "Transit nodes",
        "bus_stops": "Bus stops",
        "walk_areas": "5-minute walk from node",
        "walk_areas_legend": "Reached on foot in 5 min (along the walk network)",
        "e18": "E18",
        "no_bg": "No background (works offline)",
        "osm": "OpenStreetMap (needs internet)",
        "sites": "Scenario sites",
        "baseline": "Before",
        "scenario": "After",
        "difference": "Change",
        "pp": "percentage points",
        "no_data": "No data",
        "no_change": "No change",
        "empty_layer": "Layer “{name}” has no features and is not shown.",
        "empty_sites": "The scenario has no sites to show.",
        "no_data_at_all": "The map has no data to show.",
        "far": "The data lie outside Norway (centre approx. {lat:.2f}, {lon:.2f}); "
        "check the coordinate reference system (CRS).",
        "bad_coords": "{n} features of “{name}” have invalid coordinates and are not shown.",
        "no_walk_areas": "Walk areas around the transit nodes were not computed.",
        "abc_class": "ABC class",
        "verdict": "Verdict",
        "scenario_outline": "Scenario (outline)",
        "oev_classes": "Public-transport classes (ÖV-Güteklassen)",
        "stop_places": "Stop places by frequency",
    },
}

VERDICT_LABELS: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "pass": "Oppfylt",
        "warn": "Advarsel",
        "fail": "Brudd",
        "not_applicable": "Ikke relevant",
    },
    "en": {"pass": "Pass", "warn": "Warning", "fail": "Fail", "not_applicable": "Not applicable"},
}
ABC_LABELS: Final[dict[str, dict[str, str]]] = {
    "nb": {"A": "A – nær tog/T-bane", "B": "B – middels tilgjengelig", "C": "C – bilbasert"},
    "en": {
        "A": "A – close to rail/metro",
        "B": "B – moderately accessible",
        "C": "C – car-oriented",
    },
}
#: Labels of known columns (popups and layer names); unknown columns get a tidied name.
COLUMN_LABELS: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "name": "Navn",
        "site": "Område",
        "area": "Område",
        "area_name": "Område",
        "use": "Bruk",
        "bra_m2": "BRA (m²)",
        "jobs": "Arbeidsplasser",
        "dwellings": "Boliger",
        "population": "Bosatte",
        "farmland_daa": "Jordbruksareal tatt (daa)",
        "green_daa": "Grøntareal tatt (daa)",
        "area_daa": "Areal (daa)",
        "abc_class": "ABC-klasse",
        "dist_rail_m": "Gangavstand til tog/T-bane (m)",
        "dist_bus_m": "Gangavstand til buss (m)",
        "dist_transit_m": "Gangavstand til kollektiv (m)",
        "verdict": "Samlet vurdering",
        "year": "År",
        "in_area": "I område",
        "in_area_type": "Områdetype",
        "area_m2": "Areal (m²)",
        "farmland_21_daa": "Fulldyrka jord tatt (daa)",
        "farmland_22_daa": "Overflatedyrka jord tatt (daa)",
        "farmland_23_daa": "Innmarksbeite tatt (daa)",
        "noise_mean_db": "Vegstøy, snitt (Lden dB)",
        "noise_max_db": "Vegstøy, maks (Lden dB)",
        "slope_mean_deg": "Helning, snitt (grader)",
        "dist_e18_m": "Avstand til E18 (m)",
        "dist_green_m": "Gangavstand til grøntområde (m)",
        "zone_category": "Arealformål (kategori)",
        "share_within_500m_green": "Andel boliger innen 500 m fra grøntområde",
        "share_within_300m_green": "Andel boliger innen 300 m fra grøntområde",
        "share_within_400m_grocery": "Andel boliger innen 5 min gange til dagligvare",
        "share_within_400m_school": "Andel boliger innen 5 min gange til skole",
        "share_within_400m_kindergarten": "Andel boliger innen 5 min gange til barnehage",
        "share_within_400m_health": "Andel boliger innen 5 min gange til helsetjeneste",
        "share_within_400m_daily": "Andel boliger innen 5 min gange til daglige tjenester",
        "share_within_500m_bus": "Andel boliger innen 500 m fra bussholdeplass",
        "share_within_1000m_rail": "Andel boliger innen 1000 m fra tog/T-bane",
        "share_sdg_11_2_1": "Andel boliger nær kollektivtilbud (SDG 11.2.1)",
        "share_sdg_11_2_1_frequent": "Andel boliger nær hyppig kollektivtilbud (SDG 11.2.1)",
        "share_oev_class_ab": "Andel boliger i kollektivklasse A eller B (ÖV-Güteklassen)",
        "oev_class": "Kollektivklasse (ÖV-Güteklasse)",
        "abc_class_distance": "ABC-klasse etter avstand alene",
        "abc_basis": "ABC-klasse beregnet etter",
        "dist_knutepunkt_m": "Gangavstand til knutepunkt (m)",
    },
    "en": {
        "name": "Name",
        "site": "Site",
        "area": "Area",
        "area_name": "Area",
        "use": "Use",
        "bra_m2": "Floor area BRA (m²)",
        "jobs": "Jobs",
        "dwellings": "Dwellings",
        "population": "Residents",
        "farmland_daa": "Farmland taken (daa)",
        "green_daa": "Green area taken (daa)",
        "area_daa": "Area (daa)",
        "abc_class": "ABC class",
        "dist_rail_m": "Walk to rail/metro (m)",
        "dist_bus_m": "Walk to bus (m)",
        "dist_transit_m": "Walk to transit (m)",
        "verdict": "Overall verdict",
        "year": "Year",
        "in_area": "In area",
        "in_area_type": "Area type",
        "area_m2": "Area (m²)",
        "farmland_21_daa": "Fully cultivated land taken (daa)",
        "farmland_22_daa": "Surface-cultivated land taken (daa)",
        "farmland_23_daa": "Infield pasture taken (daa)",
        "noise_mean_db": "Road noise, mean (Lden dB)",
        "noise_max_db": "Road noise, max (Lden dB)",
        "slope_mean_deg": "Slope, mean (degrees)",
        "dist_e18_m": "Distance to E18 (m)",
        "dist_green_m": "Walk to green space (m)",
        "zone_category": "Land use (category)",
        "share_within_500m_green": "Share of homes within 500 m of green space",
        "share_within_300m_green": "Share of homes within 300 m of green space",
        "share_within_400m_grocery": "Share of homes within a 5-min walk of a grocery",
        "share_within_400m_school": "Share of homes within a 5-min walk of a school",
        "share_within_400m_kindergarten": "Share of homes within a 5-min walk of a kindergarten",
        "share_within_400m_health": "Share of homes within a 5-min walk of health care",
        "share_within_400m_daily": "Share of homes within a 5-min walk of daily services",
        "share_within_500m_bus": "Share of homes within 500 m of a bus stop",
        "share_within_1000m_rail": "Share of homes within 1000 m of rail/metro",
        "share_sdg_11_2_1": "Share of homes with convenient access to transit (SDG 11.2.1)",
        "share_sdg_11_2_1_frequent": "Share of homes near frequent transit (SDG 11.2.1)",
        "share_oev_class_ab": "Share of homes in public-transport class A or B (ÖV-Güteklassen)",
        "oev_class": "Public-transport class (ÖV-Güteklasse)",
        "abc_class_distance": "ABC class by distance alone",
        "abc_basis": "ABC class based on",
        "dist_knutepunkt_m": "Walk to knutepunkt (m)",
    },
}

_SHARE_WORDS: Final[dict[str, dict[str, str]]] = {
    "nb": {"prefix": "Andel boliger innen", "of": "til"},
    "en": {"prefix": "Share of homes within", "of": "of"},
}


def text(lang: Lang, key: str, **kwargs: Any) -> str:
    """Return the label ``key`` in ``lang``, formatted with ``kwargs``."""
    return TEXT[lang][key].format(**kwargs)


def column_label(column: str, lang: Lang, labels: Mapping[str, str] | None = None) -> str:
    """Readable label of a column: given ``labels``, known names, rule verdicts, or tidied.

    Examples
    --------
    >>> column_label("bra_m2", "nb")
    'BRA (m²)'
    >>> column_label("verdict_R3", "en")
    'Rule R3'
    >>> column_label("share_within_800m_pharmacy", "nb")
    'Andel boliger innen 800 m til apotek'
    """
    if labels and column in labels:
        return labels[column]
    known = COLUMN_LABELS[lang].get(column)
    if known:
        return known
    for prefix in ("verdict_", "rule_"):
        if column.startswith(prefix):
            return ("Regel " if lang == "nb" else "Rule ") + column[len(prefix) :]
    if column.startswith("share_within_") and column.count("_") >= 3:
        dist, _, target = column[len("share_within_") :].partition("_")
        words = _SHARE_WORDS[lang]
        name = codes.SERVICE_CATEGORIES.get(target, target.replace("_", " "))
        name = name.lower() if lang == "nb" else target.replace("_", " ")
        dist = dist.replace("m", " m") if dist.endswith("m") else dist
        return f"{words['prefix']} {dist} {words['of']} {name}"
    return column.replace("_", " ").strip().capitalize()


def oev_class_label(letter: str, lang: Lang) -> str:
    """Legend label of an ÖV-Güteklasse.

    Examples
    --------
    >>> oev_class_label("A", "nb"), oev_class_label("F", "en")
    ('A – svært god kollektivdekning', 'F – marginal public transport')
    """
    if lang == "en":
        words = ("very good", "good", "medium", "poor", "very poor", "marginal")
        return f"{letter} – {words['ABCDEF'.index(letter)]} public transport"
    return f"{letter} – {codes.OEV_CLASSES.get(letter, letter).lower()}"


def zoning_label(category: str, lang: Lang) -> str:
    """Legend label of an arealformål category."""
    if lang == "en":
        return ZONING_LABELS_EN.get(category, category)
    return codes.AREALFORMAL_CATEGORIES.get(category, category)


def ar5_label(arealtype: int, lang: Lang) -> str:
    """Legend label of an AR5 farmland class."""
    if lang == "en":
        return AR5_LABELS_EN.get(arealtype, str(arealtype))
    return codes.AR5_ARTYPE.get(arealtype, str(arealtype))


def format_number(value: Any, lang: Lang, *, decimals: int | None = None) -> str:
    """Format a number for planners: no-break-space thousands in Norwegian, decimal comma.

    Examples
    --------
    >>> format_number(12345.678, "nb").replace("\u00a0", " ")
    '12 346'
    >>> format_number(3.25, "nb", decimals=1)
    '3,2'
    >>> format_number(12345.5, "en", decimals=1)
    '12,345.5'
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return "–" if math.isnan(x) else ("∞" if x > 0 else "-∞")
    if decimals is None:
        decimals = 0 if abs(x) >= 100 or x == int(x) else (1 if abs(x) >= 10 else 2)
    s = f"{x:,.{decimals}f}"
    if lang == "nb":
        s = s.replace(",", "\u00a0").replace(".", ",")
    return s


def format_value(column: str, value: Any, lang: Lang) -> str:
    """Format one popup value: verdicts and ABC classes in words, numbers with separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        if column == "verdict" or column.startswith(("verdict_", "rule_")):
            return VERDICT_LABELS[lang].get(value, value)
        if column in ("abc_class", "abc_class_distance"):
            return ABC_LABELS[lang].get(value, value)
        if column == "oev_class" and value:
            return oev_class_label(value, lang)
        if column == "abc_basis":
            words = {"frequency": "frekvens (rutetabell)", "distance": "avstand til tog/T-bane"}
            return words.get(value, value) if lang == "nb" else value
        if column in ("zone_category", "from_category", "to_category"):
            return zoning_label(value, lang)
        if column in ("in_area_type", "area_type") and lang == "nb":
            return codes.AREA_TYPES.get(value, value)
        return value
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return ("ja" if value else "nei") if lang == "nb" else ("yes" if value else "no")
    if column.startswith("share_"):
        return format_percent(value, lang)
    if column == "year" or column.endswith("_year"):
        return format_number(value, lang, decimals=0).replace("\u00a0", "").replace(",", "")
    return format_number(value, lang)


def format_percent(share: Any, lang: Lang, *, signed: bool = False) -> str:
    """Format a share 0-1 as a whole percentage (``'73 %'``)."""
    try:
        x = float(share) * 100.0
    except (TypeError, ValueError):
        return str(share)
    if not math.isfinite(x):
        return "–"
    num = f"{x:+.0f}" if signed else f"{x:.0f}"
    num = num.replace("-", "−")
    return f"{num}\u00a0%" if lang == "nb" else f"{num}%"


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
    """Legend labels of the share classes (``'0–20 %'``...)."""
    lows = (0.0, *SHARE_BREAKS[:-1])
    pct = "\u00a0%" if lang == "nb" else "%"
    return [
        f"{lo * 100:.0f}–{hi * 100:.0f}{pct}" for lo, hi in zip(lows, SHARE_BREAKS, strict=True)
    ]


def diff_legend_labels(lang: Lang) -> list[str]:
    """Legend labels of the difference classes, in percentage points."""
    pp = "pp"
    b = [round(x * 100) for x in DIFF_BREAKS[:-1]]
    no_change = text(lang, "no_change")
    return [
        f"< {b[0]} {pp}".replace("-", "−"),
        f"{b[0]} til {b[1]} {pp}".replace("-", "−")
        if lang == "nb"
        else f"{b[0]} to {b[1]} {pp}".replace("-", "−"),
        f"{b[1]} til {b[2]} {pp}".replace("-", "−")
        if lang == "nb"
        else f"{b[1]} to {b[2]} {pp}".replace("-", "−"),
        f"{no_change} (±{b[3]} {pp})",
        f"+{b[3]} til +{b[4]} {pp}" if lang == "nb" else f"+{b[3]} to +{b[4]} {pp}",
        f"+{b[4]} til +{b[5]} {pp}" if lang == "nb" else f"+{b[4]} to +{b[5]} {pp}",
        f"> +{b[5]} {pp}",
    ]
