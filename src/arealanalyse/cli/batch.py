"""``arealanalyse batch``: the metric suite for many study areas on a Dask cluster."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from arealanalyse.batch.runner import Progress as BatchProgress

__all__ = ["batch"]


class _RichProgress(BatchProgress):
    """A progress bar over partitions (rich), with the driver's steps as its description."""

    def __init__(self, console: Console, enabled: bool):
        self.enabled = enabled
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tally]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self.task = self.bar.add_task("planning", total=None, tally="")
        self.counts = {"ok": 0, "empty": 0, "failed": 0}
        self.skipped = 0

    def __enter__(self) -> _RichProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None:  # an error ends in its one line: the bar goes away
            self.bar.live.transient = True
        self.bar.__exit__(*exc)

    def phase(self, message: str) -> None:
        self.bar.update(self.task, description=message)

    def start(self, total: int, skipped: int) -> None:
        self.skipped = skipped
        # over every partition: those unchanged since a finished run count as done
        self.bar.update(
            self.task, total=total + skipped, completed=skipped, description="partitions"
        )
        self._tally()

    def done(self, row: dict[str, Any]) -> None:
        status = str(row.get("status"))
        self.counts[status] = self.counts.get(status, 0) + 1
        self.bar.advance(self.task)
        self._tally()
        if status == "failed" and self.enabled:  # one line each, never wrapped
            self.bar.console.print(
                f"[red]partition {row.get('label', row.get('key'))} failed:[/] {row.get('error')}",
                highlight=False,
                soft_wrap=True,
            )

    def _tally(self) -> None:
        parts = [f"{self.counts['ok']} ok"]
        if self.counts["empty"]:
            parts.append(f"{self.counts['empty']} without homes")
        if self.counts["failed"]:
            parts.append(f"{self.counts['failed']} failed")
        if self.skipped:
            parts.append(f"{self.skipped} unchanged (skipped)")
        self.bar.update(self.task, tally=", ".join(parts))


def batch(
    catalogues: list[Path] = typer.Argument(
        ..., help="Layer catalogues: one per study area, or one that --partitions cuts."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (a rerun resumes it)."),
    partitions: Path | None = typer.Option(
        None, "--partitions", help="Polygon layer that cuts the catalogue (kommuner, a grid)."
    ),
    by: str | None = typer.Option(
        None, "--by", help="Column of --partitions whose values name the partitions."
    ),
    partitions_layer: str | None = typer.Option(
        None, "--partitions-layer", help="Layer of --partitions in a multi-layer file."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        max=1024,
        help="Processes of a local Dask cluster (default: the number of CPU cores).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (instead of "
        "--workers); its workers must reach the inputs and --out under the same paths.",
    ),
    include_planned: bool = typer.Option(
        False, "--include-planned-transit", help="Count planned transit nodes too."
    ),
    lang: str = typer.Option("nb", "--lang", help="Language of the map: nb (bokmål) or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run the metric suite for many study areas at once on Dask, from a laptop to a cluster.

    Each partition is computed with a halo of network, homes and targets from its neighbours
    and reports only its own homes, so a home by a border reaches the school across it. A
    failing partition records its one-line error and the others go on; a rerun skips
    partitions whose inputs and code are unchanged.

    Example: arealanalyse batch layers/baerum-demo.yaml --partitions delomrader.gpkg --by navn
    --workers 2 --out output/batch
    """
    from arealanalyse.batch import run_batch
    from arealanalyse.i18n import check_lang

    try:
        language = check_lang(lang)
    except ValueError:
        raise typer.BadParameter(f"{lang!r}: use nb or en.", param_hint="--lang") from None
    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers or --scheduler, not both.", param_hint="--workers")
    if (partitions is None) != (by is None):
        raise typer.BadParameter("--partitions and --by go together.", param_hint="--by")
    if partitions is not None and len(catalogues) != 1:
        raise typer.BadParameter(
            "--partitions cuts one catalogue; give exactly one.", param_hint="--partitions"
        )
    if scheduler is None and workers is None:
        workers = os.cpu_count() or 1
    console = Console(stderr=True)
    with _RichProgress(console, enabled=not as_json) as progress:
        report = run_batch(
            catalogues,
            out=out,
            partitions=partitions,
            by=by,
            partitions_layer=partitions_layer,
            workers=workers,
            scheduler=scheduler,
            include_planned_transit=include_planned,
            lang=language,
            progress=progress,
        )
    failed = report.failed
    if as_json:
        payload = {
            "out": str(report.out),
            "workers": report.workers,
            "computed": report.computed,
            "skipped": report.skipped,
            "partitions": [
                {k: r.get(k) for k in ("key", "label", "status", "error", "homes", "seconds")}
                for r in report.rows
            ],
            "dataset_rows": report.dataset_rows,
            "homes_outside_partitions": report.unowned_homes,
            "outputs": {k: str(v) for k, v in report.outputs.items()},
            "seconds": round(report.seconds, 2),
            "timings_s": {k: round(v, 3) for k, v in report.timings_s.items()},
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        con = Console(soft_wrap=True)
        n = len(report.rows)
        con.print(
            f"{n} partitions: {len(report.computed)} computed on {report.workers} worker(s), "
            f"{len(report.skipped)} unchanged (skipped), {len(failed)} failed; "
            f"{report.seconds:.1f} s",
            highlight=False,
        )
        if report.unowned_homes:
            con.print(
                f"{report.unowned_homes:,} homes lie outside every partition and are not reported.",
                highlight=False,
            )
        rows = ", ".join(f"{k} {v:,}" for k, v in report.dataset_rows.items())
        con.print(
            f"outputs written to {report.out}/: summary.csv, summary.parquet"
            + (", summary_map.html" if "summary_map" in report.outputs else "")
            + (f", datasets/ ({rows} rows)" if rows else ""),
            highlight=False,
        )
    if failed:
        first = failed[0]
        raise SystemExit(
            f"{len(failed)} of {len(report.rows)} partitions failed (first: "
            f"{first.get('label', first.get('key'))}: {first.get('error')}); the errors are in "
            f"{report.out / 'summary.csv'} (column error); fix the input and run the same "
            "command again: finished partitions are kept."
        )
