"""Write an arealregnskap: CSV tables, an Excel workbook, a GeoPackage and the figures (JSON).

Every file is written atomically (:mod:`arealanalyse.io`). Files in ``out_dir``:

=========================== ============================================================
``reserve_current.csv``     arealreserve per arealformål of the current plan
``reserve_new.csv``         the same for the new plan
``capacity.csv``            dwelling capacity of the reserve against the need
``change.csv``              area per arealformål, current and new plan, and the change
``change_matrix.csv``       change matrix current → new arealformål (daa)
``changed_land.csv``        changed, newly opened and returned land, by AR5 class and overlay
``kostra32.csv``            KOSTRA skjema 32 pre-check per plan id
``kostra32_areas.csv``      the same per plan area
``arealregnskap.xlsx``      every table, laid out like the tables of KDD's guide
``arealregnskap.gpkg``      the overlay pieces and the reserve polygons, for QGIS
``arealregnskap.json``      the headline figures, settings and notes
=========================== ============================================================

Areas are written in daa with three decimals (1 m²).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from arealanalyse.arealregnskap.labels import change_label, column_label, plan_label
from arealanalyse.arealregnskap.tables import formal_label
from arealanalyse.i18n import lang_column, msg
from arealanalyse.io import atomic_path, write_geopackage, write_json

if TYPE_CHECKING:
    from arealanalyse.arealregnskap.compute import Arealregnskap
    from arealanalyse.layers.catalogue import SourceLike

__all__ = ["CSV_FILES", "write_arealregnskap", "write_workbook"]

#: Table name -> CSV file name.
CSV_FILES: dict[str, str] = {
    "reserve_current": "reserve_current.csv",
    "reserve_new": "reserve_new.csv",
    "capacity": "capacity.csv",
    "change": "change.csv",
    "matrix": "change_matrix.csv",
    "changed_land": "changed_land.csv",
    "kostra": "kostra32.csv",
    "kostra_areas": "kostra32_areas.csv",
}

#: Columns of the pieces written to the GeoPackage (when present).
PIECE_COLUMNS: tuple[str, ...] = (
    "cur_code", "cur_status", "cur_plan_id", "cur_pos", "cur_name",
    "new_code", "new_status", "new_plan_id", "new_pos", "new_name",
    "arealtype", "cur_dev", "new_dev", "unbuilt_cur", "unbuilt_new",
    "changed", "opened", "returned", "tile", "area_daa",
)  # fmt: skip


def _write_csv(df: pd.DataFrame, path: Path, *, index: bool = False) -> Path:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=index, lineterminator="\n", float_format="%.3f")
    return path


def _pieces_layer(result: Arealregnskap) -> gpd.GeoDataFrame:
    p = result.pieces
    cols = [c for c in PIECE_COLUMNS if c in p.columns] + [
        f for f in result.flags if f in p.columns
    ]
    out = p[cols].copy()
    out["area_daa"] = out["area_daa"].round(6)
    return gpd.GeoDataFrame(out, geometry=p.geometry.values, crs=p.crs)


def _reserve_layer(res: gpd.GeoDataFrame, plan_codes: pd.Series | None) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(
        {"plan_pos": res["plan_pos"].to_numpy(), "area_daa": (res.geometry.area / 1000.0).round(6)},
        geometry=res.geometry.values,
        crs=res.crs,
    )
    if plan_codes is not None:
        out["arealformal"] = plan_codes.to_numpy()[res["plan_pos"].to_numpy()]
    return out


def write_arealregnskap(
    result: Arealregnskap,
    out_dir: str | os.PathLike[str],
    /,
    *,
    lang: str = "nb",
    title: str = "",
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    rules: pd.DataFrame | None = None,
    current_plan: gpd.GeoDataFrame | None = None,
    new_plan: gpd.GeoDataFrame | None = None,
) -> dict[str, Path]:
    """Write every table and file of ``result`` into ``out_dir``; returns ``{name: path}``.

    ``rules`` (an evaluation table, optional) adds a sheet of rule verdicts to the workbook;
    ``current_plan``/``new_plan`` add each reserve polygon's arealformål to the GeoPackage.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, filename in CSV_FILES.items():
        if name not in result.tables:
            continue
        table = result.tables[name]
        if name == "matrix":
            paths[name] = _write_csv(table, out / filename, index=True)
        else:
            paths[name] = _write_csv(table, out / filename)
    layers = {"overlay": _pieces_layer(result)}
    codes_cur = current_plan["arealformal"] if current_plan is not None else None
    layers["reserve_current"] = _reserve_layer(result.reserve_current, codes_cur)
    if result.reserve_new is not None:
        codes_new = new_plan["arealformal"] if new_plan is not None else None
        layers["reserve_new"] = _reserve_layer(result.reserve_new, codes_new)
    layers = {k: v for k, v in layers.items() if len(v)}
    paths["gpkg"] = write_geopackage(layers, out / "arealregnskap.gpkg")
    paths["json"] = write_json(
        out / "arealregnskap.json",
        _json_safe(
            {
                "schema": "arealanalyse.arealregnskap/1",
                "title": title,
                "synthetic": synthetic,
                "current_plan": result.current_name,
                "new_plan": result.plan_name,
                "figures": result.figures,
                "settings": _settings_used(result),
                "notes": list(result.notes),
                "sources": [_source_dict(s) for s in sources],
            }
        ),
    )
    paths["xlsx"] = write_workbook(
        result,
        out / "arealregnskap.xlsx",
        lang=lang,
        title=title,
        synthetic=synthetic,
        sources=sources,
        rules=rules,
    )
    return paths


