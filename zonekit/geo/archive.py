"""Safe extraction of zip archives made on any system, Chinese Windows included.

Member names without the UTF-8 flag are decoded from their raw bytes (UTF-8, else GB18030 when that gives
Chinese), so ``开发区边界.shp`` is not listed as ``┐¬╖ó╟°▒▀╜τ``. A member whose name is absolute or climbs out
of the folder (``../``) is refused, and so is an archive that would decompress absurdly (a zip bomb).
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from zonekit.errors import UnsafeArchiveError
from zonekit.geo.encoding import EncodingError, decide_from_bytes
from zonekit.vocabulary.messages import Reasons

MAX_RATIO = 200.0  # uncompressed / compressed, per member (text DBFs compress ~10-50x)
MAX_TOTAL_BYTES = 8 << 30
_UTF8_FLAG = 0x800


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & _UTF8_FLAG:
        return info.filename.encode("utf-8")
    return info.filename.encode("cp437")


def member_names(zf: zipfile.ZipFile, *, path: Path) -> tuple[list[str], Reasons]:
    """Decoded member names and how their encoding was decided.

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open archive.
    path : Path
        The file.

    Returns
    -------
    tuple[list[str], Reasons]
        Decoded member names and how their encoding was decided.
    """
    infos = zf.infolist()
    unflagged = b"\n".join(_raw_name(i) for i in infos if not i.flag_bits & _UTF8_FLAG)
    if not unflagged or all(b < 128 for b in unflagged):
        return [i.filename for i in infos], Reasons.of("how.zip_names_plain")
    try:
        found = decide_from_bytes(unflagged, path=path, what="zip member names")
    except EncodingError:
        return [i.filename for i in infos], Reasons.of("how.zip_names_cp437")
    names = [i.filename if i.flag_bits & _UTF8_FLAG else _raw_name(i).decode(found.encoding) for i in infos]
    return names, Reasons.of("how.zip_names") + found.how


def _safe_target(root: Path, name: str, *, archive: Path) -> Path:
    norm = name.replace("\\", "/")
    pure = PurePosixPath(norm)
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in pure.parts:
        raise UnsafeArchiveError("archive.outside", path=archive, name=name)
    target = (root / pure).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafeArchiveError("archive.escapes", path=archive, name=name)
    return target


def safe_extract(archive: Path, dest: Path) -> Reasons:
    """Extract ``archive`` into ``dest`` safely; return how member names were decoded.

    Parameters
    ----------
    archive : Path
        The archive.
    dest : Path
        The destination.

    Returns
    -------
    str
        Extract ``archive`` into ``dest`` safely; return how member names were decoded.

    Raises
    ------
    UnsafeArchiveError
        On a member outside ``dest`` or an absurd decompression ratio.
    """
    with zipfile.ZipFile(archive) as zf:
        names, how = member_names(zf, path=archive)
        infos = zf.infolist()
        targets = [_safe_target(dest, n, archive=archive) for n in names]
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (ratio > MAX_RATIO and info.file_size > 10 << 20) or total > MAX_TOTAL_BYTES:
                raise UnsafeArchiveError(
                    "archive.bomb", path=archive, name=info.filename, ratio=ratio, mib=info.file_size / 2**20
                )
        for info, target in zip(infos, targets, strict=True):
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            limit = info.file_size
            with zf.open(info) as src, open(target, "wb") as out:
                written = 0
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > limit:  # the header lied about the size
                        raise UnsafeArchiveError(
                            "archive.larger_than_header", path=archive, name=info.filename
                        )
                    out.write(chunk)
    return how
