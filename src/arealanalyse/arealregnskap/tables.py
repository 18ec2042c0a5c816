"""The tables of the arealregnskap: group-by sums over the planar overlay's pieces.

Every table here is computed from the same ``pieces`` (see
:mod:`arealanalyse.arealregnskap.compute`), so the tables agree with each other and with the
GeoPackage of the pieces. Areas are in daa (1 daa = 1,000 m²), unrounded. The tables, with the
chapter of KDD's guide each follows (``docs/arealregnskap.md`` has the details):

==================== ======================================================================
``reserve_current``  arealreserve per arealformål of the current plan: built, unbuilt, the
                     unbuilt land by AR5 class and overlay, dwelling capacity (ch. 4)
``reserve_new``      the same for the new plan (ch. 5, samlet utbyggingspotensial)
``capacity``         dwelling capacity of the reserve against the need over the period (4.1)
``change``           area per arealformål in the current and the new plan, and the change (5)
``matrix``           change matrix current → new arealformål (daa) (5)
``changed_land``     changed, newly opened and returned land per new arealformål, by AR5 class
                     and overlay (5, arealkvaliteter som bygges ned)
``kostra``           KOSTRA skjema 32 pre-check per plan id: dyrka (21/22/23) and dyrkbar jord
                     in utbyggingsformål, newly opened and returned to LNFR
``kostra_areas``     the same per plan area
==================== ======================================================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from arealanalyse.arealregnskap.overlay import PlanarReport, mask_parts
from arealanalyse.layers.codes import AR5_FARMLAND, AREALFORMAL
from arealanalyse.settings import Settings

__all__ = [
    "all_tables",
    "capacity_table",
    "change_matrix",
    "change_table",
    "changed_land_table",
    "dissolve",
    "figures",
    "formal_label",
    "kostra_tables",
    "reserve_table",
    "site_table",
]


def formal_label(code: int) -> str:
    """``1110 Boligbebyggelse``; 0 is land outside the plan.

    Examples
    --------
    >>> formal_label(5100), formal_label(0)
    ('5100 LNFR-areal for nødvendige tiltak for landbruk og reindrift', '(utenfor planen)')
    """
    if int(code) == 0:
        return "(utenfor planen)"
    return f"{int(code)} {AREALFORMAL.get(int(code), ('?', ''))[0]}"


def _sum(df: pd.DataFrame, by: str, index: Any) -> pd.Series:
    return df.groupby(by)["area_daa"].sum().reindex(index, fill_value=0.0).astype(float)


def _ar5_columns(df: pd.DataFrame, by: str, index: Any, prefix: str) -> pd.DataFrame:
    if len(df) == 0:
        return pd.DataFrame(index=pd.Index(index, name=by))
    pv = df.pivot_table(
        index=by, columns="arealtype", values="area_daa", aggfunc="sum", fill_value=0.0
    )
    pv = pv.reindex(index, fill_value=0.0)
    pv.columns = [f"{prefix}ar5_{int(c)}_daa" for c in pv.columns]
    return pv.astype(float)


def _flag_columns(
    df: pd.DataFrame, by: str, index: Sequence[Any], flags: Sequence[str], prefix: str
) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(index, name=by))
    for f in flags:
        out[f"{prefix}{f}_daa"] = _sum(df[df[f]], by, index)
    return out


def reserve_table(
    pieces: pd.DataFrame, /, *, side: str, flags: Sequence[str], settings: Settings
) -> pd.DataFrame:
    """Arealreserve per arealformål of one plan (``side`` ``cur`` or ``new``).

    Columns: ``arealformal``, ``arealformal_navn``, ``category``, ``area_daa`` (the formål's
    area), ``built_daa``, ``reserve_daa`` (unbuilt), ``reserve_existing_daa`` and
    ``reserve_planned_daa`` (by plan status), ``reserve_ar5_<class>_daa`` (class 0: outside
    AR5), ``reserve_<overlay>_daa``, ``dwellings_per_daa``, ``dwelling_capacity``,
    ``cabins_per_daa``, ``cabin_capacity``. One row per development arealformål present.
    """
    code, dev, unb = f"{side}_code", f"{side}_dev", f"unbuilt_{side}"
    sub = pieces[pieces[dev]]
    codes = sorted(int(c) for c in sub[code].unique())
    res = sub[sub[unb]]
    out = pd.DataFrame(index=pd.Index(codes, name="arealformal"))
    out["arealformal_navn"] = [AREALFORMAL[c][0] for c in codes]
    out["category"] = [AREALFORMAL[c][1] for c in codes]
    out["area_daa"] = _sum(sub, code, codes).to_numpy()
    out["built_daa"] = _sum(sub[~sub[unb]], code, codes).to_numpy()
    out["reserve_daa"] = _sum(res, code, codes).to_numpy()
    planned = res[f"{side}_status"] == "planned"
    out["reserve_existing_daa"] = _sum(res[~planned], code, codes).to_numpy()
    out["reserve_planned_daa"] = _sum(res[planned], code, codes).to_numpy()
    ar5 = _ar5_columns(res, code, codes, "reserve_")
    flag = _flag_columns(res, code, codes, flags, "reserve_")
    out = pd.concat([out, ar5.set_axis(out.index), flag.set_axis(out.index)], axis=1)
    dens = settings.reserve_dwellings_per_daa
    cab = settings.reserve_cabins_per_daa
    out["dwellings_per_daa"] = [float(dens.get(c, 0.0)) for c in codes]
    out["dwelling_capacity"] = out["reserve_daa"] * out["dwellings_per_daa"]
    out["cabins_per_daa"] = [float(cab.get(c, 0.0)) for c in codes]
    out["cabin_capacity"] = out["reserve_daa"] * out["cabins_per_daa"]
    return out.reset_index()


def capacity_table(
    reserves: dict[str, pd.DataFrame], /, *, settings: Settings, period: tuple[int, int] | None
) -> pd.DataFrame:
    """Dwelling (and fritidsbolig) capacity of each plan's reserve against the need.

    One row per plan (``current``, ``new``) and kind (``dwellings``; ``cabins`` when a density
    is set): ``reserve_daa`` (of the formål with a density), ``capacity``, ``need_per_year``,
    ``period_years``, ``need`` (per year × years), ``balance`` (capacity − need) and
    ``years_covered`` (capacity / need per year). Need columns are NaN without a period.
    """
    years = (period[1] - period[0] + 1) if period else math.nan
    rows = []
    for plan, table in reserves.items():
        for kind, per_daa, cap, need_year in (
            (
                "dwellings",
                "dwellings_per_daa",
                "dwelling_capacity",
                settings.dwellings_need_per_year,
            ),
            ("cabins", "cabins_per_daa", "cabin_capacity", settings.cabins_need_per_year),
        ):
            if kind == "cabins" and not (table[per_daa] > 0).any() and need_year == 0:
                continue
            with_density = table[table[per_daa] > 0]
            capacity = float(table[cap].sum())
            need = need_year * years
            rows.append(
                {
                    "plan": plan,
                    "kind": kind,
                    "reserve_daa": float(with_density["reserve_daa"].sum()),
                    "capacity": capacity,
                    "need_per_year": float(need_year),
                    "period_years": years,
                    "need": need,
                    "balance": capacity - need,
                    "years_covered": capacity / need_year if need_year > 0 else math.nan,
                }
            )
    return pd.DataFrame(rows)


def change_table(pieces: pd.DataFrame, /) -> pd.DataFrame:
    """Area per arealformål in the current and the new plan, and the change (new − current).

    Land outside one of the plans is left out of that plan's column; the column sums are the
    plans' areas.
    """
    codes = sorted(
        {int(c) for c in pieces["cur_code"].unique()}
        | {int(c) for c in pieces["new_code"].unique()}
    )
    codes = [c for c in codes if c != 0]
    out = pd.DataFrame(index=pd.Index(codes, name="arealformal"))
    out["arealformal_navn"] = [AREALFORMAL[c][0] for c in codes]
    out["category"] = [AREALFORMAL[c][1] for c in codes]
    out["current_daa"] = _sum(pieces, "cur_code", codes).to_numpy()
    out["new_daa"] = _sum(pieces, "new_code", codes).to_numpy()
    out["change_daa"] = out["new_daa"] - out["current_daa"]
    return out.reset_index()


def change_matrix(pieces: pd.DataFrame, /) -> pd.DataFrame:
    """Change matrix: daa from each current arealformål (rows) to each new one (columns).

    Code 0 is land outside a plan (row: not in the current plan; column: not in the new plan).
    The matrix sums to the area of the two plans' union; without the column 0 to the new
    plan's area.
    """
    pv = pieces.pivot_table(
        index="cur_code", columns="new_code", values="area_daa", aggfunc="sum", fill_value=0.0
    )
    pv.index.name = "from_arealformal"
    pv.columns = [int(c) for c in pv.columns]
    pv.columns.name = "to_arealformal"
    return pv.astype(float)


def changed_land_table(pieces: pd.DataFrame, /, *, flags: Sequence[str]) -> pd.DataFrame:
    """Return changed, newly opened and returned land per new formål, by AR5 class and overlay.

    ``change`` is ``changed`` (arealformål differs from the current plan, or the land was
    outside it), ``opened`` (a development formål where the current plan had none: new land
    for building) or ``returned`` (a development formål in the current plan, none in the new).
    Columns: ``change``, ``arealformal`` (new), ``arealformal_navn``, ``area_daa``,
    ``ar5_<class>_daa``, ``<overlay>_daa``.
    """
    frames = []
    for kind in ("changed", "opened", "returned"):
        sub = pieces[pieces[kind]]
        codes = sorted(int(c) for c in sub["new_code"].unique())
        if not codes:
            continue
        t = pd.DataFrame(index=pd.Index(codes, name="arealformal"))
        t["change"] = kind
        t["arealformal_navn"] = [AREALFORMAL[c][0] for c in codes]
        t["area_daa"] = _sum(sub, "new_code", codes).to_numpy()
        ar5 = _ar5_columns(sub, "new_code", codes, "").set_axis(t.index)
        flag = _flag_columns(sub, "new_code", codes, flags, "").set_axis(t.index)
        frames.append(pd.concat([t, ar5, flag], axis=1).reset_index())
    if not frames:
        return pd.DataFrame(columns=["change", "arealformal", "arealformal_navn", "area_daa"])
    out = pd.concat(frames, ignore_index=True).fillna(0.0)
    lead = ["change", "arealformal", "arealformal_navn", "area_daa"]
    ar5_cols = sorted(
        (c for c in out.columns if c.startswith("ar5_")), key=lambda c: int(c.split("_")[1])
    )
    rest = [c for c in out.columns if c not in lead and c not in ar5_cols]
    return out[lead + ar5_cols + rest]


def _kostra_columns(
    df: pd.DataFrame, by: Sequence[str], index: pd.MultiIndex | pd.Index, flags: Sequence[str]
) -> pd.DataFrame:
    dyrka = df["arealtype"].isin(AR5_FARMLAND)
    out = pd.DataFrame(index=index)

    def total(mask: pd.Series) -> pd.Series:
        return df[mask].groupby(list(by))["area_daa"].sum().reindex(index, fill_value=0.0)

    for c in AR5_FARMLAND:
        out[f"dyrka_{c}_daa"] = total(df["arealtype"] == c)
    out["dyrka_daa"] = total(dyrka)
    if "cultivable_land" in flags:
        out["dyrkbar_daa"] = total(df["cultivable_land"] & ~dyrka)
    return out.astype(float)


def kostra_tables(
    pieces: pd.DataFrame, /, *, has_new_plan: bool, flags: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KOSTRA skjema 32 pre-check, per plan id and per plan area.

    For the plan checked (the new plan when given, else the current one), dyrka jord (AR5 21, 22,
    23) and dyrkbar jord (``cultivable_land``, outside dyrka jord) inside its utbyggingsformål.
    With a new plan also ``opened_*`` (land the new plan opens for building) and
    ``returned_lnfr_*`` (land the new plan returns from utbyggingsformål to LNFR).
    """
    side = "new" if has_new_plan else "cur"
    pid, pos, code, name = f"{side}_plan_id", f"{side}_pos", f"{side}_code", f"{side}_name"
    dev = pieces[pieces[f"{side}_dev"]]
    keys_plan = sorted(str(p) for p in dev[pid].unique())
    plan_index = pd.Index(keys_plan, name="plan_id")
    out = pd.DataFrame(index=plan_index)
    out["utbygging_daa"] = dev.groupby(pid)["area_daa"].sum().reindex(plan_index, fill_value=0.0)
    out = pd.concat([out, _kostra_columns(dev, [pid], plan_index, flags)], axis=1)
    if has_new_plan:
        opened = pieces[pieces["opened"]]
        op = _kostra_columns(opened, [pid], plan_index, flags).add_prefix("opened_")
        new_lnfr = pieces["new_code"].map(lambda c: AREALFORMAL.get(int(c), ("", ""))[1] == "lnfr")
        back = pieces[pieces["returned"] & new_lnfr.astype(bool)]
        rt = _kostra_columns(back, [pid], plan_index, flags).add_prefix("returned_lnfr_")
        out = pd.concat([out, op, rt], axis=1)
    plans = out.reset_index()
    area_keys = dev[[pid, pos, code, name]].drop_duplicates().sort_values([pid, pos])
    aidx = pd.MultiIndex.from_frame(area_keys)
    per = _kostra_columns(dev, [pid, pos, code, name], aidx, flags)
    if has_new_plan:
        opened = pieces[pieces["opened"]]
        per = pd.concat(
            [
                per,
                _kostra_columns(opened, [pid, pos, code, name], aidx, flags).add_prefix("opened_"),
            ],
            axis=1,
        )
    per = per.reset_index()
    per.columns = ["plan_id", "plan_area", "arealformal", "name", *per.columns[4:]]
    value_cols = [c for c in per.columns if c.endswith("_daa")]
    per = per[per[value_cols].sum(axis=1) > 0].reset_index(drop=True)
    return plans, per


