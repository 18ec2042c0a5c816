"""Batch runs: the metric suite for many study areas at once, on Dask, resumable.

* :func:`run_batch` (``arealanalyse batch``): one partition per catalogue, or one catalogue cut
  by a partition layer; a Dask ``LocalCluster`` or an existing scheduler; per-partition results
  written atomically; a rerun skips partitions whose inputs and code are unchanged.
* :func:`partition_suite`: the one seam to the analysis, the metric suite for the features a
  partition owns, computed on the partition and its halo (:func:`halo_m`), so a home by a
  border gets the figures a single run on the union would give it.
* :func:`read_partitions`, :func:`owner_of`: partition layers and which partition owns what.

See ``docs/batch.md``.
"""

from __future__ import annotations

from arealanalyse.batch.compute import (
    OWNED_KINDS,
    SNAP_COLUMN,
    SUITE_KINDS,
    PartitionResult,
    partition_suite,
    summary_row,
)
from arealanalyse.batch.inputs import (
    CatalogueSplit,
    catalogue_inputs,
    mark_main_component,
    suite_layers,
)
from arealanalyse.batch.partitions import HALO_MARGIN_M, halo_m, owner_of, read_partitions
from arealanalyse.batch.runner import BatchReport, Progress, run_batch

__all__ = [
    "HALO_MARGIN_M",
    "OWNED_KINDS",
    "SNAP_COLUMN",
    "SUITE_KINDS",
    "BatchReport",
    "CatalogueSplit",
    "PartitionResult",
    "Progress",
    "catalogue_inputs",
    "halo_m",
    "mark_main_component",
    "owner_of",
    "partition_suite",
    "read_partitions",
    "run_batch",
    "suite_layers",
    "summary_row",
]
