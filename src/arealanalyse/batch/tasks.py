"""The task a worker runs for one partition: read its inputs, run the suite, write it atomically.

:func:`run_partition` never raises for a problem of the partition: a failure is recorded in the
partition's folder (status ``failed`` and the one-line error) and returned, so one bad partition
does not stop the others. Whatever happens, the folder appears whole or not at all
(:func:`arealanalyse.io.staged_output`), and only a finished folder has a manifest.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from arealanalyse.batch.compute import (
    PartitionResult,
    owns_more_than_homes,
    partition_suite,
    summary_row,
)
from arealanalyse.batch.inputs import catalogue_inputs, read_inputs
from arealanalyse.errors import ArealanalyseError
from arealanalyse.io import staged_output, write_json, write_text

__all__ = [
    "ROW_FILE",
    "PartitionTask",
    "one_line",
    "peak_rss_mb",
    "reset_peak_rss",
    "run_partition",
    "write_failure",
]

#: The partition's summary row, inside its folder.
ROW_FILE = "row.json"


@dataclass(frozen=True)
class PartitionTask:
    """Everything a worker needs for one partition (small and picklable; inputs are paths).

    Attributes
    ----------
    key, label
        Folder-safe key and the partition's value as given (e.g. a kommunenummer).
    source
        The partition's catalogue (``from_catalogue``) or its inputs folder.
    from_catalogue
        Whether ``source`` is a catalogue YAML.
    folder
        The partition's output folder.
    batch_hash
        Hash of inputs, settings and code; recorded so a rerun can skip the partition.
    include_planned_transit
        Count planned transit nodes too.
    size
        How big the partition's inputs are (features, or bytes of a catalogue's files): the
        biggest partitions are submitted first, so a long one does not start last.
    """

    key: str
    label: str
    source: str
    from_catalogue: bool
    folder: str
    batch_hash: str
    include_planned_transit: bool = False
    size: int = 0


def one_line(exc: BaseException, /) -> str:
    """Return an exception as one line: our errors as they are, others named as internal."""
    said = " ".join(str(exc).split())
    if isinstance(exc, ArealanalyseError):
        return said
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        return f"{said}; check the path."
    said = said if len(said) <= 300 else said[:297] + "..."
    return f"internal error ({type(exc).__name__}: {said})"


def reset_peak_rss() -> None:
    """Start measuring this process's peak memory afresh (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB) since it started or :func:`reset_peak_rss`.

    Linux's ``VmHWM``; elsewhere ``ru_maxrss``, which a worker process may inherit from the
    process that started it (so it can overstate a worker's own peak).
    """
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak) / (1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0)


def run_partition(task: PartitionTask, /) -> dict[str, Any]:
    """Compute one partition and write its folder; return its summary row (never raises)."""
    started = time.time()
    t0 = time.perf_counter()
    c0 = time.process_time()
    reset_peak_rss()  # the peak of this task, not of the worker's earlier ones
    row: dict[str, Any] = {"key": task.key, "label": task.label}
    result: PartitionResult | None = None
    trace = ""
    polygon = None
    try:
        if task.from_catalogue:
            layers, own, settings, polygon = catalogue_inputs(task.source)
        else:
            layers, own, settings, polygon = read_inputs(task.source)
        homes = layers["homes"]
        mine = own.get("homes", np.ones(len(homes), dtype=bool))
        row["homes"] = int(np.count_nonzero(mine))
        if row["homes"] == 0 and not owns_more_than_homes(layers, own):
            row["status"] = "empty"
        else:
            result = partition_suite(
                layers,
                own=own,
                settings=settings,
                include_planned_transit=task.include_planned_transit,
            )
            row.update(summary_row(result))
            row["status"] = "ok"
        row["error"] = ""
    except Exception as exc:
        row["status"] = "failed"
        row["error"] = one_line(exc)
        if not isinstance(exc, ArealanalyseError):
            trace = "".join(traceback.format_exception(exc))
        result = None
    row.update(
        {
            "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - c0,
            "started": started,
            "finished": time.time(),
            "worker": f"{socket.gethostname()}:{os.getpid()}",
            "peak_rss_mb": peak_rss_mb(),
            "polygon_wkb": None if polygon is None else shapely.to_wkb(polygon, hex=True),
        }
    )
    try:
        _write(task, row, result, trace)
    except Exception as exc:  # the folder could not be written: say so, leave nothing behind
        row["status"] = "failed"
        row["error"] = f"could not write the partition's results: {one_line(exc)}"
    return row


def _write(
    task: PartitionTask, row: dict[str, Any], result: PartitionResult | None, trace: str
) -> None:
    with staged_output(task.folder, command="batch partition") as stage:
        if result is not None:
            result.write(stage.path)
        if trace:
            write_text(stage.path / "traceback.txt", trace)
        write_json(stage.path / ROW_FILE, row)
        stage.extra.update(
            {"batch_hash": task.batch_hash, "status": row["status"], "key": task.key}
        )


def write_failure(task: PartitionTask, error: str, /) -> dict[str, Any]:
    """Record a partition whose task never returned (its worker died); return its row."""
    row: dict[str, Any] = {
        "key": task.key,
        "label": task.label,
        "status": "failed",
        "error": error,
        "finished": time.time(),
    }
    _write(task, row, None, "")
    return row


def read_row(folder: str | Path, /) -> dict[str, Any] | None:
    """Return a partition folder's summary row, or None."""
    import json

    try:
        data = json.loads((Path(folder) / ROW_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
