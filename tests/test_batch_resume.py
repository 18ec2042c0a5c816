"""A batch killed half-way resumes: only unfinished (or changed) partitions are computed again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from batch_areas import X0, Y0, grid_partitions, lattice_area

W, H = 13_000.0, 19_500.0  # 2 x 3 partitions of 6.5 km: each has homes 3 km from the others


def _finished(out: Path) -> dict[str, bytes]:
    """Partition folders with a manifest (finished), by key, with the manifest's bytes."""
    folder = out / "partitions"
    if not folder.is_dir():
        return {}
    return {
        p.name: (p / "manifest.json").read_bytes()
        for p in folder.iterdir()
        if not p.name.startswith(".") and (p / "manifest.json").is_file()
    }


def test_killed_batch_reruns_only_unfinished_and_changed_partitions(tmp_path, capsys):
    from arealanalyse.batch import halo_m
    from arealanalyse.cli import main

    catalogue = lattice_area(
        tmp_path / "area", "rutenett", width_m=W, height_m=H, spacing_m=400.0, homes=1500
    )
    parts = grid_partitions(tmp_path / "ruter.gpkg", (X0, Y0, X0 + W, Y0 + H), 2, 3)
    out = tmp_path / "out"
    args = [str(catalogue), "--partitions", str(parts), "--by", "rute", "--workers", "1"]
    args += ["--out", str(out), "--json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    log = tmp_path / "killed-run.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "arealanalyse", "batch", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its Dask workers share the process group
            env=env,
        )
    keys = {f"r{j}c{i}" for j in range(3) for i in range(2)}
    deadline = time.monotonic() + 180
    try:
        while len(_finished(out)) < len(keys) // 2:  # kill it half-way
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "half the partitions did not finish in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver, the scheduler and the workers
        proc.wait()
    done = _finished(out)
    assert len(keys) // 2 <= len(done) < len(keys), sorted(done)
    # a killed run leaves finished partitions and hidden staging folders, nothing half-visible
    visible = {p.name for p in (out / "partitions").iterdir() if not p.name.startswith(".")}
    assert visible == set(done)
    assert not (out / "summary.csv").exists()

    # change one home of a finished partition, where no other partition's halo reaches
    changed = sorted(done)[0]
    cells = gpd.read_file(parts).set_index("rute").geometry
    others = shapely.union_all(cells.drop(changed).values)
    homes_file = catalogue.parent / "rutenett-homes.gpkg"
    homes = gpd.read_file(homes_file)
    inside = homes.geometry.within(cells[changed])
    far = homes.geometry.distance(others).where(inside, -1.0)
    home = far.idxmax()
    assert far[home] > halo_m() + 50
    homes.loc[home, "dwellings"] += 10
    homes.to_file(homes_file, driver="GPKG")

    assert main(["batch", *args]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload["computed"]) == (keys - set(done)) | {changed}
    assert set(payload["skipped"]) == set(done) - {changed}
    after = _finished(out)
    assert set(after) == keys
    for key in set(done) - {changed}:  # untouched: the very same files
        assert after[key] == done[key]
    assert json.loads(after[changed])["batch_hash"] != json.loads(done[changed])["batch_hash"]
    summary = gpd.read_parquet(out / "summary.parquet")  # indexed by key
    assert (summary["status"] == "ok").all()
    # homes off the lattice's outer streets lie outside every partition: counted, not reported
    covered = homes.geometry.covered_by(shapely.union_all(cells.values)).to_numpy()
    assert payload["homes_outside_partitions"] == int((~covered).sum()) > 0
    assert summary["dwellings"].sum() == pytest.approx(homes.loc[covered, "dwellings"].sum())
    assert sorted(p.name for p in (out / "partitions").iterdir()) == sorted(keys)
