"""What a share of homes weighs: dwellings, residents, or (only when asked) home features.

A homes layer is either buildings with dwellings (boliger) or a population grid with residents
(bosatte); the canonical layer carries both columns, one of them derived with
``Settings.persons_per_dwelling``. A share is weighted by the column the source *measured*:
population for SSB grid cells, dwellings for buildings. Counting features (grid cells, building
points) is never the silent default: it answers "what share of cells", which is not a planner's
question, so it has to be asked for with ``weight="count"``.

Every table, JSON and report names its weight with :func:`weight_label` ("andel bosatte",
"andel boliger").
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import MissingColumnError
from arealanalyse.i18n import msg, msg_or

__all__ = [
    "COUNT",
    "HOME_WEIGHTS",
    "default_home_weight",
    "weight_label",
    "weight_noun",
    "weight_values",
]

#: The weight that counts features (each home point, cell or building is 1).
COUNT: Final = "count"

#: Home weights with their Norwegian and English nouns (plural; message keys ``weight.*``).
HOME_WEIGHTS: Final[dict[str, tuple[str, str]]] = {
    w: (msg(f"weight.{w}", "nb"), msg(f"weight.{w}", "en"))
    for w in ("population", "dwellings", COUNT)
}


def default_home_weight(homes: gpd.GeoDataFrame | pd.DataFrame, /) -> str:
    """Return the column a homes layer's shares are weighted by when no weight is given.

    In order: the column its source measured (the other is derived on load, see the load
    report); ``population`` when any home is an SSB grid cell (``source == "grid"``);
    ``dwellings`` for buildings. A layer with neither column is an error (pass ``"count"`` to
    count features on purpose).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> cells = gpd.GeoDataFrame({"dwellings": [4.0], "population": [9.2], "source": ["grid"]},
    ...                          geometry=[Point(0, 0)], crs=25832)
    >>> default_home_weight(cells), default_home_weight(cells.assign(source="building"))
    ('population', 'dwellings')
    """
    derived = " ".join(homes.attrs.get("arealanalyse", {}).get("derived", []))
    if "dwellings = population" in derived and "population" in homes.columns:
        return "population"
    if "population = dwellings" in derived and "dwellings" in homes.columns:
        return "dwellings"
    grid = "source" in homes.columns and (homes["source"].astype(str) == "grid").any()
    if grid and "population" in homes.columns:
        return "population"
    for col in ("dwellings", "population"):
        if col in homes.columns and homes[col].notna().any():
            return col
    raise MissingColumnError(
        "Layer 'homes' has neither a 'dwellings' nor a 'population' column to weight by; load it "
        "as kind 'homes', name a weight column, or ask for 'count' to count features."
    )


def weight_values(homes: gpd.GeoDataFrame | pd.DataFrame, weight: str, /) -> np.ndarray:
    """Return the weight of each home (``count``: 1 each; missing values weigh 0).

    Examples
    --------
    >>> weight_values(pd.DataFrame({"population": [3.0, None]}), "population").tolist()
    [3.0, 0.0]
    """
    if weight == COUNT:
        return np.ones(len(homes))
    if weight not in homes.columns:
        raise MissingColumnError(
            f"Layer 'homes' has no column {weight!r} to weight by; choose one of "
            f"{[c for c in homes.columns if c != 'geometry']} or 'count'."
        )
    vals = pd.to_numeric(homes[weight], errors="coerce").to_numpy(dtype=np.float64)
    return np.nan_to_num(vals, nan=0.0)


def weight_noun(weight: str, /, lang: str = "nb") -> str:
    """Return the plural noun of a share's weight (``bosatte``); else the column's name.

    Examples
    --------
    >>> weight_noun("population"), weight_noun("count", "en"), weight_noun("jobs")
    ('bosatte', 'home features', 'jobs')
    """
    return msg_or(f"weight.{weight}", weight, lang)


def weight_label(weight: str, /, lang: str = "nb") -> str:
    """How a share weighted by ``weight`` is named in tables and reports.

    Examples
    --------
    >>> weight_label("population"), weight_label("dwellings", "en"), weight_label("jobs")
    ('andel bosatte', 'share of dwellings', 'andel vektet med jobs')
    """
    if weight in HOME_WEIGHTS:
        return msg("weight_text.label", lang, noun=weight_noun(weight, lang))
    return msg("weight_text.other", lang, weight=weight)
