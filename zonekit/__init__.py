"""zonekit: plan China's development zones (开发区) — import, check, analyse and map studies.

The public API is plain functions over GeoDataFrames::

    import zonekit
    report = zonekit.import_layer("parks.shp", "study.gpkg", as_="parks")
    study = zonekit.read_study("study.gpkg")
    findings = zonekit.check_study(study)
"""

__version__ = "0.1.0"

from zonekit.errors import ZonekitError
from zonekit.geo.area import ellipsoidal_area
from zonekit.layers.check import check_study
from zonekit.layers.importer import ImportReport, import_layer
from zonekit.layers.sample import sample_path, write_sample
from zonekit.layers.study import Study, create_study, read_study

__all__ = [
    "ImportReport",
    "Study",
    "ZonekitError",
    "__version__",
    "check_study",
    "create_study",
    "ellipsoidal_area",
    "import_layer",
    "read_study",
    "sample_path",
    "write_sample",
]
