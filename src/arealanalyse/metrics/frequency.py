"""Frequency-based transit metrics: ÖV-Güteklassen shares, SDG 11.2.1 with a frequency criterion.

:func:`frequency_metrics` takes the stop places' service levels
(:func:`arealanalyse.transit.service_levels`) and returns per-home columns and summary rows that
:func:`~arealanalyse.metrics.run_suite` adds to its tables:

* ``oev_class`` per home and per workplace: the best ÖV-Güteklasse (A-F) over all stop places,
  by walking distance on the network (``''`` outside every class); shares of dwellings,
  residents and jobs per class (``oev_class_<X>_<weight>``);
* ``sdg_11_2_1_frequent``: within ``bus_distance_m`` of a bus stop place, or ``rail_distance_m``
  of a rail/metro/tram stop place, whose daytime headway is at most
  ``TransitSettings.sdg_max_headway_min`` (GHSCI's refinement of SDG 11.2.1);
* ``dist_knutepunkt_m``: walking distance to the nearest stop place that passes the knutepunkt
  test, and the number of knutepunkter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.metrics.access import Accessibility
from arealanalyse.settings import Settings, resolve

__all__ = ["CLASSES", "FrequencyResult", "frequency_metrics", "oev_classes"]

#: ÖV-Güteklassen letters, best first; ``none`` is outside every class.
CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")


@dataclass
class FrequencyResult:
    """Per-home columns and summary rows of the frequency metrics."""

    per_home: pd.DataFrame
    rows: list[dict[str, Any]] = field(default_factory=list)
    per_workplace: pd.DataFrame | None = None


def oev_classes(
    acc: Accessibility, service: gpd.GeoDataFrame, /, *, settings: Settings | None = None
) -> pd.Series:
    """Best ÖV-Güteklasse (A-F, ``''`` none) of each origin of ``acc`` (homes or workplaces).

    For each station category, the walking distance to its nearest stop place decides the
    class that category gives (``TransitSettings.oev_classes``); the best class wins.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> from arealanalyse.network import WalkNetwork
    >>> net = WalkNetwork.from_edges(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (2000, 0)])], crs=25832))
    >>> homes = gpd.GeoDataFrame(geometry=[Point(x, 0) for x in (100, 600, 900, 1500)],
    ...                          crs=25832)
    >>> stops = gpd.GeoDataFrame({"oev_category": [1]}, geometry=[Point(0, 0)], crs=25832)
    >>> oev_classes(Accessibility(net, homes), stops).tolist()
    ['A', 'B', 'C', '']
    """
    s = resolve(settings)
    ts = s.transit
    best = np.full(len(acc), len(CLASSES), dtype=np.int64)  # index into CLASSES; len = none
    cats = service["oev_category"].to_numpy()
    points = service.geometry  # the distances read nothing else
    for cat in sorted(set(cats.tolist()) - {0}):
        table = sorted(ts.oev_classes.get(int(cat), {}).items())
        if not table:
            continue
        stops = points[cats == cat]
        dist = acc.distance_to(stops, key=f"oev_cat{cat}", max_distance_m=table[-1][0])
        d = dist.to_numpy()
        cls = np.full(len(d), len(CLASSES), dtype=np.int64)
        for limit, letter in reversed(table):  # nearest band last, so it wins
            cls[d <= limit] = CLASSES.index(letter)
        best = np.minimum(best, cls)
    letters = np.array([*CLASSES, ""], dtype=object)
    return pd.Series(letters[best], index=acc.index.copy(), name="oev_class")


def _share(mask: np.ndarray, weight: np.ndarray) -> float:
    total = float(weight.sum())
    return 100.0 * float(weight[mask].sum()) / total if total > 0 else float("nan")


def frequency_metrics(
    acc: Accessibility,
    service: gpd.GeoDataFrame,
    /,
    *,
    weights: pd.DataFrame,
    workplaces: gpd.GeoDataFrame | None = None,
    job_weights: pd.Series | None = None,
    settings: Settings | None = None,
) -> FrequencyResult:
    """Frequency-based metrics for the homes of ``acc`` (and the jobs of ``workplaces``).

    Parameters
    ----------
    acc
        Homes snapped to the walk network.
    service
        Stop places with frequency measures (:func:`arealanalyse.transit.service_levels`), in
        the network's CRS.
    weights
        ``dwellings`` and ``population`` per home (indexed like the homes).
    workplaces, job_weights
        Workplaces and their jobs, for the job shares per class.
    settings
        Distances (``bus_distance_m``, ``rail_distance_m``) and ``settings.transit``.
    """
    s = resolve(settings)
    ts = s.transit
    cols: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []

    def add(metric: str, value: float, unit: str, nb: str, en: str, weight: str = "") -> None:
        rows.append(
            {
                "metric": metric,
                "value": float(value),
                "unit": unit,
                "label_nb": nb,
                "label_en": en,
                "weight": weight,
            }
        )

    cls = oev_classes(acc, service, settings=s)
    cols["oev_class"] = cls
    cols["oev_class_ab"] = cls.isin(["A", "B"])
    window = "–".join(ts.oev_window)
    per_wp = None
    job_cls = None
    if workplaces is not None and len(workplaces) and job_weights is not None:
        jobs_acc = Accessibility(acc.net, workplaces, settings=s, cache=acc.cache, name="jobs")
        job_cls = oev_classes(jobs_acc, service, settings=s)
        per_wp = pd.DataFrame({"oev_class": job_cls})
    for letter in (*CLASSES, ""):
        tag = letter or "none"
        what_nb = f"i kollektivklasse {letter} (ÖV-Güteklasse)" if letter else "utenfor alle"
        what_en = f"in public-transport class {letter} (ÖV-Güteklasse)" if letter else "outside"
        if not letter:
            what_nb += " kollektivklasser (ÖV-Güteklassen A–F)"
            what_en += " every public-transport class (ÖV-Güteklassen A–F)"
        mask = (cls == letter).to_numpy()
        for col, nb_w, en_w in (
            ("dwellings", "boliger", "dwellings"),
            ("population", "bosatte", "residents"),
        ):
            add(
                f"oev_class_{tag}_{col}",
                _share(mask, weights[col].to_numpy(dtype=np.float64)),
                "%",
                f"Andel {nb_w} {what_nb}, {window}",
                f"Share of {en_w} {what_en}, {window}",
                col,
            )
        if job_cls is not None and job_weights is not None:
            add(
                f"oev_class_{tag}_jobs",
                _share((job_cls == letter).to_numpy(), job_weights.to_numpy(dtype=np.float64)),
                "%",
                f"Andel arbeidsplasser {what_nb}, {window}",
                f"Share of jobs {what_en}, {window}",
                "jobs",
            )
    # SDG 11.2.1 with the frequency criterion
    points = service.geometry  # the distances read nothing else
    bus = points[service["sdg_frequent_bus"].to_numpy(dtype=bool)]
    high = points[service["sdg_frequent_high"].to_numpy(dtype=bool)]
    within = pd.Series(False, index=acc.index.copy())
    if len(bus):
        within |= acc.distance_to(bus, key="bus_frequent") <= s.bus_distance_m
    if len(high):
        within |= acc.distance_to(high, key="rail_frequent") <= s.rail_distance_m
    cols["sdg_11_2_1_frequent"] = within
    h = f"{ts.sdg_max_headway_min:g}"
    for col, nb_w, en_w in (
        ("dwellings", "boliger", "dwellings"),
        ("population", "bosatte", "residents"),
    ):
        add(
            f"sdg_11_2_1_frequent_{col}",
            _share(within.to_numpy(), weights[col].to_numpy(dtype=np.float64)),
            "%",
            f"Andel {nb_w} med god kollektivtilgang med frekvens (SDG 11.2.1: {s.bus_distance_m:g}"
            f" m til buss, {s.rail_distance_m:g} m til tog/T-bane/trikk, hver {h}. min eller "
            f"oftere {'–'.join(ts.sdg_window)})",
            f"Share of {en_w} with convenient and frequent public transport (SDG 11.2.1: "
            f"{s.bus_distance_m:g} m to bus, {s.rail_distance_m:g} m to rail/metro/tram, every "
            f"{h} min or better {'–'.join(ts.sdg_window)})",
            col,
        )
    # knutepunkter
    knut = points[service["knutepunkt"].to_numpy(dtype=bool)]
    cols["dist_knutepunkt_m"] = (
        acc.distance_to(knut, key="knutepunkt")
        if len(knut)
        else pd.Series(np.inf, index=acc.index.copy())
    )
    add(
        "knutepunkter",
        float(len(knut)),
        "count",
        "Holdeplasser som er kollektivknutepunkt (to eller flere transportmidler med høy frekvens"
        f" i rushtiden {'–'.join(ts.knutepunkt_window)})",
        "Stop places that are knutepunkter (two or more modes at high rush-hour frequency, "
        f"{'–'.join(ts.knutepunkt_window)})",
    )
    add(
        "stop_places_served",
        float(len(service)),
        "count",
        f"Holdeplasser med avganger ({service.attrs.get('transit', {}).get('date', '')})",
        f"Stop places with departures ({service.attrs.get('transit', {}).get('date', '')})",
    )
    return FrequencyResult(per_home=pd.DataFrame(cols), rows=rows, per_workplace=per_wp)
