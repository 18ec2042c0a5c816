"""Benchmark: ``arealanalyse batch`` on a synthetic national workload, and its projection.

A synthetic Norway: 357 kommuner sized like the real ones by population (the five largest as
SSB counts them, the others log-normal with SSB's median; together 5.49 million people on about
225,000 inhabited 250 m cells, the SSB grid's national figures). Each kommune is a square block
of 250 m cells, 60 % of them inhabited, with a street every 125 m; the blocks are packed side by
side on shelves, so every kommune borders others and the streets run across the borders. The
benchmark builds ``--partitions`` of them (the largest, the smallest and evenly spaced ranks in
between) as ONE catalogue plus a partition layer of the kommune squares, runs ``run_batch`` on
1 and 2 local Dask workers (each run in a fresh process), and reports throughput, peak memory
per worker and of the driver, and the scheduler's overhead (no-op tasks through the same kind of
cluster). From the measured CPU seconds per partition it fits a cost model and projects the wall
time of all 357 kommuner on 8, 32 and 128 workers.

Run: ``.venv/bin/python bench/bench_batch.py [--partitions 48] [--workers 1,2]``. Writes
``bench/batch.json`` and rewrites ``docs/performance.md`` (``bench/run.py`` keeps the section).
The workload is written under ``build/bench/batch`` (never committed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
WORK = ROOT / "build" / "bench" / "batch"

#: Kommuner (2020-2023) and people (SSB, 1 January 2023).
N_KOMMUNER = 357
POPULATION = 5_488_984
#: Inhabited cells of SSB's national 250 m grid (issue 19: ~225,000 cells, ~5.6 million people).
INHABITED_CELLS = 225_000
#: About half of Norway's kommuner have fewer than 5,000 inhabitants (SSB).
MEDIAN_POPULATION = 5_000
#: The five largest kommuner (SSB, 1 January 2022, rounded): Oslo, Bergen, Trondheim,
#: Stavanger, Bærum.
LARGEST = (700_000, 286_000, 213_000, 145_000, 129_000)
#: The smallest kommune, Utsira, has about 200 inhabitants.
SMALLEST = 200
CELL_M = 250.0
STREET_M = 125.0
FILL = 0.6  # share of a kommune block's cells that are inhabited
CRS = "EPSG:25832"
ORIGIN = (300_000.0, 6_600_000.0)
SCHEDULER_PROBE_TASKS = 2_000


# ---------------------------------------------------------------- the synthetic kommuner
def kommune_sizes() -> tuple[np.ndarray, np.ndarray]:
    """Population and inhabited 250 m cells of the 357 synthetic kommuner, largest first.

    Population: the five largest as :data:`LARGEST`; the others the quantiles of a log-normal
    with median :data:`MEDIAN_POPULATION` whose spread makes all 357 sum to :data:`POPULATION`,
    at least :data:`SMALLEST`. Cells: proportional to the square root of the population (cities
    are dense, villages sparse), scaled so that all sum to :data:`INHABITED_CELLS`, at least 4
    and at most one per person.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    k = len(LARGEST)
    z = norm.ppf((np.arange(N_KOMMUNER) + 0.5) / N_KOMMUNER)[::-1][k:]  # below the largest

    def rest(sigma: float) -> np.ndarray:
        return np.maximum(MEDIAN_POPULATION * np.exp(sigma * z), SMALLEST)

    sigma = brentq(lambda sg: rest(sg).sum() - (POPULATION - sum(LARGEST)), 0.1, 3.0)
    pop = np.concatenate([np.asarray(LARGEST, dtype=float), rest(sigma)]).round()
    pop = pop.astype(np.int64)
    raw = np.sqrt(pop.astype(float))
    cells = np.clip((raw * INHABITED_CELLS / raw.sum()).round(), 4, pop).astype(np.int64)
    return pop, cells


