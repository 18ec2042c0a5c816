"""``arealanalyse demo``: build (and run) the SYNTHETIC Bærum demo study area."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from arealanalyse.errors import ArealanalyseError

__all__ = ["app"]

app = typer.Typer(
    help="The SYNTHETIC Bærum demo study area (generated, not real data).", no_args_is_help=True
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
    "writing",
)


def _default_paths(scale: int) -> tuple[Path, Path]:
    """Default output folder and catalogue: ``layers/<name>/`` and ``layers/<name>.yaml``."""
    from arealanalyse.demo import demo_name

    layers = Path("layers")
    if not layers.is_dir():
        raise ArealanalyseError(
            f"demo build: no 'layers' folder in {Path.cwd()}; run from the project root "
            "or give --out DIR."
        )
    name = demo_name(scale)
    out = layers / name
    return out, (layers / f"{name}.yaml" if scale == 1 else out / f"{name}.yaml")


@app.command("build")
def build(
    scale: int = typer.Option(
        1, "--scale", "-s", min=1, help="Copies of the study area side by side (benchmarks)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: layers/baerum-demo/ in the project)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: the published)."),
) -> None:
    """Generate the SYNTHETIC Bærum demo study area (GeoPackage, DEM, noise, catalogue).

    Deterministic: the same options give byte-identical files. Without --out the data goes to
    layers/baerum-demo/ and is described by layers/baerum-demo.yaml; with --out DIR a catalogue
    DIR/<name>.yaml is written too.

    Example: arealanalyse demo build --scale 4 --out /tmp/baerum4
    """
    from arealanalyse.demo import DEFAULT_SEED, build_demo, demo_name, demo_summary

    console = Console()
    if out is None:
        out_dir, catalogue = _default_paths(scale)
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
