"""The filter language's syntax: tokens and a recursive-descent parser to a tree of tuples.

The grammar is in :mod:`arealanalyse.filters`. The tree is plain tuples::

    ("col", name) ("lit", value) ("cmp", op, left, right) ("in", operand, values, negated)
    ("and", a, b) ("or", a, b) ("not", a) ("bool", operand)

evaluated by :func:`arealanalyse.filters.evaluate.evaluate`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from arealanalyse.errors import FilterError

__all__ = ["MAX_DEPTH", "columns_of", "parse_tree"]

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


def parse_tree(source: str, /) -> tuple:
    """Parse a filter into its syntax tree; raise :class:`~arealanalyse.errors.FilterError`."""
    return _Parser(source).parse()


def columns_of(tree: tuple, /) -> tuple[str, ...]:
    """Return the column names a syntax tree reads, sorted."""
    out: set[str] = set()
    _columns(tree, out)
    return tuple(sorted(out))
