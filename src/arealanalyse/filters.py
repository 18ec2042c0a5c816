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

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.errors import FilterError

__all__ = ["MAX_FILTER_LENGTH", "Filter", "check_filter", "parse_filter"]

#: Longest filter accepted (characters); longer text is refused before parsing.
MAX_FILTER_LENGTH = 2000

#: Deepest nesting of parentheses and ``not`` accepted.
MAX_DEPTH = 40

_ALLOWED = (
    "filters allow column names, quoted text, numbers, comparisons (== != < <= > >=), in, and, "
    "or, not and parentheses (see docs/layers.md)"
)

_COMPARE = ("==", "!=", "<=", ">=", "<", ">")
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}

_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"\s+")

#: Hints for tokens people bring from pandas or SQL.
_HINTS = {
    "&": "write 'and'",
    "&&": "write 'and'",
    "|": "write 'or'",
    "||": "write 'or'",
    "~": "write 'not'",
    "!": "write 'not' (or != for 'not equal')",
    "<>": "write !=",
    "===": "write ==",
}


@dataclass(frozen=True)
class _Tok:
    kind: str  # name, qname, str, num, op, kw, punct, end
    value: Any
    pos: int  # 1-based character position, for messages
    text: str


def _refuse(source: str, token: str, pos: int, why: str = "") -> FilterError:
    hint = _HINTS.get(token)
    reason = why or "is not allowed"
    tail = f"; {hint}" if hint else f"; {_ALLOWED}"
    return FilterError(f"filter {source!r}: {token!r} at position {pos} {reason}{tail}.")