def layout(cells: np.ndarray) -> np.ndarray:
    """Side (in cells) and south-west corner of each kommune's square block, packed on shelves.

    Returns an array of rows ``side, x0, y0`` (metres). The blocks are sorted largest first and
    placed left to right on shelves as wide as the square root of their total area, so each
    block touches its neighbours on the shelf and the shelf below.
    """
    side = np.ceil(np.sqrt(cells / FILL)).astype(np.int64)
    width = int(np.ceil(np.sqrt((side**2).sum()) * 1.15))
    out = np.zeros((len(cells), 3))
    x = y = shelf = 0
    for i in np.argsort(-side, kind="stable"):
        if x + side[i] > width and x > 0:
            x, y, shelf = 0, y + shelf, 0
        out[i] = (side[i], ORIGIN[0] + x * CELL_M, ORIGIN[1] + y * CELL_M)
        x += side[i]
        shelf = max(shelf, side[i])
    return out


def sample(n: int) -> np.ndarray:
    """Ranks of the kommuner a benchmark builds: the largest, the smallest, evenly between."""
    return np.unique(np.linspace(0, N_KOMMUNER - 1, n).round().astype(np.int64))


def _streets(side: int, x0: float, y0: float) -> list[Any]:
    """A street every 125 m across a block, as 125 m segments that meet the neighbours'."""
    import shapely

    n = 2 * side
    ext = side * CELL_M
    offs = STREET_M / 2 + STREET_M * np.arange(n)
    cuts = np.concatenate([[0.0], offs, [ext]])
    a, b = cuts[:-1], cuts[1:]
    lines = []
    for o in offs:  # vertical street at x0 + o, horizontal street at y0 + o
        lines.append(
            shapely.linestrings(
                np.stack(
                    [
                        np.stack([np.full(len(a), x0 + o), y0 + a], 1),
                        np.stack([np.full(len(b), x0 + o), y0 + b], 1),
                    ],
                    axis=1,
                )
            )
        )
        lines.append(
            shapely.linestrings(
                np.stack(
                    [
                        np.stack([x0 + a, np.full(len(a), y0 + o)], 1),
                        np.stack([x0 + b, np.full(len(b), y0 + o)], 1),
                    ],
                    axis=1,
                )
            )
        )
    return list(np.concatenate(lines))


