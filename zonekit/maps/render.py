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
import re
from importlib import resources

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
from zonekit.geo.parallel import threads
from zonekit.layers.stream import stream_of
from zonekit.maps.escape import escape_for_script
from zonekit.maps.parcels import MAX_PARK_PARCELS, pack_park_parcels
from zonekit.maps.styles import (
    ACTION_COLOURS,
    CLASS_COLOURS,
    LABELS,
    LOW_EFFICIENCY_COLOURS,
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
    """The page's title, local CJK fonts (never web fonts), a metric scale bar, and how it prints.

    Printed, the page drops its controls and shows a title block (title, date, north arrow), the legend
    unfolded and the data notice; the scale bar stays.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <title>{{ this.title }}</title>
        <style>.leaflet-container, #zonekit-legend, #zonekit-print-head { font-family: "Microsoft YaHei",
          "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", sans-serif; }
        .leaflet-control-search .search-input { width: 14em; }
        .zonekit-measure { display:block; width:30px; height:30px; line-height:30px; text-align:center;
          background:#fff; text-decoration:none; font-size:16px; }
        .zonekit-measure.zonekit-on { background:#ffe08a; }
        .zonekit-label { pointer-events:none; }
        .zonekit-label span { display:inline-block; transform:translate(-50%, -50%); white-space:nowrap;
          font-size:12px; color:#222; text-shadow:0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
        .zonekit-label-county span { font-size:13px; color:#666; letter-spacing:2px; }
        #zonekit-print-head { display:none; }
        @media print { {{ this.figure_css("") }} }
        {{ this.figure_css(".zonekit-figure ") }}
        </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div id="zonekit-print-head"><span class="north">▲<br>{{ this.north }}</span>
          <b style="font-size:16px">{{ this.title }}</b><br><span>{{ this.printed }}</span></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    @staticmethod
    def figure_css(scope: str) -> str:
        """How the page looks printed, or drawn as a figure (``scope`` ``.zonekit-figure``).

        No controls, the title block shown, the legend whole.
        """
        rules = {
            ".leaflet-control-zoom, .leaflet-control-layers, .leaflet-control-search, .zonekit-measure, "
            ".leaflet-control-fullscreen, .leaflet-popup-pane": "display:none !important;",
            "#zonekit-print-head": "display:block; position:fixed; top:8px; left:12px; right:12px; z-index:10000;"
            " background:#fff; padding:6px 10px; border:1px solid #999;",
            "#zonekit-print-head .north": "float:right; font:bold 14px sans-serif; text-align:center;",
            "#zonekit-legend": "max-height:none !important; overflow:visible !important;",
            "#zonekit-legend details::details-content": "content-visibility:visible; display:contents;",
        }
        scoped = (", ".join(scope + part.strip() for part in sel.split(",")) for sel in rules)
        css = " ".join(f"{s} {{ {r} }}" for s, r in zip(scoped, rules.values(), strict=True))
        return markupsafe.Markup(css)  # noqa: S704 — zonekit's own CSS, no data in it

    def __init__(self, title: str = "zonekit", *, north: str = "N", printed: str = "") -> None:
        super().__init__()
        self._name = "ZonekitPageStyle"
        self.title = markupsafe.escape(title)
        self.north = markupsafe.escape(north)
        self.printed = markupsafe.escape(printed)


class _Legend(MacroElement):
    """A fixed legend box; its HTML comes from the legend template (autoescaped)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="zonekit-legend" style="position:fixed;bottom:40px;left:12px;z-index:650;background:#fff;
             padding:4px 8px;border:1px solid #999;border-radius:4px;font:12px sans-serif;max-height:45vh;
             max-width:260px;overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.3)">{{ this.body }}</div>
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
    max_park_parcels: int = MAX_PARK_PARCELS,
    title: str | None = None,
    grade_cuts: list | tuple | None = None,
    low_efficiency: gpd.GeoDataFrame | None = None,
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
    max_park_parcels : int
        Up to this many parcels in parks, they are packed into the page: drawn as vectors from zoom 15 and
        named in the park's panel when clicked (land use on); past it, only the image.
    title : str, optional
        The page's title (the study's name); printed in the title block.
    grade_cuts : list of (score, grade), optional
        The intensity grades' thresholds (``intensity_default.toml`` ``scoring.grades``) for the legend.
    low_efficiency : GeoDataFrame, optional
        The five kinds of low-efficiency land (``zonekit.potential(...)["plots"]``), with geometry.

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
    from datetime import date

    m.add_child(
        _PageStyle(
            title or lab["title"], north=lab["north"], printed=f"{lab['printed']} {date.today():%Y-%m-%d}"
        )
    )
    _basemap(m, basemap, tianditu_key)

    sections: list[dict] = []
    if "admin" in study:
        sections.append(_admin_layer(m, _display(study["admin"], basemap), lab))
    if zones_tab is not None:
        sections.append(_zones_layer(m, parks, zones_tab, basemap, lab, colour, zone_name))
    plots = None
    if low_efficiency is not None and len(low_efficiency) and low_efficiency.geometry.notna().any():
        plots = _display(low_efficiency[low_efficiency.geometry.notna()], basemap)
    park_layer, section = _parks_layer(
        m, parks, intensity, lab, colour, zone_name, groups, findings, lang, plots
    )
    sections.append(section)
    if "enclaves" in study and "admin" in study:
        sections.append(_enclave_links(m, parks, study["enclaves"], study["admin"], basemap, lab))
    land_group, pack = None, None
    if "landuse" in study:
        section, land_group = _landuse_layer(m, study["landuse"], basemap, lab, max_vector_parcels)
        sections.append(section)
        meeting = (  # parcel-park pairs, known from the intensity: past the limit nothing is read for it
            int(intensity["parcels"].sum()) if intensity is not None and "parcels" in intensity else 0
        )
        pack = (
            None
            if meeting > max_park_parcels
            else pack_park_parcels(
                study["parks"],  # matched in the parcels' CRS; only those packed are brought to display
                study["landuse"],
                lambda f: _display(f, basemap),
                CLASS_COLOURS,
                lab,
                limit=max_park_parcels,
            )
        )
    if intensity is not None:
        sections += _choropleths(m, parks, intensity, indicator, lab, park_layer, grade_cuts)
    if groups is not None and len(groups):
        sections.append(_groups_layer(m, _display(groups[groups.geometry.notna()], basemap), lab, lang))
    if plots is not None:
        sections.append(_low_efficiency_layer(m, plots, lab))
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
    _labels(m, parks, _display(study["admin"], basemap) if "admin" in study else None)
    m.get_root().add_child(_Legend(lab["legend"], sections, notes))
    search = _controls(m, park_layer, lab)
    hidden = [s["layer"] for s in sections if s.get("layer") and not s.get("shown", True)]
    m.add_child(_PageScript(park_layer, search, lab, hidden, land_group, pack))
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m


