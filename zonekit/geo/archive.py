"""Safe extraction of zip archives made on any system, Chinese Windows included.

Member names without the UTF-8 flag are decoded from their raw bytes (UTF-8, else GB18030 when that gives
Chinese), so ``开发区边界.shp`` is not listed as ``┐¬╖ó╟°▒▀╜τ``. A member whose name is absolute or climbs out
of the folder (``../``) is refused, and so is a symbolic link, an archive of absurdly many members or one
that would decompress absurdly (a zip bomb); a file that is not a zip, or a damaged one, is said to be so.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from zonekit.errors import UnsafeArchiveError
from zonekit.geo.encoding import EncodingError, decide_from_bytes
from zonekit.vocabulary.messages import Reasons

MAX_RATIO = 200.0  # uncompressed / compressed, per member (text DBFs compress ~10-50x)
RATIO_FLOOR_BYTES = 1 << 20  # members smaller than this may compress as they like
MAX_TOTAL_BYTES = 8 << 30
MAX_MEMBERS = 10_000  # a county's shapefiles are dozens of files; thousands are a crafted archive
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
    try:
        with zipfile.ZipFile(archive) as zf:
            return _extract(zf, archive, dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise UnsafeArchiveError("archive.damaged", path=archive, err=err) from None


def _is_link(info: zipfile.ZipInfo) -> bool:
    """Whether the member is a symbolic link (a Unix mode in the member's external attributes)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _extract(zf: zipfile.ZipFile, archive: Path, dest: Path) -> Reasons:
    names, how = member_names(zf, path=archive)
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchiveError("archive.too_many", path=archive, n=len(infos), limit=MAX_MEMBERS)
    for info in infos:
        if _is_link(info):
            raise UnsafeArchiveError("archive.link", path=archive, name=info.filename)
    targets = [_safe_target(dest, n, archive=archive) for n in names]
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (ratio > MAX_RATIO and info.file_size > RATIO_FLOOR_BYTES) or total > MAX_TOTAL_BYTES:
            raise UnsafeArchiveError(
                "archive.bomb", path=archive, name=info.filename, ratio=ratio, mib=info.file_size / 2**20
            )
    for info, target in zip(infos, targets, strict=True):
        try:
            _write_member(zf, info, target, archive)
        except OSError as err:  # a member name too long here, a file where a folder must go, …
            raise UnsafeArchiveError(
                "archive.member_unwritable", path=archive, name=info.filename, err=err.strerror or err
            ) from None
    return how


def _write_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, archive: Path) -> None:
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, open(target, "wb") as out:
        written = 0
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > info.file_size:  # the header lied about the size
                raise UnsafeArchiveError("archive.larger_than_header", path=archive, name=info.filename)
            out.write(chunk)
