"""Labels of the arealregnskap's columns and figures, in bokmål and English.

The CSV files keep the machine names (``reserve_daa``); the workbook, the report and the map
show these labels. The words are in the message table (:mod:`arealanalyse.i18n`, keys ``ar.*``);
this module composes them for the column names the tables build (``reserve_ar5_21_daa``...).

    >>> column_label("reserve_ar5_21_daa"), column_label("reserve_ar5_21_daa", "en")
    ('Ubebygd: Fulldyrka jord (daa)', 'Unbuilt: Fully cultivated land (daa)')
"""

from __future__ import annotations

import re

from arealanalyse.i18n import ar5_label, msg, msg_or

__all__ = ["ar5_label", "change_label", "column_label", "flag_label", "plan_label"]

_PREFIXES: tuple[str, ...] = ("reserve_", "opened_", "returned_lnfr_")


def plan_label(key: str, lang: str = "nb") -> str:
    """Label of a plan (``current``, ``new``) or a kind (``dwellings``, ``cabins``).

    Examples
    --------
    >>> plan_label("current"), plan_label("cabins", "en")
    ('Gjeldende plan', 'Holiday homes')
    """
    return msg_or(f"ar.plan.{key}", key, lang)


def change_label(kind: str, lang: str = "nb") -> str:
    """Label of a kind of changed land (``changed``, ``opened``, ``returned``).

    Examples
    --------
    >>> change_label("opened"), change_label("returned", "en")
    ('Nytt utbyggingsareal', 'Returned from development')
    """
    return msg_or(f"ar.change.{kind}", kind, lang)


def flag_label(flag: str, lang: str = "nb") -> str:
    """Label of an overlay flag (``strandsone``, ``hazard_flom``, ...).

    Examples
    --------
    >>> flag_label("hazard_kvikkleire"), flag_label("strandsone", "en")
    ('Faresone: Kvikkleireskred', 'In the strandsone (100 m)')
    """
    known = msg_or(f"ar.flag.{flag}", "", lang)
    if known:
        return known
    if flag.startswith("hazard_"):
        h = flag.removeprefix("hazard_")
        return msg("ar.flag_hazard", lang, name=msg_or(f"hazard.{h}", h, lang))
    return flag


def column_label(column: str, lang: str = "nb") -> str:
    """Label of a table column (AR5 class, overlay and KOSTRA columns included).

    Examples
    --------
    >>> column_label("opened_dyrka_daa"), column_label("dwelling_capacity", "en")
    ('Nytt utbyggingsareal: Dyrka jord (daa)', 'Dwelling capacity')
    """
    known = msg_or(f"ar.col.{column}", "", lang)
    if known:
        return known
    for prefix in _PREFIXES:
        if column.startswith(prefix):
            return msg(f"ar.prefix.{prefix}", lang) + _inner(column.removeprefix(prefix), lang)
    return _inner(column, lang)


def _inner(column: str, lang: str) -> str:
    m = re.fullmatch(r"(?:ar5|dyrka)_(\d+)_daa", column)
    if m:
        return f"{ar5_label(int(m.group(1)), lang)} (daa)"
    known = msg_or(f"ar.inner.{column}", "", lang)
    if known:
        return known
    if column.endswith("_daa"):
        return f"{flag_label(column.removesuffix('_daa'), lang)} (daa)"
    return column
