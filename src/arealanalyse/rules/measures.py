"""The measure registry: what a rule can compare with a threshold.

A measure *reads* the tables of a scenario run (the site table, the rezonings table and the
totals; see :class:`ProposalTables`); it never recomputes a distance, an overlay or a zonal
statistic. That keeps one computation behind both the scenario outputs and the review report.

Site-level measures return a :class:`pandas.Series` indexed like the site table (``NaN`` means
"does not apply to this site", e.g. road noise for a site without homes). Proposal-level measures
return one value for the sites the rule selects, plus a short detail text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.i18n import ar5_label, fmt_number, lang_column, msg, unit_label
from arealanalyse.scenarios.jobs import BUSINESS_USES as _SCENARIO_BUSINESS_USES
from arealanalyse.scenarios.jobs import USES as _SCENARIO_USES
from arealanalyse.scenarios.sitetable import REZONING_CONTRACT_COLUMNS, SITE_TABLE_COLUMNS

__all__ = [
    "BUSINESS_USES",
    "MEASURES",
    "SITE_COLUMNS",
    "USES",
    "Measure",
    "ProposalTables",
    "as_tables",
]

#: Land uses of development sites and the uses whose BRA is business floor space: the scenario
#: vocabulary, imported so that rules and scenario totals can never disagree.
USES: tuple[str, ...] = tuple(_SCENARIO_USES)
BUSINESS_USES: tuple[str, ...] = tuple(_SCENARIO_BUSINESS_USES)

#: Columns of the scenario site table that measures read (besides ``geometry``): the contract
#: defined next to the code that builds the table.
SITE_COLUMNS: tuple[str, ...] = tuple(c for c in SITE_TABLE_COLUMNS if c != "geometry")

#: Columns of the rezonings table that measures read (the same contract).
REZONING_COLUMNS: tuple[str, ...] = REZONING_CONTRACT_COLUMNS


@dataclass(frozen=True)
class ProposalTables:
    """The tables of one scenario run that rules are evaluated on.

    Parameters
    ----------
    sites
        The site table (one row per development site, columns :data:`SITE_COLUMNS`).
    rezonings
        One row per rezoning (columns ``rezone_id, from_code, to_code, from_category,
        to_category, area_daa, bra_m2_lost``); may be empty.
    totals
        Proposal totals (``period_years``, ``new_dwellings``, ``new_jobs``, ...).
    name, title
        The proposal's name and title, shown in reports.
    """

    sites: gpd.GeoDataFrame
    rezonings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REZONING_COLUMNS))
    totals: Mapping[str, Any] = field(default_factory=dict)
    name: str = "proposal"
    title: str = ""


class ScenarioRun(Protocol):
    """What rules read from a scenario run (:class:`arealanalyse.scenarios.ScenarioResult`)."""

    @property
    def sites(self) -> gpd.GeoDataFrame:
        """The site table."""

    @property
    def rezonings(self) -> pd.DataFrame:
        """One row per rezoning."""

    @property
    def totals(self) -> Mapping[str, Any]:
        """Proposal totals."""


def as_tables(obj: ProposalTables | ScenarioRun) -> ProposalTables:
    """Return the :class:`ProposalTables` of a scenario result (or pass tables through).

    Accepts a :class:`ProposalTables`, or any object with ``sites`` (the site table),
    ``rezonings`` and ``totals`` attributes, such as ``arealanalyse.scenarios.ScenarioResult``.
    The tables are used as they are: nothing is recomputed.

    Examples
    --------
    >>> import geopandas as gpd
    >>> t = as_tables(ProposalTables(gpd.GeoDataFrame({"site_id": []}, geometry=[])))
    >>> len(t.sites)
    0
    """
    if isinstance(obj, ProposalTables):
        return obj
    sites = getattr(obj, "sites", None)
    if sites is None:
        raise TypeError(
            f"cannot evaluate rules on {type(obj).__name__}: expected a ScenarioResult "
            "(with .sites, .rezonings, .totals) or ProposalTables"
        )
    rezonings = getattr(obj, "rezonings", None)
    if rezonings is None:
        rezonings = pd.DataFrame(columns=REZONING_COLUMNS)
    totals = getattr(obj, "totals", None) or {}
    scenario = getattr(obj, "scenario", None)
    name = str(getattr(obj, "name", None) or getattr(scenario, "name", None) or "proposal")
    title = str(getattr(obj, "title", None) or getattr(scenario, "title", None) or "")
    return ProposalTables(sites, rezonings, dict(totals), name=name, title=title)


SiteFunc = Callable[[ProposalTables, Mapping[str, Any]], pd.Series]
ProposalFunc = Callable[
    [ProposalTables, gpd.GeoDataFrame, Mapping[str, Any]], tuple[float, dict[str, Any]]
]
#: ``detail(info, params, lang)``: info is the site row (site level) or the proposal measure's
#: details dict (proposal level); returns a short text for the report, or "".
DetailFunc = Callable[[Mapping[str, Any], Mapping[str, Any], str], str]


@dataclass(frozen=True)
class Measure:
    """A named measure that rules can refer to.

    Attributes
    ----------
    name
        Registry key, used as ``measure:`` in rule files.
    level
        ``site`` (one value per site) or ``proposal`` (one value for the whole proposal).
    kind
        ``number`` (compared with ``<=``, ``>=``, ...) or ``category`` (``==``, ``in``, ...).
    unit
        Unit of the value (``m``, ``daa``, ``dB``, ``%``, ``m²/år``, ``boliger/år``, or ``""``).
    label_nb, label_en
        What the value is, for reports.
    description
        One sentence for ``docs/rules.md``.
    params
        Parameters a rule may set under ``params:``, with their defaults.
    columns
        Site-table columns the measure reads.
    """

    name: str
    level: Literal["site", "proposal"]
    kind: Literal["number", "category"]
    unit: str
    label_nb: str
    label_en: str
    description: str
    func: SiteFunc | ProposalFunc
    params: Mapping[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    detail: DetailFunc | None = None

    def label(self, lang: str) -> str:
        """Return the label in ``lang``."""
        return str(getattr(self, lang_column("label", lang)))

    def site_values(self, tables: ProposalTables, params: Mapping[str, Any]) -> pd.Series:
        """Values per site (site-level measures), indexed like the site table."""
        if self.level != "site":
            raise TypeError(f"{self.name} is a proposal-level measure")
        func = cast(SiteFunc, self.func)
        return func(tables, {**self.params, **params})

    def proposal_value(
        self, tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
    ) -> tuple[float, dict[str, Any]]:
        """Value for the whole proposal over the ``selected`` sites, and its details."""
        if self.level != "proposal":
            raise TypeError(f"{self.name} is a site-level measure")
        func = cast(ProposalFunc, self.func)
        return func(tables, selected, {**self.params, **params})


def _column(name: str, *, numeric: bool = True) -> SiteFunc:
    def f(tables: ProposalTables, params: Mapping[str, Any]) -> pd.Series:
        s = tables.sites[name]
        if numeric:
            return pd.to_numeric(s, errors="coerce").astype("float64")
        return s.astype(object).where(s.notna(), None)

    return f


def _farmland_classes(tables: ProposalTables, params: Mapping[str, Any]) -> pd.Series:
    classes = [int(c) for c in params["classes"]]
    cols = [f"farmland_{c}_daa" for c in classes]
    missing = [c for c in cols if c not in tables.sites.columns]
    if missing:
        raise KeyError(f"site table lacks {missing}; farmland classes are 21, 22 and 23")
    return tables.sites[cols].apply(pd.to_numeric, errors="coerce").fillna(0.0).sum(axis=1)


def _ar5_parts(by_class: Mapping[int, float], lang: str) -> str:
    """``21 fulldyrka jord: 3,25 daa; 22 overflatedyrka jord: 0,00 daa``."""
    return "; ".join(
        f"{c} {ar5_label(c, lang).lower()}: {fmt_number(v, lang, 2)} daa"
        for c, v in by_class.items()
    )


def _farmland_detail(site: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    return _ar5_parts(
        {int(c): float(site.get(f"farmland_{int(c)}_daa", 0.0) or 0.0) for c in params["classes"]},
        lang,
    )


def _is_home_site(sites: pd.DataFrame) -> pd.Series:
    dwell = pd.to_numeric(sites["dwellings"], errors="coerce").fillna(0.0)
    return (dwell > 0) | (sites["use"] == "bolig")


def _noise_homes(tables: ProposalTables, params: Mapping[str, Any]) -> pd.Series:
    noise = pd.to_numeric(tables.sites["noise_max_db"], errors="coerce").astype("float64")
    return noise.where(_is_home_site(tables.sites), np.nan)


def _period_years(tables: ProposalTables, params: Mapping[str, Any]) -> float:
    period = params.get("period_years")
    if period is None:
        period = tables.totals.get("period_years")
    try:
        p = float(period) if period is not None else math.nan
    except (TypeError, ValueError):
        return math.nan
    return p if p > 0 else math.nan


def _total(tables: ProposalTables, key: str) -> float | None:
    value = tables.totals.get(key)
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _annual_business(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    period = _period_years(tables, params)
    net = _total(tables, "business_bra_m2_net")
    if selected is tables.sites and net is not None:
        # The whole proposal: the run's own net figure (new business BRA minus BRA lost to
        # rezoning), so the report shows the scenario's number.
        new = _total(tables, "business_bra_m2_new")
        lost = _total(tables, "bra_m2_lost") or 0.0
        return net / period, {"total": net, "new": new, "lost": lost, "period_years": period}
    business = selected[selected["use"].isin(BUSINESS_USES)]
    total = float(pd.to_numeric(business["bra_m2"], errors="coerce").fillna(0.0).sum())
    return total / period, {"total": total, "period_years": period}


def _annual_dwellings(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    period = _period_years(tables, params)
    new = _total(tables, "new_dwellings")
    if selected is tables.sites and new is not None:
        # The run's own count, which includes dwellings that rezonings make room for.
        return new / period, {"total": new, "period_years": period}
    total = float(pd.to_numeric(selected["dwellings"], errors="coerce").fillna(0.0).sum())
    return total / period, {"total": total, "period_years": period}


def _period_detail(unit: str) -> DetailFunc:
    def f(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
        total, period = info.get("total", math.nan), info.get("period_years", math.nan)
        if math.isnan(period):
            return msg("rule.detail.period_unknown", lang)
        text = msg(
            "rule.detail.per_period",
            lang,
            total=fmt_number(total, lang, 0),
            unit=unit_label(unit, lang),
            years=fmt_number(period, lang, 0),
        )
        if info.get("lost"):
            new, lost = fmt_number(info.get("new"), lang, 0), fmt_number(info["lost"], lang, 0)
            text += msg("rule.detail.net", lang, new=new, lost=lost)
        return text

    return f


def _share_centres_nodes(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    bra = pd.to_numeric(selected["bra_m2"], errors="coerce").fillna(0.0)
    total = float(bra.sum())
    inside = selected["in_area_type"].isin(list(params["area_types"]))
    if params.get("abc_classes"):
        inside |= selected["abc_class"].isin(list(params["abc_classes"]))
    part = float(bra[inside].sum())
    if total <= 0:
        return math.nan, {"inside_bra_m2": part, "total_bra_m2": total}
    return 100.0 * part / total, {"inside_bra_m2": part, "total_bra_m2": total}


def _share_detail(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    part, total = info.get("inside_bra_m2", 0.0), info.get("total_bra_m2", 0.0)
    return msg(
        "rule.detail.share", lang, part=fmt_number(part, lang, 0), total=fmt_number(total, lang, 0)
    )


def _rezoning(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    rz = tables.rezonings
    if rz is None or len(rz) == 0:
        return 0.0, {"rezone_ids": [], "bra_m2_lost": 0.0}
    hit = rz["from_category"].isin(list(params["from_categories"])) & rz["to_category"].isin(
        list(params["to_categories"])
    )
    if params.get("from_codes"):
        hit &= rz["from_code"].astype(int).isin([int(c) for c in params["from_codes"]])
    if params.get("to_codes"):
        hit &= rz["to_code"].astype(int).isin([int(c) for c in params["to_codes"]])
    rows = rz[hit]
    daa = float(pd.to_numeric(rows["area_daa"], errors="coerce").fillna(0.0).sum())
    lost = 0.0
    if "bra_m2_lost" in rows.columns:
        lost = float(pd.to_numeric(rows["bra_m2_lost"], errors="coerce").fillna(0.0).sum())
    return daa, {"rezone_ids": [str(i) for i in rows["rezone_id"]], "bra_m2_lost": lost}


def _rezoning_detail(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    ids = list(info.get("rezone_ids", []))
    if not ids:
        return ""
    lost = fmt_number(info.get("bra_m2_lost", 0.0), lang, 0)
    return msg("rule.detail.rezoning", lang, ids=", ".join(ids), lost=lost)


def _noise_rezoned_homes(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    rz = tables.rezonings
    if rz is None or len(rz) == 0 or "noise_max_db" not in rz.columns:
        return math.nan, {}
    homes = rz["to_category"].isin(list(params["to_categories"]))
    if "dwellings" in rz.columns:
        homes |= pd.to_numeric(rz["dwellings"], errors="coerce").fillna(0) > 0
    noise = pd.to_numeric(rz.loc[homes, "noise_max_db"], errors="coerce").dropna()
    if noise.empty:
        return math.nan, {}
    worst = rz["rezone_id"].loc[noise.index].to_numpy()[int(np.argmax(noise.to_numpy()))]
    return float(noise.max()), {"rezone_id": str(worst), "n": len(noise)}


def _noise_rezoned_detail(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    if not info:
        return ""
    return msg("rule.detail.noise_rezoned", lang, rezone_id=info["rezone_id"], n=info["n"])


def _figures(tables: ProposalTables) -> Mapping[str, Any] | None:
    """Return the arealregnskap's figures in the totals, or None."""
    fig = tables.totals.get("arealregnskap")
    return fig if isinstance(fig, Mapping) else None