def _tokenize(source: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i = _SPACE.match(source, i).end()  # type: ignore[union-attr]
            continue
        pos = i + 1
        if c in "'\"":
            j, buf = i + 1, []
            while j < n and source[j] != c:
                if source[j] == "\\" and j + 1 < n and source[j + 1] in (c, "\\"):
                    j += 1
                buf.append(source[j])
                j += 1
            if j >= n:
                raise FilterError(
                    f"filter {source!r}: the text starting at position {pos} has no closing "
                    f"{c}; close the quote."
                )
            toks.append(_Tok("str", "".join(buf), pos, source[i : j + 1]))
            i = j + 1
            continue
        if c == "`":
            j = source.find("`", i + 1)
            if j < 0:
                raise FilterError(
                    f"filter {source!r}: the column name starting at position {pos} has no "
                    "closing `; close it."
                )
            name = source[i + 1 : j]
            if not name.strip():
                raise _refuse(source, "``", pos, "is an empty column name")
            toks.append(_Tok("qname", name, pos, source[i : j + 1]))
            i = j + 1
            continue
        m = _NUMBER.match(source, i)
        if m is not None and (c.isdigit() or c == "."):
            text = m.group(0)
            end = m.end()
            if end < n and (source[end].isalpha() or source[end] == "_"):
                tail = re.match(r"\w*", source[end:])
                word = text + (tail.group(0) if tail else "")
                raise _refuse(source, word, pos, "is neither a number nor a column name")
            toks.append(_Tok("num", text, pos, text))
            i = end
            continue
        if c in "+-" and i + 1 < n and (source[i + 1].isdigit() or source[i + 1] == "."):
            prev = toks[-1] if toks else None
            after_value = prev is not None and (
                prev.kind not in ("op", "kw", "punct") or prev.value in (")", "]")
            )
            if not after_value:
                m = _NUMBER.match(source, i + 1)
                if m is not None:
                    text = source[i : m.end()]
                    toks.append(_Tok("num", text, pos, text))
                    i = m.end()
                    continue
        m = _NAME.match(source, i)
        if m is not None:
            word = m.group(0)
            low = word.lower()
            if low in _KEYWORDS:
                toks.append(_Tok("kw", low, pos, word))
            else:
                if word.startswith("__"):
                    raise _refuse(source, word, pos, "is not allowed (names cannot start with __)")
                toks.append(_Tok("name", word, pos, word))
            i = m.end()
            continue
        two = source[i : i + 3] if source[i : i + 3] == "===" else source[i : i + 2]
        if two in ("===", "&&", "||", "<>"):
            raise _refuse(source, two, pos)
        if two in ("==", "!=", "<=", ">="):
            toks.append(_Tok("op", two, pos, two))
            i += 2
            continue
        if c in "<>":
            toks.append(_Tok("op", c, pos, c))
            i += 1
            continue
        if c == "=":
            toks.append(_Tok("op", "==", pos, c))
            i += 1
            continue
        if c in "()[],":
            toks.append(_Tok("punct", c, pos, c))
            i += 1
            continue
        raise _refuse(source, c, pos)
    toks.append(_Tok("end", None, n + 1, "end of the filter"))
    return toks


# --- the syntax tree: plain tuples, evaluated by _eval ----------------------------------------
# ("col", name) ("lit", value) ("cmp", op, left, right) ("in", operand, values, negated)
# ("and", a, b) ("or", a, b) ("not", a) ("bool", operand)


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.toks = _tokenize(source)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def next(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, value: Any, what: str) -> _Tok:
        t = self.tok
        if t.kind != kind or t.value != value:
            raise self.unexpected(f"expected {what}")
        return self.next()

    def unexpected(self, expected: str) -> FilterError:
        t = self.tok
        if t.kind == "end":
            return FilterError(f"filter {self.source!r}: ends too early ({expected}); complete it.")
        if (
            t.kind == "punct"
            and t.value == "("
            and self.i > 0
            and self.toks[self.i - 1].kind
            in (
                "name",
                "qname",
            )
        ):
            return _refuse(self.source, "(", t.pos, "is a call, which is not allowed")
        return FilterError(
            f"filter {self.source!r}: unexpected {t.text!r} at position {t.pos} ({expected}); "
            f"{_ALLOWED}."
        )

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(
                f"filter {self.source[:60]!r}...: nested more than {MAX_DEPTH} levels deep; "
                "simplify it."
            )

    def parse(self) -> tuple:
        if self.tok.kind == "end":
            raise FilterError('filter is empty; write a condition such as "vehicle_type == 100".')
        node = self.or_()
        if self.tok.kind != "end":
            raise self.unexpected("expected and, or, or the end of the filter")
        return node

    def or_(self) -> tuple:
        node = self.and_()
        while self.tok.kind == "kw" and self.tok.value == "or":
            self.next()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> tuple:
        node = self.not_()
        while self.tok.kind == "kw" and self.tok.value == "and":
            self.next()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> tuple:
        if self.tok.kind == "kw" and self.tok.value == "not":
            self.next()
            self.deeper()
            node = ("not", self.not_())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> tuple:
        left = self.operand()
        t = self.tok
        if t.kind == "op":
            self.next()
            right = self.operand()
            if right[0] not in ("col", "lit"):
                raise FilterError(
                    f"filter {self.source!r}: the right side of {t.value} at position {t.pos} "
                    "must be a column or a value, not a condition; add parentheses around "
                    "whole comparisons."
                )
            if left[0] not in ("col", "lit"):
                raise FilterError(
                    f"filter {self.source!r}: the left side of {t.value} at position {t.pos} "
                    "must be a column or a value, not a condition."
                )
            if self.tok.kind == "op":
                raise FilterError(
                    f"filter {self.source!r}: chained comparison at position {self.tok.pos}; "
                    "write 'a < b and b < c'."
                )
            return ("cmp", t.value, left, right)
        negated = False
        if t.kind == "kw" and t.value == "not" and self.toks[self.i + 1].value == "in":
            self.next()
            negated = True
        if self.tok.kind == "kw" and self.tok.value == "in":
            in_tok = self.next()
            if left[0] not in ("col", "lit"):
                raise FilterError(
                    f"filter {self.source!r}: 'in' at position {in_tok.pos} needs a column on "
                    "its left."
                )
            return ("in", left, self.literal_list(), negated)
        if left[0] == "col":
            return ("bool", left)
        if left[0] == "lit":
            raise FilterError(
                f"filter {self.source!r}: the value {left[1]!r} alone is not a condition; "
                "compare a column with it."
            )
        return left

    def operand(self) -> tuple:
        t = self.tok
        if t.kind in ("name", "qname"):
            self.next()
            return ("col", t.value)
        if t.kind in ("str", "num") or (t.kind == "kw" and t.value in ("true", "false")):
            return ("lit", self.literal())
        if t.kind == "punct" and t.value == "(":
            self.next()
            self.deeper()
            node = self.or_()
            self.depth -= 1
            self.expect("punct", ")", "expected ')'")
            return node
        raise self.unexpected("expected a column name, a value or '('")

    def literal(self) -> Any:
        t = self.next()
        if t.kind == "str":
            return t.value
        if t.kind == "num":
            text = t.value
            value: float | int
            try:
                value = int(text)
            except ValueError:
                value = float(text)
            if isinstance(value, int) and abs(value) > 2**53:
                value = float(value)
            if not math.isfinite(value):
                raise _refuse(self.source, text, t.pos, "is not a finite number")
            return value
        if t.kind == "kw" and t.value in ("true", "false"):
            return t.value == "true"
        self.i -= 1
        raise self.unexpected("expected a value: quoted text, a number, true or false")

    def literal_list(self) -> tuple:
        t = self.tok
        if not (t.kind == "punct" and t.value in ("(", "[")):
            raise self.unexpected("expected a list of values like (1, 2) after 'in'")
        close = ")" if t.value == "(" else "]"
        self.next()
        values = [self.literal()]
        while self.tok.kind == "punct" and self.tok.value == ",":
            self.next()
            if self.tok.kind == "punct" and self.tok.value == close:
                break
            values.append(self.literal())
        self.expect("punct", close, f"expected ',' or {close!r}")
        return tuple(values)


def _columns(node: tuple, out: set[str]) -> None:
    tag = node[0]
    if tag == "col":
        out.add(node[1])
    elif tag in ("and", "or"):
        _columns(node[1], out)
        _columns(node[2], out)
    elif tag in ("not", "bool"):
        _columns(node[1], out)
    elif tag == "cmp":
        _columns(node[2], out)
        _columns(node[3], out)
    elif tag == "in":
        _columns(node[1], out)


@dataclass(frozen=True)
class Filter:
    """A parsed, checked filter. Build it with :func:`parse_filter`."""

    source: str
    tree: tuple

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names the filter reads, sorted."""
        out: set[str] = set()
        _columns(self.tree, out)
        return tuple(sorted(out))

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
        ctx = _Context(df, self.source, what)
        out = ctx.truth(self.tree)
        return pd.Series(out, index=df.index, dtype=bool)

    def apply(self, df: pd.DataFrame, *, what: str = "") -> pd.DataFrame:
        """Return the rows of ``df`` where the filter holds (a new frame)."""
        return df.loc[self.mask(df, what=what).to_numpy()]


def _short(names: list[str], n: int = 12) -> str:
    shown = ", ".join(names[:n])
    return shown + (f" ... ({len(names)} in all)" if len(names) > n else "")


class _Context:
    """Evaluates a syntax tree on one DataFrame with numpy, never Python's eval."""

    def __init__(self, df: pd.DataFrame, source: str, what: str):
        self.df = df
        self.n = len(df)
        self.source = source
        self.prefix = f"{what}: " if what else ""

    def fail(self, message: str) -> FilterError:
        return FilterError(f"{self.prefix}filter {self.source!r}: {message}")

    def truth(self, node: tuple) -> np.ndarray:
        tag = node[0]
        if tag == "and":
            return self.truth(node[1]) & self.truth(node[2])
        if tag == "or":
            return self.truth(node[1]) | self.truth(node[2])
        if tag == "not":
            return ~self.truth(node[1])
        if tag == "bool":
            name = node[1][1]
            col = self.df[name]
            kind = _kind(col)
            if kind not in ("bool", "empty"):
                raise self.fail(
                    f"column {name!r} is not true/false, so it cannot stand alone; compare it, "
                    f"e.g. {name} == ..."
                )
            return _fill(col == True)  # noqa: E712 (element-wise)
        if tag == "cmp":
            return self.compare(node[1], node[2], node[3])
        if tag == "in":
            return self.member(node[1], node[2], node[3])
        raise self.fail("is not a condition")  # pragma: no cover (the parser never builds it)

    def operand(self, node: tuple) -> tuple[Any, str, str]:
        """Return (values, kind, label) for a column or a literal."""
        if node[0] == "col":
            col = self.df[node[1]]
            return col, _kind(col), f"column {node[1]!r}"
        value = node[1]
        return value, _lit_kind(value), repr(value)

    def compare(self, op: str, left: tuple, right: tuple) -> np.ndarray:
        lv, lk, ll = self.operand(left)
        rv, rk, rl = self.operand(right)
        comparable = lk == rk or ({lk, rk} == {"number", "bool"} and op in ("==", "!="))
        if "empty" not in (lk, rk) and "mixed" not in (lk, rk) and not comparable:
            raise self.fail(
                f"{ll} holds {_WORDS[lk]} but is compared with {rl} ({_WORDS[rk]}); " + _fix(lk, rk)
            )
        if "mixed" in (lk, rk) or lk == "empty" or rk == "empty":
            return self.elementwise(op, lv, rv)
        try:
            res = _OPS[op](lv, rv)
        except TypeError:
            return self.elementwise(op, lv, rv)
        if not isinstance(res, pd.Series):
            return np.full(self.n, bool(res))
        out = _fill(res)
        for v in (lv, rv):  # a missing value matches no comparison (not even !=)
            if isinstance(v, pd.Series):
                out &= v.notna().to_numpy(dtype=bool)
        return out

    def elementwise(self, op: str, lv: Any, rv: Any) -> np.ndarray:
        left = lv.tolist() if isinstance(lv, pd.Series) else [lv] * self.n
        right = rv.tolist() if isinstance(rv, pd.Series) else [rv] * self.n
        out = np.zeros(self.n, dtype=bool)
        fn = _OPS[op]
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            if _missing(a) or _missing(b):
                continue
            try:
                out[i] = bool(fn(a, b))
            except TypeError:
                out[i] = False
        return out

    def member(self, left: tuple, values: tuple, negated: bool) -> np.ndarray:
        lv, lk, ll = self.operand(left)
        kinds = {_lit_kind(v) for v in values}
        if lk not in ("empty", "mixed") and not kinds <= {lk} | (
            {"bool"} if lk == "number" else set()
        ):
            other = next(k for k in kinds if k != lk)
            raise self.fail(
                f"{ll} holds {_WORDS[lk]} but the list after 'in' has {_WORDS[other]}; "
                + _fix(lk, other)
            )
        if isinstance(lv, pd.Series):
            res = _fill(lv.isin(list(values)))
        else:
            res = np.full(self.n, lv in values)
        return ~res if negated else res


def _missing(v: Any) -> bool:
    try:
        return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
    except TypeError:  # pragma: no cover
        return False


def _fill(res: Any) -> np.ndarray:
    s = res if isinstance(res, pd.Series) else pd.Series(res)
    if s.dtype == object or str(s.dtype) == "boolean":
        s = s.fillna(False)
    return s.to_numpy(dtype=bool, copy=True)


_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}

_WORDS = {
    "number": "numbers",
    "text": "text",
    "bool": "true/false values",
    "date": "dates",
    "mixed": "mixed values",
    "empty": "no values",
    "other": "values of another type",
}


def _fix(column_kind: str, value_kind: str) -> str:
    if column_kind == "text" and value_kind == "number":
        return "quote the value ('100') to compare as text, or map the column to a number"
    if column_kind == "number" and value_kind == "text":
        return "write the value as a number, without quotes"
    return "compare like with like"


def _lit_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


def _kind(col: pd.Series) -> str:
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(col, skipna=True)
        if inferred == "string":
            return "text"
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return "number"
        if inferred == "boolean":
            return "bool"
        if inferred == "empty":
            return "empty"
        return "mixed"
    return "other"


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
        tree = _Parser(text).parse()
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
