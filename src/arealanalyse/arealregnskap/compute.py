"""Compute the arealregnskap of a kommuneplan: one planar overlay, every table a sum over it.

:func:`compute_arealregnskap` overlays, in the working CRS:

1. the current plan (``zoning``) and, when given, the new plan (union: land in either);
2. full-coverage AR5 (``ar5``; the ``farmland`` layer stands in for it when there is no AR5);
3. the arealreserve of each plan (:func:`~arealanalyse.arealregnskap.reserve.reserve_areas`);
4. the optional overlays, each dissolved first: the strandsone (land within
   ``Settings.strandsone_m`` of ``sea``), ``hazard_zones`` by hazard type, ``nature_types``,
   ``recreation_areas`` and ``cultivable_land`` (dyrkbar jord).

The result's ``pieces`` are non-overlapping polygons carrying every attribute; each table in
:mod:`arealanalyse.arealregnskap.tables` is a group-by sum of their areas, so all tables agree
and no area is counted twice. ``docs/arealregnskap.md`` explains each figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.arealregnskap import tables as T
from arealanalyse.arealregnskap.overlay import (
    PlanarReport,
    Tiles,
    dice,
    disjoint,
    make_planar,
    mask_parts,
    overlay,
    polygonal,
)
from arealanalyse.arealregnskap.reserve import BuiltLand, is_development, reserve_areas
from arealanalyse.errors import ArealanalyseError, CatalogueError, EmptyLayerError
from arealanalyse.layers.codes import AREALFORMAL, HAZARD_TYPES
from arealanalyse.layers.overlap import check_overlap
from arealanalyse.limits import YEAR_MAX, YEAR_MIN
from arealanalyse.rules.measures import ProposalTables
from arealanalyse.settings import Settings, resolve

__all__ = ["OVERLAYS", "Arealregnskap", "compute_arealregnskap", "parse_period"]

#: Optional overlay layers (canonical kind -> flag column of the pieces).
OVERLAYS: dict[str, str] = {
    "sea": "strandsone",
    "nature_types": "nature_types",
    "recreation_areas": "recreation_areas",
    "cultivable_land": "cultivable_land",
}

Progress = Callable[[str], None]


def parse_period(period: str | tuple[int, int] | None, /) -> tuple[int, int] | None:
    """Parse a plan period ``"2026-2040"`` (both years included) into ``(start, end)``.

    Examples
    --------
    >>> parse_period("2026-2040"), parse_period(None)
    ((2026, 2040), None)
    >>> parse_period("2040-2026")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.ArealanalyseError: period '2040-2026' ends before it starts; ...
    """
    if period is None:
        return None
    if isinstance(period, tuple):
        start, end = int(period[0]), int(period[1])
        label = f"{start}-{end}"
    else:
        import re

        label = str(period)
        m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", label)
        if m is None:
            raise ArealanalyseError(
                f"period {label!r} is not START-END; write it like 2026-2040 (both years count)."
            )
        start, end = int(m.group(1)), int(m.group(2))
    if end < start:
        raise ArealanalyseError(f"period {label!r} ends before it starts; write it like 2026-2040.")
    for year in (start, end):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ArealanalyseError(
                f"period {label!r}: year {year} is not plausible; give years from {YEAR_MIN} to "
                f"{YEAR_MAX}, e.g. 2026-2040."
            )
    return start, end


@dataclass
class Arealregnskap:
    """The arealregnskap of a plan (and a new plan): the overlay, its tables and figures.

    Attributes
    ----------
    pieces
        The planar overlay: non-overlapping polygons with every attribute (``cur_*`` and
        ``new_*`` plan columns, ``arealtype``, ``unbuilt_cur``/``unbuilt_new``, overlay flags,
        ``changed``, ``opened``, ``returned``) and ``area_daa``.
    reserve_current, reserve_new
        The reserve polygons of each plan (``plan_pos``, geometry).
    tables
        Every table (see :mod:`arealanalyse.arealregnskap.tables`), by name.
    figures
        The headline figures (JSON-ready), which rules read.
    """

    pieces: gpd.GeoDataFrame
    reserve_current: gpd.GeoDataFrame
    reserve_new: gpd.GeoDataFrame | None
    tables: dict[str, pd.DataFrame]
    figures: dict[str, Any]
    settings: Settings
    period: tuple[int, int] | None = None
    has_new_plan: bool = False
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plan_name: str = ""
    current_name: str = ""

    def as_tables(self, *, name: str = "arealregnskap", title: str = "") -> ProposalTables:
        """Return the figures as rule-evaluation tables (``arealanalyse.rules.ProposalTables``).

        The sites are the areas of the new plan (or, without one, the current plan) that open
        land for building, with the farmland they take (``farmland_21_daa`` ...); ``totals``
        holds ``arealregnskap`` (the figures) and ``period_years``.
        """
        period_years = (self.period[1] - self.period[0] + 1) if self.period else None
        return ProposalTables(
            sites=T.site_table(self.pieces, has_new_plan=self.has_new_plan),
            totals={"arealregnskap": self.figures, "period_years": period_years},
            name=name,
            title=title or name,
        )

    def dissolved(self, flag: str, /, *, by: str | None = None) -> gpd.GeoDataFrame:
        """Return the pieces where ``flag`` holds, dissolved per value of ``by``.

        ``flag`` is a boolean column of the overlay (``opened``, ``returned``, ``strandsone``...);
        the result has one (multi)polygon per value of ``by`` (one in all without ``by``) with
        its ``area_daa``: what the map draws.
        """
        return T.dissolve(self.pieces[self.pieces[flag].astype(bool)], by)


def _describe(plan: gpd.GeoDataFrame, label: str) -> Callable[[int], str]:
    codes = plan["arealformal"].to_numpy()
    ids = plan["plan_id"].astype(str).to_numpy() if "plan_id" in plan else None
    names = plan["name"].astype(str).to_numpy() if "name" in plan else None
    index = list(plan.index)

    def describe(pos: int) -> str:
        code = int(codes[pos])
        parts = [f"{label} area {index[pos]}"]
        if ids is not None and ids[pos]:
            parts.append(f"plan {ids[pos]}")
        parts.append(f"{code} {AREALFORMAL.get(code, ('?', ''))[0]}")
        if names is not None and names[pos]:
            parts.append(repr(names[pos]))
        return f"{parts[0]} ({', '.join(parts[1:])})"

    return describe


def _plan_frame(plan: gpd.GeoDataFrame, prefix: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            f"{prefix}_pos": np.arange(len(plan), dtype="int64"),
            f"{prefix}_code": plan["arealformal"].to_numpy(dtype="int64"),
            f"{prefix}_status": plan["status"].astype(str).to_numpy(),
            f"{prefix}_plan_id": (
                plan["plan_id"].astype(str).to_numpy() if "plan_id" in plan else ""
            ),
            f"{prefix}_name": plan["name"].astype(str).to_numpy() if "name" in plan else "",
        },
        geometry=plan.geometry.to_numpy(),
        crs=plan.crs,
    )


def _fill_side(pieces: gpd.GeoDataFrame, prefix: str) -> None:
    pieces[f"{prefix}_pos"] = pieces[f"{prefix}_pos"].fillna(-1).astype("int64")
    pieces[f"{prefix}_code"] = pieces[f"{prefix}_code"].fillna(0).astype("int64")
    for col in ("status", "plan_id", "name"):
        c = f"{prefix}_{col}"
        pieces[c] = pieces[c].astype(object).where(pieces[c].notna(), "").astype(str)


def _check_layer(layers: Mapping[str, gpd.GeoDataFrame], kind: str) -> gpd.GeoDataFrame | None:
    gdf = layers.get(kind)
    if gdf is None or len(gdf) == 0:
        return None
    return gdf


def compute_arealregnskap(
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    plan: gpd.GeoDataFrame | None = None,
    period: str | tuple[int, int] | None = None,
    settings: Settings | None = None,
    plan_name: str = "",
    current_name: str = "",
    progress: Progress | None = None,
) -> Arealregnskap:
    """Compute the arealregnskap of the current plan, and of a new plan when given.

    Parameters
    ----------
    layers
        Canonical layers in the working CRS: ``zoning`` (the current plan) is required; ``ar5``
        (or ``farmland``), ``buildings``, ``sea``, ``hazard_zones``, ``nature_types``,
        ``recreation_areas`` and ``cultivable_land`` are used when present.
    plan
        The new plan (a ``zoning`` layer), for the samlet arealregnskap and the change matrix.
    period
        Plan period ``"2026-2040"`` (both years included), to hold the dwelling capacity of the
        reserve against the need (``Settings.dwellings_need_per_year`` per year).
    settings
        Run settings (buffers, densities, need, strandsone width, overlap tolerance).
    plan_name, current_name
        Labels of the new and the current plan in messages and reports.
    progress
        Called with a short message at each step.

    Returns
    -------
    Arealregnskap

    Raises
    ------
    PlanOverlapError
        When areas of a plan (or AR5 polygons) overlap by more than
        ``Settings.overlap_tolerance_m2``; the message names both areas and their plan ids.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> zoning = gpd.GeoDataFrame({"arealformal": [1110, 5100], "status": ["planned", "existing"],
    ...     "plan_id": ["KPA", "KPA"], "name": ["", ""]},
    ...     geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=25832)
    >>> ar5 = gpd.GeoDataFrame({"arealtype": [11, 21, 30]},
    ...     geometry=[box(0, 0, 20, 100), box(20, 0, 150, 100), box(150, 0, 200, 100)], crs=25832)
    >>> new = zoning.assign(arealformal=[1110, 1110], status=["planned", "planned"])
    >>> s = Settings(reserve_min_width_m=0)  # no opening: clean numbers
    >>> r = compute_arealregnskap({"zoning": zoning, "ar5": ar5}, plan=new, period="2026-2040",
    ...                           settings=s)
    >>> r.figures["change"]["opened_daa"], r.figures["change"]["opened_ar5"]
    (10.0, {'21': 5.0, '30': 5.0})
    >>> r.figures["current"]["reserve_daa"], r.figures["current"]["dwelling_capacity"]
    (8.0, 16.0)
    """
    s = resolve(settings)
    say = progress or (lambda _m: None)
    span = parse_period(period)
    zoning = _check_layer(layers, "zoning")
    if zoning is None:
        raise CatalogueError(
            "arealregnskap: the catalogue has no zoning layer (the current plan); add "
            "layers.zoning (kommuneplanens arealdel) to the catalogue."
        )
    notes: list[str] = []
    ar5 = _check_layer(layers, "ar5")
    if ar5 is None and _check_layer(layers, "farmland") is not None:
        ar5 = layers["farmland"][["arealtype", "geometry"]]
        notes.append(
            "No full-coverage AR5 (layer ar5): AR5 classes come from the farmland layer "
            "(21/22/23); all other land is 'not in AR5'."
        )
    buildings = _check_layer(layers, "buildings")
    if buildings is None and _check_layer(layers, "ar5") is None:
        raise CatalogueError(
            "arealregnskap: built land is decided by buildings and AR5 bebygd/samferdsel (11/12), "
            "but the catalogue has neither a buildings layer nor a full-coverage ar5 layer; add "
            "layers.buildings (FKB-Bygning or OSM building footprints) or layers.ar5."
        )
    if buildings is None:
        notes.append("No buildings layer: built land is AR5 bebygd (11) and samferdsel (12) only.")
    if plan is not None and len(plan):
        # a new plan in a wrong but plausible CRS would account every area as changed
        check_overlap(
            plan,
            shapely.box(*zoning.total_bounds),
            name=plan_name or "new plan",
            area_name="the current plan",
        )
    tol = s.overlap_tolerance_m2
    reports: list[PlanarReport] = []
    frames = [zoning] + ([plan] if plan is not None else [])
    bounds = np.array([f.total_bounds for f in frames])
    tiles = Tiles.covering(
        (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    )

    say("Kontrollerer at planene ikke overlapper")
    cur_label = current_name or "current plan"
    cur_d, rep = make_planar(
        dice(_plan_frame(zoning, "cur"), tiles),
        name=cur_label,
        tolerance_m2=tol,
        describe=_describe(zoning, cur_label),
        key="cur_pos",
    )
    reports.append(rep)
    new_d = None
    if plan is not None:
        if len(plan) == 0:
            raise EmptyLayerError(f"arealregnskap: the new plan {plan_name!r} has no areas.")
        new_label = plan_name or "new plan"
        new_d, rep = make_planar(
            dice(_plan_frame(plan, "new"), tiles),
            name=new_label,
            tolerance_m2=tol,
            describe=_describe(plan, new_label),
            key="new_pos",
        )
        reports.append(rep)
    ar5_d = None
    if ar5 is not None:
        ar5_codes = ar5["arealtype"].to_numpy(dtype="int64")
        ar5_frame = gpd.GeoDataFrame(
            {"ar5_pos": np.arange(len(ar5), dtype="int64"), "arealtype": ar5_codes},
            geometry=ar5.geometry.to_numpy(),
            crs=ar5.crs,
        )
        ar5_d, rep = make_planar(
            dice(ar5_frame, tiles),
            name="ar5",
            tolerance_m2=tol,
            describe=lambda i: f"AR5 polygon {i} (arealtype {int(ar5_codes[i])})",
            what="AR5 polygons",
            key="ar5_pos",
        )
        reports.append(rep)

    say("Beregner arealreserven (ubebygd areal)")
    built = BuiltLand(ar5=ar5_d, buildings=buildings, settings=s)
    res_cur = reserve_areas(zoning, settings=s, built=built)
    res_new = None
    if plan is not None:
        res_new = reserve_areas(plan, settings=s, built=built)

    say("Lager planar overlagsanalyse")
    if new_d is not None:
        pieces = overlay(cur_d, new_d, how="union")
        _fill_side(pieces, "cur")
        _fill_side(pieces, "new")
        _check_area(pieces["cur_pos"] >= 0, pieces, float(cur_d.area.sum()), "current plan")
        _check_area(pieces["new_pos"] >= 0, pieces, float(new_d.area.sum()), "new plan")
    else:
        pieces = cur_d
    total = float(pieces.area.sum())
    if ar5_d is not None:
        pieces = overlay(pieces, ar5_d.drop(columns="ar5_pos"), how="identity")
        pieces["arealtype"] = pieces["arealtype"].fillna(0).astype("int64")
    else:
        pieces["arealtype"] = 0

    # Reserve pieces of different plan areas overlap only where the plan's areas did (slivers).
    def reserve_mask(res: gpd.GeoDataFrame, report: PlanarReport) -> np.ndarray:
        geoms = np.asarray(res.geometry.values, dtype=object)
        return disjoint(geoms) if report.slivers else geoms

    masks: list[tuple[str, np.ndarray]] = [("unbuilt_cur", reserve_mask(res_cur, reports[0]))]
    if res_new is not None:
        masks.append(("unbuilt_new", reserve_mask(res_new, reports[1])))
    flags: list[str] = []
    sea = _check_layer(layers, "sea")
    if sea is not None:
        # Only the sea within the strandsone width of the plans matters: clip it first.
        reach = np.asarray(shapely.total_bounds(tiles.boxes)) + np.array([-1.0, -1.0, 1.0, 1.0]) * (
            s.strandsone_m + 1.0
        )
        near = shapely.clip_by_rect(sea.geometry.values, *reach)
        sea_geom = shapely.union_all(shapely.make_valid(near))
        zone = polygonal(shapely.difference(shapely.buffer(sea_geom, s.strandsone_m), sea_geom))
        masks.append(("strandsone", mask_parts([zone])))
        flags.append("strandsone")
    hazards = _check_layer(layers, "hazard_zones")
    hazard_flags = []
    if hazards is not None:
        for htype in [h for h in HAZARD_TYPES if h in set(hazards["hazard_type"])]:
            sel = hazards.geometry.values[(hazards["hazard_type"] == htype).to_numpy()]
            masks.append((f"hazard_{htype}", mask_parts(sel)))
            hazard_flags.append(f"hazard_{htype}")
    for kind in ("nature_types", "recreation_areas", "cultivable_land"):
        gdf = _check_layer(layers, kind)
        if gdf is not None:
            masks.append((kind, mask_parts(gdf.geometry.values)))
    for column, parts in masks:
        say(f"Deler opp etter {column}")
        mask = gpd.GeoDataFrame(geometry=list(parts), crs=zoning.crs)
        pieces = overlay(pieces, dice(mask, tiles), flag=column)
        if column not in ("unbuilt_cur", "unbuilt_new") and column not in flags:
            flags.append(column)
    if hazard_flags:
        pieces["hazard_any"] = pieces[hazard_flags].any(axis=1)
        at = flags.index(hazard_flags[-1]) + 1
        flags.insert(at, "hazard_any")
    _check_area(pd.Series(True, index=pieces.index), pieces, total, "overlay")

    pieces["area_m2"] = pieces.geometry.area
    pieces["area_daa"] = pieces["area_m2"] / 1000.0
    pieces["cur_dev"] = is_development(pieces["cur_code"].to_numpy())
    if plan is not None:
        pieces["new_dev"] = is_development(pieces["new_code"].to_numpy())
        in_new = pieces["new_pos"] >= 0
        pieces["changed"] = in_new & (pieces["new_code"] != pieces["cur_code"])
        pieces["opened"] = in_new & pieces["new_dev"] & ~pieces["cur_dev"]
        pieces["returned"] = (
            in_new & (pieces["cur_pos"] >= 0) & pieces["cur_dev"] & ~pieces["new_dev"]
        )
    has_new = plan is not None

    say("Summerer tabellene")
    tables = T.all_tables(pieces, has_new_plan=has_new, flags=flags, settings=s, period=span)
    figures = T.figures(
        pieces,
        tables,
        has_new_plan=has_new,
        flags=flags,
        settings=s,
        period=span,
        planar=reports,
    )
    for r in reports:
        if r.slivers:
            notes.append(
                f"{r.name}: {r.slivers} sliver overlaps ({r.sliver_area_m2:,.1f} m² in all) were "
                "given to the first area, so they are counted once."
            )
    return Arealregnskap(
        pieces=pieces,
        reserve_current=res_cur,
        reserve_new=res_new,
        tables=tables,
        figures=figures,
        settings=s,
        period=span,
        has_new_plan=has_new,
        flags=flags,
        notes=notes,
        plan_name=plan_name,
        current_name=current_name,
    )


def _check_area(mask: pd.Series, pieces: gpd.GeoDataFrame, expected: float, what: str) -> None:
    """Check that the pieces cover exactly the input's area (no lost or doubled area)."""
    got = float(pieces.geometry.area[mask.to_numpy()].sum())
    if not math.isclose(got, expected, rel_tol=1e-7, abs_tol=1.0):
        raise ArealanalyseError(
            f"arealregnskap: the overlay pieces of the {what} cover {got:,.1f} m² but the "
            f"{what} covers {expected:,.1f} m²; this is a bug, please report it with the inputs."
        )
