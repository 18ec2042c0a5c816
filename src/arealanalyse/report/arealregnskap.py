"""The arealregnskap section of the report, the stand-alone arealregnskap report, its outputs.

Rendering only: every number comes from an :class:`~arealanalyse.arealregnskap.Arealregnskap`
(its figures and tables). :func:`arealregnskap_section` returns the section as Markdown and
HTML; the review report embeds it (``write_review(..., sections=[...])``) and
:func:`write_arealregnskap_report` writes it as ``arealregnskap.md`` and ``arealregnskap.html``;
:func:`write_arealregnskap_outputs` writes the map, the review and the report together.
Norwegian bokmål by default, English with ``lang="en"``.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from arealanalyse import maps
from arealanalyse.arealregnskap.labels import change_label, column_label, flag_label
from arealanalyse.arealregnskap.tables import formal_label
from arealanalyse.i18n import (
    MISSING,
    ar5_label,
    check_lang,
    fmt_number,
    is_missing,
    lang_column,
    msg,
    verdict_label,
)
from arealanalyse.io import write_text
from arealanalyse.report.review import write_review
from arealanalyse.report.sources import source_dict, source_text

if TYPE_CHECKING:
    from arealanalyse.arealregnskap.compute import Arealregnskap
    from arealanalyse.layers.catalogue import SourceLike
    from arealanalyse.rules.evaluate import Evaluation

__all__ = [
    "ReportSection",
    "arealregnskap_section",
    "write_arealregnskap_outputs",
    "write_arealregnskap_report",
]


@dataclass(frozen=True)
class ReportSection:
    """A section of a report, rendered both ways."""

    title: str
    markdown: str
    html: str


def _t(key: str, lang: str) -> str:
    return msg(f"ar.report.{key}", lang)


def _n(value: Any, lang: str, decimals: int = 1) -> str:
    if is_missing(value) or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    return fmt_number(float(value), lang, decimals)


# A section is a list of blocks: ("h", text), ("p", text), ("ul", [items]), ("table", frame).
Block = tuple[str, Any]


def _summary(result: Arealregnskap, lang: str) -> list[str]:
    f = result.figures
    cur = f["current"]
    need = f["need"]
    items = []
    text = msg(
        "ar.text.current",
        lang,
        reserve=_n(cur["reserve_daa"], lang),
        bolig=_n(cur["reserve_by_category"].get("bolig", 0.0), lang),
        capacity=_n(cur["dwelling_capacity"], lang, 0),
    )
    if f["period"] and need["dwellings"]:
        p = f["period"]
        text += msg(
            "ar.text.need",
            lang,
            per_year=_n(need["dwellings_per_year"], lang, 0),
            years=p["years"],
            start=p["start"],
            end=p["end"],
            need=_n(need["dwellings"], lang, 0),
            covered=_n(cur["years_covered"], lang, 0),
        )
    items.append(text + ".")
    new = f.get("new")
    if new:
        t2 = msg(
            "ar.text.new",
            lang,
            reserve=_n(new["reserve_daa"], lang),
            capacity=_n(new["dwelling_capacity"], lang, 0),
        )
        if new.get("years_covered") is not None:
            t2 += msg("ar.text.new_covered", lang, covered=_n(new["years_covered"], lang, 0))
        items.append(t2 + ".")
    ch = f.get("change")
    if ch:
        op = ch["opened_ar5"]
        farm = {c: op.get(c, 0.0) for c in ("21", "22", "23")}
        ov = ch["opened_overlays"]
        flags = ("strandsone", "hazard_any", "nature_types", "recreation_areas", "cultivable_land")
        parts = [
            f"{flag_label(flag, lang).lower()}: {_n(ov[flag], lang)} daa"
            for flag in flags
            if flag in ov
        ]
        others = ", ".join(
            f"{ar5_label(int(c), lang).lower()} {_n(v, lang)} daa"
            for c, v in sorted(op.items(), key=lambda kv: -kv[1])
            if c not in farm and v >= 0.05
        )
        t3 = msg(
            "ar.text.change",
            lang,
            changed=_n(ch["changed_daa"], lang),
            opened=_n(ch["opened_daa"], lang),
            dyrka=_n(ch["opened_dyrka_daa"], lang),
            f21=_n(farm["21"], lang),
            f22=_n(farm["22"], lang),
            f23=_n(farm["23"], lang),
        )
        if others:
            t3 += msg("ar.text.others", lang, others=others)
        items.append(t3 + msg("ar.text.returned", lang, returned=_n(ch["returned_daa"], lang)))
        if parts:
            items.append(msg("ar.text.overlays", lang, parts="; ".join(parts)))
    k = f["kostra"]
    t4 = msg("ar.text.kostra", lang, dyrka=_n(k.get("dyrka_daa"), lang))
    if "opened_dyrka_daa" in k:
        t4 += msg(
            "ar.text.kostra_opened",
            lang,
            opened=_n(k["opened_dyrka_daa"], lang),
            returned=_n(k.get("returned_lnfr_dyrka_daa"), lang),
        )
    items.append(t4 + ".")
    return items


def _reserve_frame(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["area_daa", "built_daa", "reserve_daa"]
    farm = [
        c for c in ("reserve_ar5_21_daa", "reserve_ar5_22_daa", "reserve_ar5_23_daa") if c in table
    ]
    extra = [c for c in ("reserve_ar5_30_daa", "reserve_ar5_60_daa") if c in table]
    cols += farm + extra + ["dwelling_capacity"]
    out = table[cols].copy()
    out.insert(0, "arealformal_navn", table["arealformal"].map(formal_label))
    return out


def _opened_frame(table: pd.DataFrame, kinds: Sequence[str], lang: str) -> pd.DataFrame:
    sub = table[table["change"].isin(kinds) & (table["area_daa"] >= 0.05)].copy()
    sub.insert(0, "formal", sub["arealformal"].map(formal_label))
    sub["change"] = sub["change"].map(lambda v: change_label(v, lang))
    keep = ["change", "formal", "area_daa"] + [
        c for c in sub.columns if c.endswith("_daa") and c != "area_daa" and sub[c].sum() >= 0.05
    ]
    return sub[keep].rename(columns={"formal": "arealformal_navn"})


def _blocks(result: Arealregnskap, lang: str, evaluation: Evaluation | None) -> list[Block]:
    blocks: list[Block] = [("h", _t("summary", lang)), ("ul", _summary(result, lang))]
    t = result.tables
    blocks += [("h", _t("reserve", lang)), ("table", _reserve_frame(t["reserve_current"], lang))]
    if "change" in t:
        ch = t["change"]
        ch = ch[(ch["current_daa"] >= 0.05) | (ch["new_daa"] >= 0.05)]
        frame = ch[["current_daa", "new_daa", "change_daa"]].copy()
        frame.insert(0, "arealformal_navn", ch["arealformal"].map(formal_label))
        blocks += [("h", _t("change", lang)), ("table", frame)]
        blocks += [
            ("h", _t("opened", lang)),
            ("table", _opened_frame(t["changed_land"], ("opened", "returned"), lang)),
        ]
    k = t["kostra"]
    keep = [
        "plan_id", "dyrka_21_daa", "dyrka_22_daa", "dyrka_23_daa", "dyrka_daa", "dyrkbar_daa",
        "opened_dyrka_daa", "opened_dyrkbar_daa", "returned_lnfr_dyrka_daa",
    ]  # fmt: skip
    blocks += [("h", _t("kostra", lang)), ("table", k[[c for c in keep if c in k.columns]])]
    if evaluation is not None:
        message = lang_column("message", lang)
        rows = [
            [r["rule_id"], verdict_label(r["verdict"], lang), r[message]]
            for r in evaluation.table.to_dict("records")
            if not (r["site_id"] and r["verdict"] == "not_applicable")
        ]
        heads = [msg("word.rule", lang), msg("review.verdict", lang), msg("review.message", lang)]
        blocks += [("h", msg("word.rules", lang)), ("table", pd.DataFrame(rows, columns=heads))]
    s = result.settings
    method = [
        msg("ar.text.method_overlay", lang),
        msg(
            "ar.text.method_built",
            lang,
            existing=_n(s.building_buffer_existing_m, lang, 0),
            planned=_n(s.building_buffer_planned_m, lang, 0),
            width=_n(s.reserve_min_width_m, lang, 0),
            area=_n(s.reserve_min_area_m2, lang, 0),
        ),
        msg("ar.text.method_strandsone", lang, strandsone=_n(s.strandsone_m, lang, 0)),
        *result.notes,
    ]
    blocks += [("h", _t("method", lang)), ("ul", method)]
    return blocks


def _fmt_cell(column: str, value: Any, lang: str) -> str:
    if isinstance(value, str):
        return value
    if is_missing(value):
        return MISSING
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        decimals = 0 if column in ("dwelling_capacity", "cabin_capacity") else 1
        return fmt_number(float(value), lang, decimals)
    return str(value)


def _md(blocks: list[Block], lang: str) -> str:
    out: list[str] = []
    for kind, value in blocks:
        if kind == "h":
            out += [f"### {value}", ""]
        elif kind == "p":
            out += [value, ""]
        elif kind == "ul":
            out += [f"- {item}" for item in value] + [""]
        elif kind == "table":
            frame: pd.DataFrame = value
            heads = [column_label(str(c), lang) for c in frame.columns]
            out.append("| " + " | ".join(heads) + " |")
            out.append("|" + "---|" * len(heads))
            for row in frame.itertuples(index=False):
                cells = [
                    _fmt_cell(str(c), v, lang).replace("|", "\\|")
                    for c, v in zip(frame.columns, row, strict=True)
                ]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out)


def _html(blocks: list[Block], lang: str) -> str:
    e = html.escape
    out: list[str] = []
    for kind, value in blocks:
        if kind == "h":
            out.append(f"<h3>{e(value)}</h3>")
        elif kind == "p":
            out.append(f"<p>{e(value)}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in value) + "</ul>")
        elif kind == "table":
            frame = value
            head = "".join(f"<th>{e(column_label(str(c), lang))}</th>" for c in frame.columns)
            rows = []
            for row in frame.itertuples(index=False):
                cells = []
                for c, v in zip(frame.columns, row, strict=True):
                    cls = ' class="num"' if not isinstance(v, str) else ""
                    cells.append(f"<td{cls}>{e(_fmt_cell(str(c), v, lang))}</td>")
                rows.append("<tr>" + "".join(cells) + "</tr>")
            out.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
    return "\n".join(out)


def arealregnskap_section(
    result: Arealregnskap, /, *, lang: str = "nb", evaluation: Evaluation | None = None
) -> ReportSection:
    """Return the arealregnskap as a report section (Markdown and HTML).

    ``evaluation`` (an :class:`~arealanalyse.rules.Evaluation` of rules on
    ``result.as_tables()``) adds the rule verdicts.
    """
    blocks = _blocks(result, lang, evaluation)
    title = msg("ar.title", lang)
    body = _html(blocks, lang)
    return ReportSection(
        title=title,
        markdown=f"## {title}\n\n" + _md(blocks, lang),
        html=f'<section id="arealregnskap"><h2>{html.escape(title)}</h2>\n{body}</section>',
    )


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;
max-width:72rem;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ddd}h3{font-size:1.1rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.4rem 0 1rem}
th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}
.synthetic{background:#fff3cd;border:1px solid #e0c36c;padding:.5rem 1rem;font-weight:600}
"""


