"""Real-data fetchers: every layer of a Norwegian municipality from public services.

``fetch_kommune("3201", out_dir="data")`` downloads the boundary (Kartverket), walk network,
buildings, services, green areas and roads (OpenStreetMap via Overpass), the 250 m population
grid (SSB), stops and stations (Entur's stop register), AR5 farmland (NIBIO), and writes a layer
catalogue for them. See ``docs/data-sources.md`` for services, formats and licences.

Nothing here runs on import; no network is touched until a fetch function is called.
"""

from __future__ import annotations

from arealanalyse.fetch.catalogue import ENDPOINTS, SOURCES
from arealanalyse.fetch.compare import compare_dwellings_to_grid, dasymetric_homes
from arealanalyse.fetch.http import HttpClient
from arealanalyse.fetch.run import HOMES_MODES, STEPS, FetchResult, fetch_kommune

__all__ = [
    "ENDPOINTS",
    "HOMES_MODES",
    "SOURCES",
    "STEPS",
    "FetchResult",
    "HttpClient",
    "compare_dwellings_to_grid",
    "dasymetric_homes",
    "fetch_kommune",
]
