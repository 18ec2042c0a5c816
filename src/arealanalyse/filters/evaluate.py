"""The filter language's interpreter: a syntax tree evaluated on a DataFrame with numpy.

Never Python's ``eval`` and never pandas ``DataFrame.query``/``eval``: only the comparisons,
membership tests and boolean operators the tree names.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from arealanalyse.errors import FilterError

__all__ = ["evaluate"]


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


def evaluate(tree: tuple, df: pd.DataFrame, /, *, source: str, what: str = "") -> np.ndarray:
    """Evaluate a syntax tree on ``df``: a boolean array, False where a value is missing.

    ``source`` (the filter's text) and ``what`` (where it comes from) go into messages.
    """
    return _Context(df, source, what).truth(tree)
