"""The `arealanalyse layers` commands and the CLI's error contract (exit 2, one line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from arealanalyse.cli import main

LAYERS = Path(__file__).parent / "data" / "layers"


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "layers" in out


def test_layers_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "layers",
                "info",
                str(LAYERS / "services_25832.geojson"),
                "--kind",
                "services",
                "--json",
            ]
        )
        == 0
    )
    facts = json.loads(capsys.readouterr().out)
    assert facts["features"] == 2
    assert facts["crs"] == "EPSG:25832"
    assert facts["source_crs"] in {"OGC:CRS84", "EPSG:4326"}
    assert facts["by_category"] == {"grocery": 1, "school": 1}


def test_layers_info_repaired_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["layers", "info", str(LAYERS / "self_intersecting.geojson"), "-k", "green", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["repaired_geometries"] == 1


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["layers", "info", "nope.gpkg", "--kind", "green"], "does not exist"),
        (["layers", "info", str(LAYERS / "unknown_sosi.geojson"), "--kind", "zoning"], "9999"),
        (["layers", "info", str(LAYERS / "empty.geojson"), "--kind", "grene"], "Unknown kind"),
        (["layers", "check", "missing.yaml"], "does not exist"),
    ],
)
def test_errors_exit_2_with_one_line(
    args: list[str], phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ")
    assert len(err.splitlines()) == 1
    assert phrase in err


def test_layers_check_summary_and_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "schema_version: 1\nname: t\nlayers:\n"
        f"  services: {{path: {LAYERS / 'services_25832.geojson'}}}\n"
        f"  zoning: {{path: {LAYERS / 'plan_sosi.gml'}}}\n"
    )
    assert main(["layers", "check", str(good), "--json"]) == 0
    rows = {r["kind"]: r for r in json.loads(capsys.readouterr().out)["layers"]}
    assert rows["zoning"]["features"] == 2 and rows["services"]["ok"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text() + f"  green: {{path: {LAYERS / 'wrong_crs.geojson'}}}\n")
    assert main(["layers", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "cannot be in" in err and "Traceback" not in err


def test_raster_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import rasterio
    from rasterio.transform import from_origin

    p = tmp_path / "noise.tif"
    arr = np.array([[50.0, 70.0], [60.0, 40.0]], dtype="float32")
    with rasterio.open(
        p,
        "w",
        driver="GTiff",
        width=2,
        height=2,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        transform=from_origin(590000, 6643000, 10, 10),
    ) as dst:
        dst.write(arr, 1)
    assert main(["layers", "info", str(p), "--kind", "noise", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["min"], facts["max"], facts["mean"]) == (40.0, 70.0, 55.0)
    assert facts["crs"] == "EPSG:25832"


def test_console_script_has_no_traceback() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arealanalyse",
            "layers",
            "info",
            "/no/such/file.gpkg",
            "-k",
            "green",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("error: Layer 'file.gpkg'")


def test_version_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("arealanalyse ")
    assert main(["layers", "info"]) == 2  # missing argument: click's usage error
    assert main(["no-such-command"]) == 2
