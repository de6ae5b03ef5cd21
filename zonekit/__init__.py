"""zonekit: plan China's development zones (开发区) — import, check, analyse and map studies.

The public API is one function per command, over GeoDataFrames::

    import zonekit
    zonekit.import_layer("parks.shp", "study.gpkg", as_="parks")
    st = zonekit.read_study("study.gpkg")
    report = zonekit.intensity(st["parks"], st["landuse"], zones=st["zones"])
    report["indicators"]                      # indexed by park_id
    zonekit.overlap(st["parks"], st["protected"], a_layer="parks", b_layer="protected")["pairs"]

Names are loaded on first use (PEP 562), so ``import zonekit`` and ``zonekit --help`` are instant.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from zonekit._version import __version__

# public name → module that defines it
_LAZY = {
    "ZonekitError": "zonekit.errors",
    "SchemaError": "zonekit.errors",
    "ellipsoidal_area": "zonekit.geo.area",
    "ImportReport": "zonekit.layers.importer",
    "import_layer": "zonekit.layers.importer",
    "import_layers": "zonekit.layers.importer",
    "inspect": "zonekit.layers.inspect",
    "Inspection": "zonekit.layers.inspect",
    "info": "zonekit.layers.info",
    "export": "zonekit.reports.export",
    "sample_path": "zonekit.layers.sample",
    "write_sample": "zonekit.layers.sample",
    "Study": "zonekit.layers.study",
    "create_study": "zonekit.layers.study",
    "read_study": "zonekit.layers.study",
    "study_of": "zonekit.layers.frames",
    "Report": "zonekit.api",
    "check": "zonekit.api",
    "intensity": "zonekit.api",
    "overlap": "zonekit.api",
    "findings": "zonekit.api",
    "consolidate": "zonekit.api",
    "enclaves": "zonekit.api",
    "potential": "zonekit.api",
    "monitor": "zonekit.api",
    "versions": "zonekit.api",
    "map": "zonekit.api",
    "atlas": "zonekit.atlas_job",
    "partition": "zonekit.layers.partitions",
    "set_language": "zonekit.vocabulary.messages",
    "language": "zonekit.vocabulary.messages",
}
# old names kept for one release: old name → (module, new name)
_DEPRECATED = {"check_study": ("zonekit.layers.check", "check")}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _DEPRECATED:
        module, new = _DEPRECATED[name]
        warnings.warn(
            f"zonekit.{name} is deprecated and will be removed in the next release; use zonekit.{new}.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module 'zonekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from zonekit.api import Report, check, consolidate, enclaves, findings, intensity, map, overlap, versions
    from zonekit.atlas_job import atlas
    from zonekit.errors import SchemaError, ZonekitError
    from zonekit.geo.area import ellipsoidal_area
    from zonekit.layers.frames import study_of
    from zonekit.layers.importer import ImportReport, import_layer
    from zonekit.layers.sample import sample_path, write_sample
    from zonekit.layers.study import Study, create_study, read_study
    from zonekit.vocabulary.messages import language, set_language
