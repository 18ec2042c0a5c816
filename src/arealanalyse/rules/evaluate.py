"""Evaluate a rule set on the tables of a scenario run.

The result is a table with one row per (rule, site) for site-level rules and one row per rule for
proposal-level rules. Verdicts:

* ``pass``: the value satisfies ``value <operator> threshold``. A value *exactly at* the threshold
  passes for the inclusive operators ``<=``, ``>=``, ``==`` (compared with a tolerance of
  1e-9 × max(1, |threshold|), so that floating-point noise in a computed distance does not flip a
  verdict). The strict operators ``<`` and ``>`` exist for limits a law states as "≥ X is not
  allowed" (e.g. the T-1442 red noise zone, Lden ≥ 65 dB): at the threshold they fail.
* ``fail`` / ``warn``: the value breaks the limit; ``warn`` when the rule's severity is ``warn``.
* ``not_applicable``: the rule does not select this site (use or site filter), or the measure has
  no value for it (e.g. road noise on a site without homes, or an unknown plan period).

``margin`` is signed and in the measure's unit: positive means inside the limit by that much,
negative means outside (``threshold - value`` for ``<=``/``<``, ``value - threshold`` for
``>=``/``>``, ``-|value - threshold|`` for ``==``); it is empty for category measures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from arealanalyse.errors import MissingColumnError
from arealanalyse.filters import parse_filter
from arealanalyse.i18n import LANGS, MESSAGES, fmt_value, is_missing, msg
from arealanalyse.rules.measures import MEASURES, Measure, ProposalTables, ScenarioRun, as_tables
from arealanalyse.rules.model import Rule, RuleSet, Scalar, ThresholdValue

__all__ = [
    "RESULT_COLUMNS",
    "VERDICTS",
    "Evaluation",
    "compare",
    "evaluate",
    "margin_of",
    "site_verdict_table",
]

#: Verdicts, from worst to best (``not_applicable`` last).
VERDICTS: tuple[str, ...] = ("fail", "warn", "pass", "not_applicable")

#: Columns of :attr:`Evaluation.table`.
RESULT_COLUMNS: tuple[str, ...] = (
    "rule_id", "site_id", "site_name", "verdict", "value", "threshold", "margin", "unit",
    "severity", "clause_ref", "clause_text", "message_nb", "message_en",
)  # fmt: skip

_REL_TOL = 1e-9

#: Why a row does not apply: a message key (``rule.reason.*``, ``rule.no_value.*``) and its fields.
_Reason = tuple[str, dict[str, Any]]


def _is_missing(value: Any) -> bool:
    return is_missing(value)


def _norm(value: Any) -> Any:
    """Names compare ignoring case, surrounding blanks and dash style (– — -)."""
    if isinstance(value, str):
        return " ".join(value.replace("\u2013", "-").replace("\u2014", "-").split()).casefold()
    return value


def _close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= _REL_TOL * max(1.0, abs(b))


def compare(value: Scalar | None, operator: str, threshold: ThresholdValue) -> bool:
    """Return whether ``value <operator> threshold`` holds (the rule is satisfied).

    Values at the threshold satisfy the inclusive operators, within a tiny tolerance. Names
    compare ignoring case and dash style, so ``Rud-Hauger`` matches ``Rud–Hauger``.

    Examples
    --------
    >>> compare(1000.0, "<=", 1000), compare(1000.0000000001, "<=", 1000), compare(65.0, "<", 65)
    (True, True, False)
    >>> compare("B", "in", ["A", "B"]), compare("", "in", ["Grini"])
    (True, False)
    >>> compare("Rud-Hauger", "in", ["Rud–Hauger"])
    True
    """
    if operator in ("in", "not_in"):
        members = threshold if isinstance(threshold, list) else [threshold]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            inside = any(
                isinstance(t, (int, float)) and _close(float(value), float(t)) for t in members
            )
        else:
            inside = _norm(value) in [_norm(t) for t in members]
        return inside if operator == "in" else not inside
    if isinstance(value, str) or isinstance(threshold, str):
        eq = _norm(str(value)) == _norm(str(threshold))
        if operator in ("==", "!="):
            return eq if operator == "==" else not eq
        raise ValueError(f"operator {operator!r} needs numbers, got {value!r} and {threshold!r}")
    if value is None or isinstance(threshold, list):
        raise ValueError(f"operator {operator!r} needs numbers, got {value!r} and {threshold!r}")
    v, t = float(value), float(threshold)
    close = _close(v, t)
    if operator == "<=":
        return v <= t or close
    if operator == ">=":
        return v >= t or close
    if operator == "<":
        return v < t and not close
    if operator == ">":
        return v > t and not close
    if operator == "==":
        return close
    if operator == "!=":
        return not close
    raise ValueError(f"unknown operator {operator!r}")


def margin_of(value: Any, operator: str, threshold: Any) -> float:
    """Signed margin in the measure's unit: positive inside the limit, negative outside.

    Examples
    --------
    >>> margin_of(640.0, "<=", 1000), margin_of(3.5, ">=", 20), margin_of("A", "in", ["A"])
    (360.0, -16.5, nan)
    """
    if isinstance(value, str) or isinstance(threshold, (str, list)) or _is_missing(value):
        return math.nan
    v, t = float(value), float(threshold)
    if operator in ("<=", "<"):
        return t - v
    if operator in (">=", ">"):
        return v - t
    if operator == "==":
        return -abs(v - t)
    if operator == "!=":
        return abs(v - t)
    return math.nan


def _message(
    rule: Rule,
    measure: Measure,
    verdict: str,
    value: Any,
    margin: float,
    detail: str,
    reason: str,
    lang: str,
) -> str:
    word = msg(f"rule.lead.{verdict}", lang)
    if verdict == "not_applicable":
        return f"{word}: {reason}."
    unit = measure.unit
    text = msg(
        "rule.text",
        lang,
        lead=word,
        label=measure.label(lang),
        value=fmt_value(value, unit, lang),
        op=msg(f"rule.op.{rule.operator}", lang),
        threshold=fmt_value(rule.threshold, unit, lang),
    )
    if not math.isnan(margin) and not math.isinf(margin):
        text += msg("rule.text_margin", lang, margin=fmt_value(margin, unit, lang))
    text += ")"
    if detail:
        text += f"; {detail}"
    return text + "."


@dataclass(frozen=True)
class Evaluation:
    """The verdicts of a rule set on one proposal.

    Attributes
    ----------
    table
        One row per (rule, site) or per proposal-level rule; columns :data:`RESULT_COLUMNS`.
    rules
        The rule set evaluated.
    tables
        The proposal tables the verdicts were computed from (the scenario run's own tables).
    """

    table: pd.DataFrame
    rules: RuleSet
    tables: ProposalTables

    @property
    def status(self) -> str:
        """``fail`` if any row fails, else ``warn`` if any row warns, else ``pass``."""
        verdicts = set(self.table["verdict"])
        for v in ("fail", "warn"):
            if v in verdicts:
                return v
        return "pass"

    @property
    def exit_code(self) -> int:
        """1 when a fail-severity rule is broken, else 0 (warnings are allowed)."""
        return 1 if self.status == "fail" else 0

    def rule_summary(self) -> pd.DataFrame:
        """One row per rule: its worst verdict and how many sites got each verdict."""
        rows = []
        for rule in self.rules.rules:
            sub = self.table[self.table["rule_id"] == rule.id]
            counts = sub["verdict"].value_counts()
            worst = next((v for v in VERDICTS if counts.get(v, 0) > 0), "not_applicable")
            rows.append(
                {
                    "rule_id": rule.id,
                    "title_nb": rule.title.nb,
                    "title_en": rule.title.en,
                    "severity": rule.severity,
                    "scope": rule.applies_to.scope,
                    "verdict": worst,
                    **{f"n_{v}": int(counts.get(v, 0)) for v in VERDICTS},
                }
            )
        return pd.DataFrame(rows)

    def site_verdicts(self) -> pd.Series:
        """Return the worst site-level verdict of each site, indexed like the site table."""
        sites = self.tables.sites
        sub = self.table[self.table["site_id"] != ""]
        rank = {v: i for i, v in enumerate(VERDICTS)}
        worst: dict[str, str] = {}
        for sid, verdict in zip(sub["site_id"], sub["verdict"], strict=True):
            cur = worst.get(sid)
            if cur is None or rank[verdict] < rank[cur]:
                worst[sid] = verdict
        out = sites["site_id"].astype(str).map(worst).fillna("not_applicable")
        return out.rename("verdict")


def _check_columns(tables: ProposalTables, rules: RuleSet) -> None:
    need = {"site_id", "name", "use"}
    for r in rules.rules:
        need |= set(MEASURES[r.measure].columns)
    missing = sorted(need - set(tables.sites.columns))
    if missing:
        raise MissingColumnError(
            f"Site table of {tables.name!r} lacks {missing}, which rules in "
            f"{rules.label!r} need; evaluate rules on a scenario run's site table."
        )


def _selected(sites: gpd.GeoDataFrame, rule: Rule) -> pd.Series:
    sel = pd.Series(True, index=sites.index)
    if rule.applies_to.uses is not None:
        sel &= sites["use"].isin(rule.applies_to.uses)
    if rule.applies_to.sites is not None:
        sel &= sites["site_id"].astype(str).isin([str(s) for s in rule.applies_to.sites])
    if rule.applies_to.where is not None:
        flt = parse_filter(rule.applies_to.where, what=f"Rule {rule.id!r}: applies_to.where")
        sel &= flt.mask(pd.DataFrame(sites.drop(columns="geometry", errors="ignore")))
    return sel


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _row(
    rule: Rule,
    measure: Measure,
    site_id: str,
    site_name: str,
    value: Any,
    info: Mapping[str, Any],
    params: Mapping[str, Any],
    reason: _Reason | None,
) -> dict[str, Any]:
    if reason is None and _is_missing(value):
        reason = ("rule.reason.missing", {})
    if reason is not None:
        verdict, margin = "not_applicable", math.nan
    else:
        ok = compare(value, rule.operator, rule.threshold)
        verdict = "pass" if ok else rule.severity
        margin = margin_of(value, rule.operator, rule.threshold)
    details = {
        lang: (measure.detail(info, params, lang) if measure.detail and reason is None else "")
        for lang in LANGS
    }
    why = {lang: msg(reason[0], lang, **reason[1]) if reason else "" for lang in LANGS}
    return {
        "rule_id": rule.id,
        "site_id": site_id,
        "site_name": site_name,
        "verdict": verdict,
        "value": _plain(value),
        "threshold": _plain(rule.threshold),
        "margin": margin,
        "unit": measure.unit,
        "severity": rule.severity,
        "clause_ref": rule.clause.ref,
        "clause_text": rule.clause.text,
        **{
            f"message_{lang}": _message(
                rule, measure, verdict, value, margin, details[lang], why[lang], lang
            )
            for lang in LANGS
        },
    }


def evaluate(result: ProposalTables | ScenarioRun, rules: RuleSet, /) -> Evaluation:
    """Evaluate ``rules`` on the tables of a scenario run.

    Parameters
    ----------
    result
        A ``ScenarioResult`` (its ``sites``, ``rezonings`` and ``totals`` are used as they are,
        so the report shows the run's own numbers) or :class:`ProposalTables`.
    rules
        A validated rule set (:func:`~arealanalyse.rules.load_rules`).

    Returns
    -------
    Evaluation
        ``table`` has one row per (rule, site) for site-level rules and one row per
        proposal-level rule (``site_id`` empty), columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, parse_rules
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["S1", "S2"], "name": ["Lysaker", "Rud"], "use": ["kontor", "kontor"],
    ...      "dist_rail_m": [640.0, 1450.0]},
    ...     geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "demo", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "kontor-ved-bane", "title": {"nb": "K", "en": "O"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "applies_to": {"uses": ["kontor"]},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> ev = evaluate(ProposalTables(sites), rs)
    >>> ev.table[["site_id", "verdict", "margin"]].values.tolist()
    [['S1', 'pass', 360.0], ['S2', 'fail', -450.0]]
    >>> ev.exit_code
    1
    """
    tables = as_tables(result)
    _check_columns(tables, rules)
    sites = tables.sites
    rows: list[dict[str, Any]] = []
    for rule in rules.rules:
        measure = MEASURES[rule.measure]
        params = {**measure.params, **rule.params}
        sel = _selected(sites, rule)
        if measure.level == "site":
            values = measure.site_values(tables, rule.params)
            for pos in range(len(sites)):  # positional: safe with any index
                site = sites.iloc[pos]
                value = values.iloc[pos]
                reason: _Reason | None = None
                if not sel.iloc[pos]:
                    reason = ("rule.reason.not_selected", {"use": site["use"]})
                elif _is_missing(value):
                    reason = ("rule.reason.no_site_value", {})
                rows.append(
                    _row(rule, measure, str(site["site_id"]), str(site["name"]),
                         value, site.to_dict(), params, reason)
                )  # fmt: skip
        else:
            a = rule.applies_to
            unfiltered = a.uses is None and a.sites is None and a.where is None
            # The unfiltered selection is the site table itself, so measures can use totals.
            selected = sites if unfiltered else sites[sel]
            value, info = measure.proposal_value(tables, selected, rule.params)
            key = f"rule.no_value.{rule.measure}"
            if key not in MESSAGES:
                key = "rule.no_value.default"
            reason = (key, {}) if _is_missing(value) else None
            name = tables.title or tables.name
            rows.append(_row(rule, measure, "", name, value, info, params, reason))
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    table["margin"] = table["margin"].astype("float64")
    return Evaluation(table, rules, tables)


def site_verdict_table(evaluation: Evaluation, /) -> gpd.GeoDataFrame:
    """Return the site table plus the worst `verdict` and a `verdict_<rule_id>` per rule.

    Indexed like the scenario run's site table; the measured columns are that table's own.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, evaluate, parse_rules
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Lysaker"], "use": ["kontor"],
    ...     "dist_rail_m": [1450.0]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "r1", "title": {"nb": "K", "en": "O"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> table = site_verdict_table(evaluate(ProposalTables(sites), rs))
    >>> table[["verdict", "verdict_r1"]].iloc[0].tolist()
    ['fail', 'fail']
    """
    sites = evaluation.tables.sites
    out = sites.copy()
    out["verdict"] = evaluation.site_verdicts()
    table = evaluation.table[evaluation.table["site_id"] != ""]
    sid = sites["site_id"].astype(str)
    for rule in evaluation.rules.rules:
        sub = table[table["rule_id"] == rule.id]
        if sub.empty:
            continue
        by_site = dict(zip(sub["site_id"], sub["verdict"], strict=True))
        out[f"verdict_{rule.id}"] = sid.map(by_site).fillna("not_applicable")
    return out