def _labels(m: folium.Map, parks: gpd.GeoDataFrame, admin: gpd.GeoDataFrame | None) -> None:
    """Names on the map: parks from a zoom where they are big enough to read, counties below it.

    The page script shows each kind at its zooms and drops a label that would overlap one already shown
    (larger features first); labels never take a click.
    """
    fg = folium.FeatureGroup(name="labels", control=False)
    for kind, frame in (("park", parks), ("county", admin)):
        if frame is None or not len(frame) or "name" not in frame:
            continue
        if kind == "county" and "level" in frame:
            frame = frame[frame["level"].isin(["county", "city"])]
        order = np.argsort(-shapely.area(np.asarray(frame.geometry.values, dtype=object)))  # big ones win
        points = shapely.point_on_surface(np.asarray(frame.geometry.values, dtype=object))
        names = frame["name"].astype(str).to_numpy()
        for rank, i in enumerate(order.tolist()):
            folium.Marker(
                [points[i].y, points[i].x],
                icon=folium.DivIcon(
                    html=f'<span data-rank="{rank}">{escape_for_script(names[i])}</span>',
                    class_name=f"zonekit-label zonekit-label-{kind}",
                    icon_size=(0, 0),
                ),
                interactive=False,
                keyboard=False,
            ).add_to(fg)
    fg.add_to(m)


