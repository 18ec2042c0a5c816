"""arealanalyse batch on a separate Dask scheduler and worker; a failing study area.

The scheduler and the worker are their own processes (``python -m dask scheduler`` and
``python -m dask worker``) on localhost, as on a cluster; the batch only knows the scheduler's
address. One of three catalogues has a broken homes file: its partition records a one-line
error, the other two finish, and a rerun after the fix computes only the broken one.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from batch_areas import X0, Y0, lattice_area


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )


@contextlib.contextmanager
def _cluster(folder: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A ``dask scheduler`` and one ``dask worker`` process on localhost; their address."""
    info = folder / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    scheduler = _start(
        ["scheduler", "--port", "0", "--scheduler-file", str(info), *common],
        folder / "scheduler.log",
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not info.is_file():
            assert scheduler.poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole, but give it a moment
        address = json.loads(info.read_text())["address"]
        worker = _start(
            ["worker", address, "--nthreads", "1", "--no-nanny", *common],
            folder / "worker.log",
        )
        yield address, worker
    finally:
        for proc in (worker, scheduler):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    from arealanalyse.cli import main

    code = main(["batch", *args])
    said = capsys.readouterr()
    return code, json.loads(said.out), said.err


def test_batch_on_a_separate_scheduler_records_a_failure_and_resumes(tmp_path, capsys):
    areas = tmp_path / "areas"
    catalogues = [
        lattice_area(areas, name, width_m=2400, height_m=2400, homes=200, origin=origin, seed=i)
        for i, (name, origin) in enumerate(
            [("nord", (X0, Y0 + 10_000)), ("sor", (X0, Y0)), ("brutt", (X0 + 10_000, Y0))]
        )
    ]
    homes = areas / "brutt-homes.gpkg"
    good = homes.read_bytes()
    homes.write_bytes(b"not a GeoPackage")
    out = tmp_path / "out"
    with _cluster(tmp_path) as (address, worker):
        args = [*map(str, catalogues), "--scheduler", address, "--out", str(out), "--json"]
        code, payload, err = _run(args, capsys)
        # one line naming the failed partition and where the errors are; exit 2
        assert code == 2
        line = err.strip()
        assert "\n" not in line and "1 of 3 partitions failed" in line and "brutt" in line
        status = {p["key"]: p["status"] for p in payload["partitions"]}
        assert status == {"nord": "ok", "sor": "ok", "brutt": "failed"}
        assert payload["workers"] == 1
        summary = pd.read_csv(out / "summary.csv", index_col="key")
        error = summary.loc["brutt", "error"]
        assert "brutt-homes.gpkg" in error and "\n" not in error
        assert summary.loc[["nord", "sor"], "error"].isna().all()
        # the partitions ran in the separate worker process, not in this one
        rows = [json.loads((out / "partitions" / k / "row.json").read_text()) for k in status]
        assert {r["worker"].rsplit(":", 1)[1] for r in rows} == {str(worker.pid)}
        assert worker.pid != os.getpid()

        homes.write_bytes(good)
        code, payload, _ = _run(args, capsys)
        assert code == 0
        assert payload["computed"] == ["brutt"]
        assert sorted(payload["skipped"]) == ["nord", "sor"]

        # without --json: the progress bar over partitions and where the outputs went
        from arealanalyse.cli import main

        assert main(["batch", *args[:-1]]) == 0
        said = capsys.readouterr()
        assert "3 partitions: 0 computed" in said.out and "3 unchanged (skipped)" in said.out
        assert f"outputs written to {out}" in said.out
        assert "3/3" in said.err and "3 unchanged (skipped)" in said.err  # the bar's last state
    summary = pd.read_csv(out / "summary.csv", index_col="key")
    assert (summary["status"] == "ok").all()
    # each study area reports the homes inside its boundary (those off its outer streets are
    # outside)
    for key in ("nord", "sor", "brutt"):
        inside = gpd.read_file(areas / f"{key}-homes.gpkg").geometry.covered_by(
            gpd.read_file(areas / f"{key}.gpkg", layer="boundary").geometry.iloc[0]
        )
        assert summary.loc[key, "homes"] == inside.sum() > 150
