"""The one number formatter of every output (reports, maps, workbooks, CLI tables, rule messages).

One rendering per language, documented here and in ``docs/reports.md``:

======================= ======================== ========================
what                    ``nb`` (bokmål)          ``en``
======================= ======================== ========================
decimal separator       ``,`` (``3,5``)          ``.`` (``3.5``)
thousands separator     no-break space U+00A0    ``,`` (``12,345``)
                        (``12 345``)
minus sign              U+2212 (``−450``)        ``-`` (``-450``)
percent                 ``12,5 %`` (no-break     ``12.5%``
                        space before ``%``)
number and unit         ``640 m`` (a space)      ``640 m``
missing (None, NaN)     ``–`` (en dash)          ``–``
infinite (±inf)         ``ikke nådd``            ``not reached``
======================= ======================== ========================

The separators, minus signs and percent patterns are CLDR's for ``nb_NO`` and ``en``, read from
Babel (:mod:`babel.numbers`) once per language; the digits come from Python's own formatting,
so rounding is Python's (round half to even on the binary value: ``3.25`` → ``3,2``). A value
that rounds to zero has no sign (``-0.001`` → ``0``).

Missing means "no value here" (a rule that does not apply, noise on a site without homes): it is
shown as an en dash and never as a number. An infinite number in this toolkit is always a
network distance that no path reaches (or the margin of one): it is shown as "ikke nådd" /
"not reached", without a unit, whatever its sign. A computation that can produce infinity for
another reason must turn it into a missing value before it reaches a report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal, SupportsFloat, SupportsIndex

from arealanalyse.i18n.messages import msg, msg_or

__all__ = [
    "LANGS",
    "MISSING",
    "UNIT_DECIMALS",
    "Lang",
    "check_lang",
    "fmt_number",
    "fmt_quantity",
    "fmt_share",
    "fmt_year",
    "is_missing",
    "to_float",
    "unit_label",
]

Lang = Literal["nb", "en"]

#: The languages of every output: Norwegian bokmål (the default) and English.
LANGS: Final[tuple[Lang, ...]] = ("nb", "en")

#: How a missing value is shown (an en dash), in both languages.
MISSING: Final = "\u2013"

#: Decimals of a value in each unit (``fmt_quantity``'s default); other units get one decimal.
UNIT_DECIMALS: Final[dict[str, int]] = {
    "m": 0,
    "km": 1,
    "m²": 0,
    "km²": 1,
    "daa": 2,
    "dB": 1,
    "%": 1,
    "°": 1,
    "m²/år": 0,
    "boliger/år": 0,
    "min": 1,
    "s": 0,
}

_LOCALES: Final[dict[str, str]] = {"nb": "nb_NO", "en": "en"}


def check_lang(lang: str, /) -> Lang:
    """Return ``lang`` when it is a supported language, else raise :class:`ValueError`.

    Examples
    --------
    >>> check_lang("en")
    'en'
    >>> check_lang("de")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'nb' or 'en', not 'de'
    """
    if lang == "nb":
        return "nb"
    if lang == "en":
        return "en"
    raise ValueError(f"lang must be 'nb' or 'en', not {lang!r}")


@dataclass(frozen=True)
class _Symbols:
    group: str
    decimal: str
    minus: str
    plus: str
    percent_space: str


@cache
def _symbols(lang: str) -> _Symbols:
    """CLDR's separators, signs and percent spacing for ``lang`` (read from Babel once)."""
    from babel import Locale
    from babel.numbers import (
        get_decimal_symbol,
        get_group_symbol,
        get_minus_sign_symbol,
        get_plus_sign_symbol,
    )

    locale = _LOCALES[check_lang(lang)]
    pattern = Locale.parse(locale).percent_formats[None].pattern  # e.g. "#,##0 %"
    before = pattern[: pattern.index("%")]
    space = before[len(before.rstrip()) :]
    return _Symbols(
        group=get_group_symbol(locale),
        decimal=get_decimal_symbol(locale),
        minus=get_minus_sign_symbol(locale),
        plus=get_plus_sign_symbol(locale),
        percent_space=space,
    )


def is_missing(value: object) -> bool:
    """Return whether ``value`` is missing: None, NaN, ``pd.NA`` or ``pd.NaT``.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0.0), is_missing("")
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return False
    try:
        import pandas as pd

        return bool(pd.isna([value])[0])  # a one-element list: isna takes any scalar in one
    except (TypeError, ValueError):
        return False


def to_float(value: object, /) -> float:
    """Return ``float(value)`` of a number-like value (also numpy scalars and numeric text).

    Raises ``TypeError`` for anything else, as ``float()`` does.

    Examples
    --------
    >>> to_float(2), to_float("2.5")
    (2.0, 2.5)
    """
    if isinstance(value, SupportsFloat | SupportsIndex | str | bytes):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _auto_decimals(x: float) -> int:
    if abs(x) >= 100 or x == int(x):
        return 0
    return 1 if abs(x) >= 10 else 2


def _digits(x: float, decimals: int, lang: str, *, signed: bool = False) -> str:
    """Format a finite number with the language's separators and signs."""
    sym = _symbols(lang)
    text = f"{abs(x):,.{decimals}f}"
    if float(text.replace(",", "")) == 0.0:
        negative = positive = False
    else:
        negative, positive = x < 0, x > 0
    text = text.replace(",", "\x00").replace(".", sym.decimal).replace("\x00", sym.group)
    if negative:
        return sym.minus + text
    if signed and positive:
        return sym.plus + text
    return text


