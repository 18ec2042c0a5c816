"""Tests of arealanalyse.rules: rule files, measures, evaluation, proposal files, `check`.

Site tables are hand-made GeoDataFrames with the scenario site-table columns; every expected
value, margin and verdict below is worked out by hand from those numbers and the thresholds of
the shipped rule file (scenarios/rules/baerum-arealstrategi.yaml).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from shapely.geometry import box

from arealanalyse.errors import (
    CodeError,
    CrsError,
    LayerFileError,
    MissingColumnError,
    RuleError,
)
from arealanalyse.rules import (
    MEASURES,
    RESULT_COLUMNS,
    ProposalTables,
    compare,
    default_rules_path,
    evaluate,
    load_rules,
    parse_rules,
)
from arealanalyse.rules.evaluate import margin_of
from arealanalyse.rules.proposal import read_proposal
from arealanalyse.rules.review import proposal_scenario
from rules_tables import REZ as REZ_COLUMNS
from rules_tables import rezonings, sites_table

RULES_DATA = Path(__file__).resolve().parent / "data" / "rules"


@pytest.fixture(scope="module")
def shipped():
    return load_rules(default_rules_path())


def only(rules, rule_id: str):
    """The shipped rule set reduced to one rule."""
    return rules.model_copy(update={"rules": [rules.rule(rule_id)]})


def row_of(ev, site_id: str = "") -> pd.Series:
    sub = ev.table[ev.table["site_id"] == site_id]
    assert len(sub) == 1
    return sub.iloc[0]


# --------------------------------------------------------------------------- the shipped file


def test_shipped_rule_file_covers_the_strategy(shipped):
    ids = {r.id for r in shipped.rules}
    assert {
        "kontor-ved-bane",
        "volumhandel-i-naeringsparker",
        "jordvern-dyrka-mark",
        "naering-i-e18-korridoren",
        "ingen-omregulering-naering-til-bolig",
        "buffer-naering-gront",
        "ingen-boliger-i-rod-stoysone",
        "vekst-i-senter-og-knutepunkt",
        "naering-arlig-mal",
        "boliger-arlig-mal",
    } <= ids
    r = shipped.rule("kontor-ved-bane")
    assert (r.measure, r.operator, r.threshold, r.severity) == ("dist_rail_m", "<=", 1000, "fail")
    assert shipped.rule("jordvern-dyrka-mark").params == {"classes": [21, 22]}
    assert shipped.rule("naering-arlig-mal").threshold == 25000
    assert shipped.rule("boliger-arlig-mal").threshold == 600
    assert shipped.rule("ingen-boliger-i-rod-stoysone").threshold == 65
    for rule in shipped.rules:  # paraphrases are marked as such
        assert rule.clause.ref and rule.clause.text and rule.clause.verbatim is False


# --------------------------------------------------------------------------- site-level rules
# (rule id, site overrides, expected verdict, expected value, expected margin)
SITE_CASES = [
    # kontor within 1,000 m walk of rail/metro: margin = 1000 - value
    ("kontor-ved-bane", {"dist_rail_m": 640.0}, "pass", 640.0, 360.0),
    ("kontor-ved-bane", {"dist_rail_m": 1450.0}, "fail", 1450.0, -450.0),
    ("kontor-ved-bane", {"dist_rail_m": 1000.0}, "pass", 1000.0, 0.0),
    ("kontor-ved-bane", {"dist_rail_m": math.inf}, "fail", math.inf, -math.inf),
    # volume retail only in the three business parks (a category: no margin)
    (
        "volumhandel-i-naeringsparker",
        {"use": "volumhandel", "in_area": "Grini"},
        "pass",
        "Grini",
        None,
    ),
    (
        "volumhandel-i-naeringsparker",
        {"use": "volumhandel", "in_area": "Lysaker"},
        "fail",
        "Lysaker",
        None,
    ),
    ("volumhandel-i-naeringsparker", {"use": "volumhandel", "in_area": ""}, "fail", "", None),
    # exactly a listed name, written with a hyphen instead of the en dash: still that area
    (
        "volumhandel-i-naeringsparker",
        {"use": "volumhandel", "in_area": "Rud-Hauger"},
        "pass",
        "Rud-Hauger",
        None,
    ),
    # no building on AR5 21/22: value = 21 + 22 daa, margin = 0 - value
    ("jordvern-dyrka-mark", {"farmland_23_daa": 2.0, "farmland_daa": 2.0}, "pass", 0.0, 0.0),
    (
        "jordvern-dyrka-mark",
        {"farmland_21_daa": 3.25, "farmland_22_daa": 1.5, "farmland_daa": 4.75},
        "fail",
        4.75,
        -4.75,
    ),
    ("jordvern-dyrka-mark", {}, "pass", 0.0, 0.0),
    # infield pasture (AR5 23) is a warning
    ("jordvern-innmarksbeite", {"farmland_23_daa": 0.4}, "warn", 0.4, -0.4),
    ("jordvern-innmarksbeite", {"farmland_21_daa": 5.0}, "pass", 0.0, 0.0),
    # new business in the E18 corridor
    ("naering-i-e18-korridoren", {"in_area_type": "e18_corridor"}, "pass", "e18_corridor", None),
    (
        "naering-i-e18-korridoren",
        {"use": "industri_lager", "in_area_type": "business_park"},
        "fail",
        "business_park",
        None,
    ),
    ("naering-i-e18-korridoren", {"in_area_type": ""}, "fail", "", None),
    # buffer to green areas >= 20 m: margin = value - 20
    ("buffer-naering-gront", {"dist_green_m": 35.0}, "pass", 35.0, 15.0),
    ("buffer-naering-gront", {"use": "handel", "dist_green_m": 0.0}, "fail", 0.0, -20.0),
    ("buffer-naering-gront", {"dist_green_m": 20.0}, "pass", 20.0, 0.0),
    # no homes in the red noise zone: Lden < 65 (strict: 65.0 is red), margin = 65 - value
    (
        "ingen-boliger-i-rod-stoysone",
        {"use": "bolig", "dwellings": 80, "noise_max_db": 60.5},
        "pass",
        60.5,
        4.5,
    ),
    (
        "ingen-boliger-i-rod-stoysone",
        {"use": "bolig", "dwellings": 80, "noise_max_db": 68.0},
        "fail",
        68.0,
        -3.0,
    ),
    (
        "ingen-boliger-i-rod-stoysone",
        {"use": "bolig", "dwellings": 80, "noise_max_db": 65.0},
        "fail",
        65.0,
        0.0,
    ),
    (
        "ingen-boliger-i-rod-stoysone",
        {"use": "blandet", "dwellings": 20, "noise_max_db": 64.99},
        "pass",
        64.99,
        0.01,
    ),
]


@pytest.mark.parametrize(("rule_id", "site", "verdict", "value", "margin"), SITE_CASES)
def test_site_rule(shipped, rule_id, site, verdict, value, margin):
    ev = evaluate(ProposalTables(sites_table(site)), only(shipped, rule_id))
    row = row_of(ev, "S1")
    assert row["verdict"] == verdict
    if isinstance(value, str):
        assert row["value"] == value
        assert math.isnan(row["margin"])
    else:
        assert row["value"] == pytest.approx(value)
        assert row["margin"] == pytest.approx(margin)
    assert row["severity"] == shipped.rule(rule_id).severity
    assert row["clause_ref"] == shipped.rule(rule_id).clause.ref
    assert ev.exit_code == (1 if verdict == "fail" else 0)


def test_each_site_rule_has_pass_fail_and_threshold_cases(shipped):
    site_rules = {r.id for r in shipped.rules if r.applies_to.scope == "site"}
    covered = {c[0] for c in SITE_CASES}
    assert site_rules <= covered
    for rid in site_rules:
        verdicts = {c[2] for c in SITE_CASES if c[0] == rid}
        assert "pass" in verdicts and ({"fail", "warn"} & verdicts), rid


def test_farmland_message_reports_daa_per_class(shipped):
    site = {"farmland_21_daa": 3.25, "farmland_22_daa": 1.5, "farmland_daa": 4.75}
    row = row_of(
        evaluate(ProposalTables(sites_table(site)), only(shipped, "jordvern-dyrka-mark")), "S1"
    )
    assert "4,75 daa" in row["message_nb"]
    assert "21 fulldyrka jord: 3,25 daa" in row["message_nb"]
    assert "22 overflatedyrka jord: 1,50 daa" in row["message_nb"]
    assert "22 surface-cultivated land: 1.50 daa" in row["message_en"]


def test_rules_not_covering_a_site_say_not_applicable(shipped):
    sites = sites_table(
        {"use": "bolig", "dwellings": 50, "dist_rail_m": 3000.0},  # kontor rule: not its use
        {"use": "kontor", "dwellings": 0, "noise_max_db": 75.0},  # noise rule: no homes
    )
    ev = evaluate(ProposalTables(sites), shipped)
    t = ev.table.set_index(["rule_id", "site_id"])
    assert t.loc[("kontor-ved-bane", "S1"), "verdict"] == "not_applicable"
    assert t.loc[("kontor-ved-bane", "S2"), "verdict"] == "pass"
    assert t.loc[("ingen-boliger-i-rod-stoysone", "S2"), "verdict"] == "not_applicable"
    assert "no homes" in t.loc[("ingen-boliger-i-rod-stoysone", "S2"), "message_en"]


def test_site_filter_selects_sites():
    rs = parse_rules(_ruleset([_rule(applies_to={"sites": ["S2"]})]))
    ev = evaluate(ProposalTables(sites_table({"dist_rail_m": 5000.0}, {"dist_rail_m": 5000.0})), rs)
    assert ev.table["verdict"].tolist() == ["not_applicable", "fail"]


# --------------------------------------------------------------------------- proposal-level rules
@pytest.mark.parametrize(
    ("rows", "verdict", "value", "margin"),
    [
        ([], "pass", 0.0, 0.0),  # at the threshold (0 daa)
        ([("rz1", 1300, 1110, "naering", "bolig", 12.5, 8000.0)], "fail", 12.5, -12.5),
        (
            [
                ("rz1", 1340, 1801, "naering", "kombinert", 2.0, 0.0),
                ("rz2", 1150, 1113, "handel", "bolig", 1.25, 500.0),
            ],
            "fail",
            3.25,
            -3.25,
        ),
        ([("rz1", 1300, 1160, "naering", "offentlig", 7.0, 0.0)], "pass", 0.0, 0.0),
        ([("rz1", 1110, 1300, "bolig", "naering", 4.0, 0.0)], "pass", 0.0, 0.0),
    ],
)
def test_rezoning_rule(shipped, rows, verdict, value, margin):
    tables = ProposalTables(sites_table({}), rezonings(*rows))
    row = row_of(evaluate(tables, only(shipped, "ingen-omregulering-naering-til-bolig")))
    assert (row["verdict"], row["value"], row["margin"]) == (verdict, value, margin)
    if verdict == "fail":
        for r in rows:
            if r[4] in ("bolig", "kombinert"):
                assert r[0] in row["message_nb"]


def test_rezoning_message_reports_lost_floor_space(shipped):
    tables = ProposalTables(
        sites_table({}), rezonings(("rz1", 1300, 1110, "naering", "bolig", 12.5, 8000.0))
    )
    row = row_of(evaluate(tables, only(shipped, "ingen-omregulering-naering-til-bolig")))
    assert "12,50 daa" in row["message_nb"] and "8\xa0000 m²" in row["message_nb"]


@pytest.mark.parametrize(
    ("rows", "verdict", "value"),
    [
        # (rezone_id, to_category, dwellings, noise_max_db); strict < 65: 65.0 is red
        ([("rz1", "bolig", 200, 60.0)], "pass", 60.0),
        ([("rz1", "bolig", 200, 64.0), ("rz2", "kombinert", 0, 70.5)], "fail", 70.5),
        ([("rz1", "bolig", 200, 65.0)], "fail", 65.0),
        ([("rz1", "offentlig", 50, 66.0), ("rz2", "offentlig", 0, 80.0)], "fail", 66.0),
        ([("rz1", "offentlig", 0, 80.0)], "not_applicable", None),  # no homes rezoned
        ([], "not_applicable", None),
    ],
)
def test_rezoned_homes_noise_rule(shipped, rows, verdict, value):
    rz = pd.DataFrame(
        [(r[0], 1300, 1110, "naering", r[1], 10.0, 0.0, r[2], r[3] - 5, r[3]) for r in rows],
        columns=[*REZ_COLUMNS, "dwellings", "noise_mean_db", "noise_max_db"],
    )
    tables = ProposalTables(sites_table({}), rz)
    row = row_of(evaluate(tables, only(shipped, "ingen-omregulerte-boliger-i-rod-stoysone")))
    assert row["verdict"] == verdict
    if value is None:
        assert row["value"] is None or math.isnan(row["value"])
    else:
        assert row["value"] == value and row["margin"] == 65.0 - value


@pytest.mark.parametrize(
    ("sites", "verdict", "value"),
    [
        # 40,000 of 50,000 m² in a centre: exactly 80 % (the threshold) passes
        (
            [
                {"bra_m2": 40000.0, "in_area_type": "centre", "abc_class": "C"},
                {"bra_m2": 10000.0, "in_area_type": "other", "abc_class": "C"},
            ],
            "pass",
            80.0,
        ),
        # 30,000 of 50,000 = 60 %: a warning (severity warn), margin -20
        (
            [
                {"bra_m2": 30000.0, "in_area_type": "node", "abc_class": "B"},
                {"bra_m2": 20000.0, "in_area_type": "e18_corridor", "abc_class": "C"},
            ],
            "warn",
            60.0,
        ),
        # A/B-location counts as a node zone: 45,000 + 5,000 of 50,000 = 100 %
        (
            [
                {"bra_m2": 45000.0, "in_area_type": "e18_corridor", "abc_class": "B"},
                {"bra_m2": 5000.0, "in_area_type": "centre", "abc_class": "C"},
            ],
            "pass",
            100.0,
        ),
    ],
)
def test_growth_share_rule(shipped, sites, verdict, value):
    row = row_of(
        evaluate(ProposalTables(sites_table(*sites)), only(shipped, "vekst-i-senter-og-knutepunkt"))
    )
    assert row["verdict"] == verdict
    assert row["value"] == pytest.approx(value)
    assert row["margin"] == pytest.approx(value - 80.0)


@pytest.mark.parametrize(
    ("totals", "verdict", "value"),
    [
        ({"period_years": 15, "business_bra_m2_net": 375000.0}, "pass", 25000.0),  # threshold
        ({"period_years": 15, "business_bra_m2_net": 450000.0}, "pass", 30000.0),
        (
            {
                "period_years": 15,
                "business_bra_m2_net": 225000.0,
                "business_bra_m2_new": 233000.0,
                "bra_m2_lost": 8000.0,
            },
            "warn",
            15000.0,
        ),
    ],
)
def test_annual_business_rule_uses_the_runs_net_total(shipped, totals, verdict, value):
    # The site table says 10,000 m²; the rule must show the run's own (net) total instead.
    tables = ProposalTables(sites_table({}), totals=totals)
    row = row_of(evaluate(tables, only(shipped, "naering-arlig-mal")))
    assert (row["verdict"], row["value"], row["margin"]) == (verdict, value, value - 25000.0)
    if "bra_m2_lost" in totals:
        assert "8\xa0000 tapt ved omregulering" in row["message_nb"]


def test_annual_business_without_totals_sums_business_sites(shipped):
    # 12,000 kontor + 3,000 volumhandel + 9,000 bolig (not business) over 12 years = 1,250 m²/år
    sites = sites_table(
        {"bra_m2": 12000.0},
        {"use": "volumhandel", "bra_m2": 3000.0},
        {"use": "bolig", "bra_m2": 9000.0, "dwellings": 100},
    )
    row = row_of(
        evaluate(
            ProposalTables(sites, totals={"period_years": 12}), only(shipped, "naering-arlig-mal")
        )
    )
    assert (row["verdict"], row["value"]) == ("warn", 1250.0)


@pytest.mark.parametrize(
    ("new_dwellings", "verdict", "value"),
    [(9000, "pass", 600.0), (10500, "pass", 700.0), (4500, "warn", 300.0)],
)
def test_annual_dwellings_rule(shipped, new_dwellings, verdict, value):
    tables = ProposalTables(
        sites_table({}), totals={"period_years": 15, "new_dwellings": new_dwellings}
    )
    row = row_of(evaluate(tables, only(shipped, "boliger-arlig-mal")))
    assert (row["verdict"], row["value"], row["margin"]) == (verdict, value, value - 600.0)


def test_unknown_period_makes_annual_rules_not_applicable(shipped):
    ev = evaluate(ProposalTables(sites_table({}), totals={"period_years": None}), shipped)
    t = ev.table.set_index("rule_id")
    assert t.loc["naering-arlig-mal", "verdict"] == "not_applicable"
    assert t.loc["boliger-arlig-mal", "verdict"] == "not_applicable"
    assert "plan period is unknown" in t.loc["boliger-arlig-mal", "message_en"]
    assert "omregulerer ikke" in t.loc["ingen-omregulerte-boliger-i-rod-stoysone", "message_nb"]
    # a period given in the rule's params is used instead
    rs = parse_rules(
        _ruleset(
            [
                _rule(
                    measure="annual_dwellings",
                    operator=">=",
                    threshold=5,
                    applies_to={"scope": "proposal"},
                    params={"period_years": 10},
                )
            ]
        )
    )
    sites = sites_table({"use": "bolig", "dwellings": 50})
    assert row_of(evaluate(ProposalTables(sites), rs))["value"] == 5.0


# --------------------------------------------------------------------------- evaluation contract


def test_result_table_shape_and_no_mutation(shipped):
    sites = sites_table({}, {"use": "bolig", "dwellings": 10}).set_index(pd.Index([7, 3]))
    before = sites.copy()
    ev = evaluate(ProposalTables(sites), shipped)
    pd.testing.assert_frame_equal(sites, before)
    assert tuple(ev.table.columns) == RESULT_COLUMNS
    n_site = sum(r.applies_to.scope == "site" for r in shipped.rules)
    n_prop = len(shipped.rules) - n_site
    assert len(ev.table) == 2 * n_site + n_prop
    assert set(ev.table["verdict"]) <= {"pass", "warn", "fail", "not_applicable"}
    pd.testing.assert_index_equal(ev.site_verdicts().index, sites.index)


def test_exit_code_allows_warnings(shipped):
    warn_only = sites_table({"farmland_23_daa": 1.0})  # only the warn-severity pasture rule
    ev = evaluate(ProposalTables(warn_only, totals={"period_years": None}), shipped)
    assert ev.status == "warn" and ev.exit_code == 0
    failing = sites_table({"dist_rail_m": 2000.0})
    assert evaluate(ProposalTables(failing), shipped).exit_code == 1


def test_missing_site_columns_is_an_error(shipped):
    sites = sites_table({}).drop(columns=["dist_rail_m"])
    with pytest.raises(MissingColumnError, match="dist_rail_m"):
        evaluate(ProposalTables(sites), shipped)


@pytest.mark.parametrize(
    ("value", "op", "thr", "ok", "margin"),
    [
        (5.0, "<=", 5, True, 0.0),
        (5.0, "<", 5, False, 0.0),
        (4.0, "<", 5, True, 1.0),
        (5.0, ">=", 5, True, 0.0),
        (5.0, ">", 5, False, 0.0),
        (6.0, ">", 5, True, 1.0),
        (5.0, "==", 5, True, -0.0),
        (7.0, "==", 5, False, -2.0),
        (7.0, "!=", 5, True, 2.0),
        (1000.0000000001, "<=", 1000, True, -1e-10),  # floating-point noise at the threshold
        ("B", "in", ["A", "B"], True, math.nan),
        ("C", "not_in", ["A", "B"], True, math.nan),
        ("grini", "==", "Grini", True, math.nan),
    ],
)
def test_compare_and_margin(value, op, thr, ok, margin):
    assert compare(value, op, thr) is ok
    m = margin_of(value, op, thr)
    assert (math.isnan(m) and math.isnan(margin)) or m == pytest.approx(margin, abs=1e-9)


def test_every_measure_is_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for name in MEASURES:
        assert f"`{name}`" in doc, name


# --------------------------------------------------------------------------- malformed rule files


def _rule(**kw: Any) -> dict[str, Any]:
    base = {
        "id": "r1",
        "title": {"nb": "Kontor ved bane", "en": "Offices near rail"},
        "clause": {"text": "Kontor nær stasjon.", "ref": "KPA"},
        "measure": "dist_rail_m",
        "operator": "<=",
        "threshold": 1000,
    }
    return {**base, **kw}


def _ruleset(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": 1, "name": "t", "title": {"nb": "T", "en": "T"}, "rules": rules}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["rules"][0].update(severty="fail"),
            r"rules\[0\]\(kontor-ved-bane\)\.severty'; did you mean 'severity'",
        ),
        (
            lambda d: d["rules"][0].update(severity="fatal"),
            r"rules\[0\]\(kontor-ved-bane\)\.severity: Input should be 'fail' or 'warn'",
        ),
        (
            lambda d: d["rules"][0].update(measure="dist_rial_m"),
            r"measure: unknown measure 'dist_rial_m'; did you mean 'dist_rail_m'",
        ),
        (lambda d: d["rules"][0].update(threshold="far"), r"threshold: .*give a number"),
        (lambda d: d["rules"][1].update(threshold="Grini"), r"operator 'in' needs a list"),
        (lambda d: d["rules"][0].update(operator="=<"), r"operator: Input should be"),
        (
            lambda d: d["rules"][0]["applies_to"].update(uses=["kontorr"]),
            r"applies_to\.uses: unknown use\(s\) \['kontorr'\]",
        ),
        (
            lambda d: d["rules"][0]["applies_to"].update(scope="proposal"),
            r"site-level measure; set scope: site",
        ),
        (
            lambda d: d["rules"][2].update(params={"klasses": [21]}),
            r"params: \['klasses'\] are not parameters",
        ),
        (lambda d: d["rules"][1].update(id="kontor-ved-bane"), r"duplicate rule id"),
        (lambda d: d.update(schema_version=2), r"schema_version: 2 is not supported"),
        (lambda d: d["rules"][0].pop("clause"), r"required key 'rules\[0\].*\.clause' is missing"),
        (lambda d: d["rules"][0].update(threshold=[1000]), r"needs a single value"),
        (lambda d: d["rules"][4].update(operator=">="), r"gives categories; use ==, !=, in"),
        (lambda d: d.update(rules=[]), r"rules: List should have at least 1 item"),
        (
            lambda d: d["rules"][2].update(params={"classes": [21, 24]}),
            r"params\.classes: \[21, 24\] is not valid",
        ),
    ],
)
def test_malformed_rules_give_one_line(mutate, expected):
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    mutate(data)
    with pytest.raises(RuleError, match=expected) as info:
        parse_rules(data, label="x.yaml")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("Rule file 'x.yaml'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schema_version: 1\nname: t\n  title: x\n", r"not valid YAML at line"),
        ("- a\n- b\n", r"must be a YAML mapping"),
        (
            "schema_version: 1\nname: t\ntitle: {nb: T, en: T}\nrules:\n  - id: r1\n"
            "    title: {nb: K, en: O}\n    clause: {text: x, ref: y}\n    measure: dist_rail_m\n"
            "    operator: '<='\n    treshold: 1000\n",
            r"unknown key 'rules\[0\]\(r1\)\.treshold'",
        ),
    ],
)
def test_malformed_rule_files(tmp_path, text, expected):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=expected) as info:
        load_rules(p)
    assert "\n" not in str(info.value) and "bad.yaml" in str(info.value)


def test_missing_rule_file(tmp_path):
    with pytest.raises(RuleError, match="does not exist"):
        load_rules(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- proposal files


@pytest.mark.parametrize("name", ["plan_ok.geojson", "plan_ok.gpkg", "plan_ok.gml"])
def test_read_proposal_formats(name):
    before = {p.name for p in RULES_DATA.iterdir()}
    sites = read_proposal(RULES_DATA / name)
    assert {p.name for p in RULES_DATA.iterdir()} == before  # no .gfs sidecar written
    assert sites.crs.to_epsg() == 25832
    got = sites.drop(columns="geometry").to_dict("records")
    assert [(r["name"], r["use"], r["bra_m2"], r["dwellings"], r["arealformal"]) for r in got] == [
        ("BKB1", "kontor", 12000.0, 0.0, 1310),
        ("BF1", "handel", 3000.0, 0.0, 1150),
        ("BB1", "bolig", 9000.0, 100.0, 1113),
    ]  # the friområde (3040, no BRA) is not a development site
    assert sites.geometry.area.tolist() == [80 * 60, 60 * 60, 80 * 80]


def test_read_sosi_gml_picks_the_area_layer():
    before = {p.name for p in RULES_DATA.iterdir()}
    sites = read_proposal(RULES_DATA / "sosi_plan.gml")  # RpGrense lines + area polygons
    assert {p.name for p in RULES_DATA.iterdir()} == before  # no .gfs sidecar written
    assert sites[["name", "use", "bra_m2"]].values.tolist() == [
        ["BKB1", "kontor", 12000.0],
        ["BF1", "handel", 3000.0],
    ]
    with pytest.raises(LayerFileError, match="cannot be read"):
        read_proposal(RULES_DATA / "sosi_plan.gml", layer="RpNoSuchLayer")


@pytest.mark.parametrize(
    ("name", "error", "pattern"),
    [
        ("plan_unknown_code.geojson", CodeError, r"unknown arealformål code\(s\) 1999"),
        ("plan_missing_bra.gpkg", MissingColumnError, r"has no BRA column"),
        ("plan_no_crs.gml", CrsError, r"has no CRS"),
        ("plan_no_crs.geojson", CrsError, r"cannot be in EPSG:4326"),
    ],
)
def test_read_proposal_rejects(name, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        read_proposal(RULES_DATA / name)
    assert "\n" not in str(info.value) and name in str(info.value)


def test_proposal_use_column_overrides_and_checks(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"arealformal": [1300, 1300], "bra_m2": [5000, 6000], "use": ["volumhandel", ""]},
        geometry=[box(586300, 6640500, 586350, 6640550), box(586400, 6640500, 586450, 6640550)],
        crs=25832,
    )
    gdf.to_file(tmp_path / "p.geojson")
    assert read_proposal(tmp_path / "p.geojson")["use"].tolist() == ["volumhandel", "kontor"]
    gdf.loc[0, "use"] = "kontorbygg"
    gdf.to_file(tmp_path / "q.geojson")
    with pytest.raises(CodeError, match="unknown use 'kontorbygg'"):
        read_proposal(tmp_path / "q.geojson")
    gdf.loc[0, "use"] = ""
    gdf.loc[0, "arealformal"] = 3040  # friområde with BRA
    gdf.to_file(tmp_path / "r.geojson")
    with pytest.raises(CodeError, match="non-building arealformål"):
        read_proposal(tmp_path / "r.geojson")


def test_proposal_scenario_estimates_dwellings():
    sites = read_proposal(RULES_DATA / "plan_ok.geojson").drop(columns="dwellings")
    sites["dwellings"] = float("nan")
    scenario, notes = proposal_scenario(
        sites, name="plan ok", catalogue="cat.yaml", period="2026-2040"
    )
    assert scenario.name == "plan-ok" and scenario.period.years == 15
    assert [s.dwellings for s in scenario.sites] == [0, 0, 100]  # 9,000 m² / 90 m²
    assert "estimated for 1 housing areas" in notes[0]


# --------------------------------------------------------------------------- the CLI, bad input


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("plan_unknown_code.geojson", "unknown arealformål code(s) 1999"),
        ("plan_missing_bra.gpkg", "has no BRA column"),
        ("plan_no_crs.gml", "has no CRS"),
    ],
)
def test_check_cli_rejects_bad_proposals_with_exit_2(tmp_path, capsys, name, pattern):
    from arealanalyse.cli import main

    code = main(["check", str(RULES_DATA / name), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and pattern in err
    assert not (tmp_path / "out").exists()


def test_check_cli_rejects_bad_rules_and_lang(tmp_path, capsys):
    from arealanalyse.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: t\n", encoding="utf-8")
    code = main(["check", str(RULES_DATA / "plan_ok.geojson"), "--rules", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "bad.yaml" in err
    assert main(["check", str(RULES_DATA / "plan_ok.geojson"), "--lang", "de"]) == 2


# --------------------------------------------------------------------------- the demo and scenarios
# `demo_catalogue` (tests/conftest.py) builds the demo study area once per run into a tmp dir.
ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("baseline", "knutepunkt", "spredt", "fornebubanen", "omregulering")


@pytest.fixture(scope="session")
def rule_scenarios(tmp_path_factory: pytest.TempPathFactory, demo_catalogue: Path) -> Path:
    """The shipped scenario files, with the baseline pointing at the demo catalogue."""
    folder = tmp_path_factory.mktemp("rule-scenarios")
    for name in SHIPPED:
        text = (ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
        if name == "baseline":
            text = text.replace("../layers/baerum-demo.yaml", demo_catalogue.as_posix())
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def demo_evaluator(demo_catalogue: Path):
    from arealanalyse.scenarios.evaluate import Evaluator
    from arealanalyse.study import Study

    return Evaluator(Study.open(demo_catalogue))


@pytest.fixture(scope="session")
def checked(rule_scenarios: Path, demo_evaluator) -> dict:
    from arealanalyse.rules.review import check, load_proposal

    return {
        name: check(
            demo_evaluator.study,
            load_proposal(rule_scenarios / f"{name}.yaml"),
            evaluator=demo_evaluator,
        )
        for name in ("knutepunkt", "spredt", "omregulering")
    }


@pytest.mark.slow
def test_knutepunkt_passes_every_fail_rule(checked):
    res = checked["knutepunkt"]
    t = res.evaluation.table
    assert res.kind == "scenario" and res.synthetic
    assert not (t["verdict"] == "fail").any(), t[t["verdict"] == "fail"]
    assert res.exit_code == 0
    kontor = t[(t["rule_id"] == "kontor-ved-bane") & (t["verdict"] != "not_applicable")]
    assert len(kontor) >= 1 and (kontor["verdict"] == "pass").all()


@pytest.mark.slow
def test_spredt_fails_farmland_with_the_daa(checked):
    res = checked["spredt"]
    sites = res.result.sites.set_index("site_id")
    t = res.evaluation.table
    farm = t[(t["rule_id"] == "jordvern-dyrka-mark") & (t["verdict"] == "fail")]
    assert len(farm) >= 1 and res.exit_code == 1
    for r in farm.itertuples():
        daa = sites.loc[r.site_id, "farmland_21_daa"] + sites.loc[r.site_id, "farmland_22_daa"]
        assert daa > 0 and r.value == pytest.approx(daa) and r.margin == pytest.approx(-daa)
        assert f"{daa:.2f}".replace(".", ",") + " daa" in r.message_nb
    total = t.loc[t["rule_id"] == "jordvern-dyrka-mark", "value"].sum()
    assert total == pytest.approx(res.result.totals["farmland_21_22_daa"], abs=1e-3)


@pytest.mark.slow
def test_omregulering_fails_the_rezoning_rule(checked):
    res = checked["omregulering"]
    t = res.evaluation.table.set_index("rule_id")
    row = t.loc["ingen-omregulering-naering-til-bolig"]
    assert row["verdict"] == "fail" and res.exit_code == 1
    rz = res.result.rezonings
    assert row["value"] == pytest.approx(rz["area_daa"].sum())
    assert row["value"] == pytest.approx(res.result.totals["rezoned_daa"], abs=1e-3)
    for rid in rz["rezone_id"]:
        assert rid in row["message_nb"]


@pytest.mark.slow
def test_report_numbers_equal_the_scenario_run(checked, rule_scenarios, demo_evaluator, tmp_path):
    from arealanalyse.report import review_dict
    from arealanalyse.scenarios.load import load_scenario

    res = checked["spredt"]
    # One computation: the rules read the run's own tables, not a copy or a recomputation.
    assert res.evaluation.tables.sites is res.result.sites
    assert res.evaluation.tables.rezonings is res.result.rezonings
    # The scenario run on its own (as `arealanalyse scenario run` does) gives the same numbers.
    run = demo_evaluator.evaluate(load_scenario(rule_scenarios / "spredt.yaml"))
    d = json_roundtrip(review_dict(res.evaluation))
    own = pd.DataFrame(run.sites.drop(columns="geometry"))
    assert len(d["sites"]) == len(own)
    for rec, (_, s) in zip(d["sites"], own.iterrows(), strict=True):
        for col in own.columns:
            v = s[col]
            if isinstance(v, float) and not math.isfinite(v):
                assert rec[col] is None, col
            else:
                assert rec[col] == (v.item() if hasattr(v, "item") else v), col
    assert d["totals"] == json_roundtrip(run.totals)
    by = {(r["rule_id"], r["site_id"]): r for r in d["results"]}
    for s in own.itertuples():
        if s.use == "kontor":
            assert by[("kontor-ved-bane", s.site_id)]["value"] == s.dist_rail_m
    business = by[("naering-arlig-mal", "")]["value"]
    assert business == pytest.approx(run.totals["business_bra_m2_net_per_year"], abs=0.05)


def json_roundtrip(obj):
    import json

    return json.loads(json.dumps(obj, allow_nan=False, default=str))


@pytest.mark.slow
def test_check_cli_on_a_scenario_and_a_proposal(rule_scenarios, demo_catalogue, tmp_path, capsys):
    import json

    from arealanalyse.cli import main

    out = tmp_path / "spredt"
    code = main(["check", str(rule_scenarios / "spredt.yaml"), "--out", str(out), "--lang", "en"])
    printed = capsys.readouterr().out
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "review.html",
        "review.json",
        "review.md",
    ]
    review = json.loads((out / "review.json").read_text(encoding="utf-8"))
    assert review["status"] == "fail" and review["lang"] == "en"
    assert review["synthetic"] is True and review["sources"]  # the catalogue's sources
    assert "jordvern-dyrka-mark" in printed and str(out / "review.html") in printed

    out2 = tmp_path / "plan"
    code = main(["check", str(RULES_DATA / "plan_ok.geojson"), "--catalogue", str(demo_catalogue),
                 "--period", "2026-2040", "--out", str(out2)])  # fmt: skip
    review = json.loads((out2 / "review.json").read_text(encoding="utf-8"))
    assert code == review["exit_code"] and code in (0, 1)
    assert [s["name"] for s in review["sites"]] == ["BKB1", "BF1", "BB1"]
    assert review["totals"]["period_years"] == 15 and review["totals"]["new_dwellings"] == 100
    assert "Planvurdering" in (out2 / "review.md").read_text(encoding="utf-8")