def _settings_used(result: Arealregnskap) -> dict[str, Any]:
    s = result.settings
    return {
        "building_buffer_existing_m": s.building_buffer_existing_m,
        "building_buffer_planned_m": s.building_buffer_planned_m,
        "reserve_min_width_m": s.reserve_min_width_m,
        "reserve_min_area_m2": s.reserve_min_area_m2,
        "strandsone_m": s.strandsone_m,
        "overlap_tolerance_m2": s.overlap_tolerance_m2,
        "dwellings_need_per_year": s.dwellings_need_per_year,
        "cabins_need_per_year": s.cabins_need_per_year,
        "reserve_dwellings_per_daa": {str(k): v for k, v in s.reserve_dwellings_per_daa.items()},
        "reserve_cabins_per_daa": {str(k): v for k, v in s.reserve_cabins_per_daa.items()},
    }


def _source_dict(src: Any) -> dict[str, str]:
    if isinstance(src, Mapping):
        return {k: str(v) for k, v in src.items()}
    return {
        k: str(getattr(src, k, ""))
        for k in ("name", "licence", "attribution", "url")
        if getattr(src, k, "")
    }


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):
        return _json_safe(value.item())
    return value


# --------------------------------------------------------------------------------------------
# Workbook (openpyxl)
# --------------------------------------------------------------------------------------------


def _t(key: str, lang: str) -> str:
    """Return a workbook word: sheet names and headings (``ar.book.*``), or a shared one."""
    shared = {"title": "ar.title", "sum": "word.total", "synthetic": "word.synthetic_data"}
    shared["rules"] = "word.rules"
    return msg(shared.get(key, f"ar.book.{key}"), lang)


