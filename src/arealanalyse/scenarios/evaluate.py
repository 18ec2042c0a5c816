"""Evaluate a scenario: the site table, every suite metric before and after, totals, provenance.

An :class:`Evaluator` holds what all scenarios on one study area share (the layers, the walk
network, the rasters, the accessibility cache and the baseline metric suite), so evaluating a
second scenario, or the same one after a change to one site, reuses them. Baseline layers are
never modified: :func:`~arealanalyse.scenarios.apply.apply_scenario` returns new frames.

The site table has exactly the columns of :data:`SITE_TABLE_COLUMNS` (the rules module builds on
them); see ``docs/scenarios.md`` for their meaning.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from arealanalyse.errors import ArealanalyseError, ScenarioError
from arealanalyse.io import write_geopackage, write_json, write_table, write_text
from arealanalyse.layers.rasters import slope_degrees, surface_from_points, zonal_stats
from arealanalyse.metrics import Accessibility, SuiteResult, run_suite
from arealanalyse.metrics.frequency import oev_classes
from arealanalyse.metrics.grid import share_difference
from arealanalyse.scenarios.apply import Applied, apply_scenario
from arealanalyse.scenarios.jobs import BUSINESS_USES, NON_BUSINESS_USES, USES
from arealanalyse.scenarios.load import load_scenario
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError
from arealanalyse.scenarios.place import open_rail_nodes, resolve_sites
from arealanalyse.scenarios.sitetable import (
    REZONING_COLUMNS,
    SITE_TABLE_COLUMNS,
    abc_class,
    site_table,
)
from arealanalyse.settings import Settings
from arealanalyse.study import Progress, Study
from arealanalyse.transit import service_levels
from arealanalyse.transit.classes import abc_from_distances

__all__ = [
    "CHECK_KINDS",
    "SITE_TABLE_COLUMNS",
    "Evaluator",
    "ScenarioResult",
    "ValidatedFiles",
    "abc_class",
    "check_scenario",
    "evaluate_scenario",
    "load_scenario_files",
    "site_table",
    "validate_files",
    "validate_scenarios",
]


#: Per-home distances written as GeoTIFF surfaces next to a scenario's outputs.
SURFACE_COLUMNS: tuple[str, ...] = ("dist_rail_m", "dist_daily_m", "dist_green_m")

#: Cell size (m) of those surfaces.
SURFACE_CELL_M = 100.0

#: Search bound (m) for a site's network distance to rail/metro (longer than the suite's).
SITE_SEARCH_M = 20_000.0


def _quiet(_: str) -> None:
    return None


@dataclass
class ScenarioResult:
    """Everything a scenario run produces; :meth:`write` puts it in a folder."""

    scenario: Scenario
    sites: gpd.GeoDataFrame
    metrics_before_after: pd.DataFrame
    rezonings: pd.DataFrame
    totals: dict[str, Any]
    inputs: dict[str, str] = field(default_factory=dict)
    suite_before: SuiteResult | None = None
    suite_after: SuiteResult | None = None
    layers_after: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def per_cell_difference(self) -> gpd.GeoDataFrame | None:
        """Per-cell shares after minus before (:func:`.metrics.grid.share_difference`), or None."""
        b, a = (getattr(s, "per_cell", None) for s in (self.suite_before, self.suite_after))
        return None if b is None or a is None else share_difference(b, a)

    def manifest(self) -> dict[str, Any]:
        """Provenance: package version, input hashes (sha256) and settings."""
        from arealanalyse import __version__

        return {
            "scenario": self.scenario.name,
            "arealanalyse_version": __version__,
            "inputs_sha256": dict(sorted(self.inputs.items())),
        }

    def write(self, out_dir: str | os.PathLike[str], /) -> list[Path]:
        """Write the outputs (atomic) and return their paths.

        Files: ``scenario.resolved.yaml``, ``manifest.json``, ``metrics_before_after.csv``,
        ``sites.csv``, ``sites.gpkg``, ``rezonings.csv``, ``totals.json`` and, for QGIS,
        ``surfaces/<distance>_after.tif``: per-home walking distances after the scenario
        (:data:`SURFACE_COLUMNS`) as mean-per-cell GeoTIFF surfaces (:data:`SURFACE_CELL_M`).
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        scenario_dir = self.scenario.path.parent if self.scenario.path else out
        written = [
            write_text(
                out / "scenario.resolved.yaml",
                "# resolved scenario (after extends); paths relative to "
                f"{scenario_dir.name}/\n" + self.scenario.to_yaml(),
            ),
            write_json(out / "manifest.json", self.manifest()),
            write_table(self.metrics_before_after, out / "metrics_before_after.csv"),
            write_table(self.sites.set_index("site_id"), out / "sites.csv"),
            write_table(self.rezonings.set_index("rezone_id"), out / "rezonings.csv"),
            write_json(out / "totals.json", self.totals),
        ]
        if not self.sites.empty:
            gpkg = self.sites.copy()
            for col in ("dist_rail_m", "dist_e18_m", "dist_green_m", "dist_knutepunkt_m"):
                gpkg[col] = gpkg[col].replace([np.inf], np.nan)
            written.append(write_geopackage({"sites": gpkg}, out / "sites.gpkg"))
        per_home = None if self.suite_after is None else self.suite_after.per_home
        if per_home is not None and len(per_home):
            for col in SURFACE_COLUMNS:
                if col in per_home.columns and np.isfinite(per_home[col]).any():
                    surface = surface_from_points(per_home, col, cell_m=SURFACE_CELL_M)
                    written.append(
                        surface.write(out / "surfaces" / f"{col.removesuffix('_m')}_after_m.tif")
                    )
        return written


