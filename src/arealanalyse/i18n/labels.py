"""Labels of columns, classes and code values, and the text of one table cell.

Built on the message table (:mod:`arealanalyse.i18n.messages`) and the number formatter
(:mod:`arealanalyse.i18n.numbers`); used by maps, reports and the CLI alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from arealanalyse.i18n.messages import msg, msg_or
from arealanalyse.i18n.numbers import (
    MISSING,
    fmt_number,
    fmt_quantity,
    fmt_share,
    fmt_year,
    is_missing,
    to_float,
)

__all__ = [
    "ar5_label",
    "cell_text",
    "column_label",
    "fmt_value",
    "oev_class_label",
    "value_label",
    "verdict_label",
    "zoning_label",
]


def verdict_label(verdict: str, lang: str = "nb") -> str:
    """Label of a verdict (``pass``, ``warn``, ``fail``, ``not_applicable``); else the value.

    Examples
    --------
    >>> verdict_label("not_applicable"), verdict_label("fail", "en")
    ('Gjelder ikke', 'Fail')
    """
    return msg_or(f"verdict.{verdict}", verdict, lang)


def value_label(value: str, lang: str = "nb") -> str:
    """Return the planner's label of a code value shown in reports (area types); else the value.

    Examples
    --------
    >>> value_label("e18_corridor"), value_label("business_park", "en"), value_label("Grini")
    ('Næringsområde i E18-korridoren', 'established business park (volume retail)', 'Grini')
    """
    return msg_or(f"area_type.{value}", value, lang)


def zoning_label(category: str, lang: str = "nb") -> str:
    """Legend label of an arealformål category.

    Examples
    --------
    >>> zoning_label("naering"), zoning_label("naering", "en")
    ('Næring', 'Business (næring)')
    """
    return msg_or(f"zoning.{category}", category, lang)


def ar5_label(arealtype: object, lang: str = "nb") -> str:
    """Name of an AR5 class; 0 is land outside the AR5 layer.

    Examples
    --------
    >>> ar5_label(60), ar5_label(0, "en"), ar5_label(21, "en")
    ('Myr', 'Not in AR5', 'Fully cultivated land')
    """
    code = int(to_float(arealtype))
    if code == 0:
        return msg("ar5_outside", lang)
    return msg_or(f"ar5.{code}", str(code), lang)


def oev_class_label(letter: str, lang: str = "nb") -> str:
    """Legend label of an ÖV-Güteklasse.

    Examples
    --------
    >>> oev_class_label("A", "nb"), oev_class_label("F", "en")
    ('A – svært god kollektivdekning', 'F – marginal public transport')
    """
    return f"{letter} – {msg_or(f'oev_class.{letter}', letter, lang).lower()}"


def column_label(column: str, lang: str = "nb", labels: Mapping[str, str] | None = None) -> str:
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
    known = msg_or(f"column.{column}", "", lang)
    if known:
        return known
    for prefix in ("verdict_", "rule_"):
        if column.startswith(prefix):
            return f"{msg('word.rule', lang)} {column[len(prefix) :]}"
    if column.startswith("share_within_") and column.count("_") >= 3:
        dist, _, target = column[len("share_within_") :].partition("_")
        name = msg_or(f"service.{target}", target.replace("_", " "), lang).lower()
        dist = dist.replace("m", " m") if dist.endswith("m") else dist
        return f"{msg('map.share_prefix', lang)} {dist} {msg('map.share_of', lang)} {name}"
    return column.replace("_", " ").strip().capitalize()


def cell_text(column: str, value: object, lang: str = "nb") -> str:
    """Text of one table or popup cell: classes and verdicts in words, numbers formatted.

    Verdicts (``verdict``, ``verdict_*``, ``rule_*``), ABC and ÖV classes, area types and
    arealformål categories are shown by their labels; shares (``share_*``, 0-1) as percentages;
    years without separators; other numbers with :func:`~arealanalyse.i18n.fmt_number`.

    Examples
    --------
    >>> cell_text("verdict_R1", "warn"), cell_text("abc_class", "A", "en")
    ('Varsel', 'A – close to rail/metro')
    >>> cell_text("share_within_500m_green", 0.42), cell_text("year", 2031.0)
    ('42\\xa0%', '2031')
    >>> cell_text("dist_rail_m", float("inf")), cell_text("noise_max_db", None)
    ('ikke nådd', '–')
    """
    if isinstance(value, str):
        if column == "verdict" or column.startswith(("verdict_", "rule_")):
            return verdict_label(value, lang)
        if column in ("abc_class", "abc_class_distance"):
            return msg_or(f"abc.{value}", value, lang)
        if column == "oev_class" and value:
            return oev_class_label(value, lang)
        if column == "abc_basis":
            return msg_or(f"abc_basis.{value}", value, lang)
        if column in ("zone_category", "from_category", "to_category"):
            return zoning_label(value, lang)
        if column in ("in_area_type", "area_type"):
            return value_label(value, lang)
        return value
    if is_missing(value):
        return MISSING
    if column.startswith("share_"):
        return fmt_share(value, lang)
    if column == "year" or column.endswith("_year"):
        return fmt_year(value)
    return fmt_number(value, lang)


def fmt_value(value: object, unit: str, lang: str = "nb") -> str:
    """Format a measured value or threshold with its unit, as reports and rule messages show it.

    Numbers go through :func:`~arealanalyse.i18n.fmt_quantity`; names (categories) are shown
    by their labels, an empty name as "(ingen)"; lists are joined with commas.

    Examples
    --------
    >>> fmt_value(1280.0, "m") == "1\u00a0280 m"  # a no-break thousands space
    True
    >>> fmt_value(81.0, "daa"), fmt_value("e18_corridor", ""), fmt_value(["A", "B"], "")
    ('81,00 daa', 'Næringsområde i E18-korridoren', 'A, B')
    >>> fmt_value(15000.0, "m²/år", "en"), fmt_value(float("inf"), "m", "en")
    ('15,000 m²/year', 'not reached')
    """
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_value(v, unit, lang) for v in value)
    if isinstance(value, str):
        return value_label(value, lang) if value else msg("word.none", lang)
    return fmt_quantity(value, unit, lang)