def _admin_layer(m: folium.Map, admin: gpd.GeoDataFrame, lab: dict) -> dict:
    admin = admin[admin["level"].isin(["county", "city"])] if "level" in admin else admin
    fg = folium.FeatureGroup(name=lab["admin"], show=True)
    folium.GeoJson(
        _light(_props(admin, {"name": "name", "adcode": "adcode"})),
        name=lab["admin"],
        style_function=lambda f: {
            "color": "#777",
            "weight": 1,
            "fillColor": "#f4f1e8",  # a light ground where there are no tiles
            "fillOpacity": 0.7,
            "dashArray": "4 3",
            "interactive": False,  # never in the way of a click on a park
        },
    ).add_to(fg)
    fg.add_to(m)
    return {"layer": lab["admin"], "items": [_item("#555", lab["admin"], line=True, dash="4 3")]}


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
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 3,
            "fill": False,
            "interactive": False,
        },
    ).add_to(fg)
    fg.add_to(m)
    return {
        "layer": lab["zones"],
        "title": lab["zones"],
        "items": [_item(colour[z], zone_name.get(z, z), line=True) for z in colour],
    }


def _park_popups(
    parks: gpd.GeoDataFrame,
    intensity: pd.DataFrame | None,
    lab: dict,
    zone_name: dict,
    groups: pd.DataFrame | None = None,
    findings: pd.DataFrame | None = None,
    lang: str = "zh",
    plots: pd.DataFrame | None = None,
) -> list[str]:
    """One panel per park: who it is, its numbers, and the findings and candidates that concern it.

    Name, code, zone, kind, area, score, grade and key indicators with units; then its red-line overlaps
    and the consolidation candidates that concern it.
    """
    ind = intensity.set_index(intensity["park_id"].astype(str)) if intensity is not None else None
    overlaps = _overlaps_by_park(findings, lab)
    low = _plots_by_park(plots, lab)
    candidates = _groups_by_park(groups, parks, lab, lang)
    popups = []
    for p in parks.itertuples():
        rows = [
            (lab["name"], p.name),
            (lab["code"], p.park_id),
            (lab["zones"], f"{zone_name.get(str(p.zone_id), p.zone_id)}({p.zone_id})"),
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
                (lab["development_rate"], _pct(r["development_rate"])),
            ]
        rows += [(lab["findings"], text) for text in overlaps.get(str(p.park_id), [])]
        rows += [(lab["consolidation"], text) for text in candidates.get(str(p.park_id), [])]
        rows += [(lab["low_efficiency"], text) for text in low.get(str(p.park_id), [])]
        popups.append(_popup(rows))
    return popups


def _pct(v: object) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{float(v):.1%}"  # type: ignore[arg-type]


def _overlaps_by_park(findings: pd.DataFrame | None, lab: dict) -> dict[str, list[str]]:
    """Each park's red-line overlaps as lines: the area and how many hectares."""
    if findings is None or not len(findings) or "a_id" not in findings:
        return {}
    out: dict[str, list[str]] = {}
    for a, b, ha in zip(
        findings["a_id"].astype(str), findings["b_name"], findings["overlap_ha"], strict=True
    ):
        out.setdefault(a, []).append(f"{b} {float(ha):,.1f} {lab['ha']}")
    return out


def _plots_by_park(plots: pd.DataFrame | None, lab: dict) -> dict[str, list[str]]:
    """Each park's low-efficiency plots as lines: the kind, the record and its area."""
    if plots is None or not len(plots):
        return {}
    out: dict[str, list[str]] = {}
    for k, rid, pid, ha in zip(
        plots["kind"], plots["record_id"], plots["park_id"], plots["area_ha"], strict=True
    ):
        if pid is not None and not pd.isna(pid):
            out.setdefault(str(pid), []).append(f"{lab.get(k, k)} {rid} {float(ha):,.2f} {lab['ha']}")
    return out


