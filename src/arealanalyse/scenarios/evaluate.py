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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from arealanalyse.errors import ScenarioError
from arealanalyse.io import write_geopackage, write_json, write_table, write_text
from arealanalyse.layers.rasters import (
    Raster,
    read_raster,
    slope_degrees,
    surface_from_points,
    zonal_stats,
)
from arealanalyse.metrics.grid import share_difference
from arealanalyse.scenarios.apply import (
    Applied,
    apply_scenario,
    open_rail_nodes,
    resolve_sites,
)
from arealanalyse.scenarios.jobs import BUSINESS_USES, NON_BUSINESS_USES, USES
from arealanalyse.scenarios.model import Scenario, ScenarioValidationError, load_scenario
from arealanalyse.scenarios.sitetable import (
    REZONING_COLUMNS,
    SITE_TABLE_COLUMNS,
    abc_class,
    site_table,
)
from arealanalyse.settings import Settings

__all__ = [
    "SITE_TABLE_COLUMNS",
    "Evaluator",
    "ScenarioResult",
    "abc_class",
    "evaluate_scenario",
    "site_table",
]


#: Per-home distances written as GeoTIFF surfaces next to a scenario's outputs.
SURFACE_COLUMNS: tuple[str, ...] = ("dist_rail_m", "dist_daily_m", "dist_green_m")

#: Cell size (m) of those surfaces.
SURFACE_CELL_M = 100.0

#: Search bound (m) for a site's network distance to rail/metro (longer than the suite's).
SITE_SEARCH_M = 20_000.0

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class ScenarioResult:
    """Everything a scenario run produces; :meth:`write` puts it in a folder."""

    scenario: Scenario
    sites: gpd.GeoDataFrame
    metrics_before_after: pd.DataFrame
    rezonings: pd.DataFrame
    totals: dict[str, Any]
    inputs: dict[str, str] = field(default_factory=dict)
    suite_before: Any = None
    suite_after: Any = None
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
        per_home = getattr(self.suite_after, "per_home", None)
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
    layers
        Canonical baseline layers ``{kind: GeoDataFrame}`` (never modified).
    net
        The walk network (:class:`arealanalyse.network.WalkNetwork`).
    noise, dem
        Rasters (:func:`~arealanalyse.layers.rasters.read_raster`), or None.
    settings
        Run settings.
    inputs
        ``{label: sha256}`` of the files the baseline came from (for manifests).
    progress
        Called with a short message at each step.
    timetable
        The study area's timetable (:class:`arealanalyse.transit.Timetable`), or None. With one,
        the suite adds the frequency metrics and the site table's ABC class uses frequency
        (``settings.transit.abc_basis``); scenarios may add lines or change headways.
    """

    def __init__(
        self,
        layers: dict[str, gpd.GeoDataFrame],
        net: Any,
        /,
        *,
        noise: Raster | None = None,
        dem: Raster | None = None,
        settings: Settings | None = None,
        inputs: dict[str, str] | None = None,
        progress: Progress | None = None,
        timetable: Any = None,
    ) -> None:
        from arealanalyse.metrics import AccessCache

        self.layers = dict(layers)
        self.net = net
        self.noise = noise
        self.dem = dem
        self.slope = slope_degrees(dem) if dem is not None else None
        self.settings = settings or Settings()
        self.inputs = dict(inputs or {})
        self.progress = progress or _quiet
        self.cache = AccessCache()
        self._baseline_suite: Any = None
        self._baseline_extra: pd.DataFrame | None = None
        self._workplace_access: Any = None
        self.timetable = timetable
        self._baseline_service: gpd.GeoDataFrame | None = None

    @classmethod
    def from_catalogue(
        cls,
        path: str | os.PathLike[str],
        /,
        *,
        settings: Settings | None = None,
        progress: Progress | None = None,
    ) -> Evaluator:
        """Load a catalogue's layers, rasters and walk network (with the network file cache)."""
        from arealanalyse.layers.catalogue import load_catalogue
        from arealanalyse.network import WalkNetwork

        say = progress or _quiet
        cat = load_catalogue(Path(path), settings=settings)
        s = settings or cat.settings
        say(f"Leser lag fra {cat.path.name}")
        layers = cat.load_all()
        inputs = {f"catalogue:{cat.path.name}": _sha256(cat.path)}
        hashed: dict[Path, str] = {}
        for kind in cat.kinds:
            src = cat.source_path(kind)
            if src.is_file():
                if src not in hashed:  # several kinds often share one GeoPackage
                    hashed[src] = _sha256(src)
                inputs[f"layer:{kind}:{src.name}"] = hashed[src]
        rasters: dict[str, Raster | None] = {}
        for kind in ("noise", "dem"):
            rp = cat.raster_path(kind)
            rasters[kind] = read_raster(rp, name=kind, settings=s) if rp is not None else None
            if rp is not None:
                inputs[f"raster:{kind}:{rp.name}"] = _sha256(rp)
        timetable = None
        if cat.has_timetable:
            say("Leser rutetabellen")
            timetable = cat.timetable()
            for path in cat.timetable_paths():
                if path.is_file():
                    inputs[f"timetable:{path.name}"] = _sha256(path)
        say(f"Bygger gangnettet ({len(layers.get('walk_network', []))} segmenter)")
        net = WalkNetwork.from_edges(layers["walk_network"], settings=s)
        return cls(
            layers,
            net,
            noise=rasters["noise"],
            dem=rasters["dem"],
            settings=s,
            inputs=inputs,
            progress=say,
            timetable=timetable,
        )

    # ------------------------------------------------------------------ pieces
    def _abc(self, scenario: Scenario) -> tuple[float, float]:
        if scenario.abc is not None:
            return scenario.abc.a_max_m, scenario.abc.b_max_m
        return self.settings.abc_a_max_m, self.settings.abc_b_max_m

    def _suite(
        self, layers: dict[str, gpd.GeoDataFrame], service: gpd.GeoDataFrame | None = None
    ) -> Any:
        from arealanalyse.metrics import run_suite

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
        if self.timetable is None:
            return None
        if self._baseline_service is None:
            from arealanalyse.transit import service_levels

            self._baseline_service = service_levels(self.timetable, settings=self.settings)
        return self._baseline_service

    def service_after(self, applied: Applied) -> gpd.GeoDataFrame | None:
        """Return the frequency measures after a scenario (the baseline's when unchanged)."""
        if applied.timetable is None or applied.timetable is self.timetable:
            return self.baseline_service()
        from arealanalyse.transit import service_levels

        return service_levels(applied.timetable, settings=self.settings)

    def baseline_suite(self) -> Any:
        """Return the metric suite on the baseline layers (computed once)."""
        if self._baseline_suite is None:
            self.progress("Beregner nøkkeltall for dagens situasjon")
            self._baseline_suite = self._suite(self.layers, self.baseline_service())
        return self._baseline_suite

    def _site_frequency(
        self, sites: gpd.GeoDataFrame, service: gpd.GeoDataFrame | None, abc: tuple[float, float]
    ) -> pd.DataFrame | None:
        """Frequency-based ABC class, nearest knutepunkt and ÖV-Güteklasse of each site."""
        if service is None or sites.empty:
            return None
        from arealanalyse.metrics import Accessibility
        from arealanalyse.metrics.frequency import oev_classes
        from arealanalyse.transit.classes import abc_from_distances

        acc = Accessibility(self.net, sites, settings=self.settings, cache=self.cache, name="sites")
        svc = service.to_crs(self.net.crs)

        def dist(mask: np.ndarray, key: str) -> pd.Series:
            if not mask.any():
                return pd.Series(np.inf, index=sites.index)
            return acc.distance_to(svc.loc[mask], key=key, max_distance_m=SITE_SEARCH_M)

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
        from arealanalyse.metrics import Accessibility

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

    def _metric_frame(self, suite: Any, extra: pd.DataFrame) -> pd.DataFrame:
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
        inputs = dict(self.inputs)
        for p in scenario.chain:
            inputs[f"scenario:{p.name}"] = _sha256(p)
        for site in scenario.sites:
            if site.file:
                inputs[f"site_file:{Path(site.file).name}"] = _sha256(Path(site.file))
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


