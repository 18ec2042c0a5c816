"""Read a plan proposal file (GeoPackage, GeoJSON, SOSI-GML) as development sites.

A reviewer receives a plan as polygons with SOSI arealformål codes and gross floor area (BRA).
:func:`read_proposal` validates such a file and returns its development areas as a site table in
the scenario vocabulary (``site_id, name, use, bra_m2, dwellings, year, arealformal``), in the
working CRS. The sites are then evaluated by the scenario engine, like the sites of a scenario
file, so a proposal and a scenario go through one and the same computation.

Column names are matched case-insensitively, with these alternatives:

=============== ====================================================================
canonical       accepted source columns
=============== ====================================================================
``arealformal`` arealformal, arealformål, arealformaal, formal, formål, rparealformal, kparealformal
``bra_m2``      bra_m2, bra, bruksareal, bra_m²
``dwellings``   dwellings, boliger, antall_boliger, antallboenheter (optional)
``name``        name, navn, feltnavn (optional)
``site_id``     site_id, id, feltid (optional; P1, P2, ... otherwise)
``use``         use, bruk (optional; overrides the use derived from the code)
``year``        year, ar, år, aar (optional)
=============== ====================================================================

The arealformål → use mapping is :data:`USE_BY_CODE`. Areas whose code is a non-building
arealformål (roads, green structure, LNFR, water) are not development sites: they are left out,
and must then carry no BRA.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from arealanalyse.errors import (
    CodeError,
    CrsError,
    EmptyLayerError,
    GeometryError,
    LayerFileError,
    MissingColumnError,
)
from arealanalyse.layers.codes import AREALFORMAL
from arealanalyse.layers.validate import check_crs
from arealanalyse.limits import BRA_M2_MAX, DWELLINGS_MAX, YEAR_MAX, YEAR_MIN
from arealanalyse.rules.measures import USES
from arealanalyse.settings import Settings, resolve

__all__ = ["NON_BUILDING_CATEGORIES", "PROPOSAL_SUFFIXES", "USE_BY_CODE", "read_proposal"]

#: File suffixes read as plan proposals (anything else, e.g. .yaml, is a scenario file).
PROPOSAL_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".json", ".gml", ".xml", ".fgb", ".shp")

#: SOSI arealformål code -> development use. Næringsvirksomhet (1300) without a closer code is
#: treated as kontor, the strictest business use in review (the ABC rule applies); give a ``use``
#: column to say otherwise.
USE_BY_CODE: dict[int, str] = {
    1001: "blandet",
    1110: "bolig", 1111: "bolig", 1112: "bolig", 1113: "bolig",
    1130: "blandet",
    1140: "handel", 1150: "handel",
    1160: "offentlig",
    1170: "handel",
    1180: "industri_lager",
    1300: "kontor", 1310: "kontor",
    1320: "handel", 1330: "handel",
    1340: "industri_lager", 1350: "industri_lager",
    1400: "offentlig",
    1500: "blandet",
    1800: "blandet", 1801: "blandet", 1802: "blandet", 1803: "blandet", 1900: "blandet",
}  # fmt: skip

#: arealformål categories that are not development (no floor space): left out of the sites.
NON_BUILDING_CATEGORIES: tuple[str, ...] = ("samferdsel", "gronn", "lnfr", "sjo", "annet", "fritid")

_ALIASES: dict[str, tuple[str, ...]] = {
    "arealformal": (
        "arealformal", "arealformål", "arealformaal", "formal", "formål", "rparealformal",
        "rparealformål", "kparealformal", "kparealformål",
    ),
    "bra_m2": ("bra_m2", "bra", "bruksareal", "bra_m²"),
    "dwellings": ("dwellings", "boliger", "antall_boliger", "antallboenheter"),
    "name": ("name", "navn", "feltnavn"),
    "site_id": ("site_id", "id", "feltid"),
    "use": ("use", "bruk"),
    "year": ("year", "ar", "år", "aar"),
}  # fmt: skip


def _find(columns: list[str], key: str) -> str | None:
    lower = {c.casefold(): c for c in columns}
    for alias in _ALIASES[key]:
        if alias in lower:
            return lower[alias]
    return None


def _list_layers(path: Path, is_gml: bool) -> list[tuple[str, str]]:
    """``(name, geometry type)`` of the file's spatial layers, without writing next to it."""
    if not is_gml:
        return [(str(n), str(g)) for n, g in pyogrio.list_layers(path) if g is not None]
    # Listing a GML file's layers makes GDAL write a .gfs schema file beside it: list a copy.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        return [(str(n), str(g)) for n, g in pyogrio.list_layers(copy) if g is not None]


