"""Real-data fetchers: every layer of a Norwegian municipality from public services.

``fetch_kommune("3201", out_dir="data")`` downloads the boundary (Kartverket), walk network,
buildings, services, green areas and roads (OpenStreetMap via Overpass), the 250 m population
grid (SSB), stops and stations (Entur's stop register) and farmland (the municipality's FKB-AR5
when given, else NIBIO's coarse AR50), and writes a layer catalogue for them: always, with a
``missing:`` section for whatever a service did not deliver. ``plan_fetch`` lists the requests
a fetch would send without sending any. See ``docs/data-sources.md`` for services, formats,
licences and the public sources that confirm each of them.

Nothing here runs on import; no network is touched until a fetch function is called.
"""

from __future__ import annotations

from arealanalyse.fetch.catalogue import ENDPOINTS, SOURCES
from arealanalyse.fetch.compare import compare_dwellings_to_grid, dasymetric_homes
from arealanalyse.fetch.dryrun import format_plan, plan_fetch
from arealanalyse.fetch.http import HttpClient, Request
from arealanalyse.fetch.run import fetch_kommune
from arealanalyse.fetch.steps import HOMES_MODES, PARTIAL_EXIT_CODE, STEPS, FetchResult, Missing

__all__ = [
    "ENDPOINTS",
    "HOMES_MODES",
    "PARTIAL_EXIT_CODE",
    "SOURCES",
    "STEPS",
    "FetchResult",
    "HttpClient",
    "Missing",
    "Request",
    "compare_dwellings_to_grid",
    "dasymetric_homes",
    "fetch_kommune",
    "format_plan",
    "plan_fetch",
]
