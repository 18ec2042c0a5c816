"""Norwegian product schemas: FKB-AR5, SOSI Plan (4.5 and 5.0) and SSB grid layers.

Readers meet these products in several encodings: GML from Geonorge, GeoPackage and FileGDB
downloads, SOSI text read through GDAL's SOSI driver (which names fields after the SOSI-GML
properties: ``arealressursArealtype``, ``arealformål``, ``arealbruksstatus``, ``feltbetegnelse``,
``objekttypenavn``), and municipalities' own exports with the old SOSI tags as column names
(``ARTYPE``, ``RPAREALFORMÅL``, ``KPAREALFORMÅL``, ``AREALST``). Everything here is keyed by
*canonical column*, not by layer kind, so any kind with an ``arealtype`` column (``farmland``
today, a full-coverage AR5 kind tomorrow) or an ``arealformal`` column recognises the product.

* :data:`COLUMN_ALIASES`: source column names tried for a canonical column (case-insensitive);
* :data:`OBJECT_TYPES`: the SOSI object types that carry a canonical column, used to pick the
  right layer of a multi-layer file and the right rows of a mixed SOSI layer;
* :data:`VALUE_CODES`: code values recoded on the way in (``arealbruksstatus`` 1/2 →
  existing/planned).

Sources: SOSI Plan 4.5 and 5.0 product specifications (Kartverket/KDD: ``RpArealformålOmråde``,
``KpArealformålOmråde``, ``arealformål``, ``arealbruksstatus`` 1 = nåværende, 2 = framtidig,
``feltnavn``/``feltbetegnelse``); FKB-AR5 5.0 (NIBIO/Kartverket: ``ArealressursFlate``,
``arealtype``, ``treslag``, ``skogbonitet``, ``grunnforhold``); SSB/Geonorge
"Befolkning på rutenett" (``BefolkningPåRuter250m``/``1km``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from arealanalyse.layers.codes import AR5_ARTYPE

__all__ = [
    "COLUMN_ALIASES",
    "OBJECT_TYPES",
    "VALUE_CODES",
    "filter_object_types",
    "find_column",
    "layer_preference",
    "recode_values",
]

#: Source column names tried (case-insensitively, in order) for a canonical column.
COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "arealtype": (
        "arealtype",
        "artype",
        "arealressursArealtype",
        "ar5_arealtype",
        "ar5arealtype",
    ),
    "arealformal": (
        "arealformal",
        "arealformål",
        "arealformaal",
        "rpArealformål",
        "kpArealformål",
        "formal",
        "formål",
        "arealbruk",
    ),
    "status": ("status", "arealbruksstatus", "arealst"),
    "plan_id": ("plan_id", "planidentifikasjon", "planid", "arealplanid"),
}

#: SOSI object types (``objekttypenavn``, GML element and layer names) that carry a column.
OBJECT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "arealtype": ("ArealressursFlate",),
    "arealformal": ("RpArealformålOmråde", "KpArealformålOmråde"),
    "population": ("BefolkningPåRuter",),
}

# Layer names of the same products in GeoPackage/FileGDB downloads (lower case, regex).
_LAYER_PATTERNS: Final[dict[str, tuple[str, ...]]] = {
    "arealtype": (r"arealressurs_?flate", r"ar5.*(flate|omr)"),
    "arealformal": (r"arealform[åa]+l_?omr[åa]+de", r"(rp|kp).*arealform"),
    "population": (r"befolkning", r"ruter?\d"),
}


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.strip().lower())


#: Code values recoded for a canonical column (keys compared lower-case, without blanks).
VALUE_CODES: Final[dict[str, dict[str, Any]]] = {
    # AR5 classes given by name (code list labels, e.g. "Fulldyrka jord", "fulldyrkaJord")
    "arealtype": {_squash(label): code for code, label in AR5_ARTYPE.items()},
    # arealbruksstatus (KpArealformålOmråde): 1 nåværende, 2 framtidig
    "status": {
        "1": "existing",
        "2": "planned",
        "nåværende": "existing",
        "naavaerende": "existing",
        "framtidig": "planned",
        "fremtidig": "planned",
    },
}


def find_column(columns: Iterable[Any], canonical: str) -> str | None:
    """Return the source column that holds ``canonical`` (None when there is none).

    Examples
    --------
    >>> find_column(["objekttypenavn", "arealressursArealtype"], "arealtype")
    'arealressursArealtype'
    >>> find_column(["ARTYPE"], "arealtype"), find_column(["KPAREALFORMÅL"], "arealformal")
    ('ARTYPE', 'KPAREALFORMÅL')
    """
    cols = [str(c) for c in columns]
    lower = {c.lower(): c for c in cols}
    for cand in COLUMN_ALIASES.get(canonical, ()):
        if cand.lower() in lower:
            return lower[cand.lower()]
    # SOSI tags as column names: RPAREALFORMÅL, KPAREALFORMÅL
    if canonical == "arealformal":
        for c in cols:
            if re.fullmatch(r"(rp|kp)?arealform[åa]+l", c.lower()):
                return c
    return None


def _object_types_for(columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for c in columns for t in OBJECT_TYPES.get(c, ()))


def layer_preference(layer_names: Sequence[str], canonical_columns: Sequence[str]) -> list[str]:
    """Layers whose name marks them as the product holding ``canonical_columns``.

    Examples
    --------
    >>> layer_preference(["RpOmråde", "RpArealformålOmråde", "RpGrense"], ["arealformal"])
    ['RpArealformålOmråde']
    >>> layer_preference(["fkb_ar5_grense", "fkb_ar5_omrade"], ["arealtype"])
    ['fkb_ar5_omrade']
    """
    types = [t.lower() for t in _object_types_for(canonical_columns)]
    exact = [n for n in layer_names if any(n.lower().startswith(t) for t in types)]
    if exact:
        # "BefolkningPåRuter1kmGrense" is not the cells: prefer names without a boundary suffix
        plain = [n for n in exact if not n.lower().endswith(("grense", "grenser"))]
        return plain or exact
    pats = [p for c in canonical_columns for p in _LAYER_PATTERNS.get(c, ())]
    hits = [n for n in layer_names if any(re.search(p, n.lower()) for p in pats)]
    return [n for n in hits if "grense" not in n.lower()] or hits


def filter_object_types(
    gdf: gpd.GeoDataFrame, canonical_columns: Sequence[str]
) -> tuple[gpd.GeoDataFrame, int]:
    """Keep the rows whose ``objekttypenavn`` is a product holding ``canonical_columns``.

    SOSI files put every object type of a geometry type in one layer (plan areas next to the plan
    boundary ``RpOmråde``); only the object types of :data:`OBJECT_TYPES` are kept. Layers
    without ``objekttypenavn``, or without any known type, are returned unchanged. Returns the
    rows kept and the number dropped.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"objekttypenavn": ["RpOmråde", "RpArealformålOmråde"]},
    ...                      geometry=[box(0, 0, 1, 1)] * 2)
    >>> kept, dropped = filter_object_types(g, ["arealformal", "status"])
    >>> kept["objekttypenavn"].tolist(), dropped
    (['RpArealformålOmråde'], 1)
    """
    col = next((c for c in gdf.columns if str(c).lower() == "objekttypenavn"), None)
    types = _object_types_for(canonical_columns)
    if col is None or not types:
        return gdf, 0
    keep = gdf[col].astype(str).isin(types)
    if not keep.any():
        return gdf, 0
    return gdf[keep.to_numpy()], int((~keep).sum())


def recode_values(series: pd.Series, canonical: str) -> pd.Series:
    """Recode Norwegian code values of ``canonical`` (e.g. arealbruksstatus 1/2).

    Values already canonical, and unknown ones, pass unchanged (validation reports the latter).

    Examples
    --------
    >>> recode_values(pd.Series([1, 2, "framtidig", "existing"]), "status").tolist()
    ['existing', 'planned', 'planned', 'existing']
    >>> recode_values(pd.Series(["Fulldyrka jord", "innmarksbeite", 30]), "arealtype").tolist()
    [21, 23, 30]
    """
    codes: Mapping[str, str] | None = VALUE_CODES.get(canonical)
    if codes is None:
        return series

    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return v
        key = _squash(str(v))
        key = key[:-2] if key.endswith(".0") else key
        return codes.get(key, v)

    return series.map(one)
