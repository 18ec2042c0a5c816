"""The main job's ``index.html`` and ``summary.json``: every map, report and table it wrote.

Part of the reporting layer: it renders what :func:`arealanalyse.workflow.run_main_job`
computed and computes nothing itself. It reads the run's result through :class:`MainJob`, the
shape of ``workflow.MainJobResult``, so it does not import the workflow. Links are relative, so
the whole ``output/`` folder can be zipped and mailed.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from arealanalyse.i18n import check_lang, fmt_number, fmt_quantity, msg, pick, verdict_label

__all__ = ["MainJob", "ScenarioRun", "render_index", "summary_dict"]


class ScenarioRun(Protocol):
    """What the index shows of one scenario (``workflow.ScenarioOutcome``)."""

    @property
    def name(self) -> str:
        """Scenario name."""
        ...

    @property
    def title(self) -> str:
        """Scenario title."""
        ...

    @property
    def status(self) -> str:
        """Worst verdict of its review: pass, warn or fail."""
        ...

    @property
    def failed_rules(self) -> Sequence[str]:
        """Ids of the rules it fails."""
        ...

    @property
    def totals(self) -> Mapping[str, Any]:
        """The run's totals (new BRA, jobs, farmland taken...)."""
        ...

    @property
    def folder(self) -> Path:
        """Folder of its tables."""
        ...

    @property
    def review(self) -> Mapping[str, Path]:
        """Its review files by kind (html, md, json); empty for the baseline."""
        ...

    @property
    def map_path(self) -> Path:
        """Its map."""
        ...


