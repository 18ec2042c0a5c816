"""The SYNTHETIC Bærum demo study area: every canonical layer at Bærum's real scale.

Real Bærum network, buildings, farmland and zoning cannot be bundled, so the demo is generated:
:func:`build_demo` anchors a synthetic fill on public facts (Kartverket's outline of Bærum, the
real rail and metro stations, E18/E16, the named business areas of the arealstrategi, Marka and
the farmland belts) and writes one GeoPackage, a DEM, a noise raster, a revised kommuneplan
(``<name>-kpa-2026.gpkg``, for the arealregnskap) and a layer catalogue that says
``synthetic: true``. Nothing here is real data except the anchors in
:mod:`arealanalyse.demo.anchors`.
"""

from __future__ import annotations

from arealanalyse.demo.build import (
    DEFAULT_SEED,
    build_demo,
    demo_is_current,
    demo_name,
    demo_summary,
    generator_fingerprint,
    revised_plan_path,
)

__all__ = [
    "DEFAULT_SEED",
    "build_demo",
    "demo_is_current",
    "demo_name",
    "demo_summary",
    "generator_fingerprint",
    "revised_plan_path",
]
