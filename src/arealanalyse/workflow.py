"""The planner's main job: baseline, every scenario, the comparison and the compliance reviews.

:func:`run_main_job` is what ``make demo`` (``arealanalyse demo run``) does, in one process and
on one computation: the study area's layers and walk network are loaded once; each scenario is
evaluated once, and its outputs, its review report and its map all come from that one result.
Everything is written under ``out_dir`` with an ``index.html`` linking it all::

    out_dir/
      index.html                 links to everything below, with the headline numbers
      summary.json               the same numbers for machines
      baseline/                  metric suite: metrics.gpkg, summary.csv, per_cell.csv, ...
      baseline/kart.html         study-area map (zoning, farmland, green, transit walk areas, E18,
                                 ÖV-Güteklassen and stop places when there is a timetable)
      baseline/oev_classes.gpkg  ÖV-Güteklassen areas A-F on the walk network (timetable only)
      baseline/tilgang.html      access choropleth on the 250 m grid
      scenarios/<name>/          before/after metrics, site table, totals, surfaces, provenance
      scenarios/<name>/kart.html sites coloured by verdict, baseline/scenario/difference layers
      review/<name>/             review.html, review.md, review.json (arealstrategi compliance)
      comparison/                ranking.md/.csv/.json and kart.html (all scenarios' sites)
      arealregnskap/             arealregnskap of the revised plan: report, workbook, GeoPackage,
                                 CSV tables, kart.html and review/ (rules on the figures)
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from arealanalyse import maps
from arealanalyse.arealregnskap.run import run_arealregnskap
from arealanalyse.demo import build_demo, demo_is_current, revised_plan_path
from arealanalyse.demo.project import locate_demo, prepare_demo
from arealanalyse.errors import CatalogueError, ScenarioError
from arealanalyse.io import write_geopackage, write_json, write_text
from arealanalyse.layers.schema import KINDS
from arealanalyse.report import (
    access_today_map,
    comparison_map,
    render_index,
    scenario_result_map,
    study_map,
    summary_dict,
    write_ranking,
    write_review,
)
from arealanalyse.rules import (
    default_arealregnskap_rules_path,
    default_rules_path,
    evaluate,
    load_rules,
)
from arealanalyse.scenarios.compare import rank
from arealanalyse.scenarios.evaluate import Evaluator, check_scenario, load_scenario_files
from arealanalyse.settings import Settings
from arealanalyse.study import Progress, Study
from arealanalyse.transit.catchments import node_walk_areas, oev_class_areas

__all__ = [
    "HEADLINE_METRICS",
    "MainJobResult",
    "ScenarioOutcome",
    "demo_scenario_files",
    "layer_summary",
    "open_study",
    "run_main_job",
]


#: Metric ids shown in the printed summary and on the index page (when the suite has them).
HEADLINE_METRICS: tuple[str, ...] = (
    "green_500m_dwellings",
    "green_who_300m_dwellings",
    "service_grocery_400m_dwellings",
    "daily_services_400m_dwellings",
    "transit_400m_dwellings",
    "sdg_11_2_1_population",
    "sdg_11_2_1_frequent_population",
    "oev_class_A_dwellings",
    "oev_class_B_dwellings",
    "knutepunkter",
    "jobs_within_1000m_rail_metro",
)


@dataclass
class ScenarioOutcome:
    """What the main job produced for one scenario."""

    name: str
    title: str
    status: str  # pass | warn | fail (the review's overall verdict)
    failed_rules: list[str]
    totals: dict[str, Any]
    folder: Path
    review: dict[str, Path]
    map_path: Path


@dataclass
class MainJobResult:
    """Paths and headline numbers of a main-job run."""

    out_dir: Path
    index: Path
    baseline_summary: pd.DataFrame
    baseline_maps: dict[str, Path]
    scenarios: list[ScenarioOutcome]
    ranking: pd.DataFrame
    comparison: dict[str, Path]
    synthetic: bool
    seconds: float
    layers: pd.DataFrame = field(default_factory=pd.DataFrame)
    timings_s: dict[str, float] = field(default_factory=dict)
    arealregnskap: dict[str, Path] = field(default_factory=dict)
    arealregnskap_figures: dict[str, Any] = field(default_factory=dict)
    arealregnskap_status: str = ""
    arealregnskap_plan: Path | None = None
    inputs: dict[str, Path] = field(default_factory=dict)

    def moved_to(self, out_dir: Path) -> MainJobResult:
        """Return the same result with every path under ``out_dir`` (after a staged write)."""

        def mv(p: Path) -> Path:
            return Path(out_dir) / Path(p).relative_to(self.out_dir)

        scenarios = [
            dataclasses.replace(
                o,
                folder=mv(o.folder),
                review={k: mv(v) for k, v in o.review.items()},
                map_path=mv(o.map_path),
            )
            for o in self.scenarios
        ]
        return dataclasses.replace(
            self,
            out_dir=Path(out_dir),
            index=mv(self.index),
            baseline_maps={k: mv(v) for k, v in self.baseline_maps.items()},
            scenarios=scenarios,
            comparison={k: mv(v) for k, v in self.comparison.items()},
            arealregnskap={k: mv(v) for k, v in self.arealregnskap.items()},
        )

    def headline(self) -> pd.DataFrame:
        """Return the baseline's headline metrics (those of ``HEADLINE_METRICS`` computed)."""
        s = self.baseline_summary.set_index("metric")
        rows = [m for m in HEADLINE_METRICS if m in s.index]
        return s.loc[rows, ["value", "unit", "label_nb", "label_en"]]


