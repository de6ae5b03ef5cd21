"""The study map: one Folium map with a toggleable layer and a legend entry for each part of the study.

The map draws what it is given and computes nothing: intensity indicators, consolidation groups and
overlap findings come in as the analyses' result tables. Every user string is escaped
(:mod:`zonekit.maps.escape`) before it reaches a tooltip, a popup, the legend or the embedded GeoJSON.
Layers are reprojected to longitude/latitude for display only; with Gaode tiles a display copy is shifted
into GCJ-02 so it lines up, and the map says so. Large parcel layers are simplified along shared edges,
rounded to ~1 cm, and past a threshold drawn as an image while parks stay vector and clickable.
"""

from __future__ import annotations

import math
import os

import folium
import geopandas as gpd
import jinja2
import markupsafe
import numpy as np
import pandas as pd
import pyproj
import shapely
from branca.colormap import LinearColormap
from branca.element import MacroElement, Template
from folium import plugins

from zonekit.choices import BASEMAPS
from zonekit.errors import InputError
from zonekit.geo.burn import Grid, burn
from zonekit.geo.offsets import apply_offset, wgs84_to_gcj02
from zonekit.layers.stream import stream_of
from zonekit.maps.escape import escape_for_script
from zonekit.maps.styles import (
    ACTION_COLOURS,
    CLASS_COLOURS,
    LABELS,
    PARK_KIND_DASH,
    PROTECTED_COLOUR,
    ZONE_COLOURS,
)

