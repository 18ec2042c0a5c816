"""One-line messages for pydantic validation errors in scenario files.

Each error becomes ``<file>: <key path>: <problem>; <fix>``: an unknown key suggests the closest
valid key at that place (:mod:`difflib`), a wrong type says what to write instead.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from arealanalyse.yamlfiles import allowed_keys, keypath

__all__ = ["format_error"]


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
        allowed = allowed_keys(root, loc)
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
