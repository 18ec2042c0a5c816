"""The arealregnskap section of the report, and the stand-alone arealregnskap report.

Rendering only: every number comes from an :class:`~arealanalyse.arealregnskap.Arealregnskap`
(its figures and tables). :func:`arealregnskap_section` returns the section as Markdown and
HTML; the review report embeds it (``write_review(..., sections=[...])``) and
:func:`write_arealregnskap_report` writes it as ``arealregnskap.md`` and ``arealregnskap.html``.
Norwegian bokmål by default, English with ``lang="en"``.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from arealanalyse.arealregnskap.labels import CHANGE_KINDS, ar5_label, column_label, flag_label
from arealanalyse.arealregnskap.tables import formal_label
from arealanalyse.io import write_text
from arealanalyse.rules.measures import fmt_number

if TYPE_CHECKING:
    from arealanalyse.arealregnskap.compute import Arealregnskap

__all__ = ["ReportSection", "arealregnskap_section", "write_arealregnskap_report"]


@dataclass(frozen=True)
class ReportSection:
    """A section of a report, rendered both ways."""

    title: str
    markdown: str
    html: str


_T: dict[str, tuple[str, str]] = {
    "title": ("Arealregnskap", "Land accounts (arealregnskap)"),
    "synthetic": (
        "SYNTETISKE DATA: beregnet på et oppdiktet demoområde, ikke på virkelige forhold.",
        "SYNTHETIC DATA: computed on an invented demo study area, not on real conditions.",
    ),
    "summary": ("Sammendrag", "Summary"),
    "reserve": (
        "Arealreserve i gjeldende plan (veilederen kap. 4)",
        "Reserve of the current plan (guide ch. 4)",
    ),
    "reserve_new": ("Arealreserve i ny plan (kap. 5)", "Reserve of the new plan (ch. 5)"),
    "change": ("Endring i arealformål (kap. 5)", "Change of arealformål (ch. 5)"),
    "opened": (
        "Hva det nye utbyggingsarealet er i dag (kap. 5)",
        "What the newly opened land is today (ch. 5)",
    ),
    "kostra": ("KOSTRA skjema 32: forhåndskontroll", "KOSTRA form 32: pre-check"),
    "rules": ("Regler", "Rules"),
    "method": ("Metode og forbehold", "Method and caveats"),
    "formal": ("Arealformål", "Arealformål"),
    "sum": ("Sum", "Total"),
    "rule": ("Regel", "Rule"),
    "verdict": ("Vurdering", "Verdict"),
    "reason": ("Begrunnelse", "Reason"),
}
_VERDICT = {
    "pass": ("Oppfylt", "Pass"),
    "warn": ("Varsel", "Warning"),
    "fail": ("Brudd", "Fail"),
    "not_applicable": ("Gjelder ikke", "Not applicable"),
}


def _t(key: str, lang: str) -> str:
    return _T[key][1 if lang == "en" else 0]


def _n(value: Any, lang: str, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return fmt_number(float(value), lang, decimals)


# A section is a list of blocks: ("h", text), ("p", text), ("ul", [items]), ("table", frame).
Block = tuple[str, Any]


def _summary(result: Arealregnskap, lang: str) -> list[str]:
    f = result.figures
    nb = lang != "en"
    cur = f["current"]
    need = f["need"]
    items = []
    bolig = cur["reserve_by_category"].get("bolig", 0.0)
    if nb:
        text = (
            f"Gjeldende plan har {_n(cur['reserve_daa'], lang)} daa ubebygd areal i "
            f"utbyggingsformål (arealreserve), hvorav {_n(bolig, lang)} daa bolig. Med "
            f"tetthetene i innstillingene gir reserven plass til "
            f"{_n(cur['dwelling_capacity'], lang, 0)} boliger"
        )
    else:
        text = (
            f"The current plan has {_n(cur['reserve_daa'], lang)} daa of unbuilt land in "
            f"development formål (the reserve), {_n(bolig, lang)} daa of it housing. At the "
            f"densities in the settings the reserve holds {_n(cur['dwelling_capacity'], lang, 0)} "
            "dwellings"
        )
    if f["period"] and need["dwellings"]:
        p = f["period"]
        if nb:
            text += (
                f"; behovet er {_n(need['dwellings_per_year'], lang, 0)} boliger i året × "
                f"{p['years']} år ({p['start']}–{p['end']}) = {_n(need['dwellings'], lang, 0)}. "
                f"Reserven dekker behovet i {_n(cur['years_covered'], lang, 0)} år"
            )
        else:
            text += (
                f"; the need is {_n(need['dwellings_per_year'], lang, 0)} homes a year × "
                f"{p['years']} years ({p['start']}–{p['end']}) = {_n(need['dwellings'], lang, 0)}. "
                f"The reserve covers the need for {_n(cur['years_covered'], lang, 0)} years"
            )
    items.append(text + ".")
    new = f.get("new")
    if new:
        if nb:
            t2 = (
                f"Ny plan har {_n(new['reserve_daa'], lang)} daa arealreserve med plass til "
                f"{_n(new['dwelling_capacity'], lang, 0)} boliger"
            )
            if new.get("years_covered") is not None:
                t2 += f" ({_n(new['years_covered'], lang, 0)} års behov)"
        else:
            t2 = (
                f"The new plan has {_n(new['reserve_daa'], lang)} daa of reserve holding "
                f"{_n(new['dwelling_capacity'], lang, 0)} dwellings"
            )
            if new.get("years_covered") is not None:
                t2 += f" ({_n(new['years_covered'], lang, 0)} years of need)"
        items.append(t2 + ".")
    ch = f.get("change")
    if ch:
        op = ch["opened_ar5"]
        farm = {c: op.get(c, 0.0) for c in ("21", "22", "23")}
        dyrka = sum(farm.values())
        ov = ch["opened_overlays"]
        parts = []
        for flag in (
            "strandsone",
            "hazard_any",
            "nature_types",
            "recreation_areas",
            "cultivable_land",
        ):
            if flag in ov:
                parts.append(f"{flag_label(flag, lang).lower()}: {_n(ov[flag], lang)} daa")
        others = ", ".join(
            f"{ar5_label(int(c), lang).lower()} {_n(v, lang)} daa"
            for c, v in sorted(op.items(), key=lambda kv: -kv[1])
            if c not in farm and v >= 0.05
        )
        if nb:
            t3 = (
                f"Planforslaget endrer arealformål på {_n(ch['changed_daa'], lang)} daa og åpner "
                f"{_n(ch['opened_daa'], lang)} daa for ny utbygging, hvorav dyrka jord "
                f"{_n(dyrka, lang)} daa (fulldyrka {_n(farm['21'], lang)}, overflatedyrka "
                f"{_n(farm['22'], lang)}, innmarksbeite {_n(farm['23'], lang)})"
            )
            if others:
                t3 += f"; ellers {others}"
            t3 += f". {_n(ch['returned_daa'], lang)} daa tilbakeføres fra utbyggingsformål."
        else:
            t3 = (
                f"The proposal changes the arealformål of {_n(ch['changed_daa'], lang)} daa and "
                f"opens {_n(ch['opened_daa'], lang)} daa for building, of which cultivated land "
                f"{_n(dyrka, lang)} daa (fully cultivated {_n(farm['21'], lang)}, surface "
                f"cultivated {_n(farm['22'], lang)}, infield pasture {_n(farm['23'], lang)})"
            )
            if others:
                t3 += f"; otherwise {others}"
            t3 += f". {_n(ch['returned_daa'], lang)} daa is returned from development formål."
        items.append(t3)
        if parts:
            lead = "Av det nye utbyggingsarealet ligger" if nb else "Of the newly opened land:"
            items.append(f"{lead} {'; '.join(parts)}.")
    k = f["kostra"]
    if nb:
        t4 = (
            f"KOSTRA 32 (forhåndskontroll): dyrka jord i utbyggingsformål i planen "
            f"{_n(k.get('dyrka_daa'), lang)} daa"
        )
        if "opened_dyrka_daa" in k:
            t4 += (
                f"; ny omdisponering {_n(k['opened_dyrka_daa'], lang)} daa; tilbakeført til "
                f"LNFR {_n(k.get('returned_lnfr_dyrka_daa'), lang)} daa"
            )
    else:
        t4 = (
            f"KOSTRA 32 (pre-check): cultivated land in development formål of the plan "
            f"{_n(k.get('dyrka_daa'), lang)} daa"
        )
        if "opened_dyrka_daa" in k:
            t4 += (
                f"; newly converted {_n(k['opened_dyrka_daa'], lang)} daa; returned to LNFR "
                f"{_n(k.get('returned_lnfr_dyrka_daa'), lang)} daa"
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
    sub["change"] = sub["change"].map(lambda v: CHANGE_KINDS[v][1 if lang == "en" else 0])
    keep = ["change", "formal", "area_daa"] + [
        c for c in sub.columns if c.endswith("_daa") and c != "area_daa" and sub[c].sum() >= 0.05
    ]
    return sub[keep].rename(columns={"formal": "arealformal_navn"})


def _blocks(result: Arealregnskap, lang: str, evaluation: Any = None) -> list[Block]:
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
        msg = "message_en" if lang == "en" else "message_nb"
        rows = [
            [r["rule_id"], _VERDICT[r["verdict"]][1 if lang == "en" else 0], r[msg]]
            for r in evaluation.table.to_dict("records")
            if not (r["site_id"] and r["verdict"] == "not_applicable")
        ]
        frame = pd.DataFrame(
            rows, columns=[_t("rule", lang), _t("verdict", lang), _t("reason", lang)]
        )
        blocks += [("h", _t("rules", lang)), ("table", frame)]
    s = result.settings
    nb = lang != "en"
    method = [
        (
            "Arealene er summer over én planar overlagsanalyse i arbeids-CRS (ingen areal telles "
            "to ganger); gjeldende og ny plan, AR5 og temalagene er delt opp mot hverandre."
            if nb
            else "Areas are sums over one planar overlay in the working CRS (no area is counted "
            "twice): the current and the new plan, AR5 and the overlays split against each other."
        ),
        (
            f"Bebygd er AR5 bebygd (11) og samferdsel (12) og areal innen "
            f"{_n(s.building_buffer_existing_m, lang, 0)} m (nåværende formål) eller "
            f"{_n(s.building_buffer_planned_m, lang, 0)} m (framtidig formål) fra en bygning; "
            f"ubebygde striper smalere enn {_n(s.reserve_min_width_m, lang, 0)} m og biter under "
            f"{_n(s.reserve_min_area_m2, lang, 0)} m² er ikke reserve (NINA/Agder-metoden)."
            if nb
            else f"Built is AR5 bebygd (11) and samferdsel (12) and land within "
            f"{_n(s.building_buffer_existing_m, lang, 0)} m (existing formål) or "
            f"{_n(s.building_buffer_planned_m, lang, 0)} m (planned formål) of a building; "
            f"unbuilt strips narrower than {_n(s.reserve_min_width_m, lang, 0)} m and pieces under "
            f"{_n(s.reserve_min_area_m2, lang, 0)} m² are not reserve (NINA/Agder's method)."
        ),
        (
            f"Strandsonen er land innen {_n(s.strandsone_m, lang, 0)} m fra sjø (pbl. § 1-8). "
            "Forklaring av hvert tall, og hva som avviker fra veilederen: docs/arealregnskap.md."
            if nb
            else f"The strandsone is land within {_n(s.strandsone_m, lang, 0)} m of the sea "
            "(PBL § 1-8). Every figure, and what differs from the guide: docs/arealregnskap.md."
        ),
        *result.notes,
    ]
    blocks += [("h", _t("method", lang)), ("ul", method)]
    return blocks


def _fmt_cell(column: str, value: Any, lang: str) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
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
    result: Arealregnskap, /, *, lang: str = "nb", evaluation: Any = None
) -> ReportSection:
    """Return the arealregnskap as a report section (Markdown and HTML).

    ``evaluation`` (an :class:`~arealanalyse.rules.Evaluation` of rules on
    ``result.as_tables()``) adds the rule verdicts.
    """
    blocks = _blocks(result, lang, evaluation)
    title = _t("title", lang)
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
    sources: Sequence[Any] = (),
    evaluation: Any = None,
    links: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write ``arealregnskap.md`` and ``arealregnskap.html`` (the section as a whole report).

    ``links`` (label -> relative path) are listed at the top of the HTML page (workbook, map...).
    """
    if lang not in ("nb", "en"):
        raise ValueError(f"lang must be 'nb' or 'en', not {lang!r}")
    sec = arealregnskap_section(result, lang=lang, evaluation=evaluation)
    heading = f"{sec.title}: {title}" if title else sec.title
    banner_md = f"> **{_t('synthetic', lang)}**\n\n" if synthetic else ""
    src_lines = [_source_text(s) for s in sources]
    src_md = "".join(f"- {s}\n" for s in src_lines)
    md = f"# {heading}\n\n{banner_md}" + sec.markdown.split("\n", 2)[2]
    if src_md:
        md += ("\n### Datakilder\n\n" if lang != "en" else "\n### Data sources\n\n") + src_md
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
    banner = f'<p class="synthetic">{e(_t("synthetic", lang))}</p>' if synthetic else ""
    src_html = ""
    if src_lines:
        head = "Datakilder" if lang != "en" else "Data sources"
        src_html = f"<h3>{head}</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in src_lines) + "</ul>"
    page = (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "nb"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(heading)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(heading)}</h1>{banner}{link_html}{sec.html}{src_html}</body></html>\n"
    )
    out = Path(out_dir)
    return {
        "md": write_text(out / "arealregnskap.md", md),
        "html": write_text(out / "arealregnskap.html", page),
    }


def _source_text(src: Any) -> str:
    def get(key: str, default: str = "") -> Any:
        if isinstance(src, Mapping):
            return src.get(key, default)
        return getattr(src, key, default)

    extra = ", ".join(str(get(k, "")) for k in ("attribution", "licence") if get(k, ""))
    return f"{get('name', '')}" + (f" ({extra})" if extra else "")