def site_table(pieces: gpd.GeoDataFrame, /, *, has_new_plan: bool) -> gpd.GeoDataFrame:
    """Return the plan areas that open land for building, as a site table rules can read.

    With a new plan: its areas with newly opened land; without: the current plan's areas with
    unbuilt reserve. Columns ``site_id``, ``name``, ``use``, ``arealformal``, ``opened_daa``,
    ``farmland_21_daa``, ``farmland_22_daa``, ``farmland_23_daa``, ``farmland_daa`` (the
    farmland in that land) and the geometry of that land.
    """
    from arealanalyse.rules.proposal import USE_BY_CODE

    side = "new" if has_new_plan else "cur"
    sel = pieces[pieces["opened"]] if has_new_plan else pieces[pieces["unbuilt_cur"]]
    cols = ["site_id", "name", "use", "arealformal", "opened_daa", "farmland_21_daa",
            "farmland_22_daa", "farmland_23_daa", "farmland_daa"]  # fmt: skip
    if len(sel) == 0:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in cols}, geometry=[], crs=pieces.crs
        )
    rows = []
    geoms = []
    for p, grp in sel.groupby(f"{side}_pos", sort=True):
        code = int(grp[f"{side}_code"].iloc[0])
        plan_id = str(grp[f"{side}_plan_id"].iloc[0])
        name = str(grp[f"{side}_name"].iloc[0]) or f"{code} {AREALFORMAL[code][0]}"
        row = {
            "site_id": f"{plan_id}#{int(p)}" if plan_id else f"#{int(p)}",
            "name": name,
            "use": USE_BY_CODE.get(code, ""),
            "arealformal": code,
            "opened_daa": float(grp["area_daa"].sum()),
        }
        for c in AR5_FARMLAND:
            row[f"farmland_{c}_daa"] = float(grp.loc[grp["arealtype"] == c, "area_daa"].sum())
        row["farmland_daa"] = float(grp.loc[grp["arealtype"].isin(AR5_FARMLAND), "area_daa"].sum())
        rows.append(row)
        parts = mask_parts(grp.geometry.values)
        geoms.append(parts[0] if len(parts) == 1 else shapely.MultiPolygon(list(parts)))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geoms, crs=pieces.crs)


