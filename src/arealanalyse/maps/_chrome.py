"""The map's furniture: title, banner, notes, legend, sources, base maps and the ready flag."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["OSM_ATTRIBUTION", "OSM_TILES", "MapChrome"]

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsytere (ODbL)'
)


class MapChrome(MacroElement):
    """Title, synthetic-data banner, notes, legend, sources, base maps and the ready flag.

    Rendered last. ``offline`` is read at render time (set by :func:`save_map`): offline maps
    open on a plain background; online maps open on OpenStreetMap tiles. Both choices stay in the
    layer control. Legend sections tied to a layer are shown only while that layer is on, and
    layers of an *exclusive group* behave like radio buttons (one indicator at a time).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #f3f1ec; font: 13px/1.35 system-ui, -apple-system,
            "Segoe UI", Roboto, Arial, sans-serif; }
        .aa-box { background: rgba(255,255,255,.94); border-radius: 6px; padding: 6px 10px;
            box-shadow: 0 1px 5px rgba(0,0,0,.35); max-width: 340px; }
        .aa-title h1 { font-size: 17px; margin: 0; line-height: 1.25; }
        .aa-banner { background: #b00020; color: #fff; font-weight: 700; letter-spacing: .02em;
            padding: 4px 8px; margin: -6px -10px 6px -10px; border-radius: 6px 6px 0 0;
            font-size: 13px; }
        .aa-notes { margin: 6px 0 0 0; padding: 0 0 0 16px; color: #7a2c00; }
        .aa-notes li { margin: 2px 0; }
        .aa-legend { max-height: 55vh; overflow-y: auto; }
        .aa-legend h2 { font-size: 13px; margin: 6px 0 3px 0; }
        .aa-legend h2:first-child { margin-top: 0; }
        .aa-legend .aa-row { display: flex; align-items: center; margin: 1px 0; }
        .aa-legend i { display: inline-block; width: 18px; height: 12px; margin-right: 6px;
            border: 1px solid rgba(0,0,0,.35); flex: none; }
        .aa-legend i.aa-line { height: 0; border: 0; border-top: 4px solid; }
        .aa-legend i.aa-dot { width: 11px; height: 11px; border-radius: 50%; margin: 0 9px 0 3px; }
        .aa-sources { font-size: 11px; max-width: 420px; }
        .aa-sources b { font-size: 11px; }
        .aa-head { font-weight: 700; cursor: pointer; user-select: none; }
        .aa-head::after { content: " ▾"; color: #666; }
        .aa-folded .aa-head::after { content: " ▸"; }
        .aa-legend .aa-head { font-size: 13px; margin-bottom: 4px; }
        .aa-folded .aa-body { display: none; }
        .aa-folded .aa-head { margin-bottom: 0; }
        @media (max-width: 640px) {
            .aa-box { max-width: calc(100vw - 90px); }
            .aa-title h1 { font-size: 14px; }
            .aa-banner { font-size: 11px; }
        }
        .leaflet-popup-content table { border-collapse: collapse; }
        .leaflet-popup-content th { text-align: left; padding: 1px 8px 1px 0; font-weight: 600;
            vertical-align: top; }
        .leaflet-popup-content td { padding: 1px 0; }
        .leaflet-control-layers-expanded { max-height: 60vh; overflow-y: auto; }
        </style>
        {% endmacro %}

        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name }};
            var size0 = map.getSize();
            var narrow = size0.x < 640 || size0.y < 480;
            function box(position, cls, html, head) {
                var C = L.Control.extend({ options: { position: position },
                    onAdd: function () {
                        var d = L.DomUtil.create('div', 'aa-box ' + cls);
                        if (head) {
                            // A collapsible panel: folded on small screens, a tap opens it.
                            d.innerHTML = '<div class="aa-head" role="button" tabindex="0"></div>'
                                + '<div class="aa-body"></div>';
                            d.firstChild.textContent = head;
                            d.lastChild.innerHTML = html;
                            var toggle = function () { d.classList.toggle('aa-folded'); };
                            L.DomEvent.on(d.firstChild, 'click', toggle);
                            L.DomEvent.on(d.firstChild, 'keydown', function (e) {
                                if (e.key === 'Enter' || e.key === ' ') { toggle(); } });
                            if (narrow) { d.classList.add('aa-folded'); }
                        } else {
                            d.innerHTML = html;
                        }
                        L.DomEvent.disableClickPropagation(d);
                        L.DomEvent.disableScrollPropagation(d);
                        return d; } });
                return new C().addTo(map);
            }
            var titleBox = box('topleft', 'aa-title', {{ this.title_html_json }});
            L.control.zoom({ position: 'topleft' }).addTo(map);
            {%- if this.legend_html %}
            var legend = box('bottomright', 'aa-legend', {{ this.legend_html_json }},
                             {{ this.legend_head|tojson }});
            {%- endif %}
            box('bottomleft', 'aa-sources', {{ this.sources_html_json }},
                {{ this.sources_head|tojson }});
            L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);

            var ctrl = {{ this.control_name }};
            if (narrow) {  // the expanded layer list would cover a phone screen: fold it
                ctrl.remove();
                ctrl = L.control.layers({}, {{ this.control_name }}_layers.overlays,
                                        { collapsed: true, position: 'topright' }).addTo(map);
            }
            var osm = L.tileLayer({{ this.tiles_url|tojson }}, {
                maxZoom: 19, attribution: {{ this.tiles_attribution|tojson }} });
            var blank = L.layerGroup();
            ctrl.addBaseLayer(osm, {{ this.osm_label|tojson }});
            ctrl.addBaseLayer(blank, {{ this.blank_label|tojson }});
            {%- if this.offline %}
            blank.addTo(map);
            {%- else %}
            osm.addTo(map);
            {%- endif %}

            var groups = {{ this.groups_json }};
            var layers = {
                {%- for name, var in this.layer_vars.items() %}
                {{ name|tojson }}: {{ var }},
                {%- endfor %}
            };
            function syncLegend() {
                {%- if this.legend_html %}
                var rows = legend.getContainer().querySelectorAll('[data-layer]');
                rows.forEach(function (r) {
                    var on = r.getAttribute('data-layer').split('\u001f').some(function (n) {
                        return layers[n] && map.hasLayer(layers[n]); });
                    r.style.display = on ? '' : 'none';
                });
                {%- endif %}
            }
            map.on('overlayadd', function (e) {
                // Deferred: the layer control ignores layer changes made while it handles a click.
                setTimeout(function () {
                    Object.keys(groups).forEach(function (g) {
                        var members = groups[g];
                        if (members.indexOf(e.name) < 0) { return; }
                        members.forEach(function (other) {
                            if (other !== e.name && layers[other] && map.hasLayer(layers[other])) {
                                map.removeLayer(layers[other]);
                            }
                        });
                    });
                    syncLegend();
                }, 0);
            });
            map.on('overlayremove', syncLegend);
            syncLegend();
            {%- if this.bounds %}
            // Fit the data into the part of the map the panels leave free (on wide screens).
            var size = map.getSize();
            var right = ctrl.getContainer().offsetWidth;
            {%- if this.legend_html %}
            right = Math.max(right, legend.getContainer().offsetWidth);
            {%- endif %}
            var top = titleBox.getContainer().offsetHeight;
            var padR = (size.x - right > 420) ? right + 24 : 20;
            var padT = (size.y - top > 320) ? top + 24 : 20;
            map.fitBounds({{ this.bounds|tojson }}, { animate: false,
                paddingTopLeft: [20, padT], paddingBottomRight: [padR, 30] });
            {%- endif %}
            requestAnimationFrame(function () { requestAnimationFrame(function () {
                window.__arealanalyseMapReady = true; }); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapChrome"
        self.offline = False
        self.map_name = ""
        self.control_name = ""
        self.title_html_json = "''"
        self.legend_html = ""
        self.legend_html_json = "''"
        self.sources_html_json = "''"
        self.sources_head = ""
        self.legend_head = ""
        self.tiles_url = OSM_TILES
        self.tiles_attribution = OSM_ATTRIBUTION
        self.osm_label = ""
        self.blank_label = ""
        self.groups_json = "{}"
        self.layer_vars: dict[str, str] = {}
        self.bounds: list[list[float]] | None = None