def _quiet(_: str) -> None:
    return None


def layer_summary(layers: Mapping[str, gpd.GeoDataFrame], /) -> pd.DataFrame:
    """One row per loaded layer: features and its main total (weights, area or length).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> homes = gpd.GeoDataFrame({"dwellings": [2.0, 3.0], "population": [4.0, 7.0]},
    ...                          geometry=[Point(0, 0), Point(1, 1)], crs=25832)
    >>> layer_summary({"homes": homes}).to_dict("records")
    [{'layer': 'homes', 'features': 2, 'total': 'dwellings 5, population 11'}]
    """
    rows = []
    for kind, gdf in layers.items():
        spec = KINDS.get(kind)
        parts = [f"{w} {gdf[w].sum():,.0f}" for w in (spec.weight if spec else ()) if w in gdf]
        if not parts and "area_daa" in gdf:
            parts.append(f"{gdf['area_daa'].sum():,.0f} daa")
        if not parts and "length_m" in gdf:
            parts.append(f"{gdf['length_m'].sum() / 1000:,.0f} km")
        if not parts and kind == "boundary":
            parts.append(f"{gdf.geometry.area.sum() / 1e6:,.1f} km²")
        if not parts and "category" in gdf and kind == "services":
            parts.append(", ".join(f"{k} {v}" for k, v in gdf["category"].value_counts().items()))
        if not parts and "mode" in gdf:
            parts.append(", ".join(f"{k} {v}" for k, v in gdf["mode"].value_counts().items()))
        rows.append({"layer": kind, "features": len(gdf), "total": ", ".join(parts)})
    return pd.DataFrame(rows, columns=["layer", "features", "total"])