def fmt_number(
    value: object, lang: str = "nb", decimals: int | None = None, *, signed: bool = False
) -> str:
    """Format a number for planners (see the module docstring for the rules).

    Parameters
    ----------
    value
        A number (Python, numpy or pandas scalar). A string is returned unchanged; ``True`` and
        ``False`` become yes/no words; None and NaN become "–"; ±inf "ikke nådd"/"not reached".
    lang
        ``nb`` (default) or ``en``.
    decimals
        Digits after the separator; default 0 from 100 up and for whole numbers, 1 from 10 up,
        else 2.
    signed
        Show ``+`` before positive numbers (differences).

    Examples
    --------
    >>> fmt_number(1234.5, "nb", 1), fmt_number(1234.5, "en", 1)
    ('1\\xa0234,5', '1,234.5')
    >>> fmt_number(-450.0, "nb"), fmt_number(-450.0, "en"), fmt_number(-0.001, "nb", 1)
    ('\\u2212450', '-450', '0,0')
    >>> fmt_number(float("inf")), fmt_number(float("-inf"), "en"), fmt_number(float("nan"))
    ('ikke nådd', 'not reached', '–')
    >>> fmt_number(3.25, "nb", 1), fmt_number(7, "en"), fmt_number(0.125, "nb")
    ('3,2', '7', '0,12')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy bools
        return msg("word.yes" if value else "word.no", lang)
    if is_missing(value):
        check_lang(lang)
        return MISSING
    try:
        x = to_float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(x):
        return msg("number.not_reached", lang)
    if decimals is None:
        decimals = _auto_decimals(x)
    return _digits(x, decimals, lang, signed=signed)


def unit_label(unit: str, lang: str = "nb") -> str:
    """Return how ``unit`` is written in ``lang`` (``m²/år`` is ``m²/year`` in English).

    Examples
    --------
    >>> unit_label("m²/år", "en"), unit_label("boliger/år", "en"), unit_label("daa", "en")
    ('m²/year', 'dwellings/year', 'daa')
    """
    return msg_or(f"unit.{unit}", unit, lang)


def fmt_quantity(value: object, unit: str, lang: str = "nb", decimals: int | None = None) -> str:
    """Format a value with its unit: ``1 280 m``, ``81,00 daa``, ``12,5 %``.

    Decimals default to the unit's (:data:`UNIT_DECIMALS`, else 1). Missing and infinite values
    are shown without the unit ("–", "ikke nådd").

    Examples
    --------
    >>> fmt_quantity(1280.0, "m") == "1\\u00a0280 m"
    True
    >>> fmt_quantity(81.0, "daa"), fmt_quantity(15000.0, "m²/år", "en")
    ('81,00 daa', '15,000 m²/year')
    >>> fmt_quantity(12.5, "%"), fmt_quantity(12.5, "%", "en"), fmt_quantity(-3.0, "dB", "en")
    ('12,5\\xa0%', '12.5%', '-3.0 dB')
    >>> fmt_quantity(float("inf"), "m", "en"), fmt_quantity(None, "daa")
    ('not reached', '–')
    """
    if decimals is None:
        decimals = UNIT_DECIMALS.get(unit, 1)
    text = fmt_number(value, lang, decimals)
    if not unit or isinstance(value, str) or is_missing(value):
        return text
    try:
        if math.isinf(to_float(value)):
            return text
    except (TypeError, ValueError):
        return text
    if unit == "%":
        return text + _symbols(lang).percent_space + "%"
    return f"{text} {unit_label(unit, lang)}"


def fmt_share(
    share: object,
    lang: str = "nb",
    decimals: int = 0,
    *,
    signed: bool = False,
    points: bool = False,
) -> str:
    """Format a share 0-1 as a percentage (``0.73`` → ``73 %``); ``points`` for differences.

    Examples
    --------
    >>> fmt_share(0.735), fmt_share(0.735, "en"), fmt_share(0.735, "nb", 1)
    ('74\\xa0%', '74%', '73,5\\xa0%')
    >>> fmt_share(-0.05, "nb", signed=True, points=True), fmt_share(0.05, "en", signed=True)
    ('\\u22125 pp', '+5%')
    >>> fmt_share(float("nan"))
    '–'
    """
    if isinstance(share, str):
        return share
    if is_missing(share):
        return MISSING
    try:
        x = to_float(share) * 100.0
    except (TypeError, ValueError):
        return str(share)
    if not math.isfinite(x):
        return MISSING  # a share is never infinite: 0/0 or a bad input, shown as missing
    text = _digits(x, decimals, lang, signed=signed)
    if points:
        return f"{text} pp"
    return text + _symbols(lang).percent_space + "%"


def fmt_year(value: object) -> str:
    """Format a year without separators (``2026``); missing as "–".

    Examples
    --------
    >>> fmt_year(2026.0), fmt_year(None)
    ('2026', '–')
    """
    if is_missing(value):
        return MISSING
    try:
        return str(int(to_float(value)))
    except (TypeError, ValueError, OverflowError):
        return str(value)
