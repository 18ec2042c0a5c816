"""``arealanalyse map``: one shareable HTML map from a catalogue, a scenario or saved results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from arealanalyse.errors import CatalogueError, LayerFileError
from arealanalyse.i18n import LANGS, Lang, check_lang, msg
from arealanalyse.study import Study

if TYPE_CHECKING:
    from arealanalyse.maps import WebMap

__all__ = ["detect_input", "map_command"]

_console = Console(stderr=True)


#: Catalogue layers the study-area map draws (others are not loaded).
def _read_yaml(path: Path) -> dict[str, Any]:
    from arealanalyse.yamlfiles import read_yaml

    return read_yaml(path, error=CatalogueError, what="File")


def detect_input(path: Path) -> str:
    """Say what ``path`` is: ``catalogue``, ``scenario``, ``results`` or ``compare``.

    A layer catalogue YAML has ``layers:``; a scenario YAML has ``schema_version`` and ``sites``
    or ``extends``; a results folder holds ``metrics.gpkg`` (a metric suite) or ``sites.gpkg`` (a
    scenario run), or sub-folders with ``sites.gpkg`` (several scenario runs: ``compare``); a
    GeoPackage is read for its ``per_cell`` or ``sites`` layer.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    if path.is_dir():
        if (path / "sites.gpkg").is_file() or (path / "metrics.gpkg").is_file():
            return "results"
        if len([p for p in path.iterdir() if (p / "sites.gpkg").is_file()]) >= 1:
            return "compare"
        raise CatalogueError(
            f"{path}: folder has no metrics.gpkg or sites.gpkg (nor sub-folders with sites.gpkg); "
            "pass a catalogue, a scenario YAML or a results folder."
        )
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        return "results"
    if suffix in {".yaml", ".yml"}:
        data = _read_yaml(path)
        if "layers" in data:
            return "catalogue"
        if "schema_version" in data and ("sites" in data or "extends" in data):
            return "scenario"
        raise CatalogueError(
            f"{path}: neither a layer catalogue (no 'layers:') nor a scenario (no "
            "'schema_version' with 'sites' or 'extends'); check the file."
        )
    raise CatalogueError(
        f"{path}: unknown input type {suffix!r}; pass a catalogue or scenario YAML, a results "
        "folder or a GeoPackage."
    )


def _context(study: Study | None) -> dict[str, Any]:
    """Title, banner, sources and outline of a study area (for result and scenario maps)."""
    if study is None:
        return {"title": None, "synthetic": False, "sources": (), "boundary": None}
    return {
        "title": study.title,
        "synthetic": study.synthetic,
        "sources": study.sources,
        "boundary": study.layer("boundary") if study.has("boundary") else None,
    }


def _catalogue_map(study: Study, lang: Lang, status: Any) -> WebMap:
    from arealanalyse.errors import NetworkError
    from arealanalyse.report.maps import MAP_KINDS, study_map
    from arealanalyse.transit.catchments import node_walk_areas, oev_class_areas

    status.update(msg("cli.map.loading", lang))
    layers = study.layers(MAP_KINDS)
    net = None
    if layers.get("transit") is not None and study.has_network:
        status.update(msg("cli.map.walk_areas", lang))
        try:
            net = study.network
        except NetworkError as exc:
            _console.print(f"[yellow]note:[/] no walk areas: {exc}")
    service = classes = None
    if study.has_timetable:
        status.update(msg("cli.map.timetable", lang))
        service = study.service_levels()
        if net is not None and service is not None and len(service):
            classes = oev_class_areas(service, net, settings=study.settings)
    walk_areas = node_walk_areas(layers.get("transit"), net, settings=study.settings)
    status.update(msg("cli.map.drawing", lang))
    return study_map(
        layers,
        title=study.title,
        walk_areas=walk_areas,
        service=service,
        classes=classes,
        synthetic=study.synthetic,
        sources=study.sources,
        lang=lang,
    )