def open_study(
    catalogue: str | os.PathLike[str] | None = None,
    /,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Study:
    """Open the main job's study area; the synthetic demo is built first when its data is missing.

    Without ``catalogue``, the demo's ``layers/baerum-demo.yaml``: in the current folder when it
    has one (a checkout), else in the demo project in the user's data folder (``data_dir``, see
    :func:`arealanalyse.demo.project.locate_demo`), prepared on first use. A real (not
    synthetic) catalogue whose files are missing is an error naming the first one.
    """
    say = progress or _quiet
    if catalogue is None:  # the demo: this folder's project, else the data folder's
        catalogue = prepare_demo(locate_demo(data_dir=data_dir), progress=say).catalogue
    cat_path = Path(catalogue)
    if not cat_path.is_file():
        raise CatalogueError(
            f"Catalogue {str(cat_path)!r} does not exist; give an existing layer catalogue "
            "(or none, to run the demo)."
        )
    study = Study.open(cat_path, settings=settings, progress=say)
    if _ensure_demo(study, say):  # the demo (and its catalogue) were written anew
        study = Study.open(cat_path, settings=settings, progress=say)
    return study


def _ensure_demo(study: Study, say: Progress) -> bool:
    """Build the demo study area when its catalogue points at data that is not there yet.

    Returns whether it was built. A real catalogue with missing files is an error.
    """
    cat = study.catalogue
    assert cat is not None
    name = cat.path.name
    missing = [k for k in cat.kinds if not cat.source_path(k).exists()]
    feeds = [p for p in cat.timetable_paths() if not p.exists()]
    if not cat.synthetic:
        if missing:
            raise CatalogueError(
                f"Catalogue {name!r}: the source of {missing[0]!r} "
                f"({cat.source_path(missing[0])}) does not exist; fetch or copy the data first."
            )
        if feeds:
            raise CatalogueError(
                f"Catalogue {name!r}: the timetable {str(feeds[0])!r} does not exist; "
                "download the feed (e.g. from Entur) or remove it from 'timetables'."
            )
        return False
    missing += [p.name for p in feeds]

    gpkgs = {cat.source_path(k) for k in cat.kinds if cat.source_path(k).suffix == ".gpkg"}
    stale = [g for g in gpkgs if g.exists() and not demo_is_current(g)]
    if "zoning" in cat.kinds and not revised_plan_path(cat.source_path("zoning")).exists():
        missing.append("zoning")  # the revised plan of the arealregnskap is built with the demo
    if not missing and not stale:
        return False
    data_dir = cat.source_path(cat.kinds[0]).parent
    why = "mangler" if missing else "er laget av en eldre versjon av generatoren"
    say(f"Bygger demo-studieområdet (syntetisk) i {data_dir}: dataene {why}")
    build_demo(data_dir, catalogue=cat.path, progress=say)
    return True


def demo_scenario_files(
    study: Study, /, *, data_dir: str | os.PathLike[str] | None = None
) -> list[Path] | None:
    """Return the scenario files of the data folder's demo project when ``study`` is that demo.

    None for any other study area (a checkout's demo or a real one: their ``scenarios/``).
    """
    project = locate_demo(data_dir=data_dir)
    if not project.managed or study.path is None:
        return None
    if study.path.resolve() != project.catalogue.resolve():
        return None
    return project.scenario_files()


def _scenario_files(study: Study, scenarios: Sequence[str | os.PathLike[str]] | None) -> list[Path]:
    if scenarios is None:
        demo = demo_scenario_files(study)
        if demo is not None:
            return demo
        files = sorted(Path("scenarios").glob("*.yaml"))
        if not files:
            raise ScenarioError(
                f"No scenario files in {Path('scenarios').resolve()}; run from the project root "
                "or name the files."
            )
        return files
    return [Path(p) for p in scenarios]


def _revised_plan(study: Study, plan: str | os.PathLike[str] | None) -> Path | None:
    """Return the plan for the arealregnskap: the one given, else the demo's revised plan."""
    if plan is not None:
        return Path(plan)
    cat = study.catalogue
    if cat is None or not cat.synthetic or "zoning" not in cat.kinds:
        return None

    path = revised_plan_path(cat.source_path("zoning"))
    return path if path.exists() else None


def run_main_job(
    study: Study,
    out_dir: str | os.PathLike[str],
    /,
    *,
    scenarios: Sequence[str | os.PathLike[str]] | None = None,
    rules: str | os.PathLike[str] | None = None,
    plan: str | os.PathLike[str] | None = None,
    lang: str = "nb",
    offline: bool = True,
    progress: Progress | None = None,
) -> MainJobResult:
    """Run the whole planner's workflow on one study area and write everything to ``out_dir``.

    Parameters
    ----------
    study
        The study area (:func:`open_study` opens the demo, building it on first use). Its
        layers, network, timetable and rasters are loaded once and serve every step.
    out_dir
        Output folder (created; files in it are replaced atomically).
    scenarios
        Scenario files; default every ``scenarios/*.yaml`` (those of the demo project in the
        user's data folder when the study is that demo, see :func:`open_study`). All are
        validated (against the study area) before any work; they must name the study's
        catalogue. A scenario without sites and rezonings (the baseline) is run but not ranked
        or reviewed.
    rules
        Rule file; default the shipped Bærum arealstrategi.
    plan
        A revised plan (plan file) for the arealregnskap; default the demo's shipped revised
        plan (SYNTHETIC) when the study is the demo, else none (no arealregnskap).
    lang
        ``nb`` (default) or ``en`` for reports and maps.
    offline
        Inline the maps' JavaScript and CSS so the HTML files work without internet.
    progress
        Called with a short message at each step (default: the study's).
    """
    if lang not in ("nb", "en"):
        raise ValueError(f"lang must be 'nb' or 'en', not {lang!r}")
    say = progress or study.progress
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(step: str, since: float) -> float:
        now = time.perf_counter()
        timings[step] = round(now - since, 2)
        return now

    out = Path(out_dir)
    files = _scenario_files(study, scenarios)
    rule_set = load_rules(rules if rules is not None else default_rules_path())

    # 1. Read every scenario file, then check each against the study area, before heavy work.
    t = time.perf_counter()
    say(f"Validerer {len(files)} scenariofiler")
    by_file, problems = load_scenario_files(files)
    loaded = list(by_file.values())
    for sc in loaded:
        if (
            study.path is not None
            and sc.catalogue is not None
            and Path(sc.catalogue).resolve() != study.path.resolve()
        ):
            raise ScenarioError(
                f"Scenario {sc.name!r} uses catalogue {sc.catalogue}, not {study.path}; "
                "run scenarios of one study area together."
            )
    for key, sc in by_file.items():
        problems[key] = check_scenario(study, sc)
    bad = {f: p for f, p in problems.items() if p}
    if bad:
        first_file, lines = next(iter(bad.items()))
        raise ScenarioError(
            f"{sum(len(p) for p in bad.values())} problem(s) in the scenario files; first: "
            f"{lines[0]} (run `arealanalyse scenario validate {first_file}` for all)."
        )
    t = lap("validate", t)

    # 2. Layers, rasters and walk network, once.
    evaluator = Evaluator(study, progress=say)
    t = lap("load_and_network", t)

    # 3. Baseline metric suite and maps.
    say("Beregner basis-indikatorene")
    suite = evaluator.baseline_suite()
    suite.write(out / "baseline")
    t = lap("baseline_suite", t)
    say("Tegner basiskartene")
    common: dict[str, Any] = {
        "synthetic": study.synthetic,
        "sources": study.sources,
        "lang": lang,
    }
    boundary = evaluator.layers.get("boundary")
    service = evaluator.baseline_service()
    classes = None
    if service is not None and len(service):
        say("Tegner kollektivklassene (ÖV-Güteklassen)")
        classes = oev_class_areas(service, evaluator.net, settings=evaluator.settings)
        if len(classes):
            write_geopackage({"oev_classes": classes}, out / "baseline" / "oev_classes.gpkg")
    walk_areas = node_walk_areas(
        evaluator.layers.get("transit"), evaluator.net, settings=evaluator.settings
    )
    overview = study_map(
        evaluator.layers,
        title=study.title,
        walk_areas=walk_areas,
        service=service,
        classes=classes,
        **common,
    )
    baseline_maps = {
        "study": maps.save_map(overview, out / "baseline" / "kart.html", offline=offline),
        "access": maps.save_map(
            access_today_map(suite.per_cell, boundary=boundary, **common),
            out / "baseline" / "tilgang.html",
            offline=offline,
        ),
    }
    t = lap("baseline_maps", t)

    # 4. Each scenario: one evaluation feeds its tables, its review and its map.
    outcomes: list[ScenarioOutcome] = []
    results = []
    for sc in loaded:
        say(f"Scenario {sc.name}: beregner")
        res = evaluator.evaluate(sc)
        folder = out / "scenarios" / sc.name
        res.write(folder)
        is_alternative = len(res.sites) > 0 or len(res.rezonings) > 0
        ev = None
        if is_alternative:
            results.append(res)
            say(f"Scenario {sc.name}: kontrollerer mot arealstrategien")
            ev = evaluate(res, rule_set)
            review = write_review(
                ev, out / "review" / sc.name, lang=lang, synthetic=study.synthetic, offline=offline
            )
            summary = ev.rule_summary()
            failed = summary.loc[summary["verdict"] == "fail", "rule_id"].astype(str).tolist()
            status = ev.status
        else:
            review, failed, status = {}, [], "pass"
        say(f"Scenario {sc.name}: tegner kartet")
        smap = scenario_result_map(
            res, evaluation=ev, subtitle=study.title, boundary=boundary, **common
        )
        map_path = maps.save_map(smap, folder / "kart.html", offline=offline)
        outcomes.append(
            ScenarioOutcome(
                name=sc.name,
                title=sc.title or sc.name,
                status=status,
                failed_rules=failed,
                totals=res.totals,
                folder=folder,
                review=review,
                map_path=map_path,
            )
        )
    t = lap("scenarios", t)

    # 5. Arealregnskap of the revised plan (KDD 2023), from the layers already loaded.
    arealregnskap: dict[str, Path] = {}
    ar_figures: dict[str, Any] = {}
    ar_status = ""
    plan_path = _revised_plan(study, plan)
    if plan_path is not None:
        say(f"Arealregnskap for {plan_path.name}")
        period = next(
            (
                (sc.period.start, sc.period.end)
                for sc in sorted(loaded, key=lambda x: x.name != "baseline")
                if sc.period is not None
            ),
            None,
        )
        ar = run_arealregnskap(
            study,
            out / "arealregnskap",
            plan=plan_path,
            period=period,
            rules=default_arealregnskap_rules_path(),
            lang=lang,
            offline=offline,
            progress=say,
        )
        arealregnskap, ar_figures = ar.paths, ar.result.figures
        ar_status = ar.evaluation.status if ar.evaluation is not None else ""
    t = lap("arealregnskap", t)

    # 6. Ranking of the alternatives and the comparison map.
    comparison: dict[str, Path] = {}
    ranking = pd.DataFrame()
    if len(results) >= 2:
        say(f"Rangerer {len(results)} alternativer")
        ranking = rank(results)
        for p in write_ranking(ranking, out / "comparison", lang=lang):
            comparison[p.suffix.lstrip(".")] = p
        cmap = comparison_map(
            {r.name: r.sites for r in results if len(r.sites)}, boundary=boundary, **common
        )
        comparison["map"] = maps.save_map(cmap, out / "comparison" / "kart.html", offline=offline)
    t = lap("comparison", t)

    # 7. Index page and machine-readable summary.
    seconds = round(time.perf_counter() - t0, 1)
    result = MainJobResult(
        out_dir=out,
        index=out / "index.html",
        baseline_summary=suite.summary,
        baseline_maps=baseline_maps,
        scenarios=outcomes,
        ranking=ranking,
        comparison=comparison,
        synthetic=study.synthetic,
        seconds=seconds,
        layers=layer_summary(evaluator.layers),
        timings_s=timings,
        arealregnskap=arealregnskap,
        arealregnskap_figures=ar_figures,
        arealregnskap_status=ar_status,
        arealregnskap_plan=plan_path,
        inputs=study.input_files(),
    )

    write_text(result.index, render_index(result, title=study.title, lang=lang))
    write_json(out / "summary.json", summary_dict(result))
    lap("index", t)
    return result
