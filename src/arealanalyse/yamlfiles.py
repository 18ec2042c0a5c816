"""Strict YAML files validated by pydantic, with one-line errors a planner can act on.

Layer catalogues, scenario files and rule files all load through :func:`load_model`: the YAML is
parsed (a syntax error names the file, line and column), validated against a pydantic model with
``extra="forbid"`` (a misspelled key names the key path and suggests the closest valid key), and
every problem becomes a single line raised as the caller's error class.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from arealanalyse.errors import ArealanalyseError

__all__ = [
    "MAX_YAML_ALIASES",
    "allowed_keys",
    "format_validation_error",
    "keypath",
    "load_model",
    "model_at",
    "read_yaml",
    "safe_load",
]

M = TypeVar("M", bound=BaseModel)


#: Most YAML aliases (``*name``) a file may use: aliases of aliases can make a small file expand
#: to billions of values ("billion laughs"); real catalogues, scenarios and rules use none.
MAX_YAML_ALIASES = 100

#: Largest YAML file read (bytes); catalogues, scenarios and rule files are a few KB.
MAX_YAML_BYTES = 10_000_000


class _SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses more than :data:`MAX_YAML_ALIASES` aliases."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise yaml.YAMLError(
                    f"more than {MAX_YAML_ALIASES} aliases (*name); write the values out"
                )
        return super().compose_node(parent, index)


def safe_load(text: str) -> object:
    """``yaml.safe_load`` with the alias limit (:data:`MAX_YAML_ALIASES`)."""
    loader = _SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: str | Path, /, *, error: type[ArealanalyseError], what: str) -> dict[str, Any]:
    """Read a YAML mapping from ``path``; raise ``error`` with a one-line message on any problem."""
    p = Path(path)
    if not p.is_file():
        raise error(f"{what} {str(p)!r} does not exist; check the path (relative to {Path.cwd()}).")
    if p.stat().st_size > MAX_YAML_BYTES:
        raise error(
            f"{what} {p.name!r} is {p.stat().st_size:,} bytes, more than a YAML file of "
            f"arealanalyse can be ({MAX_YAML_BYTES:,}); is it the right file?"
        )
    try:
        data = safe_load(p.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise error(
            f"{what} {p.name!r} is not valid YAML at {where}: {exc.problem}; "
            "check indentation and quoting there."
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        said = " ".join(str(exc).split())[:200]
        raise error(
            f"{what} {p.name!r} cannot be read as YAML: {said}; save it as UTF-8 YAML."
        ) from None
    if not isinstance(data, dict):
        raise error(
            f"{what} {p.name!r} must be a YAML mapping (key: value), not {type(data).__name__}."
        )
    return data


def keypath(loc: tuple[int | str, ...]) -> str:
    """Write a pydantic error location as a key path.

    Examples
    --------
    >>> keypath(("sites", 2, "bra_m2"))
    'sites[2].bra_m2'
    """
    out = ""
    for part in loc:
        text = str(part)
        if not text or not text.isprintable():  # a key from a hostile file: show it quoted
            text = repr(text)
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + text
    return out or "(top level)"


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """Return the model inside ``dict[str, M]``, ``list[M]`` or ``M | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Return the model that holds the keys at ``loc`` (a pydantic error location), if known.

    Keys match field names or aliases (e.g. ``from``); list indexes and dict keys stay on the
    element's model, so ``layers.green`` in a ``dict[str, LayerSpec]`` is a ``LayerSpec``.
    """
    current: type[BaseModel] | None = root
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        by_key = {(f.alias or n): f for n, f in current.model_fields.items()}
        if part in by_key:
            current = _inner_model(by_key[part].annotation)
        # otherwise a dict key (or a validator's name): stay on the element's model
    return current


def allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Return the valid keys where the last key of ``loc`` stands (for suggestions)."""
    model = model_at(root, loc[:-1])
    return [f.alias or n for n, f in model.model_fields.items()] if model else []


def format_validation_error(exc: ValidationError, model: type[BaseModel], what: str) -> str:
    """Turn a pydantic ``ValidationError`` into one line: file, key path, problem and fix."""
    errors = exc.errors()
    # A misspelled key also makes the real key "missing": report the root cause first.
    err = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    path = keypath(loc)
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = allowed_keys(model, loc)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else (f"valid keys here: {', '.join(sorted(allowed))}" if allowed else "remove it")
        )
        return f"{what}: unknown key {path!r}; {hint}{more}"
    if kind == "missing":
        return f"{what}: required key {path!r} is missing; add it{more}"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
    return f"{what}: {path}: {msg}{shown}{more}"


def load_model(
    path: str | Path, model: type[M], /, *, error: type[ArealanalyseError], what: str
) -> M:
    """Read ``path`` as YAML and validate it against ``model``.

    Parameters
    ----------
    path
        The YAML file.
    model
        A pydantic model (use ``extra="forbid"`` so misspelled keys are errors).
    error
        The error class to raise (e.g. ``CatalogueError``).
    what
        How to call the file in messages, e.g. ``"Catalogue 'baerum.yaml'"``.
    """
    data = read_yaml(path, error=error, what=what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(format_validation_error(exc, model, what)) from None