def write_workbook(
    result: Arealregnskap,
    path: str | os.PathLike[str],
    /,
    *,
    lang: str = "nb",
    title: str = "",
    synthetic: bool = False,
    sources: Sequence[SourceLike] = (),
    rules: pd.DataFrame | None = None,
) -> Path:
    """Write the tables as an Excel workbook, one sheet per table of KDD's guide."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _t("about", lang)
    _about(ws, result, lang=lang, title=title, synthetic=synthetic, sources=sources)
    tables = result.tables
    _formal_sheet(
        wb,
        _t("reserve", lang),
        tables["reserve_current"],
        _t("reserve_head", lang),
        lang,
        synthetic,
    )
    if "reserve_new" in tables:
        _formal_sheet(
            wb, _t("reserve_new", lang), tables["reserve_new"], _t("reserve_new_head", lang),
            lang, synthetic,
        )  # fmt: skip
    cap = tables["capacity"].copy()
    cap["plan"] = cap["plan"].map(lambda v: plan_label(v, lang))
    cap["kind"] = cap["kind"].map(lambda v: plan_label(v, lang))
    _sheet(wb, _t("capacity", lang), cap, _t("capacity_head", lang), lang, synthetic, total=False)
    if "change" in tables:
        _formal_sheet(
            wb, _t("change", lang), tables["change"], _t("change_head", lang), lang, synthetic
        )
        _matrix_sheet(wb, tables["matrix"], lang, synthetic)
        ch = tables["changed_land"].copy()
        ch["change"] = ch["change"].map(lambda v: change_label(v, lang))
        ch["arealformal_navn"] = ch["arealformal"].map(formal_label)
        ch = ch.drop(columns="arealformal")
        _sheet(wb, _t("changed", lang), ch, _t("changed_head", lang), lang, synthetic, total=False)
    _sheet(wb, _t("kostra", lang), tables["kostra"], _t("kostra_head", lang), lang, synthetic)
    _sheet(
        wb, _t("kostra_areas", lang), tables["kostra_areas"], _t("kostra_head", lang), lang,
        synthetic,
    )  # fmt: skip
    if rules is not None and len(rules):
        cols = ["rule_id", "verdict", "value", "threshold", "unit", "clause_ref"]
        cols.append(lang_column("message", lang))
        _sheet(wb, _t("rules", lang), rules[cols], _t("rules_head", lang), lang, synthetic,
               total=False)  # fmt: skip
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _about(
    ws: Any,
    result: Arealregnskap,
    *,
    lang: str,
    title: str,
    synthetic: bool,
    sources: Sequence[SourceLike],
) -> None:
    from openpyxl.styles import Font

    ws["A1"] = f"{_t('title', lang)}: {title}" if title else _t("title", lang)
    ws["A1"].font = Font(bold=True, size=14)
    row = 2
    if synthetic:
        ws.cell(row=row, column=1, value=_t("synthetic", lang)).font = Font(
            bold=True, color="9A6700"
        )
        row += 1
    ws.cell(row=row, column=1, value=_t("guide", lang))
    row += 2
    f = result.figures
    lines: list[tuple[str, Any]] = [
        (plan_label("current", lang), result.current_name),
        (plan_label("new", lang), result.plan_name or "–"),
    ]
    if f.get("period"):
        p = f["period"]
        lines.append((_t("period", lang), f"{p['start']}–{p['end']}"))
    for key, value in _settings_used(result).items():
        lines.append((key, value if not isinstance(value, dict) else str(value)))
    for label, value in lines:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=row, column=2, value=value)
        row += 1
    row += 1
    for note in result.notes:
        ws.cell(row=row, column=1, value=note)
        row += 1
    for src in sources:
        d = _source_dict(src)
        ws.cell(row=row, column=1, value=", ".join(v for v in d.values() if v))
        row += 1
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60


def _head(ws: Any, heading: str, lang: str, synthetic: bool) -> int:
    from openpyxl.styles import Font

    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _t("synthetic", lang) if synthetic else _t("guide", lang)
    if synthetic:
        ws["A2"].font = Font(bold=True, color="9A6700")
    return 4


def _write_frame(ws: Any, df: pd.DataFrame, start: int, lang: str, *, total: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="DDE7F0")
    for j, col in enumerate(df.columns, start=1):
        cell = ws.cell(row=start, column=j, value=column_label(str(col), lang))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and df[c].dtype != bool for c in df.columns]
    r = start
    for r, row in enumerate(df.itertuples(index=False), start=start + 1):
        for j, value in enumerate(row, start=1):
            v = value.item() if hasattr(value, "item") else value
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            cell = ws.cell(row=r, column=j, value=v)
            if numeric[j - 1] and str(df.columns[j - 1]) not in ("arealformal", "plan_area"):
                cell.number_format = "#,##0.0"
    if total and len(df):
        r += 1
        ws.cell(row=r, column=1, value=_t("sum", lang)).font = Font(bold=True)
        for j, col in enumerate(df.columns, start=1):
            name = str(col)
            if numeric[j - 1] and name.endswith(("_daa", "capacity")) and "per_daa" not in name:
                letter = get_column_letter(j)
                cell = ws.cell(row=r, column=j, value=f"=SUM({letter}{start + 1}:{letter}{r - 1})")
                cell.font = Font(bold=True)
                cell.number_format = "#,##0.0"
    for j, col in enumerate(df.columns, start=1):
        width = max(10, min(40, len(column_label(str(col), lang)) // 2 + 4))
        if str(col) in ("arealformal_navn", "name", "change"):
            width = 40
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[start].height = 45
    ws.freeze_panes = ws.cell(row=start + 1, column=1)


def _sheet(
    wb: Any,
    name: str,
    df: pd.DataFrame,
    heading: str,
    lang: str,
    synthetic: bool,
    *,
    total: bool = True,
) -> None:
    ws = wb.create_sheet(name[:31])
    start = _head(ws, heading, lang, synthetic)
    _write_frame(ws, df, start, lang, total=total)


def _formal_sheet(
    wb: Any, name: str, df: pd.DataFrame, heading: str, lang: str, synthetic: bool
) -> None:
    """Write a table per arealformål: the code and name merged into one label column."""
    d = df.copy()
    d["arealformal_navn"] = d["arealformal"].map(formal_label)
    d = d.drop(columns=[c for c in ("arealformal", "category") if c in d.columns])
    _sheet(wb, name, d, heading, lang, synthetic, total=True)


def _matrix_sheet(wb: Any, matrix: pd.DataFrame, lang: str, synthetic: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_t("matrix", lang)[:31])
    start = _head(ws, _t("matrix_head", lang), lang, synthetic)
    fill = PatternFill("solid", fgColor="DDE7F0")

    def label(code: Any) -> str:
        return _t("outside", lang) if int(code) == 0 else formal_label(int(code))

    cols = list(matrix.columns)
    ws.cell(row=start, column=1, value="").fill = fill
    for j, c in enumerate(cols, start=2):
        cell = ws.cell(row=start, column=j, value=label(c))
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, vertical="top", text_rotation=0)
    tot_col = len(cols) + 2
    ws.cell(row=start, column=tot_col, value=_t("sum", lang)).font = Font(bold=True)
    for i, (code, row) in enumerate(matrix.iterrows(), start=start + 1):
        ws.cell(row=i, column=1, value=label(code)).font = Font(bold=True)
        for j, v in enumerate(row.to_numpy(), start=2):
            ws.cell(row=i, column=j, value=float(v)).number_format = "#,##0.0"
        last = get_column_letter(len(cols) + 1)
        c = ws.cell(row=i, column=tot_col, value=f"=SUM(B{i}:{last}{i})")
        c.number_format, c.font = "#,##0.0", Font(bold=True)
    end = start + len(matrix)
    ws.cell(row=end + 1, column=1, value=_t("sum", lang)).font = Font(bold=True)
    for j in range(2, tot_col + 1):
        letter = get_column_letter(j)
        c = ws.cell(row=end + 1, column=j, value=f"=SUM({letter}{start + 1}:{letter}{end})")
        c.number_format, c.font = "#,##0.0", Font(bold=True)
    ws.column_dimensions["A"].width = 45
    for j in range(2, tot_col + 1):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.row_dimensions[start].height = 60
    ws.freeze_panes = ws.cell(row=start + 1, column=2)