MAX_VECTOR_PARCELS = 20_000
TIANDITU = (
    "http://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


def _display(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """A display copy in lon/lat (EPSG:4326), shifted into GCJ-02 for Gaode tiles."""
    out = (
        gdf.to_crs(4326)
        if gdf.crs is not None and not gdf.crs.equals(pyproj.CRS.from_epsg(4326))
        else gdf.copy()
    )
    if basemap == "gaode":
        out = out.set_geometry(list(apply_offset(out.geometry.values, "gcj02")), crs=4326)
    return out


def _light(gdf: gpd.GeoDataFrame, *, simplify_m: float = 0.0) -> gpd.GeoDataFrame:
    """Round coordinates to 1e-7° (~1 cm); simplify a mosaic along shared edges (no gaps between neighbours).

    Simplification keeps shared edges shared only on a valid coverage (neighbours with identical edge
    vertices); a mosaic that is not one — e.g. parcels whose T-junctions moved a little in reprojection — is
    only rounded, never simplified into gaps or overlaps.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if simplify_m > 0 and len(geoms) and shapely.coverage_is_valid(geoms):
        geoms = shapely.coverage_simplify(geoms, simplify_m / 111_000)
    geoms = shapely.transform(np.asarray(geoms, dtype=object), lambda c: np.round(c, 7))
    return gdf.set_geometry(list(geoms), crs=gdf.crs)


def _props(gdf: gpd.GeoDataFrame, columns: dict[str, object]) -> gpd.GeoDataFrame:
    """Only the given properties, every text escaped, numbers as plain floats."""
    data = {}
    for name, values in columns.items():
        vals = list(gdf[values] if isinstance(values, str) else values)  # type: ignore[arg-type]
        data[name] = [
            v
            if isinstance(v, (int, float))
            and not isinstance(v, bool)
            and not (isinstance(v, float) and math.isnan(v))
            else escape_for_script(v)
            for v in vals
        ]
    return gpd.GeoDataFrame(data, geometry=list(gdf.geometry.values), crs=gdf.crs)


def _inert(value: object) -> object:
    """Jinja's last step before output: text folium may carry through JavaScript is escaped for it."""
    escaped = escape_for_script(value)
    return value if isinstance(value, markupsafe.Markup) else markupsafe.Markup(escaped)  # noqa: S704 — escaped above


# autoescape, and every value escaped for script too: popups travel inside GeoJSON in a <script> block
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("zonekit.maps", "templates"),
    autoescape=True,
    finalize=_inert,
    undefined=jinja2.StrictUndefined,
)


def _popup(rows: list[tuple[str, str]]) -> str:
    """A small popup table from the popup template (autoescaped)."""
    return _TEMPLATES.get_template("popup.html").render(rows=rows)


def _item(colour: str, label: object, *, line: bool = False, dash: str | None = None) -> dict:
    """One legend swatch."""
    return {"colour": colour, "label": label, "line": line, "dash": dash}


def _fmt(v: object, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{float(v):,.{digits}f}"
    return str(v)


class _PageStyle(MacroElement):
    """Local CJK fonts (never web fonts) and a metric-only scale bar."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>.leaflet-container, #zonekit-legend { font-family: "Microsoft YaHei", "PingFang SC",
          "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", sans-serif; }</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "ZonekitPageStyle"


class _Legend(MacroElement):
    """A fixed legend box; its HTML comes from the legend template (autoescaped)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="zonekit-legend" style="position:fixed;bottom:24px;left:12px;z-index:9999;background:#fff;
             padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px sans-serif;max-height:60vh;
             overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.3)">{{ this.body }}</div>
        {% endmacro %}""")

    def __init__(self, title: str, sections: list[dict], notes: list[str]) -> None:
        super().__init__()
        self._name = "ZonekitLegend"
        self.body = _TEMPLATES.get_template("legend.html").render(title=title, sections=sections, notes=notes)


def _basemap(m: folium.Map, basemap: str, tianditu_key: str | None) -> None:
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=True).add_to(m)
    elif basemap == "tianditu":
        key = tianditu_key or os.environ.get("TIANDITU_KEY")
        if not key:
            raise InputError("map.tianditu_key")
        for layer, overlay in (("vec", False), ("cva", True)):
            folium.TileLayer(
                TIANDITU.format(layer=layer, key=escape_for_script(key), s="{s}"),
                attr="天地图 Tianditu",
                name=f"天地图 {layer}",
                subdomains="01234567",
                overlay=overlay,
                control=True,
            ).add_to(m)
    elif basemap == "gaode":
        import xyzservices.providers as xyz

        p = xyz.Gaode.Normal
        folium.TileLayer(
            p.build_url(),
            attr=p.html_attribution,
            name="高德 Gaode (GCJ-02)",
            control=True,
            subdomains=p.get("subdomains", "abc"),
        ).add_to(m)


def study_map(
    study,
    *,
    intensity: gpd.GeoDataFrame | None = None,
    groups: gpd.GeoDataFrame | None = None,
    findings: gpd.GeoDataFrame | None = None,
    basemap: str = "osm",
    lang: str = "zh",
    tianditu_key: str | None = None,
    indicator: str = "investment_intensity",
    max_vector_parcels: int = MAX_VECTOR_PARCELS,
) -> folium.Map:
    """Build the study map: one layer and one legend section per part of the study given.

    Parameters
    ----------
    study : Study or mapping of layer name to frame
        ``parks`` at least; ``admin``, ``zones``, ``enclaves``, ``landuse`` and ``protected`` when present.
    intensity : GeoDataFrame, optional
        Per-park indicators (``land_intensity(by="park").indicators``): popups and the choropleths.
    groups : GeoDataFrame, optional
        Consolidation candidate groups (with geometry).
    findings : GeoDataFrame, optional
        Overlap findings to draw, e.g. parks ∩ red lines (``findings(...)["parks_in_redlines"]``).
    basemap : {"osm", "tianditu", "gaode", "none"}
        The tiles under the layers; ``none`` for an intranet without tiles.
    lang : {"zh", "en"}
        Language of every label, popup and note.
    tianditu_key : str, optional
        The Tianditu key (else ``TIANDITU_KEY``).
    indicator : str
        The indicator of the second choropleth.
    max_vector_parcels : int
        Above this many parcels, land use is drawn as an image.

    Returns
    -------
    folium.Map
        The map, ready for :func:`zonekit.maps.html.write_map`.
    """
    if basemap not in BASEMAPS:
        raise InputError("option.unknown", option="--basemap", value=basemap, choices=", ".join(BASEMAPS))
    if hasattr(study, "require"):
        study.require("parks", purpose="purpose.map")
    study = {n: df for n, df in study.items() if len(df)}  # an empty layer is drawn as no layer
    lab = LABELS[lang]
    parks = _display(study["parks"], basemap)
    zone_ids = sorted(parks["zone_id"].astype(str).unique())
    colour = {z: ZONE_COLOURS[i % len(ZONE_COLOURS)] for i, z in enumerate(zone_ids)}
    zones_tab = study.get("zones")
    zone_name = (
        dict(zip(zones_tab["zone_id"].astype(str), zones_tab["name"], strict=True))
        if zones_tab is not None
        else {}
    )
    b = parks.total_bounds
    m = folium.Map(
        location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2],
        zoom_start=10,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
    )
    m.add_child(_PageStyle())
    _basemap(m, basemap, tianditu_key)

    sections: list[dict] = []
    if "admin" in study:
        sections.append(_admin_layer(m, _display(study["admin"], basemap), lab))
    if zones_tab is not None:
        sections.append(_zones_layer(m, parks, zones_tab, basemap, lab, colour, zone_name))
    park_layer, section = _parks_layer(m, parks, intensity, lab, colour, zone_name)
    sections.append(section)
    if "enclaves" in study and "admin" in study:
        sections.append(_enclave_links(m, parks, study["enclaves"], study["admin"], basemap, lab))
    if "landuse" in study:
        sections.append(_landuse_layer(m, study["landuse"], basemap, lab, max_vector_parcels))
    if intensity is not None:
        sections += _choropleths(m, parks, intensity, indicator, lab)
    if groups is not None and len(groups):
        sections.append(_groups_layer(m, _display(groups[groups.geometry.notna()], basemap), lab, lang))
    if "protected" in study:
        sections.append(_protected_layer(m, _display(study["protected"], basemap), lab))
    if findings is not None and len(findings):
        sections.append(_findings_layer(m, _display(findings[findings.geometry.notna()], basemap), lab))

    notes = []
    if any(
        (study[n]["source"] == "illustrative").any()
        for n in ("parks", "zones")
        if n in study and "source" in study[n]
    ):
        notes.append(lab["illustrative"])
    if basemap == "gaode":
        notes.append(lab["gaode"])
    m.get_root().add_child(_Legend(lab["legend"], sections, notes))
    _controls(m, park_layer, lab)
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m


def _admin_layer(m: folium.Map, admin: gpd.GeoDataFrame, lab: dict) -> dict:
    admin = admin[admin["level"].isin(["county", "city"])] if "level" in admin else admin
    fg = folium.FeatureGroup(name=lab["admin"], show=True)
    folium.GeoJson(
        _light(_props(admin, {"name": "name", "adcode": "adcode"})),
        name=lab["admin"],
        style_function=lambda f: {"color": "#555", "weight": 1, "fill": False, "dashArray": "4 3"},
        tooltip=folium.GeoJsonTooltip(["name"], aliases=[lab["name"]]),
    ).add_to(fg)
    fg.add_to(m)
    return {"items": [_item("#555", lab["admin"], line=True, dash="4 3")]}


def _zones_layer(
    m: folium.Map,
    parks: gpd.GeoDataFrame,
    zones: pd.DataFrame,
    basemap: str,
    lab: dict,
    colour: dict[str, str],
    zone_name: dict,
) -> dict:
    """Zone outlines: the zone's own boundary where it has one, else the union of its parks."""
    shapes = parks.dissolve("zone_id").reset_index()
    if isinstance(zones, gpd.GeoDataFrame) and zones.geometry.notna().any():
        zg = _display(zones[zones.geometry.notna()], basemap)
        own = shapes["zone_id"].astype(str).isin(set(zg["zone_id"].astype(str)))
        shapes = gpd.GeoDataFrame(
            pd.concat(
                [zg[["zone_id", "geometry"]], shapes[~own][["zone_id", "geometry"]]], ignore_index=True
            ),
            geometry="geometry",
            crs=4326,
        )
    zid = shapes["zone_id"].astype(str)
    fg = folium.FeatureGroup(name=lab["zones"], show=True)
    folium.GeoJson(
        _light(
            _props(
                shapes,
                {
                    "zone_id": zid,
                    "name": [zone_name.get(z, z) for z in zid],
                    "colour": [colour.get(z, "#333") for z in zid],
                },
            )
        ),
        style_function=lambda f: {"color": f["properties"]["colour"], "weight": 3, "fill": False},
        tooltip=folium.GeoJsonTooltip(["name"], aliases=[lab["zones"]]),
    ).add_to(fg)
    fg.add_to(m)
    return {
        "title": lab["zones"],
        "items": [_item(colour[z], zone_name.get(z, z), line=True) for z in colour],
    }


def _park_popups(
    parks: gpd.GeoDataFrame, intensity: pd.DataFrame | None, lab: dict, zone_name: dict
) -> list[str]:
    """One popup per park: name, zone, kind and, with intensity, its area and indicators."""
    ind = intensity.set_index(intensity["park_id"].astype(str)) if intensity is not None else None
    popups = []
    for p in parks.itertuples():
        rows = [
            (lab["name"], p.name),
            (lab["zones"], zone_name.get(str(p.zone_id), p.zone_id)),
            (lab["kind"], lab.get(p.kind, p.kind)),
        ]
        if ind is not None and str(p.park_id) in ind.index:
            r = ind.loc[str(p.park_id)]
            rows += [
                (f"{lab['area']} ({lab['ha']})", _fmt(r["area_ha"])),
                (f"{lab['area']} ({lab['mu']})", _fmt(r["area_mu"], 0)),
                (lab["score"], _fmt(r["score"], 1)),
                (lab["grade"], _fmt(r["grade"])),
                (lab["far"], _fmt(r["composite_far"])),
                (f"{lab['investment']} ({lab['wan_per_ha']})", _fmt(r["investment_intensity"], 0)),
                (f"{lab['tax']} ({lab['wan_per_ha']})", _fmt(r["tax_per_ha"], 0)),
                (lab["development_rate"], _fmt(r["development_rate"], 3)),
            ]
        popups.append(_popup(rows))
    return popups


def _parks_layer(
    m: folium.Map,
    parks: gpd.GeoDataFrame,
    intensity: pd.DataFrame | None,
    lab: dict,
    colour: dict[str, str],
    zone_name: dict,
) -> tuple[folium.GeoJson, dict]:
    """The parks, clickable and searchable by park or zone name; returned for the search control."""
    props = _props(
        parks,
        {
            "park_id": "park_id",
            "name": "name",
            "search": [
                f"{n} {zone_name.get(str(z), z)}"
                for n, z in zip(parks["name"], parks["zone_id"], strict=True)
            ],
            "kind": [lab.get(k, k) for k in parks["kind"]],
            "colour": [colour[str(z)] for z in parks["zone_id"]],
            "dash": [PARK_KIND_DASH.get(k) or "" for k in parks["kind"]],
        },
    )
    props["popup_html"] = _park_popups(parks, intensity, lab, zone_name)  # autoescaped by the template
    fg = folium.FeatureGroup(name=lab["parks"], show=True)
    layer = folium.GeoJson(
        _light(props),
        name=lab["parks"],
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.35,
            "weight": 2,
            "dashArray": f["properties"]["dash"] or None,
        },
        highlight_function=lambda f: {"weight": 4, "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(["name", "kind"], aliases=[lab["name"], lab["kind"]]),
        popup=folium.GeoJsonPopup(["popup_html"], labels=False),
    )
    layer.add_to(fg)
    fg.add_to(m)
    items = [_item("#333", lab[k], line=True, dash=PARK_KIND_DASH[k]) for k in PARK_KIND_DASH]
    return layer, {"title": lab["parks"], "items": items}


def _enclave_links(
    m: folium.Map,
    parks: gpd.GeoDataFrame,
    enclaves: pd.DataFrame,
    admin: gpd.GeoDataFrame,
    basemap: str,
    lab: dict,
) -> dict:
    """A dashed line from each enclave park to its home jurisdiction."""
    admin_all = _display(admin, basemap).set_index(admin["adcode"].astype(str).to_numpy())
    fg = folium.FeatureGroup(name=lab["enclave_links"], show=True)
    pidx = parks.set_index(parks["park_id"].astype(str))
    for e in enclaves.drop_duplicates("park_id").itertuples():
        pid, home = str(e.park_id), str(e.home_adcode)
        if pid in pidx.index and home in admin_all.index:
            a = pidx.loc[pid].geometry.representative_point()
            h = admin_all.loc[home].geometry.representative_point()
            text = escape_for_script(f"{pidx.loc[pid, 'name']} → {lab['home']} {admin_all.loc[home, 'name']}")
            folium.PolyLine(
                [(a.y, a.x), (h.y, h.x)],
                color="#6a3d9a",
                weight=3,
                dash_array="8 6",
                tooltip=folium.Tooltip(text),
            ).add_to(fg)
            folium.CircleMarker(
                (h.y, h.x), radius=6, color="#6a3d9a", fill=True, tooltip=folium.Tooltip(text)
            ).add_to(fg)
    fg.add_to(m)
    return {"items": [_item("#6a3d9a", lab["enclave_links"], line=True, dash="8 6")]}


def _choropleths(
    m: folium.Map, parks: gpd.GeoDataFrame, intensity: pd.DataFrame, indicator: str, lab: dict
) -> list[dict]:
    """The intensity score and one indicator, each a choropleth of the parks (hidden until chosen)."""
    scored = parks.merge(intensity[["park_id", "score", indicator]], on="park_id", how="left")
    sections: list[dict] = []
    for column, name in (("score", lab["intensity"]), (indicator, f"{lab['indicator']}: {indicator}")):
        vals = scored[column].astype(float)
        if vals.notna().sum() == 0:
            continue
        cmap = LinearColormap(
            ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"],
            vmin=float(vals.min()),
            vmax=float(vals.max()),
            caption=escape_for_script(name),
        )
        fg = folium.FeatureGroup(name=name, show=False)
        props = _props(
            scored,
            {
                "name": "name",
                "value": [float(v) if not math.isnan(v) else None for v in vals],
                "colour": [cmap(v) if not math.isnan(v) else "#cccccc" for v in vals],
            },
        )
        folium.GeoJson(
            _light(props),
            style_function=lambda f: {
                "color": "#333",
                "weight": 1,
                "fillColor": f["properties"]["colour"],
                "fillOpacity": 0.8,
            },
            tooltip=folium.GeoJsonTooltip(["name", "value"], aliases=[lab["name"], name]),
        ).add_to(fg)
        fg.add_to(m)
        ramp = [cmap(float(v)) for v in np.linspace(cmap.vmin, cmap.vmax, 5)]
        sections.append(
            {"title": name, "items": [], "ramp": {"colours": ramp, "vmin": cmap.vmin, "vmax": cmap.vmax}}
        )
    return sections


def _groups_layer(m: folium.Map, g: gpd.GeoDataFrame, lab: dict, lang: str) -> dict:
    """Consolidation candidate groups, outlined by their suggested action; the evidence in the popup."""
    evidence = "evidence_zh" if lang == "zh" and "evidence_zh" in g else "evidence"
    fg = folium.FeatureGroup(name=lab["consolidation"], show=True)
    folium.GeoJson(
        _light(
            _props(
                g,
                {
                    "group": "group_id",
                    "action": [lab.get(a, a) for a in g["suggested_action"]],
                    "zones": "zone_names",
                    "colour": [ACTION_COLOURS.get(a, "#333") for a in g["suggested_action"]],
                    "evidence": evidence,
                },
            )
        ),
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 4,
            "fill": False,
            "dashArray": "2 6",
        },
        tooltip=folium.GeoJsonTooltip(["group", "action", "zones"], aliases=["", "", ""]),
        popup=folium.GeoJsonPopup(["evidence"], labels=False),
    ).add_to(fg)
    fg.add_to(m)
    items = [_item(c, lab[a], line=True, dash="2 6") for a, c in ACTION_COLOURS.items()]
    return {"title": lab["consolidation"], "items": items}