def all_tables(
    pieces: gpd.GeoDataFrame,
    /,
    *,
    has_new_plan: bool,
    flags: Sequence[str],
    settings: Settings,
    period: tuple[int, int] | None,
) -> dict[str, pd.DataFrame]:
    """Every table of the arealregnskap, by name (see the module docstring)."""
    tables: dict[str, pd.DataFrame] = {}
    reserves = {"current": reserve_table(pieces, side="cur", flags=flags, settings=settings)}
    tables["reserve_current"] = reserves["current"]
    if has_new_plan:
        reserves["new"] = reserve_table(pieces, side="new", flags=flags, settings=settings)
        tables["reserve_new"] = reserves["new"]
    tables["capacity"] = capacity_table(reserves, settings=settings, period=period)
    if has_new_plan:
        tables["change"] = change_table(pieces)
        tables["matrix"] = change_matrix(pieces)
        tables["changed_land"] = changed_land_table(pieces, flags=flags)
    tables["kostra"], tables["kostra_areas"] = kostra_tables(
        pieces, has_new_plan=has_new_plan, flags=flags
    )
    return tables


def _plan_figures(reserve: pd.DataFrame, pieces: pd.DataFrame, side: str) -> dict[str, Any]:
    by_cat = reserve.groupby("category")["reserve_daa"].sum()
    in_plan = pieces[pieces[f"{side}_pos"] >= 0]
    return {
        "area_daa": float(in_plan["area_daa"].sum()),
        "development_daa": float(reserve["area_daa"].sum()),
        "built_daa": float(reserve["built_daa"].sum()),
        "reserve_daa": float(reserve["reserve_daa"].sum()),
        "reserve_by_category": {str(k): float(v) for k, v in by_cat.items()},
        "dwelling_capacity": float(reserve["dwelling_capacity"].sum()),
        "cabin_capacity": float(reserve["cabin_capacity"].sum()),
    }