class MainJob(Protocol):
    """What the index and the summary show of a main-job run (``workflow.MainJobResult``)."""

    @property
    def out_dir(self) -> Path:
        """The output folder (links are relative to it)."""
        ...

    @property
    def synthetic(self) -> bool:
        """Whether the study area is the synthetic demo."""
        ...

    @property
    def baseline_maps(self) -> Mapping[str, Path]:
        """The baseline's maps (study, access)."""
        ...

    @property
    def scenarios(self) -> Sequence[ScenarioRun]:
        """Every scenario run."""
        ...

    @property
    def ranking(self) -> pd.DataFrame:
        """Ranking of the alternatives (rank, score), by scenario."""
        ...

    @property
    def comparison(self) -> Mapping[str, Path]:
        """Comparison files (map, ranking tables)."""
        ...

    @property
    def seconds(self) -> float:
        """Run time."""
        ...

    @property
    def arealregnskap(self) -> Mapping[str, Path]:
        """Files of the arealregnskap, by kind."""
        ...

    @property
    def arealregnskap_figures(self) -> Mapping[str, Any]:
        """Headline figures of the arealregnskap."""
        ...

    @property
    def arealregnskap_status(self) -> str:
        """Worst verdict of the rules on the arealregnskap."""
        ...

    def headline(self) -> pd.DataFrame:
        """Return the baseline's headline metrics (``value``, ``unit``, ``label_nb/_en``)."""
        ...


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1d2433}
h1{font-size:1.6rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd;padding:.2rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e3e6ee;padding:.35rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{background:#fff3cd;border:1px solid #e0b100;padding:.6rem .9rem;font-weight:600}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e;font-weight:700}
a{color:#0b5cad}small{color:#5b6475}
"""


def _rel(path: Path, base: Path) -> str:
    return html.escape(Path(os.path.relpath(path, base)).as_posix(), quote=True)


class _Words:
    """``t["key"]``: the index page's words (``index.*``, verdicts in lower case)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        if key in ("pass", "warn", "fail"):
            return verdict_label(key, self.lang).lower()
        return msg(f"index.{key}", self.lang)


def render_index(result: MainJob, /, *, title: str, lang: str = "nb") -> str:
    """Render the index page of a main-job run as self-contained HTML (relative links)."""
    check_lang(lang)
    t = _Words(lang)

    def num(value: Any, digits: int = 0) -> str:
        return html.escape(fmt_number(value, lang, digits))

    base = result.out_dir
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(t['heading'])} – {e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(t['heading'])} – {e(title)}</h1>",
    ]
    if result.synthetic:
        parts.append(f'<p class="banner" id="synthetic-banner">{e(t["synthetic"])}</p>')

    # Baseline
    parts.append(f"<h2>{e(t['baseline'])}</h2>")
    head = result.headline()
    parts.append(f"<table><tr><th>{e(t['metric'])}</th><th>{e(t['value'])}</th></tr>")
    for _, row in head.iterrows():
        shown = e(
            fmt_quantity(row["value"], "%", lang, 1)
            if row["unit"] == "%"
            else fmt_number(row["value"], lang, 0)
        )  # counts are whole numbers; the label says what is counted
        label = str(pick(row, "label", lang))
        parts.append(f'<tr><td>{e(label)}</td><td class="num">{shown}</td></tr>')
    parts.append("</table>")
    parts.append(f"<p>{e(t['maps'])}: ")
    parts.append(
        f'<a href="{_rel(result.baseline_maps["study"], base)}">{e(t["study_map"])}</a> · '
        f'<a href="{_rel(result.baseline_maps["access"], base)}">{e(t["access_map"])}</a></p>'
    )
    baseline_dir = base / "baseline"
    tables = sorted(p for p in baseline_dir.glob("*") if p.suffix in {".csv", ".gpkg", ".parquet"})
    if tables:
        links = " · ".join(f'<a href="{_rel(p, base)}">{e(p.name)}</a>' for p in tables)
        parts.append(f"<p>{e(t['tables'])}: {links}</p>")

    # Scenarios
    parts.append(f"<h2>{e(t['scenarios'])}</h2>")
    parts.append(
        f"<table><tr><th>{e(t['scenario'])}</th><th>{e(t['verdict'])}</th>"
        f"<th>{e(t['bra'])}</th><th>{e(t['jobs'])}</th><th>{e(t['farmland'])}</th>"
        f"<th>{e(t['links'])}</th></tr>"
    )
    for o in result.scenarios:
        tot = o.totals
        if o.review:
            verdict = f'<span class="{o.status}">{e(t[o.status])}</span>'
            if o.failed_rules:
                verdict += f" <small>({e(t['failed'])}: {e(', '.join(o.failed_rules))})</small>"
        else:
            verdict = f"<small>{e(t['reference'])}</small>"
        row_links = [f'<a href="{_rel(o.map_path, base)}">{e(t["map"])}</a>']
        if o.review:
            row_links.append(f'<a href="{_rel(o.review["html"], base)}">{e(t["review"])}</a>')
            row_links.append(f'<a href="{_rel(o.review["md"], base)}">md</a>')
            row_links.append(f'<a href="{_rel(o.review["json"], base)}">json</a>')
        sites_csv = o.folder / "sites.csv"
        if sites_csv.exists():
            row_links.append(f'<a href="{_rel(sites_csv, base)}">{e(t["folder"])}</a>')
        parts.append(
            f"<tr><td><b>{e(o.name)}</b><br><small>{e(o.title)}</small></td><td>{verdict}</td>"
            f'<td class="num">{num(tot.get("business_bra_m2_new", 0))}</td>'
            f'<td class="num">{num(tot.get("new_jobs", 0))}</td>'
            f'<td class="num">{num(tot.get("farmland_daa", 0), 1)}</td>'
            f"<td>{' · '.join(row_links)}</td></tr>"
        )
    parts.append("</table>")

    # Ranking
    if not result.ranking.empty:
        parts.append(f"<h2>{e(t['ranking'])}</h2>")
        parts.append(
            f"<table><tr><th>{e(t['rank'])}</th><th>{e(t['scenario'])}</th>"
            f"<th>{e(t['score'])}</th></tr>"
        )
        for name, row in result.ranking.sort_values("rank").iterrows():
            parts.append(
                f'<tr><td class="num">{int(row["rank"])}</td><td>{e(str(name))}</td>'
                f'<td class="num">{num(row["score"], 3)}</td></tr>'
            )
        parts.append("</table>")
        links = " · ".join(
            f'<a href="{_rel(p, base)}">{e(t["comparison_map"] if k == "map" else p.name)}</a>'
            for k, p in sorted(result.comparison.items())
        )
        parts.append(f"<p>{links}</p>")
    parts += _arealregnskap_html(result, base, t, num)
    parts.append(f"<p><small>{e(t['time'])}: {num(result.seconds)} s · arealanalyse</small></p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _arealregnskap_html(result: MainJob, base: Path, t: _Words, num: Any) -> list[str]:
    """Return the arealregnskap section of the index: headline figures and links."""
    f = result.arealregnskap_figures
    paths = result.arealregnskap
    if not f or not paths:
        return []
    e = html.escape
    out = [f'<h2 id="arealregnskap">{e(t["ar_head"])}</h2>', "<table>"]
    rows: list[tuple[str, Any, int]] = [
        (t["ar_reserve"], f["current"]["reserve_daa"], 1),
        (t["ar_capacity"], f["current"]["dwelling_capacity"], 0),
    ]
    change = f.get("change")
    if change:
        rows += [
            (t["ar_changed"], change["changed_daa"], 1),
            (t["ar_opened"], change["opened_daa"], 1),
            (t["ar_dyrka"], change["opened_dyrka_daa"], 1),
        ]
    rows.append((t["ar_kostra"], f["kostra"].get("dyrka_daa", 0.0), 1))
    for label, value, digits in rows:
        out.append(f'<tr><td>{e(label)}</td><td class="num">{num(value, digits)}</td></tr>')
    if result.arealregnskap_status:
        status = result.arealregnskap_status
        out.append(
            f"<tr><td>{e(msg('word.rules', t.lang))}</td>"
            f'<td><span class="{status}">{e(t[status])}</span>'
            "</td></tr>"
        )
    out.append("</table>")
    links = []
    for key, label in (
        ("report_html", t["ar_report"]),
        ("map", t["map"]),
        ("xlsx", t["ar_xlsx"]),
        ("gpkg", "GeoPackage"),
        ("review_html", t["ar_review"]),
    ):
        if key in paths:
            links.append(f'<a href="{_rel(paths[key], base)}">{e(label)}</a>')
    out.append(f"<p>{' · '.join(links)}</p>")
    return out


def summary_dict(result: MainJob, /) -> dict[str, Any]:
    """Return the run's headline numbers for ``summary.json`` (machines read this)."""
    head = result.headline()
    return {
        "synthetic": result.synthetic,
        "baseline": {m: round(float(v), 4) for m, v in head["value"].items()},
        "scenarios": {
            o.name: {
                "status": o.status,
                "failed_rules": list(o.failed_rules),
                "totals": dict(o.totals),
            }
            for o in result.scenarios
        },
        "ranking": (
            {}
            if result.ranking.empty
            else {str(k): int(v) for k, v in result.ranking["rank"].items()}
        ),
        "arealregnskap": _arealregnskap_summary(result),
    }


def _arealregnskap_summary(result: MainJob) -> dict[str, Any]:
    f = result.arealregnskap_figures
    if not f:
        return {}
    change = f.get("change") or {}
    return {
        "status": result.arealregnskap_status,
        "reserve_daa": round(f["current"]["reserve_daa"], 3),
        "dwelling_capacity": round(f["current"]["dwelling_capacity"], 1),
        "changed_daa": round(change.get("changed_daa", 0.0), 3),
        "opened_daa": round(change.get("opened_daa", 0.0), 3),
        "opened_ar5": {k: round(v, 3) for k, v in change.get("opened_ar5", {}).items()},
        "kostra_dyrka_daa": round(f["kostra"].get("dyrka_daa", 0.0), 3),
    }
