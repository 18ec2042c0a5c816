"""The rule-file schema: strict pydantic models and the loader.

A rule file is YAML with ``schema_version: 1``, a title and a list of rules. Unknown keys are
rejected (``extra="forbid"``), every rule's ``measure`` must be a name in the measure registry
(:data:`arealanalyse.rules.measures.MEASURES`) and its operator and threshold must suit that
measure. Any problem becomes one :class:`~arealanalyse.errors.RuleError` line that names the file,
the key path and the fix. ``docs/rules.md`` documents every key.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from arealanalyse.errors import RuleError
from arealanalyse.filters import parse_filter
from arealanalyse.i18n import check_lang
from arealanalyse.layers.codes import (
    AR5_ARTYPE,
    AREA_TYPES,
    AREALFORMAL,
    AREALFORMAL_CATEGORIES,
    HAZARD_TYPES,
)
from arealanalyse.limits import DISTANCE_M_MAX
from arealanalyse.rules.measures import MEASURES, USES
from arealanalyse.scenarios.sitetable import SITE_TABLE_COLUMNS
from arealanalyse.yamlfiles import format_validation_error, read_yaml

__all__ = [
    "OPERATORS",
    "AppliesTo",
    "Clause",
    "Rule",
    "RuleSet",
    "load_rules",
    "parse_rules",
]

#: Comparison operators a rule may use: ``value <op> threshold`` must hold for a pass.
OPERATORS: tuple[str, ...] = ("<=", "<", ">=", ">", "==", "!=", "in", "not_in")

Operator = Literal["<=", "<", ">=", ">", "==", "!=", "in", "not_in"]
Scalar = float | int | str
ThresholdValue = float | int | str | list[float | int | str]


def _subset_of(allowed: Any) -> Any:
    return lambda v: isinstance(v, list) and all(x in allowed for x in v)


_PARAM_CHECKS: dict[str, tuple[Any, str]] = {
    "classes": (
        lambda v: isinstance(v, list) and bool(v) and all(c in (21, 22, 23) for c in v),
        "a non-empty list of AR5 farmland classes (21, 22, 23)",
    ),
    "area_types": (_subset_of(AREA_TYPES), f"a list of area types from {list(AREA_TYPES)}"),
    "abc_classes": (_subset_of(("A", "B", "C")), "a list of ABC classes (A, B, C)"),
    "from_categories": (
        _subset_of(AREALFORMAL_CATEGORIES),
        f"a list of arealformål categories from {list(AREALFORMAL_CATEGORIES)}",
    ),
    "to_categories": (
        _subset_of(AREALFORMAL_CATEGORIES),
        f"a list of arealformål categories from {list(AREALFORMAL_CATEGORIES)}",
    ),
    "from_codes": (_subset_of(AREALFORMAL), "a list of SOSI arealformål codes"),
    "to_codes": (_subset_of(AREALFORMAL), "a list of SOSI arealformål codes"),
    "ar5_classes": (
        lambda v: isinstance(v, list) and bool(v) and all(c in AR5_ARTYPE for c in v),
        f"a non-empty list of AR5 classes from {list(AR5_ARTYPE)}",
    ),
    "overlay": (
        lambda v: (
            isinstance(v, str)
            and (
                v in ("strandsone", "nature_types", "recreation_areas", "cultivable_land")
                or v == "hazard_any"
                or v.removeprefix("hazard_") in HAZARD_TYPES
            )
        ),
        "strandsone, hazard_any, hazard_<type>, nature_types, recreation_areas or cultivable_land",
    ),
    "plan": (lambda v: v in ("current", "new"), "current or new"),
    "scope": (lambda v: v in ("all", "opened"), "all or opened"),
    "period_years": (
        lambda v: (
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 200)
        ),
        "a number of years from 1 to 200",
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


#: Plausible thresholds by measure unit: a number outside is a typo, not a rule.
THRESHOLD_RANGES: dict[str, tuple[float, float]] = {
    "m": (0.0, DISTANCE_M_MAX),
    "daa": (0.0, 1_000_000.0),
    "dB": (0.0, 200.0),
    "°": (0.0, 90.0),
    "m²": (0.0, 100_000_000.0),
    "%": (0.0, 100.0),
    "m²/år": (0.0, 10_000_000.0),
    "boliger/år": (0.0, 1_000_000.0),
}


class Text(_Strict):
    """A text in Norwegian bokmål (``nb``) and English (``en``)."""

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``nb`` or ``en``)."""
        return str(getattr(self, check_lang(lang)))