def figures(
    pieces: gpd.GeoDataFrame,
    tables: dict[str, pd.DataFrame],
    /,
    *,
    has_new_plan: bool,
    flags: Sequence[str],
    settings: Settings,
    period: tuple[int, int] | None,
    planar: Sequence[PlanarReport] = (),
) -> dict[str, Any]:
    """Headline figures (JSON-ready): what the report's text and the rules use."""
    years = (period[1] - period[0] + 1) if period else None
    out: dict[str, Any] = {
        "period": None
        if period is None
        else {"start": period[0], "end": period[1], "years": years},
        "overlays": list(flags),
        "current": _plan_figures(tables["reserve_current"], pieces, "cur"),
        "new": _plan_figures(tables["reserve_new"], pieces, "new") if has_new_plan else None,
        "need": {
            "dwellings_per_year": settings.dwellings_need_per_year,
            "dwellings": settings.dwellings_need_per_year * years if years else None,
            "cabins_per_year": settings.cabins_need_per_year,
            "cabins": settings.cabins_need_per_year * years if years else None,
        },
    }
    cap = tables["capacity"]
    for plan in ("current", "new"):
        if out[plan] is None:
            continue
        row = cap[(cap["plan"] == plan) & (cap["kind"] == "dwellings")]
        bal = float(row["balance"].iloc[0]) if len(row) else math.nan
        cov = float(row["years_covered"].iloc[0]) if len(row) else math.nan
        need = out["need"]["dwellings"]
        out[plan]["dwelling_balance"] = None if math.isnan(bal) else bal
        out[plan]["years_covered"] = None if math.isnan(cov) else cov
        out[plan]["capacity_share_of_need_pct"] = (
            100.0 * out[plan]["dwelling_capacity"] / need if need else None
        )
    if has_new_plan:
        opened = pieces[pieces["opened"]]
        changed = pieces[pieces["changed"]]
        returned = pieces[pieces["returned"]]
        out["change"] = {
            "changed_daa": float(changed["area_daa"].sum()),
            "opened_daa": float(opened["area_daa"].sum()),
            "returned_daa": float(returned["area_daa"].sum()),
            "opened_ar5": _by_class(opened),
            "opened_dyrka_daa": float(
                opened.loc[opened["arealtype"].isin(AR5_FARMLAND), "area_daa"].sum()
            ),
            "changed_ar5": _by_class(changed),
            "returned_ar5": _by_class(returned),
            "opened_overlays": {f: float(opened.loc[opened[f], "area_daa"].sum()) for f in flags},
            "changed_overlays": {
                f: float(changed.loc[changed[f], "area_daa"].sum()) for f in flags
            },
        }
    else:
        out["change"] = None
    k = tables["kostra"]
    kostra = {c: float(k[c].sum()) for c in k.columns if c.endswith("_daa")}
    out["kostra"] = kostra
    out["planar"] = {
        r.name: {"slivers": r.slivers, "sliver_area_m2": r.sliver_area_m2} for r in planar
    }
    return out


