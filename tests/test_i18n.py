"""Tests of arealanalyse.i18n: the one number formatter and the one message table.

Golden strings are written out by hand from the documented rules (decimal comma, no-break space
U+00A0 between thousands and before "%", minus sign U+2212 in bokmål; CLDR "en" otherwise).
"""

from __future__ import annotations

import ast
import math
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from arealanalyse.i18n import (
    MESSAGES,
    cell_text,
    check_lang,
    fmt_number,
    fmt_quantity,
    fmt_share,
    fmt_value,
    fmt_year,
    msg,
    msgs,
    unit_label,
)

NBSP, MINUS = "\u00a0", "\u2212"
SRC = Path(__file__).resolve().parents[1] / "src" / "arealanalyse"


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234567.891, "nb", 2, f"1{NBSP}234{NBSP}567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (1234.5, "nb", 1, f"1{NBSP}234,5"),
        (999.0, "nb", 0, "999"),
        (1000.0, "nb", 0, f"1{NBSP}000"),
        (-1234.5, "nb", 1, f"{MINUS}1{NBSP}234,5"),
        (-1234.5, "en", 1, "-1,234.5"),
        (-0.04, "nb", 1, "0,0"),  # rounds to zero: no sign
        (-0.04, "en", 1, "0.0"),
        (0.125, "nb", 2, "0,12"),  # Python's rounding: half to even on the binary value
        (2.5, "en", 0, "2"),
        (7, "nb", None, "7"),  # auto: whole numbers without decimals
        (12.25, "nb", None, "12,2"),  # auto: one decimal from 10
        (3.14159, "en", None, "3.14"),  # auto: two below 10
        (12345.678, "en", None, "12,346"),  # auto: none from 100
        (np.float32(1.5), "nb", 1, "1,5"),
        (np.int64(-2500), "nb", 0, f"{MINUS}2{NBSP}500"),
    ],
)
def test_numbers_known_answers(value, lang, decimals, expected) -> None:
    assert fmt_number(value, lang, decimals) == expected


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_missing_and_infinite_have_one_rendering_per_language(lang) -> None:
    reached = {"nb": "ikke nådd", "en": "not reached"}[lang]
    for missing in (None, float("nan"), np.nan, pd.NA, np.float64("nan")):
        assert fmt_number(missing, lang) == "–"
        assert fmt_quantity(missing, "daa", lang) == "–"  # no unit after a dash
    for inf in (math.inf, -math.inf, np.inf):
        assert fmt_number(inf, lang, 2) == reached
        assert fmt_quantity(inf, "m", lang) == reached  # no unit after "not reached"
        assert fmt_value(inf, "m", lang) == reached
        assert cell_text("dist_rail_m", inf, lang) == reached
    assert fmt_share(math.nan, lang) == "–"
    assert fmt_share(math.inf, lang) == "–"  # a share is never infinite: shown as missing


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (640.0, "m", "nb", "640 m"),
        (1280.0, "m", "nb", f"1{NBSP}280 m"),
        (1280.0, "m", "en", "1,280 m"),
        (-450.0, "m", "nb", f"{MINUS}450 m"),
        (-450.0, "m", "en", "-450 m"),
        (81.0, "daa", "nb", "81,00 daa"),
        (1234.5, "daa", "en", "1,234.50 daa"),
        (-4.75, "daa", "nb", f"{MINUS}4,75 daa"),
        (73.5, "%", "nb", f"73,5{NBSP}%"),
        (73.5, "%", "en", "73.5%"),
        (-2.0, "%", "nb", f"{MINUS}2,0{NBSP}%"),
        (68.0, "dB", "nb", "68,0 dB"),
        (15000.0, "m²/år", "nb", f"15{NBSP}000 m²/år"),
        (15000.0, "m²/år", "en", "15,000 m²/year"),
        (600.0, "boliger/år", "en", "600 dwellings/year"),
        (2.0, "", "nb", "2,0"),
    ],
)
def test_quantities_with_units(value, unit, lang, expected) -> None:
    assert fmt_quantity(value, unit, lang) == expected