class Clause(_Strict):
    """The clause of the municipal strategy that a rule implements."""

    text: str = Field(min_length=1, description="The clause, quoted or paraphrased.")
    ref: str = Field(
        min_length=1, description="Document and section, e.g. 'KPA 2022–2042, kap. 3'."
    )
    verbatim: bool = Field(
        False, description="True only when `text` is a verbatim quote; otherwise a paraphrase."
    )


class AppliesTo(_Strict):
    """Which part of a proposal a rule is checked on.

    ``scope: site`` checks each development site (filtered by ``uses``, ``sites`` and ``where``
    when given; the other sites get ``not_applicable``). ``scope: proposal`` checks the proposal
    as a whole; ``uses``, ``sites`` and ``where`` then select the sites the measure is computed
    over. ``where`` is a condition in the filter language (:mod:`arealanalyse.filters`) on the
    site table's columns, checked when the rule file is loaded.
    """

    scope: Literal["site", "proposal"] = "site"
    uses: list[str] | None = None
    sites: list[str] | None = None
    where: str | None = Field(
        None,
        description="A condition on site-table columns in the filter language, e.g. "
        "\"bra_m2 >= 5000 and abc_class != 'A'\".",
    )

    @field_validator("where")
    @classmethod
    def _where_parses(cls, v: str | None) -> str | None:
        if v is None:
            return v
        flt = parse_filter(v)
        flt.check_columns(SITE_TABLE_COLUMNS)
        return v

    @field_validator("uses")
    @classmethod
    def _known_uses(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        bad = [u for u in v if u not in USES]
        if bad:
            raise ValueError(f"unknown use(s) {bad}; use one or more of {list(USES)}")
        if not v:
            raise ValueError("an empty list selects nothing; leave the key out to select all")
        return v


class Rule(_Strict):
    """One rule: a measure compared with a threshold, and what breaking it means."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="Unique rule id (kebab-case).")
    title: Text
    clause: Clause
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    measure: str
    params: dict[str, Any] = Field(default_factory=dict)
    operator: Operator
    threshold: ThresholdValue
    severity: Literal["fail", "warn"] = "fail"
    advice: Text | None = None

    @field_validator("threshold", mode="before")
    @classmethod
    def _typed_threshold(cls, v: Any) -> Any:
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, bool):
                raise ValueError(
                    f"{item!r} is not a threshold (YAML reads true/yes/on and false/no/off as "
                    "true/false); give a number, or quote text ('yes')"
                )
            if item is None or isinstance(item, dict | list):
                raise ValueError(f"{item!r} is not a threshold; give a number or text")
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"{item!r} is not a finite number; give a number")
        return v

    @model_validator(mode="after")
    def _check_measure(self) -> Rule:
        if self.measure not in MEASURES:
            close = difflib.get_close_matches(self.measure, list(MEASURES), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(
                f"measure: unknown measure {self.measure!r}; {hint}measures are listed in "
                "docs/rules.md"
            )
        m = MEASURES[self.measure]
        if m.level != self.applies_to.scope:
            raise ValueError(
                f"applies_to.scope: measure {self.measure!r} is a {m.level}-level measure; "
                f"set scope: {m.level}"
            )
        unknown = set(self.params) - set(m.params)
        if unknown:
            raise ValueError(
                f"params: {sorted(unknown)} are not parameters of {self.measure!r}; "
                f"its parameters are {sorted(m.params) or 'none'}"
            )
        for key, value in self.params.items():
            ok, want = _PARAM_CHECKS.get(key, (lambda _v: True, ""))
            if not ok(value):
                raise ValueError(f"params.{key}: {value!r} is not valid; give {want}")
        if m.kind == "category" and self.operator not in ("==", "!=", "in", "not_in"):
            raise ValueError(
                f"operator: measure {self.measure!r} gives categories; use ==, !=, in or not_in"
            )
        listy = self.operator in ("in", "not_in")
        if listy != isinstance(self.threshold, list):
            want = "a list" if listy else "a single value"
            raise ValueError(f"threshold: operator {self.operator!r} needs {want}")
        vals = self.threshold if isinstance(self.threshold, list) else [self.threshold]
        if m.kind == "number":
            if any(isinstance(v, str) for v in vals):
                raise ValueError(
                    f"threshold: measure {self.measure!r} is numeric ({m.unit}); give a number"
                )
            low, high = THRESHOLD_RANGES.get(m.unit, (-math.inf, math.inf))
            bad = [v for v in vals if not low <= float(v) <= high]
            if bad:
                raise ValueError(
                    f"threshold: {bad[0]:g} {m.unit} is not plausible for {self.measure!r}; "
                    f"give a number from {low:,g} to {high:,g} {m.unit}"
                )
        elif any(not isinstance(v, str) for v in vals):
            raise ValueError(
                f"threshold: measure {self.measure!r} gives names or classes; give them as "
                "text (quote numbers: '1300')"
            )
        return self


class RuleSet(_Strict):
    """A rule file: metadata and the rules, checked in the order given."""

    schema_version: Literal[1]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: Text
    municipality: str = ""
    kommunenummer: str = Field("", pattern=r"^(\d{4})?$")
    source: str = ""
    rules: list[Rule] = Field(min_length=1)
    path: Path | None = Field(None, exclude=True, description="File read from (set by loader).")

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSet:
        seen: set[str] = set()
        for i, r in enumerate(self.rules):
            if r.id in seen:
                raise ValueError(
                    f"rules[{i}].id: duplicate rule id {r.id!r}; give each rule its own id"
                )
            seen.add(r.id)
        return self

    def rule(self, rule_id: str) -> Rule:
        """Return the rule called ``rule_id``."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def label(self) -> str:
        """The file name (or the set's name when it was not read from a file)."""
        return self.path.name if self.path is not None else self.name


def _with_rule_ids(message: str, data: Any) -> str:
    """Write ``rules[3]`` as ``rules[3](kontor-ved-bane)``: friendlier than an index."""
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        return message

    def sub(m: re.Match[str]) -> str:
        i = int(m.group(1))
        rid = rules[i].get("id") if i < len(rules) and isinstance(rules[i], dict) else None
        return f"rules[{i}]({rid})" if rid else m.group(0)

    return re.sub(r"rules\[(\d+)\]", sub, message)


def parse_rules(data: object, *, label: str = "<rules>", path: Path | None = None) -> RuleSet:
    """Validate a parsed rule file (a dict) and return the :class:`RuleSet`.

    Examples
    --------
    >>> rs = parse_rules({
    ...     "schema_version": 1, "name": "demo", "title": {"nb": "Demo", "en": "Demo"},
    ...     "rules": [{"id": "kontor-ved-bane",
    ...                "title": {"nb": "Kontor nær bane", "en": "Offices near rail"},
    ...                "clause": {"text": "Kontor nær stasjon.", "ref": "KPA kap. 3"},
    ...                "applies_to": {"uses": ["kontor"]},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> rs.rules[0].severity
    'fail'
    >>> parse_rules({"schema_version": 1, "name": "x", "title": {"nb": "x", "en": "x"},
    ...              "rules": [], "colour": "red"}, label="x.yaml")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.RuleError: Rule file 'x.yaml': unknown key 'colour'; valid keys here: ...
    """
    what = f"Rule file {label!r}"
    if not isinstance(data, dict):
        raise RuleError(
            f"{what}: the top level must be a mapping with schema_version, name, title and "
            "rules; see docs/rules.md."
        )
    if "schema_version" in data and data["schema_version"] != 1:
        raise RuleError(
            f"Rule file {label!r}: schema_version: {data['schema_version']!r} is not supported; "
            "fix: set schema_version: 1."
        )
    try:
        rs = RuleSet.model_validate(data)
    except ValidationError as exc:
        line = format_validation_error(exc, RuleSet, what).replace("(top level): ", "")
        line = _with_rule_ids(line, data)
        raise RuleError(" ".join(line.split()) + " (see docs/rules.md)") from None
    return rs.model_copy(update={"path": path}) if path is not None else rs


def load_rules(path: str | os.PathLike[str]) -> RuleSet:
    """Read and validate a rule file.

    Parameters
    ----------
    path
        A YAML rule file (see ``docs/rules.md``).

    Returns
    -------
    RuleSet
        The validated rules, with ``path`` set.

    Raises
    ------
    RuleError
        One line naming the file, the key path and the fix.

    Examples
    --------
    >>> from arealanalyse.rules import default_rules_path
    >>> rs = load_rules(default_rules_path())
    >>> rs.schema_version, len(rs.rules) >= 9
    (1, True)
    """
    p = Path(path)
    data = read_yaml(p, error=RuleError, what="Rule file")
    return parse_rules(data, label=p.name, path=p)
