"""arealanalyse: land-use analysis for Norwegian municipalities.

Data flows one way: layers -> network -> metrics -> scenarios/rules -> maps/reports -> CLI.
Importing the package does no I/O and changes no global state.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from arealanalyse.errors import ArealanalyseError
from arealanalyse.settings import Settings

try:
    __version__ = version("arealanalyse")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["ArealanalyseError", "Settings", "__version__"]
