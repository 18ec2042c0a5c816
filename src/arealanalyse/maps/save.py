"""Render maps to HTML and write them; ``offline=True`` inlines Leaflet so no internet is needed."""

from __future__ import annotations

import base64
import os
import re
from functools import cache
from pathlib import Path

import folium

from arealanalyse.errors import ArealanalyseError
from arealanalyse.io import write_text

__all__ = ["OfflineAssetError", "map_html", "save_map"]


class OfflineAssetError(ArealanalyseError, ValueError):
    """A map refers to a remote script or stylesheet that cannot be inlined for offline use."""


_SCRIPT_SRC = re.compile(r'<script[^>]*\bsrc="(https?:[^"]+)"[^>]*>\s*</script>', re.IGNORECASE)
_LINK_HREF = re.compile(r'<link[^>]*\bhref="(https?:[^"]+)"[^>]*/?>', re.IGNORECASE)


@cache
def _leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from the installed ``xstatic-leaflet`` (images as data URIs)."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise OfflineAssetError(
            "Offline maps need the xstatic-leaflet package; install it "
            "(pip install xstatic-leaflet)."
        ) from exc
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def _data_uri(match: re.Match[str]) -> str:
        rel = match.group(1).strip("'\"")
        path = base / rel
        if not path.is_file():
            return match.group(0)
        mime = "image/svg+xml" if path.suffix == ".svg" else f"image/{path.suffix.lstrip('.')}"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    css = re.sub(r"url\(([^)]+)\)", _data_uri, css)
    js = js.replace("</script", "<\\/script")
    return js, css


def _inline(html_text: str) -> str:
    js, css = _leaflet_assets()

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if re.search(r"/leaflet(@[\d.]+)?/dist/leaflet\.js$", url):
            return f"<script>{js}</script>"
        raise OfflineAssetError(
            f"Map script {url} cannot be inlined for offline use; remove the feature that needs "
            "it or save without offline=True."
        )

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        if re.search(r"/leaflet(@[\d.]+)?/dist/leaflet\.css$", url):
            return f"<style>{css}</style>"
        if 'rel="stylesheet"' not in match.group(0):
            return match.group(0)
        raise OfflineAssetError(
            f"Map stylesheet {url} cannot be inlined for offline use; remove the feature that "
            "needs it or save without offline=True."
        )

    html_text = _SCRIPT_SRC.sub(script, html_text)
    html_text = _LINK_HREF.sub(link, html_text)
    # The L_PREFER_CANVAS etc. switches and our own scripts are inline already.
    return html_text


def map_html(m: folium.Map, /, *, offline: bool = False) -> str:
    """Render a map to one HTML document.

    With ``offline=True`` Leaflet's JavaScript and CSS are inlined from the installed
    ``xstatic-leaflet`` package and the map opens on a plain background (OpenStreetMap stays
    selectable in the layer control for readers who are online). Without it Leaflet comes from
    its CDN and the map opens on OpenStreetMap tiles.

    Raises
    ------
    OfflineAssetError
        ``offline=True`` and the map refers to a remote script or stylesheet other than Leaflet
        (e.g. a folium plugin added to the map).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from arealanalyse.maps import study_area_map
    >>> t = gpd.GeoDataFrame({"name": ["Sandvika"], "mode": ["rail"]},
    ...     geometry=[Point(590500, 6640250)], crs=25832)
    >>> text = map_html(study_area_map({"transit": t}, title="Test"), offline=True)
    >>> "cdn.jsdelivr.net" in text, "Sandvika" in text
    (False, True)
    """
    chrome = getattr(m, "arealanalyse_chrome", None)
    if chrome is not None:
        chrome.offline = offline
    try:
        text = m.get_root().render()
    finally:
        if chrome is not None:
            chrome.offline = False
    lang = getattr(m, "arealanalyse_lang", "nb")
    title = getattr(m, "arealanalyse_title", "")
    text = text.replace("<html>", f'<html lang="{lang}">', 1)
    if title and "<title>" not in text:
        from html import escape

        text = text.replace("<head>", f"<head>\n    <title>{escape(title)}</title>", 1)
    if offline:
        text = _inline(text)
    return text


def save_map(m: folium.Map, path: str | os.PathLike[str], /, *, offline: bool = False) -> Path:
    """Write a map as one HTML file (atomically) and return its path.

    See :func:`map_html` for what ``offline`` does.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from arealanalyse.maps import study_area_map
    >>> t = gpd.GeoDataFrame({"name": ["Sandvika"], "mode": ["rail"]},
    ...     geometry=[Point(590500, 6640250)], crs=25832)
    >>> out = save_map(study_area_map({"transit": t}, title="Test"),
    ...                pathlib.Path(tempfile.mkdtemp()) / "kart.html", offline=True)
    >>> out.stat().st_size > 100_000  # Leaflet is inside
    True
    """
    return write_text(path, map_html(m, offline=offline))