def _results_map(path: Path, lang: Lang, ctx: dict[str, Any], color_by: str) -> WebMap:
    import geopandas as gpd
    import pyogrio

    from arealanalyse.report.maps import saved_results_map

    gpkgs = (
        [path]
        if path.is_file()
        else [p for p in (path / "sites.gpkg", path / "metrics.gpkg") if p.is_file()]
    )
    sites = per_cell = None
    for gpkg in gpkgs:
        try:
            names = [str(n) for n in pyogrio.list_layers(gpkg)[:, 0]]
            if "sites" in names and sites is None:
                sites = gpd.read_file(gpkg, layer="sites", engine="pyogrio")
            if "per_cell" in names and per_cell is None:
                per_cell = gpd.read_file(gpkg, layer="per_cell", engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LayerFileError(
                f"{gpkg}: cannot be read as a GeoPackage ({first.split(';')[0]}); pass the "
                "metrics.gpkg or sites.gpkg of a run, or run it again."
            ) from None
    m = saved_results_map(
        sites=sites,
        per_cell=per_cell,
        title=ctx["title"],
        name=path.stem,
        color_by=color_by,
        boundary=ctx["boundary"],
        synthetic=ctx["synthetic"],
        sources=ctx["sources"],
        lang=lang,
    )
    if m is not None:
        return m
    raise CatalogueError(
        f"{path}: no 'sites' or 'per_cell' layer found; pass the output of a scenario run or a "
        "metric suite."
    )


def _compare_map(path: Path, lang: Lang, ctx: dict[str, Any], color_by: str) -> WebMap:
    import geopandas as gpd

    from arealanalyse.report.maps import comparison_map

    scenarios = {
        p.name: gpd.read_file(p / "sites.gpkg", layer="sites", engine="pyogrio")
        for p in sorted(path.iterdir())
        if (p / "sites.gpkg").is_file()
    }
    return comparison_map(
        scenarios,
        title=ctx["title"],
        color_by=color_by,
        lang=lang,
        synthetic=ctx["synthetic"],
        sources=ctx["sources"],
        boundary=ctx["boundary"],
    )


def _scenario_map(
    path: Path, lang: Lang, color_by: str, rules_path: Path | None, status: Any
) -> WebMap:
    from arealanalyse.errors import RuleError
    from arealanalyse.report.maps import scenario_result_map
    from arealanalyse.rules import default_rules_path, evaluate, load_rules
    from arealanalyse.rules.model import RuleSet
    from arealanalyse.scenarios.evaluate import evaluate_scenario
    from arealanalyse.scenarios.load import load_scenario

    scenario = load_scenario(path)  # files first: the scenario, then the rules
    rules: RuleSet | None = None
    try:
        rules = load_rules(rules_path or default_rules_path())
    except RuleError as exc:
        if rules_path is not None:
            raise
        _console.print(f"[yellow]note:[/] no rule verdicts on the map: {exc}")
    assert scenario.catalogue is not None  # load_scenario demands one
    study = Study.open(scenario.catalogue)
    status.update(msg("cli.map.evaluating", lang))
    res = evaluate_scenario(study, scenario)
    evaluation = None
    if rules is not None and len(res.sites):
        status.update(msg("cli.map.checking", lang))
        evaluation = evaluate(res, rules)
    ctx = _context(study)
    status.update(msg("cli.map.drawing", lang))
    return scenario_result_map(
        res,
        evaluation=evaluation,
        color_by=color_by,
        subtitle=ctx["title"] or "",
        boundary=ctx["boundary"],
        synthetic=ctx["synthetic"],
        sources=ctx["sources"],
        lang=lang,
    )


def map_command(
    path: Path = typer.Argument(
        ..., help="Layer catalogue YAML, scenario YAML, or results folder/GeoPackage."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="HTML file to write (default: <input name>_map.html here)."
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Self-contained file: Leaflet inlined, no internet needed."
    ),
    lang: str = typer.Option("nb", "--lang", help="Label language: nb (bokmål) or en."),
    color_by: str = typer.Option(
        "abc_class", "--color-by", help="Colour scenario sites by abc_class or verdict."
    ),
    catalogue: Path | None = typer.Option(
        None, "--catalogue", help="For results: take title, sources, banner and outline from it."
    ),
    rules: Path | None = typer.Option(
        None, "--rules", help="For a scenario: rule file for the verdicts (default: the bundled)."
    ),
) -> None:
    """Draw an interactive HTML map planners can share.

    The input decides the map: a layer catalogue gives the study-area map (zoning, farmland,
    green areas, transit with 5-minute walk areas, E18); a scenario YAML is evaluated and its
    sites drawn with before/after access; a results folder or GeoPackage gives the access
    choropleth (metrics.gpkg) or the scenario sites (sites.gpkg); a folder of scenario runs gives
    the comparison map.

    Example: arealanalyse map layers/baerum-demo.yaml --offline --out output/baseline.html
    """
    from arealanalyse import maps

    if lang not in LANGS:
        raise CatalogueError(f"--lang {lang!r} is not supported; use nb or en.")
    lang_ = check_lang(lang)
    kind = detect_input(path)
    target = out or Path(f"{path.stem if path.is_file() else path.name}_map.html")
    with _console.status(msg("cli.map.making", lang_)) as status:
        if kind == "catalogue":
            m = _catalogue_map(Study.open(path), lang_, status)
        elif kind == "scenario":
            m = _scenario_map(path, lang_, color_by, rules, status)
        else:
            context = _context(Study.open(catalogue) if catalogue is not None else None)
            if kind == "compare":
                m = _compare_map(path, lang_, context, color_by)
            else:
                m = _results_map(path, lang_, context, color_by)
        status.update(msg("cli.map.writing", lang_))
        written = maps.save_map(m, target, offline=offline)
    size_mb = written.stat().st_size / 1e6
    typer.echo(f"map written: {written} ({size_mb:.1f} MB{', offline' if offline else ''})")
