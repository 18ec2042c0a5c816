"""One-line messages for pydantic validation errors in scenario files.

Each error becomes ``<file>: <key path>: <problem>; <fix>``: an unknown key suggests the closest
valid key at that place (:mod:`difflib`), a wrong type says what to write instead.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

__all__ = ["format_error", "keypath"]


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields:
            return None
        by_alias = {(f.alias or n): f for n, f in fields.items()}
        if part not in by_alias:
            return None
        ann = by_alias[part].annotation
        current = None
        stack = [ann]
        while stack:
            cand = stack.pop()
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                current = cand
                break
            stack.extend(getattr(cand, "__args__", ()))
        if current is None:
            return None
    return current


def keypath(loc: tuple[int | str, ...]) -> str:
    """Write a pydantic error location as a key path.

    Examples
    --------
    >>> keypath(("sites", 2, "bra_m2"))
    'sites[2].bra_m2'
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


_TYPE_FIXES = {
    "int": "write a whole number",
    "float": "write a number",
    "string": "write text (quote it)",
    "list": "write a YAML list (- item)",
    "dict": "write a mapping (key: value)",
    "model": "write a mapping (key: value)",
    "bool": "write true or false",
}


def format_error(err: Any, label: str, /, *, root: type[BaseModel]) -> str:
    """One line for one pydantic error: ``<file>: <key path>: <problem>; <fix>``."""
    loc = tuple(p for p in err.get("loc", ()) if not str(p).startswith("function-after"))
    kind = str(err.get("type", ""))
    path = keypath(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        model = _model_at(root, loc[:-1])
        allowed = [(f.alias or n) for n, f in model.model_fields.items()] if model else []
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else f"valid keys here: {', '.join(allowed)}"
            if allowed
            else "remove it"
        )
        return f"{label}: {path}: unknown key {key!r}; {hint}"
    if kind == "missing":
        return f"{label}: {path}: required key is missing; add it"
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
    if kind == "value_error":
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        return f"{label}: {path}: {msg}"
    if kind == "literal_error" and loc == ("schema_version",):
        return f"{label}: schema_version: unsupported version{shown}; write schema_version: 1"
    for key, fix in _TYPE_FIXES.items():
        if kind.startswith(key + "_") or kind == key + "_type":
            return f"{label}: {path}: wrong type{shown}; {fix}"
    msg = str(err.get("msg", "invalid value"))
    return f"{label}: {path}: {msg}{shown}; fix the value"
