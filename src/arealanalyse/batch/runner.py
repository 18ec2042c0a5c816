"""Run the metric suite for many study areas on a Dask cluster; resume what was finished.

:func:`run_batch` plans the partitions (one per catalogue, or one catalogue cut by a partition
layer), skips those whose inputs, settings and code are unchanged since they finished, submits
the rest to Dask (a ``LocalCluster`` of ``workers`` processes, or an existing scheduler), records
each partition as it completes, and writes the combined outputs.

Output folder (``out``)::

    partitions/<key>/    one partition's results (written atomically, manifest last)
    inputs/<key>/        its share of a split catalogue (partition-layer runs only)
    datasets/            per_home/, per_cell/, catchments/: GeoParquet, one file per partition
    summary.csv          one row per partition: status, one-line error, metrics, timings
    summary.parquet      the same with each partition's polygon (GeoParquet)
    summary_map.html     the partitions coloured by each share
    manifest.json        written last: command, code hash, partitions and their status

Every worker must reach the inputs (catalogues and their files) and ``out`` under the same paths.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely

from arealanalyse.batch.assemble import summary_frame, write_datasets
from arealanalyse.batch.inputs import (
    CatalogueSplit,
    hash_frame,
    mark_own,
    open_study,
    suite_layers,
    write_inputs,
)
from arealanalyse.batch.partitions import halo_m, read_partitions, safe_key
from arealanalyse.batch.state import (
    FINISHED,
    batch_hash,
    batch_lock,
    code_hash,
    partition_state,
)
from arealanalyse.batch.tasks import PartitionTask, one_line, read_row, run_partition, write_failure
from arealanalyse.errors import ArealanalyseError, CatalogueError
from arealanalyse.i18n import Lang
from arealanalyse.io import (
    check_output_folder,
    staged_output,
    write_json,
    write_table,
)
from arealanalyse.study import Study

__all__ = ["BatchReport", "Progress", "run_batch"]

#: Entries of a batch output folder (so a folder of an earlier, killed run may be reused).
OWNED = frozenset(
    {
        "partitions",
        "inputs",
        "datasets",
        "summary.csv",
        "summary.parquet",
        "summary_map.html",
        "manifest.json",
        "batch.json",
        ".batch.lock",
    }
)


#: Seconds to wait for an existing scheduler's first worker.
WORKER_WAIT_S = 60.0


class Progress:
    """Callbacks a front end implements to show a batch's progress (all optional)."""

    def phase(self, message: str) -> None:
        """Show a step of the driver (planning, starting the cluster, writing outputs)."""

    def start(self, total: int, skipped: int) -> None:
        """Show how many partitions are computed now and how many were skipped as finished."""

    def done(self, row: dict[str, Any]) -> None:
        """Show that one partition finished (``row["status"]`` is ok, empty or failed)."""