def write_arealregnskap_report(
    result: Arealregnskap,
    out_dir: str | os.PathLike[str],
    /,
    *,
    lang: str = "nb",
    title: str = "",
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    evaluation: Evaluation | None = None,
    links: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write ``arealregnskap.md`` and ``arealregnskap.html`` (the section as a whole report).

    ``links`` (label -> relative path) are listed at the top of the HTML page (workbook, map...).
    """
    check_lang(lang)
    sec = arealregnskap_section(result, lang=lang, evaluation=evaluation)
    heading = f"{sec.title}: {title}" if title else sec.title
    synthetic_text = msg("word.synthetic_data", lang)
    banner_md = f"> **{synthetic_text}**\n\n" if synthetic else ""
    src_lines = [source_text(s) for s in sources]
    src_md = "".join(f"- {s}\n" for s in src_lines)
    md = f"# {heading}\n\n{banner_md}" + sec.markdown.split("\n", 2)[2]
    if src_md:
        md += f"\n### {msg('word.sources', lang)}\n\n" + src_md
    e = html.escape
    link_html = ""
    if links:
        link_html = (
            "<p>"
            + " · ".join(
                f'<a href="{e(href, quote=True)}">{e(label)}</a>' for label, href in links.items()
            )
            + "</p>"
        )
    banner = f'<p class="synthetic">{e(synthetic_text)}</p>' if synthetic else ""
    src_html = ""
    if src_lines:
        head = msg("word.sources", lang)
        src_html = f"<h3>{head}</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in src_lines) + "</ul>"
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(heading)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(heading)}</h1>{banner}{link_html}{sec.html}{src_html}</body></html>\n"
    )
    out = Path(out_dir)
    return {
        "md": write_text(out / "arealregnskap.md", md),
        "html": write_text(out / "arealregnskap.html", page),
    }


def write_arealregnskap_outputs(
    result: Arealregnskap,
    out_dir: str | os.PathLike[str],
    /,
    *,
    current_plan: gpd.GeoDataFrame,
    new_plan: gpd.GeoDataFrame | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    evaluation: Evaluation | None = None,
    lang: str = "nb",
    title: str = "",
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    offline: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the map (``kart.html``), the review (``review/``) and the report of an arealregnskap.

    The tables, workbook and GeoPackage are the arealregnskap's own
    (:meth:`~arealanalyse.arealregnskap.Arealregnskap.write`); this draws and writes the rest
    from the finished result and, when rules were checked, their ``evaluation``.

    Returns
    -------
    dict
        ``map``, ``report_md``, ``report_html`` and, with an evaluation, ``review_html``,
        ``review_md``, ``review_json``.
    """
    check_lang(lang)
    say = progress or (lambda _m: None)
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    say("Tegner kartet")
    m = maps.arealregnskap_map(
        result,
        current_plan=current_plan,
        new_plan=new_plan,
        layers=layers,
        title=f"Arealregnskap: {title}" if title else "Arealregnskap",
        synthetic=synthetic,
        sources=sources,
        lang=check_lang(lang),
    )
    paths["map"] = maps.save_map(m, out / "kart.html", offline=offline)
    if evaluation is not None:
        say("Skriver vurderingen")
        review = write_review(
            evaluation,
            out / "review",
            lang=lang,
            synthetic=synthetic,
            notes=result.notes,
            sources=[source_dict(x) for x in sources],
            offline=offline,
            sections=[arealregnskap_section(result, lang=lang, evaluation=evaluation)],
        )
        paths.update({f"review_{k}": v for k, v in review.items()})
    links = {
        msg("ar.book.workbook_link", lang): "arealregnskap.xlsx",
        msg("word.map", lang): "kart.html",
        "GeoPackage": "arealregnskap.gpkg",
    }
    if evaluation is not None:
        links[msg("word.review", lang)] = "review/review.html"
    report = write_arealregnskap_report(
        result,
        out,
        lang=lang,
        title=title,
        synthetic=synthetic,
        sources=sources,
        evaluation=evaluation,
        links=links,
    )
    paths["report_md"], paths["report_html"] = report["md"], report["html"]
    return paths
