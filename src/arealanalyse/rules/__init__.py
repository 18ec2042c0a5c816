"""Arealstrategi compliance checks: rule files, measures and evaluation.

A rule file (YAML, see ``docs/rules.md``) lists rules; each compares a *measure* of a proposal
(read from the tables of a scenario run) with a threshold. :func:`evaluate` gives a verdict per
rule and site. A rule that a plan breaks is a result, not an exception.

    >>> from arealanalyse.rules import load_rules, default_rules_path
    >>> load_rules(default_rules_path()).name
    'baerum-arealstrategi'
"""

from __future__ import annotations

from arealanalyse.resources import default_arealregnskap_rules_path, default_rules_path
from arealanalyse.rules.evaluate import (
    RESULT_COLUMNS,
    VERDICTS,
    Evaluation,
    compare,
    evaluate,
    site_verdict_table,
)
from arealanalyse.rules.measures import (
    BUSINESS_USES,
    MEASURES,
    USES,
    Measure,
    ProposalTables,
    as_tables,
)
from arealanalyse.rules.model import Rule, RuleSet, load_rules, parse_rules
from arealanalyse.rules.proposal import read_proposal
from arealanalyse.rules.review import CheckResult, Proposal, check, load_proposal

__all__ = [
    "BUSINESS_USES",
    "MEASURES",
    "RESULT_COLUMNS",
    "USES",
    "VERDICTS",
    "CheckResult",
    "Evaluation",
    "Measure",
    "Proposal",
    "ProposalTables",
    "Rule",
    "RuleSet",
    "as_tables",
    "check",
    "compare",
    "default_arealregnskap_rules_path",
    "default_rules_path",
    "evaluate",
    "load_proposal",
    "load_rules",
    "parse_rules",
    "read_proposal",
    "site_verdict_table",
]
