"""The map builder shared by every map type: data to lon/lat GeoJSON, layers, legend, panels.

Nothing here computes analysis results; it only prepares geometries for display (simplify by a
few metres, reproject to lon/lat, round to 6 decimals, keep only what is drawn) and writes HTML.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from jinja2 import Template

from arealanalyse.errors import CrsError
from arealanalyse.i18n import Lang, cell_text, check_lang, column_label, msg
from arealanalyse.maps._chrome import MapChrome

#: Leaflet from the CDN folium uses (same version as the xstatic-leaflet package inlined offline).
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
#: Mainland Norway, generously (lon_min, lat_min, lon_max, lat_max).
NORWAY_BBOX = (3.0, 57.0, 32.5, 72.0)
#: Default display simplification tolerance in metres.
SIMPLIFY_M = 3.0
READY_FLAG = "window.__arealanalyseMapReady === true"


def _json_for_script(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


# --------------------------------------------------------------------------------------------
# Geometry preparation
# --------------------------------------------------------------------------------------------


@dataclass
class WebFrame:
    """A layer ready for the web: lon/lat geometries (rounded) and the rows that survived."""

    gdf: gpd.GeoDataFrame
    n_dropped_invalid: int = 0


def to_web(gdf: gpd.GeoDataFrame, *, name: str, simplify_m: float = SIMPLIFY_M) -> WebFrame:
    """Simplify (metres), reproject to EPSG:4326 and round coordinates to 6 decimals.

    Empty and missing geometries are dropped; so are features whose coordinates are not finite
    after reprojection (counted in :attr:`WebFrame.n_dropped_invalid`). Attributes are kept; the
    input is not modified.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"map layer {name!r} must be a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise CrsError(f"Map layer {name!r} has no CRS; set one (e.g. EPSG:25832) before mapping.")
    keep = ~(gdf.geometry.isna() | gdf.geometry.is_empty)  # notna() warns on empties
    out = gdf.loc[keep].copy()
    if out.empty:
        return WebFrame(out.to_crs(4326) if len(out.columns) else out)
    geoms = out.geometry.values
    if simplify_m > 0:
        if out.crs.is_projected:
            simplified = shapely.simplify(np.asarray(geoms), simplify_m, preserve_topology=True)
        else:
            utm = out.estimate_utm_crs()
            proj = out.geometry.to_crs(utm)
            simplified = shapely.simplify(
                np.asarray(proj.values), simplify_m, preserve_topology=True
            )
            simplified = gpd.GeoSeries(simplified, crs=utm, index=out.index).to_crs(out.crs).values
        out = out.set_geometry(gpd.GeoSeries(simplified, crs=out.crs, index=out.index))
    out = out.to_crs(4326)
    rounded = shapely.transform(np.asarray(out.geometry.values), lambda c: np.round(c, 6))
    out = out.set_geometry(gpd.GeoSeries(rounded, crs=4326, index=out.index))
    b = out.geometry.bounds
    finite = np.isfinite(b.to_numpy()).all(axis=1)
    finite &= (b["minx"] >= -180.0) & (b["maxx"] <= 180.0) & (b["miny"] >= -90) & (b["maxy"] <= 90)
    n_bad = int((~finite).sum())
    return WebFrame(out.loc[finite.to_numpy()], n_bad)


# --------------------------------------------------------------------------------------------
# Folium elements
# --------------------------------------------------------------------------------------------


