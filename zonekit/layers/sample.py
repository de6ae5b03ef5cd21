"""The bundled sample study: where it lives and how to copy it out."""

from __future__ import annotations

import shutil
from pathlib import Path

from zonekit.errors import StudyError
from zonekit.geo.io import atomic_output

SAMPLE_FILES = ("study.gpkg", "landcover.tif")


def _data_root() -> Path:
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "_data", here.parent / "data"):  # installed wheel, then source checkout
        if (cand / "sample" / "study.gpkg").exists():
            return cand
    raise StudyError("sample.missing")


def sample_path(name: str = "study.gpkg") -> Path:
    """Path of a bundled sample file (``study.gpkg`` or ``landcover.tif``).

    Parameters
    ----------
    name : str, default 'study.gpkg'
        The name.

    Returns
    -------
    Path
        Path of a bundled sample file (``study.gpkg`` or ``landcover.tif``).

    Examples
    --------
    >>> sample_path().name
    'study.gpkg'
    """
    if name not in SAMPLE_FILES:
        raise StudyError("sample.no_file", name=name, names=", ".join(SAMPLE_FILES))
    return _data_root() / "sample" / name


def write_sample(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Copy the bundled sample study (``study.gpkg``, ``landcover.tif``) into ``directory``.

    Parameters
    ----------
    directory : str or Path
        Created when missing.
    force : bool, default False
        Replace sample files already there. Without it an existing ``study.gpkg`` (which may be the
        user's own work) is never overwritten.

    Returns
    -------
    list[Path]
        The files written.

    Raises
    ------
    StudyError
        ``directory`` already holds one of the files and ``force`` is False.
    """
    directory = Path(directory)
    there = [directory / n for n in SAMPLE_FILES if (directory / n).exists()]
    if there and not force:
        raise StudyError("sample.folder_taken", path=directory, names=", ".join(p.name for p in there))
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name in SAMPLE_FILES:
        dst = directory / name
        with atomic_output(dst) as tmp:
            shutil.copyfile(sample_path(name), tmp)
        out.append(dst)
    return out
