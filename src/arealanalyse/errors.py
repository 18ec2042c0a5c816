"""Exceptions that a planner can act on.

Every error names the layer (or file), what is wrong and how to fix it, in one line. All of them
derive from :class:`ArealanalyseError`, so callers (and the CLI, which maps them to exit code 2)
can catch the whole family at once. The subclasses that describe bad input are also
:class:`ValueError`, as in r5py, so generic code that catches ``ValueError`` keeps working.

A rule that a plan breaks is *not* an exception: rules return result rows (see ``rules``).
"""

from __future__ import annotations

__all__ = [
    "ArealanalyseError",
    "CatalogueError",
    "CodeError",
    "CrsError",
    "EmptyLayerError",
    "FetchError",
    "FilterError",
    "GeometryError",
    "LayerFileError",
    "MissingColumnError",
    "NetworkError",
    "OutputError",
    "PlanOverlapError",
    "RuleError",
    "ScenarioError",
    "TimetableError",
]


class ArealanalyseError(Exception):
    """Base class of every error raised on purpose by arealanalyse."""


class CrsError(ArealanalyseError, ValueError):
    """A layer has no CRS, or a CRS that cannot be right for its coordinates."""


class EmptyLayerError(ArealanalyseError, ValueError):
    """A layer has no features (or none left after filtering)."""


class MissingColumnError(ArealanalyseError, ValueError):
    """A layer lacks a column its canonical schema requires."""


class GeometryError(ArealanalyseError, ValueError):
    """Geometries are of the wrong type, or invalid beyond repair."""


class CodeError(ArealanalyseError, ValueError):
    """A value is not in its code list (SOSI arealformål, AR5 arealtype, service category...)."""


class PlanOverlapError(GeometryError):
    """Polygons of a plan (or of AR5) overlap: an area would be counted twice.

    ``overlaps`` holds the overlapping pieces (a GeoDataFrame naming both features), so a caller
    can write them out for the user to fix.
    """

    def __init__(self, message: str, overlaps: object = None):
        super().__init__(message)
        self.overlaps = overlaps


class LayerFileError(ArealanalyseError, ValueError):
    """A layer's source file is missing or cannot be read."""


class CatalogueError(ArealanalyseError, ValueError):
    """A layer catalogue YAML file is malformed or refers to something that is not there."""


class NetworkError(ArealanalyseError, ValueError):
    """The walk network cannot be built or used as asked."""


class ScenarioError(ArealanalyseError, ValueError):
    """A scenario file is invalid."""


class RuleError(ArealanalyseError, ValueError):
    """A rule file is invalid."""


class OutputError(ArealanalyseError, ValueError):
    """An output cannot be written where asked (a file in the way, a folder of other files)."""


class FilterError(ArealanalyseError, ValueError):
    """An attribute filter (``where:``, ``--filter``) is not in the filter language."""


class FetchError(ArealanalyseError):
    """A remote service could not be reached or answered with an error."""


class TimetableError(ArealanalyseError, ValueError):
    """A timetable (GTFS or NeTEx) is missing a part, or holds values that cannot be right."""