def test_shares_years_and_unit_labels() -> None:
    assert fmt_share(0.64) == f"64{NBSP}%" and fmt_share(0.99, "en") == "99%"
    assert fmt_share(0.645, "nb", 1) == f"64,5{NBSP}%"
    assert fmt_share(-0.05, "nb", signed=True, points=True) == f"{MINUS}5 pp"
    assert fmt_share(0.05, "en", signed=True, points=True) == "+5 pp"
    assert fmt_share(0.001, "nb", signed=True) == f"0{NBSP}%"  # rounds to zero: no sign
    assert fmt_year(2031.0) == "2031" and fmt_year(np.int64(2040)) == "2040"
    assert unit_label("m²/år", "en") == "m²/year" and unit_label("daa", "en") == "daa"


def test_strings_and_booleans_pass_through_or_become_words() -> None:
    assert fmt_number("Grini") == "Grini"
    assert fmt_number(True) == "ja" and fmt_number(np.bool_(False), "en") == "no"
    assert fmt_value("e18_corridor", "", "en") == "E18 corridor business area"
    assert fmt_value("", "", "nb") == "(ingen)"
    assert fmt_value([500.0, 1000.0], "m", "nb") == f"500 m, 1{NBSP}000 m"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang must be 'nb' or 'en', not 'nn'"):
        fmt_number(1.0, "nn")
    with pytest.raises(ValueError, match="not 'de'"):
        msg("verdict.pass", "de")
    assert check_lang("nb") == "nb"


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    fields = string.Formatter()
    for key, (nb, en) in MESSAGES.items():
        assert re.fullmatch(r"[a-z0-9_]+(\.[^\s.][^\s]*)*", key), key
        assert nb.strip() and en.strip(), key
        names = [{f for _, f, _, _ in fields.parse(text) if f} for text in (nb, en)]
        assert names[0] == names[1], key
    assert msgs("verdict", "nb") == {
        "pass": "Oppfylt",
        "warn": "Varsel",
        "fail": "Brudd",
        "not_applicable": "Gjelder ikke",
    }
    with pytest.raises(KeyError, match=r"no message 'verdict\.maybe'"):
        msg("verdict.maybe")


def _literal_keys() -> set[str]:
    """Message keys named as string literals in msg(...) and b.t(...) calls in the package."""
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "msg":
                keys.add(first.value)
            elif name == "t" and isinstance(func, ast.Attribute) and path.parent.name == "maps":
                keys.add(f"map.{first.value}")
    return keys


def test_every_message_the_code_names_exists() -> None:
    keys = _literal_keys()
    assert len(keys) > 100  # the scan sees the code's calls
    assert sorted(k for k in keys if k not in MESSAGES) == []


def test_no_language_branches_outside_i18n() -> None:
    """Words come from the message table: no `lang == "nb"` choices in the rest of the code."""
    branch = re.compile(r"""lang\s*[!=]=\s*["'](nb|en)["']|["'](nb|en)["']\s+if\s+lang\b""")
    found = [
        f"{p.relative_to(SRC)}:{i}"
        for p in SRC.rglob("*.py")
        if p.parent.name != "i18n"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if branch.search(line)
    ]
    assert found == []


def test_an_unreached_distance_reads_the_same_in_rules_reports_and_maps() -> None:
    """One rendering: the rule message, the review table and the map popup agree."""
    import geopandas as gpd
    from shapely.geometry import box

    from arealanalyse.report import render_markdown
    from arealanalyse.rules import ProposalTables, evaluate, parse_rules

    sites = gpd.GeoDataFrame(
        {"site_id": ["S1"], "name": ["Rud"], "use": ["kontor"], "dist_rail_m": [math.inf]},
        geometry=[box(0, 0, 10, 10)],
        crs=25832,
    )
    rules = parse_rules(
        {"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
         "rules": [{"id": "r1", "title": {"nb": "K", "en": "O"},
                    "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
                    "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]}
    )  # fmt: skip
    ev = evaluate(ProposalTables(sites), rules)
    row = ev.table.iloc[0]
    assert row["verdict"] == "fail"
    assert "er ikke nådd (krav: høyst 1\u00a0000 m)" in row["message_nb"]
    assert "is not reached (limit: at most 1,000 m)" in row["message_en"]
    md = render_markdown(ev)
    assert "| r1 | S1 Rud | Brudd | ikke nådd | ≤ 1\u00a0000 m | ikke nådd |" in md.replace("`", "")
    assert cell_text("dist_rail_m", math.inf, "nb") == "ikke nådd"
