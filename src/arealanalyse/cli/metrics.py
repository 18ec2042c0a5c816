"""``arealanalyse metrics``: the metric suite on a catalogue, and one-off share-within questions.

``arealanalyse metrics CATALOGUE`` is shorthand for ``arealanalyse metrics run CATALOGUE``: the
group routes anything that is not a sub-command name to ``run``, so both a positional catalogue
and the ``share-within`` sub-command work.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from arealanalyse.errors import CatalogueError, EmptyLayerError, MissingColumnError
from arealanalyse.io import check_output_folder, staged_output
from arealanalyse.study import Study

__all__ = ["app"]


class _DefaultRunGroup(TyperGroup):
    """A group whose first argument, when not a sub-command, goes to the ``run`` command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultRunGroup,
    help=(
        "Access metrics: the full suite on a catalogue, or the share of homes within given "
        "distances of any target layer.\n\n"
        "Example: arealanalyse metrics layers/baerum-demo.yaml --out output/metrics"
    ),
    no_args_is_help=True,
)


def _METRICS_FILES(name: str) -> bool:
    """Names ``metrics run`` writes (so an output folder of an older version may be replaced)."""
    return name == "metrics.gpkg" or name.endswith((".csv", ".parquet"))


@contextmanager
def _progress(console: Console, enabled: bool) -> Iterator[Callable[[str], None]]:
    """Show a rich status line with the current step and the elapsed time."""
    t0 = time.perf_counter()
    if not enabled:
        yield lambda _msg: None
        return
    with console.status("starting") as status:

        def say(msg: str) -> None:
            status.update(f"[bold]{msg}[/] ({time.perf_counter() - t0:.1f} s)")

        yield say


