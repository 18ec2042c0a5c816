"""The one message table: every planner-facing word of the outputs, in bokmål and English.

:data:`MESSAGES` maps a dotted key to its ``(nb, en)`` texts. Keys are grouped by their first
part: ``word`` (small words), ``unit``, ``verdict``, ``severity``, ``abc``, ``oev_class``,
``area_type``, ``zoning``, ``ar5``, ``hazard``, ``transit_mode``, ``green_type``, ``service``
(code lists), ``column`` (map popups and legends), ``map``, ``review``, ``index``, ``ar``
(arealregnskap), ``rule`` (rule messages), ``cli``. The texts are written in the table's modules
(``_core``, ``_maps``, ``_reports``, ``_arealregnskap``, ``_rules``, ``_cli``), joined here
once; a key defined twice is an error at import.

Texts with fields use :meth:`str.format` names (``"Laget «{name}» har ingen objekter"``).

Metric labels of a suite (``label_nb``, ``label_en`` of ``SuiteResult.summary``) and measure
labels of the rule registry are built with their parameters where the metric is defined and
travel with the data; :func:`pick` chooses the language's column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from arealanalyse.i18n import _arealregnskap, _cli, _core, _maps, _reports, _rules

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MESSAGES", "lang_column", "msg", "msg_or", "msgs", "pick"]


def _join(*tables: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for table in tables:
        twice = sorted(set(out) & set(table))
        if twice:
            raise RuntimeError(f"message keys defined twice: {twice}")
        out.update(table)
    return out


#: Every message: key -> (bokmål, English).
MESSAGES: Final[dict[str, tuple[str, str]]] = _join(
    _core.MESSAGES,
    _maps.MESSAGES,
    _reports.MESSAGES,
    _arealregnskap.MESSAGES,
    _rules.MESSAGES,
    _cli.MESSAGES,
)

_INDEX: Final[dict[str, int]] = {"nb": 0, "en": 1}


def _index(lang: str) -> int:
    try:
        return _INDEX[lang]
    except KeyError:
        raise ValueError(f"lang must be 'nb' or 'en', not {lang!r}") from None


def msg(key: str, lang: str = "nb", /, **fields: Any) -> str:
    """Return the message ``key`` in ``lang``, formatted with ``fields``.

    Examples
    --------
    >>> msg("verdict.warn"), msg("verdict.warn", "en")
    ('Varsel', 'Warning')
    >>> msg("map.empty_layer", "en", name="Grønt")
    'Layer “Grønt” has no features and is not shown.'
    """
    try:
        pair = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in arealanalyse.i18n") from None
    text = pair[_index(lang)]
    return text.format(**fields) if fields else text


def msg_or(key: str, default: str, lang: str = "nb", /) -> str:
    """Return the message ``key`` in ``lang``, or ``default`` when the table has no such key.

    Examples
    --------
    >>> msg_or("area_type.centre", "centre", "en"), msg_or("area_type.Grini", "Grini")
    ('centre', 'Grini')
    """
    pair = MESSAGES.get(key)
    return default if pair is None else pair[_index(lang)]


def msgs(prefix: str, lang: str = "nb", /) -> dict[str, str]:
    """Return every message under ``prefix.`` in ``lang``, by the rest of its key.

    Examples
    --------
    >>> msgs("verdict", "en")
    {'pass': 'Pass', 'warn': 'Warning', 'fail': 'Fail', 'not_applicable': 'Not applicable'}
    """
    i = _index(lang)
    head = prefix + "."
    return {k[len(head) :]: v[i] for k, v in MESSAGES.items() if k.startswith(head)}


def lang_column(field: str, lang: str = "nb", /) -> str:
    """Return the name of the language's column of data that carries both (``label_nb``).

    Examples
    --------
    >>> lang_column("message", "en")
    'message_en'
    """
    _index(lang)
    return f"{field}_{lang}"


def pick(row: Mapping[str, object] | pd.Series, field: str, lang: str = "nb", /) -> object:
    """Return ``row[f"{field}_{lang}"]`` (a mapping or a table row) in the language's column.

    Examples
    --------
    >>> pick({"label_nb": "Andel boliger", "label_en": "Share of dwellings"}, "label", "en")
    'Share of dwellings'
    """
    return row[lang_column(field, lang)]
