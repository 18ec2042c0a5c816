"""``arealanalyse scenario``: validate, run and compare næringsareal scenario files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from arealanalyse.errors import ScenarioError
from arealanalyse.i18n import check_lang, fmt_number, fmt_quantity, fmt_share, msg
from arealanalyse.io import check_output_folder, staged_output

if TYPE_CHECKING:
    from arealanalyse.scenarios.evaluate import ScenarioResult, ValidatedFiles

#: Names ``scenario run`` writes (so an output folder of an older version may be replaced).
SCENARIO_RUN_FILES = frozenset(
    {
        "scenario.resolved.yaml",
        "manifest.json",
        "metrics_before_after.csv",
        "sites.csv",
        "sites.gpkg",
        "rezonings.csv",
        "totals.json",
        "surfaces",
    }
)

__all__ = ["app"]

app = typer.Typer(
    help="Næringsareal scenarios: validate, run (before/after metrics, site table) and compare.",
    no_args_is_help=True,
)


def _console() -> Console:
    return Console(stderr=True, highlight=False)


def _validate_all(files: list[Path], console: Console) -> ValidatedFiles:
    from arealanalyse.scenarios.evaluate import validate_scenarios

    with console.status("Validerer scenariofiler") as status:
        checked = validate_scenarios(files, progress=lambda m: status.update(m))
    problems = checked.problems
    bad = {f: p for f, p in problems.items() if p}
    listing = Console(highlight=False)  # the list goes to stdout; stderr gets one line
    for f, lines in problems.items():
        if not lines:
            listing.print(f"[green]ok[/green]    {f}")
        for line in lines:
            listing.print(f"[red]error[/red] {line}", soft_wrap=True)
    if bad:
        n = sum(len(p) for p in bad.values())
        first = next(iter(bad.values()))[0]
        if n == 1:
            raise ScenarioError(f"{first}. Nothing was computed.")
        raise ScenarioError(
            f"{n} problems in {len(bad)} of {len(files)} scenario file(s) (all listed above), "
            f"the first: {first}. Nothing was computed."
        )
    return checked


@app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., help="Scenario YAML files."),
) -> None:
    """Check scenario files: keys, types, land uses, codes, files, extends, and the study area.

    Every problem is printed as one line naming the file, the key path and the fix. Exit code 2
    when any file has a problem.

    Example: arealanalyse scenario validate scenarios/*.yaml
    """
    _validate_all(files, _console())


def _lang(lang: str) -> str:
    try:
        return check_lang(lang)
    except ValueError:
        raise typer.BadParameter(f"{lang!r}: use nb or en.", param_hint="--lang") from None


def _progress(console: Console, t0: float):
    def say(message: str) -> None:
        if console.is_terminal:  # piped or logged, stderr carries only the outcome
            console.log(f"{message}  [dim]({time.perf_counter() - t0:.1f} s)[/dim]")

    return say


def _summary_table(results: list, lang: str) -> Table:
    table = Table(title=msg("cli.scenario.title", lang))
    heads = ("scenario", "bra_new", "bra_lost", "jobs", "jobs_rail", "dwellings", "farmland")
    for key in (*heads, "green"):
        table.add_column(
            msg(f"cli.scenario.{key}", lang), justify="left" if key == "scenario" else "right"
        )
    for r in results:
        t = r.totals
        share_key = next((k for k in t if k.startswith("share_new_jobs_within_")), "")
        table.add_row(
            r.name,
            fmt_quantity(t["business_bra_m2_new"], "m²", lang),
            fmt_quantity(t["bra_m2_lost"], "m²", lang),
            fmt_number(t["new_jobs"], lang, 0),
            fmt_share(t.get(share_key), lang),
            fmt_number(t["new_dwellings"], lang, 0),
            fmt_number(t["farmland_daa"], lang, 1),
            fmt_number(t["green_daa"], lang, 1),
        )
    return table


def _evaluate(files: list[Path], console: Console) -> list[ScenarioResult]:
    from arealanalyse.scenarios.evaluate import Evaluator

    checked = _validate_all(files, console)
    t0 = time.perf_counter()
    say = _progress(console, t0)
    scenarios = [checked.scenarios[str(f)] for f in files]
    seen: dict[str, Path] = {}
    for f, sc in zip(files, scenarios, strict=True):
        if sc.name in seen:  # their outputs would share one folder
            raise ScenarioError(
                f"{f.name} and {seen[sc.name].name} are both named {sc.name!r}; give each "
                "scenario its own name (or pass the file once)."
            )
        seen[sc.name] = f
    evaluators: dict[str, Evaluator] = {}
    results = []
    for sc in scenarios:
        assert sc.catalogue is not None
        if sc.catalogue not in evaluators:
            evaluators[sc.catalogue] = Evaluator(checked.studies[sc.catalogue], progress=say)
        results.append(evaluators[sc.catalogue].evaluate(sc))
    return results


@app.command("run")
def run(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: output/scenarios/<name>)."
    ),
    lang: str = typer.Option("nb", "--lang", help="Table language: nb (bokmål) or en."),
) -> None:
    """Apply one scenario and write before/after metrics, the site table and provenance.

    Writes into OUT: metrics_before_after.csv, sites.csv, sites.gpkg, rezonings.csv,
    totals.json, surfaces/*.tif, scenario.resolved.yaml and manifest.json (input hashes,
    version).

    Example: arealanalyse scenario run scenarios/knutepunkt.yaml --out output/knutepunkt
    """
    lang = _lang(lang)
    console = _console()
    if out is not None:
        check_output_folder(out, owns=SCENARIO_RUN_FILES)
    (result,) = _evaluate([file], console)
    folder = out if out is not None else Path("output/scenarios") / result.name
    with staged_output(folder, command="scenario run", owns=SCENARIO_RUN_FILES) as stage:
        stage.inputs.update(result.inputs)
        written = result.write(stage.path)
    console.print(_summary_table([result], lang))
    typer.echo(f"Wrote {len(written) + 1} files to {folder}")


@app.command("compare")
def compare(
    files: list[Path] = typer.Argument(..., help="Scenario YAML files (two or more)."),
    weights: str | None = typer.Option(
        None,
        "--weights",
        "-w",
        help="Criterion weights: a YAML file or inline key=value,... (e.g. farmland=5,green=1).",
    ),
    out: Path = typer.Option(Path("output/scenarios"), "--out", "-o", help="Output folder."),
    lang: str = typer.Option("nb", "--lang", help="Ranking language: nb (bokmål) or en."),
) -> None:
    """Run several scenarios and rank them by weighted criteria (ranking.md/.csv/.json).

    Criteria (min-max normalised, 1 = best): jobs_near_rail (+), farmland (−), green (−),
    services_after (+), noise_new_homes (−), business_floor_space (+). See docs/scenarios.md.

    Example: arealanalyse scenario compare scenarios/*.yaml --weights farmland=5 --out output/cmp
    """
    from arealanalyse.report.ranking import RANKING_FILES, write_ranking
    from arealanalyse.scenarios.compare import parse_weights, rank

    lang = _lang(lang)
    w = parse_weights(weights)  # fail on bad weights before any work
    owns = set(RANKING_FILES)
    check_output_folder(out, owns=owns)
    console = _console()
    results = _evaluate(files, console)
    table = rank(results, weights=w)
    with staged_output(out, command="scenario compare", owns=owns) as stage:
        for r in results:
            r.write(stage.path / r.name)
            stage.inputs.update({f"{r.name}/{k}": v for k, v in r.inputs.items()})
        written = write_ranking(table, stage.path, lang=lang)
    console.print(_summary_table(results, lang))
    ranking = Table(title=msg("ranking.title", lang))
    for col in ("rank", "scenario", "score"):
        ranking.add_column(msg(f"ranking.{col}", lang))
    for name, row in table.iterrows():
        ranking.add_row(str(int(row["rank"])), str(name), fmt_number(row["score"], lang, 3))
    console.print(ranking)
    typer.echo(f"Wrote {', '.join(p.name for p in written)} and one folder per scenario to {out}")