def _low_efficiency_layer(m: folium.Map, plots: gpd.GeoDataFrame, lab: dict) -> dict:
    """The five kinds of low-efficiency land, each in its colour; listed in the panel of the park."""
    fg = folium.FeatureGroup(name=lab["low_efficiency"], show=True)
    folium.GeoJson(
        _light(_props(plots, {"colour": [LOW_EFFICIENCY_COLOURS.get(k, "#999") for k in plots["kind"]]})),
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 2,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.45,
            "interactive": False,
        },
    ).add_to(fg)
    fg.add_to(m)
    kinds = set(plots["kind"])
    items = [_item(c, lab[k]) for k, c in LOW_EFFICIENCY_COLOURS.items() if k in kinds]
    return {"layer": lab["low_efficiency"], "title": lab["low_efficiency"], "items": items}


def _groups_by_park(
    groups: pd.DataFrame | None, parks: gpd.GeoDataFrame, lab: dict, lang: str
) -> dict[str, list[str]]:
    """Each park's consolidation candidates: the group, its action, and the evidence that names it.

    For a zone-level rule (no park named), the first evidence of the group.
    """
    if groups is None or not len(groups):
        return {}
    evidence = "evidence_zh" if lang == "zh" and "evidence_zh" in groups else "evidence"
    out: dict[str, list[str]] = {}
    names = dict(zip(parks["park_id"].astype(str), parks["name"].astype(str), strict=True))
    zone_of = dict(zip(parks["park_id"].astype(str), parks["zone_id"].astype(str), strict=True))
    for g in groups.itertuples():
        flagged = set(str(getattr(g, "parks", "") or "").split(","))
        zones = set(str(getattr(g, "zones", "") or "").split(","))
        parts = [t.strip() for t in str(getattr(g, evidence, "") or "").split("|") if t.strip()]
        action = lab.get(g.suggested_action, g.suggested_action)
        for pid, name in names.items():
            if pid not in flagged and zone_of[pid] not in zones:
                continue
            said = [t for t in parts if name in t] or ([] if pid in flagged else parts[:2])
            out.setdefault(pid, []).append(f"{g.group_id} {action}:" + ";".join(said))
    return out


def _parks_layer(
    m: folium.Map,
    parks: gpd.GeoDataFrame,
    intensity: pd.DataFrame | None,
    lab: dict,
    colour: dict[str, str],
    zone_name: dict,
    groups: pd.DataFrame | None = None,
    findings: pd.DataFrame | None = None,
    lang: str = "zh",
    plots: pd.DataFrame | None = None,
) -> tuple[folium.GeoJson, dict]:
    """The parks, clickable and searchable by park or zone name; returned for the search control."""
    props = _props(
        parks,
        {
            "park_id": "park_id",
            "n": list(range(len(parks))),  # the park's place in the page's parcel pack
            "name": "name",
            "search": [  # a park is found by its name, its zone's name, or either code
                f"{n} {zone_name.get(str(z), z)} {pid} {z}"
                for n, z, pid in zip(parks["name"], parks["zone_id"], parks["park_id"], strict=True)
            ],
            "kind": [lab.get(k, k) for k in parks["kind"]],
            "colour": [colour[str(z)] for z in parks["zone_id"]],
            "dash": [PARK_KIND_DASH.get(k) or "" for k in parks["kind"]],
        },
    )
    props["popup_html"] = _park_popups(  # autoescaped
        parks, intensity, lab, zone_name, groups, findings, lang, plots
    )
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
        popup=folium.GeoJsonPopup(["popup_html"], labels=False, max_width=360),
    )
    layer.add_to(fg)
    fg.add_to(m)
    items = [
        {**_item("#333", lab[k], line=True, dash=PARK_KIND_DASH[k]), **PARK_KIND_SWATCH[k]}
        for k in PARK_KIND_DASH
    ]
    return layer, {"layer": lab["parks"], "title": lab["parks"], "items": items}


PARK_KIND_SWATCH = {  # how the legend tells the kinds apart at swatch size
    "main": {"border": "solid", "fill": "#999"},
    "sub": {"border": "dashed", "fill": "#ddd"},
    "theme": {"border": "dotted", "fill": "transparent"},
    "enclave": {"border": "double", "fill": "#e8dcf2"},
}


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
    return {
        "layer": lab["enclave_links"],
        "items": [_item("#6a3d9a", lab["enclave_links"], line=True, dash="8 6")],
    }


