"""The atlas computes each overlay and each analysis once, and hands results to those that build on them."""

from __future__ import annotations

import collections
import hashlib
import sys

import numpy as np
import pytest
import shapely

import zonekit
from zonekit.analysis import config as config_module
from zonekit.analysis import consolidate, enclaves, enterprises, intensity, overlap, versions
from zonekit.geo.packed import PackedPolygons
from zonekit.layers import stream


def _digest(geoms) -> str:
    if isinstance(geoms, PackedPolygons):  # a chunk kept packed: its polygons, decoded apart from it
        geoms = geoms.geoms if geoms.geoms is not None else shapely.from_wkb(geoms.wkb.to_numpy(False))
    return hashlib.sha256(b"".join(shapely.to_wkb(np.asarray(geoms, dtype=object)))).hexdigest()[:16]


def _key(a, b) -> tuple:
    """The same overlay gives the same key: the exact geometries of both sides."""
    return _digest(a), _digest(b), len(b)


@pytest.fixture
def counted(monkeypatch):
    calls: collections.Counter = collections.Counter()
    overlays: collections.Counter = collections.Counter()
    monkeypatch.setattr(stream, "can_fork", lambda: False)  # every overlay in this process, to be counted
    for module in (intensity, enterprises, overlap, versions, enclaves, consolidate):
        if hasattr(module, "intersection_areas"):
            real = module.intersection_areas

            def counting(a, b, *args, _real=real, **kw):
                overlays[_key(a, b)] += 1
                return _real(a, b, *args, **kw)

            monkeypatch.setattr(module, "intersection_areas", counting)
    for module, name in (
        (intensity, "evaluate_units"),
        (enterprises, "enterprise_totals"),
        (consolidate, "consolidation_candidates"),
        (overlap, "findings"),
        (overlap, "park_protected_pairs"),
    ):
        real = getattr(module, name)

        def wrapped(*args, _real=real, _name=name, **kw):
            calls[_name] += 1
            return _real(*args, **kw)

        # every zonekit module that bound the name at import (e.g. ``from … import enterprise_table``)
        for m in [mod for key, mod in sys.modules.items() if key.startswith("zonekit")]:
            if getattr(m, name, None) is real:
                monkeypatch.setattr(m, name, wrapped)
    config_module._from_file.cache_clear()
    return calls, overlays


def test_the_atlas_runs_each_overlay_and_each_analysis_once(counted, tmp_path):
    calls, overlays = counted
    zonekit.atlas(None, tmp_path / "atlas", year=2025)
    repeated = {k: n for k, n in overlays.items() if n > 1}
    assert not repeated, f"overlays computed more than once: {repeated}"
    # per park, per zone and the two boundary versions of the versioned zone: 3 evaluations of units
    assert calls["evaluate_units"] == 3
    assert calls["enterprise_totals"] == 1 and calls["consolidation_candidates"] == 1  # the sample has firms
    assert calls["findings"] == 1 and calls["park_protected_pairs"] == 1
    info = config_module._from_file.cache_info()
    assert info.misses == 3  # intensity, consolidate and potential defaults, each parsed once