class VectorLayer(Layer):
    """A toggleable GeoJSON layer with a style palette, popups and tooltips (Leaflet only).

    Each feature carries only ``s`` (index into the style palette), and optionally ``p`` (popup
    HTML) and ``t`` (tooltip text), so the file stays small. Points are drawn as circle markers.
    The Leaflet features are created when the layer is first shown, so a map with many hidden
    layers (before/after/difference per indicator) opens as fast as one with a single layer.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_styles = {{ this.styles_json }};
        var {{ this.get_name() }} = L.geoJSON(null, {
            style: function (f) { return {{ this.get_name() }}_styles[f.properties.s]; },
            pointToLayer: function (f, latlng) {
                return L.circleMarker(latlng, {{ this.get_name() }}_styles[f.properties.s]);
            },
            onEachFeature: function (f, layer) {
                if (f.properties.p) { layer.bindPopup(f.properties.p, {maxWidth: 380,
                    maxHeight: 380, autoPanPaddingTopLeft: [50, 150]}); }
                if (f.properties.t) {
                    layer.bindTooltip({{ this.tooltip_prefix_json }} + f.properties.t,
                                      {sticky: true});
                }
            },
            interactive: {{ this.interactive|tojson }},
            bubblingMouseEvents: false
        });
        // Features are built when the layer is first shown: hidden layers cost nothing at load.
        {{ this.get_name() }}.once('add', function () {
            {%- if this.shared %}
            // Geometry shared by several layers (the grid); this layer has positions and values.
            var d = {{ this.data_json }}, g = {{ this.shared.get_name() }};
            {{ this.get_name() }}.addData({ type: 'FeatureCollection',
                features: d.i.map(function (k, j) { return { type: 'Feature', geometry: g[k],
                    properties: { s: d.s[j], t: d.t ? d.t[j] : null } }; }) });
            {%- else %}
            {{ this.get_name() }}.addData({{ this.data_json }});
            {%- endif %}
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features_json: str,
        styles: Sequence[Mapping[str, Any]],
        *,
        name: str,
        show: bool = True,
        interactive: bool = True,
        n_features: int = 0,
        tooltip_prefix: str = "",
        shared: SharedGeometry | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self.shared = shared
        self._name = "VectorLayer"
        self.data_json = features_json
        self.styles_json = _json_for_script(list(styles))
        self.interactive = interactive
        self.n_features = n_features
        self.tooltip_prefix_json = _json_for_script(tooltip_prefix)


class SharedGeometry(MacroElement):
    """Geometries written once and used by several layers (e.g. the grid of each indicator)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.geoms_json }};
        {% endmacro %}
        """
    )

    def __init__(self, web: gpd.GeoDataFrame) -> None:
        super().__init__()
        self._name = "SharedGeometry"
        self.geoms_json = "[" + ",".join(shapely.to_geojson(np.asarray(web.geometry.values))) + "]"
        self.index = web.index


def feature_collection(
    gdf: gpd.GeoDataFrame,
    style_idx: Iterable[int],
    *,
    popups: Iterable[str | None] | None = None,
    tooltips: Iterable[str | None] | None = None,
) -> str:
    """GeoJSON FeatureCollection text with only the ``s``/``p``/``t`` properties."""
    geo = shapely.to_geojson(np.asarray(gdf.geometry.values))
    n = len(gdf)
    p_list = list(popups) if popups is not None else [None] * n
    t_list = list(tooltips) if tooltips is not None else [None] * n
    parts = []
    for g, s, p, t in zip(geo, style_idx, p_list, t_list, strict=True):
        props: dict[str, Any] = {"s": int(s)}
        if p:
            props["p"] = p
        if t:
            props["t"] = t
        parts.append(
            '{"type":"Feature","geometry":' + g + ',"properties":' + _json_for_script(props) + "}"
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


# --------------------------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------------------------


@dataclass
class LegendItem:
    """One legend row: a swatch (``fill``, ``line`` or ``dot``), its colour and label."""

    colour: str
    label: str
    kind: str = "fill"
    outline: str | None = None


@dataclass
class LegendSection:
    """A legend heading with rows; tied to a layer (shown while it is on) or always shown."""

    title: str
    items: list[LegendItem]
    layer: str | Sequence[str] | None = None

    @property
    def layer_names(self) -> list[str]:
        """Layers that show this section (empty: always shown)."""
        if self.layer is None:
            return []
        return [self.layer] if isinstance(self.layer, str) else list(self.layer)


def _source_line(src: Any) -> str:
    if isinstance(src, str):
        return html.escape(src)
    get: Callable[[str], Any]
    if isinstance(src, Mapping):
        get = src.get
    else:

        def get(key: str) -> Any:
            return getattr(src, key, None)

    name = get("name") or ""
    licence = get("licence") or get("license") or ""
    attribution = get("attribution") or ""
    url = get("url") or ""
    parts = [f"<b>{html.escape(str(name))}</b>"]
    extra = ", ".join(html.escape(str(x)) for x in (attribution, licence) if x)
    if extra:
        parts.append(f" ({extra})")
    if url:
        parts.append(f' <span style="color:#555">{html.escape(str(url))}</span>')
    return "".join(parts)


@dataclass
class MapBuilder:
    """Collects layers, legend sections and notes, then assembles a :class:`folium.Map`."""

    title: str
    lang: Lang = "nb"
    synthetic: bool = False
    sources: Sequence[Any] = ()
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    legend: list[LegendSection] = field(default_factory=list)
    layers: list[VectorLayer] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    shared: list[SharedGeometry] = field(default_factory=list)
    _bounds: list[tuple[float, float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def t(self, key: str, **kwargs: Any) -> str:
        """Label ``key`` in the map's language."""
        return msg(f"map.{key}", self.lang, **kwargs)

    def note(self, message: str) -> None:
        """Add a readable note under the title (once)."""
        if message not in self.notes:
            self.notes.append(message)

    def prepare(
        self, gdf: gpd.GeoDataFrame | None, *, name: str, simplify_m: float = SIMPLIFY_M
    ) -> gpd.GeoDataFrame | None:
        """Return the layer in lon/lat for drawing, or ``None`` (with a note) when empty."""
        if gdf is None:
            return None
        web = to_web(gdf, name=name, simplify_m=simplify_m)
        if web.n_dropped_invalid:
            self.note(self.t("bad_coords", n=web.n_dropped_invalid, name=name))
        if web.gdf.empty:
            self.note(self.t("empty_layer", name=name))
            return None
        return web.gdf

    def add(
        self,
        web: gpd.GeoDataFrame,
        *,
        name: str,
        styles: Sequence[Mapping[str, Any]],
        style_idx: Iterable[int] | None = None,
        popups: Iterable[str | None] | None = None,
        tooltips: Iterable[str | None] | None = None,
        show: bool = True,
        interactive: bool = True,
        group: str | None = None,
        fit: bool = True,
        tooltip_prefix: str = "",
    ) -> VectorLayer:
        """Add a prepared (lon/lat) layer; ``group`` makes it exclusive with its group.

        ``tooltip_prefix`` (HTML) is put in front of every tooltip, once per layer.
        """
        idx = list(style_idx) if style_idx is not None else [0] * len(web)
        fc = feature_collection(web, idx, popups=popups, tooltips=tooltips)
        layer = VectorLayer(
            fc,
            styles,
            name=name,
            show=show,
            interactive=interactive,
            n_features=len(web),
            tooltip_prefix=tooltip_prefix,
        )
        self.layers.append(layer)
        if group:
            self.groups.setdefault(group, []).append(name)
        if fit:
            minx, miny, maxx, maxy = web.total_bounds
            self._bounds.append((float(minx), float(miny), float(maxx), float(maxy)))
        return layer

    def share(self, web: gpd.GeoDataFrame) -> SharedGeometry:
        """Register geometries that several layers will draw (see :meth:`add_shared`)."""
        grid = SharedGeometry(web)
        self.shared.append(grid)
        return grid

    def add_shared(
        self,
        grid: SharedGeometry,
        positions: Sequence[int],
        *,
        name: str,
        styles: Sequence[Mapping[str, Any]],
        style_idx: Sequence[int],
        tooltips: Sequence[str] | None = None,
        tooltip_prefix: str = "",
        bounds: tuple[float, float, float, float] | None = None,
        show: bool = True,
        group: str | None = None,
    ) -> VectorLayer:
        """Add a layer drawing ``grid`` geometries at ``positions`` with one style per feature."""
        data: dict[str, Any] = {"i": [int(k) for k in positions], "s": [int(x) for x in style_idx]}
        if tooltips is not None:
            data["t"] = list(tooltips)
        layer = VectorLayer(
            _json_for_script(data),
            styles,
            name=name,
            show=show,
            n_features=len(data["i"]),
            tooltip_prefix=tooltip_prefix,
            shared=grid,
        )
        self.layers.append(layer)
        if group:
            self.groups.setdefault(group, []).append(name)
        if bounds is not None:
            self._bounds.append(bounds)
        return layer

    # -- assembly ---------------------------------------------------------------------------

    def _title_html(self) -> str:
        parts = []
        if self.synthetic:
            parts.append(f'<div class="aa-banner">{html.escape(self.t("banner"))}</div>')
        parts.append(f"<h1>{html.escape(self.title)}</h1>")
        if self.subtitle:
            parts.append(f'<div style="color:#444">{html.escape(self.subtitle)}</div>')
        if self.notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
            parts.append(f'<ul class="aa-notes">{items}</ul>')
        return "".join(parts)

    def _legend_html(self) -> str:
        out = []
        for sec in self.legend:
            names = sec.layer_names
            attr = f' data-layer="{html.escape(chr(31).join(names))}"' if names else ""
            rows = []
            for it in sec.items:
                if it.kind == "line":
                    sw = f'<i class="aa-line" style="border-top-color:{it.colour}"></i>'
                elif it.kind == "dot":
                    sw = (
                        f'<i class="aa-dot" style="background:{it.colour};'
                        f'border-color:{it.outline or "#fff"}"></i>'
                    )
                else:
                    border = f";border:2px solid {it.outline}" if it.outline else ""
                    sw = f'<i style="background:{it.colour}{border}"></i>'
                rows.append(f'<div class="aa-row">{sw}<span>{html.escape(it.label)}</span></div>')
            single = len(sec.items) == 1 and sec.items[0].label == sec.title
            head = "" if single else f"<h2>{html.escape(sec.title)}</h2>"
            out.append(f"<div{attr}>{head}{''.join(rows)}</div>")
        return "".join(out)

    def _sources_html(self) -> str:
        lines = [_source_line(s) for s in self.sources]
        if not lines:
            return html.escape(self.t("no_sources"))
        return "; ".join(lines)

    def _check_location(self) -> list[list[float]] | None:
        if not self._bounds:
            self.note(self.t("no_data_at_all"))
            return None
        arr = np.array(self._bounds)
        minx, miny = float(arr[:, 0].min()), float(arr[:, 1].min())
        maxx, maxy = float(arr[:, 2].max()), float(arr[:, 3].max())
        cx, cy = (minx + maxx) / 2.0, (miny + maxy) / 2.0
        w, s, e, n = NORWAY_BBOX
        if not (w <= cx <= e and s <= cy <= n):
            self.note(self.t("far", lat=cy, lon=cx))
        if maxx - minx < 1e-4 and maxy - miny < 1e-4:  # a single point: pad ~500 m
            minx, maxx, miny, maxy = minx - 0.01, maxx + 0.01, miny - 0.005, maxy + 0.005
        return [[miny, minx], [maxy, maxx]]

    def build(self) -> folium.Map:
        """Assemble the folium map (no tiles until rendered; see :class:`MapChrome`)."""
        bounds = self._check_location()
        if bounds:
            centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        else:
            centre = [59.91, 10.55]  # Bærum: only used when there is nothing to show
        m = folium.Map(
            location=centre,
            zoom_start=11,
            tiles=None,
            zoom_control=False,
            control_scale=False,
            zoomSnap=0.25,
            zoomDelta=0.5,
        )
        # Our maps use Leaflet only: no jQuery, Bootstrap, Font Awesome or awesome-markers.
        m.default_js = [("leaflet", LEAFLET_JS)]
        m.default_css = [("leaflet_css", LEAFLET_CSS)]
        for grid in self.shared:
            grid.add_to(m)
        for layer in self.layers:
            layer.add_to(m)
        control = folium.LayerControl(position="topright", collapsed=False)
        control.add_to(m)
        chrome = MapChrome()
        chrome.map_name = m.get_name()
        chrome.control_name = control.get_name()
        chrome.title_html_json = _json_for_script(self._title_html())
        chrome.legend_html = self._legend_html()
        chrome.legend_html_json = _json_for_script(chrome.legend_html)
        chrome.sources_html_json = _json_for_script(self._sources_html())
        chrome.sources_head = self.t("sources")
        chrome.legend_head = self.t("legend")
        chrome.osm_label = self.t("osm")
        chrome.blank_label = self.t("no_bg")
        chrome.groups_json = _json_for_script(self.groups)
        chrome.layer_vars = {layer.layer_name: layer.get_name() for layer in self.layers}
        chrome.bounds = bounds
        chrome.add_to(m)
        m.arealanalyse_chrome = chrome  # type: ignore[attr-defined]
        m.arealanalyse_title = self.title  # type: ignore[attr-defined]
        m.arealanalyse_lang = self.lang  # type: ignore[attr-defined]
        m.arealanalyse_layers = [layer.layer_name for layer in self.layers]  # type: ignore[attr-defined]
        return m