GRADE_COLOURS = {"A": "#1a9641", "B": "#a6d96a", "C": "#fdae61", "D": "#d7191c"}


def _coloured_parks(parks: gpd.GeoDataFrame, colours: list[str]) -> folium.GeoJson:
    """The parks filled each in its colour, not catching clicks (the park's own panel answers them)."""
    return folium.GeoJson(
        _light(_props(parks, {"colour": colours})),
        style_function=lambda f: {
            "color": "#333",
            "weight": 1,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.8,
            "interactive": False,
        },
    )


def _choropleths(
    m: folium.Map,
    parks: gpd.GeoDataFrame,
    intensity: pd.DataFrame,
    indicator: str,
    lab: dict,
    park_layer: folium.GeoJson,
    grade_cuts: list | tuple | None = None,
) -> list[dict]:
    """The intensity grades and one indicator's ramp, each a layer of the parks hidden until chosen.

    Grades A/B/C/D in fixed colours, the legend with their thresholds; a click on either layer opens the
    park's panel.
    """
    cols = ["park_id", "score", indicator] + (["grade"] if "grade" in intensity else [])
    scored = parks.merge(intensity[cols], on="park_id", how="left")
    sections: list[dict] = []
    if "grade" in scored and scored["grade"].notna().any():
        grade = scored["grade"].astype(object).where(scored["grade"].notna(), None)
        fg = folium.FeatureGroup(name=lab["intensity"], show=False)
        _coloured_parks(scored, [GRADE_COLOURS.get(g, "#cccccc") for g in grade]).add_to(fg)
        fg.add_to(m)
        cuts = {g: c for c, g in (grade_cuts or [])}
        items = [
            _item(c, f"{g}" + (f"(≥{cuts[g]:g})" if g in cuts and cuts[g] > 0 else ""))
            for g, c in GRADE_COLOURS.items()
        ]
        sections.append(
            {"layer": lab["intensity"], "title": lab["intensity"], "items": items, "shown": False}
        )
    name = f"{lab['indicator']}:{lab.get(indicator, indicator)}"
    vals = scored[indicator].astype(float)
    if vals.notna().sum():
        cmap = LinearColormap(
            ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"],
            vmin=float(vals.min()),
            vmax=float(vals.max()),
            caption=escape_for_script(name),
        )
        fg = folium.FeatureGroup(name=name, show=False)
        _coloured_parks(scored, [cmap(v) if not math.isnan(v) else "#cccccc" for v in vals]).add_to(fg)
        fg.add_to(m)
        ramp = [cmap(float(v)) for v in np.linspace(cmap.vmin, cmap.vmax, 5)]
        sections.append(
            {
                "layer": name,
                "title": name,
                "items": [],
                "ramp": {"colours": ramp, "vmin": cmap.vmin, "vmax": cmap.vmax},
                "shown": False,
            }
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
            "interactive": False,  # the evidence is in the panel of each park it concerns
        },
    ).add_to(fg)
    fg.add_to(m)
    used = set(g["suggested_action"])
    items = [_item(c, lab[a], line=True, dash="2 6") for a, c in ACTION_COLOURS.items() if a in used]
    return {"layer": lab["consolidation"], "title": lab["consolidation"], "items": items}


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
            "interactive": False,
        },
    ).add_to(fg)
    fg.add_to(m)
    return {
        "layer": lab["protected"],
        "items": [_item(PROTECTED_COLOUR, lab["protected"], line=True, dash="5 3")],
    }


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
            "interactive": False,  # the overlap is listed in the park's panel
        },
    ).add_to(fg)
    fg.add_to(m)
    return {"layer": lab["findings"], "items": [_item("#7f0000", lab["findings"])]}


def _controls(m: folium.Map, park_layer: folium.GeoJson, lab: dict) -> plugins.Search:
    """Search (parks by name or code, or their zone's), full screen and the layer switcher (folded).

    Measuring is the page script's own tool (in 米, 公顷 and 亩).
    """
    search = plugins.Search(
        layer=park_layer,
        search_label="search",
        placeholder=lab["search"],
        collapsed=False,
        position="topright",
        initial=False,
        geom_type="Polygon",
    )
    search.add_to(m)
    plugins.Fullscreen(title=lab["fullscreen"], title_cancel=lab["fullscreen_exit"]).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return search


