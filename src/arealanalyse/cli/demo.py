"""``arealanalyse demo``: build (and run) the SYNTHETIC Bærum demo study area."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from arealanalyse.i18n import fmt_number, fmt_quantity, msg, pick, verdict_label
from arealanalyse.io import check_output_folder, staged_output

__all__ = ["app"]

app = typer.Typer(
    help="The SYNTHETIC Bærum demo study area (generated, not real data).", no_args_is_help=True
)

#: What ``demo run`` writes into its output folder (so an older version's output may be replaced).
_MAIN_JOB_FILES = frozenset(
    {"baseline", "scenarios", "review", "comparison", "arealregnskap", "index.html", "summary.json"}
)

_STEPS = (
    "land",
    "walk network",
    "farmland",
    "green areas",
    "homes",
    "services",
    "transit",
    "workplaces",
    "zoning",
    "rasters",
    "land cover",
    "revised plan",
    "writing",
)


def _default_paths(scale: int, data_dir: Path | None) -> tuple[Path, Path]:
    """Default output folder and catalogue: ``layers/<name>/`` and ``layers/<name>.yaml``.

    The project's ``layers/`` when run in a project folder (one with ``layers/``); elsewhere,
    or with ``--data-dir``, the demo project's in the user's data folder (its shipped scenario
    and rule files are copied in too).
    """
    from arealanalyse.demo import demo_name
    from arealanalyse.demo.project import locate_demo, prepare_demo
    from arealanalyse.resources import user_data_dir

    layers = Path("layers")
    if data_dir is not None or not layers.is_dir():
        project = prepare_demo(locate_demo(data_dir=user_data_dir(data_dir)), build=False)
        layers = project.catalogue.parent
    name = demo_name(scale)
    out = layers / name
    return out, (layers / f"{name}.yaml" if scale == 1 else out / f"{name}.yaml")


_DATA_DIR_HELP = (
    "The user's data folder for the demo study area (default: $AREALANALYSE_DATA_DIR, "
    "else the platform's, e.g. ~/.local/share/arealanalyse)."
)


@app.command("build")
def build(
    scale: int = typer.Option(
        1,
        "--scale",
        "-s",
        min=1,
        max=64,
        help="Copies of the study area side by side (benchmarks).",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: layers/baerum-demo/ in the project)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: the published)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
) -> None:
    """Generate the SYNTHETIC Bærum demo study area (GeoPackage, DEM, noise, catalogue).

    Deterministic: the same options give byte-identical files. Without --out the data goes to
    layers/baerum-demo/ and is described by layers/baerum-demo.yaml: in the current folder when
    it has a layers/ folder (a project), else in the demo project in the user's data folder;
    with --out DIR a catalogue DIR/<name>.yaml is written too.

    Example: arealanalyse demo build --scale 4 --out /tmp/baerum4
    """
    from arealanalyse.demo import DEFAULT_SEED, build_demo, demo_name, demo_summary

    console = Console()
    if out is None:
        out_dir, catalogue = _default_paths(scale, data_dir)
    else:
        out_dir, catalogue = out, out / f"{demo_name(scale)}.yaml"
    t0 = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("demo build", total=len(_STEPS))

        def step(label: str) -> None:
            done = _STEPS.index(label) if label in _STEPS else 0
            progress.update(task, completed=done, description=f"SYNTHETIC Bærum: {label}")

        path = build_demo(
            out_dir,
            scale=scale,
            seed=DEFAULT_SEED if seed is None else seed,
            catalogue=catalogue,
            progress=step,
        )
        progress.update(task, completed=len(_STEPS))
    elapsed = time.perf_counter() - t0
    gpkg = out_dir / f"{demo_name(scale)}.gpkg"
    table = Table(title=f"SYNTHETIC Bærum demo (scale {scale}) — built in {elapsed:.1f} s")
    table.add_column("layer")
    table.add_column("features", justify="right")
    table.add_column("totals")
    for row in demo_summary(gpkg).itertuples():
        table.add_row(str(row.layer), f"{row.features:,}", str(row.totals))
    console.print(table)
    console.print(f"GeoPackage: {gpkg}")
    console.print(f"Rasters:    {out_dir / 'dem.tif'}, {out_dir / 'noise.tif'}")
    console.print(f"Catalogue:  {path}")
    console.print("[yellow]Synthetic data: anchored on public facts, not real Bærum data.[/]")


@app.command("run")
def run(
    out: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    catalogue: Path | None = typer.Option(
        None,
        "--catalogue",
        help="Study area (default: the demo's, layers/baerum-demo.yaml here or in the data "
        "folder; built if missing).",
    ),
    lang: str = typer.Option("nb", "--lang", help="Reports and maps: nb (bokmål) or en."),
    online_maps: bool = typer.Option(
        False, "--online-maps", help="Load the maps' scripts from the internet (smaller files)."
    ),
    plan: Path | None = typer.Option(
        None,
        "--plan",
        help="Revised plan for the arealregnskap (default: the demo's shipped SYNTHETIC one).",
    ),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
) -> None:
    """Run the main job: baseline metrics, every scenario, ranking, rule checks, maps.

    Builds the demo study area if absent, computes the baseline metric suite, runs every
    scenario in scenarios/, ranks the alternatives, checks each against the arealstrategi rules,
    computes the arealregnskap of the revised plan and writes maps, reports and tables to OUT
    with an index page (OUT/index.html).

    Works in any folder: in a project folder (one with layers/baerum-demo.yaml, e.g. this
    project's checkout) it uses that study area and its scenarios/; elsewhere the demo study
    area and the shipped scenarios live in the user's data folder, built on first use.

    Example: arealanalyse demo run --out output
    """
    import time

    from rich.console import Console
    from rich.table import Table

    from arealanalyse.workflow import demo_scenario_files, open_study, run_main_job

    if lang not in ("nb", "en"):
        raise typer.BadParameter(f"{lang!r}: use nb or en.", param_hint="--lang")
    if catalogue is not None and data_dir is not None:
        raise typer.BadParameter(
            "give --catalogue or --data-dir, not both.", param_hint="--data-dir"
        )
    check_output_folder(out, owns=_MAIN_JOB_FILES)
    console = Console()
    t0 = time.perf_counter()
    with console.status("Starter …") as status:

        def say(message: str) -> None:
            console.log(f"{message}  [dim]({time.perf_counter() - t0:.0f} s)[/dim]")
            status.update(message)

        # the demo (without --catalogue): this folder's project, else the data folder's; it is
        # built on first use, and the data folder's project brings its own scenario files
        study = open_study(catalogue, data_dir=data_dir, progress=say)
        scenarios = demo_scenario_files(study, data_dir=data_dir)
        with staged_output(out, command="demo run", owns=_MAIN_JOB_FILES) as stage:
            res = run_main_job(
                study,
                stage.path,
                scenarios=scenarios,
                lang=lang,
                offline=not online_maps,
                plan=plan,
                progress=say,
            )
            for label, path in res.inputs.items():
                stage.add_input(path, label)
            if res.arealregnskap_plan is not None:
                stage.add_input(res.arealregnskap_plan, f"plan:{res.arealregnskap_plan.name}")
        res = res.moved_to(out)
    if res.synthetic:
        console.print(f"[yellow]{msg('cli.synthetic', lang)}[/yellow]")
    lay = Table(title=msg("cli.demo.study_area", lang, name=str(study.path)))
    lay.add_column(msg("cli.demo.layer", lang))
    lay.add_column(msg("cli.demo.features", lang), justify="right")
    lay.add_column(msg("cli.demo.total", lang))
    for layer_row in res.layers.to_dict("records"):
        lay.add_row(
            str(layer_row["layer"]),
            fmt_number(layer_row["features"], lang, 0),
            str(layer_row["total"]),
        )
    console.print(lay)
    head = Table(title=msg("index.baseline", lang))
    head.add_column(msg("index.metric", lang))
    head.add_column(msg("index.value", lang), justify="right")
    for _, row in res.headline().iterrows():
        value = (
            fmt_quantity(row["value"], "%", lang, 1)
            if row["unit"] == "%"
            else fmt_number(row["value"], lang, 0)
        )  # counts (jobs, homes) are whole numbers; the label says what is counted
        head.add_row(str(pick(row, "label", lang)), value)
    console.print(head)
    colour = {"pass": "green", "warn": "yellow", "fail": "bold red"}
    ranks = {} if res.ranking.empty else res.ranking["rank"].to_dict()
    sc = Table(title=msg("index.scenarios", lang))
    for key in ("index.scenario", "cli.demo.rank", "cli.demo.strategy", "cli.demo.failed_rules"):
        sc.add_column(msg(key, lang))
    for o in res.scenarios:
        word = verdict_label(o.status, lang).lower()
        verdict = f"[{colour[o.status]}]{word}[/]" if o.review else "–"
        sc.add_row(o.name, str(ranks.get(o.name, "–")), verdict, ", ".join(o.failed_rules))
    console.print(sc)
    console.print(
        msg("cli.demo.done", lang, seconds=fmt_number(res.seconds, lang, 0), index=res.index)
    )
    typer.echo(f"index: {res.index}")
    for name, p in res.baseline_maps.items():
        typer.echo(f"map ({name}): {p}")
    for o in res.scenarios:
        typer.echo(f"scenario {o.name}: {o.folder} (map {o.map_path.name})")
    if "map" in res.comparison:
        typer.echo(f"map (comparison): {res.comparison['map']}")
    if "report_html" in res.arealregnskap:
        typer.echo(f"arealregnskap: {res.arealregnskap['report_html']}")
