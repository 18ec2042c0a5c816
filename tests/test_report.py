"""Tests of arealanalyse.report: the review report in HTML, Markdown and JSON."""

from __future__ import annotations

import json
import math
import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from arealanalyse.maps.style import VERDICT_COLOURS
from arealanalyse.report import render_html, render_markdown, review_dict, write_review
from arealanalyse.rules import (
    ProposalTables,
    default_rules_path,
    evaluate,
    load_rules,
    site_verdict_table,
)
from browser import Browser, image_stats, requires_chromium
from rules_tables import rezonings, sites_table


@pytest.fixture(scope="module")
def evaluation():
    sites = sites_table(
        {"name": "Lysaker", "dist_rail_m": 640.0},
        {
            "name": "Grini",
            "dist_rail_m": 2450.0,
            "in_area_type": "business_park",
            "farmland_21_daa": 3.25,
            "farmland_22_daa": 1.5,
            "farmland_daa": 4.75,
        },
        {
            "name": "Stabekk",
            "use": "bolig",
            "dwellings": 100,
            "noise_max_db": 61.0,
            "dist_rail_m": math.inf,
        },
    )
    rz = rezonings(("rz1", 1300, 1110, "naering", "bolig", 12.5, 8000.0))
    totals = {
        "period_years": 15,
        "business_bra_m2_net": 12000.0,
        "new_dwellings": 100,
        "bra_m2_by_use": {"kontor": 20000.0, "bolig": 10000.0},
    }
    tables = ProposalTables(sites, rz, totals, name="testforslag", title="Testforslag")
    return evaluate(tables, load_rules(default_rules_path()))


def test_site_verdict_table(evaluation):
    t = site_verdict_table(evaluation)
    pd.testing.assert_index_equal(t.index, evaluation.tables.sites.index)
    # Lysaker passes every site rule; Grini fails the rail, farmland and corridor rules;
    # Stabekk (bolig, 61 dB) breaks nothing.
    assert t["verdict"].tolist() == ["pass", "fail", "pass"]
    assert t.loc[1, "verdict_kontor-ved-bane"] == "fail"
    assert t.loc[2, "verdict_kontor-ved-bane"] == "not_applicable"
    assert "verdict" not in evaluation.tables.sites.columns  # input not modified


def test_markdown_nb(evaluation):
    src = [{"name": "Syntetiske data", "licence": "CC0-1.0"}]
    md = render_markdown(evaluation, synthetic=True, notes=["en merknad"], sources=src)
    assert md.startswith("# Planvurdering mot arealstrategien: Testforslag")
    assert "SYNTETISKE DATA" in md
    assert "Forslaget bryter minst én regel" in md
    m = "\u2212"  # the minus sign of bokmål (CLDR nb)
    row = "| `kontor-ved-bane` | S2 Grini | Brudd | 2\xa0450 m | ≤ 1\xa0000 m | {}1\xa0450 m |"
    assert row.format(m) in md
    assert (
        f"| `jordvern-dyrka-mark` | S2 Grini | Brudd | 4,75 daa | ≤ 0,00 daa | {m}4,75 daa |"
        in (md)
    )
    assert "omreguleringer rz1; 8\xa0000 m² nærings-BRA går tapt" in md
    assert "(omskrevet, ikke ordrett sitat)" in md
    # summary counts, in the header's order: pass / warn / fail / not applicable
    assert "| **Brudd** | 2 / 0 / 1 / 0 |" in md  # jordvern-dyrka-mark: S1, S3 pass; S2 fails
    assert "T-1442/2021" in md
    assert "- en merknad" in md
    assert "## Datakilder\n\n- Syntetiske data (CC0-1.0)" in md
    # not-applicable site rows are left out of the detail table
    assert "| `kontor-ved-bane` | S3" not in md
    # every table row has the same number of cells as its header
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, flags=re.M):
        widths = {line.count(" | ") for line in block.strip().splitlines() if "---" not in line}
        assert len(widths) == 1, block


def test_markdown_en(evaluation):
    md = render_markdown(evaluation, lang="en")
    assert md.startswith("# Plan review against the land-use strategy: Testforslag")
    assert "| `kontor-ved-bane` | S2 Grini | Fail | 2,450 m | ≤ 1,000 m | -1,450 m |" in md
    assert "(paraphrase, not a verbatim quote)" in md
    assert "Brudd" not in md


def test_html_is_self_contained(evaluation):
    page = render_html(evaluation, lang="nb", synthetic=True)
    assert page.startswith("<!DOCTYPE html>") and 'lang="nb"' in page
    assert 'data-status="fail"' in page
    assert page.count("<path ") == 3  # one polygon per site on the SVG overview
    for colour in (VERDICT_COLOURS["pass"], VERDICT_COLOURS["fail"]):
        assert f'fill="{colour}"' in page
    assert "<iframe" in page and "srcdoc=" in page  # the interactive map, embedded
    # nothing is loaded from the network
    assert not re.search(r"<(script|link)[^>]*(src|href)=\"https?://", page)
    assert "&lt;script" not in page.split("srcdoc=")[0]  # text is escaped only where it must be


def test_html_without_web_map(evaluation):
    page = render_html(evaluation, lang="en", interactive_map=False)
    assert "<iframe" not in page and "<svg" in page
    assert "breaks at least one rule" in page