class _PageScript(MacroElement):
    """The page's behaviour (``templates/page.js``): the park under a click, search, the legend, measuring."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}""")

    def __init__(
        self,
        parks: folium.GeoJson,
        search: plugins.Search,
        lab: dict,
        hidden: list[str],
        land: folium.FeatureGroup | None = None,
        pack: dict | None = None,
    ) -> None:
        super().__init__()
        self._name = "ZonekitPageScript"
        self._parks, self._search, self._lab, self._hidden = parks, search, lab, hidden
        self._land, self._pack = land, pack

    def render(self, **kwargs) -> str:

        l10n = {
            k: self._lab[k]
            for k in (
                "distance",
                "area",
                "m",
                "km",
                "ha",
                "mu",
                "measure",
                "not_found",
                "parcel_here",
                "parcel_no",
            )
        }
        l10n["landuse"] = self._lab["landuse"]
        code = resources.files("zonekit.maps").joinpath("templates", "page.js").read_text(encoding="utf-8")
        assert self._parent is not None
        values = {
            "map": self._parent.get_name(),
            "parks": self._parks.get_name(),
            "search": self._search.layer.get_name() + "searchControl",  # what folium's template names it
            "l10n": _script_json(l10n),
            "hidden": _script_json(self._hidden),
            "landuse": self._land.get_name() if self._land is not None else "null",
            "parcels": _script_json(self._pack),
        }
        self.code = re.sub(r"\{\{ (\w+) \}\}", lambda mm: values[mm.group(1)], code)
        return super().render(**kwargs)


def _script_json(value: object) -> str:
    """``value`` as JSON that may stand inside a ``<script>`` block (no ``</script>`` can end it early).

    Examples
    --------
    >>> _script_json({"a": "</script><b>"}) == '{"a": "' + chr(92) + 'u003c/script>' + chr(92) + 'u003cb>"}'
    True
    """
    import json

    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _landuse_layer(
    m: folium.Map, parcels, basemap: str, lab: dict, max_vector: int
) -> tuple[dict, folium.FeatureGroup]:
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
                "interactive": False,
            },
        ).add_to(fg)
    else:
        image, bounds = rasterise_classes(parcels, basemap=basemap)
        folium.raster_layers.ImageOverlay(
            image, bounds=bounds, opacity=0.65, mercator_project=False, name=lab["landuse"]
        ).add_to(fg)
    fg.add_to(m)
    items = [_item(c, lab[k]) for k, c in CLASS_COLOURS.items()]
    return {"layer": lab["landuse"], "title": lab["landuse"], "items": items, "shown": False}, fg


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

    def burnt(chunk) -> tuple[np.ndarray, np.ndarray]:  # a chunk's pixels: where, and which class
        part = np.zeros((grid.h, grid.w), dtype=np.uint8)
        code = chunk["analysis_class"].map(number).fillna(len(names)).astype("uint8").to_numpy()
        burn(part, grid, chunk.geometry.values, code, project)
        at = np.flatnonzero(part)
        return at, part.ravel()[at]

    # the chunks' pixels laid in the layer's order: a later parcel wins, as in one pass
    flat = idx.reshape(-1)
    for at, codes in stream.map_chunks(burnt, ["analysis_class"], workers=threads(None)):
        flat[at] = codes
    palette = np.zeros((len(names) + 1, 4), dtype=np.uint8)
    for i, c in enumerate(names, start=1):
        palette[i] = [int(CLASS_COLOURS[c][k : k + 2], 16) for k in (1, 3, 5)] + [255]
    image = palette[idx]
    west, east = grid.x0, grid.x0 + grid.w * grid.res
    south, north = grid.y1 - grid.h * grid.res, grid.y1
    lon, lat = to_merc.transform([west, east], [south, north], direction="INVERSE")
    return image, [[lat[0], lon[0]], [lat[1], lon[1]]]
