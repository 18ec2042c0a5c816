"""SOSI text files (``.sos``) through GDAL's SOSI driver.

SOSI is the Norwegian exchange format in which municipalities still hand out kommuneplan,
reguleringsplan and FKB-AR5 data. GDAL reads it with its SOSI driver (built on Kartverket's FYBA
library), which the GDAL bundled with pyogrio lacks but Debian's ``gdal-bin`` has. So a SOSI file
is converted with the ``ogr2ogr`` command into a GeoPackage in a temporary folder and read from
there; the driver names fields after the SOSI-GML properties (``arealformål``,
``arealressursArealtype``, ``feltbetegnelse``, ``objekttypenavn``...) and puts all polygons in
one ``polygons`` layer, all lines in ``lines``, and so on.

FYBA writes an index folder next to the file it reads, so the file is first copied into the
temporary folder: the user's folder is never written to. Where no ``ogr2ogr`` with the SOSI
driver is installed, reading a SOSI file is a one-line error saying how to convert it to GML.

References: GDAL "SOSI - Norwegian SOSI Standard" driver documentation (gdal.org/drivers/vector/
sosi.html); Kartverket, SOSI Del 1 (realisering i SOSI-format), version 4.5.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from arealanalyse.errors import LayerFileError

__all__ = ["SOSI_SUFFIXES", "conversion_hint", "convert_sosi", "sosi_converter"]

#: File name endings of SOSI text files.
SOSI_SUFFIXES: tuple[str, ...] = (".sos", ".sosi")

# A conversion is a local, CPU-bound job; a municipality's FKB-AR5 takes seconds.
_TIMEOUT_S = 900


def conversion_hint(path: Path, name: str) -> str:
    """Return the one-line message for a SOSI file when no GDAL has the SOSI driver.

    Examples
    --------
    >>> print(conversion_hint(Path("plan.sos"), "zoning"))  # doctest: +ELLIPSIS
    Layer 'zoning': plan.sos is a SOSI file and no GDAL with the SOSI driver is installed; ...
    """
    gml = path.with_suffix(".gml").name
    return (
        f"Layer {name!r}: {path.name} is a SOSI file and no GDAL with the SOSI driver is "
        f"installed; convert it to GML (ogr2ogr -f GML {gml} {path.name}, with Debian's "
        "gdal-bin, or Kartverket's SOSI-konverterer) and read the GML instead."
    )


@functools.lru_cache(maxsize=4)
def _converter_on(path_env: str) -> str | None:
    exe = shutil.which("ogr2ogr", path=path_env)
    if exe is None:
        return None
    try:
        res = subprocess.run(
            [exe, "--formats"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = res.stdout.splitlines()
    return exe if any(line.strip().startswith("SOSI ") for line in lines) else None


def sosi_converter() -> str | None:
    """Return the path of an ``ogr2ogr`` whose GDAL has the SOSI driver, or None.

    Examples
    --------
    >>> sosi_converter() is None or sosi_converter().endswith("ogr2ogr")
    True
    """
    import os

    return _converter_on(os.environ.get("PATH", ""))


def convert_sosi(path: str | Path, out_dir: str | Path, /, *, name: str) -> Path:
    """Convert a SOSI file to a GeoPackage in ``out_dir`` (a folder the caller owns).

    Raises :class:`~arealanalyse.errors.LayerFileError` with the conversion hint when no GDAL with
    the SOSI driver is installed, and with GDAL's first error line when the conversion fails.
    """
    src = Path(path)
    exe = sosi_converter()
    if exe is None:
        raise LayerFileError(conversion_hint(src, name))
    work = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="sosi-", dir=work) as tmp:
        copy = Path(tmp) / ("input" + src.suffix.lower())
        shutil.copyfile(src, copy)  # FYBA writes its index next to the file it reads
        out = work / (src.stem + ".gpkg")
        try:
            res = subprocess.run(
                [exe, "-f", "GPKG", str(out), str(copy)],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LayerFileError(
                f"Layer {name!r}: converting {src.name} from SOSI took more than "
                f"{_TIMEOUT_S} s; convert it to GML or GeoPackage with GDAL first."
            ) from None
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith(("ERROR", "FAILURE"))]
    if res.returncode != 0 or not out.is_file():
        first = (errors or res.stderr.strip().splitlines() or ["no message"])[0]
        raise LayerFileError(
            f"Layer {name!r}: GDAL's SOSI driver cannot read {src.name} ({first}); check that "
            "it is a complete SOSI file (.HODE ... .SLUTT)."
        )
    return out
