"""Property tests: random YAML files and filter strings raise only arealanalyse's own errors.

Whatever a shared file holds (any YAML structure, any text, any filter), loading it either works
or raises an :class:`~arealanalyse.errors.ArealanalyseError` with a one-line message: never a
``TypeError``, ``KeyError``, ``RecursionError`` or pydantic error escaping as a traceback.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arealanalyse.errors import ArealanalyseError, FilterError
from arealanalyse.filters import parse_filter
from arealanalyse.layers.catalogue import load_catalogue
from arealanalyse.rules import load_rules
from arealanalyse.scenarios.load import load_scenario

SETTINGS = settings(
    max_examples=int(os.environ.get("AREALANALYSE_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Keys of the real files, so random documents often reach deep into the models.
KEYS = [
    "schema_version", "name", "title", "crs", "layers", "rasters", "sources", "path", "layer",
    "format", "columns", "values", "where", "encoding", "clip", "to", "tolerance_m", "boundary",
    "green", "homes", "transit", "walk_network", "areas", "noise", "catalogue", "extends",
    "period", "start", "end", "sites", "id", "use", "bra_m2", "dwellings", "year", "geometry",
    "area", "file", "footprint_m2", "rezone", "from", "jobs_per_1000m2", "kontor", "abc",
    "a_max_m", "b_max_m", "services", "add", "remove", "rules", "measure", "operator",
    "threshold", "applies_to", "scope", "uses", "clause", "text", "ref", "nb", "en", "params",
    "classes", "severity",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["EPSG:4326", "EPSG:3857", "kontor", "1", "dist_rail_m", "<=", "in", "a.gpkg"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=30,
)


def _top(doc: Any) -> Any:
    """Most random documents get a plausible top so validation goes past the first key."""
    if isinstance(doc, dict):
        return {"schema_version": 1, "name": "x", **doc}
    return doc


def _load_all(path: Path) -> None:
    for loader in (load_catalogue, load_scenario, load_rules):
        try:
            loader(path)
        except ArealanalyseError as exc:
            assert "\n" not in str(exc)


@SETTINGS
@given(doc=documents)
def test_random_yaml_documents_raise_only_our_errors(doc: Any, tmp_path: Path) -> None:
    p = tmp_path / "random.yaml"
    p.write_text(yaml.safe_dump(_top(doc), allow_unicode=True), encoding="utf-8")
    _load_all(p)


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_text_as_yaml_raises_only_our_errors(text: str, tmp_path: Path) -> None:
    p = tmp_path / "random.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load_all(p)


TOKENS = [
    "name", "x", "flag", "`a b`", "__x", "n", "==", "=", "!=", "<", "<=", ">", ">=", "in", "not",
    "and", "or", "(", ")", "[", "]", ",", "'a'", '"b"', "'", "1", "-2.5", "1e309", ".5", "true",
    "false", "@", ".", "+", "-", ";", "#", "~", "&", "|", "\\", "`", "\n", "f'x'", "__import__",
]  # fmt: skip

filters = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
)

FRAME = pd.DataFrame(
    {
        "name": ["a", "b", None],
        "x": [1.0, np.nan, 3.0],
        "flag": [True, False, True],
        "a b": ["a", "c", "a"],
        "n": pd.array([1, None, 3], dtype="Int64"),
    }
)


@SETTINGS
@given(text=filters)
def test_random_filters_raise_only_filter_errors(text: str) -> None:
    try:
        flt = parse_filter(text)
    except FilterError as exc:
        assert "\n" not in str(exc)
        return
    try:
        mask = flt.mask(FRAME)
    except FilterError as exc:
        assert "\n" not in str(exc)
        return
    assert mask.dtype == bool and mask.index.equals(FRAME.index)


# Filters built from the grammar always parse; evaluating them gives a mask or a FilterError.
names = st.sampled_from(["name", "x", "flag", "`a b`", "n"])
literals = st.one_of(
    st.integers(-5, 5).map(str),
    st.floats(-10, 10, allow_nan=False).map(repr),
    st.sampled_from(["'a'", '"b"', "'it\\'s'", "true", "false"]),
)
comparisons = st.one_of(
    st.builds(lambda a, op, b: f"{a} {op} {b}", names,
              st.sampled_from(["==", "=", "!=", "<", "<=", ">", ">="]), st.one_of(names, literals)),
    st.builds(lambda a, neg, vals: f"{a} {neg}in ({', '.join(vals)})", names,
              st.sampled_from(["", "not "]), st.lists(literals, min_size=1, max_size=3)),
    names,
)  # fmt: skip
conditions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds(
            lambda a, op, b: f"({a}) {op} ({b})", inner, st.sampled_from(["and", "or"]), inner
        ),
        inner.map(lambda a: f"not ({a})"),
    ),
    max_leaves=8,
)


@SETTINGS
@given(text=conditions)
def test_grammar_filters_parse_and_evaluate(text: str) -> None:
    flt = parse_filter(text)
    try:
        mask = flt.mask(FRAME)
    except FilterError:  # a type mismatch (text column vs number) is a planner's error
        return
    assert len(mask) == len(FRAME)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x > 1", [False, False, True]),
        ("not x > 1", [True, True, False]),  # a missing value matches no comparison
        ("x != 1", [False, False, True]),
        ("name in ('a', 'b')", [True, True, False]),
        ("flag and `a b` == 'a'", [True, False, True]),
        ("n >= 1 and n <= 2 or name == 'b'", [True, True, False]),
    ],
)
def test_filter_semantics(text: str, expected: list[bool]) -> None:
    """Golden values worked out by hand on FRAME."""
    assert parse_filter(text).mask(FRAME).tolist() == expected


def test_finite_numbers_in_filters() -> None:
    assert not math.isfinite(float("1e309"))
    with pytest.raises(FilterError, match="not a finite number"):
        parse_filter("x > 1e309")