@dataclass
class BatchReport:
    """What :func:`run_batch` did."""

    out: Path
    rows: list[dict[str, Any]]
    computed: list[str]
    skipped: list[str]
    workers: int
    seconds: float
    timings_s: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    unowned_homes: int = 0

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Rows of the partitions that failed."""
        return [r for r in self.rows if r.get("status") == "failed"]


@dataclass
class _Plan:
    keys: list[str]  # every partition, in order
    tasks: list[PartitionTask]
    finished: list[str]
    crs: Any
    title: dict[str, Any]  # fields of arealanalyse.report.batch.batch_title
    synthetic: bool
    polygons: dict[str, Any]
    unowned_homes: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # failed while planning


def _plan_catalogues(
    catalogues: Sequence[Path | Study], out: Path, code: str, include_planned: bool, say: Progress
) -> _Plan:
    tasks: list[PartitionTask] = []
    finished: list[str] = []
    failed: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    crs = None
    synthetic = False
    for source in catalogues:
        label = source.name
        say.phase(f"checking {label}")
        try:
            cat = open_study(source)
            if cat.path is None:
                raise CatalogueError(
                    f"Study {cat.name!r} was made in memory; a list of study areas is opened by "
                    "the workers from catalogue files: give its catalogue, or cut one study "
                    "with --partitions."
                )
        except ArealanalyseError as exc:  # this study area fails, the others go on
            stem = source.name if isinstance(source, Study) else source.stem
            key = safe_key(stem)
            task = PartitionTask(key, label, str(source), True, str(out / "partitions" / key), "")
            failed.append(write_failure(task, one_line(exc)))
            seen.setdefault(key, Path(label))
            continue
        path = cat.path
        key = safe_key(cat.name)
        if key in seen:
            raise CatalogueError(
                f"Catalogues {seen[key].name!r} and {path.name!r} have the same name "
                f"{cat.name!r}; give each study area its own 'name:' (it names its results)."
            )
        seen[key] = path
        crs = crs or cat.settings.crs
        synthetic = synthetic or cat.synthetic
        files = cat.input_files()
        h = batch_hash(
            {
                "mode": "catalogue",
                "code": code,
                "inputs": cat.input_hashes(),
                "settings": cat.settings.model_dump_json(),
                "include_planned_transit": include_planned,
            }
        )
        folder = out / "partitions" / key
        size = sum(os.path.getsize(p) for p in files.values() if os.path.isfile(p))
        task = PartitionTask(
            key, cat.name, str(path.resolve()), True, str(folder), h, include_planned, size
        )
        state = partition_state(folder)
        if state and state.get("batch_hash") == h and state.get("status") in FINISHED:
            finished.append(key)
        else:
            tasks.append(task)
    title = {"areas": tuple(seen)}
    return _Plan(list(seen), tasks, finished, crs, title, synthetic, {}, failed=failed)


def _plan_split(
    catalogue: Path | Study,
    partitions: Path,
    by: str,
    layer: str | None,
    out: Path,
    code: str,
    include_planned: bool,
    say: Progress,
) -> _Plan:
    from arealanalyse.layers.overlap import check_overlap

    cat = open_study(catalogue)
    s = cat.settings
    name = cat.path.name if cat.path is not None else cat.name
    say.phase(f"reading {name}")
    layers = suite_layers(cat)
    say.phase(f"reading the partitions ({partitions.name})")
    parts = read_partitions(partitions, by, layer=layer, settings=s)
    homes = layers["homes"]
    check_overlap(
        parts,
        shapely.box(*homes.total_bounds),
        name=f"partitions ({partitions.name})",
        area_name=f"the homes of {name}",
    )
    say.phase(f"cutting {name} into {len(parts)} partitions (halo {halo_m(s):,.0f} m)")
    split = CatalogueSplit(layers, parts, settings=s)
    tasks: list[PartitionTask] = []
    finished: list[str] = []
    polygons: dict[str, Any] = {}
    settings_json = s.model_dump_json()
    for i, (key, label, poly) in enumerate(
        zip(parts["key"], parts["label"], parts.geometry.values, strict=True)
    ):
        polygons[key] = poly
        frames = mark_own(*split.subset(i))
        hashes = {kind: hash_frame(f) for kind, f in frames.items()}
        h = batch_hash(
            {
                "mode": "split",
                "code": code,
                "inputs": hashes,
                "polygon": shapely.to_wkb(poly, hex=True),
                "settings": settings_json,
                "include_planned_transit": include_planned,
            }
        )
        folder = out / "partitions" / key
        state = partition_state(folder)
        if state and state.get("batch_hash") == h and state.get("status") in FINISHED:
            finished.append(key)
            continue
        source = out / "inputs" / key
        inputs_state = partition_state(source)
        if not (inputs_state and inputs_state.get("batch_hash") == h):
            with staged_output(source, command="batch inputs") as stage:
                write_inputs(stage.path, frames, settings=s, polygon=poly)
                stage.extra["batch_hash"] = h
        size = sum(len(f) for f in frames.values())
        tasks.append(
            PartitionTask(
                key, str(label), str(source), False, str(folder), h, include_planned, size
            )
        )
    return _Plan(
        list(parts["key"]),
        tasks,
        finished,
        s.crs,
        {"title": cat.title, "partitions": len(parts), "by": by},
        cat.synthetic,
        polygons,
        unowned_homes=split.unowned("homes"),
    )


@contextlib.contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[tuple[Any, int]]:
    """Yield a Dask client on an existing scheduler or on a LocalCluster, and its workers."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ArealanalyseError(
                f"Cannot reach the Dask scheduler at {scheduler!r} ({one_line(exc)}); start it "
                "(dask scheduler) or check --scheduler, e.g. tcp://10.0.0.5:8786."
            ) from None
        try:  # without a worker the tasks would wait forever
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            client.close()
            raise ArealanalyseError(
                f"The Dask scheduler at {scheduler!r} has no workers after {WORKER_WAIT_S:g} s; "
                f"start some (dask worker {scheduler}) and run the same command again."
            ) from None
    else:
        try:
            cluster = LocalCluster(
                n_workers=workers or 1,
                threads_per_worker=1,
                processes=True,
                # the scheduler's HTTP endpoints on a free port (8787 may be another
                # cluster's); no dashboard, which needs bokeh
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            )
        except RuntimeError as exc:  # the worker processes did not come up
            raise ArealanalyseError(
                f"Could not start {workers or 1} local Dask worker process(es) "
                f"({one_line(exc)}); from a Python script, call run_batch under "
                "'if __name__ == \"__main__\":' (the workers import the script), or give "
                "fewer --workers."
            ) from None
        client = Client(cluster)
    try:
        n = (
            len(client.scheduler_info(n_workers=-1).get("workers", {}))
            if scheduler
            else workers or 1
        )
        yield client, n
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _compute(
    tasks: list[PartitionTask],
    workers: int | None,
    scheduler: str | None,
    say: Progress,
    timings: dict[str, float],
) -> int:
    from distributed import as_completed

    t0 = time.perf_counter()
    say.phase(
        f"connecting to {scheduler}" if scheduler else f"starting {workers or 1} Dask worker(s)"
    )
    with _client(workers, scheduler) as (client, n_workers):
        timings["cluster_start"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        # the biggest first: the last task to start should be a short one
        tasks = sorted(tasks, key=lambda t: -t.size)
        futures = {
            client.submit(
                run_partition,
                task,
                key=f"arealanalyse-partition-{task.key}-{task.batch_hash[:12]}",
                pure=False,
            ): task
            for task in tasks
        }
        for fut in as_completed(futures):
            task = futures[fut]
            if fut.status == "finished":
                row = fut.result()
            else:
                row = write_failure(
                    task,
                    f"the partition's task did not finish ({one_line(fut.exception())}); a "
                    "worker may have run out of memory",
                )
            say.done(row)
        timings["compute"] = time.perf_counter() - t1
    return n_workers


def run_batch(
    catalogues: Sequence[str | Path | Study],
    /,
    *,
    out: str | Path,
    partitions: str | Path | None = None,
    by: str | None = None,
    partitions_layer: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    include_planned_transit: bool = False,
    lang: Lang = "nb",
    progress: Progress | None = None,
) -> BatchReport:
    """Run the metric suite for many study areas on Dask; resume finished partitions.

    Parameters
    ----------
    catalogues
        Catalogue YAML files (or opened :class:`~arealanalyse.study.Study` objects): each one a
        partition, or one study that ``partitions`` cuts (which may be made in memory,
        :meth:`Study.from_layers <arealanalyse.study.Study.from_layers>`).
    out
        Output folder (see the module docstring); reused by a rerun.
    partitions, by, partitions_layer
        A polygon layer (file, and layer inside it) and its column whose values name the
        partitions (parts with one value are one partition).
    workers
        Processes of a local Dask cluster (default 1).
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``) instead.
    include_planned_transit
        Count planned transit nodes too.
    lang
        Language of the summary map (``nb`` or ``en``).
    progress
        Callbacks that show progress (:class:`Progress`).

    Returns
    -------
    BatchReport
    """
    say = progress or Progress()
    t_start = time.perf_counter()
    paths = [c if isinstance(c, Study) else Path(c) for c in catalogues]
    out = Path(out)
    if not paths:
        raise CatalogueError("Give at least one catalogue.")
    if partitions is not None and len(paths) != 1:
        raise CatalogueError(
            "--partitions cuts one catalogue; give exactly one catalogue with it (or several "
            "catalogues without --partitions)."
        )
    if (partitions is None) != (by is None):
        raise CatalogueError("--partitions and --by go together (the column naming partitions).")
    if workers is not None and scheduler is not None:
        raise CatalogueError("Give --workers or --scheduler, not both.")
    check_output_folder(out, owns=OWNED)
    timings: dict[str, float] = {}
    with batch_lock(out):
        write_json(out / "batch.json", {"arealanalyse_output": "batch", "note": "in progress"})
        code = code_hash()
        t0, c0 = time.perf_counter(), time.process_time()
        if partitions is None:
            plan = _plan_catalogues(paths, out, code, include_planned_transit, say)
        else:
            assert by is not None
            plan = _plan_split(
                paths[0],
                Path(partitions),
                by,
                partitions_layer,
                out,
                code,
                include_planned_transit,
                say,
            )
        timings["plan"] = time.perf_counter() - t0
        timings["plan_cpu"] = time.process_time() - c0
        say.start(len(plan.tasks) + len(plan.failed), len(plan.finished))
        for row in plan.failed:
            say.done(row)
        n_workers = workers or 1
        if plan.tasks:
            n_workers = _compute(plan.tasks, workers, scheduler, say, timings)
        t1, c1 = time.perf_counter(), time.process_time()
        say.phase("writing the combined outputs")
        report = _assemble(plan, out, paths, lang)
        timings["assemble"] = time.perf_counter() - t1
        timings["assemble_cpu"] = time.process_time() - c1
        report.workers = n_workers
        report.computed = [t.key for t in plan.tasks] + [str(r["key"]) for r in plan.failed]
        report.skipped = plan.finished
        report.unowned_homes = plan.unowned_homes
        report.timings_s = timings
        report.seconds = time.perf_counter() - t_start
    return report


def _assemble(plan: _Plan, out: Path, catalogues: list[Path | Study], lang: Lang) -> BatchReport:
    folders = {k: out / "partitions" / k for k in plan.keys}
    rows = []
    for k, folder in folders.items():
        row = read_row(folder)
        rows.append(
            row
            if row is not None
            else {"key": k, "status": "failed", "error": "no result was recorded"}
        )
    # partitions of an earlier run that are no longer asked for
    for parent in (out / "partitions", out / "inputs"):
        if parent.is_dir():
            for p in parent.iterdir():
                if p.is_dir() and not p.name.startswith(".") and p.name not in folders:
                    shutil.rmtree(p, ignore_errors=True)
    done = {k: f for k, f in folders.items() if (r := read_row(f)) and r.get("status") == "ok"}
    summary, labels = summary_frame(rows, crs=plan.crs, polygons=plan.polygons)
    outputs: dict[str, Path] = {}
    with staged_output(out / "datasets", command="batch datasets") as stage:
        counts = write_datasets(done, stage.path)
        stage.extra["rows"] = counts
    outputs["datasets"] = out / "datasets"
    table = summary.drop(columns="geometry")
    outputs["summary_csv"] = write_table(table.set_index("key"), out / "summary.csv")
    outputs["summary_parquet"] = write_table(summary.set_index("key"), out / "summary.parquet")
    from arealanalyse.report.batch import batch_title, write_batch_map

    m = write_batch_map(
        summary,
        labels,
        out / "summary_map.html",
        title=batch_title(**plan.title, lang=lang),
        synthetic=plan.synthetic,
        lang=lang,
    )
    if m is not None:
        outputs["summary_map"] = m
    status = {str(r["key"]): str(r.get("status")) for r in rows}
    manifest = {
        "arealanalyse_output": "batch",
        "catalogues": [
            str(p.path or p.name) if isinstance(p, Study) else str(p) for p in catalogues
        ],
        "code_sha256": code_hash(),
        "partitions": status,
        "dataset_rows": counts,
    }
    from arealanalyse import __version__

    manifest["arealanalyse_version"] = __version__
    write_json(out / "manifest.json", manifest)
    write_json(out / "batch.json", {"arealanalyse_output": "batch", "note": "complete"})
    return BatchReport(
        out=out,
        rows=rows,
        computed=[],
        skipped=[],
        workers=0,
        seconds=0.0,
        outputs=outputs,
        dataset_rows=counts,
    )