@app.command("run")
def run(
    catalogue: Path = typer.Argument(..., help="Layer catalogue YAML (layers/<area>.yaml)."),
    out: Path = typer.Option(Path("output/metrics"), "--out", "-o", help="Output folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    include_planned: bool = typer.Option(
        False, "--include-planned-transit", help="Count planned transit nodes too."
    ),
) -> None:
    """Run the metric suite (green, services, transit, jobs near rail, land take) on a catalogue.

    Writes metrics.gpkg (per home, per cell, catchments) and CSV + Parquet tables to --out.

    Example: arealanalyse metrics layers/baerum-demo.yaml --out output/metrics
    """
    from arealanalyse.metrics import run_suite
    from arealanalyse.network import island_summary

    check_output_folder(out, owns=_METRICS_FILES)
    console = Console(stderr=True)
    t0 = time.perf_counter()
    with _progress(console, not as_json) as say:
        say(f"reading {catalogue.name}")
        study = Study.open(catalogue, progress=say)
        if not study.has_network:
            raise CatalogueError(
                f"Catalogue {str(catalogue)!r} has no walk_network layer; add one (the demo and "
                "the OSM fetcher provide it)."
            )
        layers = study.layers()
        net = study.network
        service = study.service_levels()
        result = run_suite(
            layers,
            net,
            settings=study.settings,
            include_planned_transit=include_planned,
            progress=say,
            service=service,
            cache=study.access_cache,
        )
        say("writing outputs")
        with staged_output(
            out, command="metrics run", inputs=study.input_files(), owns=_METRICS_FILES
        ) as stage:
            paths = {k: stage.final(v) for k, v in result.write(stage.path).items()}
    elapsed = time.perf_counter() - t0
    if as_json:
        payload = {
            "catalogue": str(catalogue),
            "timetable": None if service is None else service.attrs.get("transit"),
            "synthetic": study.synthetic,
            "network": {
                "n_nodes": net.n_nodes,
                "n_edges": net.n_edges,
                "largest_component_share": net.largest_component_share,
                "snap_components": net.snap_components,
                "topology": net.topology,
                "islands": island_summary(result.snapping).to_dict(orient="records"),
            },
            "summary": result.summary.to_dict(orient="records"),
            "outputs": {k: str(v) for k, v in paths.items()},
            "seconds": round(elapsed, 2),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=float))
        return
    out_console = Console()
    title = study.title
    if study.synthetic:
        title += " (SYNTHETIC)"
    table = Table(title=title)
    for col in ("metric", "value", "unit", "label"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for row in result.summary.itertuples():
        table.add_row(str(row.metric), f"{row.value:,.1f}", str(row.unit), str(row.label_nb))
    out_console.print(table)
    if service is not None:
        info = service.attrs.get("transit", {})
        out_console.print(
            f"timetable {info.get('feed')}: {info.get('date_note')}; ÖV-Güteklassen "
            f"{info.get('oev_window')}, knutepunkt {info.get('knutepunkt_window')}",
            soft_wrap=True,
        )
    out_console.print(
        f"walk network: {net.n_nodes} nodes, {net.n_edges} edges, largest component "
        f"{100 * net.largest_component_share:.1f} %; done in {elapsed:.1f} s"
    )
    if net.topology:
        from arealanalyse.network.topology import TopologyReport

        out_console.print(f"topology: {TopologyReport(**net.topology).summary()}", highlight=False)
    for row in island_summary(result.snapping).itertuples():
        out_console.print(
            f"{row.layer}: {row.nearest_island:,} nearest to an isolated piece of the network; "
            f"{row.snapped_to_network:,} snapped to the main network instead (median "
            f"{row.median_extra_m:.0f} m farther), {row.not_reached:,} not reached "
            "(see snapping.csv)",
            highlight=False,
        )
    out_console.print(f"outputs written to {out}/ ({len(paths)} files, e.g. {paths['gpkg'].name})")


def _parse_distances(text: str) -> list[float]:
    """Comma-separated distances in metres: finite, > 0 and at most DISTANCE_M_MAX."""
    from arealanalyse.limits import DISTANCE_M_MAX, finite_in_range

    out = set()
    for part in (d.strip() for d in text.split(",")):
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise typer.BadParameter(
                f"{part!r} is not a number; use distances in metres, e.g. 500,800,1000.",
                param_hint="--distance",
            ) from None
        try:
            out.add(
                finite_in_range(
                    value, what=part, low=0, high=DISTANCE_M_MAX, unit="m", low_open=True
                )
            )
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--distance") from None
    if not out:
        raise typer.BadParameter(
            "give distances in metres, e.g. 500,1000.", param_hint="--distance"
        )
    return sorted(out)


@app.command("share-within")
def share_within_command(
    homes: Path = typer.Option(..., "--homes", help="Homes layer file (e.g. SSB grid CSV)."),
    homes_kind: str = typer.Option("homes", "--homes-kind", help="Canonical kind of --homes."),
    homes_format: str = typer.Option("auto", "--homes-format", help="auto, vector, csv, ..."),
    homes_layer: str | None = typer.Option(
        None, "--homes-layer", help="Layer of --homes in a multi-layer file (GeoPackage)."
    ),
    weight: str | None = typer.Option(
        None,
        "--weight",
        help="Weight: a homes column (population, dwellings) or 'count' to count features. "
        "Default: what the layer measured (population for an SSB grid, dwellings for buildings).",
    ),
    targets: Path = typer.Option(..., "--targets", help="Target layer file (e.g. GTFS stops)."),
    targets_kind: str = typer.Option(..., "--targets-kind", help="Canonical kind of --targets."),
    targets_format: str = typer.Option("auto", "--targets-format", help="auto, gtfs, ..."),
    targets_layer: str | None = typer.Option(
        None, "--targets-layer", help="Layer of --targets in a multi-layer file (GeoPackage)."
    ),
    filter_expr: str | None = typer.Option(
        None,
        "--filter",
        help='Filter on the targets\' columns, e.g. "vehicle_type == 100" (see docs/layers.md).',
    ),
    within_boundary: Path | None = typer.Option(
        None, "--within-boundary", help="Boundary file; only homes inside it count."
    ),
    kommune: str | None = typer.Option(
        None, "--kommune", help="Municipality number in the boundary file, e.g. 3201."
    ),
    distance: str = typer.Option(
        "400,500,800,1000", "--distance", help="Comma-separated distances in metres."
    ),
    euclidean: bool = typer.Option(False, "--euclidean", help="Straight-line distances."),
    network: Path | None = typer.Option(
        None, "--network", help="Catalogue whose walk_network gives network distances."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    lang: str = typer.Option("nb", "--lang", help="Table language: nb (bokmål) or en."),
) -> None:
    """Share of residents or dwellings within each distance of the nearest target.

    Only homes whose centre is inside the municipality count.

    Targets just outside it still count (those within the largest distance of the boundary).

    The table and JSON name the weight ("andel bosatte", "andel boliger"). A layer that misses
    the municipality or the targets' reach (wrong CRS, swapped axes) is an error, not 0 %.

    Example: arealanalyse metrics share-within --homes ru250m.csv
    --targets stops.txt --targets-kind transit --filter "vehicle_type == 100"
    --within-boundary kommuner.geojson --kommune 3201 --distance 500,800,1000 --euclidean
    """
    import numpy as np
    import shapely

    from arealanalyse.filters import parse_filter
    from arealanalyse.i18n import fmt_number, fmt_share, msg
    from arealanalyse.layers.overlap import check_overlap
    from arealanalyse.layers.readers import read_layer
    from arealanalyse.metrics import share_within
    from arealanalyse.metrics.weights import default_home_weight, weight_label, weight_noun
    from arealanalyse.network import point_geometries

    if euclidean == (network is not None):
        raise typer.BadParameter(
            "give exactly one of --euclidean or --network CATALOGUE.", param_hint="--euclidean"
        )
    dists = _parse_distances(distance)
    if filter_expr is not None:  # refused before any file is read
        parse_filter(filter_expr, what="--filter")
    if lang not in ("nb", "en"):
        raise typer.BadParameter("use nb or en.", param_hint="--lang")
    if (within_boundary is None) != (kommune is None):
        raise typer.BadParameter(
            "--within-boundary and --kommune go together.", param_hint="--kommune"
        )
    console = Console(stderr=True)
    t0 = time.perf_counter()
    with _progress(console, not as_json) as say:
        say(f"reading {homes.name}")
        h = read_layer(homes, homes_kind, format=homes_format, name="homes", layer=homes_layer)
        say(f"reading {targets.name}")
        clip = None
        area_label = ""
        if within_boundary is not None:
            b = read_layer(within_boundary, "boundary", name="boundary")
            sel = b[b["kommunenummer"].astype(str) == str(kommune)]
            if sel.empty:
                raise EmptyLayerError(
                    f"Layer 'boundary' ({within_boundary.name}) has no kommunenummer {kommune}; "
                    f"it has {sorted(b['kommunenummer'].astype(str).unique())}."
                )
            area_label = str(sel["name"].iloc[0]) if "name" in sel.columns else str(kommune)
            clip = shapely.union_all(sel.geometry.values)
            check_overlap(h, clip, name="homes", area_name=f"{area_label} ({kommune})")
            inside = shapely.intersects(clip, point_geometries(h.geometry, name="homes"))
            h = h.loc[np.asarray(inside, dtype=bool)]
            if h.empty:
                raise EmptyLayerError(f"Layer 'homes' has no features inside kommune {kommune}.")
        t = read_layer(
            targets,
            targets_kind,
            format=targets_format,
            where=filter_expr,
            name="targets",
            layer=targets_layer,
            clip=clip,
            clip_tolerance_m=max(dists),
        )
        if weight is not None and weight != "count" and weight not in h.columns:
            raise MissingColumnError(
                f"Layer 'homes' has no column {weight!r}; choose one of "
                f"{[c for c in h.columns if c != 'geometry']} or 'count'."
            )
        weight = weight or default_home_weight(h)
        net = None
        if network is not None:
            say("building the walk network")
            net = Study.open(network).network
        say("computing distances")
        table = share_within(h, t, distances_m=dists, weight=weight, network=net)
    method = "network" if net is not None else "euclidean"
    if as_json:
        payload = {
            "homes": str(homes),
            "targets": str(targets),
            "filter": filter_expr,
            "kommune": kommune,
            "method": method,
            "n_homes": len(h),
            "n_targets": len(t),
            "weight": weight,
            "weight_label": weight_label(weight, lang),
            "rows": [
                {
                    "distance_m": d,
                    **{k: v for k, v in row.items() if k not in ("method", "weight", "label")},
                }
                for d, row in table.to_dict(orient="index").items()
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    out = Console()
    noun = weight_noun(weight, lang)
    label = weight_label(weight, lang)
    where = msg("cli.share.where", lang, area=area_label, kommune=kommune) if kommune else ""
    how = msg(f"cli.share.{method}", lang)
    title = msg(
        "cli.share.title", lang, label=label.capitalize(), where=where, n=len(t),
        kind=targets_kind, how=how,
    )  # fmt: skip
    cols = (
        msg("cli.share.distance", lang),
        msg("cli.share.features_within", lang),
        msg("cli.share.weight_within", lang, noun=noun),
        msg("cli.share.weight_total", lang, noun=noun),
        label,
    )
    tail = msg("cli.share.tail", lang, weight=weight, n_homes=len(h), n_targets=len(t))
    tab = Table(title=title)
    for col in cols:
        tab.add_column(col, justify="right")
    for d, row in table.iterrows():
        tab.add_row(
            fmt_number(d, lang),
            fmt_number(row["homes_within"], lang, 0),
            fmt_number(row["weight_within"], lang, 0),
            fmt_number(row["weight_total"], lang, 0),
            fmt_share(row["share"], lang, 1),
        )
    out.print(tab)
    out.print(f"{tail}; {time.perf_counter() - t0:.1f} s")