# --------------------------------------------------------------------------------------------
# Popups and styles
# --------------------------------------------------------------------------------------------


def popup_html(
    row: pd.Series,
    columns: Sequence[str],
    lang: Lang,
    *,
    labels: Mapping[str, str] | None = None,
    heading: str | None = None,
) -> str:
    """Return an HTML table of ``columns`` of one row: readable labels, formatted values."""
    cells = []
    for col in columns:
        label = html.escape(column_label(col, lang, labels))
        value = html.escape(cell_text(col, row[col], lang))
        cells.append(f"<tr><th>{label}</th><td>{value}</td></tr>")
    head = f"<b>{html.escape(heading)}</b>" if heading else ""
    return f"{head}<table>{''.join(cells)}</table>"


def poly_style(
    fill: str,
    *,
    stroke: str | None = None,
    weight: float = 0.6,
    fill_opacity: float = 0.7,
    opacity: float = 0.9,
    dash: str | None = None,
) -> dict[str, Any]:
    """Leaflet path options of a filled polygon."""
    s: dict[str, Any] = {
        "color": stroke or "#555555",
        "weight": weight,
        "opacity": opacity,
        "fillColor": fill,
        "fillOpacity": fill_opacity,
    }
    if dash:
        s["dashArray"] = dash
    return s


def line_style(
    colour: str, *, weight: float = 3.0, opacity: float = 0.9, dash: str | None = None
) -> dict[str, Any]:
    """Leaflet path options of a line (or an unfilled outline)."""
    s: dict[str, Any] = {"color": colour, "weight": weight, "opacity": opacity, "fill": False}
    if dash:
        s["dashArray"] = dash
    return s


def point_style(fill: str, *, radius: float = 6.0, stroke: str = "#ffffff") -> dict[str, Any]:
    """Leaflet circle-marker options."""
    return {
        "radius": radius,
        "color": stroke,
        "weight": 1.5,
        "opacity": 1.0,
        "fillColor": fill,
        "fillOpacity": 0.95,
    }


def finite_or_nan(value: Any) -> float:
    """``float(value)`` or NaN."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan
