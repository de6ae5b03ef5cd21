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
import numpy as np
import pandas as pd
import pyproj
import shapely
from branca.colormap import LinearColormap
from branca.element import MacroElement, Template
from folium import plugins

from zonekit.choices import BASEMAPS
from zonekit.errors import InputError
from zonekit.geo.offsets import apply_offset
from zonekit.maps.escape import safe
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
            else safe(v)
            for v in vals
        ]
    return gpd.GeoDataFrame(data, geometry=list(gdf.geometry.values), crs=gdf.crs)


def _table(rows: list[tuple[str, str]]) -> str:
    """A small popup table; labels and values must already be escaped."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{k}</th><td>{v}</td></tr>" for k, v in rows
    )
    return f"<table style='font-size:12px'>{body}</table>"


def _fmt(v: object, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{float(v):,.{digits}f}"
    return safe(v)


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
    """A fixed legend box; its HTML is built from escaped labels only."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="zonekit-legend" style="position:fixed;bottom:24px;left:12px;z-index:9999;background:#fff;
             padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px sans-serif;max-height:60vh;
             overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.3)">{{ this.body }}</div>
        {% endmacro %}""")

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "ZonekitLegend"
        self.body = body


def _swatch(colour: str, label: str, *, line: bool = False, dash: str | None = None) -> str:
    style = (
        f"border:2px {'dashed' if dash else 'solid'} {colour};background:transparent"
        if line
        else f"background:{colour};border:1px solid #555"
    )
    return (
        f"<div><span style='display:inline-block;width:14px;height:10px;margin-right:6px;{style}'></span>"
        f"{label}</div>"
    )


def _basemap(m: folium.Map, basemap: str, tianditu_key: str | None) -> None:
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=True).add_to(m)
    elif basemap == "tianditu":
        key = tianditu_key or os.environ.get("TIANDITU_KEY")
        if not key:
            raise InputError("map.tianditu_key")
        for layer, overlay in (("vec", False), ("cva", True)):
            folium.TileLayer(
                TIANDITU.format(layer=layer, key=safe(key), s="{s}"),
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
    """Build the study map.

    Parameters
    ----------
    study : Study
    intensity : GeoDataFrame, optional
        Per-park indicators (``land_intensity(by="park").indicators``): popups and the choropleths.
    groups : GeoDataFrame, optional
        Consolidation candidate groups (with geometry).
    findings : GeoDataFrame, optional
        Overlap findings to draw, e.g. parks ∩ red lines (``findings(...)["parks_in_redlines"]``).
    basemap : {"osm", "tianditu", "gaode", "none"}
    lang : {"zh", "en"}
    indicator : str
        The indicator of the second choropleth.
    max_vector_parcels : int
        Above this many parcels, land use is drawn as an image.

    Returns
    -------
    folium.Map
    """
    if basemap not in BASEMAPS:
        raise InputError("option.unknown", option="--basemap", value=basemap, choices=", ".join(BASEMAPS))
    if hasattr(study, "require"):
        study.require("parks", purpose="purpose.map")
    study = {n: df for n, df in study.items() if len(df)}  # an empty layer is drawn as no layer
    lab = LABELS[lang]
    parks = _display(study["parks"], basemap)
    zone_ids = sorted(parks["zone_id"].astype(str).unique())
    zone_colour = {z: ZONE_COLOURS[i % len(ZONE_COLOURS)] for i, z in enumerate(zone_ids)}
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
    legend: list[str] = []

    if "admin" in study:
        admin = _display(study["admin"], basemap)
        admin = admin[admin["level"].isin(["county", "city"])] if "level" in admin else admin
        fg = folium.FeatureGroup(name=lab["admin"], show=True)
        folium.GeoJson(
            _light(_props(admin, {"name": "name", "adcode": "adcode"})),
            name=lab["admin"],
            style_function=lambda f: {"color": "#555", "weight": 1, "fill": False, "dashArray": "4 3"},
            tooltip=folium.GeoJsonTooltip(["name"], aliases=[lab["name"]]),
        ).add_to(fg)
        fg.add_to(m)
        legend.append(_swatch("#555", lab["admin"], line=True, dash="4 3"))

    if zones_tab is not None:
        shapes = parks.dissolve("zone_id").reset_index()
        if isinstance(zones_tab, gpd.GeoDataFrame) and zones_tab.geometry.notna().any():
            zg = _display(zones_tab[zones_tab.geometry.notna()], basemap)
            have = set(zg["zone_id"].astype(str))
            shapes = pd.concat(
                [
                    zg[["zone_id", "geometry"]],
                    shapes[~shapes["zone_id"].astype(str).isin(have)][["zone_id", "geometry"]],
                ],
                ignore_index=True,
            )
            shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs=4326)
        zid = shapes["zone_id"].astype(str)
        fg = folium.FeatureGroup(name=lab["zones"], show=True)
        folium.GeoJson(
            _light(
                _props(
                    shapes,
                    {
                        "zone_id": zid,
                        "name": [zone_name.get(z, z) for z in zid],
                        "colour": [zone_colour.get(z, "#333") for z in zid],
                    },
                )
            ),
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": 3, "fill": False},
            tooltip=folium.GeoJsonTooltip(["name"], aliases=[lab["zones"]]),
        ).add_to(fg)
        fg.add_to(m)
        legend.append(
            "<b>"
            + safe(lab["zones"])
            + "</b>"
            + "".join(_swatch(zone_colour[z], safe(zone_name.get(z, z)), line=True) for z in zone_ids)
        )

    ind = intensity.set_index(intensity["park_id"].astype(str)) if intensity is not None else None
    popups = []
    for p in parks.itertuples():
        rows = [
            (safe(lab["name"]), safe(p.name)),
            (safe(lab["zones"]), safe(zone_name.get(str(p.zone_id), p.zone_id))),
            ("kind", safe(lab.get(p.kind, p.kind))),
        ]
        if ind is not None and str(p.park_id) in ind.index:
            r = ind.loc[str(p.park_id)]
            rows += [
                (f"{safe(lab['area'])} ({lab['ha']})", _fmt(r["area_ha"])),
                (f"{safe(lab['area'])} ({lab['mu']})", _fmt(r["area_mu"], 0)),
                (safe(lab["score"]), _fmt(r["score"], 1)),
                (safe(lab["grade"]), _fmt(r["grade"])),
                ("FAR", _fmt(r["composite_far"])),
                (f"investment ({lab['wan_per_ha']})", _fmt(r["investment_intensity"], 0)),
                (f"tax ({lab['wan_per_ha']})", _fmt(r["tax_per_ha"], 0)),
                ("development rate", _fmt(r["development_rate"], 3)),
            ]
        popups.append(_table(rows))
    park_props = _props(
        parks,
        {
            "park_id": "park_id",
            "name": "name",
            "search": [
                f"{n} {zone_name.get(str(z), z)}"
                for n, z in zip(parks["name"], parks["zone_id"], strict=True)
            ],
            "kind": [lab.get(k, k) for k in parks["kind"]],
            "colour": [zone_colour[str(z)] for z in parks["zone_id"]],
            "dash": [PARK_KIND_DASH.get(k) or "" for k in parks["kind"]],
        },
    )
    park_props["popup_html"] = popups  # built from escaped values only
    fg = folium.FeatureGroup(name=lab["parks"], show=True)
    park_layer = folium.GeoJson(
        _light(park_props),
        name=lab["parks"],
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.35,
            "weight": 2,
            "dashArray": f["properties"]["dash"] or None,
        },
        highlight_function=lambda f: {"weight": 4, "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(["name", "kind"], aliases=[lab["name"], "kind"]),
        popup=folium.GeoJsonPopup(["popup_html"], labels=False),
    )
    park_layer.add_to(fg)
    fg.add_to(m)
    legend.append(
        "<b>"
        + safe(lab["parks"])
        + "</b>"
        + "".join(_swatch("#333", safe(lab[k]), line=True, dash=PARK_KIND_DASH[k]) for k in PARK_KIND_DASH)
    )

    if "enclaves" in study and "admin" in study:
        admin_all = _display(study["admin"], basemap).set_index(
            study["admin"]["adcode"].astype(str).to_numpy()
        )
        fg = folium.FeatureGroup(name=lab["enclave_links"], show=True)
        pidx = parks.set_index(parks["park_id"].astype(str))
        for e in study["enclaves"].drop_duplicates("park_id").itertuples():
            pid, home = str(e.park_id), str(e.home_adcode)
            if pid in pidx.index and home in admin_all.index:
                a = pidx.loc[pid].geometry.representative_point()
                h = admin_all.loc[home].geometry.representative_point()
                text = (
                    f"{safe(pidx.loc[pid, 'name'])} → {safe(lab['home'])} {safe(admin_all.loc[home, 'name'])}"
                )
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
        legend.append(_swatch("#6a3d9a", safe(lab["enclave_links"]), line=True, dash="8 6"))

    if "landuse" in study:
        _landuse_layer(m, _display(study["landuse"], basemap), lab, max_vector_parcels)
        legend.append(
            "<b>"
            + safe(lab["landuse"])
            + "</b>"
            + "".join(_swatch(c, safe(lab[k])) for k, c in CLASS_COLOURS.items())
        )

    if intensity is not None:
        scored = parks.merge(intensity[["park_id", "score", indicator]], on="park_id", how="left")
        for column, name, show in (
            ("score", lab["intensity"], False),
            (indicator, f"{lab['indicator']}: {indicator}", False),
        ):
            vals = scored[column].astype(float)
            if vals.notna().sum() == 0:
                continue
            cmap = LinearColormap(
                ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"],
                vmin=float(vals.min()),
                vmax=float(vals.max()),
                caption=safe(name),
            )
            fg = folium.FeatureGroup(name=name, show=show)
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
            ramp = ", ".join(cmap(float(v)) for v in np.linspace(cmap.vmin, cmap.vmax, 5))
            legend.append(
                f"<b>{safe(name)}</b><div style='width:180px;height:10px;background:linear-gradient(to right,"
                f" {ramp})'></div><div style='display:flex;justify-content:space-between;width:180px'>"
                f"<span>{cmap.vmin:,.1f}</span><span>{cmap.vmax:,.1f}</span></div>"
            )

    if groups is not None and len(groups):
        g = _display(groups[groups.geometry.notna()], basemap)
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
                        "evidence": "evidence",
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
        legend.append(
            "<b>"
            + safe(lab["consolidation"])
            + "</b>"
            + "".join(_swatch(c, safe(lab[a]), line=True, dash="2 6") for a, c in ACTION_COLOURS.items())
        )

    if "protected" in study:
        prot = _display(study["protected"], basemap)
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
            tooltip=folium.GeoJsonTooltip(["name", "kind"], aliases=[lab["name"], "kind"]),
        ).add_to(fg)
        fg.add_to(m)
        legend.append(_swatch(PROTECTED_COLOUR, safe(lab["protected"]), line=True, dash="5 3"))

    if findings is not None and len(findings):
        f = _display(findings[findings.geometry.notna()], basemap)
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
            tooltip=folium.GeoJsonTooltip(["park", "area", "overlap_ha"], aliases=["", "", lab["ha"]]),
        ).add_to(fg)
        fg.add_to(m)
        legend.append(_swatch("#7f0000", safe(lab["findings"])))

    notes = []
    if any(
        (study[n]["source"] == "illustrative").any()
        for n in ("parks", "zones")
        if n in study and "source" in study[n]
    ):
        notes.append(lab["illustrative"])
    if basemap == "gaode":
        notes.append(lab["gaode"])
    body = (
        "<b>"
        + safe(lab["legend"])
        + "</b>"
        + "".join(legend)
        + "".join(f"<div style='margin-top:6px;max-width:260px;color:#b00'>{safe(n)}</div>" for n in notes)
    )
    m.get_root().add_child(_Legend(body))

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
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m


def _landuse_layer(m: folium.Map, lu: gpd.GeoDataFrame, lab: dict, max_vector: int) -> None:
    cls = lu["analysis_class"].fillna("unknown").astype(str)
    fg = folium.FeatureGroup(name=lab["landuse"], show=False)
    if len(lu) <= max_vector:
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
        image, bounds = rasterise_classes(lu, cls)
        folium.raster_layers.ImageOverlay(
            image, bounds=bounds, opacity=0.65, mercator_project=False, name=lab["landuse"]
        ).add_to(fg)
    fg.add_to(m)


def rasterise_classes(
    lu: gpd.GeoDataFrame, cls: pd.Series, *, max_side: int = 2048
) -> tuple[np.ndarray, list]:
    """Land use as an RGBA image on a Web-Mercator grid (how Leaflet stretches overlays), and its bounds."""
    from rasterio.features import rasterize
    from rasterio.transform import from_bounds

    merc = lu.to_crs(3857)
    x0, y0, x1, y1 = merc.total_bounds
    res = max((x1 - x0) / max_side, (y1 - y0) / max_side, 2.0)
    w, h = max(1, math.ceil((x1 - x0) / res)), max(1, math.ceil((y1 - y0) / res))
    names = list(CLASS_COLOURS)
    code = cls.map({c: i + 1 for i, c in enumerate(names)}).fillna(len(names)).astype("uint8").to_numpy()
    idx = rasterize(
        zip(merc.geometry.values, code, strict=True),
        out_shape=(h, w),
        transform=from_bounds(x0, y0, x1, y1, w, h),
        fill=0,
        dtype="uint8",
    )
    palette = np.zeros((len(names) + 1, 4), dtype=np.uint8)
    for i, c in enumerate(names, start=1):
        palette[i] = [int(CLASS_COLOURS[c][k : k + 2], 16) for k in (1, 3, 5)] + [255]
    image = palette[idx]
    lon, lat = pyproj.Transformer.from_crs(3857, 4326, always_xy=True).transform([x0, x1], [y0, y1])
    return image, [[lat[0], lon[0]], [lat[1], lon[1]]]