class Evaluator:
    """The shared baseline of one study area, reused by every scenario evaluated on it.

    Parameters
    ----------
    study
        The study area (:class:`arealanalyse.study.Study`): its layers (never modified), walk
        network, rasters (noise, DEM), timetable, settings, access cache and input hashes are
        used as they are, so one Study serves every evaluator, check and map of a run.
    progress
        Called with a short message at each step (default: the study's).

    With a timetable, the suite adds the frequency metrics and the site table's ABC class uses
    frequency (``settings.transit.abc_basis``); scenarios may add lines or change headways.
    """

    def __init__(self, study: Study, /, *, progress: Progress | None = None) -> None:
        self.study = study
        self.progress = progress or study.progress
        self.settings = study.settings
        self.layers = study.layers()
        self.net = study.network
        self.noise = study.raster("noise")
        self.dem = study.raster("dem")
        self.slope = slope_degrees(self.dem) if self.dem is not None else None
        self.timetable = study.timetable()
        self.inputs = study.input_hashes()
        self.cache = study.access_cache
        self._baseline_suite: SuiteResult | None = None
        self._baseline_extra: pd.DataFrame | None = None
        self._unions: dict[str, shapely.Geometry] = {}

    # ------------------------------------------------------------------ pieces
    def _abc(self, scenario: Scenario) -> tuple[float, float]:
        if scenario.abc is not None:
            return scenario.abc.a_max_m, scenario.abc.b_max_m
        return self.settings.abc_a_max_m, self.settings.abc_b_max_m

    def _suite(
        self, layers: dict[str, gpd.GeoDataFrame], service: gpd.GeoDataFrame | None = None
    ) -> SuiteResult:
        return run_suite(
            layers,
            self.net,
            settings=self.settings,
            cache=self.cache,
            euclidean=False,
            service=service,
        )

    def baseline_service(self) -> gpd.GeoDataFrame | None:
        """Return the stop places' frequency measures of the baseline timetable (or None)."""
        return self.study.service_levels()

    def service_after(self, applied: Applied) -> gpd.GeoDataFrame | None:
        """Return the frequency measures after a scenario (the baseline's when unchanged)."""
        if applied.timetable is None or applied.timetable is self.timetable:
            return self.baseline_service()
        return service_levels(applied.timetable, settings=self.settings)

    def baseline_suite(self) -> SuiteResult:
        """Return the metric suite on the baseline layers (computed once)."""
        if self._baseline_suite is None:
            self.progress("Beregner nøkkeltall for dagens situasjon")
            self._baseline_suite = self._suite(self.layers, self.baseline_service())
        return self._baseline_suite

    def _green_union(self, green: gpd.GeoDataFrame | None) -> shapely.Geometry | None:
        """Union of the green areas (for the sites' distance to green), kept by their geometry.

        Most scenarios leave the green areas as they are, so the union is computed once; a
        scenario that takes or adds green land gets its own (keyed by a hash of the geometry).
        """
        if green is None or green.empty:
            return None
        digest = hashlib.sha256()
        for wkb in shapely.to_wkb(np.asarray(green.geometry.values, dtype=object)):
            digest.update(wkb)
            digest.update(b"|")
        key = digest.hexdigest()
        if key not in self._unions:
            if len(self._unions) >= 8:  # a few scenarios' green layers are plenty
                self._unions.pop(next(iter(self._unions)))
            self._unions[key] = shapely.union_all(green.geometry.values)
        return self._unions[key]

    def _site_frequency(
        self, sites: gpd.GeoDataFrame, service: gpd.GeoDataFrame | None, abc: tuple[float, float]
    ) -> pd.DataFrame | None:
        """Frequency-based ABC class, nearest knutepunkt and ÖV-Güteklasse of each site."""
        if service is None or sites.empty:
            return None
        acc = Accessibility(self.net, sites, settings=self.settings, cache=self.cache, name="sites")
        svc = service.to_crs(self.net.crs)
        points = svc.geometry  # the distances read nothing else

        def dist(mask: np.ndarray, key: str) -> pd.Series:
            if not mask.any():
                return pd.Series(np.inf, index=sites.index)
            return acc.distance_to(points[mask], key=key, max_distance_m=SITE_SEARCH_M)

        knut = dist(svc["knutepunkt"].to_numpy(dtype=bool), "knutepunkt")
        high = dist(svc["frequent_high"].to_numpy(dtype=bool), "frequent_high")
        return pd.DataFrame(
            {
                "abc_class": abc_from_distances(knut, high, a_max_m=abc[0], b_max_m=abc[1]),
                "dist_knutepunkt_m": knut.round(1),
                "oev_class": oev_classes(acc, svc, settings=self.settings),
            }
        )

    def _rail_distance(
        self, points: gpd.GeoDataFrame, transit: gpd.GeoDataFrame | None, *, limit: float
    ) -> pd.Series:
        rail = open_rail_nodes(transit)
        if rail.empty or points.empty:
            return pd.Series(np.inf, index=points.index)
        acc = Accessibility(
            self.net, points, settings=self.settings, cache=self.cache, name="sites"
        )
        return acc.distance_to(rail, key="rail", max_distance_m=limit)

    def _extra_metrics(self, layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
        """Land and floor-space totals of a set of layers (rows added to the metric table)."""
        rows: list[tuple[str, float, str, str]] = []
        wp = layers.get("workplaces")
        if wp is not None:
            business = ~wp["use"].isin(NON_BUSINESS_USES)
            rows.append(
                (
                    "business_bra_m2",
                    float(wp.loc[business, "bra_m2"].fillna(0).sum()),
                    "m2",
                    "Næringsareal (BRA)",
                )
            )
            rows.append(("jobs_total", float(wp["jobs"].fillna(0).sum()), "jobs", "Arbeidsplasser"))
        homes = layers.get("homes")
        if homes is not None:
            rows.append(
                (
                    "dwellings_total",
                    float(homes["dwellings"].fillna(0).sum()),
                    "dwellings",
                    "Boliger",
                )
            )
        for kind, label in (("farmland", "Jordbruksareal"), ("green", "Grøntareal")):
            layer = layers.get(kind)
            if layer is not None:
                rows.append(
                    (f"{kind}_daa", float(layer.geometry.area.sum() / 1000.0), "daa", label)
                )
        zoning = layers.get("zoning")
        if zoning is not None and "category" in zoning:
            areas = zoning.geometry.area.groupby(zoning["category"]).sum() / 1000.0
            for cat in ("naering", "handel", "bolig", "sentrum", "kombinert"):
                rows.append(
                    (f"zoning_{cat}_daa", float(areas.get(cat, 0.0)), "daa", f"Arealformål {cat}")
                )
        return pd.DataFrame(rows, columns=["metric", "value", "unit", "label_nb"])

    def _metric_frame(self, suite: SuiteResult | None, extra: pd.DataFrame) -> pd.DataFrame:
        summary = suite.summary if suite is not None else pd.DataFrame()
        cols = ["metric", "value", "unit", "label_nb"]
        if summary is None or summary.empty:
            base = pd.DataFrame(columns=cols)
        else:
            base = summary.reindex(columns=cols).copy()
        extra = extra[~extra["metric"].isin(base["metric"])]
        frames = [f for f in (base, extra) if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)

    # ------------------------------------------------------------------ public
    def check(self, scenario: Scenario, /) -> gpd.GeoDataFrame:
        """Validate ``scenario`` against the study area; returns the placed sites."""
        return resolve_sites(scenario, self.layers, settings=self.settings)

    def evaluate(
        self, scenario: Scenario, /, *, sites: gpd.GeoDataFrame | None = None
    ) -> ScenarioResult:
        """Apply and evaluate one scenario (baseline work is reused across calls)."""
        s = self.settings
        if sites is None:
            sites = self.check(scenario)
        self.progress(f"{scenario.name}: legger inn {len(sites)} tomter og endringer")
        applied: Applied = apply_scenario(
            scenario, self.layers, sites=sites, settings=s, timetable=self.timetable
        )
        service_after = self.service_after(applied)
        self.progress(f"{scenario.name}: tomtetabell")
        dist = self._rail_distance(sites, applied.layers.get("transit"), limit=SITE_SEARCH_M)
        frequency = (
            self._site_frequency(sites, service_after, self._abc(scenario))
            if s.transit.abc_basis == "frequency"
            else None
        )
        table = site_table(
            sites,
            applied.layers,
            self.layers,
            dist_rail_m=dist,
            noise=self.noise,
            slope=self.slope,
            abc=self._abc(scenario),
            frequency=frequency,
            green_union=self._green_union(applied.layers.get("green")),
        )
        before_suite = self.baseline_suite()
        if self._baseline_extra is None:
            self._baseline_extra = self._extra_metrics(self.layers)
        self.progress(f"{scenario.name}: nøkkeltall etter")
        after_suite = self._suite(applied.layers, service_after)
        before = self._metric_frame(before_suite, self._baseline_extra)
        after = self._metric_frame(after_suite, self._extra_metrics(applied.layers))
        merged = before.merge(
            after[["metric", "value"]],
            on="metric",
            how="outer",
            suffixes=("_before", "_after"),
            sort=False,
        )
        merged = merged.rename(columns={"value_before": "before", "value_after": "after"})
        merged["diff"] = merged["after"] - merged["before"]
        metrics = merged[["metric", "before", "after", "diff", "unit", "label_nb"]]
        metrics = metrics.set_index("metric")
        inputs = {**self.inputs, **scenario.inputs}
        rezonings = applied.rezonings.copy()
        if self.noise is not None and len(rezonings):
            nz = zonal_stats(
                self.noise,
                gpd.GeoSeries(applied.rezone_geometries, crs=s.crs),
                stats=("mean", "max"),
            )
            rezonings["noise_mean_db"] = nz["mean"].round(2).to_numpy()
            rezonings["noise_max_db"] = nz["max"].round(2).to_numpy()
        else:
            rezonings["noise_mean_db"] = np.nan
            rezonings["noise_max_db"] = np.nan
        return ScenarioResult(
            scenario=scenario,
            sites=table,
            metrics_before_after=metrics,
            rezonings=rezonings[list(REZONING_COLUMNS)],
            totals=totals(scenario, table, applied, settings=s),
            inputs=inputs,
            suite_before=before_suite,
            suite_after=after_suite,
            layers_after=applied.layers,
        )


def totals(
    scenario: Scenario, table: gpd.GeoDataFrame, applied: Applied, /, *, settings: Settings
) -> dict[str, Any]:
    """Scenario totals: floor space by use, jobs, dwellings, land take, share near rail."""
    by_use = table.groupby("use")["bra_m2"].sum()
    jobs = float(table["jobs"].sum())
    near = float(table.loc[table["dist_rail_m"] <= settings.rail_distance_m, "jobs"].sum())
    business_new = float(table.loc[table["use"].isin(BUSINESS_USES), "bra_m2"].sum())
    lost = float(applied.rezonings["bra_m2_lost"].sum()) if not applied.rezonings.empty else 0.0
    years = scenario.period.years if scenario.period else None
    key = f"share_new_jobs_within_{settings.rail_distance_m:.0f}m_rail"
    return {
        "scenario": scenario.name,
        "title": scenario.title,
        "period_years": years,
        "bra_m2_by_use": {u: round(float(by_use.get(u, 0.0)), 1) for u in USES},
        "bra_m2_new": round(float(table["bra_m2"].sum()), 1),
        "business_bra_m2_new": round(business_new, 1),
        "bra_m2_lost": round(lost, 1),
        "business_bra_m2_net": round(business_new - lost, 1),
        "business_bra_m2_net_per_year": round((business_new - lost) / years, 1) if years else None,
        "new_jobs": round(jobs, 1),
        "new_jobs_per_year": round(jobs / years, 1) if years else None,
        "new_dwellings": int(table["dwellings"].sum() + applied.rezonings["dwellings"].sum()),
        key: round(near / jobs, 4) if jobs > 0 else None,
        "farmland_daa": round(float(table["farmland_daa"].sum()), 3),
        "farmland_21_22_daa": round(
            float((table["farmland_21_daa"] + table["farmland_22_daa"]).sum()), 3
        ),
        "green_daa": round(float(table["green_daa"].sum()), 3),
        "rezoned_daa": round(float(applied.rezonings["area_daa"].sum()), 3),
        "sites": len(table),
    }


def evaluate_scenario(study: Study, scenario: Scenario, /) -> ScenarioResult:
    """Check one loaded scenario against its study area and evaluate it.

    A one-off: to evaluate several scenarios (or one again after an edit), keep one
    :class:`Evaluator` on the study so its baseline metrics are computed once.
    """
    problems = check_scenario(study, scenario)  # cheap: before the network is built
    if problems:
        raise ScenarioValidationError(problems)
    evaluator = Evaluator(study)
    return evaluator.evaluate(scenario, sites=evaluator.check(scenario))


#: Light layers needed to check scenarios against the study area (no network is built).
CHECK_KINDS: tuple[str, ...] = (
    "boundary",
    "areas",
    "transit",
    "green",
    "services",
    "zoning",
    "farmland",
    "workplaces",
    "homes",
)


def check_scenario(study: Study, scenario: Scenario, /) -> list[str]:
    """Check a loaded scenario against the study area; one line per problem (empty: valid).

    Reads only the light layers (:data:`CHECK_KINDS`) and, for new lines or headways, the
    timetable; no network or metric is computed.
    """
    layers = study.layers(CHECK_KINDS)
    try:
        sites = resolve_sites(scenario, layers, settings=study.settings)
        timetable = None
        if scenario.transit.lines or scenario.transit.frequency:  # only these need it
            timetable = study.timetable()
        apply_scenario(scenario, layers, sites=sites, settings=study.settings, timetable=timetable)
    except ArealanalyseError as exc:
        return list(getattr(exc, "problems", [str(exc)]))
    return []


def load_scenario_files(
    paths: Iterable[str | os.PathLike[str]], /
) -> tuple[dict[str, Scenario], dict[str, list[str]]]:
    """Load and validate scenario files on their own: ``(scenarios, problems)`` by file.

    Every file gets an entry in ``problems`` (empty when it loaded); those that loaded are in
    ``scenarios``.
    """
    scenarios: dict[str, Scenario] = {}
    problems: dict[str, list[str]] = {}
    for p in paths:
        key = str(p)
        try:
            scenarios[key] = load_scenario(p)
            problems[key] = []
        except ScenarioError as exc:
            problems[key] = list(getattr(exc, "problems", [str(exc)]))
    return scenarios, problems


@dataclass
class ValidatedFiles:
    """Scenario files read and checked against their study areas (:func:`validate_scenarios`)."""

    scenarios: dict[str, Scenario]
    """The files that loaded, by file as given."""
    problems: dict[str, list[str]]
    """One line per problem, by file (an empty list: the file is valid)."""
    studies: dict[str, Study]
    """The study areas the scenarios were checked on, by catalogue path."""

    @property
    def ok(self) -> bool:
        """Whether every file is valid."""
        return not any(self.problems.values())


def validate_scenarios(
    paths: Iterable[str | os.PathLike[str]],
    /,
    *,
    studies: Mapping[str, Study] | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> ValidatedFiles:
    """Read scenario files, then check each against its study area (files first).

    Every file is checked. ``studies`` are open studies by catalogue path (as the scenario files
    name them, resolved) to check against; the others are opened (with ``settings``). No
    network or metric is computed, so this is cheap enough to run before any heavy work; the
    studies it returns have their light layers loaded for the evaluation that follows.
    """
    say = progress or _quiet
    loaded, problems = load_scenario_files(paths)
    opened = dict(studies or {})
    for key, sc in loaded.items():
        assert sc.catalogue is not None  # load_scenario demands one
        if sc.catalogue not in opened:
            say(f"Leser studieområdet {Path(sc.catalogue).name}")
            opened[sc.catalogue] = Study.open(sc.catalogue, settings=settings)
        problems[key] = check_scenario(opened[sc.catalogue], sc)
    return ValidatedFiles(loaded, problems, opened)


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    /,
    *,
    studies: Mapping[str, Study] | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> dict[str, list[str]]:
    """Validate scenario files (schema, then against their study area); ``{file: problems}``.

    Every file is checked; an empty list means the file is valid (see
    :func:`validate_scenarios`, which also returns the loaded scenarios and studies).
    """
    return validate_scenarios(paths, studies=studies, settings=settings, progress=progress).problems
