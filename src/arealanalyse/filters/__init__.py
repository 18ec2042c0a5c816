"""A small filter language for attribute conditions that cannot reach Python.

Catalogue ``where:``, the CLI's ``--filter``/``--where`` and a rule's ``applies_to.where`` are
written in this language. It has column names, literals, comparisons, ``in``, ``and``/``or``/
``not`` and parentheses, and nothing else: no ``@`` variables, no attribute access, no calls, no
arithmetic. A condition is parsed (and refused, with one line naming the first disallowed token)
before any data is read, then evaluated on a pandas DataFrame by this module's own interpreter;
pandas ``DataFrame.query``/``eval`` are never used, so a filter in a shared file cannot run code.

Grammar (``docs/layers.md`` shows examples)::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand (OP operand | ["not"] "in" list)?      OP: == = != < <= > >=
    operand    := NAME | `quoted name` | STRING | NUMBER | true | false | "(" condition ")"
    list       := "(" literal ("," literal)* [","] ")" | "[" literal ("," literal)* [","] "]"

A bare column name is a condition only when the column holds true/false values. A missing value
matches no comparison (not even ``!=``); ``not`` turns that into a match. Text is quoted
with ``'`` or ``"`` (a backslash escapes the quote); numbers are finite decimals. Names are
letters, digits and ``_`` (Norwegian letters too) and cannot start with ``__``; a column whose
name has other characters is written in backticks: ```stop name` == 'Lysaker'``.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"vehicle_type": [100, 700, 401], "name": ["Sandvika", "Bekkestua", "Ø"]})
>>> f = parse_filter("vehicle_type in (100, 401) and not name == 'Ø'")
>>> f.columns
('name', 'vehicle_type')
>>> f.mask(df).tolist()
[True, False, False]
>>> parse_filter("@pd.io.common.os.system('x') == 0")
Traceback (most recent call last):
...
arealanalyse.errors.FilterError: filter "@pd.io.common.os.system('x') == 0": '@' at position 1 \
is not allowed; filters allow column names, quoted text, numbers, comparisons (== != < <= > >=), \
in, and, or, not and parentheses (see docs/layers.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from arealanalyse.errors import FilterError
from arealanalyse.filters.evaluate import evaluate
from arealanalyse.filters.syntax import MAX_DEPTH, columns_of, parse_tree

__all__ = ["MAX_DEPTH", "MAX_FILTER_LENGTH", "Filter", "check_filter", "parse_filter"]

#: Longest filter accepted (characters); longer text is refused before parsing.
MAX_FILTER_LENGTH = 2000


@dataclass(frozen=True)
class Filter:
    """A parsed, checked filter. Build it with :func:`parse_filter`."""

    source: str
    tree: tuple

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names the filter reads, sorted."""
        return columns_of(self.tree)

    def check_columns(self, available: Iterable[object], *, what: str = "") -> None:
        """Raise :class:`FilterError` when a column the filter reads is not in ``available``."""
        have = [str(c) for c in available]
        missing = [c for c in self.columns if c not in have]
        if missing:
            import difflib

            close = difflib.get_close_matches(missing[0], have, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"columns: {_short(have)}"
            prefix = f"{what}: " if what else ""
            raise FilterError(
                f"{prefix}filter {self.source!r} reads column {missing[0]!r}, which is not "
                f"there; {hint}"
            )

    def mask(self, df: pd.DataFrame, *, what: str = "") -> pd.Series:
        """Evaluate on ``df``: a boolean Series indexed like ``df`` (missing values are False)."""
        self.check_columns(df.columns, what=what)
        out = evaluate(self.tree, df, source=self.source, what=what)
        return pd.Series(out, index=df.index, dtype=bool)

    def apply(self, df: pd.DataFrame, *, what: str = "") -> pd.DataFrame:
        """Return the rows of ``df`` where the filter holds (a new frame)."""
        return df.loc[self.mask(df, what=what).to_numpy()]


def _short(names: list[str], n: int = 12) -> str:
    shown = ", ".join(names[:n])
    return shown + (f" ... ({len(names)} in all)" if len(names) > n else "")


def parse_filter(text: str | Filter, /, *, what: str = "") -> Filter:
    """Parse and check a filter; raise :class:`~arealanalyse.errors.FilterError` if it is bad.

    Parameters
    ----------
    text
        The condition, e.g. ``"vehicle_type == 100 and stop_name != 'Sandvika'"``.
    what
        Where it comes from, for messages (e.g. ``"Layer 'transit'"``).

    Examples
    --------
    >>> parse_filter("kommunenummer == '3201'").columns
    ('kommunenummer',)
    >>> parse_filter("__import__('os')")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.FilterError: filter "__import__('os')": '__import__' at position 1 is \
not allowed (names cannot start with __); filters allow column names, quoted text, numbers, \
comparisons (== != < <= > >=), in, and, or, not and parentheses (see docs/layers.md).
    """
    if isinstance(text, Filter):
        return text
    prefix = f"{what}: " if what else ""
    if not isinstance(text, str):
        raise FilterError(
            f"{prefix}a filter must be text, not {type(text).__name__}; quote it in YAML."
        )
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(
            f"{prefix}filter of {len(text)} characters is longer than {MAX_FILTER_LENGTH}; "
            "shorten it."
        )
    if "\x00" in text:
        raise FilterError(f"{prefix}filter holds a NUL character; remove it.")
    try:
        tree = parse_tree(text)
    except FilterError as exc:
        raise FilterError(prefix + " ".join(str(exc).split())) from None
    return Filter(text, tree)


def check_filter(text: str | None) -> str | None:
    """Pydantic helper: validate ``text`` as a filter and return it unchanged (``None`` passes).

    Raises ``ValueError`` (a :class:`FilterError`) so pydantic reports it with the key path.
    """
    if text is None:
        return None
    parse_filter(text)
    return text
