"""The fixed vocabularies the command line offers as choices, with no heavy import.

They live here, not beside the code that uses them, so that ``zonekit --help`` and ``zonekit import --help``
start without loading pandas, geopandas or folium. Every module that needs one of these lists imports it
from here: there is one copy of each.
"""

LAYER_NAMES = (
    "admin",
    "zones",
    "parks",
    "enclaves",
    "landuse",
    "protected",
    "enterprises",
    "zone_versions",
    "supply",
    "approvals",
)
"""The study's layers, in the order a study lists them."""

CODE_SYSTEMS = ("gb21010_2017", "sandiao", "ydyh_2020", "ydyh_2023")
"""Land-use code systems (see ``domain.md`` §5: the same code means different things in each)."""

BASEMAPS = ("osm", "tianditu", "gaode", "none")
"""Map tiles: OpenStreetMap, Tianditu (needs a key), Amap (GCJ-02), none (offline)."""

INDICATORS = (
    "development_rate",
    "supply_rate",
    "construction_rate",
    "industrial_land_ratio",
    "composite_far",
    "building_density",
    "industrial_far",
    "industrial_building_coefficient",
    "investment_intensity",
    "industrial_tax_per_ha",
    "tax_per_ha",
    "idle_land_ratio",
)
"""The land intensive-use indicators (土地集约利用评价), in report order."""
