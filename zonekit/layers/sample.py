"""The bundled sample study: where it lives and how to copy it out."""

from __future__ import annotations

import shutil
from pathlib import Path

from zonekit.errors import StudyError

SAMPLE_FILES = ("study.gpkg", "landcover.tif")


def _data_root() -> Path:
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "_data", here.parent / "data"):  # installed wheel, then source checkout
        if (cand / "sample" / "study.gpkg").exists():
            return cand
    raise StudyError(
        "The bundled sample study is missing from this installation.",
        fix="Reinstall zonekit, or regenerate it with `make sample` in a source checkout.",
    )


def sample_path(name: str = "study.gpkg") -> Path:
    """Path of a bundled sample file (``study.gpkg`` or ``landcover.tif``).

    Examples
    --------
    >>> sample_path().name
    'study.gpkg'
    """
    if name not in SAMPLE_FILES:
        raise StudyError(
            f"There is no sample file '{name}'.", fix=f"Choose one of {', '.join(SAMPLE_FILES)}."
        )
    return _data_root() / "sample" / name


def write_sample(directory: str | Path) -> list[Path]:
    """Copy the bundled sample study (``study.gpkg``, ``landcover.tif``) into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name in SAMPLE_FILES:
        src = sample_path(name)
        dst = directory / name
        tmp = dst.with_name(f".{name}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
        out.append(dst)
    return out