def _opened_ar5(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    fig = _figures(tables)
    change = fig.get("change") if fig else None
    if not change:
        return math.nan, {}
    by_class = change.get("opened_ar5", {})
    parts = {int(c): float(by_class.get(str(int(c)), 0.0)) for c in params["ar5_classes"]}
    return sum(parts.values()), {"by_class": parts}


def _opened_ar5_detail(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    parts = info.get("by_class", {})
    return _ar5_parts(parts, lang) if len(parts) >= 2 else ""


def _opened_overlay(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    fig = _figures(tables)
    change = fig.get("change") if fig else None
    overlay = str(params["overlay"])
    if not change or overlay not in change.get("opened_overlays", {}):
        return math.nan, {"overlay": overlay}
    return float(change["opened_overlays"][overlay]), {"overlay": overlay}


def _capacity_share(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    fig = _figures(tables)
    plan = fig.get(str(params["plan"])) if fig else None
    share = plan.get("capacity_share_of_need_pct") if plan else None
    if share is None:
        return math.nan, {}
    need = fig["need"]["dwellings"] if fig else None
    assert plan is not None
    return float(share), {"capacity": plan["dwelling_capacity"], "need": need}


def _capacity_detail(info: Mapping[str, Any], params: Mapping[str, Any], lang: str) -> str:
    if not info:
        return ""
    cap, need = fmt_number(info["capacity"], lang, 0), fmt_number(info["need"], lang, 0)
    return msg("rule.detail.capacity", lang, capacity=cap, need=need)


def _kostra_dyrka(
    tables: ProposalTables, selected: gpd.GeoDataFrame, params: Mapping[str, Any]
) -> tuple[float, dict[str, Any]]:
    fig = _figures(tables)
    kostra = fig.get("kostra") if fig else None
    key = "opened_dyrka_daa" if params["scope"] == "opened" else "dyrka_daa"
    if not kostra or key not in kostra:
        return math.nan, {}
    return float(kostra[key]), {}


def _m(
    name: str,
    level: Literal["site", "proposal"],
    kind: Literal["number", "category"],
    unit: str,
    label_nb: str,
    label_en: str,
    description: str,
    func: Any,
    *,
    params: Mapping[str, Any] | None = None,
    columns: tuple[str, ...] = (),
    detail: DetailFunc | None = None,
) -> Measure:
    return Measure(
        name, level, kind, unit, label_nb, label_en, description, func,
        dict(params or {}), columns, detail,
    )  # fmt: skip


#: Every measure a rule file can name, by name.
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        _m("dist_rail_m", "site", "number", "m",
           "gangavstand til nærmeste bane-/T-banestasjon",
           "walking distance to the nearest rail/metro station",
           "Network (walking) distance from the site to the nearest open rail or metro node.",
           _column("dist_rail_m"), columns=("dist_rail_m",)),
        _m("abc_class", "site", "category", "", "ABC-lokaliseringsklasse", "ABC location class",
           "ABC location class (A, B or C) from the walking distance to rail/metro.",
           _column("abc_class", numeric=False), columns=("abc_class",)),
        _m("in_area", "site", "category", "", "strategisk område", "strategic area",
           "Name of the strategic area (areas layer) the site lies in; empty when none.",
           _column("in_area", numeric=False), columns=("in_area",)),
        _m("in_area_type", "site", "category", "", "type strategisk område",
           "type of strategic area",
           "Type of that area: e18_corridor, business_park, centre, node, other or empty.",
           _column("in_area_type", numeric=False), columns=("in_area_type",)),
        _m("zone_category", "site", "category", "", "arealformål-kategori i gjeldende plan",
           "land-use category in the current plan",
           "Category of the current arealformål under the site (bolig, naering, lnfr, ...).",
           _column("zone_category", numeric=False), columns=("zone_category",)),
        _m("farmland_daa_classes", "site", "number", "daa",
           "jordbruksareal som bygges ned", "farmland built on",
           "Farmland taken by the site (daa), summed over the AR5 classes in `classes`.",
           _farmland_classes, params={"classes": [21, 22]},
           columns=("farmland_21_daa", "farmland_22_daa", "farmland_23_daa"),
           detail=_farmland_detail),
        _m("farmland_daa", "site", "number", "daa", "jordbruksareal (AR5 21–23) som bygges ned",
           "farmland (AR5 21–23) built on", "All farmland taken by the site (daa).",
           _column("farmland_daa"), columns=("farmland_daa",)),
        _m("green_daa", "site", "number", "daa", "grøntareal som bygges ned", "green area built on",
           "Green area taken by the site (daa).", _column("green_daa"), columns=("green_daa",)),
        _m("dist_green_m", "site", "number", "m", "avstand til nærmeste grøntområde",
           "distance to the nearest green area",
           "Distance from the site's edge to the nearest green area (0 when they touch).",
           _column("dist_green_m"), columns=("dist_green_m",)),
        _m("dist_e18_m", "site", "number", "m", "avstand til E18", "distance to E18",
           "Distance from the site to the E18.", _column("dist_e18_m"), columns=("dist_e18_m",)),
        _m("noise_max_db", "site", "number", "dB", "høyeste vegstøy (Lden)",
           "highest road noise (Lden)", "Highest road noise Lden over the site.",
           _column("noise_max_db"), columns=("noise_max_db",)),
        _m("noise_mean_db", "site", "number", "dB", "gjennomsnittlig vegstøy (Lden)",
           "mean road noise (Lden)", "Mean road noise Lden over the site.",
           _column("noise_mean_db"), columns=("noise_mean_db",)),
        _m("noise_max_db_homes", "site", "number", "dB", "høyeste vegstøy (Lden) på boligtomt",
           "highest road noise (Lden) on a housing site",
           "Highest road noise Lden over sites with new homes (dwellings > 0 or use bolig); "
           "not applicable to other sites.",
           _noise_homes, columns=("noise_max_db", "dwellings", "use")),
        _m("noise_max_db_rezoned_homes", "proposal", "number", "dB",
           "høyeste vegstøy (Lden) på areal omregulert til bolig",
           "highest road noise (Lden) on land rezoned to housing",
           "Highest road noise Lden over the proposal's rezonings that make room for homes "
           "(to a category in `to_categories`, or with dwellings); not applicable without such "
           "rezonings.",
           _noise_rezoned_homes, params={"to_categories": ["bolig", "kombinert", "sentrum"]},
           detail=_noise_rezoned_detail),
        _m("slope_mean_deg", "site", "number", "°", "gjennomsnittlig helning", "mean slope",
           "Mean terrain slope over the site.", _column("slope_mean_deg"),
           columns=("slope_mean_deg",)),
        _m("bra_m2", "site", "number", "m²", "bruksareal (BRA)", "gross floor area (BRA)",
           "The site's gross floor area (BRA).", _column("bra_m2"), columns=("bra_m2",)),
        _m("share_floorspace_in_centres_nodes", "proposal", "number", "%",
           "andel av ny BRA i senter eller knutepunkt",
           "share of new floor space in centres or nodes",
           "Share of the selected sites' BRA in areas of the types in `area_types`, or (when "
           "`abc_classes` is given) in those ABC location classes.",
           _share_centres_nodes, params={"area_types": ["centre", "node"], "abc_classes": []},
           columns=("bra_m2", "in_area_type", "abc_class"), detail=_share_detail),
        _m("annual_business_bra", "proposal", "number", "m²/år", "netto ny nærings-BRA per år",
           "net new business floor space per year",
           "Net new business BRA per year of the plan period (`period_years`, default: the "
           "scenario's). For the whole proposal this is the scenario's `business_bra_m2_net` "
           "(BRA of business uses minus BRA lost to rezoning); when `applies_to` selects sites, "
           "the BRA of the selected business sites.",
           _annual_business, params={"period_years": None}, columns=("bra_m2", "use"),
           detail=_period_detail("m² BRA")),
        _m("annual_dwellings", "proposal", "number", "boliger/år", "nye boliger per år",
           "new dwellings per year",
           "New dwellings per year of the plan period. For the whole proposal this is the "
           "scenario's `new_dwellings` (sites and rezonings); when `applies_to` selects sites, "
           "the dwellings of the selected sites.",
           _annual_dwellings, params={"period_years": None}, columns=("dwellings",),
           detail=_period_detail("boliger")),
        _m("rezoning_from_to", "proposal", "number", "daa",
           "areal omregulert fra næring til bolig", "area rezoned from business to housing",
           "Area (daa) of rezonings from a category in `from_categories` to one in "
           "`to_categories` (optionally narrowed by `from_codes`/`to_codes`).",
           _rezoning, params={"from_categories": ["naering", "handel"], "to_categories": ["bolig"],
                              "from_codes": [], "to_codes": []},
           detail=_rezoning_detail),
        _m("opened_ar5_daa", "proposal", "number", "daa",
           "areal i AR5-klassene som ny plan åpner for utbygging",
           "land of the AR5 classes the new plan opens for building",
           "Arealregnskap: daa of the AR5 classes in `ar5_classes` (default 21, 22, 23: dyrka "
           "jord) that the new plan opens for building (a development formål where the current "
           "plan had none). Not applicable without an arealregnskap of a new plan.",
           _opened_ar5, params={"ar5_classes": [21, 22, 23]}, detail=_opened_ar5_detail),
        _m("opened_overlay_daa", "proposal", "number", "daa",
           "areal i temaet som ny plan åpner for utbygging",
           "land of the overlay the new plan opens for building",
           "Arealregnskap: daa of newly opened land in the overlay `overlay`: strandsone, "
           "hazard_any (or hazard_flom, hazard_skred, ...), nature_types, recreation_areas or "
           "cultivable_land. Not applicable when that layer was not given.",
           _opened_overlay, params={"overlay": "strandsone"}),
        _m("reserve_capacity_share_of_need", "proposal", "number", "%",
           "boligkapasitet i arealreserven som andel av behovet i planperioden",
           "dwelling capacity of the reserve as a share of the need over the plan period",
           "Arealregnskap: dwelling capacity of the unbuilt reserve of the `plan` (current or "
           "new) as a percentage of the need (Settings.dwellings_need_per_year × the period).",
           _capacity_share, params={"plan": "new"}, detail=_capacity_detail),
        _m("kostra_dyrka_jord_daa", "proposal", "number", "daa",
           "dyrka jord i utbyggingsformål (KOSTRA 32)",
           "cultivated land in development formål (KOSTRA 32)",
           "Arealregnskap, KOSTRA skjema 32 pre-check: dyrka jord (AR5 21/22/23) in the plan's "
           "utbyggingsformål; `scope: opened` counts only land the new plan opens.",
           _kostra_dyrka, params={"scope": "opened"}),
    )
}  # fmt: skip
