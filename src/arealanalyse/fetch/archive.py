"""The data file inside a downloaded zip: picked by what it is, never by its position.

Downloads from Geonorge, SSB and Entur come zipped, sometimes with a readme, a licence text, an
XML schema or a GDAL ``.gfs`` next to the data. :func:`data_file` ranks the members by the data
suffixes the caller accepts (in the caller's order), skips anything named like documentation,
lets the caller check each candidate (e.g. an SSB CSV must start with a grid id column), and
extracts only the one it returns. A FileGDB (a ``*.gdb/`` folder inside the zip) is extracted as
a folder. Member names that would leave the extraction folder (``..``, absolute paths) are
refused.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from arealanalyse.errors import FetchError

__all__ = ["data_file", "data_members", "is_documentation"]

#: Names of members that are documentation, not data (Norwegian and English).
_DOCUMENTATION = re.compile(
    r"(^|[^a-z])(readme|read[_ -]me|les[_ -]?meg|lisens|licen[cs]e|vilk[aå]r|terms|metadata|"
    r"changelog|endringslogg|produktark|produktspesifikasjon|tegnforklaring)([^a-z]|$)",
    re.I,
)
#: Suffixes that are never the data file.
_NEVER_DATA = (".xsd", ".gfs", ".pdf", ".html", ".htm", ".md", ".sld", ".qml", ".lyr", ".xsl")


def is_documentation(name: str) -> bool:
    """Whether a member name looks like documentation rather than data.

    Examples
    --------
    >>> [is_documentation(n) for n in ("LESMEG.txt", "readme.txt", "ru250m_2025.csv",
    ...                                 "Befolkning_0000_Norge_25833_GML.gml", "schema.xsd")]
    [True, True, False, False, True]
    """
    base = PurePosixPath(name).name
    return bool(_DOCUMENTATION.search(base)) or base.lower().endswith(_NEVER_DATA)


def _safe(member: str) -> bool:
    p = PurePosixPath(member)
    return not p.is_absolute() and ".." not in p.parts and not member.startswith("__MACOSX/")


def data_members(path: str | Path, /, *, suffixes: Sequence[str]) -> list[str]:
    """Return the members of a zip that may be data, best first.

    ``suffixes`` (lower case, with the dot; ``.gdb`` for a FileGDB folder) give the order of
    preference; within a suffix, the largest member comes first (a sample or a legend is
    smaller than the data). Documentation (:func:`is_documentation`) is never returned.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> z = pathlib.Path(tempfile.mkdtemp()) / "grid.zip"
    >>> with zipfile.ZipFile(z, "w") as zf:
    ...     zf.writestr("readme.txt", "SSB befolkning, se vilkår")
    ...     zf.writestr("grid.csv", "ru250m;pop_tot\\n22537506648500;150\\n")
    ...     zf.writestr("grid.xsd", "<schema/>")
    >>> data_members(z, suffixes=(".gml", ".csv", ".txt"))
    ['grid.csv']
    """
    wanted = [s.lower() for s in suffixes]
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if _safe(i.filename)]
    ranked: list[tuple[int, int, str]] = []
    gdbs: dict[str, int] = {}
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        gdb = next((i for i, part in enumerate(parts) if part.lower().endswith(".gdb")), None)
        if gdb is not None:
            folder = "/".join(parts[: gdb + 1])
            gdbs[folder] = gdbs.get(folder, 0) + info.file_size
            continue
        if info.is_dir() or is_documentation(name):
            continue
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in wanted:
            ranked.append((wanted.index(suffix), -info.file_size, name))
    if ".gdb" in wanted:
        ranked += [(wanted.index(".gdb"), -size, f"{folder}/") for folder, size in gdbs.items()]
    return [name for _rank, _size, name in sorted(ranked)]


def _extract(zf: zipfile.ZipFile, member: str, into: Path) -> Path:
    """Extract ``member`` (a file, or a ``*.gdb/`` folder) into ``into``; return its path."""
    into.mkdir(parents=True, exist_ok=True)
    if member.endswith("/"):
        folder = PurePosixPath(member.rstrip("/"))
        target = into / folder.name
        if target.is_dir():
            return target
        tmp = into / (folder.name + ".part")
        shutil.rmtree(tmp, ignore_errors=True)
        for info in zf.infolist():
            rel = PurePosixPath(info.filename)
            if info.is_dir() or not _safe(info.filename) or folder not in rel.parents:
                continue
            out = tmp.joinpath(*rel.relative_to(folder).parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        tmp.replace(target)
        return target
    target = into / PurePosixPath(member).name
    if not target.is_file():
        tmp = target.with_name(target.name + ".part")
        with zf.open(member) as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        tmp.replace(target)
    return target


def data_file(
    path: str | Path,
    /,
    *,
    into: str | Path,
    suffixes: Sequence[str],
    accept: Callable[[Path], bool] | None = None,
    what: str = "the download",
) -> Path:
    """Return the data file of a download: the file itself, or the right member of a zip.

    Members are tried in :func:`data_members` order; each is extracted into ``into`` (once:
    a second call finds it there) and returned if ``accept(path)`` is true (or no check is
    given). The download itself is never written to.

    Raises
    ------
    FetchError
        When the zip holds no member that passes, naming what it does hold.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(d / "grid.zip", "w") as zf:
    ...     zf.writestr("Les meg.txt", "Om datasettet")
    ...     zf.writestr("notes.txt", "not a grid")
    ...     zf.writestr("befolkning.txt", "ru250m;pop_tot\\n22537506648500;150\\n")
    >>> grid = data_file(d / "grid.zip", into=d / "x", suffixes=(".csv", ".txt"),
    ...                  accept=lambda p: p.read_text().startswith("ru250m"))
    >>> grid.name
    'befolkning.txt'
    """
    p = Path(path)
    if not zipfile.is_zipfile(p):
        return p
    with zipfile.ZipFile(p) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        for member in data_members(p, suffixes=suffixes):
            candidate = _extract(zf, member, Path(into))
            if accept is None or accept(candidate):
                return candidate
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    raise FetchError(
        f"{what}: {p.name} holds no {'/'.join(s.lstrip('.') for s in suffixes)} data file "
        f"(it holds: {shown or 'nothing'}); check the URL or download the file by hand."
    )
