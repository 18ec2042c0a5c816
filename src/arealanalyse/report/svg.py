"""An inline SVG overview map of plan-review sites (no JavaScript; part of the report layer)."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import geopandas as gpd
import shapely

from arealanalyse.i18n import fmt_quantity
from arealanalyse.maps.style import VERDICT_COLOURS
from arealanalyse.rules.evaluate import VERDICTS

__all__ = ["svg_overview"]


def svg_overview(
    sites: gpd.GeoDataFrame,
    /,
    *,
    title: str,
    verdict_text: Mapping[str, str],
    lang: str = "nb",
    width: int = 760,
    height: int = 460,
) -> str:
    """Draw an inline SVG overview of sites coloured by their ``verdict`` column.

    Needs no JavaScript, so it shows in any mail client and in printed case files.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Lysaker"], "verdict": ["pass"]},
    ...                          geometry=[box(0, 0, 100, 80)], crs=25832)
    >>> svg = svg_overview(sites, title="Kart", verdict_text={"pass": "Oppfylt"})
    >>> svg.startswith("<svg") and "#1a9850" in svg and "Oppfylt" in svg
    True
    """
    sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    if sites.empty:
        return ""
    minx, miny, maxx, maxy = sites.total_bounds
    span = max(maxx - minx, maxy - miny, 200.0)
    pad = 0.08 * span
    minx, miny = minx - pad, miny - pad
    w = max(maxx - minx + pad, span * width / height * 0.5)
    h = max(maxy - miny + pad, 1.0)
    scale = min((width - 20) / w, (height - 40) / h)

    def xy(x: float, y: float) -> str:
        return f"{10 + (x - minx) * scale:.1f},{height - 30 - (y - miny) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{html.escape(title)}" '
        'style="background:#f7f7f2;border:1px solid #ccc">'
    ]
    for _, s in sites.iterrows():
        colour = VERDICT_COLOURS[str(s["verdict"])]
        geom = s.geometry
        polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        d = ""
        for poly in polys:
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                coords = list(ring.coords)
                d += "M" + " L".join(xy(x, y) for x, y in coords) + " Z "
        label = (
            f"{s['site_id']} {s['name']}: {verdict_text.get(str(s['verdict']), str(s['verdict']))}"
        )
        if d:
            parts.append(
                f'<path d="{d.strip()}" fill="{colour}" fill-opacity="0.75" stroke="#333" '
                f'stroke-width="1" fill-rule="evenodd"><title>{html.escape(label)}</title></path>'
            )
        c = shapely.get_coordinates(geom.representative_point())[0]
        parts.append(
            f'<text x="{xy(c[0], c[1]).split(",")[0]}" y="{xy(c[0], c[1]).split(",")[1]}" '
            f'font-size="11" text-anchor="middle" font-family="sans-serif">'
            f"{html.escape(str(s['site_id']))}</text>"
        )
    # Scale bar: a round length near a fifth of the width.
    target = (width / 5) / scale
    bar = 10 ** math.floor(math.log10(target))
    for f in (5, 2, 1):
        if f * bar <= target:
            bar *= f
            break
    px = bar * scale
    parts.append(
        f'<line x1="12" y1="{height - 12}" x2="{12 + px:.1f}" y2="{height - 12}" '
        'stroke="#000" stroke-width="3"/>'
        f'<text x="{16 + px:.1f}" y="{height - 8}" font-size="11" font-family="sans-serif">'
        f"{fmt_quantity(bar, 'm', lang)}</text>"
    )
    x = width - 150
    for i, v in enumerate(VERDICTS):
        y = 12 + 16 * i
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{VERDICT_COLOURS[v]}" '
            f'stroke="#333"/><text x="{x + 18}" y="{y + 10}" font-size="11" '
            f'font-family="sans-serif">{html.escape(verdict_text.get(v, v))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