def build(folder: Path, ranks: np.ndarray, *, seed: int = 19) -> dict[str, Any]:
    """Write the catalogue and the partition layer of the sampled kommuner; return facts."""
    import geopandas as gpd
    import shapely
    import yaml

    pop, cells = kommune_sizes()
    place = layout(cells[ranks])  # the built kommuner packed together
    rng = np.random.default_rng(seed)
    homes, walk, services, transit, green, parts = [], [], [], [], [], []
    for j, r in enumerate(ranks):
        side, x0, y0 = int(place[j, 0]), place[j, 1], place[j, 2]
        key = f"K{r + 1:03d}"
        n = int(cells[r])
        pick = rng.choice(side * side, n, replace=False)
        cx, cy = x0 + (pick % side) * CELL_M, y0 + (pick // side) * CELL_M
        weight = rng.lognormal(0.0, 1.0, n)
        people = 1 + rng.multinomial(int(pop[r]) - n, weight / weight.sum())
        homes.append(
            gpd.GeoDataFrame(
                {"population": people.astype(float), "dwellings": people / 2.3, "source": "grid"},
                geometry=shapely.box(cx, cy, cx + CELL_M, cy + CELL_M),
                crs=CRS,
            )
        )
        walk.append(_streets(side, x0, y0))
        counts = {
            "school": max(1, pop[r] // 2500),
            "grocery": max(1, pop[r] // 1500),
            "kindergarten": max(1, pop[r] // 1200),
            "health": max(1, pop[r] // 8000),
        }
        for cat, k in counts.items():
            at = rng.choice(n, int(k))
            services.append(
                gpd.GeoDataFrame(
                    {"category": cat, "name": [f"{key}-{cat}-{i}" for i in range(int(k))]},
                    geometry=shapely.points(cx[at] + STREET_M / 2 + 8, cy[at] + 100),
                    crs=CRS,
                )
            )
        n_bus = max(2, int(pop[r] // 400))
        n_rail = int(pop[r] // 40_000)
        at = rng.choice(n, n_bus + n_rail)
        transit.append(
            gpd.GeoDataFrame(
                {
                    "name": [f"{key}-stopp-{i}" for i in range(n_bus + n_rail)],
                    "mode": ["bus"] * n_bus + ["rail"] * n_rail,
                    "status": "existing",
                },
                geometry=shapely.points(cx[at] + STREET_M / 2 - 8, cy[at] + 60),
                crs=CRS,
            )
        )
        k = max(1, int(pop[r] // 5000))
        at = rng.choice(n, k)
        green.append(
            gpd.GeoDataFrame(
                {"green_type": "park", "name": [f"{key}-park-{i}" for i in range(k)]},
                geometry=shapely.box(cx[at] + 70, cy[at] + 70, cx[at] + 240, cy[at] + 240),
                crs=CRS,
            )
        )
        parts.append(
            {
                "kommunenr": key,
                "innbyggere": int(pop[r]),
                "geometry": shapely.box(x0, y0, x0 + side * CELL_M, y0 + side * CELL_M),
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    gpkg = folder / "norge.gpkg"
    if gpkg.exists():
        gpkg.unlink()
    frames = {
        "homes": _concat(homes),
        "walk_network": gpd.GeoDataFrame(geometry=np.concatenate(walk), crs=CRS).assign(
            highway="footway"
        ),
        "services": _concat(services),
        "transit": _concat(transit),
        "green": _concat(green),
    }
    for kind, gdf in frames.items():
        gdf.to_file(gpkg, layer=kind, driver="GPKG", engine="pyogrio")
    doc = {
        "schema_version": 1,
        "name": "norge-syntetisk",
        "title": "Synthetic Norway (batch benchmark)",
        "synthetic": True,
        "crs": CRS,
        "layers": {kind: {"path": gpkg.name, "layer": kind} for kind in frames},
    }
    catalogue = folder / "norge.yaml"
    catalogue.write_text(yaml.safe_dump(doc), encoding="utf-8")
    partitions = folder / "kommuner.gpkg"
    gpd.GeoDataFrame(parts, crs=CRS).to_file(partitions, driver="GPKG", engine="pyogrio")
    return {
        "catalogue": str(catalogue),
        "partitions": str(partitions),
        "kommuner": len(ranks),
        "people": int(pop[ranks].sum()),
        "cells": int(cells[ranks].sum()),
        "edges": len(frames["walk_network"]),
        "services": len(frames["services"]),
        "transit": len(frames["transit"]),
    }


def _concat(frames: list[Any]) -> Any:
    import geopandas as gpd
    import pandas as pd

    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)


def halo_inputs(ranks: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Street segments and inhabited cells each kommune's task reads (own block plus halo).

    Computed from the layout alone (8 street segments per 250 m cell, 60 % of the cells
    inhabited), for all 357 kommuner packed together, or for ``ranks`` packed as built.
    """
    import shapely

    from arealanalyse.batch import halo_m

    _, cells = kommune_sizes()
    idx = np.arange(N_KOMMUNER) if ranks is None else np.asarray(ranks)
    place = layout(cells[idx])
    boxes = shapely.box(
        place[:, 1],
        place[:, 2],
        place[:, 1] + place[:, 0] * CELL_M,
        place[:, 2] + place[:, 0] * CELL_M,
    )
    tree = shapely.STRtree(boxes)
    h = halo_m()
    area = np.zeros(len(idx))
    for j, b in enumerate(boxes):
        zone = shapely.buffer(b, h, join_style="mitre")
        near = tree.query(zone, predicate="intersects")
        area[j] = shapely.area(shapely.intersection(boxes[near], zone)).sum()
    per_cell = area / CELL_M**2
    return {"ranks": idx, "edges": 8.0 * per_cell, "cells": FILL * per_cell}


# ---------------------------------------------------------------- one run (own process)
def _rss_mb() -> float:
    from arealanalyse.batch.tasks import peak_rss_mb

    return peak_rss_mb()


def one_run(workers: int, workload: Path, out: Path) -> dict[str, Any]:
    """Run the batch once on ``workers`` local workers; measure the driver and the scheduler."""
    t_import = time.perf_counter()
    from distributed import Client, LocalCluster

    from arealanalyse.batch import run_batch

    t_import = time.perf_counter() - t_import
    rss_imports = _rss_mb()
    facts = json.loads((workload / "facts.json").read_text())
    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    report = run_batch(
        [facts["catalogue"]],
        out=out,
        partitions=facts["partitions"],
        by="kommunenr",
        workers=workers,
    )
    wall = time.perf_counter() - t0
    rows = []
    for r in report.rows:
        folder = out / "inputs" / r["key"]
        rows.append(
            {
                "key": r["key"],
                "status": r["status"],
                "homes": r.get("homes"),
                "seconds": r.get("seconds"),
                "cpu_seconds": r.get("cpu_seconds"),
                "peak_rss_mb": r.get("peak_rss_mb"),
                "worker": r.get("worker"),
                "started": r.get("started"),
                "finished": r.get("finished"),
                "input_edges": _rows(folder / "walk_network.parquet"),
                "input_homes": _rows(folder / "homes.parquet"),
            }
        )
    driver_peak = _rss_mb()
    catalogue_edges = facts["edges"]
    # the scheduler's own cost: no-op tasks through a cluster of the same shape
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=50,
    )
    with Client(cluster) as client:
        client.submit(_noop, -1, pure=False).result()  # warm
        t1 = time.perf_counter()
        futures = client.map(_noop, range(SCHEDULER_PROBE_TASKS), pure=False)
        client.gather(futures)
        noop = time.perf_counter() - t1
    cluster.close()
    return {
        "workers": report.workers,
        "wall_s": wall,
        "timings_s": report.timings_s,
        "failed": len(report.failed),
        "rows": rows,
        "dataset_rows": report.dataset_rows,
        "driver_peak_rss_mb": driver_peak,
        "driver_rss_after_imports_mb": rss_imports,
        "catalogue_edges": catalogue_edges,
        "import_s": t_import,
        "noop_tasks": SCHEDULER_PROBE_TASKS,
        "noop_s": noop,
        "loadavg_1min": os.getloadavg()[0],
    }


def _noop(i: int) -> int:
    return i


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows) if path.is_file() else 0


# ---------------------------------------------------------------- analysis and projection
def fit_cost(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """CPU seconds per partition ~ a + b * input edges + c * input homes (non-negative)."""
    from scipy.optimize import nnls

    ok = [r for r in rows if r["status"] == "ok"]
    x = np.array([[1.0, r["input_edges"] / 1e3, r["input_homes"] / 1e3] for r in ok])
    y = np.array([r["cpu_seconds"] for r in ok])
    coef, _ = nnls(x, y)
    pred = x @ coef
    ss = float(((y - y.mean()) ** 2).sum())
    return {
        "base_s": float(coef[0]),
        "per_1000_edges_s": float(coef[1]),
        "per_1000_homes_s": float(coef[2]),
        "r2": 1.0 - float(((y - pred) ** 2).sum()) / ss if ss > 0 else float("nan"),
        "max_rel_error": float(np.max(np.abs(pred - y) / np.maximum(y, 1e-9))),
    }


def makespan(costs: np.ndarray, workers: int, overhead_s: float = 0.0) -> float:
    """Wall time of tasks submitted largest first to ``workers`` (each takes the next free)."""
    free = np.zeros(workers)
    for c in np.sort(costs)[::-1]:
        i = int(np.argmin(free))
        free[i] += c + overhead_s
    return float(free.max())


def project(runs: dict[int, dict[str, Any]], cost: dict[str, Any]) -> dict[str, Any]:
    """The wall time of all 357 kommuner on 8, 32 and 128 workers (see the assumptions)."""
    national = halo_inputs()
    costs = (
        cost["base_s"]
        + cost["per_1000_edges_s"] * national["edges"] / 1e3
        + cost["per_1000_homes_s"] * national["cells"] / 1e3
    )
    one = runs[min(runs)]
    rows = one["rows"]
    sample_edges = sum(r["input_edges"] for r in rows)
    # the driver: planning (load, whole network, cut and hash, write inputs) grows with the
    # edges it writes; combining the outputs with the rows it combines
    plan_per_edge = min(r["timings_s"]["plan_cpu"] for r in runs.values()) / max(sample_edges, 1)
    total_rows = sum(one["dataset_rows"].values())
    assemble_cpu = min(r["timings_s"]["assemble_cpu"] for r in runs.values())
    assemble_per_row = assemble_cpu / max(total_rows, 1)
    national_rows = total_rows * INHABITED_CELLS / max(sum(r["input_homes"] for r in rows), 1)
    per_task = max(r["noop_s"] / r["noop_tasks"] for r in runs.values())
    start = max(r["timings_s"].get("cluster_start", 0.0) for r in runs.values())
    plan = plan_per_edge * national["edges"].sum()
    assemble = assemble_per_row * national_rows * 2  # per_home + per_cell
    # the driver holds the whole catalogue and its network: memory grows with its streets
    own_edges = 8.0 * INHABITED_CELLS / FILL
    base = one["driver_rss_after_imports_mb"]
    driver_mb = base + (one["driver_peak_rss_mb"] - base) * own_edges / one["catalogue_edges"]
    out = {
        "kommuner": N_KOMMUNER,
        "task_cpu_s_total": float(costs.sum()),
        "task_cpu_s_largest": float(costs.max()),
        "driver_plan_s": plan,
        "driver_assemble_s": assemble,
        "cluster_start_s": start,
        "scheduler_s_per_task": per_task,
        "halo_edges_total": float(national["edges"].sum()),
        "own_edges_total": own_edges,
        "driver_peak_rss_mb": driver_mb,
        "workers": {},
    }
    for w in (8, 32, 128):
        compute = makespan(costs, w, per_task)
        out["workers"][str(w)] = {
            "compute_s": compute,
            "lower_bound_s": float(max(costs.max(), costs.sum() / w)),
            "total_s": plan + start + compute + assemble,
        }
    return out


def analyse(runs: dict[int, dict[str, Any]], facts: dict[str, Any]) -> dict[str, Any]:
    """Throughput, memory and overhead of each run; cost model and projection."""
    summary = {}
    for w, r in sorted(runs.items()):
        ok = [x for x in r["rows"] if x["status"] == "ok"]
        by_worker: dict[str, float] = {}
        for x in ok:
            by_worker[x["worker"]] = max(by_worker.get(x["worker"], 0.0), x["peak_rss_mb"])
        compute = r["timings_s"]["compute"]
        busy = sum(x["seconds"] for x in ok)
        summary[str(w)] = {
            "wall_s": r["wall_s"],
            "timings_s": r["timings_s"],
            "partitions": len(r["rows"]),
            "failed": r["failed"],
            "partitions_per_min_compute": 60.0 * len(ok) / compute,
            "people_per_s_compute": facts["people"] / compute,
            "cells_per_s_compute": facts["cells"] / compute,
            "partitions_per_min_end_to_end": 60.0 * len(ok) / r["wall_s"],
            "task_seconds_sum": busy,
            "task_cpu_seconds_sum": sum(x["cpu_seconds"] for x in ok),
            "utilisation": busy / (compute * r["workers"]),
            "peak_rss_mb_per_worker": sorted(by_worker.values(), reverse=True),
            "driver_peak_rss_mb": r["driver_peak_rss_mb"],
            "driver_rss_after_imports_mb": r["driver_rss_after_imports_mb"],
            "scheduler_ms_per_task": 1e3 * r["noop_s"] / r["noop_tasks"],
            "scheduler_overhead_s": compute - busy / r["workers"],
            "loadavg_1min": r["loadavg_1min"],
            "attempts": r.get("attempts", 1),
        }
    rows = runs[min(runs)]["rows"]
    cost = fit_cost(rows)
    largest = max(rows, key=lambda x: x["input_edges"])
    check = halo_inputs(np.array([int(x["key"][1:]) - 1 for x in rows]))
    got = np.array([x["input_edges"] for x in rows], dtype=float)
    return {
        "runs": summary,
        "cost_model": cost,
        "largest_partition": {
            "key": largest["key"],
            "input_edges": largest["input_edges"],
            "input_homes": largest["input_homes"],
            "cpu_seconds": largest["cpu_seconds"],
            "peak_rss_mb": largest["peak_rss_mb"],
        },
        "halo_model_max_rel_error": float(
            np.max(np.abs(check["edges"] - got) / np.maximum(got, 1.0))
        ),
        "projection": project(runs, cost),
    }


# ---------------------------------------------------------------- markdown (docs/performance.md)
def _f(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def _duration(s: float) -> str:
    return f"{s / 60:,.1f} min" if s >= 120 else f"{s:,.0f} s"


def markdown(res: dict[str, Any]) -> list[str]:
    """The batch section of docs/performance.md."""
    w = res["workload"]
    a = res["analysis"]
    runs = a["runs"]
    lines = [
        "## Batch runs on Dask: a synthetic Norway",
        "",
        f"From `bench/bench_batch.py` (`bench/batch.json`), {res['generated']}, "
        f"{res['machine']['cpus']} CPU cores shared with other work. A synthetic national "
        f"workload: {N_KOMMUNER} kommuner sized like Norway's by population (the five largest "
        "as SSB counts them, the others log-normal with SSB's median of about 5,000; "
        f"{POPULATION / 1e6:.2f} million people on {INHABITED_CELLS:,} inhabited 250 m cells, "
        "the national SSB grid's figures), each a block of 250 m cells (60 % inhabited, a "
        "street every 125 m) packed side by side so that every kommune borders others and the "
        f"streets cross the borders. Built and run here: **{w['kommuner']} of them** (the "
        "largest, an Oslo of 700,000 people, the smallest, and evenly spaced ranks between): "
        f"{w['people']:,} people on {w['cells']:,} cells (the homes), {w['edges']:,} street "
        f"segments, {w['services']:,} services, {w['transit']:,} stops, as one catalogue cut by "
        f"a partition layer of the kommune squares (halo {res['halo_m']:,.0f} m). Each run in a "
        "fresh process; `run_batch` with a LocalCluster of 1-thread worker processes; runs per "
        f"worker count: {next(iter(runs.values()))['attempts']} (interleaved; the one with the "
        "fastest compute shown).",
        "",
        "| | " + " | ".join(f"{k} worker{'s' if k != '1' else ''}" for k in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]

    def row(label: str, fn: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in runs.values()) + " |")

    row("**wall time, end to end** (s)", lambda r: f"**{_f(r['wall_s'])}**")
    row(
        "driver: plan (load, whole network, cut + hash + write inputs) (s; CPU)",
        lambda r: f"{_f(r['timings_s']['plan'])} ({_f(r['timings_s']['plan_cpu'])})",
    )
    row("cluster start (s)", lambda r: _f(r["timings_s"]["cluster_start"]))
    row("compute: all partitions (s)", lambda r: _f(r["timings_s"]["compute"]))
    row(
        "driver: GeoParquet datasets, summary, map (s; CPU)",
        lambda r: f"{_f(r['timings_s']['assemble'])} ({_f(r['timings_s']['assemble_cpu'])})",
    )
    row(
        "**throughput** (compute): partitions/min; people/s",
        lambda r: f"**{_f(r['partitions_per_min_compute'])}**; {_f(r['people_per_s_compute'], 0)}",
    )
    row(
        "task seconds, summed (CPU)",
        lambda r: f"{_f(r['task_seconds_sum'])} ({_f(r['task_cpu_seconds_sum'])})",
    )
    row("worker utilisation in compute", lambda r: f"{100 * r['utilisation']:.0f} %")
    row(
        "cores the workers got in compute (task CPU ÷ compute wall)",
        lambda r: _f(r["task_cpu_seconds_sum"] / r["timings_s"]["compute"], 2),
    )
    row(
        "**peak memory per worker** (MB)",
        lambda r: "**" + ", ".join(_f(m, 0) for m in r["peak_rss_mb_per_worker"]) + "**",
    )
    row(
        "driver peak memory (MB; after imports)",
        lambda r: f"{_f(r['driver_peak_rss_mb'], 0)} ({_f(r['driver_rss_after_imports_mb'], 0)})",
    )
    row(
        "**scheduler overhead**: no-op task round trip (ms/task)",
        lambda r: f"**{_f(r['scheduler_ms_per_task'], 2)}**",
    )
    row(
        "scheduler overhead: compute wall minus task time per worker (s)",
        lambda r: _f(r["scheduler_overhead_s"]),
    )
    row("1-minute load average after the run", lambda r: _f(r["loadavg_1min"]))
    lines += [
        "",
        "CPU seconds are the work itself; wall seconds include waiting for the shared machine "
        "(a load average above 2 means other work ran on its two cores, and then two workers "
        "cannot halve the wall time: the row 'cores the workers got' shows how much of the "
        "machine the workers had). Peak memory per worker is each worker process's own peak "
        "(Linux VmHWM, reset at the start of each task), Dask's own memory included.",
    ]
    c = a["cost_model"]
    big = a["largest_partition"]
    p = a["projection"]
    lines += [
        "",
        f"The largest partition (the Oslo-sized {big['key']}: {big['input_edges']:,} street "
        f"segments and {big['input_homes']:,} cells with its halo) took {_f(big['cpu_seconds'])} "
        f"CPU s and {_f(big['peak_rss_mb'], 0)} MB. Cost model fitted on the {w['kommuner']} "
        f"partitions of the 1-worker run: CPU s = {c['base_s']:.3f} + "
        f"{c['per_1000_edges_s']:.3f} × (thousand street segments read) + "
        f"{c['per_1000_homes_s']:.3f} × (thousand cells read); R² {c['r2']:.3f}. The segments "
        "and cells a partition reads (own block and halo) follow from the layout alone; on the "
        f"built partitions that estimate is within {100 * a['halo_model_max_rel_error']:.1f} % "
        "of the counts.",
        "",
        f"**Projection: all {p['kommuner']} kommuner.** Tasks {_f(p['task_cpu_s_total'], 0)} CPU s "
        f"in total (the largest {_f(p['task_cpu_s_largest'])} s); the halos make the tasks read "
        f"{p['halo_edges_total'] / p['own_edges_total']:.1f}× the streets of the whole country. "
        f"Driver: planning {_duration(p['driver_plan_s'])}, combining the outputs "
        f"{_duration(p['driver_assemble_s'])}, peak memory about "
        f"{p['driver_peak_rss_mb'] / 1024:,.1f} GB; cluster start {_f(p['cluster_start_s'])} s. "
        "A worker needs the memory of its biggest partition (measured above for the largest).",
        "",
        "| workers | compute (largest first) | lower bound: max(largest task, total ÷ workers) "
        "| **total with the driver** |",
        "|---:|---:|---:|---:|",
    ]
    for k, v in sorted(p["workers"].items(), key=lambda kv: int(kv[0])):
        lines.append(
            f"| {k} | {_duration(v['compute_s'])} | {_duration(v['lower_bound_s'])} | "
            f"**{_duration(v['total_s'])}** |"
        )
    lines += [
        "",
        "What the projection assumes:",
        "",
        "* Each worker is one process with one thread on a core of its own, as fast as this "
        "machine's (CPU seconds measured here, not wall seconds, which other work on the shared "
        "machine inflates); tasks are single-threaded.",
        "* Task cost grows linearly with the streets and homes a partition reads (the fit "
        "above); real kommuner are mostly empty land, so their halos hold less than these "
        "packed blocks: the projection errs on the slow side.",
        "* The runner submits the biggest partitions first and Dask gives each free worker the "
        "next task; compute time is that schedule plus the measured no-op round trip per task.",
        "* The driver's planning is serial and grows with the street segments it cuts and "
        "writes (its CPU seconds per segment, the lower of the runs); it needs the whole "
        "catalogue in memory. Combining the outputs grows with the rows combined (its CPU "
        "seconds per row). A rerun after a change plans again but computes only the changed "
        "partitions.",
        "* Every worker reads the inputs and writes its results on a shared file system as fast "
        "as the local disk here; cluster start as measured (a real cluster's workers may take "
        "longer to arrive).",
        "* Beyond a few workers the driver's serial steps (planning, combining the outputs) "
        "are most of the total; the compute itself is bounded by the largest kommune at 128 "
        "workers (cutting the largest kommuner into grunnkretser, or a grid, removes that "
        "bound).",
        "",
    ]
    return lines


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    """Build the workload, run it on each worker count, write batch.json and performance.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partitions", type=int, default=48, help="Kommuner to build (>= 40).")
    ap.add_argument("--workers", default="1,2", help="Worker counts to run, e.g. 1,2.")
    ap.add_argument(
        "--repeats", type=int, default=2, help="Runs of each count (the fastest compute kept)."
    )
    ap.add_argument("--out", default=str(ROOT / "bench" / "batch.json"))
    ap.add_argument("--doc", default=str(ROOT / "docs" / "performance.md"))
    ap.add_argument("--run", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument(
        "--reanalyse",
        action="store_true",
        help="Recompute the analysis and the markdown from the runs in --out (no new runs).",
    )
    ap.add_argument("--work", default=str(WORK), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    work = Path(args.work)
    if args.run is not None:  # one run, in its own process
        res = one_run(args.run, work, work / f"out-{args.run}")
        print(json.dumps(res))
        return 0
    if args.reanalyse:
        old = json.loads(Path(args.out).read_text(encoding="utf-8"))
        old_runs = {int(k): v for k, v in old["runs"].items()}
        old["analysis"] = analyse(old_runs, old["workload"])
        from arealanalyse.io import write_json

        write_json(args.out, old)
        _write_doc(Path(args.doc))
        return 0
    ranks = sample(args.partitions)
    print(f"building {len(ranks)} synthetic kommuner under {work}", flush=True)
    t0 = time.perf_counter()
    facts = build(work, ranks)
    facts["build_s"] = time.perf_counter() - t0
    (work / "facts.json").write_text(json.dumps(facts))
    print(json.dumps(facts), flush=True)
    runs: dict[int, dict[str, Any]] = {}
    counts = [int(x) for x in args.workers.split(",")]
    for attempt in range(args.repeats):  # interleaved, so each count meets a quiet moment
        for w in counts:
            print(f"running on {w} worker(s), attempt {attempt + 1}", flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--run", str(w), "--work", str(work)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                return 1
            r = json.loads(done.stdout.strip().splitlines()[-1])
            r["attempts"] = args.repeats
            print(
                f"  {w} worker(s): wall {r['wall_s']:.1f} s, timings {r['timings_s']}, "
                f"driver peak {r['driver_peak_rss_mb']:.0f} MB, failed {r['failed']}",
                flush=True,
            )
            if w not in runs or r["timings_s"]["compute"] < runs[w]["timings_s"]["compute"]:
                runs[w] = r
    from arealanalyse.batch import halo_m
    from arealanalyse.io import write_json

    result = {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "halo_m": halo_m(),
        "workload": {**facts, **{k: _relative(facts[k]) for k in ("catalogue", "partitions")}},
        "analysis": analyse(runs, facts),
        "runs": runs,
    }
    write_json(args.out, result)
    print(json.dumps(result["analysis"], indent=1), flush=True)
    _write_doc(Path(args.doc))
    print(f"wrote {args.out} and {args.doc}", flush=True)
    return 0


def _relative(path: str) -> str:
    p = Path(path)
    return p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.name


def _write_doc(doc: Path) -> None:
    """Rewrite docs/performance.md with bench/run.py (which adds this benchmark's section)."""
    results_file = ROOT / "bench" / "results.json"
    if results_file.is_file():
        cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--doc-only", "--doc", str(doc)]
        subprocess.run([*cmd, "--out", str(results_file)], check=True)


if __name__ == "__main__":
    sys.exit(main())
