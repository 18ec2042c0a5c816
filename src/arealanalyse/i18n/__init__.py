"""Words and numbers of every output, in Norwegian bokmål (the default) and English.

One number formatter (:func:`fmt_number`, :func:`fmt_quantity`, :func:`fmt_share`; the rules in
:mod:`arealanalyse.i18n.numbers`) and one message table (:data:`MESSAGES`, read with
:func:`msg`), used by rules, maps, reports, workbooks and the CLI alike. The package imports
nothing of arealanalyse above it, so every layer may use it.

>>> from arealanalyse.i18n import fmt_quantity, msg
>>> msg("verdict.fail"), fmt_quantity(1450.0, "m"), fmt_quantity(1450.0, "m", "en")
('Brudd', '1\\xa0450 m', '1,450 m')
"""

from __future__ import annotations

from arealanalyse.i18n.labels import (
    ar5_label,
    cell_text,
    column_label,
    fmt_value,
    oev_class_label,
    value_label,
    verdict_label,
    zoning_label,
)
from arealanalyse.i18n.messages import MESSAGES, lang_column, msg, msg_or, msgs, pick
from arealanalyse.i18n.numbers import (
    LANGS,
    MISSING,
    UNIT_DECIMALS,
    Lang,
    check_lang,
    fmt_number,
    fmt_quantity,
    fmt_share,
    fmt_year,
    is_missing,
    unit_label,
)

__all__ = [
    "LANGS",
    "MESSAGES",
    "MISSING",
    "UNIT_DECIMALS",
    "Lang",
    "ar5_label",
    "cell_text",
    "check_lang",
    "column_label",
    "fmt_number",
    "fmt_quantity",
    "fmt_share",
    "fmt_value",
    "fmt_year",
    "is_missing",
    "lang_column",
    "msg",
    "msg_or",
    "msgs",
    "oev_class_label",
    "pick",
    "unit_label",
    "value_label",
    "verdict_label",
    "zoning_label",
]