def _pick_layer(path: Path, layers: list[tuple[str, str]]) -> str | None:
    if len(layers) <= 1:
        return layers[0][0] if layers else None
    polygons = [n for n, g in layers if "Polygon" in g]
    if len(polygons) == 1:
        return polygons[0]  # e.g. SOSI-GML: RpArealformålOmråde among RpGrense, RpPåskrift ...
    areal = [n for n in polygons if "arealform" in n.casefold()]
    if len(areal) == 1:
        return areal[0]
    raise LayerFileError(
        f"Proposal file {str(path)!r} has several layers {[n for n, _ in layers][:8]}; choose "
        "the one with the plan's areas with --layer."
    )


def _read(path: Path, layer: str | None, encoding: str | None = None) -> gpd.GeoDataFrame:
    label = str(path)
    if not path.exists():
        raise LayerFileError(f"Proposal file {label!r} does not exist; check the path.")
    is_gml = path.suffix.lower() in (".gml", ".xml")
    try:
        if layer is None:
            layer = _pick_layer(path, _list_layers(path, is_gml))
        opts: dict[str, Any] = {"WRITE_GFS": "NO"} if is_gml else {}
        if encoding:
            opts["encoding"] = encoding
        return gpd.read_file(path, layer=layer, engine="pyogrio", **opts)
    except LayerFileError:
        raise
    except UnicodeDecodeError as exc:
        raise LayerFileError(
            f"Proposal file {label!r} holds text that is not {encoding or 'UTF-8'} (byte "
            f"0x{exc.object[exc.start]:02x}); give its encoding with --encoding (latin-1 or "
            "cp1252 for most Norwegian files)."
        ) from None
    except Exception as exc:
        first = " ".join(str(exc).split())[:160]
        raise LayerFileError(
            f"Proposal file {label!r} cannot be read as GeoPackage/GeoJSON/GML ({first}); "
            "export it again from the planning system (or check --layer)."
        ) from None


