"""Labels of the arealregnskap's columns and figures, in bokmål and English (one vocabulary).

The CSV files keep the machine names (``reserve_daa``); the workbook, the report and the map
show these labels.

    >>> column_label("reserve_ar5_21_daa"), column_label("reserve_ar5_21_daa", "en")
    ('Ubebygd: Fulldyrka jord (daa)', 'Unbuilt: Fully cultivated land (daa)')
"""

from __future__ import annotations

import re

from arealanalyse.layers.codes import AR5_ARTYPE, AR5_ARTYPE_EN, HAZARD_TYPES, HAZARD_TYPES_EN

__all__ = ["CHANGE_KINDS", "PLAN_LABELS", "ar5_label", "column_label", "flag_label"]

_COLUMNS: dict[str, tuple[str, str]] = {
    "arealformal": ("Arealformål (kode)", "Arealformål (code)"),
    "arealformal_navn": ("Arealformål", "Arealformål (name)"),
    "category": ("Kategori", "Category"),
    "area_daa": ("Areal (daa)", "Area (daa)"),
    "built_daa": ("Bebygd (daa)", "Built (daa)"),
    "reserve_daa": ("Ubebygd, arealreserve (daa)", "Unbuilt, reserve (daa)"),
    "reserve_existing_daa": ("herav nåværende (daa)", "of which existing (daa)"),
    "reserve_planned_daa": ("herav framtidig (daa)", "of which planned (daa)"),
    "dwellings_per_daa": ("Boliger per daa", "Dwellings per daa"),
    "dwelling_capacity": ("Boligkapasitet", "Dwelling capacity"),
    "cabins_per_daa": ("Fritidsboliger per daa", "Holiday homes per daa"),
    "cabin_capacity": ("Kapasitet fritidsboliger", "Holiday-home capacity"),
    "plan": ("Plan", "Plan"),
    "kind": ("Type", "Kind"),
    "capacity": ("Kapasitet", "Capacity"),
    "need_per_year": ("Behov per år", "Need per year"),
    "period_years": ("År i perioden", "Years in the period"),
    "need": ("Behov i perioden", "Need over the period"),
    "balance": ("Kapasitet minus behov", "Capacity minus need"),
    "years_covered": ("Dekker behovet i (år)", "Covers the need for (years)"),
    "current_daa": ("Gjeldende plan (daa)", "Current plan (daa)"),
    "new_daa": ("Ny plan (daa)", "New plan (daa)"),
    "change_daa": ("Endring (daa)", "Change (daa)"),
    "change": ("Endring", "Change"),
    "plan_id": ("Plan-id", "Plan id"),
    "plan_area": ("Område (nr.)", "Area (no.)"),
    "name": ("Navn", "Name"),
    "utbygging_daa": ("Utbyggingsformål i planen (daa)", "Development formål in the plan (daa)"),
    "dyrka_daa": ("Dyrka jord i utbyggingsformål (daa)", "Cultivated land in development (daa)"),
    "dyrkbar_daa": (
        "Dyrkbar jord i utbyggingsformål (daa)",
        "Cultivable land in development (daa)",
    ),
}

#: Plans in the tables.
PLAN_LABELS: dict[str, tuple[str, str]] = {
    "current": ("Gjeldende plan", "Current plan"),
    "new": ("Ny plan", "New plan"),
    "dwellings": ("Boliger", "Dwellings"),
    "cabins": ("Fritidsboliger", "Holiday homes"),
}

#: The kinds of changed land.
CHANGE_KINDS: dict[str, tuple[str, str]] = {
    "changed": ("Endret arealformål", "Arealformål changed"),
    "opened": ("Nytt utbyggingsareal", "Newly opened for building"),
    "returned": ("Tilbakeført fra utbyggingsformål", "Returned from development"),
}

_FLAGS: dict[str, tuple[str, str]] = {
    "strandsone": ("I strandsonen (100 m)", "In the strandsone (100 m)"),
    "hazard_any": ("I faresone (alle)", "In a hazard zone (any)"),
    "nature_types": ("Naturtyper", "Naturtyper (nature types)"),
    "recreation_areas": ("Friluftsområder", "Friluftsområder (recreation)"),
    "cultivable_land": ("Dyrkbar jord", "Cultivable land (dyrkbar jord)"),
}

_PREFIX = {
    "reserve_": ("Ubebygd: ", "Unbuilt: "),
    "opened_": ("Nytt utbyggingsareal: ", "Newly opened: "),
    "returned_lnfr_": ("Tilbakeført til LNFR: ", "Returned to LNFR: "),
}


def ar5_label(code: int, lang: str = "nb") -> str:
    """Name of an AR5 class; 0 is land outside the AR5 layer.

    Examples
    --------
    >>> ar5_label(60), ar5_label(0, "en")
    ('Myr', 'Not in AR5')
    """
    if int(code) == 0:
        return "Ikke i AR5" if lang == "nb" else "Not in AR5"
    table = AR5_ARTYPE_EN if lang == "en" else AR5_ARTYPE
    return table.get(int(code), str(code))


def flag_label(flag: str, lang: str = "nb") -> str:
    """Label of an overlay flag (``strandsone``, ``hazard_flom``, ...).

    Examples
    --------
    >>> flag_label("hazard_kvikkleire"), flag_label("strandsone", "en")
    ('Faresone: Kvikkleireskred', 'In the strandsone (100 m)')
    """
    i = 1 if lang == "en" else 0
    if flag in _FLAGS:
        return _FLAGS[flag][i]
    if flag.startswith("hazard_"):
        h = flag.removeprefix("hazard_")
        name = (HAZARD_TYPES_EN if lang == "en" else HAZARD_TYPES).get(h, h)
        return f"{'Hazard zone' if lang == 'en' else 'Faresone'}: {name}"
    return flag


def column_label(column: str, lang: str = "nb") -> str:
    """Label of a table column (AR5 class, overlay and KOSTRA columns included)."""
    i = 1 if lang == "en" else 0
    if column in _COLUMNS:
        return _COLUMNS[column][i]
    for prefix, words in _PREFIX.items():
        if column.startswith(prefix):
            return words[i] + _inner(column.removeprefix(prefix), lang)
    return _inner(column, lang)


def _inner(column: str, lang: str) -> str:
    m = re.fullmatch(r"ar5_(\d+)_daa", column)
    if m:
        return f"{ar5_label(int(m.group(1)), lang)} (daa)"
    m = re.fullmatch(r"dyrka_(\d+)_daa", column)
    if m:
        return f"{ar5_label(int(m.group(1)), lang)} (daa)"
    if column in ("dyrka_daa", "dyrkbar_daa"):
        words = {
            "dyrka_daa": ("Dyrka jord (daa)", "Cultivated land (daa)"),
            "dyrkbar_daa": ("Dyrkbar jord (daa)", "Cultivable land (daa)"),
        }
        return words[column][1 if lang == "en" else 0]
    if column.endswith("_daa"):
        return f"{flag_label(column.removesuffix('_daa'), lang)} (daa)"
    return column
