"""Reading, validating and normalising layers into their canonical schemas."""

from __future__ import annotations

from arealanalyse.layers.catalogue import Catalogue, load_catalogue
from arealanalyse.layers.readers import read_layer
from arealanalyse.layers.schema import KINDS, RASTER_KINDS
from arealanalyse.layers.validate import load_report, normalize

__all__ = [
    "KINDS",
    "RASTER_KINDS",
    "Catalogue",
    "load_catalogue",
    "load_report",
    "normalize",
    "read_layer",
]
