"""Where the SYNTHETIC demo study area lives, so ``arealanalyse demo run`` works in any folder.

A *demo project* is a folder laid out like this project's checkout::

    layers/baerum-demo.yaml     the catalogue (written by the demo build)
    layers/baerum-demo/         the generated GeoPackage, rasters and timetable
    scenarios/*.yaml            the scenario files (``catalogue: ../layers/baerum-demo.yaml``)
    scenarios/rules/*.yaml      the rule files

:func:`locate_demo` picks the project in the current folder when it has
``layers/baerum-demo.yaml`` (a checkout: ``make demo``), else the one in the user's data folder
(:func:`arealanalyse.resources.user_data_dir` + ``/demo``). :func:`prepare_demo` fills the
latter on first use: the shipped scenario and rule files are copied in from the package data,
and the study area is built when it has no catalogue yet. A study area built by older generator
code is rebuilt by the main job (see :func:`arealanalyse.demo.demo_is_current`).

Examples
--------
>>> import tempfile
>>> p = locate_demo(data_dir=tempfile.mkdtemp())
>>> p.managed, p.catalogue.relative_to(p.root).as_posix()
(True, 'layers/baerum-demo.yaml')
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arealanalyse.errors import ArealanalyseError
from arealanalyse.resources import ENV_DATA_DIR, shipped_tree, user_data_dir

__all__ = ["DEMO_CATALOGUE", "DemoProject", "locate_demo", "prepare_demo"]

#: The demo's catalogue, relative to a demo project folder.
DEMO_CATALOGUE = Path("layers") / "baerum-demo.yaml"

#: What :func:`prepare_demo` copied into a managed project (path -> SHA-256), so a file the user
#: changed by hand is never overwritten.
_MANIFEST = ".arealanalyse-demo.json"


@dataclass(frozen=True)
class DemoProject:
    """A demo project folder; ``managed`` when arealanalyse owns it (in the user's data folder)."""

    root: Path
    managed: bool

    @property
    def catalogue(self) -> Path:
        """The study area's catalogue, ``<root>/layers/baerum-demo.yaml``."""
        return self.root / DEMO_CATALOGUE

    @property
    def data_dir(self) -> Path:
        """Where the demo build writes its data, ``<root>/layers/baerum-demo/``."""
        return self.root / "layers" / "baerum-demo"

    def scenario_files(self) -> list[Path]:
        """Return the project's scenario files, ``<root>/scenarios/*.yaml``, sorted."""
        return sorted((self.root / "scenarios").glob("*.yaml"))


def locate_demo(
    *, data_dir: str | os.PathLike[str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> DemoProject:
    """Return the demo project to use: the current folder's, else the user's data folder's.

    Parameters
    ----------
    data_dir
        The user's data folder (default :func:`~arealanalyse.resources.user_data_dir`). When
        given, the project in it is used even if the current folder has one.
    cwd
        The folder to look in first (default the current folder). It is a demo project when it
        holds ``layers/baerum-demo.yaml``; its paths stay relative, as typed.

    Examples
    --------
    >>> import tempfile
    >>> here = Path(tempfile.mkdtemp())
    >>> locate_demo(cwd=here, data_dir=here / "data").root == here / "data" / "demo"
    True
    """
    if data_dir is None:
        here = Path(".") if cwd is None else Path(cwd)
        if (here / DEMO_CATALOGUE).is_file():
            return DemoProject(here, managed=False)
    return DemoProject(user_data_dir(data_dir) / "demo", managed=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _copy_shipped(root: Path) -> None:
    """Copy the shipped scenario and rule files into a managed project; keep hand edits."""
    from arealanalyse.io import atomic_path

    shipped = shipped_tree("scenarios")
    manifest = root / _MANIFEST
    try:
        before: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        before = {}
    for rel, data in shipped.items():
        target = root / rel
        if target.is_file():
            current = _sha(target.read_bytes())
            if current == _sha(data):
                continue
            if before.get(rel) != current:
                raise ArealanalyseError(
                    f"demo project {root}: {rel} was changed by hand and would be replaced by "
                    "the shipped copy; save your version under another name (or in your own "
                    "project folder) and delete this one."
                )
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    for rel in sorted(before.keys() - shipped.keys()):  # no longer shipped: remove unchanged
        old = root / rel
        if old.is_file() and _sha(old.read_bytes()) == before[rel]:
            old.unlink()
    with atomic_path(manifest) as tmp:
        files = {rel: _sha(data) for rel, data in shipped.items()}
        tmp.write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")


def prepare_demo(
    project: DemoProject,
    /,
    *,
    build: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoProject:
    """Make a managed demo project ready: shipped files copied in, study area built if absent.

    A project in a checkout (``managed=False``) is left as it is. With ``build=False`` only the
    shipped files are copied.

    Raises
    ------
    ArealanalyseError
        When the folder cannot be written, or a shipped file there was changed by hand.

    Examples
    --------
    >>> import tempfile
    >>> p = DemoProject(Path(tempfile.mkdtemp()), managed=True)
    >>> _ = p.catalogue.parent.mkdir(parents=True)
    >>> _ = p.catalogue.write_text("# built before\\n")
    >>> [f.name for f in prepare_demo(p).scenario_files()][:2]
    ['baseline.yaml', 'fornebubanen.yaml']
    """
    if not project.managed:
        return project
    say = progress or (lambda _msg: None)
    try:
        project.root.mkdir(parents=True, exist_ok=True)
        _copy_shipped(project.root)
        if build and not project.catalogue.is_file():
            from arealanalyse.demo.build import build_demo

            say(f"Bygger demo-studieområdet (syntetisk) i {project.data_dir}")
            build_demo(project.data_dir, catalogue=project.catalogue, progress=say)
    except OSError as exc:
        raise ArealanalyseError(
            f"demo project {project.root}: cannot write there ({exc.strerror or exc}); "
            f"give another folder with --data-dir or ${ENV_DATA_DIR}."
        ) from None
    return project