def evaluate_scenario(
    path: str | os.PathLike[str],
    /,
    *,
    settings: Settings | None = None,
    evaluator: Evaluator | None = None,
) -> ScenarioResult:
    """Load, validate and evaluate one scenario file.

    The evaluator (layers, network, baseline metrics) is built from the scenario's catalogue
    unless one is given; pass the same evaluator to evaluate many scenarios fast. The file is
    validated completely (also against the study area) before the network is built.
    """
    scenario = load_scenario(path)
    if evaluator is None:
        assert scenario.catalogue is not None
        problems = validate_files([path], settings=settings)[str(path)]
        if problems:
            raise ScenarioValidationError(problems)
        evaluator = Evaluator.from_catalogue(scenario.catalogue, settings=settings)
    sites = evaluator.check(scenario)
    return evaluator.evaluate(scenario, sites=sites)


def evaluators_for(
    scenarios: Iterable[Scenario],
    /,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> dict[str, Evaluator]:
    """One evaluator per distinct catalogue among ``scenarios`` (keyed by catalogue path)."""
    out: dict[str, Evaluator] = {}
    for sc in scenarios:
        if sc.catalogue is None:
            raise ScenarioError(f"Scenario {sc.name!r} names no catalogue; add catalogue: to it.")
        if sc.catalogue not in out:
            out[sc.catalogue] = Evaluator.from_catalogue(
                sc.catalogue, settings=settings, progress=progress
            )
    return out


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


def validate_files(
    paths: Iterable[str | os.PathLike[str]],
    /,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> dict[str, list[str]]:
    """Validate scenario files (schema, then against their study area); ``{file: problems}``.

    Every file is checked; an empty list means the file is valid. No network or metric is
    computed, so this is cheap enough to run before any heavy work.
    """
    from arealanalyse.errors import ArealanalyseError
    from arealanalyse.layers.catalogue import load_catalogue

    say = progress or _quiet
    out: dict[str, list[str]] = {}
    loaded: dict[str, Scenario] = {}
    for p in paths:
        key = str(p)
        try:
            loaded[key] = load_scenario(p)
            out[key] = []
        except ScenarioError as exc:
            out[key] = list(getattr(exc, "problems", [str(exc)]))
    light: dict[str, dict[str, gpd.GeoDataFrame]] = {}
    cats: dict[str, Any] = {}
    for key, sc in loaded.items():
        assert sc.catalogue is not None
        if sc.catalogue not in light:
            say(f"Leser studieområdet {Path(sc.catalogue).name}")
            cat = load_catalogue(Path(sc.catalogue), settings=settings)
            cats[sc.catalogue] = cat
            light[sc.catalogue] = {k: cat.layer(k) for k in CHECK_KINDS if cat.has(k)}
        layers = light[sc.catalogue]
        try:
            sites = resolve_sites(sc, layers, settings=settings)
            timetable = None
            if sc.transit.lines or sc.transit.frequency:  # only these need the timetable
                timetable = cats[sc.catalogue].timetable()
            apply_scenario(sc, layers, sites=sites, settings=settings, timetable=timetable)
        except ArealanalyseError as exc:
            out[key] = list(getattr(exc, "problems", [str(exc)]))
    return out