def _by_class(df: pd.DataFrame) -> dict[str, float]:
    g = df.groupby("arealtype")["area_daa"].sum()
    return {str(int(c)): float(v) for c, v in zip(g.index, g.to_numpy(), strict=True) if v > 0}


def dissolve(pieces: gpd.GeoDataFrame, /, by: str | None = None) -> gpd.GeoDataFrame:
    """One (multi)polygon per value of ``by`` (one in all without it), with ``area_daa``.

    The pieces of the planar overlay are disjoint, so the areas add up.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"arealtype": [21, 21, 30]},
    ...     geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(0, 10, 10, 20)], crs=25832)
    >>> d = dissolve(p, "arealtype")
    >>> d["arealtype"].tolist(), d["area_daa"].tolist(), len(dissolve(p))
    ([21, 30], [0.2, 0.1], 1)
    """
    if by is None:
        pieces = pieces.assign(_all=1)
    key = by or "_all"
    rows, geoms = [], []
    for value, grp in pieces.groupby(key, sort=True):
        rows.append({key: value, "area_daa": float(grp.geometry.area.sum()) / 1000.0})
        geoms.append(shapely.union_all(grp.geometry.values))
    frame = pd.DataFrame(rows, columns=[key, "area_daa"])
    if by is None:
        frame = frame.drop(columns=key)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=pieces.crs)