def _protected_layer(m: folium.Map, prot: gpd.GeoDataFrame, lab: dict) -> dict:
    fg = folium.FeatureGroup(name=lab["protected"], show=True)
    folium.GeoJson(
        _light(_props(prot, {"name": "name", "kind": "kind"})),
        style_function=lambda f: {
            "color": PROTECTED_COLOUR,
            "weight": 2,
            "fillColor": PROTECTED_COLOUR,
            "fillOpacity": 0.12,
            "dashArray": "5 3",
        },
        tooltip=folium.GeoJsonTooltip(["name", "kind"], aliases=[lab["name"], lab["kind"]]),
    ).add_to(fg)
    fg.add_to(m)
    return {"items": [_item(PROTECTED_COLOUR, lab["protected"], line=True, dash="5 3")]}


def _findings_layer(m: folium.Map, f: gpd.GeoDataFrame, lab: dict) -> dict:
    fg = folium.FeatureGroup(name=lab["findings"], show=True)
    folium.GeoJson(
        _light(
            _props(
                f,
                {
                    "park": "a_name",
                    "area": "b_name",
                    "overlap_ha": [round(float(v), 2) for v in f["overlap_ha"]],
                },
            )
        ),
        style_function=lambda x: {
            "color": "#7f0000",
            "weight": 1,
            "fillColor": "#7f0000",
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(["park", "area", "overlap_ha"], aliases=["", "", lab["area_ha"]]),
    ).add_to(fg)
    fg.add_to(m)
    return {"items": [_item("#7f0000", lab["findings"])]}


def _controls(m: folium.Map, park_layer: folium.GeoJson, lab: dict) -> None:
    """Search (parks by park or zone name), full screen, measuring in m, ha and 亩, the layer switcher."""
    plugins.Search(
        layer=park_layer,
        search_label="search",
        placeholder=lab["search"],
        collapsed=False,
        position="topright",
        initial=False,
    ).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl(
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="hectares",
        secondary_area_unit="mu",
        units={"mu": {"factor": 0.0015, "display": lab["mu"], "decimals": 1}},
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)


def _landuse_layer(m: folium.Map, parcels, basemap: str, lab: dict, max_vector: int) -> dict:
    """Parcels by analysis class: vector up to ``max_vector`` parcels, an image beyond (parks stay vector).

    ``parcels`` is a frame or a :class:`~zonekit.layers.stream.LayerStream`; a large layer is burnt into
    the image chunk by chunk and never held whole.
    """
    fg = folium.FeatureGroup(name=lab["landuse"], show=False)
    if len(parcels) <= max_vector:
        lu = _display(
            stream_of(parcels, "landuse").select(["parcel_id", "land_use_code", "analysis_class"]), basemap
        )
        cls = lu["analysis_class"].fillna("unknown").astype(str)
        light = _light(
            _props(
                lu,
                {
                    "parcel_id": "parcel_id",
                    "class": [lab.get(c, c) for c in cls],
                    "code": "land_use_code",
                    "colour": [CLASS_COLOURS.get(c, "#000") for c in cls],
                },
            ),
            simplify_m=1.0,
        )
        folium.GeoJson(
            light,
            style_function=lambda f: {
                "color": f["properties"]["colour"],
                "weight": 0.3,
                "fillColor": f["properties"]["colour"],
                "fillOpacity": 0.6,
            },
            tooltip=folium.GeoJsonTooltip(["class", "code", "parcel_id"], aliases=["", "", ""]),
        ).add_to(fg)
    else:
        image, bounds = rasterise_classes(parcels, basemap=basemap)
        folium.raster_layers.ImageOverlay(
            image, bounds=bounds, opacity=0.65, mercator_project=False, name=lab["landuse"]
        ).add_to(fg)
    fg.add_to(m)
    return {"title": lab["landuse"], "items": [_item(c, lab[k]) for k, c in CLASS_COLOURS.items()]}


def rasterise_classes(parcels, *, basemap: str = "osm", max_side: int = 2048) -> tuple[np.ndarray, list]:
    """Land use as an RGBA image on a Web-Mercator grid (how Leaflet stretches overlays), and its bounds.

    The parcels are burnt chunk by chunk (:func:`zonekit.geo.burn.burn`, a pixel whose centre is inside),
    their coordinates projected as arrays: no per-parcel Python object, memory for one chunk.

    Parameters
    ----------
    parcels : GeoDataFrame or LayerStream
        Land-use parcels with ``analysis_class``.
    basemap : str, default 'osm'
        ``gaode`` shifts the image into GCJ-02 like every other layer over Gaode tiles.
    max_side : int, default 2048
        Largest image side, pixels.

    Returns
    -------
    tuple[np.ndarray, list]
        Land use as an RGBA image on a Web-Mercator grid (how Leaflet stretches overlays), and its
        bounds as [[south, west], [north, east]] in degrees.
    """
    stream = stream_of(parcels, "landuse")
    to_lonlat = pyproj.Transformer.from_crs(stream.crs, 4326, always_xy=True)
    to_merc = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)

    def project(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = to_lonlat.transform(x, y)
        if basemap == "gaode":
            lon, lat = wgs84_to_gcj02(np.asarray(lon), np.asarray(lat))
        return to_merc.transform(lon, lat)

    x0, y0, x1, y1 = stream.bounds or (0.0, 0.0, 0.0, 0.0)
    edge = np.linspace(0.0, 1.0, 33)  # the box's sides, densified: a projected box is not a box
    bx = np.r_[x0 + (x1 - x0) * edge, np.full(33, x1), x0 + (x1 - x0) * edge, np.full(33, x0)]
    by = np.r_[np.full(33, y0), y0 + (y1 - y0) * edge, np.full(33, y1), y0 + (y1 - y0) * edge]
    mx, my = project(bx, by)
    grid = Grid.covering((mx.min(), my.min(), mx.max(), my.max()), max_side, 2.0)
    names = list(CLASS_COLOURS)
    number = {c: i + 1 for i, c in enumerate(names)}
    idx = np.zeros((grid.h, grid.w), dtype=np.uint8)
    for chunk in stream.chunks(["analysis_class"]):
        code = chunk["analysis_class"].map(number).fillna(len(names)).astype("uint8").to_numpy()
        burn(idx, grid, chunk.geometry.values, code, project)
    palette = np.zeros((len(names) + 1, 4), dtype=np.uint8)
    for i, c in enumerate(names, start=1):
        palette[i] = [int(CLASS_COLOURS[c][k : k + 2], 16) for k in (1, 3, 5)] + [255]
    image = palette[idx]
    west, east = grid.x0, grid.x0 + grid.w * grid.res
    south, north = grid.y1 - grid.h * grid.res, grid.y1
    lon, lat = to_merc.transform([west, east], [south, north], direction="INVERSE")
    return image, [[lat[0], lon[0]], [lat[1], lon[1]]]
