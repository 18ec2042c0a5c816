"""Review reports of an arealstrategi check: HTML, Markdown and JSON.

The report shows what :func:`arealanalyse.rules.evaluate` computed, and nothing else: every number
in it comes from the :class:`~arealanalyse.rules.Evaluation` (its result table and the scenario
run's own site table, rezonings and totals). Three renderings of the same content:

* ``review.html``: a self-contained page (no network needed) with an overview map of the sites
  coloured by their worst verdict (inline SVG), the interactive web map from
  :mod:`arealanalyse.maps` when available (embedded, offline), and the tables;
* ``review.md``: the same tables as Markdown, for the case file (saksdokument);
* ``review.json``: everything, for machines (non-finite numbers become ``null``).

Planner-facing text is Norwegian bokmål by default and English with ``lang="en"``; words come
from the message table and numbers from the one formatter of :mod:`arealanalyse.i18n`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import jinja2
import numpy as np
import pandas as pd

from arealanalyse.i18n import (
    MISSING,
    check_lang,
    fmt_number,
    fmt_value,
    is_missing,
    lang_column,
    msg,
    msgs,
    verdict_label,
)
from arealanalyse.io import write_json, write_text
from arealanalyse.maps import map_html, scenario_map
from arealanalyse.maps.style import VERDICT_COLOURS
from arealanalyse.report.sources import source_text
from arealanalyse.report.svg import svg_overview
from arealanalyse.rules.evaluate import VERDICTS, Evaluation, site_verdict_table
from arealanalyse.rules.measures import MEASURES

__all__ = ["render_html", "render_markdown", "review_dict", "write_review"]


class Section(Protocol):
    """A section appended to a review (e.g. :class:`.arealregnskap.ReportSection`)."""

    @property
    def title(self) -> str:
        """Its heading."""

    @property
    def markdown(self) -> str:
        """Its body as Markdown."""

    @property
    def html(self) -> str:
        """Its body as HTML."""


_OP = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "!=": "≠", "in": "∈", "not_in": "∉"}
_SITE_COLUMNS = (
    "site_id", "name", "use", "bra_m2", "dwellings", "jobs", "dist_rail_m", "abc_class",
    "in_area", "farmland_daa", "green_daa", "noise_max_db", "dist_green_m",
)  # fmt: skip
_SITE_DECIMALS = {"farmland_daa": 2, "green_daa": 2, "noise_max_db": 1}


def _t(key: str, lang: str) -> str:
    return msg(f"review.{key}", lang)


def _words(lang: str) -> dict[str, str]:
    """Return the words of the templates (``t.title``, ``t.sources``...)."""
    return {
        **msgs("review", lang),
        "sources": msg("word.sources", lang),
        "synthetic": msg("word.synthetic_data", lang),
    }


def _json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if value is None or isinstance(value, str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _fmt(value: Any, unit: str, lang: str) -> str:
    """Format like the rule messages (one formatter), with "–" for a missing value."""
    if is_missing(value):
        return MISSING
    return fmt_value(value, unit, lang)


def _threshold_text(rule_op: str, thr: Any, unit: str, lang: str) -> str:
    return f"{_OP[rule_op]} {_fmt(thr, unit, lang)}"


def _summary_rows(evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
    summary = evaluation.rule_summary()
    rows = []
    for rule, (_, s) in zip(evaluation.rules.rules, summary.iterrows(), strict=True):
        m = MEASURES[rule.measure]
        rows.append(
            {
                "rule_id": rule.id,
                "title": rule.title.get(lang),
                "severity": msg(f"severity.{rule.severity}", lang),
                "verdict": str(s["verdict"]),
                "verdict_text": verdict_label(str(s["verdict"]), lang),
                "limit": f"{m.label(lang)} "
                + _threshold_text(rule.operator, rule.threshold, m.unit, lang),
                "counts": " / ".join(
                    str(s[f"n_{v}"]) for v in ("pass", "warn", "fail", "not_applicable")
                ),
                "scope": _t("whole", lang) if rule.applies_to.scope == "proposal" else "",
            }
        )
    return rows


def _detail_rows(evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
    rows = []
    message = lang_column("message", lang)
    for r in evaluation.table.to_dict("records"):
        verdict, site_id, unit = str(r["verdict"]), str(r["site_id"]), str(r["unit"])
        if verdict == "not_applicable" and site_id != "":
            continue
        rule = evaluation.rules.rule(str(r["rule_id"]))
        site = f"{site_id} {r['site_name']}".strip() if site_id else _t("whole", lang)
        rows.append(
            {
                "rule_id": rule.id,
                "site": site,
                "verdict": verdict,
                "verdict_text": verdict_label(verdict, lang),
                "value": _fmt(r["value"], unit, lang),
                "threshold": _threshold_text(rule.operator, r["threshold"], unit, lang),
                "margin": _fmt(r["margin"], unit, lang),
                "message": r[message],
            }
        )
    return rows


def _clause_rows(evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "rule_id": r.id,
            "title": r.title.get(lang),
            "text": r.clause.text,
            "ref": r.clause.ref,
            "kind": _t("verbatim" if r.clause.verbatim else "paraphrase", lang),
            "advice": r.advice.get(lang) if r.advice else "",
        }
        for r in evaluation.rules.rules
    ]


def _site_rows(evaluation: Evaluation, lang: str) -> tuple[list[str], list[dict[str, Any]]]:
    sites = site_verdict_table(evaluation)
    cols = [c for c in _SITE_COLUMNS if c in sites.columns]
    head = [msg(f"review.col.{c}", lang) for c in cols]
    rows = []
    for _, s in sites.iterrows():
        cells = []
        for c in cols:
            v = s[c]
            if isinstance(v, str):
                cells.append(v or MISSING)
            elif c in ("site_id", "name", "use", "abc_class", "in_area"):
                cells.append(MISSING if is_missing(v) else str(v))
            else:
                cells.append(fmt_number(v, lang, _SITE_DECIMALS.get(c, 0)))
        rows.append({"cells": cells, "verdict": str(s["verdict"]),
                     "verdict_text": verdict_label(str(s["verdict"]), lang)})  # fmt: skip
    return head, rows


#: Totals shown in a report section of their own, not in the totals table.
_SECTION_TOTALS = ("arealregnskap",)


def _totals_rows(evaluation: Evaluation, lang: str) -> list[tuple[str, str]]:
    out = []
    for k, v in evaluation.tables.totals.items():
        if k in _SECTION_TOTALS:
            continue
        if isinstance(v, Mapping):
            for k2, v2 in v.items():
                out.append((f"{k}.{k2}", _fmt_total(v2, lang)))
        else:
            out.append((str(k), _fmt_total(v, lang)))
    return out


def _fmt_total(v: Any, lang: str) -> str:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        if not math.isfinite(f):  # round() of inf/NaN raises; fmt_number says "not reached"/–
            return fmt_number(f, lang)
        return fmt_number(f, lang, 0 if f == round(f) or abs(f) >= 100 else 2)
    return str(v)


def _svg_map(evaluation: Evaluation, lang: str) -> str:
    """Inline SVG overview of the sites coloured by their worst verdict."""
    return svg_overview(
        site_verdict_table(evaluation),
        title=_t("map", lang),
        verdict_text={v: verdict_label(v, lang) for v in VERDICTS},
        lang=lang,
    )


def _interactive_map(
    evaluation: Evaluation,
    lang: str,
    *,
    offline: bool,
    synthetic: bool,
    sources: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Render the web map of :mod:`arealanalyse.maps` as an HTML document."""
    sites = site_verdict_table(evaluation)
    popup = ["name", "use", "bra_m2", "dwellings", "abc_class", "dist_rail_m", "verdict"]
    popup += [c for c in sites.columns if c.startswith("verdict_")]
    popup = [c for c in popup if c in sites.columns]
    labels = {f"verdict_{r.id}": r.title.get(lang) for r in evaluation.rules.rules}
    tables = evaluation.tables
    m = scenario_map(
        sites,
        title=f"{_t('title', lang)}: {tables.title or tables.name}",
        color_by="verdict",
        popup_columns=popup,
        labels=labels,
        synthetic=synthetic,
        sources=list(sources),
        lang=check_lang(lang),
    )
    return map_html(m, offline=offline)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("arealanalyse", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _context(
    evaluation: Evaluation,
    lang: str,
    synthetic: bool,
    notes: Sequence[str],
    sources: Sequence[Mapping[str, Any]] = (),
    sections: Sequence[Section] = (),
) -> dict[str, Any]:
    from arealanalyse import __version__

    tables = evaluation.tables
    head, site_rows = _site_rows(evaluation, lang)
    rz = tables.rezonings
    return {
        "lang": lang,
        "t": _words(lang),
        "status": evaluation.status,
        "status_text": _t(f"status_{evaluation.status}", lang),
        "proposal": tables.title or tables.name,
        "proposal_name": tables.name,
        "rules_title": evaluation.rules.title.get(lang),
        "rules_label": evaluation.rules.label,
        "summary": _summary_rows(evaluation, lang),
        "details": _detail_rows(evaluation, lang),
        "clauses": _clause_rows(evaluation, lang),
        "site_head": head,
        "sites": site_rows,
        "totals": _totals_rows(evaluation, lang),
        "rezonings": []
        if rz is None or rz.empty
        else [
            {k: _fmt_total(v, lang) if not isinstance(v, str) else v for k, v in r.items()}
            for r in rz.to_dict("records")
        ],
        "rezoning_head": [] if rz is None else list(rz.columns),
        "synthetic": synthetic,
        "notes": list(notes),
        "sources": [source_text(src) for src in sources],
        "colours": VERDICT_COLOURS,
        "version": __version__,
        "n_sites": len(tables.sites),
        "sections": list(sections),
    }


def render_markdown(
    evaluation: Evaluation,
    /,
    *,
    lang: str = "nb",
    synthetic: bool = False,
    notes: Sequence[str] = (),
    sources: Sequence[Mapping[str, Any]] = (),
    sections: Sequence[Section] = (),
) -> str:
    """Render the review as Markdown for the case file.

    ``sections`` (objects with ``title``, ``markdown`` and ``html``, e.g. the arealregnskap's
    :class:`~arealanalyse.report.arealregnskap.ReportSection`) are added after the summary.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, evaluate, parse_rules
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Lysaker"], "use": ["kontor"],
    ...     "dist_rail_m": [640.0]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "r1", "title": {"nb": "Kontor ved bane", "en": "Offices"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> md = render_markdown(evaluate(ProposalTables(sites), rs))
    >>> "Forslaget følger alle regler" in md, "| S1 Lysaker | Oppfylt | 640 m |" in md
    (True, True)
    """
    ctx = _context(evaluation, lang, synthetic, notes, sources, sections)
    ctx["md"] = _md_cell
    return _env().get_template("review.md.j2").render(**ctx)


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_html(
    evaluation: Evaluation,
    /,
    *,
    lang: str = "nb",
    synthetic: bool = False,
    notes: Sequence[str] = (),
    sources: Sequence[Mapping[str, Any]] = (),
    interactive_map: bool = True,
    offline: bool = True,
    sections: Sequence[Section] = (),
) -> str:
    """Render the review as one self-contained HTML page.

    Parameters
    ----------
    evaluation
        The evaluation to show.
    lang
        ``nb`` (default) or ``en``.
    synthetic
        Show the synthetic-data banner (demo study area).
    notes
        Extra lines shown under "Notes" (e.g. how a proposal file was read).
    interactive_map
        Embed the web map of :mod:`arealanalyse.maps` (when that module is available).
    offline
        Inline the web map's scripts so the page works without a network.
    sections
        Extra sections (``title``, ``markdown``, ``html``) shown after the summary, e.g. the
        arealregnskap.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, evaluate, parse_rules
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Rud"], "use": ["kontor"],
    ...     "dist_rail_m": [1450.0]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "r1", "title": {"nb": "K", "en": "O"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> page = render_html(evaluate(ProposalTables(sites), rs), lang="en", interactive_map=False)
    >>> "<svg" in page, "breaks at least one rule" in page
    (True, True)
    """
    ctx = _context(evaluation, lang, synthetic, notes, sources, sections)
    ctx["svg_map"] = _svg_map(evaluation, lang)
    ctx["web_map"] = (
        _interactive_map(evaluation, lang, offline=offline, synthetic=synthetic, sources=sources)
        if interactive_map
        else ""
    )
    return _env().get_template("review.html.j2").render(**ctx)


def review_dict(
    evaluation: Evaluation,
    /,
    *,
    lang: str = "nb",
    synthetic: bool = False,
    notes: Sequence[str] = (),
    sources: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Return everything in the review as plain JSON-ready data.

    ``results`` is the evaluation table; ``sites``, ``rezonings`` and ``totals`` are the scenario
    run's own tables (without geometry), so their numbers are the run's numbers.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, evaluate, parse_rules
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Rud"], "use": ["kontor"],
    ...     "dist_rail_m": [float("inf")]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "r1", "title": {"nb": "K", "en": "O"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> d = review_dict(evaluate(ProposalTables(sites), rs))
    >>> d["status"], d["exit_code"], d["results"][0]["value"], d["sites"][0]["dist_rail_m"]
    ('fail', 1, None, None)
    """
    from arealanalyse import __version__

    ev = evaluation
    tables = ev.tables
    sites = pd.DataFrame(site_verdict_table(ev).drop(columns="geometry", errors="ignore"))
    rz = tables.rezonings if tables.rezonings is not None else pd.DataFrame()
    rules = [
        {
            **r.model_dump(mode="json", by_alias=True),
            "unit": MEASURES[r.measure].unit,
            "measure_label": MEASURES[r.measure].label(lang),
        }
        for r in ev.rules.rules
    ]
    return _json_safe(
        {
            "schema": "arealanalyse.review/1",
            "arealanalyse_version": __version__,
            "lang": lang,
            "proposal": {"name": tables.name, "title": tables.title},
            "rules_file": {
                "name": ev.rules.name,
                "title": ev.rules.title.get(lang),
                "path": ev.rules.label,
            },
            "status": ev.status,
            "exit_code": ev.exit_code,
            "synthetic": synthetic,
            "notes": list(notes),
            "sources": [dict(src) for src in sources],
            "summary": ev.rule_summary().to_dict("records"),
            "rules": rules,
            "results": ev.table.to_dict("records"),
            "sites": sites.to_dict("records"),
            "rezonings": rz.to_dict("records"),
            "totals": dict(tables.totals),
        }
    )


def write_review(
    evaluation: Evaluation,
    out_dir: str | os.PathLike[str],
    /,
    *,
    lang: str = "nb",
    synthetic: bool = False,
    notes: Iterable[str] = (),
    sources: Sequence[Mapping[str, Any]] = (),
    interactive_map: bool = True,
    offline: bool = True,
    sections: Sequence[Section] = (),
) -> dict[str, Path]:
    """Write ``review.html``, ``review.md`` and ``review.json`` into ``out_dir`` (atomically).

    ``sections`` (``title``, ``markdown``, ``html``) are added to the HTML and Markdown.

    Returns
    -------
    dict
        ``{"html": path, "md": path, "json": path}``.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from arealanalyse.rules import ProposalTables, evaluate, parse_rules
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Rud"], "use": ["kontor"],
    ...     "dist_rail_m": [640.0]}, geometry=[box(0, 0, 10, 10)], crs=25832)
    >>> rs = parse_rules({"schema_version": 1, "name": "d", "title": {"nb": "D", "en": "D"},
    ...     "rules": [{"id": "r1", "title": {"nb": "K", "en": "O"},
    ...                "clause": {"text": "Kontor nær bane.", "ref": "KPA"},
    ...                "measure": "dist_rail_m", "operator": "<=", "threshold": 1000}]})
    >>> paths = write_review(evaluate(ProposalTables(sites), rs), tempfile.mkdtemp(),
    ...                      interactive_map=False)
    >>> sorted(p.name for p in paths.values())
    ['review.html', 'review.json', 'review.md']
    """
    check_lang(lang)
    out = Path(out_dir)
    notes = list(notes)
    kw: dict[str, Any] = {
        "lang": lang,
        "synthetic": synthetic,
        "notes": notes,
        "sources": list(sources),
    }
    return {
        "html": write_text(
            out / "review.html",
            render_html(
                evaluation,
                interactive_map=interactive_map,
                offline=offline,
                sections=sections,
                **kw,
            ),
        ),
        "md": write_text(out / "review.md", render_markdown(evaluation, sections=sections, **kw)),
        "json": write_json(out / "review.json", review_dict(evaluation, **kw)),
    }