def test_json_numbers_are_the_tables_numbers(evaluation):
    d = review_dict(evaluation)
    json.dumps(d, allow_nan=False)  # strict JSON: no NaN or Infinity
    assert d["status"] == "fail" and d["exit_code"] == 1
    sites = evaluation.tables.sites
    for rec, (_, s) in zip(d["sites"], sites.iterrows(), strict=True):
        for col in ("bra_m2", "dist_rail_m", "farmland_daa", "noise_max_db", "dist_green_m"):
            v = float(s[col])
            assert rec[col] == (v if math.isfinite(v) else None), col
    assert d["totals"] == {**evaluation.tables.totals}
    assert d["rezonings"][0]["area_daa"] == 12.5
    assert len(d["results"]) == len(evaluation.table)
    got = {(r["rule_id"], r["site_id"]): r for r in d["results"]}
    assert got[("kontor-ved-bane", "S2")]["margin"] == -1450.0
    assert got[("naering-arlig-mal", "")]["value"] == 800.0  # 12,000 m² / 15 years
    assert [r["rule_id"] for r in d["summary"]] == [r.id for r in evaluation.rules.rules]


def test_write_review(tmp_path, evaluation):
    paths = write_review(evaluation, tmp_path / "out", lang="en", interactive_map=False)
    assert {k: p.name for k, p in paths.items()} == {
        "html": "review.html",
        "md": "review.md",
        "json": "review.json",
    }
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["lang"] == "en"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "review.html",
        "review.json",
        "review.md",
    ]  # no temporary files left
    with pytest.raises(ValueError, match="lang"):
        write_review(evaluation, tmp_path / "x", lang="de")


def test_report_of_empty_proposal():
    empty = gpd.GeoDataFrame(sites_table({}).iloc[:0])
    ev = evaluate(ProposalTables(empty), load_rules(default_rules_path()))
    assert set(ev.table["verdict"]) == {"pass", "not_applicable"}
    assert "<svg" not in render_html(ev, interactive_map=False)
    assert "Forslaget følger alle regler" in render_markdown(ev)


def test_svg_map_handles_multipolygons(evaluation):
    sites = sites_table({}, {})
    sites.loc[1, "geometry"] = box(0, 0, 1, 1).union(box(590000, 6640200, 590040, 6640240))
    sites = sites.set_geometry("geometry")
    ev = evaluate(ProposalTables(sites), load_rules(default_rules_path()))
    page = render_html(ev, interactive_map=False)
    assert page.count("<path ") == 2 and page.count(" Z") >= 3


@pytest.mark.browser
@requires_chromium
def test_review_html_renders_offline_in_chromium(tmp_path, evaluation):
    paths = write_review(evaluation, tmp_path, synthetic=True)
    with Browser(timeout_s=30) as b:
        page = b.open(
            paths["html"],
            wait_for="(() => { const f = document.querySelector('iframe.webmap'); "
            "return !!(f && f.contentWindow && f.contentWindow.__arealanalyseMapReady); })()",
            timeout_s=20,
        )
        assert page.errors == []
        assert page.requests == []  # self-contained: nothing fetched
        assert page.evaluate("document.querySelector('#status').dataset.status") == "fail"
        fills = page.evaluate(
            "Array.from(document.querySelector('iframe.webmap').contentDocument"
            ".querySelectorAll('.leaflet-overlay-pane path')).map(p => p.getAttribute('fill'))"
        )
        # the sites on the web map, coloured by verdict (Grini fails, the others pass)
        assert {VERDICT_COLOURS["fail"], VERDICT_COLOURS["pass"]} <= set(fills)
        assert image_stats(page.screenshot())["std"] > 5


def test_ranking_report_in_bokmal_and_english(tmp_path) -> None:
    """ranking.md uses the one formatter and message table; csv/json keep the raw numbers."""
    from arealanalyse.report import write_ranking
    from arealanalyse.scenarios.compare import parse_weights, rank

    only = {k: 0.0 for k in parse_weights(None)}
    values = {
        "tett": {"jobs_near_rail": 0.8, "farmland": 0.0, "business_floor_space": 60000.0},
        "spredt": {"jobs_near_rail": 0.25, "farmland": 12.5, "business_floor_space": -1500.0},
    }
    table = rank(values, weights={**only, "jobs_near_rail": 1.0, "farmland": 0.5})
    nb = write_ranking(table, tmp_path / "nb")
    write_ranking(table, tmp_path / "en", lang="en")
    assert sorted(p.name for p in nb) == ["ranking.csv", "ranking.json", "ranking.md"]
    md_nb = (tmp_path / "nb" / "ranking.md").read_text(encoding="utf-8")
    md_en = (tmp_path / "en" / "ranking.md").read_text(encoding="utf-8")
    nbsp, minus = "\u00a0", "\u2212"
    # columns: jobs_near_rail, farmland, green, services_after, noise_new_homes,
    # business_floor_space
    assert md_nb.startswith("# Rangering av scenarier\n")
    assert f"| 1 | tett | 1,000 | 80{nbsp}% | 0,00 daa | – | – | – | 60{nbsp}000 m² |" in md_nb
    row2 = f"| 2 | spredt | 0,000 | 25{nbsp}% | 12,50 daa | – | – | – | {minus}1{nbsp}500 m² |"
    assert row2 in md_nb
    assert "| farmland | \u2212 | 0,50 | Jordbruksareal tatt (daa, AR5 21–23) |" in md_nb
    assert md_en.startswith("# Ranking of scenarios\n")
    assert "| 2 | spredt | 0.000 | 25% | 12.50 daa | – | – | – | -1,500 m² |" in md_en
    assert "| rank | scenario | score |" in md_en and "Farmland taken" in md_en
    data = json.loads((tmp_path / "en" / "ranking.json").read_text(encoding="utf-8"))
    assert data["weights"]["farmland"] == 0.5
    assert data["ranking"][1]["business_floor_space"] == -1500.0
    assert data["ranking"][1]["green"] is None  # unknown stays missing, not a number
