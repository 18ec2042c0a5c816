"""Plausible ranges for numbers read from files and the command line, and the working-CRS check.

A number that cannot be right (NaN, infinity, a BRA of 10^12 m², a year of 1850, degrees used as
metres) is an error, never a result. Every number arealanalyse reads from a scenario, rule,
catalogue or proposal file, or from the command line, is checked against one of the ranges here;
``docs/layers.md`` ("Plausible numbers") lists them.

Examples
--------
>>> finite_in_range(500.0, what="--distance", low=0, high=DISTANCE_M_MAX, unit="m")
500.0
>>> finite_in_range(float("inf"), what="--distance", low=0, high=DISTANCE_M_MAX, unit="m")
Traceback (most recent call last):
...
ValueError: --distance: inf is not a finite number; give a number between 0 and 100,000 m
>>> working_crs_problem("EPSG:4326")
'EPSG:4326 is a geographic CRS (degrees), so distances and areas would be in degrees; use a \
projected CRS in metres such as EPSG:25832 (UTM 32N; 25833 for UTM 33N, 25835 for UTM 35N)'
>>> working_crs_problem("EPSG:25832") is None
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = [
    "BRA_M2_MAX",
    "DISTANCE_M_MAX",
    "DWELLINGS_MAX",
    "JOBS_PER_1000M2_MAX",
    "MAX_SCALE_DISTORTION",
    "YEAR_MAX",
    "YEAR_MIN",
    "crs_distortion",
    "finite_in_range",
    "working_crs_problem",
]

#: Largest gross floor area (BRA) of one site or plan area, m² (5 km² of floor space).
BRA_M2_MAX = 5_000_000.0

#: Most new dwellings on one site or rezoning.
DWELLINGS_MAX = 100_000

#: Largest jobs per 1,000 m² BRA (5 m² per workplace; offices are 40-60 per 1,000 m²).
JOBS_PER_1000M2_MAX = 200.0

#: Longest distance accepted on the command line or in a file (thresholds, tolerances), metres.
DISTANCE_M_MAX = 100_000.0

#: Years (plan periods, site and proposal phasing years) must lie in this range.
YEAR_MIN, YEAR_MAX = 1900, 2200

#: Largest scale distortion of the working CRS over the study area (1 %).
MAX_SCALE_DISTORTION = 0.01

_SUGGEST = "EPSG:25832 (UTM 32N; 25833 for UTM 33N, 25835 for UTM 35N)"


def finite_in_range(
    value: object, *, what: str, low: float, high: float, unit: str = "", low_open: bool = False
) -> float:
    """Return ``value`` as a float if it is a finite number in ``[low, high]``; else ``ValueError``.

    ``low_open`` makes the lower bound exclusive (``> low``). Booleans are not numbers.
    """
    u = f" {unit}" if unit else ""
    want = f"give a number {'above' if low_open else 'between'} {low:,g}"
    want += f" and up to {high:,g}{u}" if low_open else f" and {high:,g}{u}"
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{what}: {value!r} is not a number; {want}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{what}: {v!r} is not a finite number; {want}")
    if v < low or v > high or (low_open and v == low):
        raise ValueError(f"{what}: {v:,g}{u} is outside the plausible range; {want}")
    return v


def working_crs_problem(crs: object) -> str | None:
    """Say what is wrong with ``crs`` as a working CRS (None when it is a projected CRS in m).

    The check that needs the study area (scale distortion) is :func:`crs_distortion`.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        c = CRS.from_user_input(crs)
    except (CRSError, TypeError, ValueError):
        return f"{crs!r} is not a CRS pyproj knows; write it like EPSG:25832"
    label = c.to_string()
    if c.is_geographic:
        return (
            f"{label} is a geographic CRS (degrees), so distances and areas would be in "
            f"degrees; use a projected CRS in metres such as {_SUGGEST}"
        )
    if not c.is_projected:
        return f"{label} is not a projected CRS; use one in metres such as {_SUGGEST}"
    units = {(ax.unit_name or "").lower() for ax in c.axis_info[:2]}
    if not units <= {"metre", "meter", "m"}:
        return (
            f"{label} has axes in {', '.join(sorted(units))}, not metres; use a projected CRS "
            f"in metres such as {_SUGGEST}"
        )
    return None


def crs_distortion(
    crs: CRS | str | int, bounds: Sequence[float] | np.ndarray[Any, np.dtype[np.float64]]
) -> float:
    """Largest scale distortion ``|k - 1|`` of ``crs`` over ``bounds`` (minx, miny, maxx, maxy).

    ``bounds`` are in ``crs`` itself. The point scale factors (meridional and parallel, from
    pyproj's ``Proj.get_factors``) are sampled on a 5 x 5 grid over the bounds.

    Examples
    --------
    >>> b = (585_000, 6_640_000, 600_000, 6_655_000)  # Bærum in UTM 32N
    >>> round(crs_distortion("EPSG:25832", b), 4)
    0.0003
    >>> from pyproj import Transformer
    >>> t = Transformer.from_crs(25832, 3857, always_xy=True)
    >>> x0, y0 = t.transform(585_000, 6_640_000); x1, y1 = t.transform(600_000, 6_655_000)
    >>> round(crs_distortion("EPSG:3857", (x0, y0, x1, y1)), 1)
    1.0
    """
    from pyproj import CRS, Proj, Transformer

    c = CRS.from_user_input(crs)
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 5), np.linspace(miny, maxy, 5))
    to_ll = Transformer.from_crs(c, c.geodetic_crs, always_xy=True)
    lon, lat = to_ll.transform(xs.ravel(), ys.ravel())
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return math.inf
    f = Proj(c).get_factors(np.asarray(lon)[ok], np.asarray(lat)[ok])
    k = np.concatenate([np.asarray(f.meridional_scale), np.asarray(f.parallel_scale)])
    if not np.all(np.isfinite(k)):
        return math.inf
    return float(np.max(np.abs(k - 1.0)))