def read_proposal(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | None = None,
    settings: Settings | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate a plan proposal file as development sites.

    Parameters
    ----------
    path
        GeoPackage, GeoJSON or SOSI-GML with polygons, an arealformål code and BRA per area.
    layer
        Layer to read when the file has several.
    settings
        Run settings (working CRS).
    encoding
        Text encoding of the file when it is not UTF-8 (``latin-1``, ``cp1252``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id, name, use, bra_m2, dwellings, year, arealformal, geometry`` in the working
        CRS; ``dwellings`` and ``year`` are NaN where the file does not say.

    Raises
    ------
    CrsError, CodeError, MissingColumnError, GeometryError, EmptyLayerError, LayerFileError
        One line naming the file, the problem and the fix.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import box
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "plan.geojson"
    >>> gpd.GeoDataFrame(
    ...     {"arealformål": [1310, 3040], "BRA": [12000, 0], "feltnavn": ["BKB1", "F1"]},
    ...     geometry=[box(593000, 6643000, 593100, 6643100), box(593100, 6643000, 593200, 6643100)],
    ...     crs=25832).to_file(p)
    >>> read_proposal(p)[["site_id", "name", "use", "bra_m2"]].to_dict("records")
    [{'site_id': 'P1', 'name': 'BKB1', 'use': 'kontor', 'bra_m2': 12000.0}]
    """
    s = resolve(settings)
    p = Path(path)
    label = str(p)
    raw = _read(p, layer, encoding)
    if len(raw) == 0:
        raise EmptyLayerError(f"Proposal file {label!r} has no features; is it the right file?")
    if raw.crs is None:
        raise CrsError(
            f"Proposal file {label!r} has no CRS; export it with its coordinate system "
            "(e.g. EPSG:25832, ETRS89 / UTM 32N) from the planning system."
        )
    check_crs(raw, label)  # CrsError: coordinates that cannot be in the declared CRS
    cols = [c for c in raw.columns if c != raw.geometry.name]
    code_col = _find(cols, "arealformal")
    if code_col is None:
        raise MissingColumnError(
            f"Proposal file {label!r} has no arealformål column (looked for arealformal, "
            f"arealformål, formål); columns are {cols}; add the SOSI arealformål code of each "
            "area."
        )
    bra_col = _find(cols, "bra_m2")
    if bra_col is None:
        raise MissingColumnError(
            f"Proposal file {label!r} has no BRA column (looked for bra_m2, BRA, bruksareal); "
            f"columns are {cols}; add the gross floor area (m²) of each area."
        )
    codes = pd.to_numeric(raw[code_col], errors="coerce")
    bad_code = codes.isna() | ~codes.isin(list(AREALFORMAL))
    if bad_code.any():
        vals = ", ".join(
            str(v.item() if hasattr(v, "item") else v)
            for v in pd.unique(raw.loc[bad_code, code_col])[:5]
        )
        raise CodeError(
            f"Proposal file {label!r}: unknown arealformål code(s) {vals} in column {code_col!r} "
            f"({int(bad_code.sum())} areas); use SOSI KpArealformål/RpArealformål codes "
            "(e.g. 1110 bolig, 1310 kontor, 1800 kombinert)."
        )
    codes = codes.astype("int64")
    bra = pd.to_numeric(raw[bra_col], errors="coerce")
    bad_bra = bra.isna() & raw[bra_col].notna() & (raw[bra_col].astype(str).str.strip() != "")
    if bad_bra.any():
        raise CodeError(
            f"Proposal file {label!r}: column {bra_col!r} must be numeric (m²) but has "
            f"{raw.loc[bad_bra, bra_col].iloc[0]!r}; fix the values."
        )
    if (bra < 0).any():
        raise CodeError(f"Proposal file {label!r}: negative BRA in {bra_col!r}; BRA must be >= 0.")

    use_col = _find(cols, "use")
    category = codes.map(lambda c: AREALFORMAL[int(c)][1])
    use = codes.map(USE_BY_CODE)
    if use_col is not None:
        given = raw[use_col].astype("string").str.strip().fillna("")
        unknown = given[(given != "") & ~given.isin(USES)]
        if not unknown.empty:
            raise CodeError(
                f"Proposal file {label!r}: unknown use {unknown.iloc[0]!r} in column {use_col!r}; "
                f"use one of {list(USES)}."
            )
        use = use.where(given == "", given.astype(object))
    building = use.notna() | ~category.isin(NON_BUILDING_CATEGORIES)
    unmapped = building & use.isna()
    if unmapped.any():
        c = int(codes[unmapped].iloc[0])
        raise CodeError(
            f"Proposal file {label!r}: arealformål {c} ({AREALFORMAL[c][0]}) has no development "
            f"use; add a 'use' column ({', '.join(USES)}) for those areas."
        )
    with_bra_outside = ~building & (bra.fillna(0) > 0)
    if with_bra_outside.any():
        c = int(codes[with_bra_outside].iloc[0])
        raise CodeError(
            f"Proposal file {label!r}: {int(with_bra_outside.sum())} areas with non-building "
            f"arealformål (e.g. {c} {AREALFORMAL[c][0]}) have BRA > 0; fix the code or the BRA."
        )
    missing_bra = building & bra.isna()
    if missing_bra.any():
        raise MissingColumnError(
            f"Proposal file {label!r}: {int(missing_bra.sum())} development areas have no BRA in "
            f"{bra_col!r}; give every development area its BRA (0 if none)."
        )
    if not building.any():
        raise EmptyLayerError(
            f"Proposal file {label!r} has no development areas (only non-building arealformål); "
            "nothing to check."
        )
    geoms = raw.geometry
    types = set(geoms[building].geom_type.unique())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise GeometryError(
            f"Proposal file {label!r}: development areas must be polygons, found {sorted(types)}; "
            "export the plan's areas (RpOmråde/KpOmråde), not its lines or points."
        )
    if (geoms[building].isna() | geoms[building].is_empty).any():
        raise GeometryError(f"Proposal file {label!r}: some areas have no geometry; remove them.")

    def _opt(key: str, numeric: bool) -> pd.Series:
        col = _find(cols, key)
        if col is None:
            return pd.Series(np.nan if numeric else "", index=raw.index)
        if numeric:
            values = pd.to_numeric(raw[col], errors="coerce")
            text = raw[col].astype("string").str.strip().fillna("")
            bad = values.isna() & (text != "")
            if bad.any():
                raise CodeError(
                    f"Proposal file {label!r}: column {col!r} must be numeric but has "
                    f"{raw.loc[bad, col].iloc[0]!r}; fix the values (leave empty when unknown)."
                )
            return values
        return raw[col].astype("string").fillna("").astype(object)

    def _plausible(values: pd.Series, col: str, low: float, high: float, unit: str) -> None:
        v = values[building.to_numpy()]
        bad = v.notna() & ~(np.isfinite(v) & (v >= low) & (v <= high))
        if bad.any():
            raise CodeError(
                f"Proposal file {label!r}: {col} {float(v[bad].iloc[0]):g} is not plausible; "
                f"give a number from {low:,g} to {high:,g}{unit} (leave it empty when unknown)."
            )

    _plausible(bra, "BRA", 0, BRA_M2_MAX, " m²")
    dwellings = _opt("dwellings", numeric=True).astype("float64")
    _plausible(dwellings, "dwellings", 0, DWELLINGS_MAX, "")
    year = _opt("year", numeric=True).astype("float64")
    _plausible(year, "year", YEAR_MIN, YEAR_MAX, "")
    if ((year % 1 != 0) & year.notna()).any():
        raise CodeError(f"Proposal file {label!r}: years must be whole numbers, e.g. 2030.")

    ids = _opt("site_id", numeric=False).map(lambda v: str(v).strip())
    auto = pd.Series([f"P{i + 1}" for i in range(len(raw))], index=raw.index)
    ids = ids.where(ids != "", auto)
    names = _opt("name", numeric=False).map(lambda v: str(v).strip())
    names = names.where(names != "", ids)
    out = gpd.GeoDataFrame(
        {
            "site_id": ids,
            "name": names,
            "use": use,
            "bra_m2": bra.astype("float64"),
            "dwellings": dwellings,
            "year": year,
            "arealformal": codes,
        },
        geometry=geoms.rename("geometry"),
        crs=raw.crs,
    )[building.to_numpy()]
    dup = out["site_id"][out["site_id"].duplicated()]
    if not dup.empty:
        raise CodeError(
            f"Proposal file {label!r}: duplicate area id {dup.iloc[0]!r}; ids must be unique."
        )
    if not out.crs.equals(s.crs):
        out = out.to_crs(s.crs)
    out = out.reset_index(drop=True)
    out.attrs["arealanalyse"] = {
        "source": label,
        "areas": len(raw),
        "development_areas": len(out),
        "left_out_non_building": int((~building).sum()),
    }
    return out
